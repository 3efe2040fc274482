"""Tests of mmlcalc.numdiff: known values, reference libraries, properties, bad input."""

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.differentiate import derivative as scipy_derivative

import mmlcalc as mml

METHODS = list(mml.DERIVATIVE_METHODS)


# --- known values -------------------------------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
def test_derivative_of_sin_is_cos(method):
    x = np.linspace(-3, 3, 13)
    np.testing.assert_allclose(mml.derivative(np.sin, x, method=method), np.cos(x),
                               rtol=0, atol=1e-7)


@pytest.mark.parametrize("method", ["central", "complex"])
def test_second_order_methods_are_exact_for_quadratics(method):
    # f''' = 0, so the O(h^2) truncation error vanishes even for a large step
    f = lambda x: 3 * x**2 - 2 * x + 1  # noqa: E731
    assert mml.derivative(f, 2.0, h=0.5, method=method) == pytest.approx(10.0, abs=1e-12)


def test_forward_and_backward_errors_have_opposite_signs_on_a_convex_function():
    forward = mml.derivative(np.exp, 0.0, h=1e-3, method="forward")
    backward = mml.derivative(np.exp, 0.0, h=1e-3, method="backward")
    assert backward < 1.0 < forward
    assert forward - 1.0 == pytest.approx(1e-3 / 2, rel=1e-2)  # error ~ f''(0) h / 2


def test_scalar_in_float_out_and_array_in_array_out():
    assert isinstance(mml.derivative(np.sin, 0.5), float)
    out = mml.derivative(np.sin, [[0.0, 1.0], [2.0, 3.0]])
    assert isinstance(out, np.ndarray) and out.shape == (2, 2)


def test_rise_over_run_known_values():
    assert mml.rise_over_run(lambda x: x**2, 1.0, 3.0) == 4.0
    np.testing.assert_allclose(mml.rise_over_run(lambda x: x**3, 0.0, [1.0, 2.0]), [1.0, 4.0])


def test_default_steps():
    eps = np.finfo(float).eps
    assert mml.default_step(0.0, method="forward") == pytest.approx(math.sqrt(eps))
    assert mml.default_step(0.0, method="central") == pytest.approx(eps ** (1 / 3))
    assert mml.default_step(100.0, method="central") == pytest.approx(100 * eps ** (1 / 3))
    assert mml.default_step(5.0, method="complex") == 1e-20


def test_differentiate_samples_is_exact_for_parabolas_even_unevenly_spaced():
    t = np.array([0.0, 0.3, 0.5, 1.2, 1.3, 2.0])
    np.testing.assert_allclose(mml.differentiate_samples(t, 4 * t**2 - t + 7), 8 * t - 1,
                               rtol=1e-12, atol=1e-12)


# --- agreement with reference libraries -------------------------------------------------------

def test_matches_sympy_on_a_hard_function():
    # the function of section 1.7, f'(1.5) = 4.05342789389862
    x = sp.symbols("x")
    expr = sp.exp(x) / sp.sqrt(sp.sin(x) ** 3 + sp.cos(x) ** 3)
    exact = float(sp.diff(expr, x).subs(x, 1.5))
    f = sp.lambdify(x, expr, "numpy")
    assert exact == pytest.approx(4.05342789389862, rel=1e-14)
    assert mml.derivative(f, 1.5, method="complex") == pytest.approx(exact, rel=1e-15)
    assert mml.derivative(f, 1.5) == pytest.approx(exact, rel=1e-9)
    assert mml.derivative(f, 1.5, method="forward") == pytest.approx(exact, rel=1e-7)


def test_matches_scipy_differentiate():
    x = np.linspace(0.1, 2.0, 7)
    reference = scipy_derivative(np.log1p, x).df
    np.testing.assert_allclose(mml.derivative(np.log1p, x), reference, rtol=1e-9)


def test_differentiate_samples_matches_numpy_gradient():
    rng = np.random.default_rng(7)
    t = np.cumsum(rng.uniform(0.05, 0.3, size=40))
    y = np.sin(3 * t) + t**2
    np.testing.assert_allclose(mml.differentiate_samples(t, y),
                               np.gradient(y, t, edge_order=2), rtol=1e-11, atol=1e-11)


