"""Turning a roadmap someone else wrote into a curriculum: pure, no files.

The readers hand in text (Markdown) or parsed JSON (an Exercism track); each
module here gives back a ``Conversion``: the curriculum as the file holds it
and a report of what was found and what was left out.
"""
