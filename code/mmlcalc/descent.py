r"""Minimisation by following the gradient downhill, and by Newton's method.

Taught in chapter 5 of the book: section 5.3 (gradient descent, its learning rate and the
Armijo backtracking line search), section 5.4 (Newton's method in many dimensions and a hybrid
of the two with a line search, on the Rosenbrock valley) and section 5.5 (momentum and
stochastic gradients).

Every function returns an :class:`~mmlcalc.IterationResult` and never raises because the
iteration failed: a learning rate that is too large makes the result say ``"diverged"``.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Real

import numpy as np

from ._iteration import IterationResult, backtrack, newton_step, quietly, result
from ._validation import (
    MAX_SAMPLES,
    _show,
    as_real_array,
    check_callable,
    check_positive,
    check_positive_int,
    check_real,
)
from .numdiff import jacobian

__all__ = ["backtracking_step", "gradient_descent", "hybrid_minimize", "newton_minimize"]


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


def _scalar_objective(f, name: str):
    """`f` as a function of a point returning one float, ``inf`` where `f` is not finite.

    A value that is not one real number raises, naming the argument `name`.
    """
    def value(point) -> float:
        v = quietly(f, point)
        try:
            array = np.asarray(v, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"`{name}` must return a real number, got {_show(v)}") from None
        if array.size != 1:
            raise ValueError(f"`{name}` must return one real number, got shape {array.shape}")
        v = float(array.reshape(()))
        return v if np.isfinite(v) else np.inf

    return value


def backtracking_step(f: Callable, x, grad_x, direction=None, *, lr: float = 1.0,
                      c: float = 1e-4, max_halvings: int = 60) -> float | None:
    r"""The Armijo backtracking line search: the first of :math:`\eta, \eta/2, \eta/4, \dots`
    that lowers :math:`f` by a sufficient amount along a downhill direction.

    Along a direction :math:`\mathbf{d}` with :math:`\nabla f(\mathbf{x})\,\mathbf{d} < 0`
    (default :math:`\mathbf{d} = -\nabla f(\mathbf{x})^\top`), accept the first trial length
    :math:`t` with the sufficient-decrease (Armijo) condition

    .. math:: f(\mathbf{x} + t\mathbf{d}) \le f(\mathbf{x}) + c\, t\, \nabla f(\mathbf{x})\,
        \mathbf{d}.

    By Taylor's theorem :math:`f(\mathbf{x} + t\mathbf{d}) = f(\mathbf{x}) + t\,\nabla f\,
    \mathbf{d} + O(t^2)`, and :math:`c < 1`, so every small enough :math:`t` passes: the
    search ends for every smooth :math:`f`. If :math:`\nabla f` is :math:`L`-Lipschitz, the
    accepted :math:`t` along :math:`-\nabla f^\top` is at least
    :math:`\min(\eta, (1 - c)/L)`.

    Parameters
    ----------
    f : callable
        ``f(x)`` returns the objective, a real number (``inf`` or NaN count as "too far").
    x : array_like, shape (n,)
        The current point.
    grad_x : array_like, shape (n,)
        :math:`\nabla f(\mathbf{x})` at that point.
    direction : array_like, shape (n,), optional
        The search direction :math:`\mathbf{d}`, downhill; default the steepest descent
        direction :math:`-\nabla f(\mathbf{x})^\top`.
    lr : float
        The first trial length :math:`\eta`.
    c : float
        The Armijo constant, :math:`0 < c < 1` (default :math:`10^{-4}`, as in Nocedal and
        Wright).
    max_halvings : int
        Give up (return None) after this many trial lengths.

    Returns
    -------
    float or None
        The accepted length :math:`t`; the new point is ``x + t * direction``. None if no trial
        length passed (at a minimum to working precision, rounding can make every trial fail).

    Raises
    ------
    TypeError, ValueError
        If `f` is not callable or not finite at `x`, the arrays do not have the shape of `x`,
        `direction` is not downhill, `lr` is not positive, `c` is outside (0, 1), or
        `max_halvings` is not a positive integer.

    See Also
    --------
    hybrid_minimize : uses this search on every Newton or gradient step.
    mmlcalc.fit_least_squares : uses it for steepest descent without a learning rate.

    Notes
    -----
    Book: section 5.3 (sufficient decrease and backtracking), section 5.4 (the hybrid method)
    and section 6.4 (steepest descent on chi-squared).

    Examples
    --------
    >>> import numpy as np
    >>> from mmlcalc import backtracking_step
    >>> f = lambda x: 10 * x[0] ** 2 + x[1] ** 2
    >>> x = np.array([1.0, 1.0])
    >>> backtracking_step(f, x, np.array([20.0, 2.0]), lr=1.0)  # 1, 1/2, ..., 1/16 tried
    0.0625
    """
    check_callable(f, "f")
    x = _start(x)
    g = as_real_array(grad_x, "grad_x")
    if g.shape != x.shape:
        raise ValueError(f"`grad_x` must have the shape of `x`, {x.shape}, got {g.shape}")
    d = -g if direction is None else as_real_array(direction, "direction")
    if d.shape != x.shape:
        raise ValueError(f"`direction` must have the shape of `x`, {x.shape}, got {d.shape}")
    slope = float(g @ d)
    if not slope < 0:
        raise ValueError(f"`direction` must point downhill (grad f . d < 0), got "
                         f"grad f . d = {slope:.3g}")
    lr = check_positive(lr, "lr")
    c = check_real(c, "c")
    if not 0 < c < 1:
        raise ValueError(f"`c` must be in (0, 1), got {_show(c)}")
    max_halvings = check_positive_int(max_halvings, "max_halvings")

    value = _scalar_objective(f, "f")

    f0 = value(x)
    if not np.isfinite(f0):
        raise ValueError(f"`f` returned a non-finite value at `x` = {_show(x)}")
    found = backtrack(lambda t: (value(x + t * d), None), f0, -slope, lr, max_tries=max_halvings,
                      c=c)
    return None if found is None else float(found[0])


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


def _minimise(grad, x0, hess, *, gtol, max_iter, x_limit, choose, start=None):
    """The loop shared by Newton and the hybrid.

    `choose(x, g, H)` returns ``(step, kind)``, or ``(None, "stalled")`` when no step lowers
    the objective; `start(x)`, if given, is called once with the validated start first.
    """
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
    if start is not None:
        start(x)
    history, kinds = [x], []

    def stopped(reason, message):
        return result(history, reason, message, kinds=kinds)

    for k in range(max_iter + 1):
        if (done := _gradient_test(g, k, gtol, max_iter)) is not None:
            return stopped(*done)
        H = _hessian_at(grad, hess, x)
        if H is None:
            return stopped("diverged", f"the Hessian is not finite at x = {_show(x)}")
        step, kind = choose(x, g, H)
        if step is None and kind == "stalled":
            return stopped("stalled", f"no step along the chosen direction lowers f enough "
                           f"at x = {_show(x)} (step {k}): the limit of floating point")
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
    def choose(x, g, H):
        return newton_step(g, H), "newton"

    return _minimise(grad, x0, hess, gtol=gtol, max_iter=max_iter, x_limit=x_limit,
                     choose=choose)


def hybrid_minimize(fun: Callable, grad: Callable, x0, *, lr: float,
                    hess: Callable | None = None, max_step: float = 1.0, gtol: float = 1e-8,
                    max_iter: int = 10_000, x_limit: float = 1e12) -> IterationResult:
    r"""Minimise with Newton steps where they point downhill, gradient steps elsewhere, and a
    backtracking line search that makes every step lower :math:`f`.

    At each iterate compute the Newton step :math:`\mathbf{p} = -H^{-1} \nabla f^\top` and
    choose a direction and a first trial length,

    .. math::

        (\mathbf{d}, t_0) = \begin{cases}
            (\mathbf{p}, 1) & \text{if } \nabla f\, \mathbf{p} < 0 \text{ (downhill) and }
                \lVert \mathbf{p} \rVert \le \text{max\_step},\\
            (-\nabla f^\top, \eta) & \text{otherwise;}
        \end{cases}

    then halve :math:`t = t_0, t_0/2, t_0/4, \dots` until the Armijo condition of sufficient
    decrease holds,

    .. math:: f(\mathbf{x}_k + t\mathbf{d}) \le f(\mathbf{x}_k) + c\, t\, \nabla f(\mathbf{x}_k)
        \mathbf{d}, \qquad c = 10^{-4},

    and step :math:`\boldsymbol{\delta}_k = t\mathbf{d}`. So :math:`f` decreases at every step.

    Parameters
    ----------
    fun : callable
        ``fun(x)`` returns :math:`f(x)`, a real number; the line search compares its values.
    grad, x0
        As :func:`newton_minimize`.
    lr : float
        The learning rate :math:`\eta`: the first trial length of a gradient step.
    hess : callable, optional
        The Hessian, as in :func:`newton_minimize`.
    max_step : float
        The longest Newton step tried.
    gtol, max_iter, x_limit
        As :func:`newton_minimize`.

    Returns
    -------
    IterationResult
        As :func:`newton_minimize`, with ``kinds`` recording ``"newton"`` or ``"gradient"``
        (the direction) for every step; ``reason`` may also be ``"stalled"`` if no trial
        length lowers :math:`f` (rounding, at a point that is already a minimum to working
        precision).

    Raises
    ------
    TypeError, ValueError
        As :func:`newton_minimize`; also if `fun` is not callable or not finite at `x0`, or if
        `lr` or `max_step` is not positive.

    See Also
    --------
    scipy.optimize.minimize : ``method="trust-exact"`` or ``"Newton-CG"``, the production
        versions of this safeguard.

    Notes
    -----
    The line search makes :math:`f(\mathbf{x}_{k+1}) < f(\mathbf{x}_k)` at every step, so the
    method cannot climb to a saddle or a maximum the way pure Newton can. It is a *safeguarded*
    method, not one proved globally convergent: that needs directions that stay away from
    perpendicular to the gradient (Zoutendijk's theorem), which a Newton direction with a
    nearly singular Hessian need not be. Modifying the Hessian to make it positive definite, or
    a trust region, gives methods with that guarantee (Nocedal and Wright, *Numerical
    Optimization*, sections 3.4 and 4). Book: section 5.4; the Armijo condition is taught in
    section 5.3.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlcalc import hybrid_minimize, newton_minimize
    >>> f = lambda x: x[0] ** 4 - 2 * x[0] ** 2 + x[1] ** 2
    >>> grad = lambda x: np.array([4 * x[0] ** 3 - 4 * x[0], 2 * x[1]])
    >>> newton_minimize(grad, [0.1, 0.0]).x.round(6) + 0.0  # pure Newton finds the saddle
    array([0., 0.])
    >>> result = hybrid_minimize(f, grad, [0.1, 0.0], lr=0.1)
    >>> result.x.round(6), result.kinds[:2], result.kinds[-1]  # the hybrid, a minimum
    (array([1., 0.]), ('gradient', 'gradient'), 'newton')
    >>> bool(np.all(np.diff([f(x) for x in result.history]) < 0))  # f fell at every step
    True
    """
    check_callable(fun, "fun")
    eta = check_positive(lr, "lr")
    max_step = check_positive(max_step, "max_step")
    now = {}

    value = _scalar_objective(fun, "fun")

    def start(x):
        now["f"] = value(x)
        if not np.isfinite(now["f"]):
            raise ValueError(f"`fun` returned a non-finite value at `x0` = {_show(x)}")

    def choose(x, g, H):
        p = newton_step(g, H)
        if p is not None and g @ p < 0 and np.linalg.norm(p) <= max_step:
            direction, first, kind = p, 1.0, "newton"
        else:
            direction, first, kind = -g, eta, "gradient"
        found = backtrack(lambda t: (value(x + t * direction), None), now["f"],
                          -float(g @ direction), first)
        if found is None:
            return None, "stalled"
        t, now["f"], _ = found
        return t * direction, kind

    return _minimise(grad, x0, hess, gtol=gtol, max_iter=max_iter, x_limit=x_limit,
                     choose=choose, start=start)
