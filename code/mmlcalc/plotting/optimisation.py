r"""Figures of root finding and optimisation (chapter 5).

Basins of attraction on a line, error curves on a log scale, iteration paths on contour plots
with log-spaced levels, and a constraint with the gradients at its stationary points.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.lines import Line2D

from .._validation import (
    as_real_array,
    check_ax,
    check_callable,
    check_grid_size,
    check_levels,
    check_limits,
    check_mapping,
    check_positive,
    check_real,
)
from ..numdiff import gradient
from ._style import COLORS

__all__ = ["ROOT_COLORS", "plot_basins", "plot_constrained", "plot_convergence", "plot_paths"]

#: Colours for roots 0, 1, 2, ... in :func:`plot_basins`; failures are grey.
ROOT_COLORS = [COLORS[c] for c in ("blue", "vermillion", "green", "purple", "orange", "sky")]

_PATH_STYLES = [
    dict(color=COLORS["vermillion"], marker="o"),
    dict(color=COLORS["blue"], marker="s"),
    dict(color=COLORS["green"], marker="^"),
    dict(color=COLORS["purple"], marker="D"),
    dict(color=COLORS["orange"], marker="v"),
    dict(color=COLORS["sky"], marker="P"),
]


def _grid(xlim, ylim, n: int = 300) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The n x n grid over the checked limits `xlim` and `ylim` (n is `n_grid`)."""
    xlim, ylim = check_limits(xlim, "xlim"), check_limits(ylim, "ylim")
    n = check_grid_size(n, "n_grid")
    xs = np.linspace(*xlim, n)
    ys = np.linspace(*ylim, n)
    X, Y = np.meshgrid(xs, ys)
    return X, Y, np.stack([X, Y], axis=-1)


def plot_basins(ax, f: Callable, starts, labels, roots, *, xlim=None, ylim=None,
                band: float = 0.08):
    r"""Draw `f`, its roots, and a colour band showing the root each start converges to.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    f : callable
        Vectorised function of one variable.
    starts : array_like, shape (m,)
        Evenly spaced starts, increasing.
    labels : array_like of int, shape (m,)
        The index of the root reached from each start, -1 for failure (as returned by
        :func:`mmlcalc.newton_basins`).
    roots : array_like, shape (p,)
        The roots, coloured with :data:`ROOT_COLORS` in order.
    xlim, ylim : (float, float), optional
        Axis limits; default the range of `starts` and of `f` on it.
    band : float
        Height of the colour band as a fraction of the y-range.

    Returns
    -------
    matplotlib.axes.Axes
        `ax`.

    Notes
    -----
    Book: section 5.1, figure *basins of attraction on a line*.
    """
    check_ax(ax)
    check_callable(f, "f")
    starts = as_real_array(starts, "starts", ndim=1)
    labels = np.asarray(labels, dtype=int)
    roots = as_real_array(roots, "roots", ndim=1)
    if labels.shape != starts.shape:
        raise ValueError(f"`labels` must have the shape of `starts`, {starts.shape}, got "
                         f"{labels.shape}")
    if roots.size > len(ROOT_COLORS):
        raise ValueError(f"`roots` can hold at most {len(ROOT_COLORS)} roots, got {roots.size}")
    band = check_positive(band, "band")
    xlim = check_limits((starts.min(), starts.max()) if xlim is None else xlim, "xlim")
    if ylim is not None:
        ylim = check_limits(ylim, "ylim")
    xs = np.linspace(*xlim, 600)
    ys = f(xs)
    if ylim is None:
        pad = 0.1 * (ys.max() - ys.min())
        ylim = (ys.min() - pad, ys.max() + pad)
    height = band * (ylim[1] - ylim[0])
    y0 = ylim[0] - 1.6 * height  # the band sits below the graph
    colors = ListedColormap([COLORS["grey"], *ROOT_COLORS[:roots.size]])
    edges = np.concatenate([[starts[0]], 0.5 * (starts[1:] + starts[:-1]), [starts[-1]]])
    ax.pcolormesh(edges, [y0, y0 + height], (labels + 1)[np.newaxis, :], cmap=colors,
                  vmin=-0.5, vmax=roots.size + 0.5, shading="flat", rasterized=True, zorder=2)
    ax.axhline(0.0, color=COLORS["grey"], lw=0.8)
    ax.plot(xs, ys, color=COLORS["ink"], lw=2.0, label="$f(x)$")
    for i, r in enumerate(roots):
        ax.plot([r], [0.0], "o", ms=8, color=ROOT_COLORS[i], markeredgecolor=COLORS["ink"],
                zorder=4, label=f"root {r:.4f}")
    handles, names = ax.get_legend_handles_labels()
    if np.any(labels < 0):
        handles.append(Line2D([], [], color=COLORS["grey"], lw=6))
        names.append("no convergence")
    ax.legend(handles, names, loc="upper center", fontsize=8.5, ncols=3)
    ax.set_xlim(*xlim)
    ax.set_ylim(y0 - 0.3 * height, ylim[1])
    ax.set_xlabel("$x$ (the start $x_0$, for the band)")
    ax.set_ylabel("$f(x)$")
    return ax


