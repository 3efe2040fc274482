r"""Exact derivatives with sympy, and the bridge from sympy expressions to numpy functions.

The book checks its numerical results against these exact ones. Taught in chapter 1 (the rules
of differentiation) and chapter 2 (gradient, Jacobian and Hessian).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from numbers import Integral

import numpy as np
import sympy as sp

from ._validation import as_rng, check_expression, check_positive_int, check_symbol, check_symbols

__all__ = ["RULES", "SPECIAL_DERIVATIVES", "Drill", "diff_by_rules", "drills",
           "is_derivative", "random_expression", "rules_used", "to_numpy"]


def to_numpy(expr, variables: Sequence[sp.Symbol] | sp.Symbol):
    r"""Turn a sympy expression into a numpy function of the given variables.

    For one variable the function takes an array of points; for several, it takes an array
    whose last axis holds the coordinates, the convention of :func:`mmlcalc.gradient`.

    Parameters
    ----------
    expr : sympy.Expr or sympy.Matrix
        The expression (a Matrix for a vector-valued function).
    variables : sympy.Symbol or sequence of sympy.Symbol
        The variables, in the order of the coordinates.

    Returns
    -------
    callable
        ``f(x)``, vectorised with numpy.

    Raises
    ------
    TypeError
        If `expr` is not a sympy object or `variables` are not symbols.
    ValueError
        If `expr` has free symbols that are not among `variables`.

    See Also
    --------
    sympy.lambdify : what this wraps.

    Examples
    --------
    >>> import numpy as np, sympy as sp
    >>> from mmlcalc.symbolic import to_numpy
    >>> x, y = sp.symbols("x y")
    >>> f = to_numpy(x**2 * y, (x, y))
    >>> f(np.array([[1.0, 2.0], [3.0, 1.0]]))
    array([2., 9.])

    Book: sections 1.4 and 2.1.
    """
    single = isinstance(variables, sp.Symbol)
    symbols = check_symbols(variables, "variables")
    vector = isinstance(expr, sp.MatrixBase)
    for entry in (expr if vector else [expr]):
        check_expression(entry, "expr", symbols=symbols)
    entries = [sp.lambdify(symbols, e, "numpy") for e in (expr if vector else [expr])]

    def f(x):
        x = np.asarray(x) if np.iscomplexobj(x) else np.asarray(x, dtype=float)
        coords = (x,) if single else tuple(np.moveaxis(x, -1, 0))
        shape = x.shape if single else x.shape[:-1]
        # constants come back as plain numbers: broadcast every entry to the points' shape
        dtype = np.result_type(x, float)
        values = [np.broadcast_to(np.asarray(entry(*coords), dtype=dtype), shape)
                  for entry in entries]
        return np.stack(values, axis=-1) if vector else values[0].copy()

    return f


# -- chapter 1: rules of differentiation and drills --

#: The rules of chapter 1, in the order the book teaches them. ``"special"`` stands for the
#: derivatives of :math:`\sin`, :math:`\cos`, :math:`e^x` and :math:`\ln` (section 1.3).
RULES = ("sum", "power", "special", "product", "quotient", "chain")

#: Derivatives of the special functions, as functions of their argument :math:`u`.
SPECIAL_DERIVATIVES = {
    sp.sin: sp.cos,
    sp.cos: lambda u: -sp.sin(u),
    sp.exp: sp.exp,
    sp.log: lambda u: 1 / u,
}

_GENERATOR_RULES = ("sum", "product", "quotient", "chain")


def _check_expression(expr, name: str, x: sp.Symbol | None = None):
    """A sympy expression from `expr`; strings are parsed (with `x` standing for its name)."""
    return check_expression(expr, name, parse=True, local=() if x is None else (x,))


def diff_by_rules(expr, x: sp.Symbol):
    r"""Differentiate `expr` with respect to `x` using only the rules of chapter 1.

    A recursive walk over the expression tree, one line per rule:

    .. math::

        (u + v)' = u' + v', \quad (uv)' = u'v + uv', \quad
        \bigl(u^n\bigr)' = n u^{n-1} u', \quad \bigl(g(u)\bigr)' = g'(u)\, u'

    with :math:`g'` from :data:`SPECIAL_DERIVATIVES` (:math:`\sin, \cos, \exp, \ln`). A
    quotient :math:`u/v` is the product :math:`u \cdot v^{-1}`, so it needs no rule of its own.

    Parameters
    ----------
    expr : sympy.Expr
        The function to differentiate: sums, products, constant powers and
        :math:`\sin, \cos, \exp, \ln` of other such expressions.
    x : sympy.Symbol
        The variable.

    Returns
    -------
    sympy.Expr
        The derivative, unsimplified (sympy tidies only what it does automatically).

    Raises
    ------
    TypeError
        If `expr` is not a sympy expression or `x` is not a symbol.
    ValueError
        If `expr` contains something the chapter's rules do not cover, such as :math:`x^x`
        or :math:`\tan x`.

    See Also
    --------
    sympy.diff : sympy's own differentiation, which knows every rule.
    is_derivative : check a derivative against sympy's.

    Notes
    -----
    This is the chapter's toolbox written as code; the book checks it against
    :func:`sympy.diff` on many random expressions. Book: sections 1.4 and 1.6.

    Examples
    --------
    >>> import sympy as sp
    >>> from mmlcalc.symbolic import diff_by_rules
    >>> x = sp.Symbol("x")
    >>> diff_by_rules((2 * x + 1) ** 4, x)
    8*(2*x + 1)**3
    >>> diff_by_rules(sp.sin(x) * sp.exp(x), x)
    exp(x)*sin(x) + exp(x)*cos(x)
    """
    expr = _check_expression(expr, "expr")
    x = check_symbol(x, "x")
    return _diff(expr, x)


def _diff(expr: sp.Expr, x: sp.Symbol) -> sp.Expr:
    # constant rule
    if not expr.has(x):
        return sp.Integer(0)
    if expr == x:
        return sp.Integer(1)
    # sum rule
    if expr.is_Add:
        return sp.Add(*[_diff(term, x) for term in expr.args])
    # product rule: one factor differentiated at a time
    if expr.is_Mul:
        fs = expr.args
        return sp.Add(*[sp.Mul(*fs[:i], _diff(f, x), *fs[i + 1:])
                        for i, f in enumerate(fs)])
    # power rule (constant exponent), then the chain rule
    if expr.is_Pow and not expr.exp.has(x):
        base, n = expr.args
        return n * base ** (n - 1) * _diff(base, x)
    # special function, then the chain rule
    if expr.func in SPECIAL_DERIVATIVES and len(expr.args) == 1:
        (u,) = expr.args
        return SPECIAL_DERIVATIVES[expr.func](u) * _diff(u, x)
    raise ValueError(f"`expr` contains {expr}, which the rules "
                     "of chapter 1 do not cover")


def is_derivative(answer, f, x: sp.Symbol | None = None) -> bool:
    r"""Whether `answer` is the derivative of `f`, as proved by sympy.

    .. math:: \text{answer}(x) - \frac{\mathrm{d}f}{\mathrm{d}x}(x) \equiv 0

    Returns ``True`` when sympy shows :math:`\text{answer} - f'(x)` to be identically zero
    (by cancelling, then simplifying), whatever form the answer takes. An answer that is
    plainly wrong, the difference being visibly non-zero at one of three points evaluated to
    50 digits, is rejected without the (slow) simplification.

    Parameters
    ----------
    answer : sympy.Expr or str
        The proposed derivative, e.g. ``"8*(2*x + 1)**3"``.
    f : sympy.Expr or str
        The function.
    x : sympy.Symbol, optional
        The variable. Default: the one free symbol of `f`.

    Returns
    -------
    bool
        ``True`` if proved equal. ``False`` if not: either the answer is wrong, or (for some
        exotic but correct forms) sympy could not prove it right.

    Raises
    ------
    TypeError
        If `answer` or `f` is not a sympy expression or a string, or `x` is not a symbol.
    ValueError
        If a string cannot be parsed, or `x` is omitted and `f` does not have exactly one
        free symbol.

    See Also
    --------
    sympy.diff, sympy.simplify : what does the work.
    mmlcalc.derivative : a numerical check at a point.

    Notes
    -----
    Book: section 1.6, *Toolbox drill*, where it marks the self-test.

    Examples
    --------
    >>> from mmlcalc.symbolic import is_derivative
    >>> is_derivative("8*(2*x + 1)**3", "(2*x + 1)**4")
    True
    >>> is_derivative("4*(2*x + 1)**3", "(2*x + 1)**4")  # forgot the inner derivative
    False
    """
    if x is not None:
        x = check_symbol(x, "x")
    f = _check_expression(f, "f", x)
    if x is None:
        if len(f.free_symbols) != 1:
            raise ValueError("`x` must be given when `f` does not have exactly one free symbol, "
                             f"got f = {f}")
        (x,) = f.free_symbols
    answer = _check_expression(answer, "answer", x)
    difference = answer - sp.diff(f, x)
    if difference == 0:
        return True
    if _clearly_nonzero(difference):
        return False
    return bool(sp.cancel(difference) == 0 or sp.simplify(difference) == 0)


def _clearly_nonzero(expr) -> bool:
    """Whether `expr`, evaluated to 50 digits at a few points, is visibly not zero there."""
    symbols = sorted(expr.free_symbols, key=str)
    for point in (("0.37", "0.59", "0.83"), ("0.81", "1.27", "0.45"), ("1.43", "0.71", "1.19")):
        exact = [sp.Rational(t) for t in point * len(symbols)]  # exact, so no rounding yet
        value = complex(expr.subs(dict(zip(symbols, exact, strict=False))).evalf(50))
        if np.isfinite(value) and abs(value) > 1e-20:
            return True
    return False


def rules_used(expr, x: sp.Symbol) -> tuple[str, ...]:
    r"""The rules of chapter 1 needed to differentiate `expr`, in the book's order.

    Read off the expression tree: a sum of terms that depend on `x` needs the sum rule, a
    product of two or more such factors the product rule (and the quotient rule if one factor
    is a reciprocal :math:`v^{-n}` of something other than a power of `x`), a constant power
    the power rule, :math:`\sin, \cos, \exp, \ln` the special derivatives, and anything
    applied to an inner function other than `x` itself the chain rule.

    Parameters
    ----------
    expr : sympy.Expr
        The function.
    x : sympy.Symbol
        The variable.

    Returns
    -------
    tuple of str
        A sub-tuple of :data:`RULES`.

    Raises
    ------
    TypeError
        If `expr` is not a sympy expression or `x` is not a symbol.

    Notes
    -----
    Book: section 1.6, where it labels each drill.

    Examples
    --------
    >>> import sympy as sp
    >>> from mmlcalc.symbolic import rules_used
    >>> x = sp.Symbol("x")
    >>> rules_used(x**2 * sp.sin(3 * x), x)
    ('power', 'special', 'product', 'chain')
    """
    expr = _check_expression(expr, "expr")
    x = check_symbol(x, "x")
    found = set()

    def depends(e):
        return e.has(x)

    def walk(e):
        if not depends(e):
            return
        if e.is_Add and sum(map(depends, e.args)) >= 2:
            found.add("sum")
        if e.is_Mul and sum(map(depends, e.args)) >= 2:
            found.add("product")
            if any(a.is_Pow and a.exp.is_negative and not a.base.is_Symbol for a in e.args):
                found.add("quotient")
        if e.is_Pow and depends(e.base):
            found.add("power")
            if e.base != x:
                found.add("chain")
        if isinstance(e, sp.Function):
            found.add("special")
            if e.args[0] != x:
                found.add("chain")
        for arg in e.args:
            walk(arg)

    walk(expr)
    return tuple(rule for rule in RULES if rule in found)


def _check_depth(depth) -> int:
    if isinstance(depth, bool) or not isinstance(depth, Integral):
        raise TypeError(f"`depth` must be an integer, got {type(depth).__name__} {depth!r}")
    if not 0 <= depth <= 4:
        raise ValueError(f"`depth` must be between 0 and 4, got {depth}")
    return int(depth)


def _check_rules(rules) -> tuple[str, ...]:
    if isinstance(rules, str | bytes) or not isinstance(rules, Iterable):
        raise TypeError(f"`rules` must be a sequence of rule names, got {type(rules).__name__} "
                        f"{rules!r}")
    rules = tuple(rules)
    unknown = [r for r in rules if r not in _GENERATOR_RULES]
    if not rules or unknown:
        listed = ", ".join(repr(r) for r in _GENERATOR_RULES)
        raise ValueError(f"`rules` must be a non-empty selection of {listed}, got {rules!r}")
    return rules


def _leaf(rng: np.random.Generator, x: sp.Symbol) -> sp.Expr:
    """x, a power of x, or a line a x + b, with small integer coefficients."""
    kind = rng.integers(3)
    if kind == 0:
        return x
    if kind == 1:
        return x ** int(rng.integers(2, 5))
    a = int(rng.integers(1, 4))
    b = int(rng.choice([-2, -1, 1, 2]))
    return a * x + b


def _grow(rng: np.random.Generator, depth: int, rules: tuple[str, ...], x: sp.Symbol):
    if depth == 0:
        return _leaf(rng, x)
    rule = rules[rng.integers(len(rules))]
    u = _grow(rng, depth - 1, rules, x)
    if rule == "chain":
        outer = int(rng.integers(5))
        if outer == 3:
            return u ** int(rng.integers(2, 4))
        if outer == 4:
            return sp.sqrt(1 + u**2)
        return (sp.sin, sp.cos, sp.exp)[outer](u)
    v = _grow(rng, int(rng.integers(depth)), rules, x)   # a smaller second operand
    if rule == "sum":
        return u + int(rng.integers(1, 4)) * v
    if rule == "product":
        return u * v
    # quotient: a denominator that is positive on the whole real line
    return u / (1 + v**2) if rng.integers(2) == 0 else u / (2 + sp.cos(v))


def random_expression(rng, *, depth: int = 2, rules=_GENERATOR_RULES, x: sp.Symbol | None = None):
    r"""A random function of `x` to differentiate, built by applying rules `depth` times.

    Starting from a *leaf* (:math:`x`, a power :math:`x^k` or a line :math:`ax + b` with small
    integers), each level applies one rule, drawn from `rules`, to what was built so far:

    .. math::

        \text{sum: } u + c\,v, \quad \text{product: } u v, \quad
        \text{quotient: } \frac{u}{1 + v^2} \text{ or } \frac{u}{2 + \cos v}, \quad
        \text{chain: } \sin u,\ \cos u,\ e^u,\ u^n,\ \sqrt{1 + u^2}

    where :math:`v` is a smaller random expression. Every expression is smooth on the whole
    real line (no division by zero, no root of a negative number), so it can be checked
    numerically anywhere.

    Parameters
    ----------
    rng : numpy.random.Generator
        The source of randomness, e.g. ``np.random.default_rng(seed)``: the same seed gives
        the same expression.
    depth : int
        Number of rule applications on the longest path, 0 to 4. Keyword-only.
    rules : sequence of {"sum", "product", "quotient", "chain"}
        The rules to draw from (all four by default). Keyword-only.
    x : sympy.Symbol, optional
        The variable (default ``Symbol("x")``).

    Returns
    -------
    sympy.Expr
        An expression that depends on `x`.

    Raises
    ------
    TypeError
        If `rng` is not a numpy Generator, `depth` is not an integer or `x` is not a symbol.
    ValueError
        If `depth` is outside 0 to 4 or `rules` names an unknown rule.

    See Also
    --------
    drills : expressions with their derivatives, for self-testing.

    Notes
    -----
    Book: section 1.4 (rules checked on random expressions) and section 1.6 (drills).

    Examples
    --------
    >>> import numpy as np
    >>> from mmlcalc.symbolic import random_expression
    >>> random_expression(np.random.default_rng(4), depth=1, rules=["chain"])
    exp(3*x + 2)
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError("`rng` must be a numpy Generator (np.random.default_rng(seed)), got "
                        f"{type(rng).__name__}")
    depth = _check_depth(depth)
    rules = _check_rules(rules)
    x = sp.Symbol("x") if x is None else check_symbol(x, "x")
    while True:  # sums can cancel (x + (-x + 1)); draw again until x survives
        expr = _grow(rng, depth, rules, x)
        if expr.has(x):
            return expr


