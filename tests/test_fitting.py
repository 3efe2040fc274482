"""Tests of mmlcalc.fitting: known values, reference libraries, properties, bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import curve_fit, least_squares
from scipy.stats import linregress

import mmlcalc as mml

# MML's example (Deisenroth et al. 2020, chapter 9)
MML_X = np.array([-3.0, -1.0, 0.0, 1.0, 3.0])
MML_Y = np.array([-1.2, -0.7, 0.14, 0.67, 1.67])


def line(x, m, c):
    return m * x + c


def line_jac(x, m, c):
    return np.column_stack([x, np.ones_like(x)])


def peak(x, A, mu, w, b):
    return A * np.exp(-0.5 * ((x - mu) / w) ** 2) + b


def peak_jac(x, A, mu, w, b):
    g = np.exp(-0.5 * ((x - mu) / w) ** 2)
    return np.column_stack([g, A * g * (x - mu) / w**2, A * g * (x - mu) ** 2 / w**3,
                            np.ones_like(x)])


def saturation(s, vmax, km):
    return vmax * s / (km + s)


@pytest.fixture(scope="module")
def peak_data():
    rng = np.random.default_rng(2024)
    x = np.linspace(0.0, 10.0, 41)
    sigma = np.full_like(x, 0.3)
    y = peak(x, 5.0, 4.2, 0.8, 1.0) + rng.normal(0.0, sigma)
    return x, y, sigma


@pytest.fixture(scope="module")
def saturation_data():
    rng = np.random.default_rng(6)
    s = np.array([0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0])
    sigma = np.full_like(s, 0.05)
    return s, saturation(s, 2.0, 0.6) + rng.normal(0.0, sigma), sigma


# --- known values -------------------------------------------------------------------------------

def test_mml_line_with_and_without_intercept():
    fit = mml.linear_fit(MML_X, MML_Y)
    assert fit.slope == pytest.approx(0.499, abs=1e-12)
    assert fit.intercept == pytest.approx(0.116, abs=1e-12)
    through_origin = mml.linear_least_squares(MML_X[:, np.newaxis], MML_Y)
    assert through_origin == pytest.approx([0.499], abs=1e-12)  # x is centred: same slope


def test_chi_squared_and_residuals_known_values():
    x, y = [0.0, 1.0, 2.0], [1.0, 3.5, 4.5]
    np.testing.assert_array_equal(mml.residuals(line, x, y, [2.0, 1.0], sigma=0.5), [0, 1, -1])
    assert mml.chi_squared(line, x, y, [2.0, 1.0], sigma=0.5) == 2.0
    assert mml.chi_squared(line, x, y, [2.0, 1.0]) == 0.5  # sigma = 1 by default
    assert mml.chi_squared(line, x, y, [2.0, 1.0], sigma=[0.5, 1.0, 0.25]) == 4.25


def test_linear_fit_weighted_closed_form():
    # the Numerical Recipes formulas (section 15.2) with weighted sums
    x = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    y = np.array([1.1, 2.9, 5.2, 7.1, 8.8])
    sigma = np.array([0.1, 0.2, 0.1, 0.3, 0.2])
    w = 1 / sigma**2
    S, Sx, Sy, Sxx, Sxy = w.sum(), w @ x, w @ y, w @ x**2, w @ (x * y)
    delta = S * Sxx - Sx**2
    fit = mml.linear_fit(x, y, sigma=sigma)
    assert fit.slope == pytest.approx((S * Sxy - Sx * Sy) / delta, rel=1e-12)
    assert fit.intercept == pytest.approx((Sxx * Sy - Sx * Sxy) / delta, rel=1e-12)
    np.testing.assert_allclose(fit.covariance, np.array([[S, -Sx], [-Sx, Sxx]]) / delta,
                               rtol=1e-12)
    assert fit.slope_err == pytest.approx(np.sqrt(S / delta), rel=1e-12)
    assert fit.dof == 3
    np.testing.assert_array_equal(fit.params, [fit.slope, fit.intercept])


def test_two_points_give_an_exact_line_with_unknown_uncertainty():
    fit = mml.linear_fit([0.0, 2.0], [1.0, 5.0])
    assert (fit.slope, fit.intercept, fit.chi2) == pytest.approx((2.0, 1.0, 0.0), abs=1e-14)
    assert np.all(np.isinf(fit.covariance))


def test_ridge_solves_the_regularised_normal_equations():
    rng = np.random.default_rng(1)
    Phi, y = rng.normal(size=(20, 4)), rng.normal(size=20)
    theta = mml.linear_least_squares(Phi, y, ridge=0.7)
    np.testing.assert_allclose((Phi.T @ Phi + 0.7 * np.eye(4)) @ theta, Phi.T @ y,
                               rtol=1e-10, atol=1e-12)


def test_ridge_leaves_unpenalised_columns_alone():
    rng = np.random.default_rng(2)
    x = rng.uniform(-1.0, 1.0, 30)
    Phi = np.vander(x, 4, increasing=True)              # column 0 is the intercept
    y = 5.0 + x - x**3 + rng.normal(0.0, 0.1, x.size)
    theta = mml.linear_least_squares(Phi, y, ridge=0.7, unpenalised=[0])
    P = np.diag([0.0, 1.0, 1.0, 1.0])
    np.testing.assert_allclose((Phi.T @ Phi + 0.7 * P) @ theta, Phi.T @ y, rtol=1e-10,
                               atol=1e-12)
    # the intercept is not shrunk: shifting y shifts only the intercept, by the same amount
    shifted = mml.linear_least_squares(Phi, y + 100.0, ridge=0.7, unpenalised=[0])
    np.testing.assert_allclose(shifted - theta, [100.0, 0, 0, 0], atol=1e-9)
    # while a penalised intercept does not follow the shift
    both = mml.linear_least_squares(Phi, y + 100.0, ridge=0.7) - \
        mml.linear_least_squares(Phi, y, ridge=0.7)
    assert abs(both[0] - 100.0) > 1.0
    # a negative index names a column from the end, as in numpy
    np.testing.assert_allclose(mml.linear_least_squares(Phi, y, ridge=0.7, unpenalised=[-4]),
                               theta, rtol=1e-12)
    # with every column free the penalty does nothing
    np.testing.assert_allclose(
        mml.linear_least_squares(Phi, y, ridge=0.7, unpenalised=range(4)),
        mml.linear_least_squares(Phi, y), rtol=1e-10)


@pytest.mark.parametrize("unpenalised, error, match", [
    (0, TypeError, "`unpenalised` must be a sequence"),
    ("0", TypeError, "`unpenalised` must be a sequence"),
    ([1.5], TypeError, "`unpenalised` must be an integer"),
    ([4], ValueError, "`unpenalised` must be at most 3"),
    ([-5], ValueError, "`unpenalised` must be at least -4"),
])
def test_bad_unpenalised(unpenalised, error, match):
    with pytest.raises(error, match=match):
        mml.linear_least_squares(np.ones((5, 4)), MML_Y, ridge=1.0, unpenalised=unpenalised)


@pytest.mark.parametrize("method", list(mml.FIT_METHODS))
def test_every_method_recovers_exact_parameters_of_exact_data(method):
    t = np.linspace(0.0, 4.0, 9)
    decay = lambda t, A, k: A * np.exp(-k * t)  # noqa: E731
    fit = mml.fit_least_squares(decay, t, decay(t, 3.0, 0.7), [2.5, 0.5], method=method,
                                xtol=1e-7)
    np.testing.assert_allclose(fit.params, [3.0, 0.7], rtol=1e-6)
    assert fit.converged, fit.message
    assert fit.path.shape == (fit.n_iter + 1, 2) and fit.chi2_path.shape == (fit.n_iter + 1,)
    np.testing.assert_array_equal(fit.path[0], [2.5, 0.5])
    np.testing.assert_array_equal(fit.path[-1], fit.params)


def test_gauss_newton_and_lm_converge_in_far_fewer_steps_than_steepest(peak_data):
    x, y, sigma = peak_data
    steps = {method: mml.fit_least_squares(peak, x, y, [3.0, 5.0, 1.5, 0.0], sigma=sigma,
                                           method=method, xtol=1e-6).n_iter
             for method in mml.FIT_METHODS}
    assert steps["gauss-newton"] <= 10 and steps["lm"] <= 15
    assert steps["steepest"] > 10 * steps["lm"]


def test_lm_chi_squared_never_rises_along_its_path(saturation_data):
    s, v, sigma = saturation_data
    fit = mml.fit_least_squares(saturation, s, v, [1.0, 2.0], sigma=sigma)
    assert fit.converged
    assert np.all(np.diff(fit.chi2_path) < 0)


def test_non_convergence_is_reported_not_raised(saturation_data):
    s, v, sigma = saturation_data
    # pure Gauss-Newton from a poor start sends the parameters off to infinity
    gn = mml.fit_least_squares(saturation, s, v, [1.0, 2.0], sigma=sigma, method="gauss-newton")
    assert not gn.converged and gn.message.startswith("diverged")
    assert np.all(np.isinf(gn.covariance))
    # too large a fixed learning rate makes steepest descent blow up
    big = mml.fit_least_squares(line, MML_X, MML_Y, [0.0, 0.0], method="steepest", lr=1.0)
    assert not big.converged and big.message.startswith("diverged")
    # and too few iterations is said so
    few = mml.fit_least_squares(saturation, s, v, [1.0, 2.0], sigma=sigma, max_iter=2)
    assert not few.converged and few.n_iter == 2 and "max_iter = 2" in few.message


def test_result_is_frozen():
    fit = mml.fit_least_squares(line, MML_X, MML_Y, [0.0, 0.0])
    with pytest.raises(AttributeError):
        fit.chi2 = 0.0
    with pytest.raises(ValueError, match="read-only"):
        fit.params[0] = 1.0


def test_analytic_and_finite_difference_jacobians_agree(peak_data):
    x, y, sigma = peak_data
    fd = mml.fit_least_squares(peak, x, y, [3.0, 5.0, 1.5, 0.0], sigma=sigma, xtol=1e-10,
                               ftol=1e-14)
    exact = mml.fit_least_squares(peak, x, y, [3.0, 5.0, 1.5, 0.0], sigma=sigma,
                                  jac=peak_jac, xtol=1e-10, ftol=1e-14)
    np.testing.assert_allclose(fd.params, exact.params, rtol=1e-8)
    np.testing.assert_allclose(fd.covariance, exact.covariance, rtol=1e-6,
                               atol=1e-9 * np.abs(exact.covariance).max())
    assert exact.nfev < fd.nfev


# --- agreement with reference libraries ---------------------------------------------------------

def test_linear_fit_matches_polyfit_lstsq_and_linregress():
    rng = np.random.default_rng(11)
    x = np.linspace(0.0, 10.0, 25)
    sigma = rng.uniform(0.2, 1.0, x.size)
    y = 1.3 * x - 4.0 + rng.normal(0.0, sigma)
    fit = mml.linear_fit(x, y, sigma=sigma)
    coef, cov = np.polyfit(x, y, 1, w=1 / sigma, cov="unscaled")
    np.testing.assert_allclose(fit.params, coef, rtol=1e-10)
    np.testing.assert_allclose(fit.covariance, cov, rtol=1e-8)
    A = np.column_stack([x, np.ones_like(x)]) / sigma[:, np.newaxis]
    np.testing.assert_allclose(fit.params, np.linalg.lstsq(A, y / sigma, rcond=None)[0],
                               rtol=1e-12)
    plain, ref = mml.linear_fit(x, y), linregress(x, y)
    assert plain.slope == pytest.approx(ref.slope, rel=1e-12)
    assert plain.intercept == pytest.approx(ref.intercept, rel=1e-12)
    assert plain.slope_err == pytest.approx(ref.stderr, rel=1e-10)
    assert plain.intercept_err == pytest.approx(ref.intercept_stderr, rel=1e-10)


def test_linear_fit_covariance_is_curve_fit_absolute_sigma():
    rng = np.random.default_rng(12)
    x = np.linspace(-2.0, 5.0, 15)
    sigma = rng.uniform(0.1, 0.5, x.size)
    y = -0.8 * x + 2.0 + rng.normal(0.0, sigma)
    popt, pcov = curve_fit(line, x, y, [0.0, 0.0], sigma=sigma, absolute_sigma=True,
                           jac=line_jac)
    fit = mml.linear_fit(x, y, sigma=sigma)
    np.testing.assert_allclose(fit.params, popt, rtol=1e-8)
    np.testing.assert_allclose(fit.covariance, pcov, rtol=1e-8)


def test_linear_least_squares_matches_lstsq_and_polyfit():
    rng = np.random.default_rng(13)
    x = rng.uniform(-1.0, 1.0, 30)
    y = np.cos(2 * x) + 0.1 * rng.normal(size=x.size)
    Phi = np.vander(x, 5, increasing=True)
    theta = mml.linear_least_squares(Phi, y)
    np.testing.assert_allclose(theta, np.linalg.lstsq(Phi, y, rcond=None)[0], rtol=1e-10)
    np.testing.assert_allclose(theta, np.polyfit(x, y, 4)[::-1], rtol=1e-8)


@pytest.mark.parametrize("method", ["lm", "gauss-newton"])
def test_fit_matches_curve_fit_and_least_squares(peak_data, method):
    x, y, sigma = peak_data
    p0 = [3.0, 5.0, 1.5, 0.0]
    fit = mml.fit_least_squares(peak, x, y, p0, sigma=sigma, method=method, xtol=1e-12, ftol=1e-14)
    popt, pcov = curve_fit(peak, x, y, p0, sigma=sigma, absolute_sigma=True, jac=peak_jac,
                           xtol=1e-14, ftol=1e-14, gtol=1e-14)
    np.testing.assert_allclose(fit.params, popt, rtol=1e-8)
    # entries near zero are compared on the scale of the largest one
    np.testing.assert_allclose(fit.covariance, pcov, rtol=1e-6, atol=1e-9 * np.abs(pcov).max())
    ls = least_squares(lambda p: (y - peak(x, *p)) / sigma, p0, xtol=1e-14, ftol=1e-14,
                       gtol=1e-14)
    np.testing.assert_allclose(fit.params, ls.x, rtol=1e-8)
    assert fit.chi2 == pytest.approx(2 * ls.cost, rel=1e-10)


def test_steepest_descent_matches_curve_fit_to_1e_6(saturation_data):
    s, v, sigma = saturation_data
    fit = mml.fit_least_squares(saturation, s, v, [1.0, 2.0], sigma=sigma, method="steepest",
                                ftol=1e-13)
    popt, _ = curve_fit(saturation, s, v, [1.0, 2.0], sigma=sigma, xtol=1e-14, ftol=1e-14)
    np.testing.assert_allclose(fit.params, popt, rtol=1e-6)


def test_without_sigma_the_covariance_is_scaled_like_curve_fit(saturation_data):
    s, v, _ = saturation_data
    fit = mml.fit_least_squares(saturation, s, v, [1.0, 2.0], xtol=1e-12, ftol=1e-14)
    popt, pcov = curve_fit(saturation, s, v, [1.0, 2.0], xtol=1e-14, ftol=1e-14)
    np.testing.assert_allclose(fit.params, popt, rtol=1e-8)
    np.testing.assert_allclose(fit.covariance, pcov, rtol=1e-5)
    assert fit.reduced_chi2 == pytest.approx(fit.chi2 / (s.size - 2))


# --- properties -----------------------------------------------------------------------------

coefficient = st.floats(min_value=-5.0, max_value=5.0, allow_nan=False)


@settings(max_examples=30, deadline=None)
@given(m=coefficient, c=coefficient, n=st.integers(min_value=3, max_value=12))
def test_exact_line_gives_exact_parameters_and_zero_chi_squared(m, c, n):
    x = np.linspace(-2.0, 3.0, n)
    fit = mml.linear_fit(x, m * x + c, sigma=0.1)
    assert fit.slope == pytest.approx(m, abs=1e-10)
    assert fit.intercept == pytest.approx(c, abs=1e-10)
    assert fit.chi2 == pytest.approx(0.0, abs=1e-16)


@settings(max_examples=20, deadline=None)
@given(A=st.floats(0.5, 5.0), k=st.floats(0.2, 1.5))
def test_exact_nonlinear_data_gives_exact_parameters(A, k):
    t = np.linspace(0.0, 4.0, 12)
    decay = lambda t, A, k: A * np.exp(-k * t)  # noqa: E731
    fit = mml.fit_least_squares(decay, t, decay(t, A, k), [1.0, 1.0], xtol=1e-12, ftol=1e-14)
    assert fit.converged
    np.testing.assert_allclose(fit.params, [A, k], rtol=1e-8)
    assert fit.chi2 < 1e-20


@settings(max_examples=30, deadline=None)
@given(scale=st.floats(min_value=0.01, max_value=100.0), seed=st.integers(0, 2**16))
def test_scaling_sigma_by_k_scales_chi_squared_by_one_over_k_squared(scale, seed):
    rng = np.random.default_rng(seed)
    x = np.linspace(0.0, 1.0, 8)
    y = rng.normal(size=x.size)
    sigma = rng.uniform(0.1, 2.0, x.size)
    params = rng.normal(size=2)
    base = mml.chi_squared(line, x, y, params, sigma=sigma)
    scaled = mml.chi_squared(line, x, y, params, sigma=scale * sigma)
    assert scaled == pytest.approx(base / scale**2, rel=1e-12)
    # and it leaves the best fit unchanged while scaling the covariance by k^2
    a, b = mml.linear_fit(x, y, sigma=sigma), mml.linear_fit(x, y, sigma=scale * sigma)
    np.testing.assert_allclose(b.params, a.params, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(b.covariance, scale**2 * a.covariance, rtol=1e-9)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**16), n=st.integers(min_value=4, max_value=20))
def test_covariance_is_symmetric_positive_definite(seed, n):
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0.0, 5.0, n))
    sigma = rng.uniform(0.1, 1.0, n)
    y = saturation(x + 0.1, 2.0, 0.7) + rng.normal(0.0, sigma)
    for cov in (mml.linear_fit(x, y, sigma=sigma).covariance,
                mml.fit_least_squares(line, x, y, [0.0, 0.0], sigma=sigma).covariance):
        np.testing.assert_allclose(cov, cov.T, rtol=1e-12, atol=0)
        assert np.all(np.linalg.eigvalsh(cov) > 0)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**16))
def test_least_squares_gradient_vanishes_at_the_solution(seed):
    rng = np.random.default_rng(seed)
    Phi, y = rng.normal(size=(15, 3)), rng.normal(size=15)
    theta = mml.linear_least_squares(Phi, y)
    loss = lambda t: np.sum((y - Phi @ t) ** 2)  # noqa: E731
    np.testing.assert_allclose(mml.gradient(loss, theta), 0.0, atol=1e-7)
    np.testing.assert_allclose(-2 * (y - Phi @ theta) @ Phi, 0.0, atol=1e-12)


# --- bad input ----------------------------------------------------------------------------------

def test_model_and_jac_must_be_callable():
    with pytest.raises(TypeError, match="`model` must be callable"):
        mml.chi_squared(3.0, MML_X, MML_Y, [1.0, 0.0])
    with pytest.raises(TypeError, match="`jac` must be callable"):
        mml.fit_least_squares(line, MML_X, MML_Y, [1.0, 0.0], jac="exact")


@pytest.mark.parametrize("sigma, error, match", [
    (0.0, ValueError, "`sigma` must be positive"),
    ([1.0, -1.0, 1.0, 1.0, 1.0], ValueError, "`sigma` must be positive"),
    ([1.0, 1.0], ValueError, r"`sigma` must be a number or have shape \(5,\)"),
    (float("nan"), ValueError, "`sigma` must be finite"),
    ("big", TypeError, "`sigma` must be real numbers"),
])
def test_bad_sigma(sigma, error, match):
    with pytest.raises(error, match=match):
        mml.linear_fit(MML_X, MML_Y, sigma=sigma)
    with pytest.raises(error, match=match):
        mml.fit_least_squares(line, MML_X, MML_Y, [1.0, 0.0], sigma=sigma)


def test_bad_data():
    with pytest.raises(ValueError, match="`x` and `y` must have the same shape"):
        mml.linear_fit([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="`x` must hold at least two distinct values"):
        mml.linear_fit([1.0, 1.0, 1.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="`y` must be finite"):
        mml.linear_fit([1.0, 2.0, 3.0], [1.0, np.nan, 3.0])
    with pytest.raises(ValueError, match="`y` must hold at least as many points"):
        mml.fit_least_squares(peak, [1.0, 2.0], [1.0, 2.0], [1.0, 1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="`p0` must be a flat array"):
        mml.fit_least_squares(line, MML_X, MML_Y, [[1.0, 0.0]])
    with pytest.raises(ValueError, match="`Phi` must have one row per data point"):
        mml.linear_least_squares(np.ones((4, 2)), MML_Y)


def test_bad_model_output():
    with pytest.raises(ValueError, match=r"`model` must return one value per data point, "
                                         r"shape \(5,\), got shape \(\)"):
        mml.chi_squared(lambda x, a: a, MML_X, MML_Y, [1.0])
    with np.errstate(divide="ignore"), pytest.raises(ValueError,
                                                     match="`model` returned a non-finite"):
        mml.fit_least_squares(lambda x, a: a / x, MML_X, MML_Y, [1.0])
    with pytest.raises(ValueError, match=r"`jac` must return the model's Jacobian, "
                                         r"shape \(5, 2\)"):
        mml.fit_least_squares(line, MML_X, MML_Y, [1.0, 0.0], jac=lambda x, m, c: x)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"method": "newton"}, ValueError, "`method` must be one of 'steepest', 'gauss-newton'"),
    ({"xtol": 0.0}, ValueError, "`xtol` must be positive"),
    ({"ftol": -1.0}, ValueError, "`ftol` must be positive"),
    ({"gtol": "small"}, TypeError, "`gtol` must be a real number"),
    ({"max_iter": 0}, ValueError, "`max_iter` must be at least 1"),
    ({"max_iter": 2.5}, TypeError, "`max_iter` must be an integer"),
    ({"lr": -1.0, "method": "steepest"}, ValueError, "`lr` must be positive"),
    ({"lr": 0.1}, ValueError, "`lr` is for method='steepest' only"),
])
def test_bad_options(kwargs, error, match):
    with pytest.raises(error, match=match):
        mml.fit_least_squares(line, MML_X, MML_Y, [1.0, 0.0], **kwargs)


@pytest.mark.parametrize("ridge, error, match", [
    (-1.0, ValueError, "`ridge` must be non-negative"),
    (float("inf"), ValueError, "`ridge` must be non-negative and finite"),
    ("lots", TypeError, "`ridge` must be a real number"),
])
def test_bad_ridge(ridge, error, match):
    with pytest.raises(error, match=match):
        mml.linear_least_squares(np.ones((5, 1)), MML_Y, ridge=ridge)


# --- badly scaled problems: a fit that says converged must be at the minimum ------------------
#
# Parameters of very different sizes, as real fits have them. References: the certified values
# of NIST's Misra1a, and scipy's least_squares at tight tolerances (x_scale="jac"). A converged
# fit must sit where the scaled gradient is small and chi-squared is within 1e-8 of the minimum.

MISRA_X = np.array([77.6, 114.9, 141.1, 190.8, 239.9, 289.0, 332.8, 378.4, 434.8, 477.3, 536.8,
                    593.1, 689.1, 760.0])
MISRA_Y = np.array([10.07, 14.73, 17.94, 23.93, 29.61, 35.18, 40.02, 44.82, 50.76, 55.05, 61.01,
                    66.40, 75.47, 81.78])
MISRA_CERTIFIED = np.array([2.3894212918e02, 5.5015643181e-04])  # NIST StRD, Misra1a
MISRA_RSS = 1.2455138894e-01


def misra(x, b1, b2):
    return b1 * (1 - np.exp(-b2 * x))


def misra_jac(x, b1, b2):
    return np.column_stack([1 - np.exp(-b2 * x), b1 * x * np.exp(-b2 * x)])


def decay(t, A, k, c):
    return A * np.exp(-k * t) + c


def decay_jac(t, A, k, c):
    e = np.exp(-k * t)
    return np.column_stack([e, -A * t * e, np.ones_like(t)])


def steep_line(x, a, b):
    return a * x + b


def steep_line_jac(x, a, b):
    return np.column_stack([x, np.ones_like(x)])


def _decay_data():
    rng = np.random.default_rng(19)
    t = np.linspace(0.0, 1e4, 40)
    return t, decay(t, 1.2e3, 4.7e-4, 30.0) + rng.normal(0.0, 5.0, t.size), 5.0


def _steep_line_data():
    # a slope of 3.75e8 per unit x and an intercept of 1: parameters 1e8 apart in size
    rng = np.random.default_rng(7)
    x = np.linspace(0.0, 1e-8, 11)
    return x, 3.75e8 * x + 1.0 + rng.normal(0.0, 0.01, x.size), 0.01


BADLY_SCALED = {
    "misra1a": (misra, misra_jac, (MISRA_X, MISRA_Y, 1.0),
                [[500.0, 1e-4], [250.0, 5e-4], list(MISRA_CERTIFIED)]),
    "decay": (decay, decay_jac, _decay_data(), [[1e3, 1e-3, 0.0], [500.0, 2e-4, 100.0]]),
    "steep line": (steep_line, steep_line_jac, _steep_line_data(), [[3.75e8, 3.0], [1e8, -5.0]]),
}


def _reference(model, jac, data, p0):
    x, y, sigma = data
    ref = least_squares(lambda p: (y - model(x, *p)) / sigma, p0,
                        jac=lambda p: -jac(x, *p) / sigma, x_scale="jac", method="lm",
                        xtol=1e-15, ftol=1e-15, gtol=1e-15)
    return ref.x, 2 * ref.cost


def _scaled_gradient(model, jac, data, params):
    """MINPACK's scaled gradient: the largest cosine between the residuals and a column of J."""
    x, y, sigma = data
    r = (y - model(x, *params)) / sigma
    J = jac(x, *params) / sigma
    norms = np.linalg.norm(J, axis=0)  # a column of zeros: chi-squared is flat that way
    return float(np.max(np.abs(J.T @ r) / np.where(norms > 0, norms, 1.0)) / np.linalg.norm(r))


