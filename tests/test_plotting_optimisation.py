"""Tests of mmlcalc.plotting.optimisation: the figures of chapter 5."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import QuadMesh

import mmlcalc as mml
from mmlcalc.plotting import (
    ROOT_COLORS,
    figure,
    plot_basins,
    plot_constrained,
    plot_convergence,
    plot_paths,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def quadratic(p):
    return p[..., 0] ** 2 + 10 * p[..., 1] ** 2


def test_plot_basins_colours_each_start_by_its_root():
    f = np.polynomial.Polynomial([-1.0, 0.0, 1.0])  # x^2 - 1
    starts = np.linspace(-2, 2, 41)
    labels = mml.newton_basins(f, starts, [-1.0, 1.0], fprime=f.deriv())
    fig, ax = figure()
    plot_basins(ax, f, starts, labels, [-1.0, 1.0])
    mesh = [c for c in ax.collections if isinstance(c, QuadMesh)]
    assert len(mesh) == 1
    np.testing.assert_array_equal(mesh[0].get_array().ravel(), labels + 1)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "root -1.0000" in legend and "root 1.0000" in legend
    assert "no convergence" in legend  # the start at 0 is a turning point


def test_plot_basins_bad_input():
    fig, ax = figure()
    with pytest.raises(ValueError, match="`labels` must have the shape of `starts`"):
        plot_basins(ax, np.sin, [0.0, 1.0], [0], [0.0])
    with pytest.raises(ValueError, match="at most 6 roots"):
        plot_basins(ax, np.sin, [0.0, 1.0], [0, 0], np.arange(len(ROOT_COLORS) + 1.0))


def test_plot_convergence_draws_log_scaled_curves_and_drops_zeros():
    fig, ax = figure()
    plot_convergence(ax, {"newton": [1e-1, 1e-2, 1e-4, 0.0], "bisection": 0.5 ** np.arange(8)})
    assert ax.get_yscale() == "log"
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert len(lines["newton"].get_ydata()) == 3
    assert len(lines["bisection"].get_ydata()) == 8


def test_plot_paths_draws_every_path_and_log_levels():
    paths = {
        "lr 0.05": mml.gradient_descent(lambda p: np.array([2 * p[0], 20 * p[1]]), [2.0, 1.0],
                                        lr=0.05).history,
        "newton": np.array([[2.0, 1.0], [0.0, 0.0]]),
    }
    fig, ax = figure()
    plot_paths(ax, quadratic, paths, xlim=(-2.5, 2.5), ylim=(-1.5, 1.5), f_min=0.0,
               minimum=[0.0, 0.0], levels=8)
    labels = [line.get_label() for line in ax.get_lines()]
    assert "lr 0.05" in labels and "newton" in labels and "minimum" in labels
    contour_sets = [c for c in ax.collections if hasattr(c, "levels")]
    levels = contour_sets[0].levels
    assert len(levels) == 8
    np.testing.assert_allclose(np.diff(np.log(levels)), np.log(levels[1] / levels[0]))


def test_plot_constrained_draws_the_constraint_and_two_arrows_per_point():
    fig, ax = figure()

    def f(p):
        return p[..., 0] + p[..., 1]

    def g(p):
        return p[..., 0] ** 2 + p[..., 1] ** 2 - 2

    points = np.array([[1.0, 1.0], [-1.0, -1.0]])
    plot_constrained(ax, f, g, points, xlim=(-2, 2), ylim=(-2, 2),
                     kinds=["maximum", "minimum"])
    arrows = [t for t in ax.texts if getattr(t, "arrow_patch", None) is not None]
    assert len(arrows) == 4
    # at a stationary point the two arrows are parallel
    for i in range(0, 4, 2):
        d_f = np.subtract(arrows[i].xy, arrows[i].xyann)
        d_g = np.subtract(arrows[i + 1].xy, arrows[i + 1].xyann)
        assert abs(d_f[0] * d_g[1] - d_f[1] * d_g[0]) < 1e-6
    assert {t.get_text() for t in ax.texts} >= {"maximum", "minimum"}
    with pytest.raises(ValueError, match=r"`points` must have shape \(k, 2\)"):
        plot_constrained(ax, f, g, [1.0, 1.0], xlim=(-2, 2), ylim=(-2, 2))


def test_colours_can_be_matched_across_panels():
    fig, (left, right) = figure(1, 2)
    palette = [ROOT_COLORS[2], ROOT_COLORS[3]]
    plot_paths(left, quadratic, {"a": np.zeros((2, 2)), "b": np.ones((2, 2))},
               xlim=(-1, 2), ylim=(-1, 2), colors=palette)
    plot_convergence(right, {"a": [1.0, 0.1], "b": [1.0, 0.5]}, colors=palette)
    for label, color in zip("ab", palette, strict=True):
        styles = {(line.get_color(), line.get_marker()) for ax in (left, right)
                  for line in ax.get_lines() if line.get_label() == label}
        assert len(styles) == 1 and styles.pop()[0] == color


def test_plot_constrained_kinds_must_match_points():
    fig, ax = figure()
    with pytest.raises(ValueError, match="`kinds` must have one label per point"):
        plot_constrained(ax, quadratic, quadratic, [[1.0, 1.0]], xlim=(-2, 2), ylim=(-2, 2),
                         kinds=["maximum", "minimum"])
