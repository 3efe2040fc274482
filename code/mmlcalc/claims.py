r"""Claims: a result stated in words and checked in code.

The book states results in its prose ("central differences have order 2"); each one is backed
by a *claim*, which says the same thing in words and checks it::

    from mmlcalc.claims import claim

    claim("central differences have order 2", order, 2, atol=0.05)
    claim("the Hessian is symmetric", np.allclose(H, H.T))
    with claim("inverse half-Hessian, linear_fit and curve_fit give one covariance"):
        np.testing.assert_allclose(C_hessian, fit.covariance, rtol=1e-10)
        np.testing.assert_allclose(pcov, C_hessian, rtol=1e-8)

A claim that holds shows one line, ``✓ checked: <words>``, as the output of its cell (in
Jupyter, in a downloaded notebook, and in the book's build, which collects these outputs, with
their words in the output's metadata, for its list of checked claims). A claim that does not
hold raises :class:`ClaimFailed`, whose message starts with the claim's words, so a failing
page says *which* statement turned out false.

Book: every section states its results as claims, from section 1.1 on; the verification
ledger in the reference part lists them all, page by page.

This module is deliberately light: it imports nothing beyond the standard library until a
claim compares arrays (then numpy).
"""

from __future__ import annotations

import html
import itertools
from typing import Any

__all__ = ["ClaimFailed", "claim"]

#: The key, in a checked claim's output metadata, of ``{"words": ..., "compared": ...}``:
#: the claim's words and, for ``claim(words, actual, expected, ...)``, what was compared
#: (``n`` values, ``actual`` and ``expected`` if there is one of each, the largest absolute
#: and relative differences ``abs`` and ``rel``, and ``rtol``, ``atol``).
METADATA_KEY = "mmlcalc-claim"
#: Prefix of the output's name, under which the book's build collects it.
KEY_PREFIX = "mmlcalc-claim-"
_counter = itertools.count(1)


class ClaimFailed(AssertionError):
    """A stated result that the code found false. ``words`` is what the page claimed.

    It is an ``AssertionError``, so a test that expects a failed assertion accepts it.

    Book: raised by a page's claims, from section 1.1 on.
    """

    def __init__(self, words: str, detail: str = "") -> None:
        self.words = words
        self.detail = detail
        message = f"claim failed: {words}"
        if detail:
            message += f"\n{detail}"
        super().__init__(message)


class _ClaimBlock:
    """``with claim(words):`` the assertions inside the block are the check."""

    def __init__(self, words: str) -> None:
        self.words = words

    def __enter__(self) -> _ClaimBlock:
        return self

    def __exit__(self, kind, error, traceback) -> bool:
        if kind is None:
            _show(self.words, None)
            return False
        if issubclass(kind, AssertionError) and not isinstance(error, ClaimFailed):
            raise ClaimFailed(self.words, str(error).strip()) from error
        return False   # other errors (and nested failed claims) pass through unchanged


def claim(words: str, *check: Any, rtol: float | None = None, atol: float | None = None):
    """State a result in words and check it; raise :class:`ClaimFailed` if it is false.

    Three forms:

    - ``claim(words, condition)``: the claim holds if `condition` is true (a bool, or a numpy
      boolean scalar or array, which must be true everywhere).
    - ``claim(words, actual, expected, rtol=..., atol=...)``: the claim holds if `actual`
      equals `expected` within the tolerances, elementwise, as in
      :func:`numpy.testing.assert_allclose` (``|actual - expected| <= atol + rtol*|expected|``).
      Without a tolerance the two must be exactly equal (integers, strings, exact counts).
    - ``with claim(words): ...``: the claim holds if the block raises no ``AssertionError``;
      any assertion that fails inside it fails the claim.

    Parameters
    ----------
    words : str
        The claim in the words of the page's prose, e.g. ``"the ellipse covers 68% of the
        repeats"``. It is shown to the reader and named when the claim fails.
    *check
        Nothing (the ``with`` form), a condition, or ``actual, expected``.
    rtol, atol : float, optional
        Relative and absolute tolerances of the ``actual, expected`` form (default 0).

    Returns
    -------
    None, or (called with `words` only) a context manager.

    Raises
    ------
    ClaimFailed
        If the claim does not hold; the message starts with ``claim failed: <words>``.
    TypeError
        If `words` is not a non-empty string, or the arguments fit none of the forms.
    ValueError
        If `rtol` or `atol` is negative.

    Notes
    -----
    Book: every section states its results as claims, from section 1.1 on.

    Examples
    --------
    >>> claim("two plus two is four", 2 + 2, 4)
    >>> claim("pi is about 22/7", 22 / 7, 3.14159, rtol=1e-3)
    >>> claim("one is less than zero", 1 < 0)
    Traceback (most recent call last):
        ...
    mmlcalc.claims.ClaimFailed: claim failed: one is less than zero
    """
    if not isinstance(words, str) or not words.strip():
        raise TypeError(f"`words` must be a non-empty string saying what is claimed, got "
                        f"{words!r}")
    words = " ".join(words.split())
    if not check:
        if rtol is not None or atol is not None:
            raise TypeError("rtol and atol belong to claim(words, actual, expected, ...)")
        return _ClaimBlock(words)
    shown = None
    if len(check) == 1:
        if rtol is not None or atol is not None:
            raise TypeError("rtol and atol belong to claim(words, actual, expected, ...)")
        failure = _check_condition(check[0])
    elif len(check) == 2:
        failure = _check_close(*check, rtol=rtol or 0.0, atol=atol or 0.0)
        shown = _compared(*check, rtol=rtol or 0.0, atol=atol or 0.0)
    else:
        raise TypeError("claim(words, condition) or claim(words, actual, expected, ...)")
    if failure is not None:
        raise ClaimFailed(words, failure)
    _show(words, shown)
    return None


