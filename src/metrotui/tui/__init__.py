"""The terminal app: Textual widgets, screens and styles. Never imports the CLI."""
