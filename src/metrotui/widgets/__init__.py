"""Textual widgets for the metrotui app."""