@dataclass(frozen=True)
class Drill:
    r"""One exercise in differentiation, with its answer.

    Attributes
    ----------
    f : sympy.Expr
        The function to differentiate.
    answer : sympy.Expr
        Its derivative, as the rules give it (:func:`diff_by_rules`, unsimplified: one term
        per use of the product rule, one factor per link of a chain).
    rules : tuple of str
        The rules it needs, from :func:`rules_used`.
    x : sympy.Symbol
        The variable.

    Notes
    -----
    Book: section 1.6.
    """

    f: sp.Expr
    answer: sp.Expr
    rules: tuple[str, ...]
    x: sp.Symbol


def _skeleton(expr, x: sp.Symbol):
    r"""The shape of `expr` up to its constants: what a learner does to differentiate it.

    Constant terms and constant factors are dropped (:math:`3\sin(2x + 1) - 5` and
    :math:`\sin x` share a skeleton), a power keeps only whether its exponent is a positive
    whole number, a negative one or a fraction (:math:`x^2` and :math:`x^4` share one, a
    reciprocal does not), and the terms of a sum and the factors of a product are compared as
    a set. Two drills with one skeleton are the same exercise with other numbers in it.
    """
    if not expr.has(x):
        return None
    if expr == x:
        return "x"
    if expr.is_Add or expr.is_Mul:
        parts = sorted((_skeleton(a, x) for a in expr.args if a.has(x)), key=repr)
        if len(parts) == 1:
            return parts[0]
        return ("+" if expr.is_Add else "*", tuple(parts))
    if expr.is_Pow:
        n = expr.exp
        kind = ("whole" if n.is_integer and n.is_positive else
                "negative" if n.is_negative else "fraction")
        return ("pow", kind, _skeleton(expr.base, x))
    return (expr.func.__name__, tuple(_skeleton(a, x) for a in expr.args))


