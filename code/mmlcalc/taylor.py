r"""Taylor series: polynomials that match a function's derivatives at a point, and their error.

A function that can be differentiated :math:`n` times at :math:`a` has one polynomial of degree
:math:`n` that agrees with it in value, slope, curvature and every derivative up to the
:math:`n`-th at :math:`a`: the Taylor polynomial

.. math:: T_n(x) = \sum_{k=0}^{n} \frac{f^{(k)}(a)}{k!} (x - a)^k .

This module builds it exactly with sympy and evaluates it with numpy
(:func:`taylor_polynomial`), bounds its error (:func:`remainder_bound`), finds the radius of
convergence of a series by the ratio test (:func:`radius_of_convergence`), and goes to many
variables: exactly to any order (:func:`multivariate_taylor`), and numerically to second order
from a value, a gradient and a Hessian (:func:`quadratic_model`), whose minimiser is the Newton
step (:func:`newton_step`).

Taught in chapter 4 of the book, *Taylor series and linearisation*.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from numbers import Real

import numpy as np
import sympy as sp

from ._iteration import newton_step as _newton_step
from ._validation import (
    _show,
    as_real_array,
    check_expression,
    check_finite_output,
    check_nonnegative_int,
    check_positive_int,
    check_symbol,
)
from .symbolic import to_numpy

__all__ = ["TaylorPolynomial", "multivariate_taylor", "newton_step", "quadratic_model",
           "radius_of_convergence", "remainder_bound", "taylor_coefficients",
           "taylor_polynomial"]


#: The highest degree of a Taylor polynomial: sympy's exact derivatives grow quickly, so a
#: higher degree would not finish in reasonable time (and past 169, (n + 1)! overflows a float).
MAX_DEGREE = 150


# --- validation of sympy input -------------------------------------------------------------------

def _exact_point(a, name: str) -> sp.Expr:
    """A real, finite number as a sympy number (ints stay exact, floats become Floats)."""
    if isinstance(a, bool) or not isinstance(a, Real | sp.Expr):
        raise TypeError(f"`{name}` must be a real number, got {type(a).__name__} {_show(a)}")
    value = sp.sympify(a)
    if value.free_symbols or value.is_real is not True or value.is_finite is not True:
        raise ValueError(f"`{name}` must be a real, finite number, got {_show(a)}")
    return value


def _value_at(d: sp.Expr, at: dict, what: str) -> sp.Expr:
    """``d`` at the point ``at``, with a limit for removable singularities; finite and real."""
    value = d.subs(at)
    if value.has(sp.nan) and len(at) == 1:  # e.g. sin(x)/x at 0: take the two-sided limit
        (x, a), = at.items()
        try:
            value = sp.limit(d, x, a, dir="+-")
        except (ValueError, NotImplementedError):
            pass
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or value.is_finite is False:
        raise ValueError(f"`f` has no finite {what} at {_show(dict(at))}, got {value}")
    if value.is_real is False:
        raise ValueError(f"`f` is not real at {_show(dict(at))}: its {what} is {value}")
    return value


# --- one variable --------------------------------------------------------------------------------

@dataclass(frozen=True)
class TaylorPolynomial:
    r"""The Taylor polynomial of degree :math:`n` of :math:`f` about :math:`a`, exact and numeric.

    .. math:: T_n(x) = \sum_{k=0}^{n} c_k (x - a)^k, \qquad c_k = \frac{f^{(k)}(a)}{k!}

    Made by :func:`taylor_polynomial`; calling it evaluates :math:`T_n` with numpy.

    Attributes
    ----------
    f : sympy.Expr
        The function approximated.
    x : sympy.Symbol
        Its variable.
    a : sympy.Expr
        The expansion point, exact where it was given exactly.
    coefficients : tuple of sympy.Expr
        :math:`c_0, \dots, c_n`, exact.

    Notes
    -----
    Book: sections 4.1 to 4.4.
    """

    f: sp.Expr
    x: sp.Symbol
    a: sp.Expr
    coefficients: tuple[sp.Expr, ...]

    @property
    def n(self) -> int:
        """The degree :math:`n` (the highest power kept; its coefficient may be zero)."""
        return len(self.coefficients) - 1

    @property
    def expr(self) -> sp.Expr:
        r"""The polynomial as a sympy expression in powers of :math:`(x - a)`.

        Zero terms are left out, and sympy is kept from multiplying out :math:`c_1 (x - a)`,
        so the expression prints as a series about :math:`a`; ``sympy.expand`` multiplies out.
        """
        shift = self.x - self.a
        terms = []
        for k, c in enumerate(self.coefficients):
            if c == 0:
                continue
            if k == 0:
                terms.append(c)
            elif k == 1 and isinstance(shift, sp.Add) and c != 1:
                # keep -(x - 1) as it is: sympy would distribute the number over the sum
                terms.append(sp.Mul(c, shift, evaluate=False))
            else:
                terms.append(c * shift**k)
        if len(terms) < 2:
            return terms[0] if terms else sp.Integer(0)
        return sp.Add(*terms, evaluate=False)

    @property
    def next_derivative(self) -> sp.Expr:
        r"""The derivative :math:`f^{(n+1)}` that governs the error (Lagrange form)."""
        return sp.diff(self.f, self.x, self.n + 1)

    @cached_property
    def _numeric(self):
        return (np.array([float(c) for c in self.coefficients]), float(self.a),
                to_numpy(self.f, self.x), to_numpy(self.next_derivative, self.x))

    def partial_sums(self, x) -> np.ndarray:
        r"""All the partial sums :math:`T_0(x), T_1(x), \dots, T_n(x)` at once.

        Parameters
        ----------
        x : float or array_like
            Points.

        Returns
        -------
        ndarray, shape (n + 1,) + shape of `x`
            Row :math:`k` holds :math:`T_k(x)`.
        """
        x = as_real_array(x, "x")
        c, a, _, _ = self._numeric
        powers = (x - a)[np.newaxis] ** np.arange(self.n + 1).reshape((-1,) + (1,) * x.ndim)
        return np.cumsum(c.reshape((-1,) + (1,) * x.ndim) * powers, axis=0)

    def __call__(self, x):
        r"""Evaluate :math:`T_n(x)` with numpy: a float for a scalar, else an array."""
        value = self.partial_sums(x)[-1]
        return value.item() if value.ndim == 0 else value

    def remainder(self, x):
        r"""The error :math:`R_n(x) = f(x) - T_n(x)`, evaluated with numpy.

        Raises
        ------
        ValueError
            If `f` is not finite at some point of `x`. numpy gives NaN at a removable
            singularity (such as :math:`\sin x / x` at 0) even though sympy can expand there.
        """
        x = as_real_array(x, "x")
        _, _, f, _ = self._numeric
        with np.errstate(all="ignore"):
            fx = f(x)
        value = check_finite_output(fx, "f", x) - self.partial_sums(x)[-1]
        return value.item() if value.ndim == 0 else value

    def remainder_bound(self, x, *, M=None, samples: int = 201):
        r"""The Lagrange bound :math:`M |x - a|^{n+1} / (n+1)!` on :math:`|R_n(x)|`.

        Parameters
        ----------
        x : float or array_like
            Points.
        M : float or array_like, optional
            A bound on :math:`|f^{(n+1)}|` between :math:`a` and :math:`x` (broadcast against
            `x`). Default: the largest value of :math:`|f^{(n+1)}|` at `samples` equally spaced
            points from :math:`a` to each :math:`x`, ends included. That is the exact maximum
            when :math:`|f^{(n+1)}|` is monotone on the interval (as for :math:`e^x` or
            :math:`1/x`); otherwise pass a proven `M`.
        samples : int
            Points per interval for the default `M`, at least 2.

        Returns
        -------
        float or ndarray
            The bound, shaped like `x`.

        Raises
        ------
        ValueError
            If :math:`f^{(n+1)}` is not finite somewhere between :math:`a` and :math:`x` (the
            bound does not exist there), or NaN at a sample that is a removable singularity
            (pass `M` then).
        """
        x = as_real_array(x, "x")
        if M is None:
            samples = check_positive_int(samples, "samples")
            if samples < 2:
                raise ValueError(f"`samples` must be at least 2, got {samples}")
            _, a, _, dn1 = self._numeric
            self._check_no_pole_between(x, a)
            t = np.linspace(0.0, 1.0, samples).reshape((-1,) + (1,) * x.ndim)
            between = a + t * (x - a)
            with np.errstate(all="ignore"):
                values = np.abs(np.broadcast_to(dn1(between), between.shape))
            M = np.max(check_finite_output(values, "f^(n+1)", between), axis=0)
        return remainder_bound(M, x, float(self.a), self.n)

    def _check_no_pole_between(self, x: np.ndarray, a: float) -> None:
        """Raise if :math:`f^{(n+1)}` has a (non-removable) singularity between `a` and `x`.

        Sampling alone could step over a pole and report a finite, meaningless maximum.
        """
        if x.size == 0:
            return
        hull = sp.Interval(min(a, float(x.min())), max(a, float(x.max())))
        try:
            poles = sp.singularities(self.next_derivative, self.x, hull)
        except (NotImplementedError, ValueError, TypeError):
            return  # sympy cannot tell: rely on the samples
        if not isinstance(poles, sp.FiniteSet):
            return
        for pole in poles:
            if pole.is_real is not True:
                continue
            try:
                limit = sp.limit(self.next_derivative, self.x, pole, dir="+-")
            except (ValueError, NotImplementedError):  # one-sided limits differ: a pole
                limit = sp.zoo
            if limit.is_finite:
                continue  # removable, as for the derivatives of sin(x)/x at 0
            where = (np.minimum(x, a) <= float(pole)) & (float(pole) <= np.maximum(x, a))
            if np.any(where):
                raise ValueError(
                    f"`f^(n+1)` = {self.next_derivative} is not finite at {pole}, between "
                    f"`a` = {self.a} and `x` = {_show(x[where])}: no Lagrange bound there")


def taylor_polynomial(f, x, a, n) -> TaylorPolynomial:
    r"""The Taylor polynomial of degree `n` of the sympy expression `f` about `a`.

    .. math:: T_n(x) = \sum_{k=0}^{n} \frac{f^{(k)}(a)}{k!} (x - a)^k

    It is the one polynomial of degree at most :math:`n` whose value and first :math:`n`
    derivatives at :math:`a` equal those of :math:`f`. About :math:`a = 0` it is the
    Maclaurin polynomial.

    Parameters
    ----------
    f : sympy.Expr
        The function, in the one variable `x`.
    x : sympy.Symbol
        The variable.
    a : float, int or sympy number
        The expansion point, real and finite. Give it exactly (``1``, ``sp.pi / 4``) for exact
        coefficients; a float gives floating-point coefficients.
    n : int
        The degree, :math:`0 \le n \le 150` (``MAX_DEGREE``).

    Returns
    -------
    TaylorPolynomial
        Exact coefficients and sympy expression; call it to evaluate with numpy, and use
        ``partial_sums``, ``remainder`` and ``remainder_bound`` to compare with :math:`f`.

    Raises
    ------
    TypeError
        If `f` is not a sympy expression, `x` not a Symbol, `a` not a real number or `n` not an
        integer.
    ValueError
        If `f` has other free symbols, `a` is not finite, `n` is negative, or a derivative of
        `f` up to order `n` is infinite or not real at `a` (as for :math:`1/x` at 0).

    See Also
    --------
    sympy.series : the same expansion, with an order term :math:`O((x-a)^{n+1})`.
    numpy.polynomial.Polynomial : numeric polynomials.

    Notes
    -----
    Each coefficient is a derivative at :math:`a`, found by differentiating :math:`n` times
    with sympy; a removable singularity at :math:`a` (as for :math:`\sin x / x` at 0) is
    resolved by a limit. The error :math:`R_n = f - T_n` is :math:`O((x-a)^{n+1})` as
    :math:`x \to a`; Taylor's theorem bounds it (:func:`remainder_bound`). Book: section 4.1,
    *Building a power series*, and sections 4.2 to 4.4.

    Examples
    --------
    >>> import sympy as sp
    >>> from mmlcalc import taylor_polynomial
    >>> x = sp.symbols("x")
    >>> p = taylor_polynomial(sp.exp(x), x, 0, 3)
    >>> p.coefficients
    (1, 1, 1/2, 1/6)
    >>> p.expr
    x**3/6 + x**2/2 + x + 1
    >>> round(p(1.0), 6), round(p.remainder(1.0), 6)  # T3(1) and e - T3(1)
    (2.666667, 0.051615)
    >>> taylor_polynomial(1 / x, x, 1, 3).expr
    -(x - 1)**3 + (x - 1)**2 - (x - 1) + 1
    """
    return TaylorPolynomial(*_taylor(f, x, a, n))


def taylor_coefficients(f, x, a, n) -> tuple[sp.Expr, ...]:
    r"""The coefficients :math:`c_k = f^{(k)}(a) / k!`, :math:`k = 0, \dots, n`, exactly.

    .. math:: f(x) \approx c_0 + c_1 (x - a) + c_2 (x - a)^2 + \dots + c_n (x - a)^n

    Parameters
    ----------
    f, x, a, n
        As :func:`taylor_polynomial`.

    Returns
    -------
    tuple of sympy.Expr
        :math:`c_0, \dots, c_n`.

    Raises
    ------
    TypeError, ValueError
        As :func:`taylor_polynomial`.

    See Also
    --------
    sympy.Expr.taylor_term : one term of the Maclaurin series.

    Notes
    -----
    Matching value, slope and curvature gives :math:`c_0 = f(a)`, :math:`c_1 = f'(a)`,
    :math:`c_2 = f''(a)/2`; the :math:`k!` comes from differentiating :math:`(x-a)^k` exactly
    :math:`k` times. Book: section 4.1.

    Examples
    --------
    >>> import sympy as sp
    >>> from mmlcalc import taylor_coefficients
    >>> x = sp.symbols("x")
    >>> taylor_coefficients(sp.cos(x), x, 0, 4)  # an even function: odd coefficients vanish
    (1, 0, -1/2, 0, 1/24)
    >>> taylor_coefficients(x**4, x, 1, 5)       # x^4 about 1, exactly: the last one is 0
    (1, 4, 6, 4, 1, 0)
    """
    return _taylor(f, x, a, n)[3]


def _taylor(f, x, a, n):
    x = check_symbol(x, "x")
    f = check_expression(f, "f", symbols=[x], symbols_name="x")
    a = _exact_point(a, "a")
    n = check_nonnegative_int(n, "n", high=MAX_DEGREE)
    coefficients = []
    d = f
    for k in range(n + 1):
        if k:
            d = sp.diff(d, x)
        what = "value" if k == 0 else f"derivative of order {k}"
        coefficients.append(_value_at(d, {x: a}, what) / sp.factorial(k))
    return f, x, a, tuple(coefficients)


def remainder_bound(M, x, a, n):
    r"""Taylor's theorem, Lagrange form: a bound on the error of the degree-`n` polynomial.

    If :math:`|f^{(n+1)}(\xi)| \le M` for every :math:`\xi` between :math:`a` and :math:`x`, then

    .. math::

        |R_n(x)| = |f(x) - T_n(x)| \le \frac{M\, |x - a|^{n+1}}{(n+1)!},

    because :math:`R_n(x) = f^{(n+1)}(\xi)\,(x-a)^{n+1}/(n+1)!` for some such :math:`\xi`.

    Parameters
    ----------
    M : float or array_like
        The bound on :math:`|f^{(n+1)}|`, non-negative; broadcast against `x`.
    x : float or array_like
        Where the polynomial is used.
    a : float
        The expansion point.
    n : int
        The degree of the polynomial, :math:`0 \le n \le 150` (``MAX_DEGREE``).

    Returns
    -------
    float or ndarray
        The bound, a float when `M` and `x` are scalars.

    Raises
    ------
    TypeError
        If an argument is not a real number (or `n` not an integer).
    ValueError
        If `M` is negative or any value is not finite, or `n` is negative.

    See Also
    --------
    TaylorPolynomial.remainder_bound : finds `M` from the function.

    Notes
    -----
    The bound is :math:`O(|x-a|^{n+1})`: halving the distance to :math:`a` divides it by
    :math:`2^{n+1}` (by 4 for the linearisation, :math:`n = 1`). Book: section 4.4,
    *Linearisation and its error*.

    Examples
    --------
    >>> import math
    >>> from mmlcalc import remainder_bound
    >>> b = remainder_bound(math.e, 1.0, 0.0, 5)  # e^x on [0, 1]: |f^(6)| <= e
    >>> round(b, 6)
    0.003775
    >>> remainder_bound(1.0, [0.2, 0.1], 0.0, 1)  # sin x, n = 1: halving x quarters the bound
    array([0.02 , 0.005])
    """
    M = as_real_array(M, "M")
    if np.any(M < 0):
        raise ValueError(f"`M` must be non-negative, got {_show(M)}")
    x = as_real_array(x, "x")
    a = float(as_real_array(a, "a", ndim=0))
    n = check_nonnegative_int(n, "n", high=MAX_DEGREE)
    bound = M * np.abs(x - a) ** (n + 1) / math.factorial(n + 1)
    return bound.item() if bound.ndim == 0 else bound


def radius_of_convergence(c, k):
    r"""The radius of convergence of :math:`\sum_k c_k (x-a)^k` by the ratio test.

    .. math:: R = \lim_{k \to \infty} \left| \frac{c_k}{c_{k+1}} \right|

    The series converges for :math:`|x - a| < R` and diverges for :math:`|x - a| > R`.

    Parameters
    ----------
    c : sympy.Expr
        The general coefficient :math:`c_k`, a formula in `k`, non-zero for large `k`.
    k : sympy.Symbol
        The index; it is treated as a non-negative integer.

    Returns
    -------
    sympy.Expr
        :math:`R`, possibly ``sympy.oo`` (converges everywhere) or 0.

    Raises
    ------
    TypeError
        If `c` is not a sympy expression or `k` not a Symbol.
    ValueError
        If `c` has other free symbols, or the limit does not exist (the ratio test is then
        inconclusive, as for series with every other coefficient zero: substitute
        :math:`u = (x-a)^2` first).

    See Also
    --------
    sympy.series.limits.limit : the limit taken here.

    Notes
    -----
    Where the limit exists, the ratio test compares the series with a geometric series of
    ratio :math:`|x-a|/R`. At :math:`|x - a| = R` it says nothing. Book: section 4.3,
    *Expanding about any point; convergence*.

    Examples
    --------
    >>> import sympy as sp
    >>> from mmlcalc import radius_of_convergence
    >>> k = sp.symbols("k")
    >>> radius_of_convergence(1 / sp.factorial(k), k)  # e^x: everywhere
    oo
    >>> radius_of_convergence((-1) ** k, k)           # 1/x about 1: |x - 1| < 1
    1
    """
    k = check_symbol(k, "k")
    c = check_expression(c, "c", symbols=[k], symbols_name="k")
    index = sp.Symbol(f"_{k.name}", integer=True, nonnegative=True)
    c = c.subs(k, index)
    ratio = sp.simplify(sp.combsimp(sp.powsimp(c / c.subs(index, index + 1), force=True)))
    try:
        radius = sp.limit(sp.Abs(ratio), index, sp.oo)
    except NotImplementedError:  # sympy cannot decide, e.g. an oscillating ratio
        radius = sp.nan
    if radius.has(sp.nan, sp.AccumBounds) or radius.free_symbols or not (
            radius == sp.oo or (radius.is_real and radius >= 0)):
        raise ValueError(f"the ratio test is inconclusive for `c` = {c.subs(index, k)}: "
                         f"|c_k / c_(k+1)| has no limit (got {radius})")
    return radius


# --- many variables ------------------------------------------------------------------------------

def multivariate_taylor(f, x, a, n) -> sp.Expr:
    r"""The Taylor polynomial of degree `n` of a function of several variables, exactly.

    With multi-indices :math:`\alpha = (\alpha_1, \dots, \alpha_d)`,
    :math:`|\alpha| = \sum_i \alpha_i` and :math:`\alpha! = \prod_i \alpha_i!`,

    .. math::

        T_n(\mathbf{x}) = \sum_{|\alpha| \le n} \frac{\partial^\alpha f(\mathbf{a})}{\alpha!}
        (\mathbf{x} - \mathbf{a})^\alpha
        = f(\mathbf{a}) + \nabla f(\mathbf{a})\,\delta + \tfrac12 \delta^\top H \delta + \dots,
        \quad \delta = \mathbf{x} - \mathbf{a}.

    Parameters
    ----------
    f : sympy.Expr
        The function of the variables `x`.
    x : sequence of sympy.Symbol
        The variables, in order.
    a : sequence of numbers
        The expansion point, one real finite number per variable (exact numbers give exact
        coefficients).
    n : int
        The degree, :math:`0 \le n \le 150` (``MAX_DEGREE``).

    Returns
    -------
    sympy.Expr
        The polynomial, in powers of :math:`x_i - a_i`.

    Raises
    ------
    TypeError
        If `f` is not a sympy expression, `x` not symbols, `a` not numbers or `n` not an
        integer.
    ValueError
        If `x` and `a` differ in length, `f` has other free symbols, or a partial derivative
        of order at most `n` is not finite at `a`.

    See Also
    --------
    quadratic_model : the second-order polynomial from numbers (value, gradient, Hessian).
    sympy.series : one-variable series.

    Notes
    -----
    The term of degree :math:`k` is :math:`D^k f(\mathbf{a})[\delta, \dots, \delta]/k!` in
    the tensor notation of MML (section 5.8); grouping equal mixed partials gives the
    multinomial factor :math:`k!/\alpha!`. A polynomial of degree :math:`n` is its own Taylor
    polynomial of degree :math:`n` about any point. Book: section 4.5, *Multivariate Taylor
    series*.

    Examples
    --------
    >>> import sympy as sp
    >>> from mmlcalc import multivariate_taylor
    >>> x, y = sp.symbols("x y")
    >>> f = x**2 + 2 * x * y + y**3
    >>> T3 = multivariate_taylor(f, (x, y), (1, 2), 3)
    >>> sp.expand(T3 - f)  # exact at third order
    0
    >>> multivariate_taylor(sp.exp(x + y), (x, y), (0, 0), 2)
    x**2/2 + x*y + x + y**2/2 + y + 1
    """
    if isinstance(x, sp.Symbol | str) or not isinstance(x, Sequence):
        raise TypeError(f"`x` must be a sequence of sympy Symbols, got {_show(x)}")
    if not x:
        raise ValueError("`x` must hold at least one symbol, got none")
    x = tuple(check_symbol(v, "x") for v in x)
    if isinstance(a, str | bytes) or not isinstance(a, Sequence | np.ndarray):
        raise TypeError(f"`a` must be a sequence of real numbers, got {_show(a)}")
    if len(a) != len(x):
        raise ValueError(f"`a` must have one coordinate per variable ({len(x)}), got {_show(a)}")
    a = tuple(_exact_point(ai.item() if isinstance(ai, np.generic) else ai, "a") for ai in a)
    f = check_expression(f, "f", symbols=x, symbols_name="x")
    n = check_nonnegative_int(n, "n", high=MAX_DEGREE)
    at = dict(zip(x, a, strict=True))
    terms = []
    for k in range(n + 1):
        for combo in itertools.combinations_with_replacement(range(len(x)), k):
            alpha = [combo.count(i) for i in range(len(x))]
            d = sp.diff(f, *[(v, m) for v, m in zip(x, alpha, strict=True) if m]) if k else f
            c = _value_at(d, at, f"partial derivative of order {alpha}")
            scale = sp.Mul(*(sp.factorial(m) for m in alpha))
            terms.append(c / scale * sp.Mul(*((v - p) ** m for v, p, m in
                                               zip(x, a, alpha, strict=True))))
    return sp.Add(*terms)


def quadratic_model(f0, g, H, dx, *, order: int = 2):
    r"""The Taylor model of `order` 0, 1 or 2 of a function at the steps `dx` from a point.

    .. math::

        f(\mathbf{x}_0 + \delta) \approx f_0 + \mathbf{g}\,\delta
        + \tfrac12\, \delta^\top H \delta

    where :math:`f_0 = f(\mathbf{x}_0)`, :math:`\mathbf{g} = \nabla f(\mathbf{x}_0)` (a row
    vector) and :math:`H` is the Hessian at :math:`\mathbf{x}_0`. Order 0 keeps :math:`f_0`;
    order 1 adds the linear term (the tangent plane, the linearisation).

    Parameters
    ----------
    f0 : float
        The value at the point.
    g : array_like, shape (n,)
        The gradient at the point.
    H : array_like, shape (n, n)
        The Hessian at the point, symmetric.
    dx : array_like, shape (n,) or (..., n)
        The step :math:`\delta`, or a stack of steps (last axis = coordinates).
    order : {2, 1, 0}
        How many terms to keep. Keyword-only.

    Returns
    -------
    float or ndarray, shape (...)
        The model's value at each step.

    Raises
    ------
    TypeError
        If an argument is not real numbers or `order` not an integer.
    ValueError
        If the shapes do not fit, `H` is not symmetric, `order` is not 0, 1 or 2, or a value is
        not finite.

    See Also
    --------
    multivariate_taylor : the exact polynomial of any degree, with sympy.
    mmlcalc.gradient, mmlcalc.hessian : numbers for `g` and `H`.

    Notes
    -----
    For smooth :math:`f` the error of the order-:math:`k` model is
    :math:`O(|\delta|^{k+1})`: halving the step divides the second-order model's error by about
    8. For a quadratic :math:`f` the second-order model is exact. Book: section 4.5,
    *Multivariate Taylor series*, and section 4.6.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlcalc import quadratic_model
    >>> f0, g, H = 13.0, [6.0, 14.0], [[2.0, 2.0], [2.0, 12.0]]  # x^2 + 2xy + y^3 at (1, 2)
    >>> quadratic_model(f0, g, H, [0.1, -0.1])
    12.25
    >>> quadratic_model(f0, g, H, [[0.1, 0.0], [0.0, 0.1]], order=1)
    array([13.6, 14.4])
    """
    f0 = float(as_real_array(f0, "f0", ndim=0))
    g = as_real_array(g, "g", ndim=1)
    H = as_real_array(H, "H", ndim=2)
    dx = as_real_array(dx, "dx")
    order = check_nonnegative_int(order, "order")
    if order > 2:
        raise ValueError(f"`order` must be 0, 1 or 2, got {order}")
    n = g.size
    if H.shape != (n, n):
        raise ValueError(f"`H` must have shape ({n}, {n}) to match `g`, got {H.shape}")
    if not np.allclose(H, H.T, rtol=1e-10, atol=1e-12 * max(1.0, np.max(np.abs(H)))):
        raise ValueError(f"`H` must be symmetric (a Hessian), got {_show(H)}")
    if dx.ndim == 0 or dx.shape[-1] != n:
        raise ValueError(f"`dx` must have shape ({n},) or (..., {n}), got {dx.shape}")
    value = np.full(dx.shape[:-1], f0)
    if order >= 1:
        value = value + dx @ g
    if order >= 2:
        value = value + 0.5 * np.einsum("...i,ij,...j->...", dx, H, dx)
    return value.item() if value.ndim == 0 else value


def newton_step(g, H):
    r"""The step to the stationary point of the quadratic model, :math:`-H^{-1} \mathbf{g}^\top`.

    Setting the gradient of :math:`m(\delta) = f_0 + \mathbf{g}\,\delta +
    \tfrac12 \delta^\top H \delta` to zero gives :math:`H\delta = -\mathbf{g}^\top`, so

    .. math:: \mathbf{x}_{\text{new}} = \mathbf{x}_0 - H^{-1} \mathbf{g}^\top .

    Parameters
    ----------
    g : array_like, shape (n,) or (..., n)
        The gradient at the point (or at a stack of points).
    H : array_like, shape (n, n) or (..., n, n)
        The Hessian there.

    Returns
    -------
    ndarray, shape (n,) or (..., n)
        The step :math:`\delta`, found by solving :math:`H\delta = -\mathbf{g}^\top` (no inverse
        is formed).

    Raises
    ------
    TypeError
        If `g` or `H` is not real numbers.
    ValueError
        If the shapes do not fit, a value is not finite, or `H` is singular (condition number
        at least :math:`10^{12}`, the one rule of the package; the model then has no
        unique stationary point).

    See Also
    --------
    numpy.linalg.solve : what this calls.
    scipy.optimize.minimize : ``method="Newton-CG"`` takes such steps.

    Notes
    -----
    The stationary point is the model's minimiser exactly when :math:`H` is positive definite;
    with a negative eigenvalue it is a saddle or a maximum of the model. For a quadratic
    :math:`f` the model is :math:`f` itself, so one step lands on the stationary point; for
    other functions, repeating the step is Newton's method for optimisation, which converges
    quadratically near a minimum with positive definite Hessian. Book: section 4.6,
    *From the quadratic model to the Newton step*.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlcalc import newton_step
    >>> H = np.array([[4.0, 1.0], [1.0, 2.0]])  # f = 2x^2 + xy + y^2 - x, minimum at (2/7, -1/7)
    >>> x0 = np.array([1.0, 1.0])
    >>> g = H @ x0 - np.array([1.0, 0.0])
    >>> np.round(x0 + newton_step(g, H), 6)
    array([ 0.285714, -0.142857])
    """
    g = as_real_array(g, "g")
    H = as_real_array(H, "H")
    if g.ndim == 0 or H.ndim < 2 or H.shape[-2:] != (g.shape[-1], g.shape[-1]):
        raise ValueError(f"`H` must have shape (..., n, n) and `g` shape (..., n), got "
                         f"{H.shape} and {g.shape}")
    step = _newton_step(g, H)
    if step is None:
        raise ValueError(f"`H` is singular, so the quadratic model has no unique stationary "
                         f"point: {_show(H)}")
    return step
