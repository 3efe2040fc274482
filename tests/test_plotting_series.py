"""Tests of mmlcalc.plotting.series: the figures of chapter 4 draw what they claim."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import sympy as sp

import mmlcalc as mml
from mmlcalc.plotting import (
    figure,
    plot_error_scaling,
    plot_model_contours,
    plot_partial_sums,
    plot_quadratic_model,
    plot_remainder_band,
    plot_taylor_models,
)

x = sp.symbols("x")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _labels(ax):
    return [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]


def test_partial_sums_draws_f_and_each_degree_on_the_right_curve():
    p = mml.taylor_polynomial(sp.exp(x), x, 0, 6)
    fig, ax = figure()
    plot_partial_sums(ax, p, [0, 2, 6], xlim=(-2, 2))
    assert _labels(ax) == ["$f(x)$", "$T_{0}(x)$", "$T_{2}(x)$", "$T_{6}(x)$"]
    line = ax.get_lines()[2]  # T_2
    xs, ys = line.get_data()
    np.testing.assert_allclose(ys, 1 + xs + xs**2 / 2, rtol=1e-12)


def test_partial_sums_shades_outside_the_radius_and_tolerates_a_pole():
    p = mml.taylor_polynomial(1 / x, x, 1, 5)
    fig, ax = figure()
    plot_partial_sums(ax, p, [1, 5], xlim=(-0.5, 2.5), ylim=(-1, 5), radius=1.0)
    assert len(ax.patches) == 2  # x < 0 and x > 2
    assert ax.get_ylim() == (-1.0, 5.0)


def test_partial_sums_bad_input():
    p = mml.taylor_polynomial(sp.exp(x), x, 0, 3)
    fig, ax = figure()
    with pytest.raises(ValueError, match="`degrees` must be 1 to 6 degrees between 0 and 3"):
        plot_partial_sums(ax, p, [5], xlim=(-1, 1))
    with pytest.raises(ValueError, match=r"`xlim` must be an increasing pair .* low < high"):
        plot_partial_sums(ax, p, [1], xlim=(1, -1))
    with pytest.raises(TypeError, match="`p` must be a TaylorPolynomial"):
        plot_partial_sums(ax, np.exp, [1], xlim=(-1, 1))


def test_remainder_band_contains_f():
    p = mml.taylor_polynomial(sp.cos(x), x, 0, 2)
    fig, ax = figure()
    plot_remainder_band(ax, p, xlim=(-2, 2), M=1.0)
    band = ax.collections[0].get_paths()[0].vertices
    xs = np.linspace(-2, 2, 400)
    bound = xs**2 * np.abs(xs) / 6
    tn = 1 - xs**2 / 2
    np.testing.assert_allclose([band[:, 1].min(), band[:, 1].max()],
                               [np.min(tn - bound), np.max(tn + bound)], rtol=1e-12)
    assert np.all(np.abs(np.cos(xs) - tn) <= bound + 1e-15)  # f lies inside the band
    assert "$T_{2} \\pm$ Lagrange bound" in [c.get_label() for c in ax.collections]


def test_error_scaling_draws_reference_slopes():
    fig, ax = figure()
    h = 0.5 ** np.arange(6)
    plot_error_scaling(ax, h, {"forward": h / 2, "central": h**2}, orders={"central": 2})
    assert _labels(ax) == ["forward", "central", "slope 2"]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="`errors\\['bad'\\]` must hold 6 positive values"):
        plot_error_scaling(ax, h, {"bad": np.zeros(6)})


def test_taylor_models_draw_three_panels():
    f = lambda p: np.exp(-(p[..., 0] ** 2 + p[..., 1] ** 2))  # noqa: E731
    e2 = np.exp(-2)
    fig, axes = figure(1, 3, subplot_kw={"projection": "3d"})
    plot_taylor_models(axes, f, [1.0, 1.0], e2, -2 * e2 * np.ones(2),
                       e2 * np.array([[2.0, 4.0], [4.0, 2.0]]), samples=11)
    assert [ax.get_title() for ax in axes] == ["order 0: the value", "order 1: the tangent plane",
                                               "order 2: the quadratic"]
    with pytest.raises(ValueError, match="`axes` must be three or four 3-D axes, got 2"):
        plot_taylor_models(axes[:2], f, [1.0, 1.0], e2, [0, 0], np.eye(2))
    with pytest.raises(ValueError, match=r"`x0` must have shape \(2,\)"):
        plot_taylor_models(axes, f, [1.0, 1.0, 1.0], e2, [0, 0], np.eye(2))
    fig, grid = figure(2, 2, subplot_kw={"projection": "3d"})
    plot_taylor_models(grid, f, [1.0, 1.0], e2, [0, 0], np.eye(2), samples=11)
    assert grid[0, 0].get_title() == "the surface $f$"
    assert grid[1, 1].get_title() == "order 2: the quadratic"


def test_quadratic_model_returns_the_vertex():
    fig, ax = figure()
    x_new = plot_quadratic_model(ax, lambda t: t**4, 1.0, 4.0, 12.0, xlim=(-1, 2))
    assert x_new == pytest.approx(1 - 4 / 12)
    plot_quadratic_model(ax, lambda t: t**4, x_new, 4 * x_new**3, 12 * x_new**2, xlim=(-1, 2),
                         color="vermillion")
    assert _labels(ax).count("$f(x)$") == 1
    with pytest.raises(ValueError, match="`H` is singular"):
        plot_quadratic_model(ax, lambda t: t**4, 0.0, 0.0, 0.0, xlim=(-1, 2))
    with pytest.raises(ValueError, match="`color` must be one of"):
        plot_quadratic_model(ax, lambda t: t**4, 1.0, 4.0, 12.0, xlim=(-1, 2), color="red")


def test_model_contours_returns_the_newton_point():
    fig, ax = figure()
    A = np.array([[2.0, 0.5], [0.5, 1.0]])
    f = lambda p: 0.5 * np.einsum("...i,ij,...j->...", p, A, p)  # noqa: E731
    x0 = np.array([1.0, -1.0])
    x_new = plot_model_contours(ax, f, x0, f(x0), A @ x0, A, xlim=(-2, 2), ylim=(-2, 2))
    np.testing.assert_allclose(x_new, [0.0, 0.0], atol=1e-12)


def test_partial_sums_custom_labels():
    p = mml.taylor_polynomial(sp.exp(x), x, 0, 2)
    fig, ax = figure()
    plot_partial_sums(ax, p, [0, 1], xlim=(-1, 1), labels=["$g_0$", "$g_1$"], flabel="$v$")
    assert _labels(ax) == ["$v$", "$g_0$", "$g_1$"]
    with pytest.raises(ValueError, match="`labels` must have one label per degree \\(2\\)"):
        plot_partial_sums(ax, p, [0, 1], xlim=(-1, 1), labels=["$g_0$"])
