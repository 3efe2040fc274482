r"""Figures of Taylor series and local models (chapter 4).

Partial sums closing in on a function (or running away from it beyond the radius of
convergence), the band that the remainder bound allows, error-against-step plots on log axes,
a surface with its models of order 0, 1 and 2, and the quadratic model with its minimiser.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from .._validation import (
    as_real_array,
    check_ax,
    check_callable,
    check_grid_size,
    check_int,
    check_levels,
    check_limits,
    check_mapping,
    check_positive,
)
from ..symbolic import to_numpy
from ..taylor import TaylorPolynomial, newton_step, quadratic_model
from ._style import COLORS

__all__ = ["plot_error_scaling", "plot_model_contours", "plot_partial_sums",
           "plot_quadratic_model", "plot_remainder_band", "plot_taylor_models"]

_CYCLE = ("blue", "vermillion", "green", "purple", "orange", "sky")


def _check_taylor(p) -> TaylorPolynomial:
    if not isinstance(p, TaylorPolynomial):
        raise TypeError(f"`p` must be a TaylorPolynomial (from mmlcalc.taylor_polynomial), got "
                        f"{type(p).__name__}")
    return p


def _values(f: Callable, xs: np.ndarray, shape=None) -> np.ndarray:
    """`f` on the grid, with NaN (a gap in the curve) where it is not finite."""
    with np.errstate(all="ignore"):
        ys = np.broadcast_to(np.asarray(f(xs), dtype=float),
                             xs.shape if shape is None else shape).copy()
    ys[~np.isfinite(ys)] = np.nan
    return ys


def plot_partial_sums(ax, p, degrees: Sequence[int], *, xlim, ylim=None, radius=None,
                      labels: Sequence[str] | None = None, flabel: str = "$f(x)$",
                      legend_loc: str = "best"):
    r"""Draw a function and the partial sums :math:`T_k` of its Taylor series for each degree.

    .. math:: T_k(x) = \sum_{j=0}^{k} c_j (x - a)^j

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    p : TaylorPolynomial
        From :func:`mmlcalc.taylor_polynomial`, of degree at least ``max(degrees)``.
    degrees : sequence of int
        The partial sums to draw (at most six), coloured in order.
    xlim : (float, float)
        The x-range.
    ylim : (float, float), optional
        The y-range; default: the function's range with a margin. Partial sums leaving it are
        clipped by the axes.
    radius : float, optional
        A radius of convergence :math:`R`: the region :math:`|x - a| > R` is shaded.
    labels : sequence of str, optional
        Legend labels of the partial sums; default ``$T_k(x)$``.
    flabel : str
        Legend label of the function.
    legend_loc : str
        Where matplotlib puts the legend.

    Returns
    -------
    matplotlib.axes.Axes
        `ax`.

    Raises
    ------
    TypeError, ValueError
        If `p` is not a TaylorPolynomial, a degree is above its degree, or a range is empty.

    Notes
    -----
    Book: section 4.2 (partial sums closing in) and 4.3 (diverging beyond the radius).
    """
    check_ax(ax)
    p = _check_taylor(p)
    if isinstance(degrees, str | bytes) or not isinstance(degrees, Sequence | np.ndarray):
        raise TypeError(f"`degrees` must be a sequence of integers, got {type(degrees).__name__}")
    degrees = [check_int(k.item() if isinstance(k, np.generic) else k, "degrees")
               for k in degrees]
    if not degrees or len(degrees) > len(_CYCLE) or min(degrees) < 0 or max(degrees) > p.n:
        raise ValueError(f"`degrees` must be 1 to {len(_CYCLE)} degrees between 0 and "
                         f"{p.n}, got {degrees}")
    if labels is None:
        labels = [f"$T_{{{k}}}(x)$" for k in degrees]
    if len(labels) != len(degrees):
        raise ValueError(f"`labels` must have one label per degree ({len(degrees)}), got "
                         f"{len(labels)}")
    xlim = check_limits(xlim, "xlim")
    xs = np.linspace(*xlim, 600)
    fx = _values(to_numpy(p.f, p.x), xs)
    sums = p.partial_sums(xs)
    a = float(p.a)
    if ylim is None:
        low, high = np.nanmin(fx), np.nanmax(fx)
        pad = 0.25 * (high - low) if high > low else 1.0
        ylim = (low - pad, high + pad)
    ylim = check_limits(ylim, "ylim")
    if radius is not None:
        radius = check_positive(radius, "radius")
        for side in ((xlim[0], a - radius), (a + radius, xlim[1])):
            if side[0] < side[1]:
                ax.axvspan(*side, color=COLORS["grey"], alpha=0.12, lw=0)
        ax.text(0.99, 0.03, f"shaded: $|x - a| > R = {radius:g}$", transform=ax.transAxes,
                ha="right", va="bottom", fontsize=8.5, color=COLORS["grey"])
    ax.plot(xs, fx, color=COLORS["ink"], lw=2.6, label=flabel, zorder=3)
    for k, name, label in zip(degrees, _CYCLE, labels, strict=False):
        ax.plot(xs, sums[k], color=COLORS[name], lw=1.5, label=label)
    ax.plot([a], [p(a)], "o", color=COLORS["ink"], ms=5,
            zorder=4)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.legend(loc=legend_loc, fontsize=8.5)
    return ax


def plot_remainder_band(ax, p, *, xlim, M=None):
    r"""Draw :math:`f`, its Taylor polynomial :math:`T_n` and the band the remainder bound allows.

    .. math:: T_n(x) - B(x) \le f(x) \le T_n(x) + B(x), \qquad
              B(x) = \frac{M |x - a|^{n+1}}{(n+1)!}

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    p : TaylorPolynomial
        The polynomial :math:`T_n`.
    xlim : (float, float)
        The x-range.
    M : float, optional
        A bound on :math:`|f^{(n+1)}|` over the range; default: found from :math:`f` as in
        :meth:`mmlcalc.TaylorPolynomial.remainder_bound`.

    Returns
    -------
    matplotlib.axes.Axes
        `ax`.

    Notes
    -----
    Book: section 4.4, *Linearisation and its error*.
    """
    check_ax(ax)
    p = _check_taylor(p)
    xlim = check_limits(xlim, "xlim")
    xs = np.linspace(*xlim, 400)
    bound = p.remainder_bound(xs, M=M)
    tn = p(xs)
    ax.fill_between(xs, tn - bound, tn + bound, color=COLORS["sky"], alpha=0.3, lw=0,
                    label=f"$T_{{{p.n}}} \\pm$ Lagrange bound")
    ax.plot(xs, _values(to_numpy(p.f, p.x), xs), color=COLORS["ink"], lw=2.4, label="$f(x)$")
    ax.plot(xs, tn, "--", color=COLORS["blue"], lw=1.8, label=f"$T_{{{p.n}}}(x)$")
    ax.plot([float(p.a)], [p(float(p.a))], "o", color=COLORS["vermillion"], ms=6, zorder=4)
    ax.set_xlim(*xlim)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.legend(loc="best", fontsize=8.5)
    return ax


def plot_error_scaling(ax, steps, errors: Mapping[str, Sequence[float]], *,
                       orders: Mapping[str, float] | None = None, xlabel: str = "step $h$"):
    r"""Plot errors against step size on log-log axes, with reference slopes.

    An error that behaves like :math:`C h^p` is a straight line of slope :math:`p` on log-log
    axes: :math:`\log e = \log C + p \log h`.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    steps : array_like, shape (m,)
        The step sizes, positive.
    errors : mapping of str to array_like, shape (m,)
        One error series per label, positive.
    orders : mapping of str to float, optional
        For each label named here, a dashed line of that slope, drawn a little below the
        series (through half its first value) so that both stay visible.
    xlabel : str
        The x-axis label.

    Returns
    -------
    matplotlib.axes.Axes
        `ax`.

    Raises
    ------
    ValueError
        If a series is not the length of `steps` or a value is not positive.

    Notes
    -----
    Book: section 4.4 and section 4.5 (the :math:`|\delta|^3` law).
    """
    check_ax(ax)
    steps = as_real_array(steps, "steps", ndim=1)
    if np.any(steps <= 0):
        raise ValueError("`steps` must be positive")
    check_mapping(errors, "errors")
    orders = dict(check_mapping(orders, "orders", allow_empty=True) if orders is not None else {})
    for (label, series), name in zip(errors.items(), _CYCLE * 2, strict=False):
        series = as_real_array(series, "errors", ndim=1)
        if series.shape != steps.shape or np.any(series <= 0):
            raise ValueError(f"`errors[{label!r}]` must hold {steps.size} positive values")
        ax.loglog(steps, series, "o-", color=COLORS[name], ms=4, label=label)
        if label in orders:
            slope = float(orders[label])
            ax.loglog(steps, 0.5 * series[0] * (steps / steps[0]) ** slope, "--",
                      color=COLORS[name], lw=1.2, label=f"slope {slope:g}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("error")
    ax.legend(loc="best", fontsize=8.5)
    return ax


def plot_taylor_models(axes, f: Callable, x0, f0, g, H, *, half_width: float = 1.0,
                       zlim=None, samples: int = 41):
    r"""Draw a surface with its Taylor models of order 0, 1 and 2 at a point, one per panel.

    .. math::

        m_0 = f_0, \qquad m_1 = f_0 + \mathbf{g}\,\delta, \qquad
        m_2 = f_0 + \mathbf{g}\,\delta + \tfrac12 \delta^\top H \delta

    Parameters
    ----------
    axes : sequence of three or four 3-D axes
        Made with ``subplot_kw={"projection": "3d"}``. With four, the first shows the surface
        alone and the other three the models.
    f : callable
        A function of two variables, vectorised over points of shape ``(..., 2)``.
    x0 : array_like, shape (2,)
        The expansion point.
    f0, g, H : float, array_like (2,), array_like (2, 2)
        Value, gradient and Hessian of `f` at `x0`.
    half_width : float
        The square drawn is `x0` plus or minus this in each coordinate.
    zlim : (float, float), optional
        The vertical range; default: that of `f` with a margin. Model values outside it are
        not drawn.
    samples : int
        Grid points a side.

    Returns
    -------
    sequence of Axes
        `axes`.

    Notes
    -----
    Book: section 4.5, *Multivariate Taylor series*.
    """
    axes = list(axes.flat) if isinstance(axes, np.ndarray) else axes
    if not isinstance(axes, list | tuple):
        raise TypeError(f"`axes` must be three or four 3-D axes, got {type(axes).__name__}")
    if len(axes) not in (3, 4):
        raise ValueError(f"`axes` must be three or four 3-D axes, got {len(axes)}")
    for ax in axes:
        check_ax(ax, "axes", three_d=True)
    check_callable(f, "f")
    x0 = as_real_array(x0, "x0", shape=(2,))
    half_width = check_positive(half_width, "half_width")
    samples = check_grid_size(samples, "samples")
    u = np.linspace(-half_width, half_width, samples)
    du = np.stack(np.meshgrid(u, u), axis=-1)
    points = x0 + du
    fz = _values(f, points, points.shape[:-1])
    if zlim is None:
        low, high = np.nanmin(fz), np.nanmax(fz)
        pad = 0.3 * (high - low) if high > low else 1.0
        zlim = (low - pad, high + pad)
    zlim = check_limits(zlim, "zlim")
    def frame(ax, title):
        ax.scatter([x0[0]], [x0[1]], [f0], color=COLORS["ink"], s=18, depthshade=False)
        ax.set_zlim(*zlim)
        ax.set_title(title)
        ax.set_xlabel("$x$")
        ax.set_ylabel("$y$")
        ax.view_init(elev=24, azim=-60)

    if len(axes) == 4:
        axes[0].plot_surface(points[..., 0], points[..., 1], fz, cmap="viridis", alpha=0.9,
                             lw=0, rstride=1, cstride=1)
        frame(axes[0], "the surface $f$")
    titles = ("order 0: the value", "order 1: the tangent plane", "order 2: the quadratic")
    for order, ax, title, name in zip(range(3), axes[-3:], titles,
                                      ("purple", "vermillion", "blue"), strict=True):
        model = quadratic_model(f0, g, H, du, order=order)
        model = np.where((model >= zlim[0]) & (model <= zlim[1]), model, np.nan)
        ax.plot_surface(points[..., 0], points[..., 1], fz, color=COLORS["grey"], alpha=0.35,
                        lw=0, rstride=2, cstride=2)
        ax.plot_wireframe(points[..., 0], points[..., 1], model, color=COLORS[name], lw=0.8,
                          rstride=3, cstride=3)
        frame(ax, title)
    return axes


def plot_quadratic_model(ax, f: Callable, x0: float, fprime: float, fsecond: float, *, xlim,
                         ylim=None, color: str = "blue", label: str | None = None):
    r"""Draw a function of one variable, its quadratic model at `x0` and the model's minimiser.

    .. math::

        m(x) = f(x_0) + f'(x_0)(x - x_0) + \tfrac12 f''(x_0)(x - x_0)^2, \qquad
        x_{\text{new}} = x_0 - \frac{f'(x_0)}{f''(x_0)}

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    f : callable
        Vectorised function of one variable, drawn in ink once per axes (so several models
        can share a panel).
    x0, fprime, fsecond : float
        The point and the first and second derivatives there; `fsecond` non-zero.
    xlim : (float, float)
        The x-range.
    ylim : (float, float), optional
        The y-range; default: that of `f` with a margin.
    color : str
        A colour name of :data:`mmlcalc.plotting.COLORS` for the model.
    label : str, optional
        Legend label of the model.

    Returns
    -------
    float
        The minimiser (stationary point) :math:`x_{\text{new}}` of the model.

    Notes
    -----
    Book: section 4.6, *From the quadratic model to the Newton step*.
    """
    check_ax(ax)
    check_callable(f, "f")
    xlim = check_limits(xlim, "xlim")
    if color not in COLORS:
        raise ValueError(f"`color` must be one of {sorted(COLORS)}, got {color!r}")
    x0 = float(as_real_array(x0, "x0", ndim=0))
    fx0 = float(_values(f, np.array(x0)))
    step = float(newton_step([fprime], [[fsecond]])[0])
    xs = np.linspace(*xlim, 400)
    fx = _values(f, xs)
    if not any(line.get_label() == "$f(x)$" for line in ax.get_lines()):
        ax.plot(xs, fx, color=COLORS["ink"], lw=2.4, label="$f(x)$")
    model = quadratic_model(fx0, [fprime], [[fsecond]], (xs - x0)[:, np.newaxis])
    ax.plot(xs, model, "--", color=COLORS[color], lw=1.7, label=label)
    x_new = x0 + step
    m_new = quadratic_model(fx0, [fprime], [[fsecond]], [step])
    ax.plot([x0], [fx0], "o", color=COLORS[color], ms=6, zorder=4)
    ax.annotate("", xy=(x_new, m_new), xytext=(x0, fx0),
                arrowprops={"arrowstyle": "->", "color": COLORS[color], "lw": 1.4})
    ax.plot([x_new], [m_new], "s", color=COLORS[color], ms=6, zorder=4)
    ax.axvline(x_new, color=COLORS[color], lw=0.8, ls=":")
    if ylim is None:
        low, high = np.nanmin(fx), np.nanmax(fx)
        pad = 0.2 * (high - low) if high > low else 1.0
        ylim = (low - pad, high + pad)
    ax.set_xlim(*xlim)
    ax.set_ylim(*check_limits(ylim, "ylim"))
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    return x_new


def plot_model_contours(ax, f: Callable, x0, f0, g, H, *, xlim, ylim, levels=12):
    r"""Contours of a function of two variables and of its quadratic model at `x0`, with the step
    to the model's stationary point.

    .. math:: \mathbf{x}_{\text{new}} = \mathbf{x}_0 - H^{-1} \mathbf{g}^\top

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    f : callable
        Vectorised over points of shape ``(..., 2)``.
    x0 : array_like, shape (2,)
        The expansion point.
    f0, g, H : float, array_like (2,), array_like (2, 2)
        Value, gradient and Hessian at `x0`.
    xlim, ylim : (float, float)
        The window.
    levels : int or array_like
        Contour levels, shared by the function and the model.

    Returns
    -------
    ndarray, shape (2,)
        The model's stationary point :math:`\mathbf{x}_{\text{new}}`.

    Notes
    -----
    Book: section 4.6.
    """
    check_ax(ax)
    check_callable(f, "f")
    x0 = as_real_array(x0, "x0", shape=(2,))
    xlim, ylim = check_limits(xlim, "xlim"), check_limits(ylim, "ylim")
    levels = check_levels(levels)
    xs, ys = np.meshgrid(np.linspace(*xlim, 200), np.linspace(*ylim, 200))
    points = np.stack([xs, ys], axis=-1)
    fz = _values(f, points, points.shape[:-1])
    mz = quadratic_model(f0, g, H, points - x0)
    if isinstance(levels, int):
        levels = np.linspace(np.nanmin(fz), np.nanmax(fz), levels)
    ax.contour(xs, ys, fz, levels=levels, colors=COLORS["grey"], linewidths=1.0)
    ax.contour(xs, ys, mz, levels=levels, colors=COLORS["blue"], linewidths=1.0,
               linestyles="--")
    x_new = x0 + newton_step(g, H)
    ax.annotate("", xy=tuple(x_new), xytext=tuple(x0),
                arrowprops={"arrowstyle": "->", "color": COLORS["vermillion"], "lw": 1.6})
    ax.plot(*x0, "o", color=COLORS["vermillion"], ms=6, label="$\\mathbf{x}_0$")
    ax.plot(*x_new, "s", color=COLORS["vermillion"], ms=6,
            label="$\\mathbf{x}_0 - H^{-1}\\mathbf{g}^\\top$")
    ax.plot([], [], color=COLORS["grey"], label="$f$")
    ax.plot([], [], "--", color=COLORS["blue"], label="quadratic model")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.legend(loc="upper left", fontsize=8.5)
    return x_new
