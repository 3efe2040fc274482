r"""Figures of computation graphs and neural networks, and of training them (chapter 3)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .._validation import as_real_array, check_ax, check_int, check_mapping, check_positive
from ..graph import Node, topological_order
from ..network import Network
from ._style import COLORS

__all__ = ["plot_computation_graph", "plot_cost_history", "plot_gradient_check_errors",
           "plot_network", "plot_network_fit"]


def _graph_layout(order: list[Node]) -> dict[int, tuple[float, float]]:
    """Column = longest path from an input; rows ordered by the mean row of the parents."""
    depth: dict[int, int] = {}
    for node in order:
        depth[id(node)] = 1 + max((depth[id(p)] for p in node.parents), default=-1)
    columns: dict[int, list[Node]] = {}
    for node in order:
        columns.setdefault(depth[id(node)], []).append(node)
    row: dict[int, float] = {}
    for d in sorted(columns):
        nodes = columns[d]
        if d > 0:  # barycentre ordering keeps edges short and mostly uncrossed
            nodes.sort(key=lambda n: np.mean([row[id(p)] for p in n.parents]))
        for k, node in enumerate(nodes):
            row[id(node)] = k - (len(nodes) - 1) / 2
    return {id(node): (float(depth[id(node)]), -row[id(node)]) for node in order}


def plot_computation_graph(ax, outputs, *, values: bool = True, edge_labels: bool = False,
                           highlight: Sequence[Node] = ()):
    r"""Draw the computation graph behind `outputs`, inputs on the left.

    Each node is a circle holding its name (or its operation); an arrow runs from every parent
    to the node computed from it. Columns are the length of the longest path from an input.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    outputs : Node or sequence of Node
        The graph's output(s), built with :mod:`mmlcalc.graph`.
    values : bool
        Write each node's value below it. Keyword-only.
    edge_labels : bool
        Write each edge's local derivative :math:`\partial v / \partial p` on it.
    highlight : sequence of Node
        Nodes to fill in colour (for example the inputs and the output).

    Returns
    -------
    matplotlib.axes.Axes
        `ax`, for chaining.

    Notes
    -----
    Book: section 3.2, *Computation graphs; forward and reverse mode*.
    """
    check_ax(ax)
    if isinstance(highlight, Node) or not isinstance(highlight, Sequence) or not all(
            isinstance(n, Node) for n in highlight):
        raise TypeError(f"`highlight` must be a sequence of Nodes, got {highlight!r}")
    order = topological_order(outputs)
    place = _graph_layout(order)
    marked = {id(n) for n in highlight}
    xs = [p[0] for p in place.values()]
    ys = [p[1] for p in place.values()]
    ax.set_xlim(min(xs) - 0.5, max(xs) + 0.5)
    ax.set_ylim(min(ys) - 0.7, max(ys) + 0.5)
    ax.set_axis_off()
    taken = {(round(x, 6), round(y, 6)) for x, y in place.values()}
    for node in order:
        x1, y1 = place[id(node)]
        for parent, local in zip(node.parents, node.local, strict=True):
            x0, y0 = place[id(parent)]
            # an edge that would run straight through a node in between bends around it
            skips = any((round(x0 + t * (x1 - x0), 6), round(y0 + t * (y1 - y0), 6)) in taken
                        for t in np.linspace(0, 1, 9)[1:-1])
            rad = -0.45 if skips else 0.0
            ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                        arrowprops={"arrowstyle": "-|>", "color": COLORS["grey"], "lw": 1.1,
                                    "shrinkA": 13, "shrinkB": 13,
                                    "connectionstyle": f"arc3,rad={rad}"})
            if edge_labels:
                # the midpoint of matplotlib's arc3 curve, computed in display coordinates
                start, end = ax.transData.transform([(x0, y0), (x1, y1)])
                dx, dy = end - start
                middle = (start + end) / 2 + 0.5 * rad * np.array([dy, -dx])
                mx, my = ax.transData.inverted().transform(middle)
                ax.text(mx, my + 0.06, f"{local:.3g}", ha="center", va="bottom", fontsize=9,
                        color=COLORS["vermillion"])
    for node in order:
        x, y = place[id(node)]
        face = COLORS["sky"] if id(node) in marked else "white"
        ax.text(x, y, node.label, ha="center", va="center", fontsize=11, zorder=3,
                bbox={"boxstyle": "circle,pad=0.35", "fc": face, "ec": COLORS["ink"],
                      "lw": 1.2})
        if values:
            ax.text(x, y - 0.3, f"{node.value:.4g}", ha="center", va="top", fontsize=9,
                    color=COLORS["blue"])
    return ax


def plot_network(ax, net, *, layer_names: Sequence[str] | None = None):
    r"""Draw a dense network: a column of neurons a layer, a line for every weight.

    With a :class:`~mmlcalc.Network`, a line's width is proportional to :math:`|W_{ij}|` and its
    colour shows the sign (blue positive, vermillion negative); with a list of layer sizes all
    lines are drawn alike.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    net : Network or sequence of int
        The network, or its layer sizes :math:`(n_0, \dots, n_L)`.
    layer_names : sequence of str, optional
        A caption under each column. Default: :math:`a^{(0)}, \dots, a^{(L)}` with the width.

    Returns
    -------
    matplotlib.axes.Axes
        `ax`, for chaining.

    Notes
    -----
    Book: section 3.4, *Layers in matrix form*.
    """
    check_ax(ax)
    if isinstance(net, Network):
        sizes, weights = net.sizes, net.weights
    else:
        if isinstance(net, str | bytes) or not isinstance(net, Sequence | np.ndarray):
            raise TypeError(f"`net` must be a Network or a sequence of layer sizes, got "
                            f"{type(net).__name__}")
        sizes = tuple(check_int(n.item() if isinstance(n, np.generic) else n, "net", low=1,
                                high=1000) for n in net)
        if len(sizes) < 2:
            raise ValueError(f"`net` must have at least two layers, got {len(sizes)}")
        weights = [np.ones((n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:],
                                                                 strict=True)]
    if layer_names is None:
        layer_names = [f"$a^{{({k})}}$\n{n} neuron{'s' if n > 1 else ''}"
                       for k, n in enumerate(sizes)]
    if len(layer_names) != len(sizes):
        raise ValueError(f"`layer_names` must have {len(sizes)} entries, got {len(layer_names)}")
    height = max(sizes)

    def rows(n):
        return np.arange(n)[::-1] - (n - 1) / 2

    largest = max(np.max(np.abs(W)) for W in weights) or 1.0
    for k, W in enumerate(weights):
        left, right = rows(sizes[k]), rows(sizes[k + 1])
        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                w = W[i, j]
                color = COLORS["blue"] if w >= 0 else COLORS["vermillion"]
                if not isinstance(net, Network):
                    color = COLORS["grey"]
                ax.plot([k, k + 1], [left[j], right[i]], color=color,
                        lw=0.4 + 2.6 * abs(w) / largest, alpha=0.8, zorder=1)
    for k, n in enumerate(sizes):
        face = COLORS["sky"] if k in (0, len(sizes) - 1) else "white"
        ax.scatter(np.full(n, k), rows(n), s=380, c=face, edgecolors=COLORS["ink"],
                   linewidths=1.2, zorder=2)
        ax.text(k, -height / 2 - 0.35, layer_names[k], ha="center", va="top", fontsize=9)
    ax.set_xlim(-0.4, len(sizes) - 0.6)
    ax.set_ylim(-height / 2 - 1.3, height / 2 + 0.1)
    ax.set_axis_off()
    return ax


def plot_cost_history(ax, history, *, label: str | None = None, color: str | None = None):
    r"""Draw the cost against the training step on a logarithmic cost axis.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    history : array_like, shape (n,)
        Costs, positive: the ``history`` of :func:`mmlcalc.train`.
    label, color : str, optional
        For the legend and the line.

    Returns
    -------
    matplotlib.axes.Axes
        `ax`, for chaining.

    Notes
    -----
    Book: section 3.5, *Backpropagation*.
    """
    check_ax(ax)
    history = as_real_array(history, "history", ndim=1)
    if np.any(history <= 0):
        raise ValueError("`history` must be positive for a logarithmic axis")
    ax.semilogy(np.arange(history.size), history, label=label,
                color=color or COLORS["blue"])
    ax.set_xlabel("training step")
    ax.set_ylabel("cost $C$")
    if label is not None:
        ax.legend()
    return ax


def plot_network_fit(ax, x, y, grid, curves: Mapping[str, np.ndarray]):
    r"""Draw data points and one or more model curves through them.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    x, y : array_like, shape (N,)
        The data.
    grid : array_like, shape (M,)
        Where the curves are evaluated.
    curves : mapping of str to array_like, shape (M,)
        Label and values of each curve, drawn in the palette's order.

    Returns
    -------
    matplotlib.axes.Axes
        `ax`, for chaining.

    Notes
    -----
    Book: section 3.5, the fit before and after training.
    """
    check_ax(ax)
    x = as_real_array(x, "x", ndim=1)
    y = as_real_array(y, "y", ndim=1)
    grid = as_real_array(grid, "grid", ndim=1)
    check_mapping(curves, "curves")
    ax.plot(x, y, "o", ms=4, color=COLORS["grey"], alpha=0.8, label="data")
    styles = ["--", "-", "-.", ":"]
    colors = [COLORS["vermillion"], COLORS["blue"], COLORS["green"], COLORS["purple"]]
    for k, (label, values) in enumerate(curves.items()):
        values = as_real_array(values, f"curves[{label!r}]", ndim=1)
        if values.shape != grid.shape:
            raise ValueError(f"`curves[{label!r}]` must have the shape of `grid` {grid.shape}, "
                             f"got {values.shape}")
        ax.plot(grid, values, styles[k % 4], color=colors[k % 4], lw=2, label=label)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.legend()
    return ax


def plot_gradient_check_errors(ax, hs, errors: Mapping[str, np.ndarray], *,
                               tolerance: float | None = None):
    r"""Draw gradient-check errors against the step :math:`h` on log-log axes (the V-curve).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    hs : array_like, shape (n,)
        Steps, positive.
    errors : mapping of str to array_like, shape (n,)
        Label and errors of each method; zeros are drawn at the bottom of the axis.
    tolerance : float, optional
        A horizontal line at an acceptance threshold.

    Returns
    -------
    matplotlib.axes.Axes
        `ax`, for chaining.

    Notes
    -----
    Book: section 3.6, *Checking gradients*.
    """
    check_ax(ax)
    hs = as_real_array(hs, "hs", ndim=1)
    check_mapping(errors, "errors")
    if tolerance is not None:
        tolerance = check_positive(tolerance, "tolerance")
    markers = ["o", "s", "^", "D"]
    for k, (label, values) in enumerate(errors.items()):
        values = as_real_array(values, f"errors[{label!r}]", ndim=1)
        ax.loglog(hs, np.maximum(values, 1e-17), marker=markers[k % 4], ms=4, label=label)
    if tolerance is not None:
        ax.axhline(tolerance, color=COLORS["grey"], ls="--", lw=1.2,
                   label=f"threshold {tolerance:g}")
    ax.set_xlabel("step $h$")
    ax.set_ylabel("max relative error")
    ax.legend(fontsize=8.5)
    return ax
