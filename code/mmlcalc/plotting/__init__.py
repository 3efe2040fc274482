r"""Figures for the book: one house style and one function per kind of picture.

Every figure in the book is drawn with these functions, so that all of them share a look that
reads on the light and the dark theme alike. Each function takes an ``ax`` to draw on and
returns it; none calls ``plt.show``. matplotlib is imported only in this subpackage.

Modules: :mod:`._style` (the house style), then one module a kind of picture.
"""

from ._style import COLORS, book_style, figure, use_book_style

# -- chapter 1: what is calculus? --
from .derivatives import plot_secants

# -- chapter 2: multivariate calculus --
from .surfaces import (
    as_3d,
    plot_contours,
    plot_mapped_grid,
    plot_pit,
    plot_quadratic,
    plot_slices,
    plot_surface,
)

# -- chapter 3: the multivariate chain rule and neural networks --

# -- chapter 4: Taylor series and linearisation --

# -- chapter 5: introduction to optimisation --

# -- chapter 6: regression --

__all__ = [
    "COLORS",
    "book_style",
    "figure",
    "use_book_style",
    # -- chapter 1 --
    "plot_secants",
    # -- chapter 2 --
    "as_3d",
    "plot_contours",
    "plot_mapped_grid",
    "plot_pit",
    "plot_quadratic",
    "plot_slices",
    "plot_surface",
    # -- chapter 3 --
    # -- chapter 4 --
    # -- chapter 5 --
    # -- chapter 6 --
]
