r"""Figures of functions of two variables (chapter 2): slices, contours, maps and the sandpit.

Every function takes the axes to draw on and returns them. Functions of two variables are
passed as vectorised callables on points of shape ``(..., 2)`` (the book's convention), so a
whole grid is evaluated in one call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.ticker import MaxNLocator

from .._validation import (
    MAX_GRID,
    as_real_array,
    check_ax,
    check_callable,
    check_choice,
    check_grid_size,
    check_int,
    check_levels,
    check_limits,
    check_positive,
    check_positive_int,
    check_real,
)
from ..sandpit import Landscape
from ._style import COLORS

__all__ = ["as_3d", "plot_contours", "plot_mapped_grid", "plot_pit", "plot_quadratic",
           "plot_slices", "plot_surface"]


#: Colours of successive slices, shared by :func:`plot_surface` and :func:`plot_slices`.
_SLICE_COLORS = ("blue", "vermillion", "green", "purple", "orange", "sky")


def _grid(xlim, ylim, n: int):
    xs = np.linspace(*xlim, n)
    ys = np.linspace(*ylim, n)
    X, Y = np.meshgrid(xs, ys, indexing="xy")
    return X, Y, np.stack([X, Y], axis=-1)


def as_3d(ax):
    """Replace 2-D axes by 3-D axes in the same place of the figure, and return them.

    Lets one figure made by :func:`mmlcalc.plotting.figure` mix surfaces and flat plots.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from mmlcalc.plotting import as_3d, figure
    >>> fig, (left, right) = figure(1, 2)
    >>> left = as_3d(left)
    >>> left.name, right.name
    ('3d', 'rectilinear')
    >>> plt.close(fig)

    Book: section 2.1.
    """
    check_ax(ax)
    fig = ax.get_figure()
    spec = ax.get_subplotspec()
    ax.remove()
    new = fig.add_subplot(spec, projection="3d")
    new.set_facecolor("white")
    return new


def plot_surface(ax, f: Callable, *, xlim=(-2.0, 2.0), ylim=(-2.0, 2.0), n: int = 60,
                 slices_x: Sequence[float] = (), slices_y: Sequence[float] = (),
                 cmap: str = "viridis", alpha: float = 0.55):
    r"""Draw the surface :math:`z = f(x, y)`, with the slices at fixed :math:`x` or :math:`y`.

    A slice at :math:`y = c` is the curve :math:`x \mapsto f(x, c)`: its slope is the partial
    derivative :math:`\partial f / \partial x`.

    Parameters
    ----------
    ax : mpl_toolkits.mplot3d.Axes3D
        3-D axes (see :func:`as_3d`).
    f : callable
        Vectorised: points of shape ``(..., 2)`` to values of shape ``(...)``.
    xlim, ylim : (float, float)
        The rectangle drawn.
    n : int
        Grid points per side.
    slices_x, slices_y : sequence of float
        Draw the slice curves at these fixed values of :math:`x` and of :math:`y`, in the
        colours :func:`plot_slices` gives them (first the `slices_y`, then the `slices_x`).
    cmap, alpha : str, float
        The surface's colours and opacity.

    Returns
    -------
    Axes3D
        `ax`.

    Notes
    -----
    Book: section 2.1, *Partial derivatives*; section 2.5, *The Hessian*.
    """
    check_ax(ax, three_d=True)
    check_callable(f, "f")
    xlim, ylim = check_limits(xlim, "xlim"), check_limits(ylim, "ylim")
    n = check_grid_size(n, "n")
    slices_x = as_real_array(slices_x, "slices_x", ndim=1, allow_empty=True)
    slices_y = as_real_array(slices_y, "slices_y", ndim=1, allow_empty=True)
    X, Y, P = _grid(xlim, ylim, n)
    Z = f(P)
    ax.plot_surface(X, Y, Z, cmap=cmap, alpha=alpha, linewidth=0, antialiased=True,
                    rcount=n, ccount=n)
    colors = iter(COLORS[c] for c in _SLICE_COLORS * 4)
    fine = np.linspace(*xlim, 200)
    for c in slices_y:
        pts = np.stack([fine, np.full_like(fine, c)], axis=-1)
        ax.plot(pts[:, 0], pts[:, 1], f(pts), color=next(colors), lw=2.4,
                label=f"$y = {c:g}$")
    fine = np.linspace(*ylim, 200)
    for c in slices_x:
        pts = np.stack([np.full_like(fine, c), fine], axis=-1)
        ax.plot(pts[:, 0], pts[:, 1], f(pts), color=next(colors), lw=2.4,
                label=f"$x = {c:g}$")
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.set_zlabel("$f$")
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.set_pane_color((1.0, 1.0, 1.0, 0.0))
    ax.set_box_aspect(None, zoom=0.88)  # leave room for the tick labels inside the axes
    return ax


def plot_slices(ax, f: Callable, *, along: str = "x", at: Sequence[float] = (0.0,),
                lim=(-2.0, 2.0), tangent_at: float | None = None,
                partial: Callable | None = None):
    r"""Draw slices of a surface as curves: :math:`x \mapsto f(x, c)` for each :math:`c`.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    f : callable
        Vectorised on points of shape ``(..., 2)``.
    along : {"x", "y"}
        The variable that moves; the other is held at each value of `at`.
    at : sequence of float
        Values of the variable held fixed.
    lim : (float, float)
        Range of the moving variable.
    tangent_at : float, optional
        Draw each slice's tangent line at this value of the moving variable ...
    partial : callable, optional
        ... with slope ``partial(point)``, the partial derivative (vectorised like `f`).

    Returns
    -------
    matplotlib.axes.Axes
        `ax`.

    Notes
    -----
    Book: section 2.1, *Partial derivatives*.
    """
    check_ax(ax)
    check_callable(f, "f")
    check_choice(along, "along", ("x", "y"))
    lim = check_limits(lim, "lim")
    at = as_real_array(at, "at", ndim=1)
    if (tangent_at is None) != (partial is None):
        raise ValueError("`tangent_at` and `partial` go together: give both or neither")
    if tangent_at is not None:
        tangent_at = check_real(tangent_at, "tangent_at")
        check_callable(partial, "partial")
    t = np.linspace(*lim, 300)
    shades = [COLORS[c] for c in _SLICE_COLORS * 4]
    held = "y" if along == "x" else "x"
    for c, shade in zip(at, shades, strict=False):
        pts = np.stack([t, np.full_like(t, c)] if along == "x" else [np.full_like(t, c), t],
                       axis=-1)
        ax.plot(t, f(pts), color=shade, label=f"${held} = {c:g}$")
        if tangent_at is not None:
            p0 = np.array([tangent_at, c] if along == "x" else [c, tangent_at])
            slope, value = float(partial(p0)), float(f(p0))
            near = np.linspace(tangent_at - 0.7, tangent_at + 0.7, 2)
            ax.plot(near, value + slope * (near - tangent_at), "--", color=COLORS["ink"],
                    lw=1.3)
            ax.plot([tangent_at], [value], "o", color=shade, ms=6, mec=COLORS["ink"])
    ax.set_xlabel(f"${along}$")
    ax.set_ylabel(f"$f(x, c)$, ${held} = c$ held" if along == "x" else
                  f"$f(c, y)$, ${held} = c$ held")
    ax.legend(fontsize=8.5)
    return ax


def plot_contours(ax, f: Callable, *, xlim=(-2.0, 2.0), ylim=(-2.0, 2.0), levels=12,
                  n: int = 200, filled: bool = False, cmap: str = "viridis",
                  gradient: Callable | None = None, arrows=None, downhill: bool = False,
                  arrow_length: float | None = None, arrow_scale: float = 1.0,
                  colorbar: bool | str = False, extend: str = "neither"):
    r"""Draw contour lines of :math:`f(x, y)`, optionally with its gradient as arrows.

    The gradient at a point is perpendicular to the contour line through it and points
    uphill; its length is the steepest slope.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw; its aspect is set equal so that right angles look right.
    f : callable
        Vectorised on points of shape ``(..., 2)``.
    xlim, ylim : (float, float)
        The rectangle drawn.
    levels : int or sequence of float
        Number of contour levels, or the levels themselves (in any order).
    n : int
        Grid points per side.
    filled : bool
        Fill between contours as well.
    cmap : str
        Colour map of the contours.
    gradient : callable, optional
        :math:`\nabla f`, vectorised: points ``(k, 2)`` to vectors ``(k, 2)``.
    arrows : array_like of shape (k, 2), or int, optional
        Where to draw gradient arrows: the points, or a number per side of a regular grid.
    downhill : bool
        Draw :math:`-\nabla f` (the way down) instead of :math:`\nabla f`.
    arrow_length : float, optional
        If given, every arrow gets this length (directions only; where the gradient is zero
        there is no direction, and no arrow); otherwise arrows are drawn to scale, so their
        lengths compare slopes.
    arrow_scale : float
        Arrows drawn to scale are :math:`\text{arrow\_scale} \cdot \nabla f` long (in
        units of the axes).
    colorbar : bool or str
        Add a colour bar of the levels (a string is its label).
    extend : {"neither", "min", "max", "both"}
        With `filled`, also colour the values beyond the first or last level.

    Returns
    -------
    matplotlib.axes.Axes
        `ax`.

    Notes
    -----
    Book: section 2.3, *The gradient and its geometry*; used again in 2.5 and 2.6.
    """
    check_ax(ax)
    check_callable(f, "f")
    xlim, ylim = check_limits(xlim, "xlim"), check_limits(ylim, "ylim")
    n = check_grid_size(n, "n")
    levels = check_levels(levels)
    arrow_scale = check_real(arrow_scale, "arrow_scale")
    if arrow_length is not None:
        arrow_length = check_positive(arrow_length, "arrow_length")
    X, Y, P = _grid(xlim, ylim, n)
    Z = f(P)
    if filled:
        check_choice(extend, "extend", ("neither", "min", "max", "both"))
        filled_set = ax.contourf(X, Y, Z, levels=levels, cmap=cmap, alpha=0.85, extend=extend)
        lines = ax.contour(X, Y, Z, levels=filled_set.levels, colors=COLORS["ink"],
                           linewidths=0.5, alpha=0.6, linestyles="solid")
    else:
        lines = ax.contour(X, Y, Z, levels=levels, cmap=cmap, linewidths=1.2,
                           linestyles="solid")
    if colorbar:
        mappable = filled_set if filled else lines
        bar = ax.get_figure().colorbar(mappable, ax=ax, shrink=0.85)
        lo, hi = mappable.levels[0], mappable.levels[-1]
        ticks = MaxNLocator(6).tick_values(lo, hi)
        bar.set_ticks(ticks[(ticks >= lo) & (ticks <= hi)])
        if isinstance(colorbar, str):
            bar.set_label(colorbar)
    if arrows is not None:
        if gradient is None:
            raise ValueError("`arrows` needs `gradient`, the function to draw")
        check_callable(gradient, "gradient")
        if isinstance(arrows, int | np.integer):
            k = check_int(arrows, "arrows", low=1, high=MAX_GRID)
            pad_x, pad_y = 0.5 * (xlim[1] - xlim[0]) / k, 0.5 * (ylim[1] - ylim[0]) / k
            _, _, pts = _grid((xlim[0] + pad_x, xlim[1] - pad_x),
                              (ylim[0] + pad_y, ylim[1] - pad_y), k)
            pts = pts.reshape(-1, 2)
        else:
            pts = as_real_array(arrows, "arrows", shape=(None, 2))
        _arrows(ax, pts, arrow_scale * np.asarray(gradient(pts)), downhill=downhill,
                length=arrow_length, color=COLORS["vermillion"])
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    return ax


def _arrows(ax, points, vectors, *, downhill=False, length=None, color=COLORS["vermillion"],
            width=0.006):
    vectors = -np.asarray(vectors) if downhill else np.asarray(vectors)
    if length is not None:
        norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
        vectors = length * vectors / np.where(norms > 0, norms, 1.0)
    ax.quiver(points[:, 0], points[:, 1], vectors[:, 0], vectors[:, 1], angles="xy",
              scale_units="xy", scale=1, color=color, width=width, zorder=4)


def plot_quadratic(ax, H, *, lim: float = 2.0, levels: int = 10, title: str | None = None):
    r"""Contours of the quadratic :math:`q(\mathbf{x}) = \tfrac12 \mathbf{x}^{\mathsf T} H
    \mathbf{x}` with the eigenvectors of :math:`H` drawn as arrows.

    Along an eigenvector :math:`\mathbf{v}` with eigenvalue :math:`\lambda`,
    :math:`q(t\mathbf{v}) = \tfrac12 \lambda t^2`: the surface curves up if
    :math:`\lambda > 0` and down if :math:`\lambda < 0`. Same signs give ellipses (a minimum
    or a maximum), opposite signs hyperbolas (a saddle).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    H : array_like, shape (2, 2)
        Symmetric.
    lim : float
        Draw :math:`[-\text{lim}, \text{lim}]^2`.
    levels : int
        Number of contour levels.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
        `ax`.

    Notes
    -----
    Book: section 2.5, *The Hessian*.
    """
    check_ax(ax)
    H = as_real_array(H, "H", ndim=2)
    if H.shape != (2, 2) or not np.allclose(H, H.T):
        raise ValueError(f"`H` must be a symmetric 2 x 2 matrix, got {H.tolist()}")
    lim = check_positive(lim, "lim")
    levels = check_levels(levels)

    def q(p):
        return 0.5 * np.einsum("...i,ij,...j->...", p, H, p)

    plot_contours(ax, q, xlim=(-lim, lim), ylim=(-lim, lim), levels=levels, cmap="cividis")
    eigenvalues, vectors = np.linalg.eigh(H)
    for value, v, color in zip(eigenvalues, vectors.T, (COLORS["vermillion"], COLORS["blue"]),
                               strict=True):
        tip = 0.6 * lim * v
        ax.annotate("", xy=tip, xytext=(0, 0),
                    arrowprops={"arrowstyle": "->", "color": color, "lw": 2})
        ax.annotate(rf"$\lambda = {value:g}$", xy=tip, xytext=(4, 4),
                    textcoords="offset points", color=color, fontsize=9.5,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                          "alpha": 0.8})
    ax.plot([0], [0], "o", color=COLORS["ink"], ms=5)
    if title:
        ax.set_title(title)
    return ax


def plot_mapped_grid(ax_domain, ax_image, F: Callable, *, xlim=(0.0, 1.0), ylim=(0.0, 1.0),
                     n_lines: int = 9, cell=None, jacobian: Callable | None = None,
                     labels: tuple[str, str] = ("$u$", "$v$")):
    r"""Draw a grid and its image under a map :math:`F:\mathbb{R}^2 \to \mathbb{R}^2`.

    Near a point :math:`\mathbf{p}`, :math:`F(\mathbf{p} + \boldsymbol\delta) \approx
    F(\mathbf{p}) + J\boldsymbol\delta`: a small cell is mapped to nearly the parallelogram
    spanned by :math:`J` times its sides, whose area is :math:`|\det J|` times the cell's.

    Parameters
    ----------
    ax_domain, ax_image : matplotlib.axes.Axes
        Where to draw the grid and where to draw its image.
    F : callable
        Vectorised: points ``(..., 2)`` to points ``(..., 2)``.
    xlim, ylim : (float, float)
        The rectangle of the domain gridded.
    n_lines : int
        Grid lines per direction.
    cell : (float, float, float, float), optional
        A cell ``(u0, v0, du, dv)`` to shade in the domain and, mapped, in the image.
    jacobian : callable, optional
        :math:`J(\mathbf{p})`, shape (2, 2); with `cell`, draws the parallelogram
        :math:`F(\mathbf{p}) + J \cdot \text{cell}` (dashed) next to the true image.
    labels : (str, str)
        Axis labels of the domain.

    Returns
    -------
    (Axes, Axes)
        The two axes.

    Notes
    -----
    Book: section 2.4, *Jacobian matrices*.
    """
    check_ax(ax_domain, "ax_domain")
    check_ax(ax_image, "ax_image")
    check_callable(F, "F")
    xlim, ylim = check_limits(xlim, "xlim"), check_limits(ylim, "ylim")
    n_lines = check_positive_int(n_lines, "n_lines", high=1000)
    fine = 200
    shades = (COLORS["blue"], COLORS["purple"])
    for value in np.linspace(*xlim, n_lines):  # lines of constant first coordinate
        line = np.stack([np.full(fine, value), np.linspace(*ylim, fine)], axis=-1)
        ax_domain.plot(line[:, 0], line[:, 1], color=shades[0], lw=1)
        image = F(line)
        ax_image.plot(image[:, 0], image[:, 1], color=shades[0], lw=1)
    for value in np.linspace(*ylim, n_lines):  # lines of constant second coordinate
        line = np.stack([np.linspace(*xlim, fine), np.full(fine, value)], axis=-1)
        ax_domain.plot(line[:, 0], line[:, 1], color=shades[1], lw=1)
        image = F(line)
        ax_image.plot(image[:, 0], image[:, 1], color=shades[1], lw=1)
    if cell is not None:
        u0, v0, du, dv = (float(c) for c in as_real_array(cell, "cell", ndim=1))
        s = np.linspace(0.0, 1.0, 50)
        edge = np.concatenate([np.stack([u0 + du * s, np.full_like(s, v0)], -1),
                               np.stack([np.full_like(s, u0 + du), v0 + dv * s], -1),
                               np.stack([u0 + du * s[::-1], np.full_like(s, v0 + dv)], -1),
                               np.stack([np.full_like(s, u0), v0 + dv * s[::-1]], -1)])
        ax_domain.fill(edge[:, 0], edge[:, 1], color=COLORS["orange"], alpha=0.55,
                       zorder=1.5)
        image = F(edge)
        ax_image.fill(image[:, 0], image[:, 1], color=COLORS["orange"], alpha=0.55,
                      zorder=1.5, label="image of the cell")
        if jacobian is not None:
            corner = np.array([u0, v0])
            J = np.asarray(jacobian(corner))
            sides = np.array([[0, 0], [du, 0], [du, dv], [0, dv], [0, 0]])
            para = F(corner) + sides @ J.T
            ax_image.plot(para[:, 0], para[:, 1], "--", color=COLORS["ink"], lw=1.4,
                          zorder=4, label=r"$F(\mathbf{p}) + J\,\delta$")
        ax_image.legend(loc="best", fontsize=8.5)
    ax_domain.set_aspect("equal")
    ax_image.set_aspect("equal")
    ax_domain.set_xlabel(labels[0])
    ax_domain.set_ylabel(labels[1])
    ax_image.set_xlabel("$x$")
    ax_image.set_ylabel("$y$")
    return ax_domain, ax_image


def plot_pit(ax, landscape, *, probes=(), paths=(), minima: bool = True, floor: bool = True,
             arrow_length: float | None = 0.35, levels: int = 16, colorbar: bool = True):
    r"""Draw a sandpit: its floor as filled contours (darker is deeper), probes with downhill
    arrows, walks through it and its minima.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    landscape : mmlcalc.sandpit.Landscape
        The pit.
    probes : sequence of Probe, or array_like of shape (k, 2)
        Probes to mark, each with an arrow along :math:`-\nabla h`, the way down.
    paths : sequence of array_like of shape (k, 2)
        Walks to draw as lines, each from a square (its start).
    minima : bool
        Mark every local minimum (open circles) and the deepest point (a star).
    floor : bool
        Draw the floor. Without it the axes show only what the probes found: the view of
        someone who cannot see the sand.
    arrow_length : float or None
        Length of the downhill arrows, or None to draw them to scale.
    levels : int
        Number of contour levels, spread from the deepest point to the height exceeded by
        the highest 15% of the pit (higher ground gets the last colour).
    colorbar : bool
        Add a colour bar of the height.

    Returns
    -------
    matplotlib.axes.Axes
        `ax`.

    Notes
    -----
    Book: section 2.6, *The sandpit*.
    """
    check_ax(ax)
    if not isinstance(landscape, Landscape):
        raise TypeError(f"`landscape` must be a Landscape (see mmlcalc.make_sandpit), got "
                        f"{type(landscape).__name__}")
    levels = check_positive_int(levels, "levels", high=1000)
    if arrow_length is not None:
        arrow_length = check_positive(arrow_length, "arrow_length")
    if isinstance(probes, str | bytes) or not isinstance(probes, Sequence | np.ndarray):
        raise TypeError(f"`probes` must be a sequence of probes or points, got "
                        f"{type(probes).__name__}")
    if isinstance(paths, str | bytes) or not isinstance(paths, Sequence | np.ndarray):
        raise TypeError(f"`paths` must be a sequence of paths, got {type(paths).__name__}")
    L = landscape.half_width
    if floor:
        _, _, grid = _grid((-L, L), (-L, L), 201)
        heights = landscape.height(grid)
        top = float(np.quantile(heights, 0.85))
        plot_contours(ax, landscape.height, xlim=(-L, L), ylim=(-L, L),
                      levels=np.linspace(float(heights.min()), top, levels), filled=True,
                      cmap="YlOrBr_r", colorbar="height $h$" if colorbar else False,
                      extend="max")
    else:
        ax.set_xlim(-L, L)
        ax.set_ylim(-L, L)
        ax.set_aspect("equal")
        ax.set_xlabel("$x$")
        ax.set_ylabel("$y$")
    ax.grid(False)
    if len(probes):
        points = np.array([p.x if hasattr(p, "x") else p for p in probes], dtype=float)
        ax.plot(points[:, 0], points[:, 1], "o", color=COLORS["blue"], ms=5, zorder=5,
                label="probes")
        _arrows(ax, points, landscape.gradient(points), downhill=True, length=arrow_length,
                color=COLORS["blue"], width=0.007)
    for k, path in enumerate(paths):
        path = as_real_array(path, "paths", ndim=2)
        ax.plot(path[:, 0], path[:, 1], "-", color=COLORS["ink"], lw=1.4, zorder=5,
                label="walks downhill" if k == 0 else None)
        ax.plot(path[:1, 0], path[:1, 1], "s", color=COLORS["ink"], ms=6, zorder=6)
        ax.plot(path[-1:, 0], path[-1:, 1], "o", color=COLORS["ink"], ms=4, zorder=6)
    if minima:
        found = landscape.minima
        others = np.array([m.x for m in found[1:]]).reshape(-1, 2)
        if len(others):
            ax.plot(others[:, 0], others[:, 1], "o", mfc="none", mec=COLORS["ink"], ms=10,
                    mew=1.5, zorder=6, label="other pits")
        best = landscape.deepest.x
        ax.plot([best[0]], [best[1]], "*", color=COLORS["vermillion"], mec="white", ms=17,
                zorder=7, label="deepest point")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=4, fontsize=8,
              frameon=False, handlelength=1.5, columnspacing=1.0)
    return ax