# --- properties ---------------------------------------------------------------------------------

finite_x = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False)


@settings(max_examples=50, deadline=None)
@given(x=finite_x)
def test_halving_h_quarters_the_central_error(x):
    exact = np.exp(x)
    e1 = abs(mml.derivative(np.exp, x, h=1e-2) - exact)
    e2 = abs(mml.derivative(np.exp, x, h=5e-3) - exact)
    assert e1 / e2 == pytest.approx(4.0, rel=0.01)


@settings(max_examples=50, deadline=None)
@given(x=finite_x)
def test_halving_h_halves_the_forward_error(x):
    exact = np.exp(x)
    e1 = abs(mml.derivative(np.exp, x, h=1e-3, method="forward") - exact)
    e2 = abs(mml.derivative(np.exp, x, h=5e-4, method="forward") - exact)
    assert e1 / e2 == pytest.approx(2.0, rel=0.01)


@settings(max_examples=50, deadline=None)
@given(x=finite_x, k=st.integers(min_value=8, max_value=200))
def test_complex_step_is_exact_to_machine_precision_for_tiny_steps(x, k):
    f = lambda u: np.exp(u) * np.sin(u) + u**3  # noqa: E731
    exact = np.exp(x) * (np.sin(x) + np.cos(x)) + 3 * x**2
    estimate = mml.derivative(f, x, h=10.0**-k, method="complex")
    assert estimate == pytest.approx(exact, rel=2e-15, abs=1e-15)


@settings(max_examples=30, deadline=None)
@given(xs=st.lists(finite_x, min_size=1, max_size=8), method=st.sampled_from(METHODS))
def test_vectorised_call_equals_pointwise_calls(xs, method):
    together = mml.derivative(np.cos, np.array(xs), method=method)
    one_by_one = [mml.derivative(np.cos, x, method=method) for x in xs]
    np.testing.assert_array_equal(together, one_by_one)


@settings(max_examples=30, deadline=None)
@given(a=finite_x, b=finite_x)
def test_rise_over_run_is_symmetric(a, b):
    if a == b:
        return
    f = lambda u: np.sin(u) + u**2  # noqa: E731
    assert mml.rise_over_run(f, a, b) == pytest.approx(mml.rise_over_run(f, b, a), rel=1e-12)


# --- bad input ----------------------------------------------------------------------------------

def test_f_must_be_callable():
    with pytest.raises(TypeError, match="`f` must be callable, got float"):
        mml.derivative(3.0, 1.0)


@pytest.mark.parametrize("h", [0, -1e-3, float("nan"), float("inf")])
def test_h_must_be_positive_and_finite(h):
    with pytest.raises(ValueError, match="`h` must be positive and finite"):
        mml.derivative(np.sin, 1.0, h=h)


def test_h_must_be_a_number():
    with pytest.raises(TypeError, match="`h` must be a real number, got str"):
        mml.derivative(np.sin, 1.0, h="small")


def test_method_must_be_known():
    with pytest.raises(ValueError, match="`method` must be one of 'forward', .* got 'centre'"):
        mml.derivative(np.sin, 1.0, method="centre")


@pytest.mark.parametrize("x", [float("nan"), [1.0, float("inf")]])
def test_x_must_be_finite(x):
    with pytest.raises(ValueError, match="`x` must be finite"):
        mml.derivative(np.sin, x)


def test_x_must_be_real():
    with pytest.raises(TypeError, match="`x` must be real numbers"):
        mml.derivative(np.sin, "one")


def test_non_finite_output_of_f_is_reported():
    with np.errstate(divide="ignore"), pytest.raises(ValueError,
                                                     match="`f` returned a non-finite value"):
        mml.derivative(np.log, 0.0, method="forward")


def test_complex_step_needs_a_function_that_keeps_the_imaginary_part():
    with pytest.raises(TypeError, match="`f` must keep the imaginary part"):
        mml.derivative(lambda u: np.abs(u) ** 2, 1.0, method="complex")


