"""Argument checks shared by every public function of :mod:`mmlcalc`.

Each check raises ``TypeError`` or ``ValueError`` with a message that names the argument and
shows the value it got, e.g. ``"`h` must be positive, got 0"``. They are used at the top of
public functions, never ``assert`` (which ``python -O`` strips).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from numbers import Integral, Real
from typing import Any

import numpy as np


def _show(value: Any) -> str:
    """A short ``repr`` for error messages (long arrays are abbreviated)."""
    text = np.array2string(value, threshold=6) if isinstance(value, np.ndarray) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def check_callable(f: Any, name: str) -> Callable:
    """Return `f` if it is callable, else raise ``TypeError`` naming `name`."""
    if not callable(f):
        raise TypeError(f"`{name}` must be callable, got {type(f).__name__} {_show(f)}")
    return f


def check_choice(value: Any, name: str, choices: Iterable[str]) -> str:
    """Return `value` if it is one of `choices`, else raise ``ValueError`` listing them."""
    choices = tuple(choices)
    if value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"`{name}` must be one of {listed}, got {_show(value)}")
    return value


def check_positive(value: Any, name: str) -> float:
    """Return `value` as a float if it is a finite real number > 0."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(
            f"`{name}` must be a real number, got {type(value).__name__} {_show(value)}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"`{name}` must be positive and finite, got {_show(value)}")
    return float(value)


def check_positive_int(value: Any, name: str) -> int:
    """Return `value` if it is an integer >= 1 (``bool`` is refused)."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"`{name}` must be an integer, got {type(value).__name__} {_show(value)}")
    if value < 1:
        raise ValueError(f"`{name}` must be at least 1, got {_show(value)}")
    return int(value)


def as_real_array(value: Any, name: str, *, ndim: int | None = None) -> np.ndarray:
    """Convert `value` to a finite float array, naming `name` in any error.

    Parameters
    ----------
    value : array_like
        Real numbers.
    name : str
        The argument's name, for error messages.
    ndim : int, optional
        Required number of dimensions.
    """
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` must be real numbers, got {_show(value)}") from None
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"`{name}` must have {ndim} dimension(s), got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"`{name}` must be finite, got {_show(value)}")
    return array


def check_finite_output(values: Any, name: str, at: Any) -> np.ndarray:
    """Raise ``ValueError`` if the user's function `name` returned NaN or infinity at `at`."""
    array = np.asarray(values)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"`{name}` returned a non-finite value ({_show(array)}) at {_show(at)}")
    return array


def check_nonnegative_int(value: Any, name: str) -> int:
    """Return `value` if it is an integer >= 0 (``bool`` is refused)."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"`{name}` must be an integer, got {type(value).__name__} {_show(value)}")
    if value < 0:
        raise ValueError(f"`{name}` must be at least 0, got {_show(value)}")
    return int(value)


# --- added for issue 19: one vocabulary for randomness -----------------------------------------

def as_generator(rng: Any, name: str = "rng") -> np.random.Generator:
    """`rng` as a ``numpy.random.Generator``: a Generator as it is, a seed (int >= 0 or None)
    through ``numpy.random.default_rng`` (SPEC 7)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is not None and (isinstance(rng, bool) or not isinstance(rng, Integral)):
        raise TypeError(f"`{name}` must be a numpy.random.Generator, an integer seed or None, "
                        f"got {type(rng).__name__} {_show(rng)}")
    if rng is not None and rng < 0:
        raise ValueError(f"`{name}` must be a non-negative seed, got {_show(rng)}")
    return np.random.default_rng(rng)
