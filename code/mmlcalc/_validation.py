"""Argument checks shared by every public function of :mod:`mmlcalc`.

Each check raises ``TypeError`` (wrong kind of thing) or ``ValueError`` (right kind, wrong
value) with a message that names the argument and shows the value it got, e.g.
``"`h` must be positive and finite, got 0"``. They are used at the top of public functions,
never ``assert`` (which ``python -O`` strips).

The checks, by kind of argument:

- numbers: :func:`check_real`, :func:`check_positive`; integers with bounds: :func:`check_int`,
  :func:`check_positive_int`, :func:`check_nonnegative_int`;
- arrays (real, finite, of a shape, non-empty): :func:`as_real_array`,
  :func:`check_positive_array`;
- the user's functions and what they return: :func:`check_callable`,
  :func:`check_finite_output`;
- sympy input: :func:`check_symbol`, :func:`check_symbols`, :func:`check_expression`;
- :func:`check_mapping`, :func:`check_choice`, :func:`as_rng`;
- plotting: :func:`check_ax`, :func:`check_axes`, :func:`check_limits`, :func:`check_levels`,
  :func:`check_grid_size`.

Sizes that no machine can meet are refused up front, with the limit in the message:
:data:`MAX_ITER` iterations, :data:`MAX_SAMPLES` samples and :data:`MAX_GRID` grid points a side.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from numbers import Integral, Real
from typing import Any

import numpy as np

#: The most iterations (or steps, or probes) a function will agree to run.
MAX_ITER = 10_000_000
#: The most samples (data points, draws, starts) a function will agree to hold in memory.
MAX_SAMPLES = 10_000_000
#: The most grid points along one side of a plotting grid (a figure's grid is ``n x n``).
MAX_GRID = 2_000


def _show(value: Any) -> str:
    """A short ``repr`` for error messages (long arrays are abbreviated)."""
    text = np.array2string(value, threshold=6) if isinstance(value, np.ndarray) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _kind(value: Any) -> str:
    """The type and a short ``repr`` of `value`, for "got ..." in a message."""
    return f"{type(value).__name__} {_show(value)}"


# --- the user's functions ------------------------------------------------------------------------

def check_callable(f: Any, name: str, *, same_shape: bool = False) -> Callable:
    """Return `f` if it is callable, else raise ``TypeError`` naming `name`.

    With ``same_shape=True``, `f` is applied elementwise (``f(x)`` has the shape of ``x``): the
    function returned calls `f` and raises ``ValueError`` naming `name` if its output does not
    broadcast to the shape of its input (``f`` returning three numbers for one ``x``).
    """
    if not callable(f):
        raise TypeError(f"`{name}` must be callable, got {_kind(f)}")
    if not same_shape:
        return f

    @functools.wraps(f)
    def elementwise(x):
        values = f(x)
        shape_in, shape_out = np.shape(x), np.shape(values)
        try:
            fits = np.broadcast_shapes(shape_out, shape_in) == shape_in
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(f"`{name}` must return one value per input (shape {shape_in}), got "
                             f"shape {shape_out}")
        return values

    return elementwise


def check_finite_output(values: Any, name: str, at: Any, *, shape: tuple | None = None
                        ) -> np.ndarray:
    """`values` returned by the user's function `name` at `at`, checked: numbers, finite.

    Complex values pass (the complex step needs them); anything else that is not numbers
    raises ``TypeError``, NaN or infinity ``ValueError``, and so does an output whose shape is
    not `shape` (when given).
    """
    try:
        array = np.asarray(values)
    except (TypeError, ValueError, OverflowError):
        array = np.asarray(None)
    if array.dtype.kind not in "iufc":
        raise TypeError(f"`{name}` must return real numbers, got {_kind(values)} at {_show(at)}")
    if shape is not None and array.shape != tuple(shape):
        raise ValueError(f"`{name}` must return an array of shape {tuple(shape)}, got shape "
                         f"{array.shape} at {_show(at)}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"`{name}` returned a non-finite value ({_show(array)}) at {_show(at)}")
    return array


# --- numbers and integers ------------------------------------------------------------------------

def check_real(value: Any, name: str) -> float:
    """Return `value` as a float if it is a finite real number (``bool`` and strings refused)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, Real):
        raise TypeError(f"`{name}` must be a real number, got {_kind(value)}")
    try:
        number = float(value)
    except OverflowError:
        number = np.inf
    if not np.isfinite(number):
        raise ValueError(f"`{name}` must be finite, got {_show(value)}")
    return number