def test_rise_over_run_needs_distinct_points():
    with pytest.raises(ValueError, match="`a` and `b` must differ"):
        mml.rise_over_run(np.sin, 1.0, 1.0)


def test_differentiate_samples_rejects_bad_samples():
    with pytest.raises(ValueError, match="`t` and `y` must have the same shape"):
        mml.differentiate_samples([0, 1, 2], [0, 1])
    with pytest.raises(ValueError, match="`t` must hold at least 3 samples, got 2"):
        mml.differentiate_samples([0, 1], [0, 1])
    with pytest.raises(ValueError, match="`t` must be strictly increasing"):
        mml.differentiate_samples([0, 2, 1], [0, 1, 2])
    with pytest.raises(ValueError, match="`y` must have 1 dimension"):
        mml.differentiate_samples([0, 1, 2], [[0, 1, 2]])


# --- gradient, Jacobian, Hessian ----------------------------------------------------------------

def _rosen(p):
    return (1 - p[..., 0]) ** 2 + 100 * (p[..., 1] - p[..., 0] ** 2) ** 2


@pytest.mark.parametrize("method", ["central", "forward", "complex"])
def test_gradient_matches_sympy(method):
    x, y = sp.symbols("x y")
    expr = (1 - x) ** 2 + 100 * (y - x**2) ** 2
    point = np.array([-1.2, 1.0])
    exact = np.array([float(sp.diff(expr, v).subs({x: point[0], y: point[1]})) for v in (x, y)])
    tol = 1e-4 if method == "forward" else 1e-8
    np.testing.assert_allclose(mml.gradient(_rosen, point, method=method), exact, rtol=tol)


def test_jacobian_of_polar_map_has_determinant_r():
    polar = lambda p: np.stack([p[..., 0] * np.cos(p[..., 1]),  # noqa: E731
                                p[..., 0] * np.sin(p[..., 1])], axis=-1)
    points = np.array([[0.5, 0.3], [2.0, -1.0], [3.0, 2.5]])
    J = mml.jacobian(polar, points)
    assert J.shape == (3, 2, 2)
    np.testing.assert_allclose(np.linalg.det(J), points[:, 0], rtol=1e-9)


def test_hessian_matches_sympy_and_is_symmetric():
    x, y = sp.symbols("x y")
    expr = (1 - x) ** 2 + 100 * (y - x**2) ** 2
    point = {x: -1.2, y: 1.0}
    exact = np.array(sp.hessian(expr, (x, y)).subs(point), dtype=float)
    H = mml.hessian(_rosen, [-1.2, 1.0])
    np.testing.assert_allclose(H, exact, rtol=1e-6)
    np.testing.assert_array_equal(H, H.T)


def test_stacked_points_equal_one_at_a_time():
    points = np.random.default_rng(0).normal(size=(6, 2))
    np.testing.assert_allclose(mml.gradient(_rosen, points),
                               [mml.gradient(_rosen, p) for p in points], rtol=1e-12)
    np.testing.assert_allclose(mml.hessian(_rosen, points),
                               [mml.hessian(_rosen, p) for p in points], rtol=1e-12)


def test_gradient_bad_input():
    with pytest.raises(ValueError, match="`x` must be a point"):
        mml.gradient(_rosen, 1.0)
    with pytest.raises(ValueError, match="`f` must return a single number per point"):
        mml.gradient(lambda p: p, [1.0, 2.0])
    with pytest.raises(ValueError, match="`method` must be one of"):
        mml.gradient(_rosen, [1.0, 2.0], method="backward")
    with pytest.raises(ValueError, match="`h` must be positive"):
        mml.hessian(_rosen, [1.0, 2.0], h=-1.0)


# --- error curves and observed orders (section 1.7) -------------------------------------------

def _hard():
    """The function of section 1.7, as numpy and with its exact derivative at 1.5 from sympy."""
    x = sp.symbols("x")
    expr = sp.exp(x) / sp.sqrt(sp.sin(x) ** 3 + sp.cos(x) ** 3)
    return sp.lambdify(x, expr, "numpy"), float(sp.diff(expr, x).subs(x, 1.5))


