"""A stub of mmlcalc for the fixture book: importing it imports no submodule."""

__version__ = "0.0.1"
