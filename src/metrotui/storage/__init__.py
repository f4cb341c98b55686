"""Files in and out: curricula, progress, UI state, exports. Builds on metrotui.core only."""