def test_error_curve_known_values_for_exp_at_zero():
    hs = np.array([1e-1, 1e-2, 1e-3])
    forward = mml.error_curve(np.exp, 0.0, hs, exact=1.0, method="forward")
    np.testing.assert_allclose(forward.estimate, np.expm1(hs) / hs, rtol=1e-12)
    np.testing.assert_allclose(forward.error, np.expm1(hs) / hs - 1, rtol=1e-9)
    assert forward.best_step == 1e-3 and forward.best_error == forward.error[-1]
    absolute = mml.error_curve(np.exp, 1.0, hs, exact=np.e, method="central", relative=False)
    np.testing.assert_allclose(absolute.error, np.e * (np.sinh(hs) / hs - 1), rtol=1e-6)
    assert absolute.method == "central" and absolute.relative is False


def test_error_curve_of_the_section_1_3_function_has_the_textbook_shape():
    f, exact = _hard()
    hs = np.logspace(-1, -16, 61)
    eps = np.finfo(float).eps
    forward = mml.error_curve(f, 1.5, hs, exact=exact, method="forward")
    central = mml.error_curve(f, 1.5, hs, exact=exact, method="central")
    complex_step = mml.error_curve(f, 1.5, hs, exact=exact, method="complex")
    assert 0.1 * np.sqrt(eps) <= forward.best_step <= 10 * np.sqrt(eps)
    assert 0.1 * np.cbrt(eps) <= central.best_step <= 10 * np.cbrt(eps)
    assert np.all(complex_step.error[hs <= 1e-8] <= 1e-15)
    for curve, order in [(forward, 1.0), (central, 2.0)]:
        right = (hs >= 100 * curve.best_step) & (hs <= 1e-2)
        assert mml.observed_order(hs[right], curve.error[right]) == pytest.approx(order, abs=0.05)


def test_error_curve_estimates_match_scipy_differentiate_at_the_best_step():
    f, exact = _hard()
    curve = mml.error_curve(f, 1.5, np.logspace(-2, -8, 13), exact=exact, method="central")
    reference = scipy_derivative(f, 1.5).df
    assert reference == pytest.approx(exact, rel=1e-9)
    assert curve.estimate[np.argmin(curve.error)] == pytest.approx(reference, rel=1e-9)