def drills(n: int, *, rng=0, depth: int = 2, rules=_GENERATOR_RULES):
    r"""`n` seeded exercises in differentiation, each with its answer and the rules it needs.

    Each function is a :func:`random_expression` and each answer :math:`f'(x)` comes from the
    chapter's rules (:func:`diff_by_rules`); the book proves every answer equal to
    :func:`sympy.diff`'s with :func:`is_derivative`. A set has no near-duplicates: no two of
    its functions are the same up to their constants (:math:`\sin(2x + 1)` and
    :math:`3\sin(x - 2)` are one exercise), and every drill needs at least one of `rules`
    (with ``rules=["chain"]``, every drill needs the chain rule; :math:`\sin x` or
    :math:`(x^2)^3 = x^6` would not).

    Parameters
    ----------
    n : int
        How many drills, at least 1.
    rng : numpy.random.Generator or int
        The random generator, or its seed (default 0): the same seed gives the same drills.
        Keyword-only.
    depth : int
        Difficulty, as in :func:`random_expression`, from 1 to 4 (a depth-0 expression is a
        leaf such as :math:`x^3` and practises none of the rules). Keyword-only.
    rules : sequence of str
        The rules to practise, as in :func:`random_expression`. Keyword-only.

    Returns
    -------
    list of Drill

    Raises
    ------
    TypeError, ValueError
        If `n` is not a positive integer, `rng` is not a generator or a seed, `depth` is not
        1 to 4, or as :func:`random_expression`.
    ValueError
        If the generator cannot find `n` different drills at this `depth` with these `rules`
        (ask for fewer, or for a greater depth).

    See Also
    --------
    random_expression, diff_by_rules, is_derivative

    Notes
    -----
    Book: section 1.6, *Toolbox drill*.

    Examples
    --------
    >>> from mmlcalc.symbolic import drills
    >>> (drill,) = drills(1, rng=1, depth=1, rules=["product", "chain"])
    >>> drill.f, drill.answer, drill.rules
    (x**4*(x - 2), x**4 + 4*x**3*(x - 2), ('power', 'product'))
    >>> [d.f for d in drills(3, rng=4, depth=1, rules=["chain"])]
    [exp(3*x + 2), sin(3*x + 2), cos(x**3)]
    """
    n = check_positive_int(n, "n", high=1000)
    rng = as_rng(rng, "rng")
    depth = _check_depth(depth)
    if depth == 0:
        raise ValueError("`depth` must be between 1 and 4 for drills (a depth-0 expression "
                         "practises no rule), got 0")
    rules = _check_rules(rules)
    x = sp.Symbol("x")
    out, seen = [], set()
    for _ in range(100 * n):     # draws to spend before giving up on variety
        f = random_expression(rng, depth=depth, rules=rules, x=x)
        needs = rules_used(f, x)
        shape = _skeleton(f, x)
        if shape in seen or not set(needs) & set(rules):
            continue             # a near-duplicate, or it practises none of `rules`
        seen.add(shape)
        out.append(Drill(f=f, answer=diff_by_rules(f, x), rules=needs, x=x))
        if len(out) == n:
            return out
    raise ValueError(f"`n` = {n} is more drills than depth {depth} with rules {rules!r} can "
                     f"make without repeating one (found {len(out)}); ask for fewer, or for "
                     "a greater depth")


