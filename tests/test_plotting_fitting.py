"""Tests of mmlcalc.plotting.fitting, the figures of chapter 6."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import mmlcalc as mml
from mmlcalc.plotting import (
    figure,
    plot_anscombe,
    plot_chi2_contours,
    plot_fit,
    plot_intervals,
    plot_residuals,
    plot_train_test,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def line(x, m, c):
    return m * x + c


def labels(ax):
    return [h.get_label() for h in ax.get_legend_handles_labels()[0]]


def test_plot_fit_draws_data_fit_and_truth():
    fig, ax = figure()
    x = np.linspace(0.0, 1.0, 6)
    plot_fit(ax, x, 2 * x + 1, line, [2.0, 1.0], sigma=0.1, truth=[2.1, 0.9])
    assert labels(ax) == ["truth", "best fit", "data"]
    fitted = [ln for ln in ax.get_lines() if ln.get_label() == "best fit"][0]
    np.testing.assert_allclose(fitted.get_ydata(), 2 * fitted.get_xdata() + 1)


def test_plot_fit_needs_params_with_a_model():
    fig, ax = figure()
    with pytest.raises(ValueError, match="`params` must be given with `model`"):
        plot_fit(ax, [0.0, 1.0], [0.0, 1.0], line)


def test_plot_residuals_scales_to_the_largest_residual():
    fig, ax = figure()
    plot_residuals(ax, [0.0, 1.0, 2.0], [0.5, -4.0, 1.0])
    assert ax.get_ylim() == pytest.approx((-4.4, 4.4))
    with pytest.raises(ValueError, match="`x` and `r` must have the same shape"):
        plot_residuals(ax, [0.0, 1.0], [0.5, -4.0, 1.0])


def test_plot_chi2_contours_draws_each_path_with_its_step_count():
    fig, ax = figure()
    chi2 = lambda p: (p[0] - 1) ** 2 + 10 * (p[1] + 1) ** 2  # noqa: E731
    path = np.array([[0.0, 0.0], [0.5, -0.8], [1.0, -1.0]])
    plot_chi2_contours(ax, chi2, (-1, 2), (-2, 1), paths={"descent": path}, best=[1.0, -1.0],
                       n=31, region=2.30)
    assert "descent (2 steps)" in labels(ax) and "minimum" in labels(ax)


def test_plot_anscombe_puts_one_line_per_panel_with_its_equation():
    fig, axes = figure(1, 2)
    x = np.arange(4.0, 15.0)
    quartet = {"A": (x, 3 + 0.5 * x), "B": (x, 4 - 0.25 * x)}
    plot_anscombe(axes, quartet)
    assert axes[0].get_title() == "A: $y = 3.00 + 0.500\\,x$"
    assert axes[1].get_title() == "B: $y = 4.00 - 0.250\\,x$"
    with pytest.raises(ValueError, match="one axes per data set"):
        plot_anscombe(axes[:1], quartet)


def test_plot_train_test_marks_the_best_test_error():
    fig, ax = figure()
    plot_train_test(ax, [1, 2, 3, 4], [1.0, 0.5, 0.3, 0.1], [1.1, 0.6, 0.8, 2.0])
    assert "best on test data (2)" in labels(ax)
    assert ax.get_yscale() == "log"
    fig, ax = figure()
    plot_train_test(ax, [1, 2], [1.0, 0.5], [1.1, 2.0], logy=False)
    assert ax.get_yscale() == "linear" and ax.get_ylim() == pytest.approx((0.0, 2.2))
    with pytest.raises(ValueError, match="must have the same shape"):
        plot_train_test(ax, [1, 2], [1.0], [1.0, 2.0])


def test_plot_intervals_counts_hits_and_misses():
    fig, ax = figure()
    plot_intervals(ax, [1.0, 1.5, 3.0, 0.9], [0.3, 0.1, 0.5, 0.06], 1.0)
    assert "covers the truth (2)" in labels(ax) and "misses (2)" in labels(ax)
    with pytest.raises(ValueError, match="`estimates` and `errors` must have the same shape"):
        plot_intervals(ax, [1.0, 2.0], [0.1], 1.0)


def test_chapter_six_figures_are_exported():
    for name in ("plot_anscombe", "plot_chi2_contours", "plot_fit", "plot_intervals",
                 "plot_residuals", "plot_train_test"):
        assert name in mml.plotting.__all__
