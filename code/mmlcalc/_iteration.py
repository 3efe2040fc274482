r"""The result of an iterative method, shared by :mod:`mmlcalc.roots` and :mod:`mmlcalc.descent`.

An iterative method can fail in several honest ways: the derivative vanishes, the iterates
cycle, they run off to infinity, or the iteration budget runs out. None of these is an error in
the caller's code, so none raises: the result says what happened, and the book shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["REASONS", "IterationResult"]

#: Each ``reason`` a result can carry, with what it means (why an iteration stopped).
REASONS = {
    "converged": "the stopping test was met",
    "zero derivative": "the derivative (or Jacobian, or Hessian) was singular: no step exists",
    "cycle": "an iterate came back to an earlier one, so the iteration would repeat forever",
    "diverged": "the iterates left every bounded region or produced non-finite values",
    "max_iter": "the iteration budget ran out before the stopping test was met",
}


@dataclass(frozen=True)
class IterationResult:
    r"""What an iterative solver returns: where it stopped, whether that is a solution, and why.

    Attributes
    ----------
    x : float or ndarray
        The last iterate: a float for a scalar problem, shape ``(n,)`` for a problem in
        :math:`\mathbb{R}^n`.
    converged : bool
        True if the stopping test was met; False for every kind of failure.
    n_iter : int
        The number of steps taken (``len(history) - 1``).
    history : ndarray
        Every iterate from the start :math:`x_0` to the last, shape ``(n_iter + 1,)`` or
        ``(n_iter + 1, n)``.
    reason : str
        One of the keys of :data:`REASONS`: ``"converged"``, ``"zero derivative"``,
        ``"cycle"``, ``"diverged"`` or ``"max_iter"``.
    message : str
        A sentence for people, with the numbers that explain the outcome.
    kinds : tuple of str
        For methods that choose between steps (the hybrid of section 5.4), the kind of each
        step taken, e.g. ``("newton", "gradient", ...)``; empty otherwise.
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
        if self.converged != (self.reason == "converged"):
            raise ValueError("`converged` must be True exactly when `reason` is 'converged'")
