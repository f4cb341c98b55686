"""Screens and dialogs shown over the map."""
