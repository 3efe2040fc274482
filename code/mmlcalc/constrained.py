r"""Optimisation with an equality constraint: the method of Lagrange multipliers.

Taught in chapter 5 of the book, section 5.6: at a stationary point of :math:`f` on the
constraint :math:`g = 0` the two gradients are parallel, :math:`\nabla f = \lambda \nabla g`.
Together with the constraint that is :math:`n + 1` equations in :math:`n + 1` unknowns
:math:`(x, \lambda)`, solved here exactly with sympy or numerically with Newton-Raphson, and
each solution is classified as a maximum, minimum or saddle *along the constraint*.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ._validation import (
    MAX_ITER,
    as_real_array,
    as_rng,
    check_choice,
    check_expression,
    check_positive,
    check_positive_int,
    check_symbols,
)
from .roots import newton_raphson
from .symbolic import to_numpy

__all__ = ["CONSTRAINED_KINDS", "ConstrainedPoint", "classify_constrained", "lagrange_system",
           "solve_lagrange"]

#: What :func:`classify_constrained` can say about a stationary point along the constraint.
#: The most starts the numeric method of :func:`solve_lagrange` takes (each runs Newton-Raphson).
MAX_STARTS = 10_000

CONSTRAINED_KINDS = ("minimum", "maximum", "saddle", "degenerate", "unknown")


@dataclass(frozen=True)
class ConstrainedPoint:
    r"""A stationary point of :math:`f` on the constraint :math:`g = 0`.

    Attributes
    ----------
    x : tuple
        The point: sympy expressions (``method="symbolic"``) or floats (``"numeric"``).
    lam : sympy.Expr or float
        The Lagrange multiplier :math:`\lambda`, with :math:`\nabla f = \lambda \nabla g`.
    value : sympy.Expr or float
        :math:`f(x)`.
    kind : str
        ``"minimum"``, ``"maximum"`` or ``"saddle"`` along the constraint (local), or
        ``"degenerate"`` when the second-order test is inconclusive, ``"unknown"`` when its
        sign depends on parameters sympy cannot decide.

    Notes
    -----
    Book: section 5.6.
    """

    x: tuple
    lam: object
    value: object
    kind: str


def _point(point, variables) -> tuple:
    """`point` as one finite real sympy number or expression per variable."""
    if isinstance(point, str | bytes) or not isinstance(point, Sequence | np.ndarray):
        raise TypeError(f"`point` must be a sequence of numbers or sympy expressions, got "
                        f"{type(point).__name__} {point!r}")
    point = tuple(check_expression(p.item() if isinstance(p, np.generic) else p, "point")
                  for p in point)
    if len(point) != len(variables):
        raise ValueError(f"`point` must have {len(variables)} entries (one per variable), got "
                         f"{len(point)}")
    if any(p.is_real is False for p in point):
        raise ValueError(f"`point` must be real, got {point}")
    return point


def _multiplier(f, g, variables) -> sp.Symbol:
    """A symbol for lambda that clashes with none of the problem's symbols."""
    taken = f.free_symbols | g.free_symbols | set(variables)
    lam = sp.Symbol("lambda", real=True)
    return lam if lam not in taken else sp.Dummy("lambda", real=True)


