r"""The sandpit: landscapes with a known deepest point, probed for height and slope.

A landscape is the floor of a square sandpit, :math:`[-L, L]^2`, whose height is a tilted
elliptical bowl with a few Gaussian dimples pressed into it:

.. math::

    f(\mathbf{x}) = f_0 + \tfrac12 (\mathbf{x} - \mathbf{c})^\top A\,
    (\mathbf{x} - \mathbf{c})
    - \sum_k d_k \exp\!\Bigl(-\frac{\lVert \mathbf{x} - \mathbf{m}_k \rVert^2}{2 w_k^2}\Bigr),
    \qquad A = R_\alpha \begin{bmatrix} a_1 & 0 \\ 0 & a_2 \end{bmatrix} R_\alpha^\top,

where :math:`R_\alpha` turns the bowl's principal axes by the angle :math:`\alpha`. The deepest
point is the minimum of :math:`f`; the *depth* a probe reads is :math:`-f`. Height, gradient and
Hessian are exact (analytic); the minima are found numerically, from many starts, and checked.

A landscape is a small frozen dataclass. :meth:`Landscape.to_dict` gives its parameters and its
minima as plain JSON-ready numbers, so a web page can redraw the same pit;
:func:`make_sandpit` makes seeded, varied landscapes at two levels of difficulty.

Taught in section 2.6, *The sandpit*.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import sympy as sp
from scipy.optimize import minimize

from ._iteration import IterationResult, backtrack, newton_step
from ._validation import (
    MAX_ITER,
    as_real_array,
    check_choice,
    check_mapping,
    check_nonnegative_int,
    check_positive,
    check_positive_int,
)
from .stationary import classify_stationary_point

__all__ = ["LEVELS", "Dimple", "Landscape", "LocalMinimum", "Probe", "ProbeLog",
           "descend_by_probing", "make_sandpit"]

#: Difficulty levels of :func:`make_sandpit`.
LEVELS = ("easy", "hard")

_FORMAT_VERSION = 1


def _real(value, name: str) -> float:
    return float(as_real_array(value, name, ndim=0))


def _pair(value, name: str) -> tuple[float, float]:
    x, y = as_real_array(value, name, shape=(2,))
    return (float(x), float(y))


def _entry(data: Mapping, key: str, name: str):
    """``data[key]``, or a ``ValueError`` saying that `name` lacks it."""
    if key not in data:
        raise ValueError(f"`{name}` must have the key {key!r} (see Landscape.to_dict), got keys "
                         f"{sorted(map(str, data))}")
    return data[key]


@dataclass(frozen=True)
class Dimple:
    r"""A Gaussian dent in the sand, :math:`-d \exp(-\lVert x - m \rVert^2 / 2w^2)`.

    Attributes
    ----------
    centre : (float, float)
        :math:`m`, the middle of the dent.
    depth : float
        :math:`d`, how deep it is (a negative depth makes a mound).
    width : float
        :math:`w > 0`, its standard deviation: the dent's radius is about :math:`2w`.

    Notes
    -----
    Book: section 2.6.
    """

    centre: tuple[float, float]
    depth: float
    width: float

    def __post_init__(self):
        object.__setattr__(self, "centre", _pair(self.centre, "centre"))
        object.__setattr__(self, "depth", _real(self.depth, "depth"))
        object.__setattr__(self, "width", check_positive(_real(self.width, "width"), "width"))

    def to_dict(self) -> dict:
        """The dimple as plain numbers: ``{"centre": [x, y], "depth": d, "width": w}``."""
        return {"centre": list(self.centre), "depth": self.depth, "width": self.width}


@dataclass(frozen=True)
class Probe:
    """What one probe of the sand reports.

    Attributes
    ----------
    x : (float, float)
        Where the probe went in.
    height : float
        :math:`f(x)`, the height of the floor there (the deepest point has the smallest).
    gradient : (float, float)
        :math:`\\nabla f(x)`, the slope: it points uphill, so :math:`-\\nabla f` is downhill.

    Notes
    -----
    Book: section 2.6.
    """

    x: tuple[float, float]
    height: float
    gradient: tuple[float, float]

    @property
    def depth(self) -> float:
        """The depth reading, :math:`-f(x)`."""
        return -self.height

    def to_dict(self) -> dict:
        """The probe as plain numbers (for a probe log in JSON)."""
        return {"x": list(self.x), "height": self.height, "depth": self.depth,
                "gradient": list(self.gradient)}


@dataclass(frozen=True)
class LocalMinimum:
    """A local minimum of a landscape, found numerically and checked.

    Attributes
    ----------
    x : (float, float)
        Where it is; the gradient there is zero to about :math:`10^{-10}`.
    height : float
        :math:`f(x)`.
    eigenvalues : (float, float)
        Eigenvalues of the Hessian there, both positive (the second-derivative test).
    n_starts : int
        How many of the descents started on a grid over the pit ended here: a rough size of
        its basin.

    Notes
    -----
    Book: section 2.6.
    """

    x: tuple[float, float]
    height: float
    eigenvalues: tuple[float, float]
    n_starts: int

    @property
    def depth(self) -> float:
        """The depth reading there, :math:`-f(x)`."""
        return -self.height

    def to_dict(self) -> dict:
        """The minimum as plain numbers."""
        return {"x": list(self.x), "height": self.height, "depth": self.depth,
                "eigenvalues": list(self.eigenvalues), "n_starts": self.n_starts}


@dataclass(frozen=True)
class Landscape:
    r"""The floor of a square sandpit: a tilted bowl with Gaussian dimples.

    .. math::

        f(\mathbf{x}) = f_0 + \tfrac12 (\mathbf{x} - \mathbf{c})^\top A\,
        (\mathbf{x} - \mathbf{c}) - \sum_k d_k
        \exp\!\Bigl(-\frac{\lVert \mathbf{x} - \mathbf{m}_k \rVert^2}{2 w_k^2}\Bigr)

    Attributes
    ----------
    bowl_centre : (float, float)
        :math:`\mathbf{c}`, the bottom of the bowl without its dimples.
    curvatures : (float, float)
        :math:`a_1, a_2 > 0`, the bowl's curvatures along its principal axes (the eigenvalues
        of :math:`A`).
    angle : float
        :math:`\alpha`, the direction of the first principal axis, in radians.
    offset : float
        :math:`f_0`, the height of the bowl's bottom before the dimples are pressed in.
    dimples : tuple of Dimple
        The dents (dicts with keys ``centre``, ``depth``, ``width`` are accepted too).
    half_width : float
        :math:`L`: the pit is the square :math:`[-L, L]^2`.
    seed : int or None
        The seed that made it (:func:`make_sandpit`), or None for a landscape built by hand.
    level : str
        ``"easy"``, ``"hard"`` or ``"custom"``.

    Notes
    -----
    Everything about the surface is exact: :meth:`height`, :meth:`gradient` and
    :meth:`hessian` are the formulas, and :meth:`expression` is the same function in sympy.
    The minima (:attr:`minima`, :attr:`deepest`) are found numerically and checked.
    Book: section 2.6, *The sandpit*.

    Examples
    --------
    >>> from mmlcalc.sandpit import Dimple, Landscape
    >>> pit = Landscape(curvatures=(1.0, 0.5), dimples=[Dimple((1.5, 0.5), 2.0, 0.3)])
    >>> len(pit.minima)   # the bowl's own bottom, and the dimple
    2
    >>> best = pit.deepest
    >>> [round(c, 3) for c in best.x], round(best.height, 3)
    ([1.434, 0.489], -0.863)
    """

    bowl_centre: tuple[float, float] = (0.0, 0.0)
    curvatures: tuple[float, float] = (1.0, 1.0)
    angle: float = 0.0
    offset: float = 0.0
    dimples: tuple[Dimple, ...] = ()
    half_width: float = 3.0
    seed: int | None = None
    level: str = "custom"
    _matrix: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "bowl_centre", _pair(self.bowl_centre, "bowl_centre"))
        curvatures = _pair(self.curvatures, "curvatures")
        if min(curvatures) <= 0:
            raise ValueError(f"`curvatures` must both be positive, got {curvatures}")
        set_(self, "curvatures", curvatures)
        set_(self, "angle", _real(self.angle, "angle"))
        set_(self, "offset", _real(self.offset, "offset"))
        if isinstance(self.dimples, str | bytes | Mapping | Dimple) or not isinstance(
                self.dimples, Iterable):
            raise TypeError(f"`dimples` must be a sequence of Dimple objects, got "
                            f"{type(self.dimples).__name__} {self.dimples!r}")
        dimples = []
        for d in self.dimples:
            if isinstance(d, Mapping):
                d = Dimple(**{key: _entry(d, key, "dimples") for key in ("centre", "depth",
                                                                          "width")})
            if not isinstance(d, Dimple):
                raise TypeError(f"`dimples` must hold Dimple objects, got {type(d).__name__}")
            dimples.append(d)
        set_(self, "dimples", tuple(dimples))
        set_(self, "half_width", check_positive(_real(self.half_width, "half_width"),
                                                "half_width"))
        if self.seed is not None:
            set_(self, "seed", check_nonnegative_int(self.seed, "seed"))
        check_choice(self.level, "level", (*LEVELS, "custom"))
        c, s = np.cos(self.angle), np.sin(self.angle)
        R = np.array([[c, -s], [s, c]])
        set_(self, "_matrix", R @ np.diag(self.curvatures) @ R.T)

    # --- the surface, exactly ------------------------------------------------------------------

    @property
    def matrix(self) -> np.ndarray:
        """:math:`A`, the bowl's Hessian, shape (2, 2)."""
        return self._matrix.copy()

    def _points(self, x) -> np.ndarray:
        x = as_real_array(x, "x")
        if x.ndim == 0 or x.shape[-1] != 2:
            raise ValueError(f"`x` must be a point (x, y) or a stack of them, shape (..., 2), "
                             f"got shape {x.shape}")
        return x

    def _dimple_terms(self, x: np.ndarray):
        """Offsets ``r = x - m_k`` (..., k, 2) and terms ``d_k exp(-|r|^2 / 2 w_k^2)`` (..., k)."""
        if not self.dimples:
            return np.zeros(x.shape[:-1] + (0, 2)), np.zeros(x.shape[:-1] + (0,))
        m = np.array([d.centre for d in self.dimples])
        w = np.array([d.width for d in self.dimples])
        depth = np.array([d.depth for d in self.dimples])
        r = x[..., np.newaxis, :] - m
        return r, depth * np.exp(-np.sum(r**2, axis=-1) / (2 * w**2))

    @staticmethod
    def _out(value: np.ndarray):
        return value.item() if value.ndim == 0 else value

    def height(self, x):
        r"""Height of the floor, :math:`f(\mathbf{x})`.

        Parameters
        ----------
        x : array_like, shape (2,) or (..., 2)
            A point or a stack of points.

        Returns
        -------
        float or ndarray, shape (...)
        """
        x = self._points(x)
        u = x - np.array(self.bowl_centre)
        bowl = 0.5 * np.einsum("...i,ij,...j->...", u, self._matrix, u)
        _, terms = self._dimple_terms(x)
        return self._out(self.offset + bowl - terms.sum(axis=-1))

    def depth(self, x):
        r"""The depth a probe reads, :math:`-f(\mathbf{x})`: the deepest point has the largest.

        Parameters
        ----------
        x : array_like, shape (2,) or (..., 2)

        Returns
        -------
        float or ndarray, shape (...)
        """
        return -self.height(x)

    def gradient(self, x):
        r"""The exact gradient of the height, :math:`\nabla f`, which points uphill.

        .. math::

            \nabla f(\mathbf{x})^\top = A (\mathbf{x} - \mathbf{c}) + \sum_k d_k e_k
            \frac{\mathbf{x} - \mathbf{m}_k}{w_k^2}, \qquad
            e_k = \exp\!\Bigl(-\frac{\lVert \mathbf{x} - \mathbf{m}_k \rVert^2}{2w_k^2}\Bigr)

        Parameters
        ----------
        x : array_like, shape (2,) or (..., 2)

        Returns
        -------
        ndarray, shape (2,) or (..., 2)
            Flat, as :func:`mmlcalc.gradient` (the text writes it as a row).
        """
        x = self._points(x)
        r, terms = self._dimple_terms(x)
        w2 = np.array([d.width**2 for d in self.dimples])
        bowl = (x - np.array(self.bowl_centre)) @ self._matrix.T
        return bowl + np.sum((terms / w2)[..., np.newaxis] * r, axis=-2)

    def hessian(self, x):
        r"""The exact Hessian of the height.

        .. math::

            H(\mathbf{x}) = A + \sum_k \frac{d_k e_k}{w_k^2}
            \Bigl(I - \frac{(\mathbf{x} - \mathbf{m}_k)(\mathbf{x} - \mathbf{m}_k)^\top}
            {w_k^2}\Bigr)

        Parameters
        ----------
        x : array_like, shape (2,) or (..., 2)

        Returns
        -------
        ndarray, shape (2, 2) or (..., 2, 2)
        """
        x = self._points(x)
        r, terms = self._dimple_terms(x)
        w2 = np.array([d.width**2 for d in self.dimples])
        outer = r[..., :, np.newaxis] * r[..., np.newaxis, :] / w2[:, np.newaxis, np.newaxis]
        dents = (terms / w2)[..., np.newaxis, np.newaxis] * (np.eye(2) - outer)
        return self._matrix + dents.sum(axis=-3)

    def probe(self, x) -> Probe:
        """Probe the sand at one point: its height and its slope.

        Parameters
        ----------
        x : array_like, shape (2,)

        Returns
        -------
        Probe
        """
        x = self._points(x)
        if x.shape != (2,):
            raise ValueError(f"`x` must be a single point (x, y), got shape {x.shape}")
        g = self.gradient(x)
        return Probe(x=(float(x[0]), float(x[1])), height=float(self.height(x)),
                     gradient=(float(g[0]), float(g[1])))

    def expression(self, x: sp.Symbol | None = None, y: sp.Symbol | None = None) -> sp.Expr:
        """The height as a sympy expression in `x` and `y` (default: symbols ``x``, ``y``).

        Returns
        -------
        sympy.Expr
            The same function as :meth:`height`, for exact derivatives.
        """
        x = sp.Symbol("x") if x is None else x
        y = sp.Symbol("y") if y is None else y
        cx, cy = self.bowl_centre
        c, s = sp.cos(self.angle), sp.sin(self.angle)
        u = c * (x - cx) + s * (y - cy)
        v = -s * (x - cx) + c * (y - cy)
        a1, a2 = self.curvatures
        h = self.offset + sp.Rational(1, 2) * (a1 * u**2 + a2 * v**2)
        for d in self.dimples:
            mx, my = d.centre
            h -= d.depth * sp.exp(-((x - mx) ** 2 + (y - my) ** 2) / (2 * d.width**2))
        return h

    # --- its minima, found numerically and checked ------------------------------------------

    @cached_property
    def minima(self) -> tuple[LocalMinimum, ...]:
        """Every local minimum inside the pit, deepest first.

        Found by descending (``scipy.optimize.minimize``, L-BFGS-B with the exact gradient)
        from a 3 x 3 grid of starts, from each dimple's centre and from every point of a
        101 x 101 grid that is lower than its eight neighbours, then polished by Newton steps
        with the exact Hessian. Each point kept has a gradient below ``1e-9`` and a Hessian that
        :func:`classify_stationary_point` calls a minimum; descents that end on the edge of the
        pit are dropped (the edge is not a stationary point).
        """
        L = self.half_width
        ticks = np.linspace(-L, L, 5)[1:-1]
        starts = [np.array([a, b]) for a in ticks for b in ticks]
        starts += [np.array(d.centre) for d in self.dimples if max(map(abs, d.centre)) < L]
        starts += list(self._grid_minima(101))
        found: list[list] = []  # [x, count]
        for x0 in starts:
            x = self._descend(x0)
            if x is None:
                continue
            for entry in found:
                if np.linalg.norm(entry[0] - x) < 1e-6:
                    entry[1] += 1
                    break
            else:
                found.append([x, 1])
        minima = []
        for x, count in found:
            eigenvalues = np.linalg.eigvalsh(self.hessian(x))
            minima.append(LocalMinimum(x=(float(x[0]), float(x[1])),
                                       height=float(self.height(x)),
                                       eigenvalues=(float(eigenvalues[0]), float(eigenvalues[1])),
                                       n_starts=count))
        return tuple(sorted(minima, key=lambda m: m.height))

    @cached_property
    def deepest(self) -> LocalMinimum:
        """The deepest point of the pit, checked against a 401 x 401 grid.

        Raises
        ------
        ValueError
            If the lowest point is on the edge of the pit (then it is not a stationary point and
            the landscape has no deepest point inside), i.e. some grid point is lower than every
            local minimum found.
        """
        best = self.minima[0] if self.minima else None
        grid = self._grid(401)
        lowest = float(np.min(self.height(grid)))
        if best is None or lowest < best.height - 1e-12:
            raise ValueError("the lowest point of this landscape is on the edge of the pit, "
                             f"height {lowest:.6g}: make the bowl steeper or move it inwards")
        return best

    def _grid_minima(self, n: int) -> np.ndarray:
        """Points of an n x n grid lower than their eight neighbours, shape (k, 2)."""
        grid = self._grid(n)
        h = self.height(grid)
        inner = h[1:-1, 1:-1]
        lowest = np.ones(inner.shape, dtype=bool)
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                if di or dj:
                    lowest &= inner < h[1 + di:n - 1 + di, 1 + dj:n - 1 + dj]
        return grid[1:-1, 1:-1][lowest]

    def _grid(self, n: int) -> np.ndarray:
        ticks = np.linspace(-self.half_width, self.half_width, n)
        return np.stack(np.meshgrid(ticks, ticks, indexing="xy"), axis=-1)

    def _descend(self, x0: np.ndarray) -> np.ndarray | None:
        """Local minimum reached from `x0`, or None if the descent stops on the edge."""
        L = self.half_width
        result = minimize(self.height, x0, jac=self.gradient, method="L-BFGS-B",
                          bounds=[(-L, L), (-L, L)], options={"gtol": 1e-9})
        x = result.x
        for _ in range(8):  # Newton polish with the exact Hessian
            H = self.hessian(x)
            if classify_stationary_point(H) != "minimum":
                return None
            step = newton_step(self.gradient(x), H)
            if step is None or np.linalg.norm(step) > 0.1:
                return None
            x = x + step
        inside = np.all(np.abs(x) < L - 1e-9)
        if not inside or np.linalg.norm(self.gradient(x)) > 1e-9:
            return None
        return x

    # --- as plain data ------------------------------------------------------------------------

    def to_dict(self) -> dict:
        """The landscape as JSON-ready plain data: its parameters and its checked minima.

        Returns
        -------
        dict
            Keys ``format``, ``version``, ``seed``, ``level``, ``half_width``, ``bowl``
            (``centre``, ``curvatures``, ``angle``, ``offset``), ``dimples`` (each
            ``centre``, ``depth``, ``width``), ``formula`` (the height as text), ``minima``
            (deepest first) and ``deepest``. :meth:`from_dict` reads it back.
        """
        return {
            "format": "mmlcalc.sandpit.Landscape",
            "version": _FORMAT_VERSION,
            "seed": None if self.seed is None else int(self.seed),
            "level": self.level,
            "half_width": self.half_width,
            "bowl": {"centre": list(self.bowl_centre), "curvatures": list(self.curvatures),
                     "angle": self.angle, "offset": self.offset},
            "dimples": [d.to_dict() for d in self.dimples],
            "formula": ("h(x) = offset + (a1 u^2 + a2 v^2) / 2 - sum_k depth_k "
                        "exp(-|x - centre_k|^2 / (2 width_k^2)), where (u, v) = R(-angle) "
                        "(x - bowl.centre)"),
            "minima": [m.to_dict() for m in self.minima],
            "deepest": self.deepest.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> Landscape:
        """Rebuild a landscape from :meth:`to_dict`'s output (the minima are recomputed).

        Raises
        ------
        TypeError
            If `data` (or its ``bowl``) is not a mapping, or a value has the wrong type.
        ValueError
            If `data` is not a sandpit landscape (its ``format``), lacks a key, or holds a
            value that :class:`Landscape` refuses.
        """
        check_mapping(data, "data")
        if data.get("format") != "mmlcalc.sandpit.Landscape":
            raise ValueError(f"`data` is not a sandpit landscape, format {data.get('format')!r}")
        bowl = check_mapping(_entry(data, "bowl", "data"), "data['bowl']")
        return cls(bowl_centre=_entry(bowl, "centre", "data['bowl']"),
                   curvatures=_entry(bowl, "curvatures", "data['bowl']"),
                   angle=_entry(bowl, "angle", "data['bowl']"),
                   offset=_entry(bowl, "offset", "data['bowl']"),
                   dimples=_entry(data, "dimples", "data"),
                   half_width=_entry(data, "half_width", "data"),
                   seed=_entry(data, "seed", "data"), level=_entry(data, "level", "data"))


# --- seeded landscapes ---------------------------------------------------------------------------

#: The half widths :func:`make_sandpit` can make a fair puzzle for.
SANDPIT_HALF_WIDTHS = (1.0, 30.0)

_RANGES = {  # (curvature, number of dimples, dimple depth, dimple width, dimple spread)
    "easy": ((0.4, 1.2), (1, 2), (0.2, 0.8), (0.7, 1.3), 2.0),
    "hard": ((0.15, 0.45), (4, 6), (0.8, 2.0), (0.35, 0.75), 2.3),
}


def _accept(landscape: Landscape, level: str) -> bool:
    """Does this draw make a fair puzzle at this level?"""
    # a cheap first look: the grid points lower than their eight neighbours
    pits = landscape._grid_minima(101)
    heights = np.sort(landscape.height(pits)) if len(pits) else np.array([])
    if (level == "easy" and len(pits) != 1) or (level == "hard" and (
            len(pits) < 3 or heights[1] - heights[0] < 0.03)):
        return False
    try:
        best = landscape.deepest
    except ValueError:
        return False
    if max(abs(c) for c in best.x) > landscape.half_width - 0.5:
        return False  # keep the answer away from the edge
    minima = landscape.minima
    if level == "easy":
        return len(minima) == 1
    return len(minima) >= 3 and minima[1].height - minima[0].height > 0.05


def make_sandpit(seed: int, *, level: str = "easy", half_width: float = 3.0) -> Landscape:
    r"""A seeded, random sandpit: a tilted bowl with a few dimples, and a checked deepest point.

    .. math::

        f(\mathbf{x}) = f_0 + \tfrac12 (\mathbf{x} - \mathbf{c})^\top A\,
        (\mathbf{x} - \mathbf{c}) - \sum_k d_k
        \exp\!\Bigl(-\frac{\lVert \mathbf{x} - \mathbf{m}_k \rVert^2}{2 w_k^2}\Bigr)

    Parameters
    ----------
    seed : int
        Non-negative; the same seed and level always give the same landscape.
    level : {"easy", "hard"}
        ``"easy"``: a steep bowl with one or two shallow, wide dimples and exactly one local
        minimum, so walking downhill from anywhere finds it. ``"hard"``: a flat bowl with four
        to six deep, narrow dimples and at least three local minima, the deepest lower than the
        next by more than 0.05, so walking downhill can get stuck. Keyword-only.
    half_width : float
        :math:`L`, the pit is :math:`[-L, L]^2`, :math:`1 \le L \le 30`. Keyword-only.

    Returns
    -------
    Landscape
        Parameters rounded to three decimals (so that the JSON of :meth:`Landscape.to_dict`
        is short and exact), with its deepest point at least 0.5 from the edge.

    Raises
    ------
    TypeError, ValueError
        If `seed` is not a non-negative integer, `level` is unknown or `half_width` is not
        between 1 and 30 (``SANDPIT_HALF_WIDTHS``): a smaller pit has no room for its
        dimples and an answer 0.5 inside the edge.

    See Also
    --------
    Landscape : build one by hand.

    Notes
    -----
    Draws are made from ``numpy.random.default_rng([seed, level])`` and rejected until one
    meets the level's conditions (it usually takes one to three draws). Book: section 2.6.

    Examples
    --------
    >>> from mmlcalc import make_sandpit
    >>> pit = make_sandpit(7, level="hard")
    >>> len(pit.dimples) >= 4, len(pit.minima) >= 3
    (True, True)
    >>> pit == make_sandpit(7, level="hard")
    True
    """
    seed = check_nonnegative_int(seed, "seed")
    check_choice(level, "level", LEVELS)
    half_width = check_positive(half_width, "half_width")
    low, high = SANDPIT_HALF_WIDTHS
    if not low <= half_width <= high:
        # the deepest point must lie 0.5 inside the edge, and the dimples scale with the pit
        # (their widths and curvatures are rounded to three decimals): outside this range no
        # draw can pass, or the rounding flattens the landscape
        raise ValueError(f"`half_width` must be between {low:g} and {high:g} for a random "
                         f"sandpit, got {half_width:g}")
    rng = np.random.default_rng([int(seed), LEVELS.index(level)])
    (k_lo, k_hi), (n_lo, n_hi), (d_lo, d_hi), (w_lo, w_hi), spread = _RANGES[level]
    scale = half_width / 3.0
    for _ in range(200):
        def r3(a):
            return tuple(round(float(v), 3) for v in np.atleast_1d(a))

        dimples = tuple(
            Dimple(centre=r3(rng.uniform(-spread, spread, 2) * scale),
                   depth=r3(rng.uniform(d_lo, d_hi))[0],
                   width=r3(rng.uniform(w_lo, w_hi) * scale)[0])
            for _ in range(int(rng.integers(n_lo, n_hi + 1))))
        landscape = Landscape(
            bowl_centre=r3(rng.uniform(-1.2, 1.2, 2) * scale),
            curvatures=r3(rng.uniform(k_lo, k_hi, 2) / scale**2),
            angle=r3(rng.uniform(0.0, np.pi))[0],
            offset=r3(-rng.uniform(2.0, 4.0))[0],
            dimples=dimples, half_width=half_width, seed=int(seed), level=level)
        if _accept(landscape, level):
            return landscape
    raise RuntimeError(f"no acceptable {level} landscape in 200 draws for seed {seed}")


# --- a strategy: walk downhill, probing as you go ------------------------------------------------

@dataclass(frozen=True, eq=False, kw_only=True)
class ProbeLog(IterationResult):
    """The record of a walk through the sandpit: an :class:`~mmlcalc.IterationResult` with
    every probe.

    Attributes
    ----------
    x, converged, reason, message, n_iter, history
        As for every iteration: `history` (also `path`) holds the points stood on, `x` the
        last of them; `reason` is ``"gtol"`` (the slope fell below `gtol`), ``"stalled"``
        (the steps became too short to move) or ``"max_iter"`` (the probes ran out).
    probes : tuple of Probe
        Every probe, in order (the first is the start).
    accepted : tuple of bool
        Whether each probe was a step taken (it was deeper than where we stood) or a probe
        rejected (the step was too long). The start counts as taken.

    Notes
    -----
    Book: section 2.6.
    """

    probes: tuple[Probe, ...]
    accepted: tuple[bool, ...]

    @property
    def path(self) -> np.ndarray:
        """The points stood on, shape (k, 2)."""
        return self.history

    @property
    def final(self) -> Probe:
        """The last point stood on."""
        return [p for p, ok in zip(self.probes, self.accepted, strict=True) if ok][-1]

    @property
    def n_probes(self) -> int:
        """How many probes the walk used."""
        return len(self.probes)

    def to_dict(self) -> dict:
        """The log as plain data."""
        return {"probes": [p.to_dict() for p in self.probes], "accepted": list(self.accepted),
                "converged": self.converged, "reason": self.reason}


def descend_by_probing(landscape: Landscape, x0, *, step: float = 1.0, gtol: float = 1e-6,
                       max_probes: int = 500) -> ProbeLog:
    r"""Find a low point by walking downhill: probe, step against the slope, repeat.

    From the current point :math:`\mathbf{x}` with probed slope :math:`\mathbf{g}`, probe at

    .. math:: \mathbf{x}' = \mathbf{x} - s\,\mathbf{g}

    (kept inside the pit). If :math:`\mathbf{x}'` is deeper by at least
    :math:`10^{-4} s \lVert \mathbf{g} \rVert^2` (the Armijo condition), step there and try a
    50% longer :math:`s` next time; otherwise stay and halve :math:`s`. Stop when
    :math:`\lVert \mathbf{g} \rVert <` `gtol`, or (not converged) when the steps become too
    short to change :math:`\mathbf{x}` in floating point.

    Parameters
    ----------
    landscape : Landscape
        The sandpit.
    x0 : array_like, shape (2,)
        Where to start.
    step : float
        The first step size :math:`s`, positive. Keyword-only.
    gtol : float
        Stop when the slope's length is below this. Keyword-only. Near a minimum the height
        changes by about :math:`\lVert \mathbf{g} \rVert^2 / \lambda`, which must stay above
        the rounding error of the height: tolerances below about :math:`10^{-7}` can stall.
    max_probes : int
        Give up after this many probes (the result then has ``converged=False``).
        Keyword-only.

    Returns
    -------
    ProbeLog
        Every probe, which were steps, whether the walk converged and why it stopped.

    Raises
    ------
    TypeError, ValueError
        If `landscape` is not a Landscape, `x0` is not a point in the pit, or an option is
        not positive.

    See Also
    --------
    scipy.optimize.minimize : quasi-Newton methods reach the same point in fewer probes.

    Notes
    -----
    This is gradient descent with a backtracking line search (chapter 5 studies it; the
    same search serves :func:`mmlcalc.fit_least_squares`). The height never increases along
    the path, so the walk ends in the basin of whichever local minimum holds the start: on a
    hard landscape, not necessarily the deepest. Book: section 2.6, *The sandpit*.

    Examples
    --------
    >>> from mmlcalc import Landscape, descend_by_probing
    >>> bowl = Landscape(bowl_centre=(1.0, -0.5), curvatures=(2.0, 0.5))
    >>> log = descend_by_probing(bowl, [-2.0, 2.0])
    >>> log.converged, log.reason, [round(c, 5) for c in log.final.x]
    (True, 'gtol', [1.0, -0.5])
    """
    if not isinstance(landscape, Landscape):
        raise TypeError(f"`landscape` must be a Landscape, got {type(landscape).__name__}")
    step = check_positive(step, "step")
    gtol = check_positive(gtol, "gtol")
    max_probes = check_positive_int(max_probes, "max_probes", high=MAX_ITER)
    x0 = as_real_array(x0, "x0")
    L = landscape.half_width
    if x0.shape != (2,) or np.any(np.abs(x0) > L):
        raise ValueError(f"`x0` must be a point (x, y) inside the pit [-{L:g}, {L:g}]^2, "
                         f"got {x0.tolist()}")
    here = landscape.probe(x0)
    probes, accepted = [here], [True]

    def probe_at(rate):
        probes.append(landscape.probe(np.clip(np.array(here.x) - rate * g, -L, L)))
        accepted.append(False)
        return probes[-1].height, probes[-1]

    reason = "max_iter"
    while len(probes) < max_probes:
        g = np.array(here.gradient)
        norm = float(np.linalg.norm(g))
        if norm < gtol:
            reason = "gtol"
            break
        # halvings left before a step is too short to move in floating point
        shortest = 1e-14 * (1.0 + np.linalg.norm(here.x))
        tries = min(max_probes - len(probes), int(np.log2(step * norm / shortest)) + 1)
        found = backtrack(probe_at, here.height, norm**2, step, max_tries=max(tries, 0))
        if found is None:
            if len(probes) < max_probes:
                reason = "stalled"
            break
        rate, _, here = found
        accepted[-1] = True
        step = 1.5 * rate
    else:
        if np.linalg.norm(here.gradient) < gtol:
            reason = "gtol"
    path = np.array([p.x for p, ok in zip(probes, accepted, strict=True) if ok])
    message = {"gtol": f"the slope {np.linalg.norm(here.gradient):.2g} is below gtol = {gtol:g}",
               "stalled": "the steps became too short to move in floating point",
               "max_iter": f"the {max_probes} probes ran out"}[reason]
    return ProbeLog(x=path[-1].copy(), converged=reason == "gtol", n_iter=len(path) - 1,
                    history=path, reason=reason, message=message, probes=tuple(probes),
                    accepted=tuple(accepted))
