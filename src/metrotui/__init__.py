"""metrotui: follow a learning curriculum drawn as a metro map in the terminal."""

__version__ = "0.1.0"