def _assert_at_the_minimum(fit, model, jac, data, chi2_min):
    assert fit.reason in mml.CONVERGED and fit.converged
    assert fit.chi2 <= chi2_min * (1 + 1e-8), (fit.chi2, chi2_min, fit.message)
    assert _scaled_gradient(model, jac, data, fit.x) < 1e-6, fit.message


@pytest.mark.parametrize("problem", sorted(BADLY_SCALED))
@pytest.mark.parametrize("method", ["lm", "gauss-newton", "steepest"])
@pytest.mark.parametrize("exact_jacobian", [False, True])
def test_a_converged_fit_of_a_badly_scaled_problem_is_at_the_minimum(problem, method,
                                                                    exact_jacobian):
    model, jac, data, starts = BADLY_SCALED[problem]
    x, y, sigma = data
    best, chi2_min = _reference(model, jac, data, starts[0])
    for p0 in starts:
        fit = mml.fit_least_squares(model, x, y, p0, sigma=sigma, method=method,
                                    jac=jac if exact_jacobian else None,
                                    max_iter=300 if method == "steepest" else None)
        if method == "lm":  # Levenberg-Marquardt must get there within its default budget
            assert fit.converged, fit.message
        if fit.converged:
            _assert_at_the_minimum(fit, model, jac, data, chi2_min)
        else:  # not converged is honest only if it is not (yet) at the minimum
            assert fit.reason in {"max_iter", "stalled", "diverged"}


