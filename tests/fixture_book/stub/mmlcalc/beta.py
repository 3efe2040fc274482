"""The module that the beta page imports."""


def value():
    """The value the beta page prints."""
    return 10
