"""Tests of mmlcalc.taylor: known values, reference libraries, properties, bad input."""

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

import mmlcalc as mml
from mmlcalc.symbolic import to_numpy

x, y, k = sp.symbols("x y k")


# --- known values -------------------------------------------------------------------------------

def test_maclaurin_coefficients_of_exp_are_one_over_k_factorial():
    assert mml.taylor_coefficients(sp.exp(x), x, 0, 8) == tuple(
        sp.Rational(1, math.factorial(j)) for j in range(9))


def test_x4_about_1_is_reproduced_exactly_from_degree_4_on():
    for n in (4, 5, 7):
        p = mml.taylor_polynomial(x**4, x, 1, n)
        assert sp.expand(p.expr - x**4) == 0
        assert p.coefficients[:5] == (1, 4, 6, 4, 1)
    # degree 3 misses exactly the last term (x - 1)^4
    assert sp.expand(x**4 - mml.taylor_polynomial(x**4, x, 1, 3).expr - (x - 1) ** 4) == 0


def test_sin_plus_cos_degree_5():
    p = mml.taylor_polynomial(sp.sin(x) + sp.cos(x), x, 0, 5)
    expected = 1 + x - x**2 / 2 - x**3 / 6 + x**4 / 24 + x**5 / 120
    assert sp.expand(p.expr - expected) == 0


def test_errors_of_exp_at_1_for_degrees_1_2_5_10():
    p = mml.taylor_polynomial(sp.exp(x), x, 0, 10)
    errors = np.e - p.partial_sums(1.0)[[1, 2, 5, 10]]
    np.testing.assert_allclose(errors, [0.718, 0.218, 1.6e-3, 2.7e-8], rtol=0.03)
    assert p.remainder(1.0) == pytest.approx(np.e - sum(1 / math.factorial(j)
                                                        for j in range(11)), rel=1e-6)


def test_one_over_x_about_1_alternates():
    assert mml.taylor_coefficients(1 / x, x, 1, 6) == tuple((-1) ** j for j in range(7))


def test_removable_singularity_is_resolved_by_a_limit():
    assert mml.taylor_coefficients(sp.sin(x) / x, x, 0, 2) == (1, 0, sp.Rational(-1, 6))


def test_odd_and_even_functions_have_only_odd_and_even_coefficients():
    odd = mml.taylor_coefficients(sp.sin(x) * sp.cosh(x), x, 0, 9)
    even = mml.taylor_coefficients(sp.cos(x) + x**2, x, 0, 9)
    assert all(c == 0 for c in odd[0::2]) and all(c != 0 for c in odd[1::4])
    assert all(c == 0 for c in even[1::2])


def test_exact_point_gives_exact_coefficients():
    c = mml.taylor_coefficients(sp.sin(x), x, sp.pi / 4, 2)
    assert c == (sp.sqrt(2) / 2, sp.sqrt(2) / 2, -sp.sqrt(2) / 4)


def test_partial_sums_shape_and_last_row_is_the_polynomial():
    p = mml.taylor_polynomial(sp.cos(x), x, 0, 6)
    grid = np.linspace(-1, 1, 5).reshape(5, 1)
    sums = p.partial_sums(grid)
    assert sums.shape == (7, 5, 1)
    np.testing.assert_allclose(sums[-1], p(grid), rtol=1e-15)
    assert isinstance(p(0.3), float) and p.n == 6
    assert p.next_derivative == sp.sin(x)  # the 7th derivative of cos


def test_remainder_bound_known_values():
    assert mml.remainder_bound(math.e, 1.0, 0.0, 5) == pytest.approx(math.e / 720)
    np.testing.assert_allclose(mml.remainder_bound(1.0, [0.2, -0.1], 0.0, 1), [0.02, 0.005])
    assert mml.remainder_bound(0.0, 5.0, 1.0, 3) == 0.0


def test_default_M_is_the_maximum_of_the_next_derivative():
    p = mml.taylor_polynomial(sp.exp(x), x, 0, 5)
    assert p.remainder_bound(1.0) == pytest.approx(math.e / 720, rel=1e-12)
    assert p.remainder_bound(-1.0) == pytest.approx(1 / 720, rel=1e-12)  # max at x = a
    q = mml.taylor_polynomial(1 / x, x, 1, 2)  # |f'''| = 6 / x^4, largest at the far end
    assert q.remainder_bound(0.5) == pytest.approx(6 / 0.5**4 * 0.5**3 / 6, rel=1e-12)


