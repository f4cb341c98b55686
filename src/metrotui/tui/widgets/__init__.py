"""Widgets that draw: the map and the station pane."""