def _styles(colors: Sequence[str] | None) -> list[dict]:
    """The path styles, in order; with `colors`, the house style of each colour (its marker)."""
    if colors is None:
        return _PATH_STYLES * 2
    by_color = {style["color"]: style for style in _PATH_STYLES}
    return [by_color.get(color, dict(_PATH_STYLES[i % len(_PATH_STYLES)], color=color))
            for i, color in enumerate(colors)]


def plot_convergence(ax, curves: Mapping[str, Sequence[float]], *, ylabel: str = "error",
                     xlabel: str = "iteration $k$", colors: Sequence[str] | None = None):
    r"""Plot sequences of errors (or gradient norms, or losses) against iteration, log scale.

    A straight line on these axes is linear convergence; a curve that bends ever more steeply
    down is quadratic.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    curves : mapping of str to sequence of float
        Label to positive values; zeros are dropped (log scale).
    ylabel, xlabel : str
        Axis labels.
    colors : sequence of str, optional
        One colour per curve, to match another panel; default the house palette in order.

    Returns
    -------
    matplotlib.axes.Axes
        `ax`.

    Notes
    -----
    Book: sections 5.2 and 5.5.
    """
    check_ax(ax)
    check_mapping(curves, "curves")
    for (label, values), style in zip(curves.items(), _styles(colors), strict=False):
        values = as_real_array(values, f"curves[{label!r}]", ndim=1, allow_empty=True)
        k = np.arange(values.size)
        keep = values > 0
        markevery = max(1, values.size // 25)
        ax.semilogy(k[keep], values[keep], label=label, ms=4, markevery=markevery, **style)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8.5)
    return ax


