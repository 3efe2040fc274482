"""The module that the alpha page imports."""


def value():
    """The value the alpha page prints."""
    return 1