def _smallest_positive(power: int) -> float:
    """The least x > 0 whose `power` is a normal float (so that dividing by it cannot overflow)."""
    return float(np.finfo(float).tiny ** (1.0 / power))


def _too_small(name: str, value: Any, power: int) -> ValueError:
    low = _smallest_positive(power)
    what = "it" if power == 1 else f"{name}**{power}"
    return ValueError(f"`{name}` must be at least {low:.3g} (so that {what} is a normal float), "
                      f"got {float(value):g}")


def check_positive(value: Any, name: str, *, power: int = 1) -> float:
    """Return `value` as a float if it is a finite real number > 0.

    A value so small that ``value**power`` is not a normal float (below about ``2.2e-308``)
    is refused too: dividing by it overflows. A difference step used squared (a Hessian's) is
    checked with ``power=2``.
    """
    try:
        number = check_real(value, name)
    except ValueError:
        number = np.nan
    if not number > 0:
        raise ValueError(f"`{name}` must be positive and finite, got {_show(value)}")
    if number < _smallest_positive(power):
        raise _too_small(name, value, power)
    return number


def check_positive_array(array: np.ndarray, name: str, *, power: int = 1) -> np.ndarray:
    """Return the real array `array` if every entry is > 0 and its `power` a normal float."""
    if np.any(array <= 0):
        raise ValueError(f"`{name}` must be positive, got minimum {array.min()!r}")
    if np.any(array < _smallest_positive(power)):
        raise _too_small(name, array.min(), power)
    return array