@pytest.mark.parametrize(("c", "radius"), [
    (1 / sp.factorial(k), sp.oo),
    ((-1) ** k, 1),
    ((-1) ** (k + 1) / (k + 1), 1),
    (2**k, sp.Rational(1, 2)),
    (sp.factorial(k), 0),
    (k**2 / 3**k, 3),
])
def test_radius_of_convergence_known_values(c, radius):
    assert mml.radius_of_convergence(c, k) == radius


def test_mml_example_value_gradient_hessian_and_exact_third_order():
    f = x**2 + 2 * x * y + y**3
    T2 = mml.multivariate_taylor(f, (x, y), (1, 2), 2)
    T3 = mml.multivariate_taylor(f, (x, y), (1, 2), 3)
    dx, dy = sp.symbols("dx dy")
    quad = sp.Poly(sp.expand(T2.subs({x: 1 + dx, y: 2 + dy})), dx, dy)
    assert quad.coeff_monomial(1) == 13
    assert (quad.coeff_monomial(dx), quad.coeff_monomial(dy)) == (6, 14)
    # 1/2 dx^T H dx with H = [[2, 2], [2, 12]]
    assert (quad.coeff_monomial(dx**2), quad.coeff_monomial(dx * dy),
            quad.coeff_monomial(dy**2)) == (1, 2, 6)
    assert sp.expand(T3 - f) == 0
    assert sp.expand(f - T2 - (y - 2) ** 3) == 0


def test_gaussian_gradient_and_hessian_at_1_1():
    f = sp.exp(-(x**2 + y**2))
    e2 = math.exp(-2)
    g = mml.gradient(to_numpy(f, (x, y)), [1.0, 1.0])
    H = mml.hessian(to_numpy(f, (x, y)), [1.0, 1.0])
    np.testing.assert_allclose(g, -2 * e2 * np.ones(2), rtol=1e-8)
    np.testing.assert_allclose(H, e2 * np.array([[2.0, 4.0], [4.0, 2.0]]), rtol=1e-6)
    T2 = mml.multivariate_taylor(f, (x, y), (1, 1), 2)
    model = to_numpy(T2, (x, y))
    steps = np.array([[0.1, 0.0], [0.0, -0.2], [0.3, 0.1]])
    np.testing.assert_allclose(model(np.array([1.0, 1.0]) + steps),
                               mml.quadratic_model(e2, g, H, steps), rtol=1e-6)


def test_quadratic_model_orders():
    f0, g, H = 13.0, [6.0, 14.0], [[2.0, 2.0], [2.0, 12.0]]
    dx = [0.1, -0.1]
    assert mml.quadratic_model(f0, g, H, dx, order=0) == 13.0
    assert mml.quadratic_model(f0, g, H, dx, order=1) == pytest.approx(12.2)
    assert mml.quadratic_model(f0, g, H, dx) == pytest.approx(12.25)
    stack = np.zeros((4, 3, 2))
    assert mml.quadratic_model(f0, g, H, stack).shape == (4, 3)


def test_newton_step_on_a_quadratic_lands_on_the_minimum():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    b = np.array([1.0, -1.0])
    x_star = np.linalg.solve(A, b)
    for x0 in ([0.0, 0.0], [5.0, -3.0]):
        g = A @ np.array(x0) - b  # gradient of 1/2 x^T A x - b^T x
        np.testing.assert_allclose(np.array(x0) + mml.newton_step(g, A), x_star, rtol=1e-12)


def test_newton_step_accepts_stacks():
    H = np.stack([np.eye(2), 2 * np.eye(2)])
    g = np.array([[1.0, 2.0], [2.0, 4.0]])
    np.testing.assert_allclose(mml.newton_step(g, H), [[-1.0, -2.0], [-1.0, -2.0]])


# --- agreement with reference libraries -------------------------------------------------------