# -- chapter 2: gradient, Jacobian and Hessian, exactly --

__all__ += ["gradient", "hessian", "jacobian"]


def _scalar(expr, name: str = "expr") -> sp.Expr:
    """`expr` as a scalar sympy expression (a 1 x 1 Matrix counts), else a named error."""
    if isinstance(expr, sp.MatrixBase):
        if expr.shape != (1, 1):
            raise ValueError(f"`{name}` must be a single expression, got a Matrix of shape "
                             f"{expr.shape}")
        expr = expr[0, 0]
    return check_expression(expr, name)


def gradient(expr, variables) -> sp.Matrix:
    r"""The exact gradient of a scalar expression, as a :math:`1 \times n` row vector.

    .. math::

        \nabla f = \frac{\partial f}{\partial \mathbf{x}} =
        \begin{bmatrix} \dfrac{\partial f}{\partial x_1} & \cdots &
        \dfrac{\partial f}{\partial x_n} \end{bmatrix}

    Parameters
    ----------
    expr : sympy.Expr
        The function :math:`f(x_1, \dots, x_n)`.
    variables : sympy.Symbol or sequence of sympy.Symbol
        :math:`x_1, \dots, x_n`, in the order of the columns.

    Returns
    -------
    sympy.Matrix, shape (1, n)
        A row, as the book and MML write the gradient. The numerical
        :func:`mmlcalc.gradient` returns the same numbers as a flat array of shape ``(n,)``.

    Raises
    ------
    TypeError
        If `expr` is not a sympy expression or `variables` are not symbols.
    ValueError
        If `expr` is a Matrix with more than one entry or the variables repeat.

    See Also
    --------
    sympy.Matrix.jacobian : ``Matrix([f]).jacobian(variables)`` gives the same row.
    mmlcalc.gradient : the finite-difference estimate.

    Notes
    -----
    Book: section 2.3, *The gradient and its geometry*, where the row convention is stated
    and checked.

    Examples
    --------
    >>> import sympy as sp
    >>> from mmlcalc import symbolic
    >>> x, y = sp.symbols("x y")
    >>> symbolic.gradient(x**2 * y, (x, y))
    Matrix([[2*x*y, x**2]])
    """
    expr = _scalar(expr)
    symbols = check_symbols(variables, "variables")
    return sp.Matrix([[sp.diff(expr, v) for v in symbols]])