def lagrange_system(f, g, variables):
    r"""The equations :math:`\nabla f - \lambda \nabla g = 0,\ g = 0`, and the multiplier.

    They say that :math:`(x, \lambda)` is a stationary point of the Lagrangian
    :math:`\mathcal{L}(x, \lambda) = f(x) - \lambda\, g(x)`:

    .. math::

        \nabla_{x,\lambda} \mathcal{L} = 0 \iff
        \frac{\partial f}{\partial x_i} = \lambda \frac{\partial g}{\partial x_i}
        \ (i = 1, \dots, n), \quad g(x) = 0.

    Parameters
    ----------
    f, g : sympy.Expr
        The objective and the constraint function (the constraint is :math:`g = 0`).
    variables : sequence of sympy.Symbol
        The variables :math:`x_1, \dots, x_n`; any other symbol is a parameter.

    Returns
    -------
    equations : sympy.Matrix, shape (n + 1, 1)
        :math:`\nabla_{x,\lambda}\mathcal{L}` up to the sign of its last entry.
    lam : sympy.Symbol
        The multiplier :math:`\lambda` (named ``lambda``).

    Raises
    ------
    TypeError
        If `f` or `g` is not a sympy expression or `variables` are not symbols.
    ValueError
        If `f` or `g` is not finite (it holds NaN, ``zoo`` or ``oo``).

    See Also
    --------
    solve_lagrange : solves these equations.

    Notes
    -----
    Book: section 5.6, *Lagrange multipliers*.

    Examples
    --------
    >>> import sympy as sp
    >>> from mmlcalc.constrained import lagrange_system
    >>> x, y = sp.symbols("x y", real=True)
    >>> equations, lam = lagrange_system(x * y, x + y - 2, (x, y))
    >>> list(equations)
    [-lambda + y, -lambda + x, x + y - 2]
    """
    f = check_expression(f, "f")
    g = check_expression(g, "g")
    variables = check_symbols(variables, "variables")
    lam = _multiplier(f, g, variables)
    equations = [sp.diff(f, v) - lam * sp.diff(g, v) for v in variables] + [g]
    return sp.Matrix(equations), lam


def _sign(value) -> str | None:
    """'+', '-', '0' or None (undecidable) for a sympy number or expression."""
    value = sp.simplify(value)
    if value.free_symbols:
        if value.is_positive:
            return "+"
        if value.is_negative:
            return "-"
        if value.is_zero:
            return "0"
        return None
    number = float(value)
    return "+" if number > 1e-9 else "-" if number < -1e-9 else "0"


def classify_constrained(f, g, variables, point, *, lam) -> str:
    r"""Say whether a stationary point is a maximum, minimum or saddle of `f` along `g = 0`.

    The second-order test uses the Hessian of the Lagrangian
    :math:`\mathcal{L} = f - \lambda g` restricted to the directions :math:`t` tangent to the
    constraint (:math:`\nabla g\, t = 0`):

    .. math::

        t^\top \nabla^2 \mathcal{L}\, t > 0 \text{ for all such } t \ne 0
        \Rightarrow \text{minimum}, \qquad < 0 \Rightarrow \text{maximum}.

    Parameters
    ----------
    f, g : sympy.Expr
        Objective and constraint function.
    variables : sequence of sympy.Symbol
        The variables.
    point : sequence
        The stationary point (numbers or sympy expressions), one entry per variable.
    lam : number or sympy.Expr
        Its multiplier. Keyword-only.

    Returns
    -------
    str
        ``"minimum"``, ``"maximum"``, ``"saddle"`` (the restricted Hessian has eigenvalues of
        both signs), ``"degenerate"`` (a zero eigenvalue: the test says nothing) or
        ``"unknown"`` (the sign depends on parameters in a way sympy cannot decide).

    Raises
    ------
    TypeError
        If `f`, `g`, `variables`, `point` or `lam` have the wrong type (an entry of `point`
        or `lam` must be a number or a sympy expression, not a string).
    ValueError
        If `f`, `g`, `lam` or an entry of `point` is not finite (NaN, ``zoo``, ``oo``),
        `point` is not real or does not have one entry per variable, or :math:`\nabla g = 0`
        there.

    See Also
    --------
    solve_lagrange : finds the points, and classifies them with this test.

    Notes
    -----
    The test is local: a "maximum" is the largest value of `f` on the constraint *near* the
    point. With two variables the tangent space is the line along
    :math:`t = (-\partial_y g, \partial_x g)`. Book: section 5.6.

    Examples
    --------
    >>> import sympy as sp
    >>> from mmlcalc.constrained import classify_constrained
    >>> x, y = sp.symbols("x y", real=True)
    >>> classify_constrained(x + y, x**2 + y**2 - 2, (x, y), (1, 1), lam=sp.Rational(1, 2))
    'maximum'
    """
    f = check_expression(f, "f")
    g = check_expression(g, "g")
    variables = check_symbols(variables, "variables")
    point = _point(point, variables)
    lam = check_expression(lam, "lam")
    at = dict(zip(variables, point, strict=True))
    grad_g = sp.Matrix([sp.diff(g, v) for v in variables]).subs(at)
    if all(sp.simplify(entry) == 0 for entry in grad_g):
        raise ValueError(f"the gradient of `g` vanishes at {point}: the multiplier test does "
                         "not apply there")
    H = sp.hessian(f - lam * g, variables).subs(at)
    numeric = not (H.free_symbols or grad_g.free_symbols)
    if numeric:
        H_num = np.array(H.evalf(), dtype=float)
        row = np.array(grad_g.evalf(), dtype=float).ravel()
        # an orthonormal basis of the tangent space: the null space of the row grad g
        _, _, vt = np.linalg.svd(row[np.newaxis, :])
        basis = vt[1:].T
        eigenvalues = np.linalg.eigvalsh(basis.T @ H_num @ basis)
        scale = max(1.0, float(np.max(np.abs(H_num))))
        signs = {"+" if e > 1e-9 * scale else "-" if e < -1e-9 * scale else "0"
                 for e in eigenvalues}
    elif len(variables) == 2:
        t = sp.Matrix([-grad_g[1], grad_g[0]])
        sign = _sign((t.T * H * t)[0, 0])
        if sign is None:
            return "unknown"
        signs = {sign}
    else:
        return "unknown"
    if "0" in signs:
        return "degenerate"
    if signs == {"+"}:
        return "minimum"
    if signs == {"-"}:
        return "maximum"
    return "saddle"


