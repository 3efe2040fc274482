"""Tests of mmlcalc.constrained: known values, reference libraries, properties, bad input."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize

import mmlcalc as mml

x, y, z = sp.symbols("x y z", real=True)
a = sp.Symbol("a", positive=True)


def _float_points(points):
    return np.array([[float(c) for c in p.x] for p in points])


# --- known values -------------------------------------------------------------------------------

def test_x2y_on_a_circle_of_radius_a():
    points = mml.solve_lagrange(x**2 * y, x**2 + y**2 - a**2, (x, y))
    assert len(points) == 6
    maxima = [p for p in points if p.kind == "maximum" and p.value != 0]
    assert len(maxima) == 2
    for p in maxima:
        assert sp.simplify(p.value - 2 * sp.sqrt(3) * a**3 / 9) == 0
        assert sp.simplify(abs(p.x[0]) - sp.sqrt(6) * a / 3) == 0
        assert sp.simplify(p.x[1] - sp.sqrt(3) * a / 3) == 0
    # the two points on the y-axis: f = 0 with lambda = 0, a local min at the top
    kinds = {tuple(p.x): p.kind for p in points}
    assert kinds[(0, a)] == "minimum" and kinds[(0, -a)] == "maximum"


def test_nearest_and_farthest_points_of_an_ellipse():
    f = (x - 1) ** 2 + y**2
    g = x**2 / 4 + y**2 - 1
    points = mml.solve_lagrange(f, g, (x, y))
    summary = {tuple(p.x): (p.lam, p.value, p.kind) for p in points}
    third = sp.Rational(1, 3)
    assert summary == {
        (-2, 0): (6, 9, "maximum"),
        (4 * third, -sp.sqrt(5) * third): (1, 2 * third, "minimum"),
        (4 * third, sp.sqrt(5) * third): (1, 2 * third, "minimum"),
        (2, 0): (2, 1, "maximum"),
    }


def test_quadratic_form_on_the_sphere_multipliers_are_eigenvalues():
    S = sp.Matrix([[4, 1, 0], [1, 4, 0], [0, 0, 1]])
    v = sp.Matrix([x, y, z])
    points = mml.solve_lagrange((v.T * S * v)[0], x**2 + y**2 + z**2 - 1, (x, y, z))
    assert len(points) == 6
    assert sorted(p.lam for p in points) == [1, 1, 3, 3, 5, 5]
    assert {p.lam: p.kind for p in points} == {1: "minimum", 3: "saddle", 5: "maximum"}
    for p in points:
        assert p.value == p.lam  # f = x^T S x = lambda x^T x = lambda


def test_lagrange_system():
    equations, lam = mml.lagrange_system(x**2 * y, x**2 + y**2 - 1, (x, y))
    assert list(equations) == [2 * x * y - 2 * lam * x, x**2 - 2 * lam * y, x**2 + y**2 - 1]
    assert lam.name == "lambda"
    # a variable called lambda does not clash with the multiplier
    lam_var = sp.Symbol("lambda", real=True)
    _, other = mml.lagrange_system(lam_var**2, lam_var - 1, (lam_var,))
    assert other != lam_var


def test_classify_degenerate_and_unknown():
    # f = y on x^2 + y^2 = 1 ... and f = x^4 + y^2 on the line y = 0 is flat to second order
    assert mml.classify_constrained(x**4 + y**2, y, (x, y), (0, 0), lam=0) == "degenerate"
    b = sp.Symbol("b", real=True)  # sign unknown
    assert mml.classify_constrained(b * x**2, y, (x, y), (0, 0), lam=0) == "unknown"


def test_numeric_method_finds_every_symbolic_point():
    f = (x - 1) ** 2 + y**2
    g = x**2 / 4 + y**2 - 1
    exact = mml.solve_lagrange(f, g, (x, y))
    numeric = mml.solve_lagrange(f, g, (x, y), method="numeric")
    assert len(numeric) == len(exact)
    np.testing.assert_allclose(_float_points(numeric), _float_points(exact), atol=1e-10)
    assert [p.kind for p in numeric] == [p.kind for p in exact]
    np.testing.assert_allclose([p.lam for p in numeric], [float(p.lam) for p in exact],
                               atol=1e-10)


# --- agreement with reference libraries -------------------------------------------------------

def test_global_extremes_agree_with_scipy_trust_constr():
    f = (x - 1) ** 2 + y**2
    g = x**2 / 4 + y**2 - 1
    points = mml.solve_lagrange(f, g, (x, y), method="numeric")

    def f_num(v):
        return (v[0] - 1) ** 2 + v[1] ** 2

    def f_grad(v):
        return np.array([2 * (v[0] - 1), 2 * v[1]])

    constraint = optimize.NonlinearConstraint(
        lambda v: v[0] ** 2 / 4 + v[1] ** 2 - 1, 0.0, 0.0,
        jac=lambda v: np.array([[v[0] / 2, 2 * v[1]]]),
        hess=lambda v, w: w[0] * np.diag([0.5, 2.0]))
    common = dict(constraints=[constraint], method="trust-constr",
                  options={"gtol": 1e-10, "xtol": 1e-12})
    low = optimize.minimize(f_num, [1.0, 0.5], jac=f_grad, hess=lambda v: 2 * np.eye(2),
                            **common)
    high = optimize.minimize(lambda v: -f_num(v), [-1.0, 0.5], jac=lambda v: -f_grad(v),
                             hess=lambda v: -2 * np.eye(2), **common)
    assert low.success and high.success
    assert min(p.value for p in points) == pytest.approx(low.fun, abs=1e-9)
    assert max(p.value for p in points) == pytest.approx(-high.fun, abs=1e-9)
    for found in (low.x, high.x):  # scipy's points are among ours
        assert np.min(np.linalg.norm(_float_points(points) - found, axis=1)) < 1e-6


def test_brute_force_along_the_constraint():
    # f = x^2 y on the unit circle, parametrised (cos t, sin t): the local extremes of
    # h(t) = cos^2 t sin t on a fine periodic grid are exactly the stationary points
    t = np.linspace(0, 2 * np.pi, 20_000, endpoint=False)
    h = np.cos(t) ** 2 * np.sin(t)
    peaks = (h > np.roll(h, 1)) & (h > np.roll(h, -1))
    troughs = (h < np.roll(h, 1)) & (h < np.roll(h, -1))
    points = mml.solve_lagrange(x**2 * y, x**2 + y**2 - 1, (x, y), method="numeric")
    assert peaks.sum() == sum(p.kind == "maximum" for p in points) == 3
    assert troughs.sum() == sum(p.kind == "minimum" for p in points) == 3
    grid = np.column_stack([np.cos(t), np.sin(t)])
    for p in points:
        kind_mask = peaks if p.kind == "maximum" else troughs
        nearest = np.min(np.linalg.norm(grid[kind_mask] - np.array(p.x), axis=1))
        assert nearest < 1e-3


# --- properties ---------------------------------------------------------------------------------

@settings(max_examples=8, deadline=None)
@given(c1=st.floats(-3.0, 3.0), c2=st.floats(-3.0, 3.0), r=st.floats(0.5, 3.0))
def test_linear_objective_on_a_circle(c1, c2, r):
    # f = c . x on |x| = r: max r|c| at r c/|c|, min -r|c| at -r c/|c|
    c = np.array([c1, c2])
    if np.linalg.norm(c) < 0.1:
        return
    f = sp.Float(c1) * x + sp.Float(c2) * y
    g = x**2 + y**2 - sp.Float(r) ** 2
    points = mml.solve_lagrange(f, g, (x, y), method="numeric", n_starts=12)
    assert sorted(p.kind for p in points) == ["maximum", "minimum"]
    for p in points:
        sign = 1 if p.kind == "maximum" else -1
        np.testing.assert_allclose(p.x, sign * r * c / np.linalg.norm(c), atol=1e-9)
        assert p.value == pytest.approx(sign * r * np.linalg.norm(c), abs=1e-9)
        np.testing.assert_allclose(p.lam, sign * np.linalg.norm(c) / (2 * r), atol=1e-9)


@settings(max_examples=8, deadline=None)
@given(d1=st.floats(0.5, 4.0), d2=st.floats(0.5, 4.0), angle=st.floats(0.0, np.pi))
def test_quadratic_form_on_the_unit_circle(d1, d2, angle):
    # x^T S x on the unit circle: the multipliers are the eigenvalues of S
    R = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    S = R @ np.diag([d1, d2]) @ R.T
    v = sp.Matrix([x, y])
    f = (v.T * sp.Matrix(S) * v)[0]
    points = mml.solve_lagrange(f, x**2 + y**2 - 1, (x, y), method="numeric", n_starts=20)
    if abs(d1 - d2) < 1e-3:
        return  # every point of the circle is stationary: no isolated points to find
    assert len(points) == 4
    np.testing.assert_allclose(sorted(p.lam for p in points),
                               np.repeat(np.sort([d1, d2]), 2), rtol=1e-9)


# --- bad input ----------------------------------------------------------------------------------

def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="`method` must be one of"):
        mml.solve_lagrange(x * y, x + y, (x, y), method="magic")
    with pytest.raises(TypeError, match="`variables` must be sympy symbols"):
        mml.solve_lagrange(x * y, x + y, ("x", "y"))
    with pytest.raises(ValueError, match="`variables` must be distinct"):
        mml.solve_lagrange(x * y, x + y, (x, x))
    with pytest.raises(TypeError, match="`f` must be a sympy expression"):
        mml.solve_lagrange(lambda v: v[0], x + y, (x, y))
    with pytest.raises(TypeError, match="`g` must be a sympy expression"):
        mml.solve_lagrange(x * y, "x + y", (x, y))
    with pytest.raises(ValueError, match="needs numbers for every parameter"):
        mml.solve_lagrange(x**2 * y, x**2 + y**2 - a**2, (x, y), method="numeric")
    with pytest.raises(ValueError, match=r"`starts` must have shape \(k, 2\)"):
        mml.solve_lagrange(x * y, x + y - 1, (x, y), method="numeric", starts=np.zeros((3, 3)))
    with pytest.raises(ValueError, match="`point` must have 2 entries"):
        mml.classify_constrained(x * y, x + y - 1, (x, y), (1,), lam=0)
    with pytest.raises(ValueError, match="the gradient of `g` vanishes"):
        mml.classify_constrained(x * y, x**2 + y**2, (x, y), (0, 0), lam=0)
