r"""Stationary points and the second-derivative test.

Where the gradient of :math:`f` vanishes, the Hessian :math:`H` says what kind of point it is:
the signs of its eigenvalues are the signs of the curvature of :math:`f` along the principal
directions. Taught in section 2.5 (*The Hessian*); used by the sandpit of section 2.6 to check
its deepest point, and again in chapter 5.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_real_array, check_positive

__all__ = ["STATIONARY_KINDS", "classify_stationary_point"]

#: The answers of :func:`classify_stationary_point`.
STATIONARY_KINDS = ("minimum", "maximum", "saddle", "inconclusive")


def classify_stationary_point(H, *, tol: float = 1e-8) -> str:
    r"""Classify a stationary point by the eigenvalues of its Hessian (second-derivative test).

    With :math:`\lambda_1 \le \dots \le \lambda_n` the eigenvalues of the symmetric matrix
    :math:`H`:

    .. math::

        \text{minimum if all } \lambda_i > 0, \qquad
        \text{maximum if all } \lambda_i < 0, \qquad
        \text{saddle if } \lambda_1 < 0 < \lambda_n,

    and *inconclusive* otherwise. So a definite :math:`H` gives a minimum or a maximum; an
    indefinite one (eigenvalues of both signs) a saddle, also when some eigenvalues are zero
    (for :math:`n \ge 3`, e.g. :math:`\operatorname{diag}(1, 0, -1)`); and a semidefinite,
    singular one (some :math:`\lambda_i = 0`, the others of one sign) no verdict.
    For :math:`n = 2` this is the familiar rule: :math:`\det H > 0` and
    :math:`f_{xx} > 0` a minimum, :math:`\det H > 0` and :math:`f_{xx} < 0` a maximum,
    :math:`\det H < 0` a saddle, :math:`\det H = 0` no verdict.

    Parameters
    ----------
    H : array_like, shape (n, n)
        The Hessian at a point where the gradient is zero (a numpy array, nested lists or a
        sympy Matrix of numbers).
    tol : float, optional
        An eigenvalue counts as zero when :math:`|\lambda| \le \text{tol} \cdot
        \max(1, \max_i |\lambda_i|)`. Keyword-only. Finite-difference Hessians are accurate to
        about :math:`10^{-7}`; raise `tol` to match the accuracy of yours.

    Returns
    -------
    str
        One of ``"minimum"``, ``"maximum"``, ``"saddle"``, ``"inconclusive"``
        (:data:`STATIONARY_KINDS`).

    Raises
    ------
    TypeError
        If `H` is not real numbers.
    ValueError
        If `H` is not a finite, square, symmetric matrix, or `tol` is not positive.

    See Also
    --------
    numpy.linalg.eigvalsh : the eigenvalues of a symmetric matrix, used here.
    mmlcalc.hessian, mmlcalc.symbolic.hessian : where `H` comes from.

    Notes
    -----
    A strict local minimum needs :math:`\nabla f = 0` and :math:`H` positive definite
    (sufficient, not necessary: :math:`x^4 + y^4` has a minimum at the origin with
    :math:`H = 0`, and the test says *inconclusive*). The function does not check the
    gradient; that is the caller's part. Book: section 2.5, *The Hessian*.

    Examples
    --------
    >>> from mmlcalc import classify_stationary_point
    >>> classify_stationary_point([[2, 0], [0, 2]])    # x^2 + y^2 at the origin
    'minimum'
    >>> classify_stationary_point([[2, 0], [0, -2]])   # x^2 - y^2
    'saddle'
    >>> classify_stationary_point([[0, 0], [0, 0]])    # x^4 + y^4 (or x^4 - y^4)
    'inconclusive'
    >>> classify_stationary_point([[2, 0, 0], [0, 0, 0], [0, 0, -2]])  # x^2 + y^4 - z^2
    'saddle'
    """
    tol = check_positive(tol, "tol")
    H = as_real_array(H, "H", ndim=2)
    n, m = H.shape
    if n != m or n == 0:
        raise ValueError(f"`H` must be a square matrix, got shape {H.shape}")
    scale = max(1.0, float(np.max(np.abs(H))))
    if not np.allclose(H, H.T, rtol=0, atol=tol * scale):
        raise ValueError(f"`H` must be symmetric, got {H.tolist()}")
    eigenvalues = np.linalg.eigvalsh((H + H.T) / 2)
    zero = tol * max(1.0, float(np.max(np.abs(eigenvalues))))
    positive, negative = eigenvalues > zero, eigenvalues < -zero
    if np.all(positive):
        return "minimum"
    if np.all(negative):
        return "maximum"
    if np.any(positive) and np.any(negative):
        return "saddle"
    return "inconclusive"
