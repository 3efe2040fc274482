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
