r"""The house style of the book's figures.

An opaque white card with dark ink and the colour-blind-safe Okabe-Ito palette: it reads the
same on the light and the dark theme of the site.
"""

from __future__ import annotations

from contextlib import contextmanager

import matplotlib as mpl
import matplotlib.pyplot as plt

from .._validation import check_int

__all__ = ["COLORS", "book_style", "figure", "use_book_style"]

#: Okabe and Ito's palette, distinguishable with every common colour-vision deficiency.
COLORS = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "green": "#009E73",
    "purple": "#CC79A7",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "ink": "#1a1a1a",
    "grey": "#6b6b6b",
}

_STYLE = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.dpi": 110,
    "figure.figsize": (6.4, 3.8),
    "figure.constrained_layout.use": True,
    "font.size": 10.5,
    "axes.titlesize": 11,
    "axes.labelsize": 10.5,
    "axes.edgecolor": COLORS["ink"],
    "axes.labelcolor": COLORS["ink"],
    "axes.grid": True,
    "grid.color": "#d9d9d9",
    "grid.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": COLORS["ink"],
    "ytick.color": COLORS["ink"],
    "text.color": COLORS["ink"],
    "legend.frameon": False,
    "lines.linewidth": 1.8,
    "axes.prop_cycle": mpl.cycler(color=[COLORS[c] for c in
                                         ("blue", "vermillion", "green", "purple", "orange",
                                          "sky")]),
}


def use_book_style() -> None:
    """Apply the book's matplotlib style to every figure made from now on.

    It changes only the style settings (colours, fonts, sizes, grid), never the backend or
    interactive mode, so figures still show inline in a notebook.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from mmlcalc.plotting import use_book_style
    >>> use_book_style()
    >>> plt.rcParams["axes.spines.top"]
    False

    Book: section 1.1.
    """
    mpl.rcParams.update(_STYLE)


@contextmanager
def book_style():
    """Context manager: the book's style inside the block, the previous style after it.

    Only the style settings are saved and restored (``matplotlib.rc_context`` would also
    restore interactive mode, which stops later figures from showing in a notebook).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from mmlcalc.plotting import book_style
    >>> with book_style():
    ...     fig, ax = plt.subplots()
    >>> fig.get_facecolor()
    (1.0, 1.0, 1.0, 1.0)
    >>> plt.close(fig)

    Book: section 1.1.
    """
    previous = {key: mpl.rcParams[key] for key in _STYLE}
    mpl.rcParams.update(_STYLE)
    try:
        yield
    finally:
        mpl.rcParams.update(previous)


def figure(nrows: int = 1, ncols: int = 1, **kwargs):
    """Apply the book's style and create a figure with axes, as ``plt.subplots`` does.

    Raises
    ------
    TypeError, ValueError
        If `nrows` or `ncols` is not an integer from 1 to 20.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from mmlcalc.plotting import figure
    >>> fig, (left, right) = figure(1, 2)
    >>> len(fig.axes)
    2
    >>> plt.close(fig)

    Book: section 1.1.
    """
    nrows = check_int(nrows, "nrows", low=1, high=20)
    ncols = check_int(ncols, "ncols", low=1, high=20)
    use_book_style()
    return plt.subplots(nrows, ncols, **kwargs)
