r"""Roots of equations: the Newton-Raphson method, bisection, and how fast they converge.

Taught in chapter 5 of the book: section 5.1 (Newton-Raphson in one dimension, its basins of
attraction and its failures), section 5.2 (the order of convergence, and bisection for
comparison); Newton's method for systems reappears in section 5.6, on the Lagrangian.

Every solver returns an :class:`~mmlcalc.IterationResult` and never raises because an
iteration failed: a zero derivative, a cycle, divergence and an exhausted budget are reported in
``result.reason``. Bad arguments (a non-callable `f`, a negative `xtol`) still raise.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._iteration import IterationResult, newton_step, quietly, result
from ._validation import (
    _show,
    as_real_array,
    check_callable,
    check_positive,
    check_positive_int,
)
from .numdiff import derivative, jacobian

__all__ = ["bisection", "convergence_order", "newton_basins", "newton_raphson"]


def _evaluate(f: Callable, x, *, scalar: bool, name: str = "f"):
    """``f(x)`` as a float array (NaN where `f` overflowed: the caller reports divergence)."""
    value = quietly(f, np.float64(x) if scalar else x)
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` must return real numbers, got {_show(value)}") from None


def _slope(f: Callable, fprime: Callable | None, x, *, scalar: bool):
    """The derivative (scalar) or Jacobian (system) at `x`; None if it is not finite."""
    if fprime is not None:
        value = _evaluate(fprime, x, scalar=scalar, name="fprime")
    else:
        try:
            value = quietly(derivative if scalar else jacobian, f, x)
        except ValueError:  # f was not finite at x +- h: reported by the caller
            return None
    value = np.asarray(value, dtype=float)
    return value if np.all(np.isfinite(value)) else None


def _norm(v) -> float:
    return float(np.max(np.abs(v))) if np.ndim(v) else abs(float(v))


def newton_raphson(f: Callable, x0, *, fprime: Callable | None = None, xtol: float = 1e-12,
                   max_iter: int = 100, x_limit: float = 1e12) -> IterationResult:
    r"""Find a root of `f` by the Newton-Raphson method, reporting failure instead of raising.

    From a start :math:`x_0`, follow the tangent to where it meets the axis:

    .. math::

        x_{k+1} = x_k - \frac{f(x_k)}{f'(x_k)}
        \qquad\text{or, for a system } f:\mathbb{R}^n \to \mathbb{R}^n,\qquad
        x_{k+1} = x_k - J(x_k)^{-1} f(x_k).

    Parameters
    ----------
    f : callable
        For a scalar `x0`, a function of one real variable returning a number. For `x0` of
        shape ``(n,)``, a function returning shape ``(n,)``.
    x0 : float or array_like, shape (n,)
        The start.
    fprime : callable, optional
        The derivative :math:`f'` (scalar problem) or the Jacobian, returning shape ``(n, n)``
        with rows the outputs (system). Default: estimated with :func:`mmlcalc.derivative` or
        :func:`mmlcalc.jacobian` (central differences).
    xtol : float
        Stop, converged (``reason="xtol"``), when a step is no longer than
        ``xtol * (1 + |x|)`` in every coordinate; also converged (``reason="ftol"``) when
        :math:`f(x_k) = 0` exactly. Keyword-only, like the rest.
    max_iter : int
        The most steps to take.
    x_limit : float
        An iterate with :math:`|x| >` `x_limit` counts as divergence.

    Returns
    -------
    IterationResult
        ``x`` (a float, or shape ``(n,)``), ``converged``, ``n_iter``, ``history`` (every
        iterate, start included) and ``reason``: ``"xtol"`` or ``"ftol"`` (converged, see
        `xtol`), ``"zero derivative"`` (the
        tangent is flat, or the Jacobian singular, so there is no next iterate), ``"cycle"``
        (an iterate repeats an earlier one), ``"diverged"`` or ``"max_iter"``; ``message``
        says the same with the numbers.

    Raises
    ------
    TypeError
        If `f` or `fprime` is not callable, or `x0` is not real.
    ValueError
        If `xtol`, `max_iter` or `x_limit` is not positive, `x0` has more than one dimension,
        `f` or `fprime` returns the wrong shape, or `f` is not finite at `x0`. An exception
        raised by `f` or `fprime` itself (say ``math.log`` of a negative iterate) propagates
        unchanged; an overflow or a non-finite value is reported as divergence, not raised.

    See Also
    --------
    scipy.optimize.newton : the same iteration for scalars (the secant method when no
        derivative is given); raises or warns on failure.
    scipy.optimize.root : systems of equations.
    bisection : slower, but cannot fail once a sign change is bracketed.

    Notes
    -----
    Near a simple root :math:`r` (one with :math:`f'(r) \neq 0`) the error
    :math:`e_k = x_k - r` shrinks quadratically,
    :math:`|e_{k+1}| \approx |f''(r) / 2f'(r)|\, e_k^2`: the number of correct digits doubles
    every step. At a double root convergence is only linear, with ratio 1/2. Far from a root
    nothing is promised: a start near a turning point is thrown far away, and some starts
    cycle. Book: section 5.1, *Newton-Raphson in one dimension*, and section 5.2, *Order of
    convergence*.

    Examples
    --------
    >>> from mmlcalc import newton_raphson
    >>> result = newton_raphson(lambda x: x**2 - 2, 1.0, fprime=lambda x: 2 * x)
    >>> round(result.x, 12), result.converged, result.n_iter
    (1.414213562373, True, 5)
    >>> newton_raphson(lambda x: x**2 - 2, 0.0, fprime=lambda x: 2 * x).reason
    'zero derivative'
    """
    check_callable(f, "f")
    if fprime is not None:
        check_callable(fprime, "fprime")
    xtol = check_positive(xtol, "xtol")
    max_iter = check_positive_int(max_iter, "max_iter")
    x_limit = check_positive(x_limit, "x_limit")
    x = as_real_array(x0, "x0")
    if x.ndim > 1:
        raise ValueError(f"`x0` must be a number or a point of shape (n,), got shape {x.shape}")
    if x.size == 0:
        raise ValueError("`x0` must have at least one coordinate, got an empty array")
    scalar = x.ndim == 0
    x = float(x) if scalar else x.copy()

    fx = _evaluate(f, x, scalar=scalar)
    shape = () if scalar else x.shape
    if fx.shape != shape:
        raise ValueError(f"`f` must return {'a number' if scalar else f'shape {shape}'} at "
                         f"`x0`, got shape {fx.shape}")
    if not np.all(np.isfinite(fx)):
        raise ValueError(f"`f` returned a non-finite value ({_show(fx)}) at `x0` = {_show(x)}")
    if fprime is not None:
        slope = fprime(np.float64(x) if scalar else x)
        want = () if scalar else (x.size, x.size)
        if np.shape(slope) != want:
            raise ValueError(f"`fprime` must return shape {want} at `x0`, got shape "
                             f"{np.shape(slope)}")

    history = [x]
    if np.all(fx == 0):
        return result(history, "ftol", f"f(x0) = 0: x0 = {x!r} is a root", scalar=scalar)
    for k in range(max_iter):
        slope = _slope(f, fprime, x, scalar=scalar)
        if slope is None:
            return result(history, "diverged",
                           f"the derivative is not finite at x = {_show(x)} (step {k})",
                           scalar=scalar)
        step = newton_step(fx, slope)
        if step is None:
            what = ("f'(x) = 0", "the tangent never meets the axis") if scalar else (
                "the Jacobian is singular", "the linearised system has no unique solution")
            return result(history, "zero derivative",
                           f"{what[0]} at x = {_show(x)} (step {k}): {what[1]}", scalar=scalar)
        x_new = x + float(step) if scalar else x + step
        history.append(x_new)
        if not np.all(np.isfinite(x_new)) or _norm(x_new) > x_limit:
            return result(history, "diverged",
                           f"|x| = {_norm(x_new):.3g} exceeds x_limit = {x_limit:g} after "
                           f"{k + 1} steps", scalar=scalar)
        fx_new = _evaluate(f, x_new, scalar=scalar)
        if not np.all(np.isfinite(fx_new)):
            return result(history, "diverged",
                           f"f is not finite at x = {_show(x_new)} after {k + 1} steps",
                           scalar=scalar)
        if _norm(step) <= xtol * (1 + _norm(x_new)) or np.all(fx_new == 0):
            return result(history, "ftol" if np.all(fx_new == 0) else "xtol",
                          f"converged to x = {_show(x_new)} in {k + 1} steps, "
                          f"|f(x)| = {_norm(fx_new):.2g}", scalar=scalar)
        earlier = np.array(history[:-2])
        if earlier.size:
            gaps = np.abs(earlier - x_new) if scalar else np.max(np.abs(earlier - x_new), axis=1)
            close = np.nonzero(gaps <= xtol * (1 + _norm(x_new)))[0]
            if close.size:
                period = len(history) - 1 - int(close[-1])
                return result(history, "cycle",
                               f"x_{k + 1} = {_show(x_new)} repeats x_{int(close[-1])}: the "
                               f"iterates cycle with period {period}", scalar=scalar)
        x, fx = x_new, fx_new
    return result(history, "max_iter",
                   f"no convergence in max_iter = {max_iter} steps; last x = {_show(x)}, "
                   f"|f(x)| = {_norm(fx):.3g}", scalar=scalar)


def bisection(f: Callable, a: float, b: float, *, xtol: float = 1e-12,
              max_iter: int = 200) -> IterationResult:
    r"""Find a root of `f` in :math:`[a, b]` by halving a bracket around a sign change.

    With :math:`f(a)` and :math:`f(b)` of opposite signs, evaluate the midpoint
    :math:`m = (a + b)/2` and keep the half on which the sign still changes:

    .. math::

        [a, b] \to [a, m] \text{ if } f(a) f(m) < 0, \text{ else } [m, b].

    Parameters
    ----------
    f : callable
        A continuous function of one real variable.
    a, b : float
        The bracket, ``a < b``, with :math:`f(a) f(b) \le 0`.
    xtol : float
        Stop, converged (``reason="xtol"``), when the half-width is at most
        ``xtol * (1 + |m|)`` or the bracket cannot be halved in floating point; also
        converged (``reason="ftol"``) when :math:`f(m) = 0` exactly.
    max_iter : int
        The most halvings.

    Returns
    -------
    IterationResult
        ``history`` holds the successive midpoints (its first entry is the midpoint of
        :math:`[a, b]`); ``x`` is the last; ``reason`` is ``"xtol"``, ``"ftol"`` or
        ``"max_iter"``.

    Raises
    ------
    TypeError
        If `f` is not callable or `a`, `b` are not real numbers.
    ValueError
        If ``a >= b``, :math:`f(a)` and :math:`f(b)` have the same sign, or `f` is not finite
        at the ends.

    See Also
    --------
    scipy.optimize.bisect : the same method.
    scipy.optimize.brentq : a faster hybrid with the same guarantee.
    newton_raphson : quadratic convergence, without the guarantee.

    Notes
    -----
    The bracket halves every step, so the error bound shrinks linearly with ratio 1/2: about
    :math:`\log_2((b - a)/\text{xtol})` steps, whatever `f` is. Book: section 5.2.

    Examples
    --------
    >>> from mmlcalc import bisection
    >>> result = bisection(lambda x: x**2 - 2, 0.0, 2.0, xtol=1e-6)
    >>> abs(result.x - 2**0.5) < 1e-6, result.n_iter
    (True, 19)
    """
    check_callable(f, "f")
    a = float(as_real_array(a, "a", ndim=0))
    b = float(as_real_array(b, "b", ndim=0))
    xtol = check_positive(xtol, "xtol")
    max_iter = check_positive_int(max_iter, "max_iter")
    if not a < b:
        raise ValueError(f"`a` must be less than `b`, got a={a!r} and b={b!r}")
    fa, fb = (_evaluate(f, end, scalar=True) for end in (a, b))
    for name, end, value in (("a", a, fa), ("b", b, fb)):
        if value.shape != () or not np.isfinite(value):
            raise ValueError(f"`f` must return a finite number at `{name}` = {end!r}, got "
                             f"{_show(value)}")
    if fa * fb > 0:
        raise ValueError(f"`f(a)` and `f(b)` must differ in sign, got f({a!r}) = {float(fa):.6g} "
                         f"and f({b!r}) = {float(fb):.6g}")

    history = []
    for k in range(max_iter + 1):
        m = 0.5 * (a + b)
        history.append(m)
        fm = _evaluate(f, m, scalar=True)
        if not np.isfinite(fm):
            raise ValueError(f"`f` returned a non-finite value at x = {m!r}")
        if fm == 0 or 0.5 * (b - a) <= xtol * (1 + abs(m)) or m in (a, b):
            return result(history, "ftol" if fm == 0 else "xtol",
                          f"converged to x = {m!r} in {k} halvings", scalar=True)
        if k == max_iter:
            break
        if np.sign(fm) == np.sign(fa):
            a, fa = m, fm
        else:
            b = m
    return result(history, "max_iter",
                   f"no convergence in max_iter = {max_iter} halvings; bracket "
                   f"[{a!r}, {b!r}]", scalar=True)


def convergence_order(errors) -> np.ndarray:
    r"""Estimate the order of convergence from successive errors :math:`e_0, e_1, \dots`.

    If :math:`e_{k+1} \approx C e_k^q`, dividing two such relations and taking logarithms gives

    .. math::

        q \approx \frac{\log(e_{k+1} / e_k)}{\log(e_k / e_{k-1})}.

    Parameters
    ----------
    errors : array_like, shape (m,)
        Positive errors :math:`|x_k - r|`, at least three, no two neighbours equal.

    Returns
    -------
    ndarray, shape (m - 2,)
        One estimate of :math:`q` per interior error; the late ones are the trustworthy ones
        (before round-off sets in).

    Raises
    ------
    ValueError
        If there are fewer than three errors, or any is not positive, or two neighbours are
        equal.

    See Also
    --------
    newton_raphson, bisection : whose histories this measures.

    Notes
    -----
    :math:`q = 1` is linear convergence (a fixed number of digits per step), :math:`q = 2`
    quadratic (the digits double). Book: section 5.2, *Order of convergence*.

    Examples
    --------
    >>> from mmlcalc import convergence_order
    >>> convergence_order([1e-1, 1e-2, 1e-4, 1e-8]).round(6)
    array([2., 2.])
    """
    e = as_real_array(errors, "errors", ndim=1)
    if e.size < 3:
        raise ValueError(f"`errors` must hold at least 3 values, got {e.size}")
    if np.any(e <= 0):
        raise ValueError(f"`errors` must be positive, got {_show(e)}")
    ratios = np.log(e[1:] / e[:-1])
    if np.any(ratios == 0):
        raise ValueError("`errors` must not hold two equal neighbours")
    return ratios[1:] / ratios[:-1]


def newton_basins(f: Callable, starts, roots, *, fprime: Callable | None = None,
                  xtol: float = 1e-12, max_iter: int = 100, rtol: float = 1e-8) -> np.ndarray:
    r"""Which root Newton-Raphson reaches from each start: the basins of attraction on a line.

    The basin of attraction of a root :math:`r` is the set of starts :math:`x_0` whose
    iterates converge to :math:`r`.

    Parameters
    ----------
    f : callable
        A function of one real variable.
    starts : array_like, shape (m,)
        The starts to try.
    roots : array_like, shape (p,)
        The known roots, to label the outcomes.
    fprime : callable, optional
        The derivative; default a central difference.
    xtol, max_iter : float, int
        Passed to :func:`newton_raphson`.
    rtol : float
        A converged iterate matches a root when it is within ``rtol * (1 + |root|)`` of it.

    Returns
    -------
    ndarray of int, shape (m,)
        The index in `roots` of the root reached from each start, or -1 where Newton-Raphson
        failed or converged to none of `roots`.

    Raises
    ------
    TypeError, ValueError
        As :func:`newton_raphson`; also if `starts` or `roots` is not one-dimensional.

    See Also
    --------
    newton_raphson : the iteration run from each start.

    Notes
    -----
    Near a root the basin is an interval around it; near a turning point the starts are
    thrown far away and the basins interleave finely. Book: section 5.1.

    Examples
    --------
    >>> from mmlcalc import newton_basins
    >>> newton_basins(lambda x: x**2 - 1, [-2.0, -0.5, 0.0, 0.5, 2.0], [-1.0, 1.0],
    ...               fprime=lambda x: 2 * x)
    array([ 0,  0, -1,  1,  1])
    """
    check_callable(f, "f")
    starts = as_real_array(starts, "starts", ndim=1)
    roots = as_real_array(roots, "roots", ndim=1)
    rtol = check_positive(rtol, "rtol")
    labels = np.full(starts.shape, -1, dtype=int)
    for i, x0 in enumerate(starts):
        run = newton_raphson(f, float(x0), fprime=fprime, xtol=xtol, max_iter=max_iter)
        if run.converged:
            match = np.nonzero(np.abs(roots - run.x) <= rtol * (1 + np.abs(roots)))[0]
            if match.size:
                labels[i] = int(match[0])
    return labels
