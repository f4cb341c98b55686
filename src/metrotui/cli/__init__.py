"""The command line: click commands and rich views. Never imports textual."""
