r"""Figures of derivatives of functions of one variable (chapter 1)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np

from .._validation import (
    MAX_SAMPLES,
    as_real_array,
    check_ax,
    check_axes,
    check_callable,
    check_int,
    check_limits,
    check_positive,
    check_real,
)
from ..numdiff import ErrorCurve
from ._style import COLORS

__all__ = ["plot_difference_quotients", "plot_error_curves", "plot_product_rectangle",
           "plot_secants", "plot_with_derivative"]


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
    check_ax(ax)
    check_callable(f, "f")
    x0 = check_real(x0, "x0")
    steps = as_real_array(steps, "steps", ndim=1)
    if np.any(steps == 0):
        raise ValueError(f"`steps` must be non-zero, got {steps.tolist()}")
    if fprime is not None:
        fprime = check_real(fprime, "fprime")
    if xlim is None:
        xlim = (x0 - 0.5, x0 + 1.2 * np.max(np.abs(steps)))
    xlim = check_limits(xlim, "xlim")
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


def plot_difference_quotients(ax, f: Callable, x0: float, steps: Sequence[float], *,
                              limit: float | None = None, fmt: str = "{:.6g}"):
    r"""Draw the difference quotient of `f` at ``x0`` against the step, on a log axis.

    .. math:: Q(h) = \frac{f(x_0 + h) - f(x_0)}{h}

    As :math:`h \to 0` the points approach the derivative :math:`f'(x_0)`, drawn as a dashed
    line when `limit` is given. Each point is labelled with its value.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    f : callable
        Vectorised function of one variable.
    x0 : float
        The point.
    steps : sequence of float
        Positive steps.
    limit : float, optional
        The limit of the quotients, :math:`f'(x_0)`.
    fmt : str
        Format of the value labels.

    Returns
    -------
    matplotlib.axes.Axes
        `ax`, for chaining.

    Notes
    -----
    Book: section 1.2, *The derivative as a limit*.
    """
    check_ax(ax)
    check_callable(f, "f")
    x0 = check_real(x0, "x0")
    steps = as_real_array(steps, "steps", ndim=1)
    if np.any(steps <= 0):
        raise ValueError(f"`steps` must be positive, got {steps.tolist()}")
    if limit is not None:
        limit = check_real(limit, "limit")
    if not isinstance(fmt, str):
        raise TypeError(f"`fmt` must be a format string, got {type(fmt).__name__}")
    quotients = (f(x0 + steps) - f(x0)) / steps
    ax.set_xscale("log")
    ax.plot(steps, quotients, "o-", color=COLORS["blue"], ms=6, label="$Q(h)$", zorder=3)
    for h, q in zip(steps, quotients, strict=True):
        ax.annotate(fmt.format(q), (h, q), textcoords="offset points", xytext=(6, 6),
                    fontsize=9)
    if limit is not None:
        ax.axhline(limit, ls="--", color=COLORS["vermillion"],
                   label=f"limit $f'({x0:g}) = {limit:g}$")
    ax.set_xlim(steps.max() * 3, steps.min() / 3)  # h shrinks from left to right
    ax.set_xlabel("step $h$ (shrinking to the right)")
    ax.set_ylabel("difference quotient")
    ax.legend(loc="upper right")
    return ax


_METHOD_COLORS = {"forward": COLORS["vermillion"], "backward": COLORS["orange"],
                  "central": COLORS["blue"], "complex": COLORS["green"]}


def plot_error_curves(ax, curves, *, floor: float = 1e-17, eps_line: bool = True):
    r"""Draw error against step on log-log axes for several methods: the V-curve.

    Each curve is a :class:`mmlcalc.ErrorCurve`. Its best step is ringed. Errors that are
    exactly zero (the estimate was exact in floating point) cannot go on a log axis and are
    drawn at `floor`, the bottom edge of the plot. A complex-step curve is drawn as a wide,
    pale band beneath the others: its truncation error equals the central difference's in
    size, so on that branch the two curves coincide.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    curves : sequence of mmlcalc.ErrorCurve
        One curve per method, e.g. from :func:`mmlcalc.error_curve`.
    floor : float
        Positive; where zero errors are drawn, and the lower limit of the y-axis.
    eps_line : bool
        Draw a dotted horizontal line at the machine epsilon.

    Returns
    -------
    matplotlib.axes.Axes
        `ax`, for chaining.

    Notes
    -----
    On the right of the V, truncation error falls like :math:`h^p` (a straight line of slope
    :math:`p`); on the left, round-off error grows like :math:`\varepsilon / h` (slope
    :math:`-1`). Book: section 1.7, *Finite differences meet floating point*.
    """
    check_ax(ax)
    floor = check_positive(floor, "floor")
    if isinstance(curves, ErrorCurve) or not isinstance(curves, Sequence) or not all(
            isinstance(c, ErrorCurve) for c in curves):
        raise TypeError(f"`curves` must be a sequence of ErrorCurve (from mmlcalc.error_curve), "
                        f"got {type(curves).__name__}")
    if len(curves) == 0:
        raise ValueError("`curves` must hold at least one error curve")
    ax.set_xscale("log")
    ax.set_yscale("log")
    top = floor
    for curve in curves:
        color = _METHOD_COLORS.get(curve.method, COLORS["purple"])
        shown = np.maximum(curve.error, floor)
        top = max(top, shown.max())
        if curve.method == "complex":  # a wide band underneath: it often shares a branch
            ax.plot(curve.h, shown, "-", color=color, lw=4.5, alpha=0.45, zorder=1,
                    solid_capstyle="round", label=curve.method)
        else:
            ax.plot(curve.h, shown, ".-", color=color, ms=5, lw=1.4, zorder=2,
                    label=curve.method)
        ax.plot([curve.best_step], [max(curve.best_error, floor)], "o", ms=11, mfc="none",
                mec=color, mew=1.8, zorder=4)
    if eps_line:
        eps = np.finfo(float).eps
        ax.axhline(eps, ls=":", color=COLORS["grey"], lw=1.2)
        ax.annotate(r"machine epsilon $\varepsilon$", (1.0, eps), xycoords=("axes fraction",
                    "data"), xytext=(-4, 4), textcoords="offset points", ha="right",
                    fontsize=9, color=COLORS["grey"])
    ax.set_ylim(floor / 2, top * 5)
    ax.set_xlabel("step $h$")
    ax.set_ylabel("relative error" if all(c.relative for c in curves) else "error")
    ax.legend(loc="upper center", ncols=len(curves))
    return ax


def plot_with_derivative(axes, f: Callable, fprime: Callable, *, xlim: tuple[float, float],
                         names: tuple[str, str] = ("f(x)", "f'(x)"), n: int = 400):
    r"""Draw a function and its derivative side by side, on two axes sharing the x-axis.

    Where :math:`f` rises, :math:`f'` is positive; where :math:`f` has a peak or a trough,
    :math:`f'` crosses zero. Both are marked: the zeros of :math:`f'` (found on the grid) get
    dotted vertical lines through both panels.

    Parameters
    ----------
    axes : pair of matplotlib.axes.Axes
        Left (or top) for :math:`f`, right (or bottom) for :math:`f'`.
    f, fprime : callable
        Vectorised functions of one variable.
    xlim : (float, float)
        The interval to draw. Keyword-only.
    names : (str, str)
        Labels (TeX without dollars) of the two curves.
    n : int
        Number of grid points.

    Returns
    -------
    pair of matplotlib.axes.Axes
        `axes`, for chaining.

    Notes
    -----
    Book: section 1.3, *Sum and power rules; special functions*.
    """
    left, right = check_axes(axes, "axes", 2)
    check_callable(f, "f")
    check_callable(fprime, "fprime")
    xlim = check_limits(xlim, "xlim")
    n = check_int(n, "n", low=2, high=MAX_SAMPLES)
    xs = np.linspace(*xlim, n)
    ys, dys = f(xs), fprime(xs)
    left.plot(xs, ys, color=COLORS["blue"])
    right.plot(xs, dys, color=COLORS["vermillion"])
    right.axhline(0.0, color=COLORS["grey"], lw=0.8)
    crossings = np.nonzero(np.sign(dys[:-1]) * np.sign(dys[1:]) < 0)[0]
    for i in crossings:
        x0 = xs[i] - dys[i] * (xs[i + 1] - xs[i]) / (dys[i + 1] - dys[i])
        for ax in (left, right):
            ax.axvline(x0, ls=":", color=COLORS["grey"], lw=1.0)
    for ax, name in ((left, names[0]), (right, names[1])):
        ax.set_title(f"${name}$")
        ax.set_xlabel("$x$")
        ax.set_xlim(*xlim)
    return axes


def plot_product_rectangle(ax, u: float, v: float, du: float, dv: float):
    r"""The product rule as areas: a u-by-v rectangle grown to (u + du)-by-(v + dv).

    .. math:: (u + \delta u)(v + \delta v) - uv = v\,\delta u + u\,\delta v + \delta u\,\delta v

    The two strips :math:`v\,\delta u` and :math:`u\,\delta v` give the product rule
    :math:`(uv)' = u'v + uv'`; the corner :math:`\delta u\,\delta v` is second order and
    vanishes in the limit.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    u, v : float
        Sides of the rectangle, positive.
    du, dv : float
        Growth of the sides, positive.

    Returns
    -------
    matplotlib.axes.Axes
        `ax`, for chaining.

    Notes
    -----
    Book: section 1.4, *Product and chain rules*.
    """
    check_ax(ax)
    u, v = check_positive(u, "u"), check_positive(v, "v")
    du, dv = check_positive(du, "du"), check_positive(dv, "dv")
    patches = [((0, 0), u, v, COLORS["sky"], "$uv$"),
               ((u, 0), du, v, COLORS["vermillion"], r"$v\,\delta u$"),
               ((0, v), u, dv, COLORS["blue"], r"$u\,\delta v$"),
               ((u, v), du, dv, COLORS["grey"], r"$\delta u\,\delta v$")]
    for (x0, y0), width, height, color, label in patches:
        ax.add_patch(plt.Rectangle((x0, y0), width, height, facecolor=color, alpha=0.55,
                                   edgecolor=COLORS["ink"], lw=1.2))
        ax.annotate(label, (x0 + width / 2, y0 + height / 2), ha="center", va="center",
                    fontsize=11)
    ax.set_xlim(-0.05 * (u + du), 1.05 * (u + du))
    ax.set_ylim(-0.05 * (v + dv), 1.05 * (v + dv))
    ax.set_aspect("equal")
    ax.set_xticks([0, u, u + du], ["0", "$u$", r"$u + \delta u$"])
    ax.set_yticks([0, v, v + dv], ["0", "$v$", r"$v + \delta v$"])
    ax.grid(False)
    return ax