def check_int(value: Any, name: str, *, low: int | None = None, high: int | None = None) -> int:
    """Return `value` as an int if it is an integer in ``[low, high]`` (``bool`` is refused)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, Integral):
        raise TypeError(f"`{name}` must be an integer, got {_kind(value)}")
    if low is not None and value < low:
        wanted = "non-negative" if low == 0 else f"at least {low}"
        raise ValueError(f"`{name}` must be {wanted}, got {_show(value)}")
    if high is not None and value > high:
        raise ValueError(f"`{name}` must be at most {high:_}, got {_show(value)}")
    return int(value)


def check_positive_int(value: Any, name: str, *, high: int = MAX_ITER) -> int:
    """Return `value` if it is a count: an integer from 1 to `high`.

    By default `high` is :data:`MAX_ITER`: no loop of the package can run more times than that
    in reasonable time, so a larger count is refused up front rather than left to spin.
    """
    return check_int(value, name, low=1, high=high)


def check_nonnegative_int(value: Any, name: str, *, high: int | None = None) -> int:
    """Return `value` if it is an integer >= 0 (and <= `high`, if given)."""
    return check_int(value, name, low=0, high=high)


def check_choice(value: Any, name: str, choices: Iterable[str]) -> str:
    """Return `value` if it is one of `choices`, else raise ``ValueError`` listing them."""
    choices = tuple(choices)
    try:
        known = value in choices
    except TypeError:  # an unhashable value and a dict of choices
        known = False
    if not known:
        listed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"`{name}` must be one of {listed}, got {_show(value)}")
    return value


# --- arrays --------------------------------------------------------------------------------------

def as_real_array(value: Any, name: str, *, ndim: int | None = None,
                  shape: tuple[int | None, ...] | None = None,
                  allow_empty: bool = False) -> np.ndarray:
    """Convert `value` to a finite float array, naming `name` in any error.

    Parameters
    ----------
    value : array_like
        Real numbers.
    name : str
        The argument's name, for error messages.
    ndim : int, optional
        Required number of dimensions.
    shape : tuple of int or None, optional
        Required shape; ``None`` in it matches any length along that axis (shown as ``k``).
    allow_empty : bool, optional
        Accept an array with no elements (refused by default).

    Raises
    ------
    TypeError
        If `value` is not real numbers: strings, booleans, complex numbers, None, objects.
    ValueError
        If it is ragged, has the wrong dimensions or shape, is empty, or holds NaN, infinity
        or a number beyond the float range.
    """
    if isinstance(value, str | bytes):
        raise TypeError(f"`{name}` must be real numbers, got {_kind(value)}")
    try:
        raw = np.asarray(value)
    except ValueError:  # numpy's "inhomogeneous shape"
        raise ValueError(f"`{name}` must be a regular array of numbers (not ragged), got "
                         f"{_show(value)}") from None
    if raw.dtype.kind == "c":
        raise TypeError(f"`{name}` must be real numbers, got complex {_show(value)}")
    # objects (sympy numbers, huge ints) must each be a number, not text, a bool or complex
    if raw.dtype.kind not in "iufO" or (raw.dtype.kind == "O" and any(
            v is None or isinstance(v, str | bytes | bool | complex) for v in raw.flat)):
        raise TypeError(f"`{name}` must be real numbers, got {_kind(value)}")
    try:
        array = raw.astype(float)
    except OverflowError:  # a Python int beyond the float range, such as 10**400
        raise ValueError(f"`{name}` must be finite, got a number beyond the float range "
                         f"(about 1.8e308): {_show(value)}") from None
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` must be real numbers, got {_kind(value)}") from None
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"`{name}` must have {ndim} dimension(s), got shape {array.shape}")
    if shape is not None and (array.ndim != len(shape) or any(
            want not in (None, got) for got, want in zip(array.shape, shape, strict=True))):
        wanted = tuple("k" if s is None else s for s in shape)
        raise ValueError(f"`{name}` must have shape {wanted}, got shape {array.shape}".replace(
            "'k'", "k"))
    if array.size == 0 and not allow_empty:
        raise ValueError(f"`{name}` must not be empty, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"`{name}` must be finite, got {_show(value)}")
    return array


# --- mappings and randomness ---------------------------------------------------------------------

def check_mapping(value: Any, name: str, *, allow_empty: bool = False) -> Mapping:
    """Return `value` if it is a mapping (a dict, say), non-empty unless `allow_empty`."""
    if not isinstance(value, Mapping):
        raise TypeError(f"`{name}` must be a mapping (a dict), got {_kind(value)}")
    if not value and not allow_empty:
        raise ValueError(f"`{name}` must not be empty, got {_show(value)}")
    return value


def as_rng(rng: Any, name: str = "rng") -> np.random.Generator:
    """A ``numpy.random.Generator`` from `rng`: a Generator, a non-negative integer seed, or None.

    None gives fresh, unpredictable randomness; a seed gives ``np.random.default_rng(seed)``.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, bool | np.bool_) or not isinstance(rng, Integral):
        raise TypeError(f"`{name}` must be a numpy Generator, an integer seed or None, got "
                        f"{_kind(rng)}")
    return np.random.default_rng(check_nonnegative_int(rng, name))


# --- sympy ---------------------------------------------------------------------------------------

def check_symbol(x: Any, name: str):
    """Return `x` if it is a sympy Symbol, else raise ``TypeError``."""
    import sympy as sp

    if not isinstance(x, sp.Symbol):
        raise TypeError(f"`{name}` must be a sympy Symbol, got {_kind(x)}")
    return x


def check_symbols(variables: Any, name: str) -> tuple:
    """`variables` (a Symbol or a sequence of them) as a non-empty tuple of distinct Symbols."""
    import sympy as sp

    if isinstance(variables, sp.Symbol):
        return (variables,)
    if isinstance(variables, str | bytes | Mapping) or not isinstance(variables, Iterable):
        raise TypeError(f"`{name}` must be a sympy Symbol or a sequence of them, got "
                        f"{_kind(variables)}")
    symbols = tuple(variables)
    if not symbols:
        raise ValueError(f"`{name}` must hold at least one symbol, got {_show(variables)}")
    if not all(isinstance(s, sp.Symbol) for s in symbols):
        raise TypeError(f"`{name}` must be sympy symbols, got {_show(variables)}")
    if len(set(symbols)) != len(symbols):
        raise ValueError(f"`{name}` must be distinct symbols, got {_show(variables)}")
    return symbols


