"""Tests of mmlcalc.descent: known values, reference libraries, properties, bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize

import mmlcalc as mml

# the quadratic of MML example 7.1: f = 1/2 x^T A x - b^T x
A = np.array([[2.0, 1.0], [1.0, 20.0]])
B = np.array([5.0, 3.0])
X0 = np.array([-3.0, -1.0])
LAMBDA_MAX = np.linalg.eigvalsh(A)[-1]


def quad_grad(x):
    return A @ x - B


def double_well(x):  # minima (+-1, 0), a saddle at 0
    return x[0] ** 4 / 4 - x[0] ** 2 / 2 + x[1] ** 2 / 2


def double_well_grad(x):
    return np.array([x[0] ** 3 - x[0], x[1]])


# --- known values -------------------------------------------------------------------------------

def test_mml_quadratic_minimiser():
    result = mml.gradient_descent(quad_grad, X0, lr=0.085)
    assert result.converged and result.reason == "gtol"
    np.testing.assert_allclose(result.x, [2.4872, 0.02564], atol=5e-5)
    np.testing.assert_allclose(result.x, np.linalg.solve(A, B), atol=1e-8)
    assert result.history.shape == (result.n_iter + 1, 2)
    np.testing.assert_array_equal(result.history[0], X0)


def test_stability_bound_on_both_sides():
    bound = 2 / LAMBDA_MAX
    below = mml.gradient_descent(quad_grad, X0, lr=0.98 * bound, max_iter=20_000)
    above = mml.gradient_descent(quad_grad, X0, lr=1.02 * bound, max_iter=20_000)
    assert below.converged
    assert above.reason == "diverged" and not above.converged
    assert "exceeds x_limit" in above.message


def test_linear_rate_is_max_abs_one_minus_lr_lambda():
    lr = 0.05
    result = mml.gradient_descent(quad_grad, X0, lr=lr, gtol=1e-12)
    errors = np.linalg.norm(result.history - np.linalg.solve(A, B), axis=1)
    rate = np.max(np.abs(1 - lr * np.linalg.eigvalsh(A)))
    np.testing.assert_allclose(errors[-1] / errors[-2], rate, rtol=1e-3)


def test_momentum_cuts_the_iterations():
    lam = np.linalg.eigvalsh(A)
    plain = mml.gradient_descent(quad_grad, X0, lr=2 / (lam[0] + lam[1]))  # best plain rate
    kappa = lam[1] / lam[0]
    heavy = mml.gradient_descent(quad_grad, X0, lr=4 / (np.sqrt(lam[0]) + np.sqrt(lam[1])) ** 2,
                                 momentum=((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2)
    assert plain.converged and heavy.converged
    assert heavy.n_iter < 0.5 * plain.n_iter


def test_learning_rate_schedule():
    seen = []

    def schedule(k):
        seen.append(k)
        return 0.05

    fixed = mml.gradient_descent(quad_grad, X0, lr=0.05)
    scheduled = mml.gradient_descent(quad_grad, X0, lr=schedule)
    np.testing.assert_array_equal(fixed.history, scheduled.history)
    assert seen == list(range(fixed.n_iter))


def test_max_iter():
    result = mml.gradient_descent(quad_grad, X0, lr=0.001, max_iter=7)
    assert result.reason == "max_iter" and result.n_iter == 7


def test_newton_is_one_step_on_a_quadratic():
    result = mml.newton_minimize(quad_grad, X0, hess=lambda x: A)
    assert result.converged and result.n_iter == 1
    np.testing.assert_allclose(result.x, np.linalg.solve(A, B), rtol=1e-14)
    numeric = mml.newton_minimize(quad_grad, X0)  # Hessian by finite differences
    assert numeric.n_iter == 1


def test_newton_on_rosenbrock_from_the_classic_start():
    result = mml.newton_minimize(optimize.rosen_der, [-1.2, 1.0], hess=optimize.rosen_hess,
                                 gtol=1e-4)
    assert result.converged and result.n_iter <= 7
    np.testing.assert_allclose(result.x, [1.0, 1.0], atol=1e-4)
    assert result.kinds == ("newton",) * result.n_iter


def test_newton_finds_a_saddle_and_the_hybrid_a_minimum():
    newton = mml.newton_minimize(double_well_grad, [0.1, 0.0])
    hybrid = mml.hybrid_minimize(double_well, double_well_grad, [0.1, 0.0], lr=0.1)
    np.testing.assert_allclose(newton.x, [0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(hybrid.x, [1.0, 0.0], atol=1e-9)
    assert hybrid.kinds[0] == "gradient" and hybrid.kinds[-1] == "newton"
    assert len(hybrid.kinds) == hybrid.n_iter


def test_singular_hessian_is_reported_by_newton_and_skipped_by_the_hybrid():
    def f(x):  # x^4 + y^2 has a singular Hessian on the line x = 0
        return x[0] ** 4 + x[1] ** 2

    def grad(x):
        return np.array([4 * x[0] ** 3, 2 * x[1]])

    def hess(x):
        return np.array([[12 * x[0] ** 2, 0.0], [0.0, 2.0]])

    assert mml.newton_minimize(grad, [0.0, 1.0], hess=hess).reason == "zero derivative"
    hybrid = mml.hybrid_minimize(f, grad, [0.0, 1.0], hess=hess, lr=0.1)
    assert hybrid.kinds[0] == "gradient"


def test_hybrid_on_rosenbrock():
    result = mml.hybrid_minimize(optimize.rosen, optimize.rosen_der, [-1.2, 1.0],
                                 hess=optimize.rosen_hess, lr=1e-3, gtol=1e-4)
    assert result.converged
    np.testing.assert_allclose(result.x, [1.0, 1.0], atol=1e-4)
    assert {"newton", "gradient"} <= set(result.kinds)


def _armijo_everywhere(result, f, grad):
    """Every step of `result` lowered f by at least the Armijo amount c |grad f . step|."""
    values = np.array([f(x) for x in result.history])
    steps = np.diff(result.history, axis=0)
    slopes = np.array([grad(x) @ s for x, s in zip(result.history[:-1], steps, strict=True)])
    return bool(np.all(slopes < 0) and np.all(values[1:] <= values[:-1] + 1e-4 * slopes))


@pytest.mark.parametrize(("max_step", "lr"), [(1.0, 1e-3), (10.0, 1e-3), (1.0, 5e-3)])
def test_the_hybrid_lowers_f_at_every_step_on_rosenbrock(max_step, lr):
    # Without the line search, max_step = 10 follows pure Newton, whose second step raises f
    # from 4.73 to 1412; max_step = 1 has one downhill Newton step that raises f; lr = 5e-3
    # makes gradient steps bounce and the run never converge.
    result = mml.hybrid_minimize(optimize.rosen, optimize.rosen_der, [-1.2, 1.0],
                                 hess=optimize.rosen_hess, lr=lr, max_step=max_step,
                                 gtol=1e-4, max_iter=20_000)
    assert result.converged
    assert _armijo_everywhere(result, optimize.rosen, optimize.rosen_der)
    newton = mml.newton_minimize(optimize.rosen_der, [-1.2, 1.0], hess=optimize.rosen_hess)
    assert optimize.rosen(newton.history[2]) > 100 * optimize.rosen(newton.history[1])


def test_the_hybrid_shortens_a_newton_step_that_would_raise_f():
    newton = mml.newton_minimize(optimize.rosen_der, [-1.2, 1.0], hess=optimize.rosen_hess)
    hybrid = mml.hybrid_minimize(optimize.rosen, optimize.rosen_der, [-1.2, 1.0],
                                 hess=optimize.rosen_hess, lr=1e-3, max_step=10.0)
    np.testing.assert_allclose(hybrid.history[1], newton.history[1], rtol=1e-12)
    step, full = hybrid.history[2] - hybrid.history[1], newton.history[2] - newton.history[1]
    ratio = np.linalg.norm(step) / np.linalg.norm(full)
    assert hybrid.kinds[1] == "newton" and ratio < 0.5   # halved at least once
    np.testing.assert_allclose(step, ratio * full, rtol=1e-10)   # along Newton's direction
    assert optimize.rosen(hybrid.history[2]) < optimize.rosen(hybrid.history[1])


@settings(max_examples=30, deadline=None)
@given(start=st.lists(st.floats(-2.0, 2.0), min_size=2, max_size=2),
       lr=st.floats(1e-4, 1.0), max_step=st.floats(0.1, 100.0))
def test_the_hybrid_never_raises_f(start, lr, max_step):
    f = lambda v: v[0] ** 4 - 2 * v[0] ** 2 + v[1] ** 2 + 0.3 * v[0]   # noqa: E731
    grad = lambda v: np.array([4 * v[0] ** 3 - 4 * v[0] + 0.3, 2 * v[1]])   # noqa: E731
    result = mml.hybrid_minimize(f, grad, start, lr=lr, max_step=max_step, max_iter=200)
    assert result.reason in {"gtol", "stalled", "max_iter", "zero derivative"}
    values = [f(x) for x in result.history]
    assert all(b < a for a, b in zip(values[:-1], values[1:], strict=True))


def test_the_hybrid_validates_fun():
    with pytest.raises(TypeError, match="`fun` must be callable"):
        mml.hybrid_minimize(None, double_well_grad, [0.1, 0.0], lr=0.1)
    with pytest.raises(ValueError, match="`fun` returned a non-finite value at `x0`"):
        mml.hybrid_minimize(lambda x: np.nan, double_well_grad, [0.1, 0.0], lr=0.1)


def test_stochastic_descent_is_reproducible_and_visits_every_sample():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((30, 2))
    y = X @ np.array([1.0, -2.0])
    calls = []

    def grad(w, idx):
        calls.append(np.sort(idx))
        return X[idx].T @ (X[idx] @ w - y[idx]) / len(idx)

    one = mml.gradient_descent(grad, [0.0, 0.0], lr=0.1, batch_size=7, n_samples=30, rng=5,
                               max_iter=20)
    # an epoch of 30 samples in batches of 7 is 5 steps (7+7+7+7+2); then a full-gradient check
    np.testing.assert_array_equal(np.sort(np.concatenate(calls[1:6])), np.arange(30))
    two = mml.gradient_descent(grad, [0.0, 0.0], lr=0.1, batch_size=7, n_samples=30, rng=5,
                               max_iter=20)
    np.testing.assert_array_equal(one.history, two.history)
    other = mml.gradient_descent(grad, [0.0, 0.0], lr=0.1, batch_size=7, n_samples=30, rng=6,
                                 max_iter=20)
    assert not np.array_equal(one.history, other.history)


# --- agreement with reference libraries -------------------------------------------------------

def test_rosenbrock_minimum_agrees_with_scipy_bfgs():
    theirs = optimize.minimize(optimize.rosen, [-1.2, 1.0], jac=optimize.rosen_der,
                               method="BFGS", options={"gtol": 1e-8})
    ours = mml.newton_minimize(optimize.rosen_der, [-1.2, 1.0], hess=optimize.rosen_hess)
    np.testing.assert_allclose(ours.x, theirs.x, atol=1e-7)


def test_sgd_reaches_the_least_squares_solution():
    rng = np.random.default_rng(0)
    X = np.column_stack([np.ones(200), rng.uniform(-2, 2, size=(200, 2))])
    y = X @ np.array([0.5, 2.0, -1.0]) + 0.3 * rng.standard_normal(200)
    best, *_ = np.linalg.lstsq(X, y, rcond=None)

    def grad(w, idx):
        return X[idx].T @ (X[idx] @ w - y[idx]) / len(idx)

    result = mml.gradient_descent(grad, np.zeros(3), lr=lambda k: 0.1 / (1 + k / 200),
                                  batch_size=10, n_samples=200, rng=1, max_iter=4000)
    np.testing.assert_allclose(result.x, best, atol=0.02)


# --- properties ---------------------------------------------------------------------------------

@st.composite
def convex_quadratics(draw):
    n = draw(st.integers(1, 4))
    entries = st.floats(-2.0, 2.0)
    M = np.array(draw(st.lists(entries, min_size=n * n, max_size=n * n))).reshape(n, n)
    Q = M @ M.T + 0.1 * np.eye(n)
    b = np.array(draw(st.lists(entries, min_size=n, max_size=n)))
    x0 = np.array(draw(st.lists(st.floats(-5.0, 5.0), min_size=n, max_size=n)))
    return Q, b, x0


@settings(max_examples=40, deadline=None)
@given(problem=convex_quadratics(), fraction=st.floats(0.05, 1.0))
def test_small_step_descent_never_raises_the_loss_on_a_convex_quadratic(problem, fraction):
    Q, b, x0 = problem
    lr = fraction / np.linalg.eigvalsh(Q)[-1]  # lr <= 1 / lambda_max

    def loss(x):
        return 0.5 * x @ Q @ x - b @ x

    result = mml.gradient_descent(lambda x: Q @ x - b, x0, lr=lr, max_iter=200)
    losses = np.array([loss(x) for x in result.history])
    assert np.all(np.diff(losses) <= 1e-12 * (1 + np.abs(losses[:-1])))


@settings(max_examples=40, deadline=None)
@given(problem=convex_quadratics(), lr=st.floats(1e-3, 1e3), momentum=st.floats(0.0, 0.99))
def test_descent_never_raises_whatever_the_learning_rate(problem, lr, momentum):
    Q, b, x0 = problem
    result = mml.gradient_descent(lambda x: Q @ x - b, x0, lr=lr, momentum=momentum,
                                  max_iter=300)
    assert result.reason in {"gtol", "diverged", "max_iter"}
    assert result.history.shape == (result.n_iter + 1, x0.size)
    if lr > 2 / np.linalg.eigvalsh(Q)[-1] * 1.5 and momentum == 0 and result.converged:
        # converging above the bound is possible only from the minimiser's own eigen-subspace
        np.testing.assert_allclose(Q @ result.x, b, atol=1e-6)


@settings(max_examples=30, deadline=None)
@given(start=st.lists(st.floats(-3.0, 3.0), min_size=2, max_size=2))
def test_newton_and_hybrid_never_raise_on_rosenbrock(start):
    for result in (mml.newton_minimize(optimize.rosen_der, start, hess=optimize.rosen_hess),
                   mml.hybrid_minimize(optimize.rosen, optimize.rosen_der, start,
                                       hess=optimize.rosen_hess,
                                       lr=1e-4, max_iter=300)):
        assert result.reason in mml.REASONS
        if result.converged:
            assert np.linalg.norm(optimize.rosen_der(result.x)) <= 1e-8


# --- bad input ----------------------------------------------------------------------------------

def test_bad_learning_rates_and_options_name_themselves():
    with pytest.raises(ValueError, match="`lr` must be positive and finite, got 0"):
        mml.gradient_descent(quad_grad, X0, lr=0)
    with pytest.raises(ValueError, match="`lr` must be positive"):
        mml.gradient_descent(quad_grad, X0, lr=-0.1)
    with pytest.raises(TypeError, match="`lr` must be a real number"):
        mml.gradient_descent(quad_grad, X0, lr="fast")
    with pytest.raises(ValueError, match="`lr` must return positive finite numbers"):
        mml.gradient_descent(quad_grad, X0, lr=lambda k: -1.0)
    with pytest.raises(ValueError, match=r"`momentum` must be in \[0, 1\), got 1"):
        mml.gradient_descent(quad_grad, X0, lr=0.1, momentum=1)
    with pytest.raises(TypeError, match="`momentum` must be a real number"):
        mml.gradient_descent(quad_grad, X0, lr=0.1, momentum=None)
    with pytest.raises(ValueError, match="`gtol` must be positive"):
        mml.gradient_descent(quad_grad, X0, lr=0.1, gtol=0.0)
    with pytest.raises(ValueError, match="`max_iter` must be at least 1"):
        mml.gradient_descent(quad_grad, X0, lr=0.1, max_iter=0)


def test_bad_stochastic_options():
    with pytest.raises(ValueError, match="`n_samples` must be given"):
        mml.gradient_descent(quad_grad, X0, lr=0.1, batch_size=4)
    with pytest.raises(ValueError, match="apply only with `batch_size`"):
        mml.gradient_descent(quad_grad, X0, lr=0.1, n_samples=4)
    with pytest.raises(ValueError, match="`batch_size` must be at least 1"):
        mml.gradient_descent(quad_grad, X0, lr=0.1, batch_size=0, n_samples=4)


def test_bad_points_and_gradients():
    with pytest.raises(TypeError, match="`grad` must be callable"):
        mml.gradient_descent(None, X0, lr=0.1)
    with pytest.raises(ValueError, match=r"`x0` must be a point of shape \(n,\)"):
        mml.gradient_descent(quad_grad, 1.0, lr=0.1)
    with pytest.raises(ValueError, match=r"`grad` must return shape \(2,\)"):
        mml.gradient_descent(lambda x: x.sum(), X0, lr=0.1)
    with pytest.raises(ValueError, match="`grad` returned a non-finite value at `x0`"):
        mml.gradient_descent(lambda x: x / 0.0, X0, lr=0.1)
    with pytest.raises(ValueError, match=r"`hess` must return shape \(2, 2\)"):
        mml.newton_minimize(quad_grad, X0, hess=lambda x: np.eye(3))
    with pytest.raises(TypeError, match="`hess` must be callable"):
        mml.newton_minimize(quad_grad, X0, hess=A)
    with pytest.raises(ValueError, match="`max_step` must be positive"):
        mml.hybrid_minimize(lambda x: 0.5 * x @ A @ x - B @ x, quad_grad, X0, lr=0.1,
                            max_step=0.0)


# --- converged means a stationary point (properties, issue 19) --------------------------------

@settings(max_examples=40, deadline=None)
@given(eigenvalues=st.tuples(st.floats(0.01, 100.0), st.floats(0.01, 100.0)),
       angle=st.floats(0.0, 3.0), fraction=st.floats(0.05, 1.9), gtol=st.floats(1e-10, 1e-4),
       momentum=st.sampled_from([0.0, 0.5, 0.9]))
def test_gradient_descent_converged_means_a_stationary_point(eigenvalues, angle, fraction,
                                                             gtol, momentum):
    R = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    A = R @ np.diag(eigenvalues) @ R.T
    b = np.array([1.0, -2.0])
    result = mml.gradient_descent(lambda x: A @ x - b, [3.0, 3.0],
                                  lr=fraction / max(eigenvalues), gtol=gtol, momentum=momentum,
                                  max_iter=3000)
    if result.converged:
        assert result.reason == "gtol"
        assert np.linalg.norm(A @ result.x - b) <= gtol
        np.testing.assert_allclose(result.x, np.linalg.solve(A, b),
                                   atol=2 * gtol / min(eigenvalues))


@settings(max_examples=40, deadline=None)
@given(start=st.tuples(st.floats(-2.0, 2.0), st.floats(-2.0, 2.0)), tilt=st.floats(-1.0, 1.0),
       method=st.sampled_from(["newton", "hybrid"]), exact=st.booleans())
def test_newton_and_hybrid_converged_means_a_stationary_point(start, tilt, method, exact):
    # f = x^4 - 2x^2 + y^2 + tilt x: minima, a saddle, and a singular Hessian on x = +-1/sqrt 3
    def f(v):
        return v[0] ** 4 - 2 * v[0] ** 2 + v[1] ** 2 + tilt * v[0]

    def grad(v):
        return np.array([4 * v[0] ** 3 - 4 * v[0] + tilt, 2 * v[1]])

    def hess(v):
        return np.array([[12 * v[0] ** 2 - 4, 0.0], [0.0, 2.0]])

    options = {"hess": hess if exact else None, "gtol": 1e-9}
    if method == "newton":
        result = mml.newton_minimize(grad, list(start), **options)
    else:
        result = mml.hybrid_minimize(f, grad, list(start), lr=0.05, **options)
    if result.converged:
        assert np.linalg.norm(grad(result.x)) <= 1e-9
    else:
        assert result.reason in {"zero derivative", "diverged", "max_iter", "stalled"}


# --- the Armijo backtracking line search ------------------------------------------------------

def test_backtracking_step_accepts_the_first_length_with_sufficient_decrease():
    f = lambda v: 10 * v[0] ** 2 + v[1] ** 2   # noqa: E731
    x, g = np.array([1.0, 1.0]), np.array([20.0, 2.0])
    t = mml.backtracking_step(f, x, g, lr=1.0)
    assert t == 1 / 16
    assert f(x - t * g) <= f(x) - 1e-4 * t * g @ g          # Armijo holds at t ...
    assert f(x - 2 * t * g) > f(x) - 1e-4 * 2 * t * g @ g   # ... and failed at 2t
    assert mml.backtracking_step(f, x, g, lr=0.01) == 0.01  # a short first try passes at once


def test_backtracking_step_on_an_L_smooth_quadratic_accepts_at_least_min_lr_1_minus_c_over_L():
    rng = np.random.default_rng(5)
    L = LAMBDA_MAX
    for _ in range(50):
        x = rng.uniform(-5, 5, size=2)
        g = quad_grad(x)
        t = mml.backtracking_step(lambda v: 0.5 * v @ A @ v - B @ v, x, g, lr=1.0)
        assert t >= min(1.0, (1 - 1e-4) / L) / 2 - 1e-15 and t <= 1.0


def test_backtracking_step_refuses_an_uphill_direction_and_bad_c():
    f = lambda v: v @ v   # noqa: E731
    with pytest.raises(ValueError, match="must point downhill"):
        mml.backtracking_step(f, [1.0, 0.0], [2.0, 0.0], direction=[1.0, 0.0])
    with pytest.raises(ValueError, match=r"`c` must be in \(0, 1\)"):
        mml.backtracking_step(f, [1.0, 0.0], [2.0, 0.0], c=1.0)
    assert mml.backtracking_step(f, [1.0, 0.0], [2.0, 0.0], direction=[-1.0, 0.0]) == 1.0
