"""Tests of mmlcalc.graph: known values, reference libraries, properties, bad input."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import mmlcalc as mml
from mmlcalc import graph as g


def _n_edges(output):
    return sum(len(node.parents) for node in g.topological_order(output))


def _mml_example(x0):
    """f(x) = sqrt(x^2 + exp(x^2)) + cos(x^2 + exp(x^2)) as a graph (MML section 5.6)."""
    x, = g.variables(x=x0)
    a = x**2
    c = a + g.exp(a)
    return x, g.sqrt(c) + g.cos(c)


def _square_graph(w, x, y, z):
    """f = (u + v)^2, u = (a + b)^2, v = (a - b)^2, a = (w+x+y+z)^2, b = (w+x-y-z)^2."""
    inputs = g.variables(w=w, x=x, y=y, z=z)
    w, x, y, z = inputs
    a = (w + x + y + z) ** 2
    b = (w + x - y - z) ** 2
    u, v = (a + b) ** 2, (a - b) ** 2
    return inputs, (u + v) ** 2


# --- known values -------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", [g.forward_mode, g.reverse_mode])
def test_mml_example_derivative_at_one(mode):
    x, f = _mml_example(1.0)
    d = mode(f, [x])
    assert d.gradient[0] == pytest.approx(5.98308259590870, rel=1e-14)
    assert d.sweeps == 1 and d.multiplications == _n_edges(f)


def test_square_graph_value_partials_and_work():
    inputs, f = _square_graph(-1.0, 0.0, -2.0, 1.0)
    assert f.value == 1024.0
    fwd, rev = g.forward_mode(f, inputs), g.reverse_mode(f, inputs)
    np.testing.assert_array_equal(fwd.gradient, [-4096.0] * 4)
    np.testing.assert_array_equal(rev.gradient, [-4096.0] * 4)
    edges = _n_edges(f)
    assert (fwd.sweeps, fwd.multiplications) == (4, 4 * edges)
    assert (rev.sweeps, rev.multiplications) == (1, edges)


def test_topological_order_puts_parents_first_and_visits_shared_nodes_once():
    inputs, f = _square_graph(1.0, 2.0, 3.0, 4.0)
    order = g.topological_order(f)
    position = {id(node): k for k, node in enumerate(order)}
    assert len(position) == len(order)
    assert all(position[id(p)] < position[id(node)] for node in order for p in node.parents)
    assert order[-1] is f and set(map(id, inputs)) <= set(position)


def test_local_derivatives_of_each_operation():
    x, y = g.variables(x=2.0, y=5.0)
    assert (x * y).local == (5.0, 2.0)
    assert (x / y).local == pytest.approx((0.2, -2.0 / 25))
    assert (3 - x).local == (-1.0,)
    assert (3 / x).local == (-0.75,)
    assert (x**3).local == (12.0,)
    assert g.log(x).local == (0.5,)
    assert g.sin(x).local == pytest.approx((np.cos(2.0),))
    assert g.tanh(x).local == pytest.approx((1 - np.tanh(2.0) ** 2,))
    assert (-x).local == (-1.0,)
    assert repr(g.exp(x).named("e")) == f"Node(e = {np.exp(2.0):.6g})"


def test_a_node_used_twice_gets_both_contributions():
    x, = g.variables(x=3.0)
    for mode in (g.forward_mode, g.reverse_mode):
        assert mode(x * x, [x]).gradient[0] == 6.0
        assert mode(x + x * x, [x]).gradient[0] == 7.0


def test_forward_mode_builds_columns_and_reverse_mode_rows():
    x, y = g.variables(x=1.0, y=2.0)
    outputs = [x * y, x + y, g.sin(x)]
    fwd, rev = g.forward_mode(outputs, [x, y]), g.reverse_mode(outputs, [x, y])
    expected = [[2.0, 1.0], [1.0, 1.0], [np.cos(1.0), 0.0]]
    np.testing.assert_allclose(fwd.jacobian, expected, rtol=1e-15)
    np.testing.assert_allclose(rev.jacobian, expected, rtol=1e-15)
    assert (fwd.sweeps, rev.sweeps) == (2, 3)


# --- agreement with reference libraries ---------------------------------------------------------

def test_gradient_matches_sympy():
    xs, ys, zs = sp.symbols("x y z")
    expr = sp.sin(xs * ys) + sp.exp(zs) / (1 + xs**2) - sp.sqrt(ys**2 + zs**2) * sp.log(ys)
    point = {xs: 0.7, ys: 1.3, zs: -0.4}
    exact = [float(sp.diff(expr, s).subs(point)) for s in (xs, ys, zs)]
    x, y, z = g.variables(x=0.7, y=1.3, z=-0.4)
    f = g.sin(x * y) + g.exp(z) / (1 + x**2) - g.sqrt(y**2 + z**2) * g.log(y)
    assert f.value == pytest.approx(float(expr.subs(point)), rel=1e-14)
    np.testing.assert_allclose(g.reverse_mode(f, [x, y, z]).gradient, exact, rtol=1e-13)
    np.testing.assert_allclose(g.forward_mode(f, [x, y, z]).gradient, exact, rtol=1e-13)


def test_square_graph_partials_match_sympy_everywhere_symbolically():
    w, x, y, z = sp.symbols("w x y z")
    a, b = (w + x + y + z) ** 2, (w + x - y - z) ** 2
    f = ((a + b) ** 2 + (a - b) ** 2) ** 2
    point = {w: -1, x: 0, y: -2, z: 1}
    assert f.subs(point) == 1024
    assert [sp.diff(f, s).subs(point) for s in (w, x, y, z)] == [-4096] * 4


# --- properties ---------------------------------------------------------------------------------

coordinate = st.floats(min_value=-1.5, max_value=1.5, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(w=coordinate, x=coordinate, y=coordinate, z=coordinate)
def test_modes_agree_with_each_other_and_with_finite_differences(w, x, y, z):
    inputs, f = _square_graph(w, x, y, z)
    fwd, rev = g.forward_mode(f, inputs), g.reverse_mode(f, inputs)
    np.testing.assert_allclose(fwd.gradient, rev.gradient, rtol=1e-12, atol=1e-12)

    def value(p):
        return _square_graph(*p)[1].value

    numeric = mml.gradient(value, np.array([w, x, y, z]), h=1e-6)
    np.testing.assert_allclose(rev.gradient, numeric, rtol=1e-5, atol=1e-5)


@settings(max_examples=20, deadline=None)
@given(n=st.integers(min_value=1, max_value=30), seed=st.integers(0, 1000))
def test_work_is_edges_times_inputs_forward_and_edges_reverse(n, seed):
    values = np.random.default_rng(seed).normal(size=n)
    inputs = g.variables(**{f"x{i}": float(v) for i, v in enumerate(values)})
    loss = sum((g.tanh(v) - 0.5) ** 2 for v in inputs)  # a scalar loss of n parameters
    edges = _n_edges(loss)
    assert g.forward_mode(loss, inputs).multiplications == n * edges
    assert g.reverse_mode(loss, inputs).multiplications == edges
    np.testing.assert_allclose(g.reverse_mode(loss, inputs).gradient,
                               2 * (np.tanh(values) - 0.5) * (1 - np.tanh(values) ** 2),
                               rtol=1e-12, atol=1e-15)


# --- bad input ----------------------------------------------------------------------------------

def test_variables_must_be_finite_real_numbers():
    with pytest.raises(ValueError, match="`variables` needs at least one"):
        g.variables()
    with pytest.raises(ValueError, match="`x` must be finite"):
        g.variables(x=float("nan"))
    with pytest.raises(TypeError, match="`x` must be a real number, got str"):
        g.variables(x="1")


def test_functions_need_nodes_and_valid_values():
    x, = g.variables(x=-1.0)
    with pytest.raises(TypeError, match="`x` must be a Node for `exp`"):
        g.exp(2.0)
    with pytest.raises(ValueError, match="`x` must be positive for `log`"):
        g.log(x)
    with pytest.raises(ValueError, match="`x` must be positive for `sqrt`"):
        g.sqrt(x + 1)
    with pytest.raises(ValueError, match="by zero"):
        x / (x + 1)
    with pytest.raises(ValueError, match="non-integer power"):
        x**0.5
    with pytest.raises(TypeError):
        x**x
    with pytest.raises(TypeError, match="`name` must be a string"):
        x.named(3)


def test_modes_need_outputs_and_input_nodes():
    x, y = g.variables(x=1.0, y=2.0)
    p = x * y
    with pytest.raises(ValueError, match="`wrt` must hold input nodes"):
        g.reverse_mode(p + 1, [p])
    with pytest.raises(TypeError, match="`outputs` must be a Node"):
        g.forward_mode(3.0, [x])
    with pytest.raises(TypeError, match="`wrt` must be a Node or a non-empty sequence"):
        g.forward_mode(p, [])
    with pytest.raises(ValueError, match="`gradient` needs a single output, got 2"):
        _ = g.reverse_mode([p, x + y], [x]).gradient
