r"""Exact derivatives with sympy, and the bridge from sympy expressions to numpy functions.

The book checks its numerical results against these exact ones. Taught in chapter 1 (the rules
of differentiation) and chapter 2 (gradient, Jacobian and Hessian).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import sympy as sp

__all__ = ["to_numpy"]


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
    """
    if not isinstance(expr, sp.Basic | sp.MatrixBase):
        raise TypeError(f"`expr` must be a sympy expression, got {type(expr).__name__}")
    single = isinstance(variables, sp.Symbol)
    symbols = (variables,) if single else tuple(variables)
    if not symbols or not all(isinstance(s, sp.Symbol) for s in symbols):
        raise TypeError(f"`variables` must be sympy symbols, got {variables!r}")
    extra = expr.free_symbols - set(symbols)
    if extra:
        names = ", ".join(sorted(str(s) for s in extra))
        raise ValueError(f"`expr` has free symbols not in `variables`: {names}")
    vector = isinstance(expr, sp.MatrixBase)
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


# -- chapter 2: gradient, Jacobian and Hessian, exactly --

__all__ += ["gradient", "hessian", "jacobian"]


def _symbols(variables, name: str = "variables") -> tuple[sp.Symbol, ...]:
    """The variables as a non-empty tuple of distinct sympy symbols, else a named error."""
    symbols = (variables,) if isinstance(variables, sp.Symbol) else tuple(variables)
    if not symbols or not all(isinstance(s, sp.Symbol) for s in symbols):
        raise TypeError(f"`{name}` must be sympy symbols, got {variables!r}")
    if len(set(symbols)) != len(symbols):
        raise ValueError(f"`{name}` must be distinct symbols, got {variables!r}")
    return symbols


def _scalar(expr, name: str = "expr") -> sp.Expr:
    """`expr` as a scalar sympy expression (a 1 x 1 Matrix counts), else a named error."""
    if isinstance(expr, sp.MatrixBase):
        if expr.shape != (1, 1):
            raise ValueError(f"`{name}` must be a single expression, got a Matrix of shape "
                             f"{expr.shape}")
        expr = expr[0, 0]
    if isinstance(expr, int | float):
        expr = sp.sympify(expr)
    if not isinstance(expr, sp.Expr):
        raise TypeError(f"`{name}` must be a sympy expression, got {type(expr).__name__}")
    return expr


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
    symbols = _symbols(variables)
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
    symbols = _symbols(variables)
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
        H = J(\nabla f^{\mathsf T}) \in \mathbb{R}^{n \times n}

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
    Book: section 2.6, *The Hessian*, and the sandpit of section 2.5.

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
    symbols = _symbols(variables)
    return sp.Matrix([[sp.diff(sp.diff(expr, xj), xi) for xj in symbols] for xi in symbols])
