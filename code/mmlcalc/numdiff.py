r"""Numerical differentiation: rise over run, finite differences and the complex step.

Taught in chapter 1 of the book: section 1.1 (rise over run, differentiating sampled data) and
section 1.7 (finite differences meet floating point); the many-variable versions (gradient,
Jacobian, Hessian) in chapter 2.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._validation import (
    as_real_array,
    check_callable,
    check_choice,
    check_finite_output,
    check_positive,
    check_positive_array,
)

__all__ = ["DERIVATIVE_METHODS", "ErrorCurve", "coordinate_steps", "default_step", "derivative",
           "differentiate_samples", "error_curve", "gradient", "hessian", "jacobian",
           "observed_order", "rise_over_run"]

#: The finite-difference schemes :func:`derivative` knows, with their order of accuracy.
DERIVATIVE_METHODS = {"forward": 1, "backward": 1, "central": 2, "complex": 2}

_EPS = np.finfo(float).eps


def rise_over_run(f: Callable, a, b):
    r"""Slope of the secant line of `f` through ``(a, f(a))`` and ``(b, f(b))``.

    .. math:: \frac{\Delta f}{\Delta x} = \frac{f(b) - f(a)}{b - a}

    Parameters
    ----------
    f : callable
        A function of one real variable; with array `a` or `b` it must accept arrays (numpy
        functions do).
    a, b : float or array_like
        The two points; broadcast against each other. No pair may coincide.

    Returns
    -------
    float or ndarray
        The slope, a float for scalar input.

    Raises
    ------
    TypeError
        If `f` is not callable or `a`, `b` are not real numbers.
    ValueError
        If `a` equals `b` anywhere, or `f` returns a non-finite value.

    See Also
    --------
    derivative : the limit of this slope as ``b`` approaches ``a``.

    Notes
    -----
    As an estimate of :math:`f'(a)` this is the forward difference with step :math:`b - a`,
    whose error is :math:`O(b - a)`. Book: section 1.1, *Functions and rise over run*.

    Examples
    --------
    >>> from mmlcalc import rise_over_run
    >>> rise_over_run(lambda x: x**2, 1.0, 3.0)  # (9 - 1) / (3 - 1)
    4.0
    """
    check_callable(f, "f")
    a = as_real_array(a, "a")
    b = as_real_array(b, "b")
    run = b - a
    if np.any(run == 0):
        raise ValueError(f"`a` and `b` must differ, got a={a.tolist()} and b={b.tolist()}")
    fa = check_finite_output(f(a), "f", a)
    fb = check_finite_output(f(b), "f", b)
    slope = (fb - fa) / run
    return slope.item() if slope.ndim == 0 else slope


def default_step(x, *, method: str = "central"):
    r"""The step :func:`derivative` uses when none is given.

    .. math::

        h = \sqrt{\varepsilon}\,\max(1, |x|) \quad \text{(forward, backward)}, \qquad
        h = \varepsilon^{1/3}\,\max(1, |x|) \quad \text{(central)}, \qquad
        h = 10^{-20} \quad \text{(complex)}

    where :math:`\varepsilon \approx 2.2 \times 10^{-16}` is the machine epsilon.

    Parameters
    ----------
    x : float or array_like
        Where the derivative will be taken.
    method : {"central", "forward", "backward", "complex"}
        The difference scheme. Keyword-only.

    Returns
    -------
    float or ndarray
        The step, shaped like `x`.

    Notes
    -----
    These steps balance truncation error (which grows with :math:`h`) against round-off error
    (which grows like :math:`\varepsilon / h`): minimising :math:`h + \varepsilon/h` gives
    :math:`h \sim \sqrt{\varepsilon}` and minimising :math:`h^2 + \varepsilon/h` gives
    :math:`h \sim \varepsilon^{1/3}`. The complex step has no round-off term, so any tiny step
    works. Book: section 1.7.

    Examples
    --------
    >>> from mmlcalc import default_step
    >>> print(f"{default_step(1.0, method='forward'):.2e}")
    1.49e-08
    """
    check_choice(method, "method", DERIVATIVE_METHODS)
    x = as_real_array(x, "x")
    scale = np.maximum(1.0, np.abs(x))
    if method == "complex":
        h = np.full_like(scale, 1e-20)
    elif method == "central":
        h = np.cbrt(_EPS) * scale
    else:
        h = np.sqrt(_EPS) * scale
    return h.item() if h.ndim == 0 else h


def derivative(f: Callable, x, *, h=None, method: str = "central"):
    r"""Estimate :math:`f'(x)` by a finite difference or the complex step.

    .. math::

        \text{forward: } \frac{f(x+h) - f(x)}{h}, \quad
        \text{backward: } \frac{f(x) - f(x-h)}{h}, \quad
        \text{central: } \frac{f(x+h) - f(x-h)}{2h}, \quad
        \text{complex: } \frac{\operatorname{Im} f(x + ih)}{h}

    Parameters
    ----------
    f : callable
        A function of one real variable. With array `x` it is called once per stencil point on
        the whole array, so it must accept arrays (numpy functions do). For
        ``method="complex"`` it must also accept complex input and be real-analytic there.
    x : float or array_like
        Point(s) at which to differentiate.
    h : float, optional
        Step size, positive. Default: :func:`default_step` for the method, which is close to
        the step with the smallest total error.
    method : {"central", "forward", "backward", "complex"}
        The difference scheme. Keyword-only.

    Returns
    -------
    float or ndarray
        The estimate, a float for scalar `x`, else an array shaped like `x`.

    Raises
    ------
    TypeError
        If `f` is not callable, `x` is not real, or (complex method) `f` drops the imaginary
        part of its input.
    ValueError
        If `h` is not positive, `method` is unknown, or `f` returns a non-finite value.

    See Also
    --------
    scipy.differentiate.derivative : adaptive finite differences with error estimates.
    sympy.diff : the exact symbolic derivative.

    Notes
    -----
    By Taylor's theorem the truncation error is :math:`O(h)` for the one-sided differences and
    :math:`O(h^2)` for the central difference and the complex step. The one-sided and central
    differences subtract nearly equal numbers, so round-off adds an error of order
    :math:`\varepsilon |f| / h`; the complex step subtracts nothing and stays accurate to machine
    precision for steps as small as :math:`10^{-100}`. Book: section 1.7, *Finite differences
    meet floating point*; the error orders are derived in section 4.4.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlcalc import derivative
    >>> round(derivative(np.sin, 0.0), 10)
    1.0
    >>> derivative(np.exp, [0.0, 1.0], method="complex")
    array([1.        , 2.71828183])
    """
    f = check_callable(f, "f", same_shape=True)
    check_choice(method, "method", DERIVATIVE_METHODS)
    x = as_real_array(x, "x")
    h = default_step(x, method=method) if h is None else check_positive(h, "h")

    if method == "complex":
        values = f(x + 1j * h)
        if not np.iscomplexobj(values):
            raise TypeError(
                "`f` must keep the imaginary part of complex input for method='complex'"
                " (use numpy functions, not math, abs or float casts)"
            )
        slope = check_finite_output(values, "f", x).imag / h
    elif method == "central":
        slope = (check_finite_output(f(x + h), "f", x + h)
                 - check_finite_output(f(x - h), "f", x - h)) / (2 * h)
    elif method == "forward":
        slope = (check_finite_output(f(x + h), "f", x + h)
                 - check_finite_output(f(x), "f", x)) / h
    else:  # backward
        slope = (check_finite_output(f(x), "f", x)
                 - check_finite_output(f(x - h), "f", x - h)) / h
    slope = np.asarray(slope, dtype=float)
    return slope.item() if slope.ndim == 0 else slope


def differentiate_samples(t, y):
    r"""Differentiate sampled data :math:`y_i = y(t_i)` with second-order differences.

    Interior points use the central difference, which for unequal spacing
    :math:`h_- = t_i - t_{i-1}`, :math:`h_+ = t_{i+1} - t_i` reads

    .. math::

        y'(t_i) \approx \frac{h_-^2\, y_{i+1} + (h_+^2 - h_-^2)\, y_i - h_+^2\, y_{i-1}}
                             {h_- h_+ (h_- + h_+)},

    and reduces to :math:`(y_{i+1} - y_{i-1}) / 2h` for equal spacing. The two end points use
    the one-sided second-order formula (a parabola through the first or last three samples).

    Parameters
    ----------
    t : array_like, shape (n,)
        Sample times, strictly increasing, ``n >= 3``.
    y : array_like, shape (n,)
        Sampled values.

    Returns
    -------
    ndarray, shape (n,)
        The estimated derivative at every sample.

    Raises
    ------
    ValueError
        If the shapes differ, there are fewer than three samples, `t` is not strictly
        increasing, or any value is not finite.

    See Also
    --------
    numpy.gradient : the same scheme (``edge_order=2``).

    Notes
    -----
    The error is :math:`O(h^2)` at every point, interior and ends: halving the spacing divides
    it by about four. Book: section 1.1, where a speed curve becomes an acceleration curve.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlcalc import differentiate_samples
    >>> t = np.linspace(0.0, 2.0, 5)
    >>> differentiate_samples(t, t**2)  # exact for a parabola: 2 t
    array([0., 1., 2., 3., 4.])
    """
    t = as_real_array(t, "t", ndim=1)
    y = as_real_array(y, "y", ndim=1)
    if t.shape != y.shape:
        raise ValueError(f"`t` and `y` must have the same shape, got {t.shape} and {y.shape}")
    if t.size < 3:
        raise ValueError(f"`t` must hold at least 3 samples, got {t.size}")
    step = np.diff(t)
    if np.any(step <= 0):
        raise ValueError("`t` must be strictly increasing")

    dy = np.empty_like(y)
    hm, hp = step[:-1], step[1:]  # h_- and h_+ around each interior point
    dy[1:-1] = (hm**2 * y[2:] + (hp**2 - hm**2) * y[1:-1] - hp**2 * y[:-2]) / (hm * hp * (hm + hp))
    dy[0] = _one_sided(y[0], y[1], y[2], step[0], step[1])
    dy[-1] = _one_sided(y[-1], y[-2], y[-3], -step[-1], -step[-2])
    return dy


def _one_sided(y0, y1, y2, h1, h2):
    """Slope at the first of three samples of the parabola through them.

    The samples sit at t0, t0 + h1 and t0 + h1 + h2; the spacings may be negative.
    """
    return (-(2 * h1 + h2) / (h1 * (h1 + h2)) * y0
            + (h1 + h2) / (h1 * h2) * y1
            - h1 / (h2 * (h1 + h2)) * y2)


# --- the error of a finite difference against its step (section 1.7) ---------------------------

@dataclass(frozen=True)
class ErrorCurve:
    r"""The error of a derivative estimate at each of many steps: one branch of a V-curve.

    Attributes
    ----------
    h : ndarray, shape (k,)
        The steps, in the order given.
    estimate : ndarray, shape (k,)
        The estimate of :math:`f'(x)` at each step.
    error : ndarray, shape (k,)
        Its error, :math:`|\text{estimate} - f'(x)|`, divided by :math:`|f'(x)|` if `relative`.
    method : str
        The difference scheme, as in :func:`derivative`.
    relative : bool
        Whether `error` is relative.

    Notes
    -----
    Book: section 1.7.
    """

    h: np.ndarray
    estimate: np.ndarray
    error: np.ndarray
    method: str
    relative: bool

    @property
    def best_step(self) -> float:
        """The step with the smallest error (the first one, if several tie)."""
        return float(self.h[np.argmin(self.error)])

    @property
    def best_error(self) -> float:
        """The smallest error over all steps."""
        return float(np.min(self.error))


def error_curve(f: Callable, x, h, *, exact, method: str = "central", relative: bool = True):
    r"""Error of the derivative estimate :math:`D_h f(x)` for each step in an array of steps.

    .. math:: E(h) = \frac{\bigl|D_h f(x) - f'(x)\bigr|}{|f'(x)|}

    (without the denominator if ``relative=False``), where :math:`D_h` is the difference scheme
    `method` of :func:`derivative`. Plotted on log-log axes against :math:`h` this is the
    V-curve of section 1.7: truncation error falling like :math:`h^p` on the right, round-off
    error rising like :math:`\varepsilon / h` on the left.

    Parameters
    ----------
    f : callable
        A function of one real variable (for ``method="complex"``, one that accepts complex
        input).
    x : float
        The point.
    h : array_like, shape (k,)
        Positive steps.
    exact : float
        The true derivative :math:`f'(x)`, for instance from sympy. Keyword-only.
    method : {"central", "forward", "backward", "complex"}
        The difference scheme. Keyword-only.
    relative : bool
        Divide the error by :math:`|f'(x)|` (default), which must then be non-zero.

    Returns
    -------
    ErrorCurve
        Steps, estimates and errors, with the best step and its error.

    Raises
    ------
    TypeError
        If `f` is not callable or `x`, `h`, `exact` are not real numbers.
    ValueError
        If `x` or `exact` is not a single finite number, a step is not positive, `exact` is
        zero with ``relative=True``, or `f` returns a non-finite value.

    See Also
    --------
    derivative : one estimate at one step.
    observed_order : the slope of the curve on log-log axes.
    scipy.differentiate.derivative : chooses the step adaptively instead.

    Notes
    -----
    A model of the curve (section 1.7): with :math:`M_k = |f^{(k)}(x)|`, the forward difference
    has error about :math:`\tfrac12 M_2 h + \varepsilon M_0 / h`, smallest near
    :math:`h = \sqrt{2 \varepsilon M_0 / M_2}`, and the central difference about
    :math:`\tfrac16 M_3 h^2 + \varepsilon M_0 / (2h)`, smallest near
    :math:`h = (3 \varepsilon M_0 / 2 M_3)^{1/3}`. Book: section 1.7, *Finite differences
    meet floating point*.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlcalc import error_curve
    >>> curve = error_curve(np.exp, 0.0, [1e-1, 1e-2, 1e-3], exact=1.0, method="forward")
    >>> np.round(curve.error, 5)  # about h / 2: the forward difference is first order
    array([0.05171, 0.00502, 0.0005 ])
    >>> curve.best_step
    0.001
    """
    check_callable(f, "f")
    check_choice(method, "method", DERIVATIVE_METHODS)
    x = as_real_array(x, "x")
    if x.ndim != 0:
        raise ValueError(f"`x` must be a single number, got shape {x.shape}")
    h = as_real_array(h, "h", ndim=1)
    if h.size == 0 or np.any(h <= 0):
        raise ValueError(f"`h` must hold positive steps, got {h.tolist()}")
    exact = as_real_array(exact, "exact")
    if exact.ndim != 0:
        raise ValueError(f"`exact` must be a single number, got shape {exact.shape}")
    if relative and exact == 0:
        raise ValueError("`exact` must be non-zero for a relative error, got 0.0 "
                         "(use relative=False)")
    estimate = np.array([derivative(f, x.item(), h=float(step), method=method) for step in h])
    error = np.abs(estimate - exact)
    if relative:
        error = error / np.abs(exact)
    return ErrorCurve(h=h, estimate=estimate, error=error, method=method, relative=bool(relative))


def observed_order(h, error):
    r"""The order :math:`p` of a method whose error behaves like :math:`E(h) \approx C h^p`.

    :math:`p` is the slope of the least-squares line through the points
    :math:`(\log h_i, \log E_i)`:

    .. math:: \log E_i \approx \log C + p \log h_i .

    Parameters
    ----------
    h : array_like, shape (k,)
        Positive steps, at least two of them distinct.
    error : array_like, shape (k,)
        Positive errors at those steps.

    Returns
    -------
    float
        The fitted slope :math:`p`: about 1 for forward differences, 2 for central ones (on the
        truncation side of the V-curve), and about :math:`-1` on its round-off side.

    Raises
    ------
    ValueError
        If the shapes differ, a step or an error is not positive, or fewer than two distinct
        steps are given.

    See Also
    --------
    numpy.polyfit : the straight-line fit used here.
    error_curve : errors at many steps.

    Notes
    -----
    The fit is only as good as the model: use steps where one error term dominates (well to
    the right of the bottom of the V for the truncation order). Book: sections 1.1 and 1.7.

    Examples
    --------
    >>> from mmlcalc import observed_order
    >>> round(observed_order([0.1, 0.01, 0.001], [3e-2, 3e-4, 3e-6]), 6)
    2.0
    """
    h = as_real_array(h, "h", ndim=1)
    error = as_real_array(error, "error", ndim=1)
    if h.shape != error.shape:
        raise ValueError(f"`h` and `error` must have the same shape, got {h.shape} and "
                         f"{error.shape}")
    if np.any(h <= 0):
        raise ValueError(f"`h` must hold positive steps, got {h.tolist()}")
    if np.any(error <= 0):
        raise ValueError("`error` must be positive to take its logarithm, got "
                         f"{error.tolist()} (leave out steps with zero error)")
    if np.unique(h).size < 2:
        raise ValueError(f"`h` must hold at least two distinct steps, got {h.tolist()}")
    slope, _ = np.polyfit(np.log(h), np.log(error), 1)
    return float(slope)


# --- many variables: gradient, Jacobian, Hessian (chapter 2) --------------------------------------

_VECTOR_METHODS = ("central", "forward", "complex")


def _points(x) -> np.ndarray:
    x = as_real_array(x, "x")
    if x.ndim == 0:
        raise ValueError("`x` must be a point with at least one coordinate (shape (n,) or "
                         f"(..., n)), got a scalar {x.item()!r}")
    return x


def coordinate_steps(x, h=None, *, method: str = "central") -> np.ndarray:
    r"""One finite-difference step per coordinate, each scaled to its own coordinate.

    .. math::

        h_i = \varepsilon^{1/(p+1)} \max(1, |x_i|), \qquad
        p = 1 \text{ (forward)}, \quad 2 \text{ (central)}, \quad 3 \text{ (hessian)},

    the step of :func:`default_step` for each coordinate on its own (the complex step is
    :math:`10^{-20}` for every coordinate). Every internal finite difference of the package
    (gradients, Jacobians, Hessians, fits, gradient checks) takes its steps from here.

    Parameters
    ----------
    x : array_like, shape (n,) or (..., n)
        The point, or a stack of points (the last axis holds the coordinates).
    h : float or array_like of shape (n,), optional
        A step to use instead: one positive number for every coordinate, or one per
        coordinate.
    method : {"central", "forward", "complex", "hessian"}
        The scheme the steps are for. Keyword-only.

    Returns
    -------
    ndarray, shape of `x`
        The step for every coordinate of every point.

    Raises
    ------
    TypeError, ValueError
        If `x` is not a point of real numbers, or `h` is not positive or has the wrong shape.

    See Also
    --------
    default_step : the same rule for one variable.
    scipy.optimize.approx_fprime : uses :math:`\sqrt{\varepsilon}\max(1, |x_i|)` per
        coordinate for forward differences.

    Notes
    -----
    A step scaled to the *largest* coordinate is far too long for a small one: at
    :math:`x = (239, 5.5 \times 10^{-4})` it would step the second coordinate past zero. One
    step per coordinate keeps the truncation error of each partial derivative at
    :math:`O(h_i^p)`. Book: section 1.7 (the step), section 2.1 (partial derivatives).

    Examples
    --------
    >>> from mmlcalc.numdiff import coordinate_steps
    >>> [f"{step:.2e}" for step in coordinate_steps([239.0, 5.5e-4])]
    ['1.45e-03', '6.06e-06']
    """
    x = _points(x)
    check_choice(method, "method", _VECTOR_METHODS + ("hessian",))
    if h is not None:
        h = as_real_array(h, "h")
        if h.ndim > 1 or (h.ndim == 1 and h.shape != x.shape[-1:]):
            raise ValueError(f"`h` must be a number or one step per coordinate, shape "
                             f"{x.shape[-1:]}, got shape {h.shape}")
        # a second difference divides by h**2, which must stay a normal float
        check_positive_array(h, "h", power=2 if method == "hessian" else 1)
        return np.broadcast_to(h, x.shape).astype(float)
    if method == "complex":
        return np.full(x.shape, 1e-20)
    order = {"forward": 1, "central": 2, "hessian": 3}[method]
    return _EPS ** (1.0 / (order + 1)) * np.maximum(1.0, np.abs(x))


def _call(f: Callable, x: np.ndarray, name: str = "f") -> np.ndarray:
    return check_finite_output(f(x), name, x)


def _nudge(x: np.ndarray, h: np.ndarray, j: int, scale=1.0) -> np.ndarray:
    """`x` with coordinate `j` of every point moved by ``scale * h[..., j]``."""
    moved = np.array(x, dtype=np.result_type(x, scale))
    moved[..., j] = moved[..., j] + scale * h[..., j]
    return moved


def jacobian(f: Callable, x, *, h=None, method: str = "central"):
    r"""Estimate the Jacobian matrix of :math:`f:\mathbb{R}^n \to \mathbb{R}^m` at `x`.

    Column :math:`j` is the derivative along the :math:`j`-th coordinate direction
    :math:`e_j`, here by the central difference with a step :math:`h_j` of its own:

    .. math::

        J_{ij} = \frac{\partial f_i}{\partial x_j}
               \approx \frac{f_i(x + h_j e_j) - f_i(x - h_j e_j)}{2h_j}

    Parameters
    ----------
    f : callable
        Maps a point of shape ``(n,)`` to shape ``(m,)`` (or to a scalar, ``m = 1``). To
        evaluate many points at once, `f` must map shape ``(..., n)`` to ``(..., m)``.
    x : array_like, shape (n,) or (..., n)
        The point, or a stack of points (the last axis holds the coordinates).
    h : float or array_like of shape (n,), optional
        Step, positive: one for every coordinate, or one per coordinate. Default:
        :func:`coordinate_steps`, each coordinate's own :func:`default_step`.
    method : {"central", "forward", "complex"}
        Difference scheme, as in :func:`derivative`. Keyword-only.

    Returns
    -------
    ndarray, shape (m, n) or (..., m, n)
        Rows are outputs, columns are inputs (the convention of the book and of MML).

    Raises
    ------
    TypeError, ValueError
        As :func:`derivative`; also if `x` is a scalar or `h` has the wrong shape.

    See Also
    --------
    gradient : the Jacobian of a scalar function, as a flat array.
    sympy.Matrix.jacobian : the exact symbolic Jacobian.
    scipy.optimize.approx_fprime : forward differences, one step per coordinate.

    Notes
    -----
    Costs :math:`2n` evaluations of `f` (central), :math:`n + 1` (forward) or :math:`n`
    (complex). Error :math:`O(h_j^2)` in column :math:`j` (central, complex) or
    :math:`O(h_j)` (forward), plus round-off as :func:`derivative`. Book: section 2.4,
    *Jacobian matrices*.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlcalc import jacobian
    >>> polar = lambda p: np.array([p[0] * np.cos(p[1]), p[0] * np.sin(p[1])])
    >>> J = jacobian(polar, [2.0, 0.0])
    >>> np.round(J, 8)  # [[cos, -r sin], [sin, r cos]] at r = 2, theta = 0
    array([[1., 0.],
           [0., 2.]])
    """
    check_callable(f, "f")
    check_choice(method, "method", _VECTOR_METHODS)
    x = _points(x)
    h = coordinate_steps(x, h, method=method)
    base = _call(f, x) if method == "forward" else None
    columns = []
    for j in range(x.shape[-1]):
        if method == "central":
            difference = (_call(f, _nudge(x, h, j)) - _call(f, _nudge(x, h, j, -1.0))) / 2
        elif method == "forward":
            difference = _call(f, _nudge(x, h, j)) - base
        else:
            values = f(_nudge(x, h, j, 1j))
            if not np.iscomplexobj(values):
                raise TypeError("`f` must keep the imaginary part of complex input for "
                                "method='complex'")
            difference = check_finite_output(values, "f", x).imag
        difference = np.asarray(difference, dtype=float)
        step = h[..., j] if difference.ndim == x.ndim - 1 else h[..., j, np.newaxis]
        columns.append(difference / step)
    stacked = np.stack(columns, axis=-1)  # (..., n) for scalar f, (..., m, n) otherwise
    if stacked.ndim == x.ndim:            # scalar-valued f: one row
        stacked = stacked[..., np.newaxis, :]
    return stacked


def gradient(f: Callable, x, *, h=None, method: str = "central"):
    r"""Estimate the gradient of a scalar function :math:`f:\mathbb{R}^n \to \mathbb{R}`.

    .. math::

        \nabla f(x) = \left[\frac{\partial f}{\partial x_1}, \dots,
        \frac{\partial f}{\partial x_n}\right], \qquad
        \frac{\partial f}{\partial x_j} \approx \frac{f(x + h_j e_j) - f(x - h_j e_j)}{2h_j}

    Parameters
    ----------
    f : callable
        Maps a point of shape ``(n,)`` to a number; for a stack of points, shape ``(..., n)``
        to shape ``(...)``.
    x : array_like, shape (n,) or (..., n)
        The point, or a stack of points.
    h : float or array_like of shape (n,), optional
        Step, positive: one for every coordinate, or one per coordinate. Default:
        :func:`coordinate_steps`, each coordinate scaled to its own size.
    method : {"central", "forward", "complex"}
        Difference scheme. Keyword-only.

    Returns
    -------
    ndarray, shape (n,) or (..., n)
        The partial derivatives. The book writes the gradient as a row vector
        (:math:`1 \times n`, as MML does); as an array it is flat, shape ``(n,)``.

    Raises
    ------
    TypeError, ValueError
        As :func:`jacobian`; also if `f` is not scalar-valued.

    See Also
    --------
    jacobian : for vector-valued functions.
    scipy.differentiate.jacobian : adaptive finite differences.

    Notes
    -----
    Error :math:`O(h_j^2)` in entry :math:`j` (central, complex) or :math:`O(h_j)`
    (forward). Book: section 2.3, *The gradient and its geometry*.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlcalc import gradient
    >>> f = lambda p: p[..., 0] ** 2 + 3 * p[..., 1]
    >>> np.round(gradient(f, [1.0, 2.0]), 8)
    array([2., 3.])
    >>> np.round(gradient(f, [[1.0, 2.0], [0.0, 0.0]]), 8)  # two points at once
    array([[2., 3.],
           [0., 3.]])
    """
    J = jacobian(f, x, h=h, method=method)
    if J.shape[-2] != 1:
        raise ValueError(f"`f` must return a single number per point, got {J.shape[-2]} values")
    return J[..., 0, :]


def hessian(f: Callable, x, *, h=None):
    r"""Estimate the Hessian matrix of second partial derivatives of a scalar function.

    With a step :math:`h_i` for each coordinate,

    .. math::

        H_{ij} \approx
        \frac{f(x + h_ie_i + h_je_j) - f(x + h_ie_i - h_je_j) - f(x - h_ie_i + h_je_j)
              + f(x - h_ie_i - h_je_j)}{4h_ih_j}, \qquad
        H_{ii} \approx \frac{f(x + h_ie_i) - 2f(x) + f(x - h_ie_i)}{h_i^2}.

    Parameters
    ----------
    f : callable
        Scalar function, as for :func:`gradient`.
    x : array_like, shape (n,) or (..., n)
        The point, or a stack of points.
    h : float or array_like of shape (n,), optional
        Step, positive: one for every coordinate, or one per coordinate. Default
        :math:`h_i = \varepsilon^{1/4} \max(1, |x_i|)` (:func:`coordinate_steps` with
        ``method="hessian"``), which balances the :math:`O(h^2)` truncation error against
        round-off of order :math:`\varepsilon/h^2`.

    Returns
    -------
    ndarray, shape (n, n) or (..., n, n)
        Symmetric by construction (:math:`H_{ij}` and :math:`H_{ji}` use the same formula).

    Raises
    ------
    TypeError, ValueError
        As :func:`gradient`.

    See Also
    --------
    sympy.hessian : the exact symbolic Hessian.

    Notes
    -----
    Error :math:`O(h_i^2 + h_j^2)` in entry :math:`(i, j)`; costs :math:`2n(n-1) + 2n + 1`
    evaluations of `f`. Book: section 2.5, *The Hessian*, and the sandpit of section 2.6.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlcalc import hessian
    >>> saddle = lambda p: p[..., 0] ** 2 - p[..., 1] ** 2
    >>> np.round(hessian(saddle, [0.3, -1.0]), 6)
    array([[ 2.,  0.],
           [ 0., -2.]])
    """
    check_callable(f, "f")
    x = _points(x)
    h = coordinate_steps(x, h, method="hessian")
    n = x.shape[-1]
    centre = _call(f, x)
    if np.ndim(centre) != x.ndim - 1:
        raise ValueError("`f` must return a single number per point")
    H = np.empty(x.shape + (n,))
    for i in range(n):
        H[..., i, i] = (_call(f, _nudge(x, h, i)) - 2 * centre
                        + _call(f, _nudge(x, h, i, -1.0))) / h[..., i] ** 2
        for j in range(i + 1, n):
            value = sum(si * sj * _call(f, _nudge(_nudge(x, h, i, si), h, j, sj))
                        for si in (1.0, -1.0) for sj in (1.0, -1.0))
            H[..., i, j] = H[..., j, i] = value / (4 * h[..., i] * h[..., j])
    return H
