r"""Figures for the book: one house style and one function per kind of picture.

Every figure in the book is drawn here, so that all of them share a look that reads on the light
and the dark theme alike (an opaque white card with dark ink and the colour-blind-safe Okabe-Ito
palette). Functions take an ``ax`` to draw on, return it, and never call ``plt.show``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import contextmanager

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from ._validation import as_real_array, check_callable

__all__ = ["COLORS", "book_style", "figure", "plot_secants", "use_book_style"]

#: Okabe and Ito's palette: distinguishable with every common colour-vision deficiency.
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
    """
    previous = {key: mpl.rcParams[key] for key in _STYLE}
    mpl.rcParams.update(_STYLE)
    try:
        yield
    finally:
        mpl.rcParams.update(previous)


def figure(nrows: int = 1, ncols: int = 1, **kwargs):
    """Apply the book's style and create a figure with axes, as ``plt.subplots`` does.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from mmlcalc.plotting import figure
    >>> fig, (left, right) = figure(1, 2)
    >>> len(fig.axes)
    2
    >>> plt.close(fig)
    """
    use_book_style()
    return plt.subplots(nrows, ncols, **kwargs)


def plot_secants(ax, f: Callable, x0: float, steps: Sequence[float], *, fprime: float | None = None,
                 xlim: tuple[float, float] | None = None):
    r"""Draw `f` with secants from ``x0`` to ``x0 + h`` for each step ``h``, and the tangent.

    The secant through :math:`(x_0, f(x_0))` and :math:`(x_0 + h, f(x_0 + h))` has slope
    :math:`(f(x_0 + h) - f(x_0)) / h`; as :math:`h \to 0` it turns into the tangent, whose
    slope is :math:`f'(x_0)`.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    f : callable
        Vectorised function of one variable.
    x0 : float
        The point of tangency.
    steps : sequence of float
        Non-zero steps, drawn from lightest (largest) to darkest.
    fprime : float, optional
        Slope of the tangent; if omitted no tangent is drawn.
    xlim : (float, float), optional
        The x-range of the curve; default ``x0 - 0.5`` to ``x0 + 1.2 max|h|``.

    Returns
    -------
    matplotlib.axes.Axes
        `ax`, for chaining.

    Notes
    -----
    Book: section 1.1, figure *secants closing in on the tangent*.
    """
    check_callable(f, "f")
    steps = as_real_array(steps, "steps", ndim=1)
    if np.any(steps == 0):
        raise ValueError("`steps` must be non-zero")
    if xlim is None:
        xlim = (x0 - 0.5, x0 + 1.2 * np.max(np.abs(steps)))
    xs = np.linspace(*xlim, 400)
    ax.plot(xs, f(xs), color=COLORS["ink"], lw=2.2, label="$f(x)$", zorder=3)
    shades = plt.get_cmap("Blues")(np.linspace(0.35, 0.9, steps.size))
    for h, shade in zip(sorted(steps, key=abs, reverse=True), shades, strict=True):
        slope = (f(x0 + h) - f(x0)) / h
        ax.plot(xs, f(x0) + slope * (xs - x0), color=shade, lw=1.3,
                label=f"secant, $h = {h:g}$: slope {slope:.3f}")
        ax.plot([x0 + h], [f(x0 + h)], "o", color=shade, ms=5, zorder=4)
    if fprime is not None:
        ax.plot(xs, f(x0) + fprime * (xs - x0), "--", color=COLORS["vermillion"], lw=1.8,
                label=f"tangent: slope {fprime:.3f}")
    ax.plot([x0], [f(x0)], "o", color=COLORS["vermillion"], ms=6, zorder=5)
    ys = f(xs)
    pad = 0.15 * (ys.max() - ys.min())
    ax.set_xlim(*xlim)
    ax.set_ylim(ys.min() - pad, ys.max() + pad)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.legend(loc="upper left", fontsize=8.5)
    return ax
