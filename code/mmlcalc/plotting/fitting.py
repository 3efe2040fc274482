r"""Figures of fits to data (chapter 6, *Regression*).

Data with error bars and fitted curves, residuals, chi-squared landscapes with the paths of the
fitting algorithms, Anscombe's four panels, training against test error, and the confidence
intervals of repeated experiments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from .._validation import (
    as_real_array,
    check_ax,
    check_callable,
    check_grid_size,
    check_int,
    check_limits,
    check_mapping,
    check_positive,
    check_real,
)
from ..fitting import linear_fit
from ._style import COLORS

__all__ = ["plot_anscombe", "plot_chi2_contours", "plot_fit", "plot_intervals",
           "plot_residuals", "plot_train_test"]

_PATH_COLORS = [COLORS[c] for c in ("vermillion", "blue", "green", "purple", "orange")]


def plot_fit(ax, x, y, model: Callable | None = None, params=None, *, sigma=None, truth=None,
             label: str = "best fit", data_label: str = "data", xlim=None):
    r"""Draw data with error bars and, optionally, a model curve and the true curve.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    x, y : array_like, shape (m,)
        The data.
    model : callable, optional
        ``model(x, *params)``, vectorised over `x`, as for :func:`mmlcalc.fit_least_squares`.
    params : array_like, optional
        Parameters of the curve to draw (required with `model`).
    sigma : float or array_like, optional
        Error bars, one standard deviation.
    truth : array_like, optional
        Parameters of the true curve, drawn dashed (our data are simulated, so we know it).
    label, data_label : str
        Legend entries of the curve and the data.
    xlim : (float, float), optional
        Range of the curves; default the range of `x` with a 3% margin.

    Returns
    -------
    matplotlib.axes.Axes
        `ax`, for chaining.

    Notes
    -----
    Book: sections 6.1, 6.4 and 6.6.
    """
    check_ax(ax)
    x = as_real_array(x, "x", ndim=1)
    y = as_real_array(y, "y", ndim=1)
    if x.shape != y.shape:
        raise ValueError(f"`x` and `y` must have the same shape, got {x.shape} and {y.shape}")
    if model is not None:
        check_callable(model, "model")
        if params is None:
            raise ValueError("`params` must be given with `model`")
    if xlim is None:
        pad = 0.03 * (x.max() - x.min()) or 1.0
        xlim = (x.min() - pad, x.max() + pad)
    xlim = check_limits(xlim, "xlim")
    fine = np.linspace(*xlim, 400)
    if sigma is None:
        ax.plot(x, y, "o", ms=4.5, color=COLORS["ink"], label=data_label, zorder=3)
    else:
        sigma = np.broadcast_to(as_real_array(sigma, "sigma"), x.shape)
        ax.errorbar(x, y, yerr=sigma, fmt="o", ms=4, color=COLORS["ink"], ecolor=COLORS["grey"],
                    elinewidth=1, capsize=2, label=data_label, zorder=3)
    if truth is not None:
        ax.plot(fine, model(fine, *truth), "--", color=COLORS["green"], lw=1.6, label="truth")
    if model is not None:
        ax.plot(fine, model(fine, *params), color=COLORS["vermillion"], lw=2, label=label)
    ax.set_xlim(*xlim)
    ax.legend(loc="best", fontsize=9)
    return ax


def plot_residuals(ax, x, r, *, label: str | None = None):
    r"""Draw normalised residuals :math:`r_i = (y_i - y(x_i))/\sigma_i` with 1- and 2-sigma bands.

    For a good model with honest error bars about 68% of the points lie inside the inner band
    and 95% inside the outer one, scattered without a pattern.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    x, r : array_like, shape (N,)
        Where, and the residuals (from :func:`mmlcalc.residuals`).
    label : str, optional
        Legend entry of the points.

    Returns
    -------
    matplotlib.axes.Axes
        `ax`, for chaining.

    Notes
    -----
    Book: sections 6.2 (a fit that is too good, one that is bad) and 6.6.
    """
    check_ax(ax)
    x = as_real_array(x, "x", ndim=1)
    r = as_real_array(r, "r", ndim=1)
    if x.shape != r.shape:
        raise ValueError(f"`x` and `r` must have the same shape, got {x.shape} and {r.shape}")
    ax.axhspan(-2, 2, color=COLORS["sky"], alpha=0.15, lw=0, label=r"$\pm 2\sigma$")
    ax.axhspan(-1, 1, color=COLORS["sky"], alpha=0.3, lw=0, label=r"$\pm 1\sigma$")
    ax.axhline(0.0, color=COLORS["ink"], lw=1)
    ax.plot(x, r, "o", ms=4.5, color=COLORS["ink"], label=label)
    top = max(3.0, 1.1 * np.max(np.abs(r)))
    ax.set_ylim(-top, top)
    ax.set_ylabel(r"residual $(y_i - y(x_i))/\sigma_i$")
    return ax


def plot_chi2_contours(ax, chi2: Callable, xlim, ylim, *, paths: Mapping | None = None,
                       best=None, n: int = 121, levels: int = 12, labels=("$a_1$", "$a_2$"),
                       region: float | None = None):
    r"""Draw contours of :math:`\chi^2(a_1, a_2)` and the paths of fitting algorithms on them.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    chi2 : callable
        :math:`\chi^2` of a parameter point of shape (2,).
    xlim, ylim : (float, float)
        The parameter window.
    paths : mapping of str to array_like of shape (k, 2), optional
        Iterates of each algorithm, e.g. ``{"steepest descent": fit.path}``, drawn as lines
        with dots from a hollow start marker.
    best : array_like of shape (2,), optional
        The minimum, marked with a star.
    n : int
        Grid points per axis.
    levels : int
        Number of contour levels, spaced geometrically in :math:`\chi^2 - \chi^2_{\min}` so that
        both the floor of the valley and its walls show.
    labels : (str, str)
        Axis labels.
    region : float, optional
        Also draw, thick, the contour :math:`\chi^2 = \chi^2_{\min} + \text{region}`, e.g. 2.30
        for the 68% joint confidence region of two parameters.

    Returns
    -------
    matplotlib.axes.Axes
        `ax`, for chaining.

    Notes
    -----
    The grid's minimum stands in for :math:`\chi^2_{\min}` unless `best` is given. Book:
    sections 6.2, 6.4 and 6.5.
    """
    check_ax(ax)
    check_callable(chi2, "chi2")
    xlim, ylim = check_limits(xlim, "xlim"), check_limits(ylim, "ylim")
    n = check_grid_size(n, "n")
    levels = check_int(levels, "levels", low=1, high=1000)
    if paths is not None:
        check_mapping(paths, "paths", allow_empty=True)
    if region is not None:
        region = check_positive(region, "region")
    a1 = np.linspace(*xlim, n)
    a2 = np.linspace(*ylim, n)
    A1, A2 = np.meshgrid(a1, a2)
    Z = np.array([[chi2(np.array([u, v])) for u in a1] for v in a2])
    floor = chi2(np.asarray(best, dtype=float)) if best is not None else Z.min()
    excess = np.geomspace(max(1e-2, 1e-3 * (Z.max() - floor)), Z.max() - floor, levels)
    ax.contour(A1, A2, Z, levels=floor + excess, cmap="Greys_r", linewidths=0.9,
               vmin=floor - 0.3 * (Z.max() - floor), vmax=Z.max())
    if region is not None:
        ax.contour(A1, A2, Z, levels=[floor + region], colors=[COLORS["sky"]], linewidths=2.2)
    for (name, path), color in zip((paths or {}).items(), _PATH_COLORS * 4, strict=False):
        path = as_real_array(path, "paths", ndim=2)
        ax.plot(path[:, 0], path[:, 1], "-o", color=color, ms=3, lw=1.3,
                label=f"{name} ({len(path) - 1} steps)")
        ax.plot(path[0, 0], path[0, 1], "o", ms=8, mfc="white", mec=color, mew=1.8)
    if best is not None:
        ax.plot(*best, "*", ms=14, color=COLORS["orange"], mec=COLORS["ink"], mew=0.8,
                label="minimum", zorder=5)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.grid(False)
    if paths or best is not None:
        ax.legend(loc="upper right", fontsize=8.5, framealpha=0.9, frameon=True)
    return ax


def plot_anscombe(axes, quartet: Mapping):
    r"""Draw Anscombe's quartet: each data set with its least-squares line, on shared axes.

    Parameters
    ----------
    axes : array of matplotlib.axes.Axes
        One axes per data set (e.g. a 2 x 2 array).
    quartet : mapping of str to (x, y)
        The data sets, by name.

    Returns
    -------
    array of matplotlib.axes.Axes
        `axes`, for chaining.

    Notes
    -----
    The four lines are the same, :math:`y = 3.00 + 0.500x`, and so are the correlations; the
    pictures are not. Book: section 6.2.
    """
    check_mapping(quartet, "quartet")
    flat = list(axes.flat) if isinstance(axes, np.ndarray) else axes
    if not isinstance(flat, list | tuple):
        raise TypeError(f"`axes` must be a sequence of matplotlib Axes, got {type(axes).__name__}")
    for ax in flat:
        check_ax(ax, "axes")
    if len(flat) < len(quartet):
        raise ValueError(f"`axes` must hold one axes per data set ({len(quartet)}), "
                         f"got {len(flat)}")
    xs = np.linspace(2.0, 20.0, 2)
    for ax, (name, (x, y)) in zip(flat, quartet.items(), strict=False):
        fit = linear_fit(x, y)
        ax.plot(xs, fit.slope * xs + fit.intercept, color=COLORS["vermillion"], lw=1.6)
        ax.plot(x, y, "o", ms=5, color=COLORS["blue"], mec=COLORS["ink"], mew=0.5)
        sign = "+" if fit.slope >= 0 else "-"
        ax.set_title(f"{name}: $y = {fit.intercept:.2f} {sign} {abs(fit.slope):.3f}\\,x$")
        ax.set_xlim(2.0, 20.0)
        ax.set_ylim(2.0, 14.0)
    return axes


def plot_train_test(ax, complexity, train, test, *, xlabel: str = "polynomial degree",
                    ylabel: str = "root-mean-square error", logy: bool = True):
    r"""Draw training and test error against model complexity, marking the best test error.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    complexity : array_like, shape (k,)
        E.g. polynomial degrees.
    train, test : array_like, shape (k,)
        The errors on the data the model was fitted to, and on fresh data.
    xlabel, ylabel : str
        Axis labels.
    logy : bool
        Logarithmic error axis (default); with ``False`` a linear one starting at zero.

    Returns
    -------
    matplotlib.axes.Axes
        `ax`, for chaining.

    Notes
    -----
    Training error can only fall as the model grows; test error falls, then rises once the
    model starts to fit the noise (overfitting). Book: section 6.3.
    """
    check_ax(ax)
    complexity = as_real_array(complexity, "complexity", ndim=1)
    train = as_real_array(train, "train", ndim=1)
    test = as_real_array(test, "test", ndim=1)
    if not complexity.shape == train.shape == test.shape:
        raise ValueError("`complexity`, `train` and `test` must have the same shape, got "
                         f"{complexity.shape}, {train.shape} and {test.shape}")
    ax.plot(complexity, train, "-o", ms=4, color=COLORS["blue"], label="training data")
    ax.plot(complexity, test, "-s", ms=4, color=COLORS["vermillion"], label="fresh test data")
    best = int(np.argmin(test))
    ax.plot(complexity[best], test[best], "o", ms=13, mfc="none", mec=COLORS["ink"], mew=1.5,
            label=f"best on test data ({complexity[best]:g})")
    if logy:
        ax.set_yscale("log")
    else:
        ax.set_ylim(0.0, 1.1 * max(train.max(), test.max()))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="best", fontsize=9)
    return ax


def plot_intervals(ax, estimates, errors, truth: float, *, z: float = 1.96):
    r"""Draw the intervals :math:`\hat a_k \pm z\,\sigma_k` of repeated experiments and the truth.

    Intervals that miss the true value are drawn in a second colour, so the fraction that
    covers it can be seen at a glance.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    estimates, errors : array_like, shape (k,)
        The estimate and its standard error in each repeat.
    truth : float
        The true value, drawn as a horizontal line.
    z : float
        Half-width of the interval in standard errors; 1.96 for 95%.

    Returns
    -------
    matplotlib.axes.Axes
        `ax`, for chaining.

    Notes
    -----
    Book: section 6.6, where 95% intervals cover the truth in about 95% of the repeats.
    """
    check_ax(ax)
    estimates = as_real_array(estimates, "estimates", ndim=1)
    errors = as_real_array(errors, "errors", ndim=1)
    if estimates.shape != errors.shape:
        raise ValueError(f"`estimates` and `errors` must have the same shape, got "
                         f"{estimates.shape} and {errors.shape}")
    truth = check_real(truth, "truth")
    z = check_positive(z, "z")
    k = np.arange(1, estimates.size + 1)
    covers = np.abs(estimates - truth) <= z * errors
    for mask, color, width, label in [
            (covers, COLORS["sky"], 1.0, f"covers the truth ({covers.sum()})"),
            (~covers, COLORS["vermillion"], 1.8, f"misses ({(~covers).sum()})")]:
        ax.errorbar(k[mask], estimates[mask], yerr=z * errors[mask], fmt="o", ms=2.5,
                    color=color, elinewidth=width, capsize=0, label=label, zorder=2 + width)
    ax.axhline(truth, color=COLORS["ink"], lw=1.2, label="truth")
    ax.set_xlim(0, estimates.size + 1)
    ax.set_xlabel("repeat")
    ax.legend(loc="upper right", fontsize=8.5, ncols=3, frameon=True)
    return ax