def test_observed_order_matches_numpy_polyfit_on_noisy_data():
    rng = np.random.default_rng(3)
    h = np.logspace(-1, -4, 12)
    error = 0.7 * h**2 * np.exp(rng.normal(scale=0.1, size=h.size))
    slope = np.polyfit(np.log10(h), np.log10(error), 1)[0]  # base of the logarithm is irrelevant
    assert mml.observed_order(h, error) == pytest.approx(slope, rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(p=st.floats(min_value=-3.0, max_value=4.0), c=st.floats(min_value=1e-3, max_value=1e3))
def test_observed_order_recovers_the_power_of_a_power_law(p, c):
    h = np.logspace(-1, -3, 7)
    assert mml.observed_order(h, c * h**p) == pytest.approx(p, abs=1e-9)


@settings(max_examples=20, deadline=None)
@given(x=finite_x, method=st.sampled_from(METHODS))
def test_error_curve_agrees_with_derivative_step_by_step(x, method):
    hs = np.array([1e-2, 1e-4, 1e-6])
    curve = mml.error_curve(np.sin, x, hs, exact=np.cos(x), method=method, relative=False)
    for step, estimate, error in zip(hs, curve.estimate, curve.error, strict=True):
        assert estimate == mml.derivative(np.sin, x, h=step, method=method)
        assert error == abs(estimate - np.cos(x))


def test_error_curve_bad_input():
    with pytest.raises(TypeError, match="`f` must be callable"):
        mml.error_curve("sin", 1.0, [1e-3], exact=1.0)
    with pytest.raises(ValueError, match="`x` must be a single number, got shape \\(2,\\)"):
        mml.error_curve(np.sin, [1.0, 2.0], [1e-3], exact=1.0)
    with pytest.raises(ValueError, match="`h` must hold positive steps, got \\[0.1, 0.0\\]"):
        mml.error_curve(np.sin, 1.0, [0.1, 0.0], exact=1.0)
    with pytest.raises(ValueError, match="`h` must have 1 dimension"):
        mml.error_curve(np.sin, 1.0, 1e-3, exact=1.0)
    with pytest.raises(ValueError, match="`exact` must be non-zero"):
        mml.error_curve(np.cos, 0.0, [1e-3], exact=0.0)
    with pytest.raises(ValueError, match="`exact` must be finite"):
        mml.error_curve(np.sin, 1.0, [1e-3], exact=float("nan"))
    with pytest.raises(ValueError, match="`method` must be one of"):
        mml.error_curve(np.sin, 1.0, [1e-3], exact=1.0, method="centre")


def test_observed_order_bad_input():
    with pytest.raises(ValueError, match="`h` and `error` must have the same shape"):
        mml.observed_order([0.1, 0.01], [1.0])
    with pytest.raises(ValueError, match="`error` must be positive"):
        mml.observed_order([0.1, 0.01], [1e-2, 0.0])
    with pytest.raises(ValueError, match="`h` must hold positive steps"):
        mml.observed_order([0.1, -0.01], [1e-2, 1e-3])
    with pytest.raises(ValueError, match="at least two distinct steps, got \\[0.1, 0.1\\]"):
        mml.observed_order([0.1, 0.1], [1e-2, 1e-3])
    with pytest.raises(TypeError, match="`h` must be real numbers"):
        mml.observed_order(["a", "b"], [1e-2, 1e-3])



# --- chapter 2: shapes, error orders and the sandpit's h = 0.01 -----------------------------------

def _bump(p):
    return np.exp(-p[..., 0] ** 2 - 2 * p[..., 1] ** 2) + np.sin(p[..., 0] * p[..., 1])


def _bump_exact(p):
    x, y = p
    e = np.exp(-x**2 - 2 * y**2)
    grad = np.array([-2 * x * e + y * np.cos(x * y), -4 * y * e + x * np.cos(x * y)])
    hxx = (4 * x**2 - 2) * e - y**2 * np.sin(x * y)
    hyy = (16 * y**2 - 4) * e - x**2 * np.sin(x * y)
    hxy = 8 * x * y * e + np.cos(x * y) - x * y * np.sin(x * y)
    return grad, np.array([[hxx, hxy], [hxy, hyy]])


def test_shapes_of_gradient_jacobian_and_hessian_for_stacks():
    points = np.zeros((4, 5, 3))
    f = lambda p: np.sum(p**2, axis=-1)  # noqa: E731
    F = lambda p: np.stack([p[..., 0] * p[..., 1], p[..., 2], p[..., 0]], axis=-1)  # noqa: E731
    assert mml.gradient(f, points).shape == (4, 5, 3)
    assert mml.jacobian(f, points).shape == (4, 5, 1, 3)
    assert mml.jacobian(F, points).shape == (4, 5, 3, 3)
    assert mml.hessian(f, points).shape == (4, 5, 3, 3)
    assert mml.gradient(f, np.ones(3)).shape == (3,)
    assert mml.jacobian(F, np.ones(3)).shape == (3, 3)


def test_jacobian_rows_are_outputs():
    # F(x, y) = (x, 2y, 3x + y): row i is the gradient of F_i
    F = lambda p: np.stack([p[..., 0], 2 * p[..., 1], 3 * p[..., 0] + p[..., 1]], axis=-1)  # noqa: E731
    np.testing.assert_allclose(mml.jacobian(F, [0.3, -0.2]), [[1, 0], [0, 2], [3, 1]],
                               atol=1e-9)


@settings(max_examples=30, deadline=None)
@given(x=st.floats(-1.5, 1.5), y=st.floats(-1.5, 1.5))
def test_halving_h_quarters_the_gradient_and_hessian_errors(x, y):
    point = np.array([x, y])
    grad, hess = _bump_exact(point)
    g_errors = [np.max(np.abs(mml.gradient(_bump, point, h=h) - grad)) for h in (1e-2, 5e-3)]
    H_errors = [np.max(np.abs(mml.hessian(_bump, point, h=h) - hess)) for h in (1e-2, 5e-3)]
    if g_errors[1] > 1e-10:  # leave out points where the error constant happens to vanish
        assert g_errors[0] / g_errors[1] == pytest.approx(4.0, rel=0.05)
    if H_errors[1] > 1e-8:
        assert H_errors[0] / H_errors[1] == pytest.approx(4.0, rel=0.05)
    assert g_errors[0] < 1e-3 and H_errors[0] < 1e-2  # h = 0.01 is good to O(h^2)


@settings(max_examples=30, deadline=None)
@given(x=st.floats(-1.5, 1.5), y=st.floats(-1.5, 1.5))
def test_complex_step_gradient_is_exact_and_forward_is_first_order(x, y):
    point = np.array([x, y])
    grad, _ = _bump_exact(point)
    np.testing.assert_allclose(mml.gradient(_bump, point, method="complex"), grad,
                               rtol=1e-13, atol=1e-14)
    errors = [np.max(np.abs(mml.gradient(_bump, point, h=h, method="forward") - grad))
              for h in (1e-4, 5e-5)]
    if errors[1] > 1e-9:
        assert errors[0] / errors[1] == pytest.approx(2.0, rel=0.05)


def test_jacobian_bad_input():
    with pytest.raises(TypeError, match="`f` must be callable"):
        mml.jacobian("F", [1.0, 2.0])
    with pytest.raises(ValueError, match="`x` must be finite"):
        mml.jacobian(np.sin, [1.0, np.nan])
    with pytest.raises(TypeError, match="`f` must keep the imaginary part"):
        mml.jacobian(lambda p: np.abs(p), [1.0, 2.0], method="complex")
    with np.errstate(divide="ignore"), pytest.raises(ValueError,
                                                     match="`f` returned a non-finite value"):
        mml.hessian(lambda p: 1 / p[..., 0], [0.0, 1.0], h=0.5)


# --- one step per coordinate (issue 19) ---------------------------------------------------------

MISRA_X = [77.6, 114.9, 141.1, 190.8, 239.9, 289.0, 332.8, 378.4, 434.8, 477.3, 536.8, 593.1,
           689.1, 760.0]
MISRA_Y = [10.07, 14.73, 17.94, 23.93, 29.61, 35.18, 40.02, 44.82, 50.76, 55.05, 61.01, 66.40,
           75.47, 81.78]


def _exact_derivatives(expr, symbols, point):
    at = dict(zip(symbols, point, strict=True))
    g = np.array([float(sp.diff(expr, s).subs(at)) for s in symbols])
    H = np.array([[float(sp.diff(expr, s, t).subs(at)) for t in symbols] for s in symbols])
    return g, H


def test_steps_are_scaled_to_each_coordinate():
    steps = mml.coordinate_steps([239.0, 5.5e-4, -3.0])
    np.testing.assert_allclose(steps, np.cbrt(np.finfo(float).eps) * np.array([239.0, 1.0, 3.0]))
    np.testing.assert_allclose(mml.coordinate_steps([[1e4, 0.0]], method="hessian"),
                               [np.finfo(float).eps ** 0.25 * np.array([1e4, 1.0])])
    np.testing.assert_array_equal(mml.coordinate_steps([1.0, 2.0], [1e-3, 1e-5]), [1e-3, 1e-5])


def test_gradient_and_hessian_at_a_badly_scaled_point():
    # Failure 1 of issue 19: at (239, 5.5e-4), the NIST Misra1a model's parameters, one step
    # scaled to the largest coordinate (1.4e-3) stepped the second past zero: the gradient of
    # the mean prediction was 9% wrong, and the Hessian's zero entry came out near 1e5.
    b1, b2 = sp.symbols("b1 b2")
    x = np.array(MISRA_X)
    mean_model = sum(b1 * (1 - sp.exp(-b2 * sp.Float(xi, 30))) for xi in MISRA_X) / len(x)

    def f(p):
        p = np.asarray(p)
        return np.mean(p[..., :1] * (1 - np.exp(-p[..., 1:] * x)), axis=-1)

    p = np.array([239.0, 5.5e-4])
    g_exact, H_exact = _exact_derivatives(mean_model, (b1, b2), p)
    old_step = np.cbrt(np.finfo(float).eps) * 239.0
    old = (f(p + [0, old_step]) - f(p - [0, old_step])) / (2 * old_step)
    assert abs(old / g_exact[1] - 1) > 0.05                 # the failure, for the record
    np.testing.assert_allclose(mml.gradient(f, p), g_exact, rtol=1e-5)
    # the Hessian's default step for b2 is eps^(1/4) = 1.2e-4 (the floor of 1), and the model
    # varies on the scale 1/760 in b2: truncation error about (1.2e-4 * 760)^2 / 12 = 7e-4
    np.testing.assert_allclose(mml.hessian(f, p), H_exact, rtol=2e-3,
                               atol=1e-6 * np.abs(H_exact).max())
    np.testing.assert_allclose(mml.gradient(f, p, method="complex"), g_exact, rtol=1e-12)


def test_steps_per_coordinate_rescue_a_function_that_varies_on_a_small_scale():
    # Chi-squared of Misra1a near its minimum varies in b2 on a scale of ~1e-5, far below the
    # default step's floor of 1 x 6e-6: steps in proportion to each coordinate, given as `h`,
    # give 5 or more digits where the default gives none.
    b1, b2 = sp.symbols("b1 b2")
    x, y = np.array(MISRA_X), np.array(MISRA_Y)
    chi2 = sum((sp.Float(yi, 30) - b1 * (1 - sp.exp(-b2 * sp.Float(xi, 30)))) ** 2
               for xi, yi in zip(MISRA_X, MISRA_Y, strict=True))

    def f(p):
        p = np.asarray(p)
        return np.sum((y - p[..., :1] * (1 - np.exp(-p[..., 1:] * x))) ** 2, axis=-1)

    p = np.array([239.0, 5.5e-4])
    g_exact, H_exact = _exact_derivatives(chi2, (b1, b2), p)
    np.testing.assert_allclose(mml.gradient(f, p, h=np.cbrt(np.finfo(float).eps) * p), g_exact,
                               rtol=1e-5)
    np.testing.assert_allclose(mml.hessian(f, p, h=np.finfo(float).eps ** 0.25 * p), H_exact,
                               rtol=1e-7)


@settings(max_examples=40, deadline=None)
@given(scales=st.lists(st.floats(-6.0, 6.0), min_size=2, max_size=4))
def test_each_partial_derivative_is_right_whatever_the_other_coordinates_sizes(scales):
    # f(x) = sum_i sin(x_i / s_i): each partial is cos(x_i / s_i) / s_i, on its own scale s_i
    s = 10.0 ** np.array(scales)
    x = 0.3 * s

    def f(p):
        return np.sum(np.sin(p / s), axis=-1)

    exact = np.cos(0.3) / s
    h = np.cbrt(np.finfo(float).eps) * s
    np.testing.assert_allclose(mml.gradient(f, x, h=h), exact, rtol=1e-8)
    np.testing.assert_allclose(mml.jacobian(f, x, h=np.sqrt(np.finfo(float).eps) * s,
                                            method="forward")[0], exact, rtol=1e-6)
    # and the defaults, where every |x_i| >= 1 (so that the step is relative): the same
    if np.all(np.abs(x) >= 1):
        np.testing.assert_allclose(mml.gradient(f, x), exact, rtol=1e-8)


def test_a_bad_per_coordinate_step_is_refused():
    with pytest.raises(ValueError, match=r"`h` must be a number or one step per coordinate, "
                                         r"shape \(2,\), got shape \(3,\)"):
        mml.gradient(np.sum, [1.0, 2.0], h=[1e-3, 1e-3, 1e-3])
    with pytest.raises(ValueError, match="`h` must be positive"):
        mml.hessian(np.sum, [1.0, 2.0], h=[1e-3, 0.0])
    with pytest.raises(TypeError, match="takes 1 positional argument"):
        mml.default_step(1.0, "central")  # the method is keyword-only