def check_expression(expr: Any, name: str, *, symbols: Iterable | None = None,
                     symbols_name: str = "variables", parse: bool = False,
                     local: Iterable = ()):
    """`expr` as a finite sympy expression, else a ``TypeError``/``ValueError`` naming `name`.

    Real numbers are turned into sympy numbers. With ``parse=True`` a string is read as a
    formula (names in it that match a symbol of `local` become that symbol). Refused: anything
    that is not an expression (an equation ``Eq(...)``, an inequality, a Matrix, a list), and
    expressions holding ``nan``, ``zoo`` or ``oo``. With `symbols` (the argument
    `symbols_name`), every free symbol of the expression must be one of them.
    """
    from tokenize import TokenError

    import sympy as sp

    if isinstance(expr, str) and parse:
        names = {s.name: s for s in local}
        try:
            expr = sp.parse_expr(expr, local_dict=names)
        except (SyntaxError, TypeError, ValueError, TokenError, AttributeError) as error:
            raise ValueError(f"`{name}` is not a formula sympy can read: {expr!r}") from error
    elif isinstance(expr, Real) and not isinstance(expr, bool | np.bool_):
        expr = sp.sympify(check_real(expr, name))
    if not isinstance(expr, sp.Expr):
        what = "a sympy expression or a string" if parse else "a sympy expression"
        raise TypeError(f"`{name}` must be {what}, got {_kind(expr)}")
    if expr.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise ValueError(f"`{name}` must be finite, got {expr}")
    if symbols is not None:
        extra = expr.free_symbols - set(symbols)
        if extra:
            names = ", ".join(sorted(str(s) for s in extra))
            raise ValueError(f"`{name}` has free symbols not in `{symbols_name}`: {names}")
    return expr


# --- plotting ------------------------------------------------------------------------------------

def check_ax(ax: Any, name: str = "ax", *, three_d: bool = False):
    """Return `ax` if it is a matplotlib ``Axes`` (a 3-D one when `three_d`), else ``TypeError``."""
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise TypeError(f"`{name}` must be a matplotlib Axes (from plt.subplots or "
                        f"mml.plotting.figure), got {_kind(ax)}")
    if three_d and ax.name != "3d":
        raise TypeError(f"`{name}` must be a 3-D Axes (projection='3d', see "
                        f"mml.plotting.as_3d), got a {ax.name!r} Axes")
    return ax


def check_axes(axes: Any, name: str, n: int) -> tuple:
    """`axes` as a tuple of `n` matplotlib Axes, else a ``TypeError``/``ValueError``."""
    if isinstance(axes, np.ndarray):
        axes = tuple(axes.flat)
    if not isinstance(axes, list | tuple):
        raise TypeError(f"`{name}` must be a sequence of {n} matplotlib Axes, got {_kind(axes)}")
    for ax in axes:
        check_ax(ax, name)
    if len(axes) != n:
        raise ValueError(f"`{name}` must hold {n} Axes, got {len(axes)}")
    return tuple(axes)


def check_limits(lim: Any, name: str) -> tuple[float, float]:
    """`lim` as ``(low, high)``: two finite real numbers with ``low < high``."""
    if isinstance(lim, str | bytes) or not isinstance(lim, Iterable):
        raise TypeError(f"`{name}` must be a pair (low, high), got {_kind(lim)}")
    pair = tuple(lim)
    if len(pair) != 2:
        raise ValueError(f"`{name}` must be a pair (low, high), got {_show(lim)}")
    low, high = (check_real(v, name) for v in pair)
    if not low < high:
        raise ValueError(f"`{name}` must be an increasing pair (low, high) with low < high, "
                         f"got {_show(lim)}")
    return low, high


def check_levels(levels: Any, name: str = "levels") -> int | np.ndarray:
    """Contour levels: a number of levels (an integer from 1 to 1000) or the levels themselves.

    Given levels come back sorted and without repeats, as matplotlib wants them.
    """
    if isinstance(levels, Integral) and not isinstance(levels, bool | np.bool_):
        return check_int(levels, name, low=1, high=1000)
    if isinstance(levels, Real) and not isinstance(levels, bool | np.bool_):
        raise TypeError(f"`{name}` must be a number of levels (an integer) or a sequence of "
                        f"levels, got {_kind(levels)}")
    return np.unique(as_real_array(levels, name, ndim=1))


def check_grid_size(n: Any, name: str) -> int:
    """Points along one side of a plotting grid: an integer from 2 to :data:`MAX_GRID`."""
    return check_int(n, name, low=2, high=MAX_GRID)
