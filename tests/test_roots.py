"""Tests of mmlcalc.roots: known values, reference libraries, properties, bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize

import mmlcalc as mml

# the polynomial of section 5.1: turning points exactly at -1, 1/2 and 2
P = np.polynomial.Polynomial([1.0, 4.0, -3.0, -2.0, 1.0])
DP = P.deriv()
ROOTS = np.sort(P.roots().real)


def p(x):
    return P(x)


def dp(x):
    return DP(x)


# --- known values -------------------------------------------------------------------------------

def test_square_root_of_two():
    result = mml.newton_raphson(lambda x: x**2 - 2, 1.0, fprime=lambda x: 2 * x)
    assert result.converged and result.reason == "xtol"
    assert result.x == pytest.approx(np.sqrt(2), rel=1e-15)
    assert isinstance(result.x, float)
    assert result.history.shape == (result.n_iter + 1,)
    assert result.history[0] == 1.0


def test_numerical_derivative_when_fprime_is_omitted():
    result = mml.newton_raphson(lambda x: x**2 - 2, 1.0)
    assert result.converged
    assert result.x == pytest.approx(np.sqrt(2), rel=1e-14)


def test_every_root_of_the_section_polynomial_is_reached():
    found = [mml.newton_raphson(p, x0, fprime=dp).x for x0 in (-3.0, 0.0, 1.0, 3.0)]
    np.testing.assert_allclose(found, ROOTS, rtol=1e-13)


def test_exact_turning_point_is_a_zero_derivative_not_a_crash():
    for turning_point in (-1.0, 0.5, 2.0):
        assert dp(turning_point) == 0.0
        result = mml.newton_raphson(p, turning_point, fprime=dp)
        assert not result.converged
        assert result.reason == "zero derivative"
        assert result.n_iter == 0 and result.x == turning_point
        assert "f'(x) = 0" in result.message


def test_start_near_a_turning_point_is_thrown_far_away():
    result = mml.newton_raphson(p, 0.45, fprime=dp)
    assert result.converged
    assert result.history[1] < ROOTS[0] - 2  # the first step jumps past every root
    assert result.x == pytest.approx(ROOTS[0], rel=1e-12)  # and it lands on the far root


def test_cycle_is_detected():
    # x^3 - 2x + 2 from 0: Newton maps 0 -> 1 -> 0 -> ... exactly
    result = mml.newton_raphson(lambda x: x**3 - 2 * x + 2, 0.0, fprime=lambda x: 3 * x**2 - 2)
    assert result.reason == "cycle" and not result.converged
    np.testing.assert_array_equal(result.history, [0.0, 1.0, 0.0])
    assert "period 2" in result.message


def test_attracting_cycle_is_detected_from_a_nearby_start():
    result = mml.newton_raphson(lambda x: x**3 - 2 * x + 2, 0.05, fprime=lambda x: 3 * x**2 - 2)
    assert result.reason == "cycle"


def test_divergence_is_reported():
    # arctan: Newton overshoots further each step once |x0| > 1.3917...
    result = mml.newton_raphson(np.arctan, 1.5, fprime=lambda x: 1 / (1 + x**2))
    assert result.reason == "diverged" and not result.converged
    assert abs(result.x) > 1e12
    good = mml.newton_raphson(np.arctan, 1.3, fprime=lambda x: 1 / (1 + x**2))
    assert good.converged and abs(good.x) < 1e-15


def test_overflow_in_f_is_divergence_not_a_warning():
    # exp(x) - 1 from far left: huge steps, then exp overflows; no RuntimeWarning escapes
    result = mml.newton_raphson(lambda x: np.exp(-x) - 1, 30.0, fprime=lambda x: -np.exp(-x))
    assert result.reason in {"diverged", "xtol", "ftol"}


def test_max_iter_is_reported():
    result = mml.newton_raphson(lambda x: x**20, 1.0, fprime=lambda x: 20 * x**19, max_iter=5)
    assert result.reason == "max_iter" and result.n_iter == 5
    assert result.history.shape == (6,)


def test_double_root_converges_linearly_with_ratio_one_half():
    result = mml.newton_raphson(lambda x: (x - 1) ** 2 * (x + 2), 2.0,
                                fprime=lambda x: 2 * (x - 1) * (x + 2) + (x - 1) ** 2, xtol=1e-9)
    errors = np.abs(result.history - 1.0)
    ratios = errors[1:] / errors[:-1]
    np.testing.assert_allclose(ratios[8:20], 0.5, rtol=1e-3)
    np.testing.assert_allclose(mml.convergence_order(errors[5:20]), 1.0, atol=0.01)


def test_simple_root_converges_quadratically_with_the_predicted_constant():
    r = ROOTS[3]
    result = mml.newton_raphson(p, 3.0, fprime=dp, xtol=1e-15)
    errors = np.abs(result.history - r)
    constant = abs(DP.deriv()(r) / (2 * DP(r)))
    # the last ratio before round-off
    k = np.nonzero(errors > 1e-7)[0][-1]
    assert errors[k + 1] / errors[k] ** 2 == pytest.approx(constant, rel=1e-3)
    assert mml.convergence_order(errors[: k + 2])[-1] == pytest.approx(2.0, abs=0.02)


def test_system_circle_meets_hyperbola():
    def F(v):
        return np.array([v[0] ** 2 + v[1] ** 2 - 4, v[0] * v[1] - 1])

    def J(v):
        return np.array([[2 * v[0], 2 * v[1]], [v[1], v[0]]])

    result = mml.newton_raphson(F, [2.0, 0.5], fprime=J)
    assert result.converged and result.x.shape == (2,)
    # x^2 + 1/x^2 = 4  =>  x^2 = 2 + sqrt(3)
    np.testing.assert_allclose(result.x, [np.sqrt(2 + np.sqrt(3)), np.sqrt(2 - np.sqrt(3))],
                               rtol=1e-14)
    assert result.history.shape == (result.n_iter + 1, 2)
    numeric = mml.newton_raphson(F, [2.0, 0.5])  # Jacobian by finite differences
    np.testing.assert_allclose(numeric.x, result.x, rtol=1e-12)


def test_singular_jacobian_is_a_zero_derivative():
    def F(v):
        return np.array([v[0] ** 2 + v[1] ** 2 - 4, v[0] * v[1] - 1])

    result = mml.newton_raphson(F, [0.0, 0.0], fprime=lambda v: np.zeros((2, 2)))
    assert result.reason == "zero derivative"
    assert "Jacobian is singular" in result.message


def test_root_at_the_start():
    result = mml.newton_raphson(lambda x: x - 3.0, 3.0, fprime=lambda x: 1.0)
    assert result.converged and result.n_iter == 0


def test_bisection_known_value_and_count():
    result = mml.bisection(lambda x: x**2 - 2, 0.0, 2.0, xtol=1e-10)
    assert result.converged
    assert result.x == pytest.approx(np.sqrt(2), abs=3e-10)
    # the half-width after k halvings of [0, 2] is 2^-k; the test stops when it is <= tol (1 + m)
    assert result.n_iter == int(np.ceil(np.log2(1 / (1e-10 * (1 + np.sqrt(2))))))


def test_bisection_exact_root_and_machine_precision():
    assert mml.bisection(lambda x: x - 1.0, 0.0, 2.0).n_iter == 0  # the first midpoint
    tiny = mml.bisection(lambda x: x - 1 / 3, 0.0, 1.0, xtol=1e-300)
    assert tiny.converged and tiny.x == pytest.approx(1 / 3, rel=1e-15)


def test_bisection_max_iter():
    result = mml.bisection(lambda x: x - 1 / 3, 0.0, 1.0, max_iter=5)
    assert result.reason == "max_iter" and result.n_iter == 5


def test_convergence_order_of_model_sequences():
    np.testing.assert_allclose(mml.convergence_order(0.5 ** np.arange(1, 10)), 1.0)
    np.testing.assert_allclose(mml.convergence_order(10.0 ** -(3.0 ** np.arange(5))), 3.0)


def test_newton_basins_labels():
    starts = np.array([-3.0, -1.0, 0.0, 0.45, 1.0, 3.0])
    labels = mml.newton_basins(p, starts, ROOTS, fprime=dp)
    np.testing.assert_array_equal(labels, [0, -1, 1, 0, 2, 3])


def test_result_object_is_frozen_and_consistent():
    result = mml.newton_raphson(p, 3.0, fprime=dp)
    with pytest.raises(AttributeError):
        result.x = 0.0
    with pytest.raises(ValueError, match="`reason` must be one of"):
        mml.IterationResult(x=0.0, converged=False, n_iter=0, history=np.zeros(1),
                            reason="tired", message="")
    with pytest.raises(ValueError, match="`converged` must be True exactly"):
        mml.IterationResult(x=0.0, converged=True, n_iter=0, history=np.zeros(1),
                            reason="cycle", message="")
    assert "history" not in repr(result)  # long arrays stay out of the repr


# --- agreement with reference libraries -------------------------------------------------------

@pytest.mark.parametrize("x0", [-3.0, 0.0, 1.0, 3.0, 0.45])
def test_agrees_with_scipy_newton_given_the_derivative(x0):
    ours = mml.newton_raphson(p, x0, fprime=dp)
    theirs = optimize.newton(p, x0, fprime=dp, tol=1e-12, maxiter=100)
    assert ours.x == pytest.approx(theirs, rel=1e-12)


def test_scipy_newton_without_fprime_is_the_secant_method_and_can_differ():
    # the secant method (scipy's default without fprime) can end at another root
    x0 = 0.6  # near the turning point at 1/2, between the roots ROOTS[1] and ROOTS[2]
    ours = mml.newton_raphson(p, x0, fprime=dp)
    secant = optimize.newton(p, x0, tol=1e-12, maxiter=100)
    assert ours.x == pytest.approx(ROOTS[3], rel=1e-12)
    assert secant == pytest.approx(ROOTS[1], rel=1e-12)


def test_bisection_agrees_with_brentq():
    for a, b in [(-2.0, -1.0), (-1.0, 0.5), (0.5, 2.0), (2.0, 3.0)]:
        ours = mml.bisection(p, a, b, xtol=1e-13)
        theirs = optimize.brentq(p, a, b, xtol=1e-14)
        assert ours.x == pytest.approx(theirs, abs=1e-12)


def test_system_agrees_with_scipy_root():
    def F(v):
        return np.array([np.sin(v[0]) + v[1] ** 2 - 1, v[0] - np.cos(v[1])])

    ours = mml.newton_raphson(F, [0.5, 0.5])
    theirs = optimize.root(F, [0.5, 0.5], tol=1e-13)
    assert ours.converged and theirs.success
    np.testing.assert_allclose(ours.x, theirs.x, rtol=1e-10)


# --- properties ---------------------------------------------------------------------------------

coefficient = st.floats(-2.0, 2.0)
leading = st.floats(1.0, 3.0).flatmap(lambda a: st.sampled_from([a, -a]))


@settings(max_examples=40, deadline=None)
@given(r=st.floats(-5.0, 5.0), a=leading, b=coefficient, c=coefficient,
       delta=st.floats(-0.05, 0.05).filter(lambda d: abs(d) > 1e-6))
def test_newton_converges_quadratically_near_a_simple_root(r, a, b, c, delta):
    # f(x) = e (a + b e + c e^2) with e = x - r: a simple root at r with f'(r) = a != 0
    def f(x):
        e = x - r
        return e * (a + b * e + c * e**2)

    def fp(x):
        e = x - r
        return a + 2 * b * e + 3 * c * e**2

    result = mml.newton_raphson(f, r + delta, fprime=fp)
    assert result.converged and result.n_iter <= 8
    errors = np.abs(result.history - r)
    # from the error formula e' = e^2 q'(e) / (q(e) + e q'(e)) with |e| <= 0.05
    K = (abs(b) + 2 * abs(c) * 0.05) / (abs(a) - 2 * abs(b) * 0.05 - 3 * abs(c) * 0.05**2)
    floor = 4e-15 * (1 + abs(r))
    assert np.all(errors[1:] <= K * errors[:-1] ** 2 + floor)


def _cube_root(x):
    return np.cbrt(x)


BAD_FUNCTIONS = [
    (p, dp),                                                   # turning points
    (lambda x: x**3 - 2 * x + 2, lambda x: 3 * x**2 - 2),      # a cycle
    (np.arctan, lambda x: 1 / (1 + x**2)),                     # divergence
    (lambda x: x**2 + 1, lambda x: 2 * x),                     # no real root at all
    (_cube_root, None),                                        # Newton doubles the error
    (lambda x: np.exp(x) - 1e-30, None),                       # overflow on one side
]


@settings(max_examples=50, deadline=None)
@given(which=st.integers(0, len(BAD_FUNCTIONS) - 1),
       x0=st.one_of(st.floats(-20.0, 20.0), st.sampled_from([-1.0, 0.0, 0.5, 2.0])),
       max_iter=st.integers(1, 60))
def test_results_never_raise_on_bad_starts(which, x0, max_iter):
    f, fprime = BAD_FUNCTIONS[which]
    result = mml.newton_raphson(f, x0, fprime=fprime, max_iter=max_iter)
    assert result.reason in mml.REASONS
    assert result.n_iter <= max_iter and result.history.shape == (result.n_iter + 1,)
    assert result.converged == (result.reason in mml.CONVERGED)
    if result.converged:
        assert abs(f(result.x)) < 1e-6


# --- bad input ----------------------------------------------------------------------------------

def test_bad_arguments_name_themselves():
    with pytest.raises(TypeError, match="`f` must be callable"):
        mml.newton_raphson("x**2", 1.0)
    with pytest.raises(TypeError, match="`fprime` must be callable"):
        mml.newton_raphson(p, 1.0, fprime=3.0)
    with pytest.raises(ValueError, match="`xtol` must be positive"):
        mml.newton_raphson(p, 1.0, xtol=0.0)
    with pytest.raises(ValueError, match="`max_iter` must be at least 1"):
        mml.newton_raphson(p, 1.0, max_iter=0)
    with pytest.raises(TypeError, match="`max_iter` must be an integer"):
        mml.newton_raphson(p, 1.0, max_iter=2.5)
    with pytest.raises(ValueError, match="`x0` must be a number or a point"):
        mml.newton_raphson(p, [[1.0]])
    with pytest.raises(ValueError, match="`x0` must be finite"):
        mml.newton_raphson(p, np.nan)
    with pytest.raises(TypeError, match="`x0` must be real numbers"):
        mml.newton_raphson(p, "one")


def test_bad_functions_are_named():
    with pytest.raises(ValueError, match="`f` returned a non-finite value"):
        mml.newton_raphson(np.log, 0.0, fprime=lambda x: 1 / x)
    with pytest.raises(ValueError, match="`f` must return shape"):
        mml.newton_raphson(lambda v: v[0], [1.0, 2.0])
    with pytest.raises(ValueError, match="`fprime` must return shape"):
        mml.newton_raphson(lambda v: v, [1.0, 2.0], fprime=lambda v: np.eye(3))
    with pytest.raises(ValueError, match="`fprime` must return shape"):
        mml.newton_raphson(p, 1.0, fprime=lambda x: np.array([1.0, 2.0]))


def test_bisection_bad_input():
    with pytest.raises(ValueError, match="must differ in sign"):
        mml.bisection(p, 3.0, 4.0)
    with pytest.raises(ValueError, match="`a` must be less than `b`"):
        mml.bisection(p, 2.0, 1.0)
    with pytest.raises(ValueError, match="`f` must return a finite number at `a`"):
        mml.bisection(np.log, 0.0, 2.0)
    with pytest.raises(ValueError, match="`a` must have 0 dimension"):
        mml.bisection(p, [0.0, 1.0], 2.0)


def test_convergence_order_bad_input():
    with pytest.raises(ValueError, match="at least 3 values"):
        mml.convergence_order([0.1, 0.01])
    with pytest.raises(ValueError, match="must be positive"):
        mml.convergence_order([0.1, 0.0, 0.01])
    with pytest.raises(ValueError, match="two equal neighbours"):
        mml.convergence_order([0.1, 0.1, 0.01])


def test_newton_basins_bad_input():
    with pytest.raises(ValueError, match="`starts` must have 1 dimension"):
        mml.newton_basins(p, [[0.0]], ROOTS)
    with pytest.raises(ValueError, match="`rtol` must be positive"):
        mml.newton_basins(p, [0.0], ROOTS, rtol=-1.0)


# --- converged means a root (properties, issue 19) ----------------------------------------------

@settings(max_examples=60, deadline=None)
@given(roots=st.lists(st.floats(-5.0, 5.0), min_size=1, max_size=4, unique=True),
       x0=st.floats(-10.0, 10.0), exact=st.booleans())
def test_newton_converged_means_a_root(roots, x0, exact):
    roots = np.sort(roots)
    if roots.size > 1 and np.min(np.diff(roots)) < 0.1:  # simple roots only
        return
    poly = np.polynomial.Polynomial.fromroots(roots)
    result = mml.newton_raphson(poly, x0, fprime=poly.deriv() if exact else None)
    if result.converged:
        assert result.reason in {"xtol", "ftol"}
        assert np.min(np.abs(roots - result.x)) <= 1e-8 * (1 + np.max(np.abs(roots)))
    assert result.converged == (result.reason in mml.CONVERGED)


@settings(max_examples=40, deadline=None)
@given(r=st.floats(0.5, 3.0), c=st.floats(-3.0, 3.0), start=st.tuples(st.floats(-4, 4),
                                                                         st.floats(-4, 4)))
def test_newton_on_a_system_converged_means_a_root(r, c, start):
    def F(v):  # a circle of radius r and the line x = c y
        return np.array([v[0] ** 2 + v[1] ** 2 - r**2, v[0] - c * v[1]])

    result = mml.newton_raphson(F, list(start))
    if result.converged:
        np.testing.assert_allclose(F(result.x), 0.0, atol=1e-9 * r**2)


@settings(max_examples=40, deadline=None)
@given(root=st.floats(-100.0, 100.0), width=st.floats(0.1, 50.0), xtol=st.floats(1e-14, 1e-3))
def test_bisection_converged_means_within_xtol_of_the_root(root, width, xtol):
    result = mml.bisection(lambda x: np.tanh(x - root), root - width, root + 0.7 * width,
                           xtol=xtol)
    assert result.converged and result.reason in {"xtol", "ftol"}
    assert abs(result.x - root) <= 2 * xtol * (1 + abs(result.x)) + 4e-16 * (1 + abs(root))


def test_one_rule_for_singular():
    from mmlcalc._iteration import newton_step
    assert newton_step(1.0, 0.0) is None
    assert newton_step(3.0, 2.0) == -1.5
    assert newton_step([1.0, 1.0], [[1.0, 1.0], [1.0, 1.0]]) is None              # singular
    assert newton_step([1.0, 1.0], [[1.0, 0.0], [0.0, 1e-13]]) is None            # cond 1e13
    np.testing.assert_allclose(newton_step([1.0, 1.0], [[1.0, 0.0], [0.0, 1e-11]]),
                               [-1.0, -1e11])                                     # cond 1e11
    assert newton_step([1.0, 1.0], [[np.inf, 0.0], [0.0, 1.0]]) is None
    # the Jacobian of a system is judged by the same rule as a Hessian
    flat = mml.newton_raphson(lambda v: np.array([v[0] + v[1], 2 * (v[0] + v[1])]), [1.0, 2.0],
                              fprime=lambda v: np.array([[1.0, 1.0], [2.0, 2.0]]))
    assert flat.reason == "zero derivative" and not flat.converged