def jacobian(exprs, variables) -> sp.Matrix:
    r"""The exact Jacobian matrix of a vector of expressions: rows are outputs.

    .. math::

        J = \frac{\partial \mathbf{f}}{\partial \mathbf{x}}, \qquad
        J_{ij} = \frac{\partial f_i}{\partial x_j}, \qquad
        J \in \mathbb{R}^{m \times n}

    Parameters
    ----------
    exprs : sympy.Expr, sequence of sympy.Expr or sympy.Matrix
        The components :math:`f_1, \dots, f_m` (a Matrix is read in row-major order, so a
        column or a row vector both work). A single expression is a function with
        :math:`m = 1`.
    variables : sympy.Symbol or sequence of sympy.Symbol
        :math:`x_1, \dots, x_n`.

    Returns
    -------
    sympy.Matrix, shape (m, n)
        Row :math:`i` is the gradient of :math:`f_i`; the numerical :func:`mmlcalc.jacobian`
        has the same layout.

    Raises
    ------
    TypeError
        If a component is not a sympy expression or `variables` are not symbols.
    ValueError
        If there are no components or the variables repeat.

    See Also
    --------
    sympy.Matrix.jacobian : what this calls.
    mmlcalc.jacobian : the finite-difference estimate.

    Notes
    -----
    Book: section 2.4, *Jacobian matrices*.

    Examples
    --------
    >>> import sympy as sp
    >>> from mmlcalc import symbolic
    >>> r, theta = sp.symbols("r theta", positive=True)
    >>> J = symbolic.jacobian([r * sp.cos(theta), r * sp.sin(theta)], (r, theta))
    >>> J
    Matrix([
    [cos(theta), -r*sin(theta)],
    [sin(theta),  r*cos(theta)]])
    >>> sp.simplify(J.det())
    r
    """
    symbols = check_symbols(variables, "variables")
    if isinstance(exprs, sp.MatrixBase):
        components = list(exprs)
    elif isinstance(exprs, sp.Basic | int | float):
        components = [exprs]
    else:
        components = list(exprs)
    if not components:
        raise ValueError("`exprs` must hold at least one expression, got none")
    components = [_scalar(c, "exprs") for c in components]
    return sp.Matrix(components).jacobian(symbols)