@pytest.mark.parametrize("problem", sorted(BADLY_SCALED))
@pytest.mark.parametrize("method", ["lm", "gauss-newton", "steepest"])
def test_a_fit_started_at_the_answer_stays_there(problem, method):
    model, jac, data, starts = BADLY_SCALED[problem]
    x, y, sigma = data
    best, chi2_min = _reference(model, jac, data, starts[0])
    fit = mml.fit_least_squares(model, x, y, best, sigma=sigma, method=method, max_iter=2)
    _assert_at_the_minimum(fit, model, jac, data, chi2_min)
    np.testing.assert_allclose(fit.x, best, rtol=1e-7)
    assert fit.n_iter <= 2


def test_misra1a_reaches_the_certified_answer():
    for p0 in ([500.0, 1e-4], [250.0, 5e-4]):  # NIST's two starts
        for method in ("lm", "gauss-newton"):
            fit = mml.fit_least_squares(misra, MISRA_X, MISRA_Y, p0, method=method,
                                        xtol=1e-12, ftol=1e-14, gtol=1e-12)
            assert fit.converged, fit.message
            np.testing.assert_allclose(fit.x, MISRA_CERTIFIED, rtol=1e-9)
            assert fit.chi2 == pytest.approx(MISRA_RSS, rel=1e-9)