def _check_condition(condition: Any) -> str | None:
    if isinstance(condition, bool):
        return None if condition else ""
    if condition is None:
        raise TypeError("a claim's condition is None: did the check forget to return?")
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy is a dependency of mmlcalc
        return None if bool(condition) else ""
    values = np.asarray(condition)
    if values.dtype != bool:
        raise TypeError(f"a claim's condition must be true or false, not {values.dtype} "
                        "(compare values with claim(words, actual, expected, rtol=...))")
    if values.all():
        return None
    if values.ndim == 0:
        return ""
    return f"false at {int((~values).sum())} of {values.size} places"


def _check_close(actual: Any, expected: Any, *, rtol: float, atol: float) -> str | None:
    import numpy as np

    for name, tolerance in (("rtol", rtol), ("atol", atol)):
        if tolerance < 0:
            raise ValueError(f"`{name}` must not be negative, got {tolerance!r}")
    if rtol == 0 and atol == 0 and not _is_numeric(actual, expected):
        same = actual == expected
        same = bool(np.all(same)) if not isinstance(same, bool) else same
        return None if same else f"got {actual!r}, expected {expected!r}"
    try:
        np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)
    except AssertionError as error:
        return str(error).strip()
    return None


def _compared(actual: Any, expected: Any, *, rtol: float, atol: float) -> dict | None:
    """What a numeric claim compared, for the record (the build formats it for the reader)."""
    import numpy as np

    if not _is_numeric(actual, expected):
        return None
    a, e = np.broadcast_arrays(np.asarray(actual), np.asarray(expected))
    gap = np.abs(a - e)
    scale = np.abs(e)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(scale > 0, gap / np.where(scale > 0, scale, 1), np.where(gap > 0, np.inf, 0))
    largest_rel = float(rel.max(initial=0.0))
    record = {"n": int(a.size), "abs": float(gap.max(initial=0.0)),
              "rel": largest_rel if np.isfinite(largest_rel) else None,
              "rtol": float(rtol), "atol": float(atol)}
    if a.size == 1:
        record["actual"] = _plain(a.item())
        record["expected"] = _plain(e.item())
    return record


def _plain(value: Any) -> Any:
    """A JSON-friendly scalar: complex numbers become their string."""
    return str(value) if isinstance(value, complex) else float(value) \
        if not isinstance(value, (bool, int)) else value


def _is_numeric(*values: Any) -> bool:
    import numpy as np

    try:
        return all(np.asarray(v).dtype.kind in "biufc" for v in values)
    except Exception:  # noqa: BLE001 - anything numpy cannot take is not numeric
        return False


def _show(words: str, compared: dict | None) -> None:
    """Display a checked claim in IPython (a notebook, the book's build); else do nothing."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    if get_ipython() is None:
        return
    from IPython.display import display

    key = f"{KEY_PREFIX}{next(_counter)}"
    display({"text/html": f'<p class="mml-claim-checked">✓ checked: {html.escape(words)}</p>',
             "text/plain": f"✓ checked: {words}"},
            raw=True, metadata={"scrapbook": {"name": key, "mime_prefix": ""},
                                METADATA_KEY: {"words": words, "compared": compared}})
