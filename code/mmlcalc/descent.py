r"""Minimisation by following the gradient downhill, and by Newton's method.

Taught in chapter 5 of the book: section 5.3 (gradient descent and its learning rate), section
5.4 (Newton's method in many dimensions and a hybrid of the two, on the Rosenbrock valley) and
section 5.5 (momentum and stochastic gradients).

Every function returns an :class:`~mmlcalc.IterationResult` and never raises because the
iteration failed: a learning rate that is too large makes the result say ``"diverged"``.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Real

import numpy as np

from ._iteration import IterationResult, newton_step, quietly, result
from ._validation import (
    MAX_SAMPLES,
    _show,
    as_real_array,
    check_callable,
    check_positive,
    check_positive_int,
)
from .numdiff import jacobian

__all__ = ["gradient_descent", "hybrid_minimize", "newton_minimize"]


def _start(x0) -> np.ndarray:
    x = as_real_array(x0, "x0")
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"`x0` must be a point of shape (n,), got shape {x.shape}")
    return x.copy()


def _learning_rate(lr) -> Callable[[int], float]:
    """Validate `lr` (a positive number, or a schedule k -> positive number)."""
    if callable(lr):
        def schedule(k: int) -> float:
            value = lr(k)
            if isinstance(value, bool) or not isinstance(value, Real) or not (
                    np.isfinite(value) and value > 0):
                raise ValueError(f"`lr` must return positive finite numbers, got {_show(value)} "
                                 f"at step {k}")
            return float(value)
        return schedule
    value = check_positive(lr, "lr")
    return lambda k: value


def _checked_gradient(g, x: np.ndarray, name: str = "grad"):
    """`g` as a float array of the shape of `x`; None if it is not finite."""
    try:
        g = np.asarray(g, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` must return real numbers, got {_show(g)}") from None
    if g.shape != x.shape:
        raise ValueError(f"`{name}` must return shape {x.shape} (one entry per coordinate), got "
                         f"shape {g.shape}")
    return g if np.all(np.isfinite(g)) else None


def _gradient_test(g, k: int, gtol: float, max_iter: int):
    """``(reason, message)`` if the iteration stops at step `k` with gradient `g`, else None."""
    norm = float(np.linalg.norm(g))
    if norm <= gtol:
        return "gtol", f"|grad f| = {norm:.2g} <= gtol = {gtol:g} after {k} steps"
    if k == max_iter:
        return "max_iter", (f"no convergence in max_iter = {max_iter} steps; |grad f| = "
                            f"{norm:.3g} at the last iterate")
    return None


def _too_far(x: np.ndarray, x_limit: float) -> bool:
    return not np.all(np.isfinite(x)) or float(np.linalg.norm(x)) > x_limit


def gradient_descent(grad: Callable, x0, *, lr, max_iter: int = 10_000, gtol: float = 1e-8,
                     momentum: float = 0.0, batch_size: int | None = None,
                     n_samples: int | None = None, rng=None,
                     x_limit: float = 1e12) -> IterationResult:
    r"""Minimise a function by stepping against its gradient, with optional momentum and batches.

    With learning rate :math:`\eta` and momentum :math:`\beta` (0 for plain descent):

    .. math::

        v_{k+1} = \beta\, v_k - \eta\, \nabla f(x_k), \qquad x_{k+1} = x_k + v_{k+1},
        \qquad v_0 = 0.

    In stochastic mode the loss is a mean over samples, :math:`f = \frac1N \sum_i f_i`, and each
    step uses the mean gradient of a random mini-batch :math:`B` of samples instead:
    :math:`\nabla f \approx \frac{1}{|B|} \sum_{i \in B} \nabla f_i`.

    Parameters
    ----------
    grad : callable
        ``grad(x)`` returns :math:`\nabla f(x)`, shape ``(n,)``. In stochastic mode (with
        `batch_size`) it is called as ``grad(x, idx)`` with an integer array of sample indices
        and returns the mean gradient over those samples.
    x0 : array_like, shape (n,)
        The start.
    lr : float or callable
        The learning rate :math:`\eta > 0`, or a schedule ``lr(k)`` giving the rate for step
        ``k = 0, 1, ...``. Keyword-only, like every option.
    max_iter : int
        The most steps (in stochastic mode, mini-batch steps).
    gtol : float
        Stop, converged (``reason="gtol"``), when :math:`\|\nabla f(x_k)\| \le` `gtol`
        (Euclidean norm). In
        stochastic mode the full gradient is checked at the end of every pass over the data
        (every epoch).
    momentum : float
        :math:`\beta \in [0, 1)`; 0 is plain gradient descent.
    batch_size : int, optional
        Switches on stochastic mode: the samples are shuffled every epoch and dealt out in
        batches of this size (the last batch of an epoch may be smaller).
    n_samples : int, optional
        The number of samples :math:`N`; required in stochastic mode.
    rng : int or numpy.random.Generator, optional
        Seed or generator for the shuffles (stochastic mode); seed it for reproducible runs.
    x_limit : float
        An iterate with :math:`\|x\| >` `x_limit`, or a non-finite gradient, counts as
        divergence.

    Returns
    -------
    IterationResult
        ``x``, ``converged``, ``n_iter``, ``history`` (shape ``(n_iter + 1, n)``, the start
        first), ``reason`` (``"gtol"``, ``"diverged"`` or ``"max_iter"``) and ``message``.

    Raises
    ------
    TypeError
        If `grad` is not callable or an argument has the wrong type.
    ValueError
        If `lr`, `gtol` or `x_limit` is not positive, `momentum` is outside [0, 1), `max_iter`,
        `batch_size` or `n_samples` is not a positive integer, `batch_size` is given without
        `n_samples`, `grad` returns the wrong shape, or `grad` is not finite at `x0`.

    See Also
    --------
    scipy.optimize.minimize : quasi-Newton and other methods for smooth problems.
    newton_minimize, hybrid_minimize : steps that use curvature.

    Notes
    -----
    On a quadratic :math:`\tfrac12 x^\top A x - b^\top x` with :math:`A` symmetric positive
    definite, plain descent converges from every start if and only if
    :math:`0 < \eta < 2/\lambda_{\max}(A)`, linearly with ratio
    :math:`\max_i |1 - \eta\lambda_i|`. Momentum can shrink the ratio from about
    :math:`1 - 1/\kappa` to about :math:`1 - 1/\sqrt{\kappa}`, where :math:`\kappa` is the
    condition number. With a constant learning rate, stochastic descent hovers in a cloud around
    the minimum whose size shrinks with :math:`\eta`; a decaying schedule lets it settle. Book:
    sections 5.3 and 5.5.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlcalc import gradient_descent
    >>> A, b = np.array([[2.0, 1.0], [1.0, 20.0]]), np.array([5.0, 3.0])
    >>> result = gradient_descent(lambda x: A @ x - b, [-3.0, -1.0], lr=0.085)
    >>> result.x.round(5), result.converged
    (array([2.48718, 0.02564]), True)
    >>> gradient_descent(lambda x: A @ x - b, [-3.0, -1.0], lr=0.2).reason
    'diverged'
    """
    check_callable(grad, "grad")
    rate = _learning_rate(lr)
    max_iter = check_positive_int(max_iter, "max_iter")
    gtol = check_positive(gtol, "gtol")
    x_limit = check_positive(x_limit, "x_limit")
    if isinstance(momentum, bool) or not isinstance(momentum, Real):
        raise TypeError(f"`momentum` must be a real number, got {_show(momentum)}")
    if not 0 <= momentum < 1:
        raise ValueError(f"`momentum` must be in [0, 1), got {_show(momentum)}")
    stochastic = batch_size is not None
    if stochastic:
        batch_size = check_positive_int(batch_size, "batch_size")
        if n_samples is None:
            raise ValueError("`n_samples` must be given with `batch_size` (stochastic mode)")
        n_samples = check_positive_int(n_samples, "n_samples", high=MAX_SAMPLES)
        generator = np.random.default_rng(rng)
        everyone = np.arange(n_samples)
    elif n_samples is not None or rng is not None:
        raise ValueError("`n_samples` and `rng` apply only with `batch_size` (stochastic mode)")
    x = _start(x0)

    def full_gradient(point):
        return _checked_gradient(quietly(grad, point, everyone) if stochastic else
                                 quietly(grad, point), point)

    g = full_gradient(x)
    if g is None:
        raise ValueError(f"`grad` returned a non-finite value at `x0` = {_show(x)}")
    history, v, k = [x], np.zeros_like(x), 0

    def stopped(reason, message):
        return result(history, reason, message)

    while True:
        # g is the full gradient at x: test it (every step, or every epoch when stochastic)
        if (done := _gradient_test(g, k, gtol, max_iter)) is not None:
            return stopped(*done)
        if stochastic:
            order = generator.permutation(n_samples)
            batches = [order[i:i + batch_size] for i in range(0, n_samples, batch_size)]
        else:
            batches = [None]
        for idx in batches:
            if k == max_iter:
                break
            if stochastic:
                g = _checked_gradient(quietly(grad, x, idx), x)
                if g is None:
                    return stopped("diverged", f"the mini-batch gradient is not finite at "
                                   f"x = {_show(x)} after {k} steps")
            with np.errstate(over="ignore", invalid="ignore"):
                v = momentum * v - rate(k) * g
                x = x + v
            history.append(x)
            k += 1
            if _too_far(x, x_limit):
                return stopped("diverged", f"|x| = {np.linalg.norm(x):.3g} exceeds x_limit = "
                               f"{x_limit:g} after {k} steps")
        g = full_gradient(x)
        if g is None:
            return stopped("diverged", f"the gradient is not finite at x = {_show(x)} after "
                           f"{k} steps")


def _hessian_at(grad: Callable, hess: Callable | None, x: np.ndarray):
    """The Hessian at `x` (given, or the Jacobian of `grad` by central differences)."""
    if hess is None:
        try:
            H = quietly(jacobian, grad, x)
        except ValueError:  # grad was not finite at x +- h
            return None
        H = 0.5 * (H + H.T)
    else:
        H = quietly(hess, x)
    try:
        H = np.asarray(H, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"`hess` must return real numbers, got {_show(H)}") from None
    if H.shape != (x.size, x.size):
        raise ValueError(f"`hess` must return shape {(x.size, x.size)}, got shape {H.shape}")
    return H if np.all(np.isfinite(H)) else None


def _minimise(grad, x0, hess, *, gtol, max_iter, x_limit, choose):
    """The loop shared by Newton and the hybrid: `choose(g, H)` returns (step, kind)."""
    check_callable(grad, "grad")
    if hess is not None:
        check_callable(hess, "hess")
    gtol = check_positive(gtol, "gtol")
    max_iter = check_positive_int(max_iter, "max_iter")
    x_limit = check_positive(x_limit, "x_limit")
    x = _start(x0)
    g = _checked_gradient(quietly(grad, x), x)
    if g is None:
        raise ValueError(f"`grad` returned a non-finite value at `x0` = {_show(x)}")
    history, kinds = [x], []

    def stopped(reason, message):
        return result(history, reason, message, kinds=kinds)

    for k in range(max_iter + 1):
        if (done := _gradient_test(g, k, gtol, max_iter)) is not None:
            return stopped(*done)
        H = _hessian_at(grad, hess, x)
        if H is None:
            return stopped("diverged", f"the Hessian is not finite at x = {_show(x)}")
        step, kind = choose(g, H)
        if step is None:
            return stopped("zero derivative", f"the Hessian is singular at x = {_show(x)} "
                           f"(step {k}): no Newton step exists")
        x = x + step
        history.append(x)
        kinds.append(kind)
        if _too_far(x, x_limit):
            return stopped("diverged", f"|x| = {np.linalg.norm(x):.3g} exceeds x_limit = "
                           f"{x_limit:g} after {k + 1} steps")
        g = _checked_gradient(quietly(grad, x), x)
        if g is None:
            return stopped("diverged", f"the gradient is not finite at x = {_show(x)} after "
                           f"{k + 1} steps")


def newton_minimize(grad: Callable, x0, *, hess: Callable | None = None, gtol: float = 1e-8,
                    max_iter: int = 100, x_limit: float = 1e12) -> IterationResult:
    r"""Find a stationary point by Newton's method: jump to the minimum of the quadratic model.

    The second-order Taylor model of :math:`f` about :math:`x_k` is minimised (when the Hessian
    :math:`H` is positive definite) at

    .. math:: x_{k+1} = x_k - H(x_k)^{-1} \nabla f(x_k)^\top.

    Parameters
    ----------
    grad : callable
        ``grad(x)`` returns :math:`\nabla f(x)`, shape ``(n,)``.
    x0 : array_like, shape (n,)
        The start.
    hess : callable, optional
        ``hess(x)`` returns the Hessian, shape ``(n, n)``. Default: the Jacobian of `grad` by
        central differences, symmetrised.
    gtol : float
        Stop, converged (``reason="gtol"``), when :math:`\|\nabla f(x_k)\| \le` `gtol`.
    max_iter : int
        The most steps.
    x_limit : float
        An iterate with :math:`\|x\| >` `x_limit` counts as divergence.

    Returns
    -------
    IterationResult
        As :func:`gradient_descent`; ``reason`` may also be ``"zero derivative"`` when the
        Hessian is singular.

    Raises
    ------
    TypeError, ValueError
        As :func:`gradient_descent`; also if `hess` returns the wrong shape.

    See Also
    --------
    scipy.optimize.minimize : ``method="Newton-CG"`` or ``"trust-exact"`` for safeguarded
        Newton methods.
    mmlcalc.newton_raphson : the same iteration applied to the equation
        :math:`\nabla f = 0`.

    Notes
    -----
    Quadratic convergence near a minimum with a positive definite Hessian, and one step on a
    quadratic. Newton's method seeks *any* stationary point: started near a maximum or a saddle
    it converges there, and where the Hessian is not positive definite its step may point
    uphill. Book: section 5.4 (the multivariable step is derived in section 4.6).

    Examples
    --------
    >>> import numpy as np
    >>> from mmlcalc import newton_minimize
    >>> A, b = np.array([[2.0, 1.0], [1.0, 20.0]]), np.array([5.0, 3.0])
    >>> result = newton_minimize(lambda x: A @ x - b, [-3.0, -1.0], hess=lambda x: A)
    >>> result.x.round(5), result.n_iter  # one step on a quadratic
    (array([2.48718, 0.02564]), 1)
    """
    def choose(g, H):
        return newton_step(g, H), "newton"

    return _minimise(grad, x0, hess, gtol=gtol, max_iter=max_iter, x_limit=x_limit,
                     choose=choose)


def hybrid_minimize(grad: Callable, x0, *, lr: float, hess: Callable | None = None,
                    max_step: float = 1.0, gtol: float = 1e-8, max_iter: int = 10_000,
                    x_limit: float = 1e12) -> IterationResult:
    r"""Minimise with Newton steps where they are safe, and gradient steps where they are not.

    At each iterate compute the Newton step :math:`p = -H^{-1} \nabla f^\top`, and take

    .. math::

        x_{k+1} = \begin{cases}
            x_k + p & \text{if } \nabla f\, p < 0 \text{ (downhill) and } \|p\| \le
                \text{max\_step},\\
            x_k - \eta\, \nabla f^\top & \text{otherwise.}
        \end{cases}

    Parameters
    ----------
    grad, x0
        As :func:`newton_minimize`.
    lr : float
        The learning rate :math:`\eta` of the fallback gradient step.
    hess : callable, optional
        The Hessian, as in :func:`newton_minimize`.
    max_step : float
        The longest Newton step trusted.
    gtol, max_iter, x_limit
        As :func:`newton_minimize`.

    Returns
    -------
    IterationResult
        As :func:`newton_minimize`, with ``kinds`` recording ``"newton"`` or ``"gradient"``
        for every step.

    Raises
    ------
    TypeError, ValueError
        As :func:`newton_minimize`; also if `lr` or `max_step` is not positive.

    See Also
    --------
    scipy.optimize.minimize : ``method="trust-exact"``, the grown-up version of this
        safeguard.

    Notes
    -----
    Far from the minimum, where the Hessian may be indefinite or the quadratic model poor, the
    gradient steps make steady progress downhill; near it, the Newton steps converge
    quadratically. A singular Hessian simply means a gradient step. Book: section 5.4.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlcalc import hybrid_minimize, newton_minimize
    >>> grad = lambda x: np.array([4 * x[0] ** 3 - 4 * x[0], 2 * x[1]])  # x^4 - 2x^2 + y^2
    >>> newton_minimize(grad, [0.1, 0.0]).x.round(6) + 0.0  # pure Newton finds the saddle
    array([0., 0.])
    >>> result = hybrid_minimize(grad, [0.1, 0.0], lr=0.1)
    >>> result.x.round(6), result.kinds[:2], result.kinds[-1]  # the hybrid, a minimum
    (array([1., 0.]), ('gradient', 'gradient'), 'newton')
    """
    eta = check_positive(lr, "lr")
    max_step = check_positive(max_step, "max_step")

    def choose(g, H):
        p = newton_step(g, H)
        if p is not None and g @ p < 0 and np.linalg.norm(p) <= max_step:
            return p, "newton"
        return -eta * g, "gradient"

    return _minimise(grad, x0, hess, gtol=gtol, max_iter=max_iter, x_limit=x_limit,
                     choose=choose)