# --- the three failures of issue 19 -----------------------------------------------------------

def test_finite_difference_steps_are_in_proportion_to_each_parameter():
    # Failure 2: every parameter below 1 was stepped by the same absolute 6e-6 (bigger than a
    # rate constant of 5.5e-4 can bear), although the docstring promised proportional steps.
    steps = mml.fitting.parameter_steps([238.9, 5.5e-4, 0.0, -3e8])
    np.testing.assert_allclose(steps, np.cbrt(np.finfo(float).eps) * np.array([238.9, 5.5e-4,
                                                                               1.0, 3e8]))
    # the Jacobian the fit differentiates agrees with the exact one to 1e-9 in every column
    p = MISRA_CERTIFIED
    J = mml.jacobian(lambda q: misra(MISRA_X, *q), p, h=mml.fitting.parameter_steps(p))
    np.testing.assert_allclose(J, misra_jac(MISRA_X, *p), rtol=1e-9)
    fd = mml.fit_least_squares(misra, MISRA_X, MISRA_Y, [250.0, 5e-4], xtol=1e-12, ftol=1e-14)
    exact = mml.fit_least_squares(misra, MISRA_X, MISRA_Y, [250.0, 5e-4], jac=misra_jac,
                                  xtol=1e-12, ftol=1e-14)
    np.testing.assert_allclose(fd.x, exact.x, rtol=1e-10)
    np.testing.assert_allclose(fd.covariance, exact.covariance, rtol=1e-6)


