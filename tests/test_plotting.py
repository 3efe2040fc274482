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