def plot_paths(ax, f: Callable, paths: Mapping[str, np.ndarray], *, xlim, ylim,
               f_min: float | None = None, levels: int | Sequence[float] = 14,
               minimum=None, n_grid: int = 300, colors: Sequence[str] | None = None):
    r"""Draw iteration paths in the plane on contours of `f` with log-spaced levels.

    Levels are spaced evenly in :math:`\log(f - f_{\min})`, so the flat floor of a valley and
    its steep walls both show.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    f : callable
        Maps points of shape ``(..., 2)`` to values of shape ``(...)``.
    paths : mapping of str to array, shape (k, 2)
        Label to the iterates (an :class:`~mmlcalc.IterationResult`'s ``history``).
    xlim, ylim : (float, float)
        The window.
    f_min : float, optional
        The minimum value of `f`; default the smallest value on the grid.
    levels : int or sequence of float
        The number of log-spaced levels, or the levels of :math:`f - f_{\min}` themselves.
    minimum : array_like, shape (2,), optional
        Marked with a star.
    n_grid : int
        Grid points per axis.
    colors : sequence of str, optional
        One colour per path, to match another panel; default the house palette in order.

    Returns
    -------
    matplotlib.axes.Axes
        `ax`.

    Notes
    -----
    Book: sections 5.3, 5.4 and 5.5.
    """
    check_ax(ax)
    check_callable(f, "f")
    check_mapping(paths, "paths")
    levels = check_levels(levels)
    if f_min is not None:
        f_min = check_real(f_min, "f_min")
    X, Y, P = _grid(xlim, ylim, n_grid)
    Z = f(P)
    low = float(Z.min()) if f_min is None else f_min
    gap = Z - low
    if isinstance(levels, int):
        top = float(gap.max())
        bottom = max(float(np.quantile(gap, 0.002)), top * 1e-6, 1e-12)
        levels = np.geomspace(bottom, top, levels + 1)[:-1]
    ax.contour(X, Y, gap, levels=levels, colors=COLORS["grey"], linewidths=0.7, alpha=0.8)
    for (label, path), style in zip(paths.items(), _styles(colors), strict=False):
        path = as_real_array(path, f"paths[{label!r}]", shape=(None, 2))
        markevery = max(1, path.shape[0] // 40)
        ax.plot(path[:, 0], path[:, 1], lw=1.4, ms=3.5, markevery=markevery, label=label,
                **style)
        ax.plot(path[-1, 0], path[-1, 1], marker=style["marker"], ms=7, color=style["color"],
                markeredgecolor=COLORS["ink"])
    starts = {tuple(np.asarray(p, dtype=float)[0]) for p in paths.values()}
    for start in starts:
        ax.plot(*start, "o", ms=7, color="white", markeredgecolor=COLORS["ink"], zorder=5)
    if minimum is not None:
        ax.plot(*np.asarray(minimum, dtype=float), "*", ms=14, color=COLORS["orange"],
                markeredgecolor=COLORS["ink"], zorder=6, label="minimum")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(fontsize=8.5, loc="best")
    return ax


def plot_constrained(ax, f: Callable, g: Callable, points, *, xlim, ylim, kinds=None,
                     levels: int = 14, arrow: float = 0.35, n_grid: int = 300,
                     legend: bool | dict = True):
    r"""Draw contours of `f`, the constraint :math:`g = 0`, and both gradients at `points`.

    At a stationary point of :math:`f` on the constraint the arrows of :math:`\nabla f` and
    :math:`\nabla g` lie along one line (:math:`\nabla f = \lambda \nabla g`): the contour of
    :math:`f` through the point touches the constraint there.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    f, g : callable
        Map points of shape ``(..., 2)`` to values of shape ``(...)``.
    points : array_like, shape (k, 2)
        The stationary points.
    xlim, ylim : (float, float)
        The window.
    kinds : sequence of str, optional
        A label per point (such as "maximum"), written next to it on the side of the
        constraint opposite to :math:`\nabla g`.
    levels : int
        The number of contour levels of `f`.
    arrow : float
        The length of each normalised :math:`\nabla f` arrow, in data units; the
        :math:`\nabla g` arrows are drawn on top at 0.6 times this length, so that both show
        when they point the same way. Where :math:`\nabla f = 0` no red arrow is drawn.
    n_grid : int
        Grid points per axis.
    legend : bool or dict
        Draw a legend (True: in the upper right; a dict: keyword arguments for
        ``ax.legend``; False: none).

    Returns
    -------
    matplotlib.axes.Axes
        `ax`.

    Notes
    -----
    The gradients are estimated with :func:`mmlcalc.gradient`. Book: section 5.6.
    """
    check_ax(ax)
    check_callable(f, "f")
    check_callable(g, "g")
    points = as_real_array(points, "points", shape=(None, 2), allow_empty=True)
    levels = check_levels(levels)
    arrow = check_positive(arrow, "arrow")
    if kinds is not None and len(kinds) != len(points):
        raise ValueError(f"`kinds` must have one label per point ({len(points)}), got "
                         f"{len(kinds)}")
    X, Y, P = _grid(xlim, ylim, n_grid)
    contours = ax.contour(X, Y, f(P), levels=levels, colors=COLORS["grey"], linewidths=0.8)
    ax.clabel(contours, fontsize=7, fmt="%.2g")
    ax.contour(X, Y, g(P), levels=[0.0], colors=COLORS["ink"], linewidths=2.2)
    for i, x in enumerate(points):
        normal = np.zeros(2)
        for fun, color, length in ((f, COLORS["vermillion"], arrow),
                                   (g, COLORS["blue"], 0.6 * arrow)):
            d = gradient(fun, x)
            norm = np.linalg.norm(d)
            if norm > 1e-9 * (1 + np.max(np.abs(x))):
                d = d / norm
                ax.annotate("", xy=x + length * d, xytext=x,
                            arrowprops=dict(arrowstyle="-|>", color=color, lw=2.0,
                                            shrinkA=0, shrinkB=0))
                normal = d
        ax.plot(*x, "o", ms=6, color="white", markeredgecolor=COLORS["ink"], zorder=5)
        if kinds is not None:
            inward = -normal
            ha = "left" if inward[0] > 0.35 else "right" if inward[0] < -0.35 else "center"
            va = "bottom" if inward[1] > 0.35 else "top" if inward[1] < -0.35 else "center"
            ax.annotate(kinds[i], xy=x, xytext=tuple(9 * inward), textcoords="offset points",
                        fontsize=8, ha=ha, va=va, color=COLORS["ink"])
    if legend:
        handles = [Line2D([], [], color=COLORS["ink"], lw=2.2),
                   Line2D([], [], color=COLORS["vermillion"], lw=2.0, marker=">"),
                   Line2D([], [], color=COLORS["blue"], lw=2.0, marker=">")]
        options = {"fontsize": 8.5, "loc": "upper right"}
        options.update(legend if isinstance(legend, dict) else {})
        ax.legend(handles, ["constraint $g = 0$", r"$\nabla f$ (direction)",
                            r"$\nabla g$ (direction)"], **options)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    return ax