@pytest.mark.parametrize("jac", [None, steep_line_jac])
@pytest.mark.parametrize("method", ["lm", "gauss-newton", "steepest"])
def test_a_large_parameter_does_not_make_a_small_one_look_converged(method, jac):
    # Failure 3: the test |step| <= tol (tol + |p|) took |p| = 3.75e8 and so accepted a step of
    # 2 in an intercept of 1 as "converged" at the start, chi-squared far above the minimum;
    # with an exact Jacobian too.
    x, y, sigma = _steep_line_data()
    best, chi2_min = _reference(steep_line, steep_line_jac, (x, y, sigma), [3.75e8, 3.0])
    fit = mml.fit_least_squares(steep_line, x, y, [3.75e8, 3.0], sigma=sigma, method=method,
                                jac=jac, max_iter=300 if method == "steepest" else None)
    assert fit.n_iter > 0 or not fit.converged
    if fit.converged:
        _assert_at_the_minimum(fit, steep_line, steep_line_jac, (x, y, sigma), chi2_min)
    if method != "steepest":
        assert fit.converged, fit.message


def test_levenberg_marquardt_has_room_for_a_few_hundred_iterations():
    # Failure 1's fits: LM stopped at 100 steps saying "not converged" while 8-11 digits were
    # right; now its budget is 1000 steps, and running out says how to go on.
    x, y, sigma = _decay_data()
    hard = mml.fit_least_squares(decay, x, y, [1.0, 1e-2, 0.0], sigma=sigma)
    assert hard.converged, hard.message
    short = mml.fit_least_squares(decay, x, y, [1.0, 1e-2, 0.0], sigma=sigma, max_iter=3)
    assert short.reason == "max_iter" and "pass a larger max_iter" in short.message


