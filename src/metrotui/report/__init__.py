"""Rich renderings of core figures that the command line and the app both show."""