@pytest.mark.parametrize(("f", "a", "n"), [
    (sp.exp(x), 0, 8),
    (sp.sin(x), 0, 9),
    (sp.log(1 + x), 0, 6),
    (1 / (1 - x), 0, 7),
    (sp.atan(x), 0, 7),
    (sp.exp(x) * sp.sin(x), 1, 5),
    (sp.sqrt(x), 4, 5),
    (sp.cos(x), sp.pi / 3, 5),
    (1 / x, 2, 6),
])
def test_matches_sympy_series(f, a, n):
    p = mml.taylor_polynomial(f, x, a, n)
    reference = sp.series(f, x, a, n + 1).removeO()
    assert sp.simplify(sp.expand(p.expr - reference)) == 0


def test_evaluation_matches_sympy_numerically():
    p = mml.taylor_polynomial(sp.exp(x) * sp.cos(x), x, 0.5, 7)
    grid = np.linspace(-0.5, 1.5, 9)
    reference = np.array([float(p.expr.subs(x, t)) for t in grid])
    np.testing.assert_allclose(p(grid), reference, rtol=1e-12)


def test_multivariate_matches_sympy_gradient_and_hessian():
    f = sp.sin(x) * sp.exp(2 * y) + x * y**2
    a = {x: sp.Rational(1, 2), y: -1}
    T2 = mml.multivariate_taylor(f, (x, y), tuple(a.values()), 2)
    g_exact = [sp.diff(f, v).subs(a) for v in (x, y)]
    H_exact = sp.hessian(f, (x, y)).subs(a)
    assert T2.subs(a) == f.subs(a)
    assert [sp.simplify(sp.diff(T2, v).subs(a) - gv) for v, gv in zip((x, y), g_exact,
                                                                     strict=True)] == [0, 0]
    assert sp.simplify(sp.hessian(T2, (x, y)) - H_exact) == sp.zeros(2, 2)


def test_multivariate_matches_one_variable_series_along_a_line():
    # f(a + t d) expanded in t is the multivariate polynomial on the line
    f = sp.exp(x) * sp.cos(y)
    t = sp.symbols("t")
    T = mml.multivariate_taylor(f, (x, y), (0, 0), 4)
    line = {x: 2 * t, y: -t}
    along = sp.series(f.subs(line), t, 0, 5).removeO()
    assert sp.expand(T.subs(line) - along) == 0


def test_newton_step_matches_scipy_minimize_on_a_quadratic():
    A = np.array([[4.0, -1.0, 0.5], [-1.0, 3.0, 0.0], [0.5, 0.0, 2.0]])
    b = np.array([1.0, 2.0, -1.0])
    loss = lambda z: 0.5 * z @ A @ z - b @ z  # noqa: E731
    x0 = np.zeros(3)
    reference = minimize(loss, x0, jac=lambda z: A @ z - b, method="BFGS", tol=1e-12).x
    np.testing.assert_allclose(x0 + mml.newton_step(A @ x0 - b, A), reference, rtol=1e-7)


# --- properties ---------------------------------------------------------------------------------

small_ints = st.integers(min_value=-5, max_value=5)


@settings(max_examples=30, deadline=None)
@given(coeffs=st.lists(small_ints, min_size=1, max_size=6),
       a=st.fractions(min_value=-3, max_value=3, max_denominator=5),
       extra=st.integers(min_value=0, max_value=2))
def test_degree_n_taylor_reproduces_a_degree_n_polynomial(coeffs, a, extra):
    poly = sum(c * x**j for j, c in enumerate(coeffs))
    n = len(coeffs) - 1 + extra
    p = mml.taylor_polynomial(poly, x, sp.Rational(a.numerator, a.denominator), n)
    assert sp.expand(p.expr - poly) == 0


@settings(max_examples=40, deadline=None)
@given(a=st.floats(-2, 2), d=st.floats(-1.5, 1.5), n=st.integers(0, 8))
def test_error_is_within_the_lagrange_bound_for_exp(a, d, n):
    p = mml.taylor_polynomial(sp.exp(x), x, a, n)
    xs = a + d
    assert abs(p.remainder(xs)) <= p.remainder_bound(xs) * (1 + 1e-9) + 1e-13


@settings(max_examples=40, deadline=None)
@given(a=st.floats(-3, 3), d=st.floats(-2, 2), n=st.integers(0, 7))
def test_error_is_within_the_lagrange_bound_for_sin_with_M_1(a, d, n):
    p = mml.taylor_polynomial(sp.sin(x), x, a, n)
    assert abs(p.remainder(a + d)) <= mml.remainder_bound(1.0, a + d, a, n) + 1e-13