# --- every stopping test means a minimum (property) -------------------------------------------

@settings(max_examples=25, deadline=None)
@given(log_a=st.floats(-4.0, 4.0), log_k=st.floats(-4.0, 1.0), seed=st.integers(0, 2**16),
       method=st.sampled_from(["lm", "gauss-newton", "steepest"]),
       far=st.floats(0.2, 5.0))
def test_converged_means_a_stationary_point_whatever_the_scales(log_a, log_k, seed, method,
                                                               far):
    # Far from the answer a fit may find another stationary point (Gauss-Newton can run k off
    # to infinity, where chi-squared is flat); it must never call a slope converged.
    a, k = 10.0**log_a, 10.0**log_k
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 3.0 / k, 25)
    sigma = 0.05 * a
    y = decay(t, a, k, 0.0) + rng.normal(0.0, sigma, t.size)
    data = (t, y, sigma)
    best, chi2_min = _reference(decay, decay_jac, data, [a, k, 0.0])
    fit = mml.fit_least_squares(decay, t, y, [far * a, k / far, 0.0], sigma=sigma,
                                method=method, max_iter=100)
    if fit.converged:
        assert _scaled_gradient(decay, decay_jac, data, fit.x) < 1e-6, fit.message
        if np.all(np.abs(fit.x[:2] / best[:2] - 1) < 0.5):  # in the answer's basin: at it
            _assert_at_the_minimum(fit, decay, decay_jac, data, chi2_min)


def test_fit_results_are_iteration_results():
    fit = mml.fit_least_squares(line, MML_X, MML_Y, [0.0, 0.0])
    assert isinstance(fit, mml.IterationResult)
    assert fit.params is fit.x and fit.path is fit.history
    assert fit.history.shape == (fit.n_iter + 1, 2) and fit.reason in mml.CONVERGED