def hessian(expr, variables) -> sp.Matrix:
    r"""The exact Hessian matrix of a scalar expression: all second partial derivatives.

    .. math::

        H_{ij} = \frac{\partial^2 f}{\partial x_i \, \partial x_j}, \qquad
        H = J\bigl((\nabla f)^\top\bigr) \in \mathbb{R}^{n \times n}

    Parameters
    ----------
    expr : sympy.Expr
        The function :math:`f(x_1, \dots, x_n)`.
    variables : sympy.Symbol or sequence of sympy.Symbol
        :math:`x_1, \dots, x_n`.

    Returns
    -------
    sympy.Matrix, shape (n, n)
        Symmetric when the second partial derivatives are continuous (Schwarz's theorem,
        section 2.1), which this function does not assume: each entry is differentiated in
        its own order, first by :math:`x_j`, then by :math:`x_i`.

    Raises
    ------
    TypeError, ValueError
        As :func:`gradient`.

    See Also
    --------
    sympy.hessian : the same matrix.
    mmlcalc.hessian : the finite-difference estimate.

    Notes
    -----
    Book: section 2.5, *The Hessian*, and the sandpit of section 2.6.

    Examples
    --------
    >>> import sympy as sp
    >>> from mmlcalc import symbolic
    >>> x, y = sp.symbols("x y")
    >>> symbolic.hessian(x**2 - y**2, (x, y))
    Matrix([
    [2,  0],
    [0, -2]])
    """
    expr = _scalar(expr)
    symbols = check_symbols(variables, "variables")
    return sp.Matrix([[sp.diff(sp.diff(expr, xj), xi) for xj in symbols] for xi in symbols])