@settings(max_examples=30, deadline=None)
@given(angle=st.floats(0.1, 1.4), x0=st.floats(-1, 1), y0=st.floats(-1, 1))
def test_halving_dx_divides_second_order_model_error_by_8(angle, x0, y0):
    f = lambda p: np.exp(p[..., 0] + 2 * p[..., 1])  # noqa: E731
    point = np.array([x0, y0])
    f0 = f(point)
    g = f0 * np.array([1.0, 2.0])
    H = f0 * np.array([[1.0, 2.0], [2.0, 4.0]])
    direction = np.array([np.cos(angle), np.sin(angle)])
    errors = [abs(f(point + s * direction) - mml.quadratic_model(f0, g, H, s * direction))
              for s in (2e-2, 1e-2)]
    assert errors[0] / errors[1] == pytest.approx(8.0, rel=0.05)
    first = [abs(f(point + s * direction) - mml.quadratic_model(f0, g, H, s * direction,
                                                                   order=1))
             for s in (2e-2, 1e-2)]
    assert first[0] / first[1] == pytest.approx(4.0, rel=0.05)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_newton_step_is_the_minimiser_of_a_convex_quadratic_model(seed):
    rng = np.random.default_rng(seed)
    B = rng.normal(size=(3, 3))
    H = B @ B.T + 0.5 * np.eye(3)
    g = rng.normal(size=3)
    step = mml.newton_step(g, H)
    np.testing.assert_allclose(H @ step + g, 0.0, atol=1e-9)  # stationary
    others = step + rng.normal(size=(20, 3))
    assert np.all(mml.quadratic_model(0.0, g, H, others) >= mml.quadratic_model(0.0, g, H, step))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_quadratic_model_vectorised_equals_pointwise(seed):
    rng = np.random.default_rng(seed)
    g, B = rng.normal(size=2), rng.normal(size=(2, 2))
    H = B + B.T
    steps = rng.normal(size=(5, 2))
    # The model sums terms of size ~1 that can cancel to ~1e-3, so compare to round-off of
    # the terms (atol), not of the result.
    np.testing.assert_allclose(mml.quadratic_model(1.0, g, H, steps),
                               [mml.quadratic_model(1.0, g, H, s) for s in steps],
                               rtol=1e-13, atol=1e-14)


@settings(max_examples=20, deadline=None)
@given(a=st.floats(0.5, 3), n=st.integers(0, 6))
def test_every_partial_sum_equals_f_at_the_expansion_point(a, n):
    p = mml.taylor_polynomial(sp.log(x), x, a, n)
    np.testing.assert_allclose(p.partial_sums(a), math.log(a), rtol=1e-14)


# --- bad input ----------------------------------------------------------------------------------

def test_taylor_polynomial_bad_types():
    with pytest.raises(TypeError, match="`f` must be a sympy expression, got str"):
        mml.taylor_polynomial("exp(x)", x, 0, 3)
    with pytest.raises(TypeError, match="`x` must be a sympy Symbol, got str"):
        mml.taylor_polynomial(sp.exp(x), "x", 0, 3)
    with pytest.raises(TypeError, match="`a` must be a real number, got str"):
        mml.taylor_polynomial(sp.exp(x), x, "0", 3)
    with pytest.raises(TypeError, match="`n` must be an integer, got float"):
        mml.taylor_polynomial(sp.exp(x), x, 0, 3.0)


@pytest.mark.parametrize("a", [float("nan"), float("inf"), sp.oo, sp.I, y])
def test_a_must_be_real_and_finite(a):
    with pytest.raises(ValueError, match="`a` must be a real, finite number"):
        mml.taylor_polynomial(sp.exp(x), x, a, 2)


def test_taylor_polynomial_bad_values():
    with pytest.raises(ValueError, match="`n` must be non-negative, got -1"):
        mml.taylor_polynomial(sp.exp(x), x, 0, -1)
    with pytest.raises(ValueError, match="`f` has free symbols not in `x`: y"):
        mml.taylor_polynomial(x * y, x, 0, 2)
    with pytest.raises(ValueError, match="`f` has no finite value at"):
        mml.taylor_polynomial(1 / x, x, 0, 2)
    with pytest.raises(ValueError, match="`f` has no finite derivative of order 1"):
        mml.taylor_polynomial(sp.sqrt(x), x, 0, 2)
    with pytest.raises(ValueError, match="`f` is not real at"):
        mml.taylor_polynomial(sp.log(x), x, -1, 2)


