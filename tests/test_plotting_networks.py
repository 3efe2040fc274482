"""Tests of mmlcalc.plotting.networks: the figures of chapter 3."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import mmlcalc as mml
from mmlcalc import graph
from mmlcalc.plotting import (
    figure,
    plot_computation_graph,
    plot_cost_history,
    plot_gradient_check_errors,
    plot_network,
    plot_network_fit,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _labels(ax):
    return [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]


def test_computation_graph_draws_a_node_per_value_and_an_arrow_per_edge():
    x, y = graph.variables(x=2.0, y=3.0)
    f = (x * y + graph.sin(x)).named("f")
    fig, ax = figure()
    plot_computation_graph(ax, f, edge_labels=True, highlight=[x, y, f])
    order = graph.topological_order(f)
    n_edges = sum(len(node.parents) for node in order)
    texts = [t.get_text() for t in ax.texts]
    arrows = [child for child in ax.get_children() if type(child).__name__ == "Annotation"
              and child.get_text() == ""]
    assert len(arrows) == n_edges
    for node in order:
        assert node.label in texts and f"{node.value:.4g}" in texts
    # every edge is labelled with its local derivative
    for node in order:
        for local in node.local:
            assert f"{local:.3g}" in texts
    assert not ax.axison


def test_computation_graph_puts_inputs_left_of_what_they_feed():
    x, = graph.variables(x=1.0)
    a = (x**2).named("a")
    f = (a + graph.exp(a)).named("f")
    fig, ax = figure()
    plot_computation_graph(ax, f, values=False)
    position = {t.get_text(): t.get_position()[0] for t in ax.texts}
    assert position["x"] < position["a"] < position["exp"] < position["f"]


def test_network_diagram_draws_every_weight_coloured_by_sign():
    net = mml.init_network([3, 4, 2], rng=0)
    fig, ax = figure()
    plot_network(ax, net)
    lines = ax.get_lines()
    assert len(lines) == 3 * 4 + 4 * 2
    signs = np.concatenate([W.ravel() for W in net.weights]) >= 0
    assert sum(line.get_color() == mml.plotting.COLORS["blue"] for line in lines) == signs.sum()
    widths = [line.get_linewidth() for line in lines]
    assert max(widths) == pytest.approx(3.0)  # the largest |w| gets the widest line


def test_network_diagram_from_sizes_and_bad_names():
    fig, ax = figure()
    plot_network(ax, [2, 3, 1])
    assert len(ax.get_lines()) == 2 * 3 + 3 * 1
    with pytest.raises(ValueError, match="`layer_names` must have 3 entries, got 2"):
        plot_network(ax, [2, 3, 1], layer_names=["in", "out"])


def test_cost_history_is_on_a_log_axis_and_needs_positive_costs():
    fig, ax = figure()
    plot_cost_history(ax, [1.0, 0.5, 0.1], label="C")
    assert ax.get_yscale() == "log" and _labels(ax) == ["C"]
    np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), [0, 1, 2])
    with pytest.raises(ValueError, match="`history` must be positive"):
        plot_cost_history(ax, [1.0, 0.0])


def test_network_fit_draws_data_and_curves_and_checks_shapes():
    fig, ax = figure()
    grid = np.linspace(0, 1, 5)
    plot_network_fit(ax, [0.0, 1.0], [1.0, 2.0], grid, {"before": grid, "after": 2 * grid})
    assert _labels(ax) == ["data", "before", "after"]
    with pytest.raises(ValueError, match="`curves\\['bad'\\]` must have the shape of `grid`"):
        plot_network_fit(ax, [0.0], [1.0], grid, {"bad": [1.0, 2.0]})


def test_gradient_check_errors_on_log_log_axes_with_threshold():
    fig, ax = figure()
    hs = np.array([1e-2, 1e-4, 1e-6])
    plot_gradient_check_errors(ax, hs, {"central": [1e-4, 1e-8, 0.0]}, tolerance=1e-6)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert "threshold 1e-06" in _labels(ax)
    # an error of exactly zero is drawn at the floor, not dropped
    assert np.all(ax.get_lines()[0].get_ydata() > 0)
