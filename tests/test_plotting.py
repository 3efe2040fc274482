"""Tests of mmlcalc.plotting: the house style and the figure functions."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import mmlcalc as mml
from mmlcalc.plotting import COLORS, book_style, figure, plot_secants


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_figures_are_opaque_white_cards_for_both_themes():
    fig, ax = figure()
    assert fig.get_facecolor() == (1.0, 1.0, 1.0, 1.0)
    assert ax.get_facecolor() == (1.0, 1.0, 1.0, 1.0)


def test_book_style_restores_style_but_never_interactive_mode():
    # Regression: matplotlib.rc_context also restored `interactive`, and inline figures made
    # after the first one stopped showing in notebooks.
    before_grid, before_interactive = plt.rcParams["axes.grid"], plt.isinteractive()
    plt.rcParams["axes.grid"] = False
    with book_style():
        assert plt.rcParams["axes.grid"] is True
        plt.ion()
    assert plt.rcParams["axes.grid"] is False
    assert plt.isinteractive()
    plt.interactive(before_interactive)
    plt.rcParams["axes.grid"] = before_grid


def test_plot_secants_draws_one_secant_per_step_and_the_tangent():
    fig, ax = figure()
    steps = [1.0, 0.5, 0.25]
    plot_secants(ax, np.exp, 0.0, steps, fprime=1.0)
    labels = [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert sum(label.startswith("secant") for label in labels) == len(steps)
    assert any(label.startswith("tangent: slope 1.000") for label in labels)
    # each secant label carries its slope, which is rise over run
    for h in steps:
        slope = mml.rise_over_run(np.exp, 0.0, h)
        assert any(f"slope {slope:.3f}" in label for label in labels)


def test_plot_secants_rejects_a_zero_step():
    fig, ax = figure()
    with pytest.raises(ValueError, match="`steps` must be non-zero"):
        plot_secants(ax, np.exp, 0.0, [0.5, 0.0])


def test_palette_is_hex_colours():
    assert all(len(c) == 7 and c.startswith("#") for c in COLORS.values())


# --- chapter 1: quotients, error curves, a function beside its derivative, the product rule ---

def test_plot_difference_quotients_plots_the_quotients_and_the_limit():
    from mmlcalc.plotting import plot_difference_quotients

    fig, ax = figure()
    steps = np.array([0.1, 0.01, 0.001])
    plot_difference_quotients(ax, lambda u: u**2, 3.0, steps, limit=6.0)
    line = ax.get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), 6.0 + steps, rtol=1e-9)  # (x+h)^2: 2x + h
    assert ax.get_xscale() == "log"
    assert ax.get_xlim()[0] > ax.get_xlim()[1]  # h shrinks to the right
    with pytest.raises(ValueError, match="`steps` must be positive"):
        plot_difference_quotients(ax, np.sin, 0.0, [0.1, -0.1])


def test_plot_error_curves_draws_zero_errors_at_the_floor():
    from mmlcalc.plotting import plot_error_curves

    fig, ax = figure()
    hs = np.logspace(-1, -12, 12)
    curves = [mml.error_curve(np.exp, 0.0, hs, exact=1.0, method=m)
              for m in ("forward", "central", "complex")]
    plot_error_curves(ax, curves, floor=1e-18)
    labelled = [line for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert [line.get_label() for line in labelled] == ["forward", "central", "complex"]
    complex_line = labelled[2]
    assert np.min(complex_line.get_ydata()) >= 1e-18
    assert ax.get_xscale() == ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="`curves` must hold at least one"):
        plot_error_curves(ax, [])
    with pytest.raises(ValueError, match="`floor` must be positive"):
        plot_error_curves(ax, curves, floor=0.0)


def test_plot_with_derivative_marks_the_zeros_of_the_derivative():
    from mmlcalc.plotting import plot_with_derivative

    fig, (left, right) = figure(1, 2)
    plot_with_derivative((left, right), np.sin, np.cos, xlim=(0.0, 2 * np.pi))
    # cos has zeros at pi/2 and 3 pi/2: one dotted line per zero in each panel
    verticals = [line.get_xdata()[0] for line in left.get_lines()[1:]]
    np.testing.assert_allclose(verticals, [np.pi / 2, 3 * np.pi / 2], atol=1e-4)
    with pytest.raises(TypeError, match="`fprime` must be callable"):
        plot_with_derivative((left, right), np.sin, 1.0, xlim=(0.0, 1.0))


def test_plot_product_rectangle_areas_add_up():
    from mmlcalc.plotting import plot_product_rectangle

    fig, ax = figure()
    u, v, du, dv = 3.0, 2.0, 0.5, 0.4
    plot_product_rectangle(ax, u, v, du, dv)
    areas = [p.get_width() * p.get_height() for p in ax.patches]
    assert sum(areas) == pytest.approx((u + du) * (v + dv), rel=1e-12)
    assert areas[1:3] == pytest.approx([v * du, u * dv])
    with pytest.raises(ValueError, match="`du` must be positive"):
        plot_product_rectangle(ax, u, v, 0.0, dv)
