r"""What every iterative method of :mod:`mmlcalc` shares: its result, its Newton step and its
line search.

An iterative method can fail in several honest ways: the derivative vanishes, the iterates
cycle, they run off to infinity, or the iteration budget runs out. None of these is an error in
the caller's code, so none raises: the result says what happened, and the book shows it.

The tolerances mean one thing each, everywhere (as in scipy): ``xtol`` bounds the step,
``ftol`` the change of the objective, ``gtol`` the gradient. A result that says ``converged``
names the one that held in ``reason``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = ["CONVERGED", "REASONS", "IterationResult", "backtrack", "newton_step"]

#: The reasons that mean success (which stopping test held).
CONVERGED = {
    "xtol": "the step (relative to the size of each coordinate) fell below xtol",
    "ftol": "the objective stopped falling: its relative change fell below ftol "
            "(or f(x) = 0 exactly, for a root)",
    "gtol": "the gradient (its norm, or for a fit its scaled size) fell below gtol",
}

#: Each ``reason`` a result can carry, with what it means (why an iteration stopped).
REASONS = {
    **CONVERGED,
    "zero derivative": "the derivative (or Jacobian, or Hessian) was singular: no step exists",
    "cycle": "an iterate came back to an earlier one, so the iteration would repeat forever",
    "diverged": "the iterates left every bounded region or produced non-finite values",
    "stalled": "no step lowered the objective any further (the limit of floating point)",
    "max_iter": "the iteration budget ran out before a stopping test was met",
}


@dataclass(frozen=True, eq=False)
class IterationResult:
    r"""What an iterative solver returns: where it stopped, whether that is a solution, and why.

    Attributes
    ----------
    x : float or ndarray
        The last iterate: a float for a scalar problem, shape ``(n,)`` for a problem in
        :math:`\mathbb{R}^n`.
    converged : bool
        True if a stopping test was met (`reason` is ``"xtol"``, ``"ftol"`` or ``"gtol"``);
        False for every kind of failure.
    n_iter : int
        The number of steps taken (``len(history) - 1``).
    history : ndarray
        Every iterate from the start :math:`x_0` to the last, shape ``(n_iter + 1,)`` or
        ``(n_iter + 1, n)``.
    reason : str
        One of the keys of :data:`REASONS`: ``"xtol"``, ``"ftol"``, ``"gtol"`` (converged),
        ``"zero derivative"``, ``"cycle"``, ``"diverged"``, ``"stalled"`` or ``"max_iter"``.
    message : str
        A sentence for people, with the numbers that explain the outcome.
    kinds : tuple of str
        For methods that choose between steps (the hybrid of section 5.4), the kind of each
        step taken, e.g. ``("newton", "gradient", ...)``; empty otherwise.

    Notes
    -----
    Book: sections 5.1 to 5.5, 6.4 and 6.5.
    """

    x: float | np.ndarray
    converged: bool
    n_iter: int
    history: np.ndarray = field(repr=False)
    reason: str
    message: str
    kinds: tuple[str, ...] = field(default=(), repr=False)

    def __post_init__(self):
        if self.reason not in REASONS:
            raise ValueError(f"`reason` must be one of {sorted(REASONS)}, got {self.reason!r}")
        if self.converged != (self.reason in CONVERGED):
            raise ValueError("`converged` must be True exactly when `reason` is one of "
                             f"{sorted(CONVERGED)}, got reason {self.reason!r}")


def result(history, reason: str, message: str, *, scalar: bool = False, kinds=()):
    """An :class:`IterationResult` from the list of iterates, start first."""
    history = np.array(history, dtype=float)
    x = float(history[-1]) if scalar else history[-1].copy()
    return IterationResult(x=x, converged=reason in CONVERGED, n_iter=len(history) - 1,
                           history=history, reason=reason, message=message, kinds=tuple(kinds))


def quietly(f: Callable, *args):
    """``f(*args)`` with numpy's overflow warnings off (the caller checks); NaN if Python's
    ``OverflowError`` is raised, so that the caller reports divergence rather than crash."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        try:
            return f(*args)
        except OverflowError:
            return np.nan


#: A matrix whose condition number reaches this counts as singular (see :func:`newton_step`).
_SINGULAR = 1e12


def newton_step(g, H):
    r"""The Newton step :math:`\delta` solving :math:`H\delta = -g` (shape of `g`; stacks too),
    or None if `H` is singular.

    The one rule for "singular" in the package: `H` (any of a stack) is not finite, or its
    condition number is at least :math:`10^{12}` (exactly singular, or so close that fewer than
    four digits of the step would be right), or the step is not finite. The sandpit game's
    script applies the same test to its 2 x 2 Hessians.
    """
    g, H = np.asarray(g, dtype=float), np.asarray(H, dtype=float)
    if not np.all(np.isfinite(H)):
        return None
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if H.ndim == 0:
            if H == 0:
                return None
            return _finite(float(-g / H))
        if np.any(np.linalg.cond(H) >= _SINGULAR):
            return None
        return _finite(-np.linalg.solve(H, g[..., np.newaxis])[..., 0])


def _finite(step):
    return step if np.all(np.isfinite(step)) else None



def backtrack(phi: Callable, f0: float, slope: float, rate: float, *, max_tries: int = 60,
              c: float = 1e-4):
    r"""Armijo backtracking: try :math:`\eta, \eta/2, \eta/4, \dots` and accept the first with
    :math:`\varphi(\eta) \le \varphi(0) - c\,\eta\,s` (the sufficient-decrease condition; for a
    step along a direction :math:`\mathbf{d}`, :math:`s = -\nabla f\,\mathbf{d} > 0`, which
    is :math:`\lVert \nabla f \rVert^2` along :math:`-\nabla f^\top`).

    ``phi(rate)`` returns ``(value, extra)``: the objective after that step (``inf`` if not
    finite) and what the caller wants back for it (residuals, a probe). Returns
    ``(rate, value, extra)`` for the accepted rate, or None after `max_tries` rates.
    """
    for _ in range(max_tries):
        value, extra = phi(rate)
        if value < f0 and value <= f0 - c * rate * slope:
            return rate, value, extra
        rate /= 2
    return None
