"""The pure model and its rules: no file I/O, and no click, rich, textual or pydantic."""