def _is_real(value) -> bool:
    if value.is_real is False:
        return False
    if value.free_symbols:
        return True
    number = complex(value.evalf())
    return abs(number.imag) <= 1e-12 * max(1.0, abs(number.real))


def _sort_key(point: ConstrainedPoint):
    try:
        return (0, tuple(float(c) for c in point.x), "")
    except TypeError:
        return (1, (), str(point.x))


def solve_lagrange(f, g, variables, *, method: str = "symbolic", starts=None,
                   n_starts: int = 50, rng=0, xtol: float = 1e-12,
                   max_iter: int = 50) -> list[ConstrainedPoint]:
    r"""Find every stationary point of `f` on the constraint :math:`g = 0`, and classify it.

    Solve :math:`\nabla f = \lambda \nabla g`, :math:`g = 0` for :math:`(x, \lambda)`:
    exactly with ``sympy.solve``, or numerically by Newton-Raphson on that system of
    :math:`n + 1` equations from many starts.

    Parameters
    ----------
    f, g : sympy.Expr
        The objective and the constraint function; the constraint is :math:`g(x) = 0`.
    variables : sequence of sympy.Symbol
        The variables; other symbols are parameters (symbolic method only). Declare them
        ``real=True`` (and parameters ``positive=True`` where true) to help sympy.
    method : {"symbolic", "numeric"}
        Keyword-only, like the rest.
    starts : array_like, shape (k, n), optional
        Numeric method: the starts for :math:`x`; the start for :math:`\lambda` is the least
        squares solution of :math:`\nabla f = \lambda \nabla g` there. Default: `n_starts`
        points drawn from a standard normal distribution scaled by 2, drawn with `rng`.
    n_starts : int
        Numeric method: how many default starts.
    rng : numpy.random.Generator or int, optional
        Numeric method: the generator of the default starts, or its seed (default 0).
    xtol, max_iter : float, int
        Numeric method: passed to :func:`~mmlcalc.newton_raphson`.

    Returns
    -------
    list of ConstrainedPoint
        Each real stationary point once, with ``x``, ``lam``, ``value`` and ``kind`` (see
        :func:`classify_constrained`), sorted by coordinates. Exact sympy expressions for
        ``"symbolic"``, floats for ``"numeric"``.

    Raises
    ------
    TypeError
        If `f` or `g` is not a sympy expression (an equation ``Eq(...)`` is not), `variables`
        are not symbols, or an option has the wrong type.
    ValueError
        If `f` or `g` is not finite (NaN, ``zoo``, ``oo``), `method` is unknown, `starts` has
        the wrong shape or more than ``MAX_STARTS`` rows, `n_starts` is not between 1 and
        ``MAX_STARTS``, `xtol` is not positive, `max_iter` is not between 1 and
        ``MAX_ITER``, or (numeric) the problem has parameters.

    See Also
    --------
    sympy.solve : the symbolic solver used here.
    scipy.optimize.minimize : ``constraints=`` with ``method="SLSQP"`` or
        ``"trust-constr"`` finds one constrained minimum numerically.

    Notes
    -----
    The conditions are necessary, not sufficient, and they miss points where
    :math:`\nabla g = 0`. The numeric method finds only the points some start converges to:
    more starts, more confidence, never a proof. Book: section 5.6, *Lagrange multipliers*.

    Examples
    --------
    >>> import sympy as sp
    >>> from mmlcalc import solve_lagrange
    >>> x, y = sp.symbols("x y", real=True)
    >>> for p in solve_lagrange(x + y, x**2 + y**2 - 2, (x, y)):
    ...     print(p.x, p.lam, p.value, p.kind)
    (-1, -1) -1/2 -2 minimum
    (1, 1) 1/2 2 maximum
    """
    check_choice(method, "method", ("symbolic", "numeric"))
    f = check_expression(f, "f")
    g = check_expression(g, "g")
    variables = check_symbols(variables, "variables")
    n = len(variables)
    n_starts = check_positive_int(n_starts, "n_starts", high=MAX_STARTS)
    rng = as_rng(rng, "rng")
    if starts is not None:
        starts = as_real_array(starts, "starts", shape=(None, n))
        if len(starts) > MAX_STARTS:
            raise ValueError(f"`starts` must hold at most {MAX_STARTS:_} starts, got "
                             f"{len(starts)}")
    xtol = check_positive(xtol, "xtol")
    max_iter = check_positive_int(max_iter, "max_iter", high=MAX_ITER)
    equations, lam = lagrange_system(f, g, variables)
    unknowns = [*variables, lam]

    if method == "symbolic":
        solutions = sp.solve(list(equations), unknowns, dict=True)
        points = []
        for solution in solutions:
            if not all(u in solution for u in unknowns):
                continue  # a family of solutions: not isolated points
            values = [sp.simplify(solution[u]) for u in unknowns]
            if not all(_is_real(v) for v in values):
                continue
            x, lam_value = tuple(values[:-1]), values[-1]
            value = sp.simplify(f.subs(dict(zip(variables, x, strict=True))))
            kind = classify_constrained(f, g, variables, x, lam=lam_value)
            points.append(ConstrainedPoint(x=x, lam=lam_value, value=value, kind=kind))
        return sorted(points, key=_sort_key)

    parameters = (f.free_symbols | g.free_symbols) - set(variables)
    if parameters:
        names = ", ".join(sorted(str(p) for p in parameters))
        raise ValueError(f"method='numeric' needs numbers for every parameter; `f` and `g` "
                         f"have free symbols {names} besides `variables`")
    if starts is None:
        starts = 2.0 * rng.standard_normal((n_starts, n))
    system = to_numpy(equations, unknowns)
    jac_entries = to_numpy(equations.jacobian(unknowns), unknowns)
    grad_f = to_numpy(sp.Matrix([sp.diff(f, v) for v in variables]), variables)
    grad_g = to_numpy(sp.Matrix([sp.diff(g, v) for v in variables]), variables)

    def jac(z):
        return jac_entries(z).reshape(n + 1, n + 1)

    found: list[np.ndarray] = []
    for x0 in starts:
        a, b = grad_f(x0), grad_g(x0)
        lam0 = float(a @ b / (b @ b)) if b @ b > 0 else 0.0
        result = newton_raphson(system, np.append(x0, lam0), fprime=jac, xtol=xtol,
                                max_iter=max_iter)
        if not result.converged or np.max(np.abs(system(result.x))) > 1e-8:
            continue
        z = result.x
        if not any(np.max(np.abs(z - other)) <= 1e-7 * (1 + np.max(np.abs(z))) for other in found):
            found.append(z)
    f_num = to_numpy(f, variables)
    points = []
    for z in found:
        z = np.where(np.abs(z) < 1e-14 * (1 + np.max(np.abs(z))), 0.0, z)  # round-off to 0
        x = tuple(float(c) + 0.0 for c in z[:n])
        kind = classify_constrained(f, g, variables, x, lam=float(z[n]))
        points.append(ConstrainedPoint(x=x, lam=float(z[n]) + 0.0,
                                       value=float(f_num(np.array(x))) + 0.0, kind=kind))
    return sorted(points, key=_sort_key)
