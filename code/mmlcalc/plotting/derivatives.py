r"""Figures of derivatives of functions of one variable (chapter 1)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np

from .._validation import as_real_array, check_callable
from ._style import COLORS

__all__ = ["plot_secants"]


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
