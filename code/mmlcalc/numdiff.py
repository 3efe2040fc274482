r"""Numerical differentiation: rise over run, finite differences and the complex step.

Taught in chapter 1 of the book: section 1.1 (rise over run, differentiating sampled data) and
section 1.3 (finite differences meet floating point).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._validation import (
    as_real_array,
    check_callable,
    check_choice,
    check_finite_output,
    check_positive,
)

__all__ = ["DERIVATIVE_METHODS", "default_step", "derivative", "differentiate_samples",
           "rise_over_run"]

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


def default_step(x, method: str = "central"):
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
        The difference scheme.

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
    works. Book: section 1.3.

    Examples
    --------
    >>> from mmlcalc import default_step
    >>> print(f"{default_step(1.0, 'forward'):.2e}")
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
    precision for steps as small as :math:`10^{-100}`. Book: section 1.3, *Finite differences
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
    check_callable(f, "f")
    check_choice(method, "method", DERIVATIVE_METHODS)
    x = as_real_array(x, "x")
    h = default_step(x, method) if h is None else check_positive(h, "h")

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