def test_remainder_bound_bad_input():
    with pytest.raises(ValueError, match="`M` must be non-negative"):
        mml.remainder_bound(-1.0, 1.0, 0.0, 2)
    with pytest.raises(ValueError, match="`n` must be non-negative"):
        mml.remainder_bound(1.0, 1.0, 0.0, -2)
    with pytest.raises(ValueError, match="`x` must be finite"):
        mml.remainder_bound(1.0, [1.0, np.nan], 0.0, 2)
    with pytest.raises(TypeError, match="`a` must be real numbers"):
        mml.remainder_bound(1.0, 1.0, "zero", 2)
    p = mml.taylor_polynomial(1 / x, x, 1, 2)
    with pytest.raises(ValueError, match="`f\\^\\(n\\+1\\)` = -6/x\\*\\*4 is not finite at 0"):
        p.remainder_bound([0.5, -0.5])  # the interval [-0.5, 1] contains the pole at 0
    with pytest.raises(ValueError, match="is not finite at 0, between `a` = 1 and `x` = \\[-1.\\]"):
        mml.taylor_polynomial(sp.sqrt(x), x, 1, 1).remainder_bound(-1.0)
    with pytest.raises(ValueError, match="`samples` must be at least 2, got 1"):
        p.remainder_bound(0.5, samples=1)
    with pytest.raises(ValueError, match="`f` returned a non-finite value"):
        p.remainder(0.0)


def test_radius_of_convergence_bad_input():
    with pytest.raises(ValueError, match="ratio test is inconclusive"):
        mml.radius_of_convergence(2 + (-1) ** k, k)
    with pytest.raises(TypeError, match="`k` must be a sympy Symbol"):
        mml.radius_of_convergence(1 / k, "k")
    with pytest.raises(ValueError, match="`c` has free symbols not in `k`: x"):
        mml.radius_of_convergence(x**k, k)


def test_multivariate_taylor_bad_input():
    f = x * y
    with pytest.raises(TypeError, match="`x` must be a sequence of sympy Symbols"):
        mml.multivariate_taylor(f, x, (0, 0), 2)
    with pytest.raises(ValueError, match="`a` must have one coordinate per variable \\(2\\)"):
        mml.multivariate_taylor(f, (x, y), (0, 0, 0), 2)
    with pytest.raises(TypeError, match="`a` must be a sequence of real numbers"):
        mml.multivariate_taylor(f, (x, y), 0, 2)
    with pytest.raises(ValueError, match="`f` has no finite partial derivative"):
        mml.multivariate_taylor(sp.sqrt(x) * y, (x, y), (0, 1), 1)


def test_quadratic_model_bad_input():
    g, H = [1.0, 2.0], [[1.0, 0.0], [0.0, 1.0]]
    with pytest.raises(ValueError, match="`H` must have shape \\(2, 2\\) to match `g`"):
        mml.quadratic_model(0.0, g, np.eye(3), [0.0, 0.0])
    with pytest.raises(ValueError, match="`H` must be symmetric"):
        mml.quadratic_model(0.0, g, [[1.0, 2.0], [0.0, 1.0]], [0.0, 0.0])
    with pytest.raises(ValueError, match="`order` must be 0, 1 or 2, got 3"):
        mml.quadratic_model(0.0, g, H, [0.0, 0.0], order=3)
    with pytest.raises(ValueError, match="`dx` must have shape \\(2,\\) or \\(..., 2\\)"):
        mml.quadratic_model(0.0, g, H, [0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="`f0` must have 0 dimension"):
        mml.quadratic_model([0.0, 1.0], g, H, [0.0, 0.0])


def test_newton_step_bad_input():
    with pytest.raises(ValueError, match="`H` is singular"):
        mml.newton_step([1.0, 1.0], [[1.0, 1.0], [1.0, 1.0]])
    with pytest.raises(ValueError, match="`H` must have shape"):
        mml.newton_step([1.0, 1.0], [[1.0, 0.0, 0.0]])
    with pytest.raises(ValueError, match="`g` must be finite"):
        mml.newton_step([np.inf, 1.0], np.eye(2))
