r"""Fitting models to data: chi-squared, straight lines, linear and non-linear least squares.

Taught in chapter 6 of the book, *Regression*: chi-squared and the straight-line fit (section
6.1), parameter uncertainties (6.2), least squares in matrix form (6.3), and non-linear least
squares by steepest descent (6.4), Gauss-Newton and Levenberg-Marquardt (6.5).

Conventions, shared with :func:`scipy.optimize.curve_fit`: a model is called as
``model(x, *params)`` and returns one value per data point; uncertainties ``sigma`` are the
standard deviations of the measured ``y``. Linear problems are solved with an orthogonal
factorisation (:func:`numpy.linalg.lstsq`, an SVD), never by inverting the normal matrix
:math:`A^\top A`, whose condition number is the square of that of :math:`A`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._iteration import CONVERGED, IterationResult, backtrack
from ._validation import (
    as_real_array,
    check_callable,
    check_choice,
    check_finite_output,
    check_int,
    check_positive,
    check_positive_array,
    check_positive_int,
)
from .numdiff import jacobian

__all__ = ["FIT_METHODS", "FitResult", "LinearFit", "chi_squared", "fit_least_squares",
           "linear_fit", "linear_least_squares", "residuals"]

#: The algorithms :func:`fit_least_squares` knows, and the section of the book that teaches each.
FIT_METHODS = {"steepest": "6.4", "gauss-newton": "6.5", "lm": "6.5"}

# LM's damping starts here and is divided or multiplied by ten (Numerical Recipes, 15.5.2).
_LAMBDA_START, _LAMBDA_FACTOR, _LAMBDA_MAX = 1e-3, 10.0, 1e16
# Steepest descent or Gauss-Newton has diverged once chi-squared has grown this many times, or
# the parameters have grown this many times in size (a model can level off, so that chi-squared
# stays finite while the parameters run away to infinity).
_DIVERGED_CHI2, _DIVERGED_PARAMS = 1e30, 1e12


# --- argument checks --------------------------------------------------------------------------

def _data(x, y):
    """The data as float arrays: ``x`` of any shape, ``y`` of shape (N,)."""
    x = as_real_array(x, "x")
    y = as_real_array(y, "y", ndim=1)
    if y.size == 0:
        raise ValueError("`y` must hold at least one data point, got none")
    return x, y


def _sigma(sigma, m: int) -> np.ndarray:
    """Uncertainties of the m data points: ones, a positive number, or shape (N,)."""
    if sigma is None:
        return np.ones(m)
    sigma = as_real_array(sigma, "sigma")
    if sigma.ndim == 0:
        sigma = np.full(m, float(sigma))
    if sigma.shape != (m,):
        raise ValueError(f"`sigma` must be a number or have shape ({m},) like `y`, "
                         f"got shape {sigma.shape}")
    return check_positive_array(sigma, "sigma", power=2)


def _params(params, name: str) -> np.ndarray:
    params = as_real_array(params, name)
    if params.ndim != 1 or params.size == 0:
        raise ValueError(f"`{name}` must be a flat array of at least one parameter, "
                         f"got shape {params.shape}")
    return params


def _model_values(model: Callable, x, params: np.ndarray, m: int) -> np.ndarray:
    """``model(x, *params)`` as a float array of shape (N,), or a clear error."""
    values = np.asarray(model(x, *params), dtype=float)
    if values.shape != (m,):
        raise ValueError(f"`model` must return one value per data point, shape ({m},), "
                         f"got shape {values.shape}")
    return check_finite_output(values, "model", params)


def _inverse_normal_matrix(A: np.ndarray) -> np.ndarray:
    r"""``inv(A.T @ A)`` from the SVD of `A` (``V diag(1/s^2) V^T``), without forming ``A.T A``.

    If `A` has dependent columns, the inverse does not exist and every entry is ``inf`` (what
    :func:`scipy.optimize.curve_fit` returns too).
    """
    n = A.shape[1]
    if not np.all(np.isfinite(A)):
        return np.full((n, n), np.inf)
    _, s, Vt = np.linalg.svd(A, full_matrices=False)
    if s.size < n or s[-1] <= s[0] * max(A.shape) * np.finfo(float).eps:
        return np.full((n, n), np.inf)
    return (Vt.T / s**2) @ Vt


# --- chi-squared ------------------------------------------------------------------------------

def residuals(model: Callable, x, y, params, *, sigma=None) -> np.ndarray:
    r"""Normalised residuals of a model: how many standard deviations each point is off.

    .. math:: r_i = \frac{y_i - y(x_i; \boldsymbol\theta)}{\sigma_i}

    Parameters
    ----------
    model : callable
        ``model(x, *params)`` returns the model's prediction at every data point, shape (N,).
    x : array_like
        The independent variable, passed to `model` unchanged.
    y : array_like, shape (N,)
        The measured values.
    params : array_like, shape (n,)
        The parameters :math:`\boldsymbol\theta`.
    sigma : float or array_like of shape (N,), optional
        Standard deviations of the `y`; default 1 (plain residuals). Keyword-only.

    Returns
    -------
    ndarray, shape (N,)
        The residuals :math:`r_i`.

    Raises
    ------
    TypeError
        If `model` is not callable or an array is not real.
    ValueError
        If shapes disagree, `sigma` is not positive, or `model` returns non-finite values.

    See Also
    --------
    chi_squared : the sum of their squares.

    Notes
    -----
    Book: section 6.1 (definition) and 6.6 (residual plots).

    Examples
    --------
    >>> from mmlcalc import residuals
    >>> line = lambda x, m, c: m * x + c
    >>> residuals(line, [0.0, 1.0, 2.0], [1.0, 3.5, 4.5], [2.0, 1.0], sigma=0.5)
    array([ 0.,  1., -1.])
    """
    check_callable(model, "model")
    x, y = _data(x, y)
    params = _params(params, "params")
    sigma = _sigma(sigma, y.size)
    return (y - _model_values(model, x, params, y.size)) / sigma


def chi_squared(model: Callable, x, y, params, *, sigma=None) -> float:
    r"""Chi-squared, the goodness of fit of a model to data with uncertainties.

    .. math::

        \chi^2(\boldsymbol\theta) = \sum_{i=1}^{N}
        \left(\frac{y_i - y(x_i; \boldsymbol\theta)}{\sigma_i}\right)^2

    Parameters
    ----------
    model, x, y, params, sigma
        As for :func:`residuals` (``model(x, *params)``, the convention of
        :func:`scipy.optimize.curve_fit`, so one model serves both); the default ``sigma=1``
        makes chi-squared the plain sum of squared residuals.

    Returns
    -------
    float
        :math:`\chi^2 \geq 0`.

    Raises
    ------
    TypeError, ValueError
        As :func:`residuals`.

    See Also
    --------
    residuals : the terms :math:`r_i` before squaring.
    scipy.stats.chisquare : the chi-squared test for counts (a different use of the name).

    Notes
    -----
    Each term measures the miss at one point in units of that point's uncertainty, so a
    model that fits to within the error bars has :math:`\chi^2` about equal to the number of
    degrees of freedom, :math:`N - n`. Scaling every :math:`\sigma_i` by :math:`k` scales
    :math:`\chi^2` by :math:`1/k^2`. Book: section 6.1.

    Examples
    --------
    >>> from mmlcalc import chi_squared
    >>> line = lambda x, m, c: m * x + c
    >>> chi_squared(line, [0.0, 1.0, 2.0], [1.0, 3.5, 4.5], [2.0, 1.0], sigma=0.5)  # 0 + 1 + 1
    2.0
    """
    r = residuals(model, x, y, params, sigma=sigma)
    return float(r @ r)


# --- linear least squares ---------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class LinearFit:
    r"""The straight line :math:`y = m x + c` fitted by :func:`linear_fit`.

    Attributes
    ----------
    slope, intercept : float
        The best-fit :math:`m` and :math:`c`.
    slope_err, intercept_err : float
        Their standard errors, the square roots of the diagonal of `covariance`.
    covariance : ndarray, shape (2, 2)
        Covariance matrix of :math:`(m, c)`, in that order.
    chi2 : float
        :math:`\chi^2` at the best fit.
    dof : int
        Degrees of freedom, number of points minus 2.

    Notes
    -----
    Book: sections 6.1 and 6.2.
    """

    slope: float
    intercept: float
    slope_err: float
    intercept_err: float
    covariance: np.ndarray
    chi2: float
    dof: int

    @property
    def params(self) -> np.ndarray:
        """``[slope, intercept]`` as an array, the order of `covariance`."""
        return np.array([self.slope, self.intercept])


def linear_fit(x, y, *, sigma=None) -> LinearFit:
    r"""Fit a straight line :math:`y = m x + c` by least squares, with uncertainties.

    Minimises :math:`\chi^2(m, c) = \sum_i \bigl((y_i - m x_i - c)/\sigma_i\bigr)^2`. Setting
    its gradient to zero gives, with the weighted sums :math:`S = \sum 1/\sigma_i^2`,
    :math:`S_x = \sum x_i/\sigma_i^2`, :math:`S_y`, :math:`S_{xx}`, :math:`S_{xy}` and
    :math:`\Delta = S S_{xx} - S_x^2`,

    .. math::

        m = \frac{S S_{xy} - S_x S_y}{\Delta}, \qquad
        c = \frac{S_{xx} S_y - S_x S_{xy}}{\Delta}, \qquad
        \operatorname{cov}(m, c) = \left(\tfrac12 \nabla^2 \chi^2\right)^{-1}
        = \frac{1}{\Delta}\begin{pmatrix} S & -S_x \\ -S_x & S_{xx} \end{pmatrix}.

    Parameters
    ----------
    x, y : array_like, shape (N,)
        The data, at least two points with distinct `x`.
    sigma : float or array_like of shape (N,), optional
        Standard deviations of the `y` (keyword-only). If given, the uncertainties use them as
        they are
        (``absolute_sigma=True`` in :func:`scipy.optimize.curve_fit`). If omitted, all points
        get the same unknown :math:`\sigma`, estimated from the scatter about the line,
        :math:`\hat\sigma^2 = \chi^2_{\sigma=1} / (N - 2)`: the ordinary regression standard
        errors of :func:`scipy.stats.linregress`.

    Returns
    -------
    LinearFit
        Slope, intercept, their standard errors and covariance, :math:`\chi^2` and the degrees
        of freedom.

    Raises
    ------
    TypeError
        If the data are not real numbers.
    ValueError
        If shapes disagree, there are fewer than two distinct `x`, or `sigma` is not positive.

    See Also
    --------
    numpy.polyfit : ``polyfit(x, y, 1, w=1/sigma, cov="unscaled")`` gives the same line.
    scipy.stats.linregress : the unweighted line with standard errors.
    fit_least_squares : any model, linear or not.

    Notes
    -----
    The line is found by :func:`numpy.linalg.lstsq` (an SVD of the weighted design matrix), not
    from the formulas above, which lose digits when :math:`\Delta` is a small difference of
    large numbers. With ``sigma=None`` and only two points the scatter cannot be estimated, and
    the uncertainties are ``inf``. Book: section 6.1 (the line) and 6.2 (its uncertainties).

    Examples
    --------
    >>> from mmlcalc import linear_fit
    >>> fit = linear_fit([-3, -1, 0, 1, 3], [-1.2, -0.7, 0.14, 0.67, 1.67])  # MML, ch. 9
    >>> round(fit.slope, 3), round(fit.intercept, 3)
    (0.499, 0.116)
    >>> round(fit.slope_err, 4), round(fit.intercept_err, 4)  # sigma estimated from scatter
    (0.0483, 0.0966)
    """
    x = as_real_array(x, "x", ndim=1)
    y = as_real_array(y, "y", ndim=1)
    if x.shape != y.shape:
        raise ValueError(f"`x` and `y` must have the same shape, got {x.shape} and {y.shape}")
    if np.unique(x).size < 2:
        raise ValueError(f"`x` must hold at least two distinct values, got {x.tolist()}")
    weights = 1.0 / _sigma(sigma, y.size)
    A = np.column_stack([x, np.ones_like(x)]) * weights[:, np.newaxis]
    b = y * weights
    (slope, intercept), *_ = np.linalg.lstsq(A, b, rcond=None)
    r = b - A @ np.array([slope, intercept])
    chi2, dof = float(r @ r), y.size - 2
    covariance = _inverse_normal_matrix(A)
    if sigma is None:
        covariance = covariance * (chi2 / dof) if dof > 0 else np.full((2, 2), np.inf)
    covariance.setflags(write=False)
    slope_err, intercept_err = np.sqrt(np.diag(covariance))
    return LinearFit(float(slope), float(intercept), float(slope_err), float(intercept_err),
                     covariance, chi2, dof)


def linear_least_squares(Phi, y, *, sigma=None, ridge=0.0, unpenalised=()) -> np.ndarray:
    r"""Solve a linear least-squares problem, optionally weighted and with a ridge penalty.

    .. math::

        \hat{\boldsymbol\theta} = \arg\min_{\boldsymbol\theta}
        \sum_{i=1}^N \left(\frac{y_i - (\Phi\boldsymbol\theta)_i}{\sigma_i}\right)^2
        + \alpha \sum_{j \notin U} \theta_j^2

    whose gradient vanishes at the solution of the normal equations
    :math:`(\Phi^\top W \Phi + \alpha P)\,\boldsymbol\theta = \Phi^\top W \mathbf{y}`,
    :math:`W = \operatorname{diag}(1/\sigma_i^2)`, where :math:`P` is the identity with zeros
    on the diagonal at the unpenalised columns :math:`U`.

    Parameters
    ----------
    Phi : array_like, shape (N, n)
        The design matrix: one row per data point, one column per feature.
    y : array_like, shape (N,)
        The targets.
    sigma : float or array_like of shape (N,), optional
        Standard deviations of the `y`; default 1. Keyword-only.
    ridge : float, optional
        The penalty weight :math:`\alpha \geq 0`; default 0 (plain least squares). Keyword-only.
    unpenalised : sequence of int, optional
        Columns of `Phi` whose coefficients the penalty leaves alone, typically the constant
        column of an intercept (``unpenalised=[0]``): shrinking the intercept towards zero
        would make the fit depend on where the zero of ``y`` is. Default: every coefficient is
        penalised. Keyword-only.

    Returns
    -------
    ndarray, shape (n,)
        The parameters :math:`\hat{\boldsymbol\theta}`. If the columns of `Phi` are dependent
        and ``ridge == 0``, the solution is not unique and this is the shortest one.

    Raises
    ------
    TypeError
        If the arrays are not real numbers, or `unpenalised` is not a sequence of integers.
    ValueError
        If shapes disagree, `sigma` is not positive, `ridge` is negative, or an entry of
        `unpenalised` is not a column of `Phi`.

    See Also
    --------
    numpy.linalg.lstsq : what this calls.
    sklearn.linear_model.Ridge : ridge regression (which leaves the intercept unpenalised).

    Notes
    -----
    The normal equations are never formed: their matrix :math:`\Phi^\top\Phi` has the *square*
    of the condition number of :math:`\Phi`, so solving them can lose twice as many digits.
    Instead the weighted problem goes to :func:`numpy.linalg.lstsq` (an SVD), and the ridge
    penalty is written as extra rows, :math:`\sqrt{\alpha}\,\theta_j \approx 0` for each
    penalised :math:`j`, of the same problem. Book: section 6.3.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlcalc import linear_least_squares
    >>> x = np.array([-3.0, -1.0, 0.0, 1.0, 3.0])
    >>> y = np.array([-1.2, -0.7, 0.14, 0.67, 1.67])
    >>> Phi = np.column_stack([np.ones_like(x), x])  # bias and slope
    >>> np.round(linear_least_squares(Phi, y), 3)
    array([0.116, 0.499])
    >>> np.round(linear_least_squares(Phi, y, ridge=5.0), 3)  # both shrunk towards zero
    array([0.058, 0.399])
    >>> np.round(linear_least_squares(Phi, y, ridge=5.0, unpenalised=[0]), 3)  # slope only
    array([0.116, 0.399])
    """
    Phi = as_real_array(Phi, "Phi", ndim=2)
    y = as_real_array(y, "y", ndim=1)
    if Phi.shape[0] != y.size:
        raise ValueError(f"`Phi` must have one row per data point ({y.size}), "
                         f"got shape {Phi.shape}")
    if isinstance(ridge, bool) or not isinstance(ridge, int | float | np.floating | np.integer):
        raise TypeError(f"`ridge` must be a real number, got {type(ridge).__name__}")
    if not np.isfinite(ridge) or ridge < 0:
        raise ValueError(f"`ridge` must be non-negative and finite, got {ridge!r}")
    n = Phi.shape[1]
    free = _columns(unpenalised, n)
    weights = 1.0 / _sigma(sigma, y.size)
    A, b = Phi * weights[:, np.newaxis], y * weights
    penalised = [j for j in range(n) if j not in free]
    if ridge > 0 and penalised:
        A = np.vstack([A, np.sqrt(ridge) * np.eye(n)[penalised]])
        b = np.concatenate([b, np.zeros(len(penalised))])
    theta, *_ = np.linalg.lstsq(A, b, rcond=None)
    return theta


def _columns(columns, n: int) -> set[int]:
    """The column indices in `columns` (a sequence of ints, each in 0..n-1), as a set."""
    if isinstance(columns, str | bytes) or not hasattr(columns, "__iter__"):
        raise TypeError(f"`unpenalised` must be a sequence of column indices, got "
                        f"{type(columns).__name__}")
    free = set()
    for j in columns:
        free.add(check_int(j, "unpenalised", low=-n, high=n - 1) % n)
    return free


# --- non-linear least squares -----------------------------------------------------------------

@dataclass(frozen=True, eq=False, kw_only=True)
class FitResult(IterationResult):
    r"""The outcome of :func:`fit_least_squares`: an :class:`~mmlcalc.IterationResult` with the
    statistics of the fit.

    Attributes
    ----------
    x : ndarray, shape (n,)
        The best-fit parameters (the last point of `history`); also called `params`.
    converged, reason, message, n_iter, history
        As for every iteration: `reason` is ``"xtol"``, ``"ftol"`` or ``"gtol"`` when the fit
        converged (which test held), else ``"diverged"``, ``"stalled"`` or ``"max_iter"``.
        `history` (also called `path`) holds every iterate, shape ``(n_iter + 1, n)``.
    covariance : ndarray, shape (n, n)
        Covariance matrix of the parameters, :math:`(J_y^\top W J_y)^{-1} = (J_r^\top J_r)^{-1}`
        at `x` (:math:`J_y` the model's Jacobian, :math:`J_r = -W^{1/2} J_y` the normalised
        residuals'), the inverse of half the Gauss-Newton Hessian of :math:`\chi^2`; scaled by
        :math:`\chi^2/\nu` if no `sigma` was given. All ``inf`` if the Jacobian has dependent
        columns.
    chi2 : float
        :math:`\chi^2` at `x`.
    dof : int
        Degrees of freedom :math:`\nu = N - n`.
    nfev : int
        Number of evaluations of the model (finite-difference Jacobians included).
    method : str
        The algorithm used.
    chi2_path : ndarray, shape (n_iter + 1,)
        :math:`\chi^2` at every iterate.

    Notes
    -----
    Book: sections 6.4 and 6.5.
    """

    covariance: np.ndarray
    chi2: float
    dof: int
    nfev: int
    method: str
    chi2_path: np.ndarray

    @property
    def params(self) -> np.ndarray:
        """The best-fit parameters, `x`."""
        return self.x

    @property
    def path(self) -> np.ndarray:
        """Every iterate, `history`."""
        return self.history

    @property
    def stderr(self) -> np.ndarray:
        """Standard errors of the parameters, the square roots of the covariance diagonal."""
        return np.sqrt(np.diag(self.covariance))

    @property
    def reduced_chi2(self) -> float:
        r""":math:`\chi^2/\nu`, about 1 for a good model with honest error bars."""
        return self.chi2 / self.dof if self.dof > 0 else float("nan")


def parameter_steps(params) -> np.ndarray:
    r"""Finite-difference steps for fit parameters, each in proportion to its own size.

    .. math:: h_j = \varepsilon^{1/3} |a_j| \quad (\varepsilon^{1/3} \text{ if } a_j = 0)

    the rule of MINPACK's ``fdjac2`` for central differences: a parameter of size
    :math:`10^{-4}` gets a step of about :math:`6 \times 10^{-10}`, one of size
    :math:`10^{8}` a step of about :math:`6 \times 10^{2}`.

    Examples
    --------
    >>> from mmlcalc.fitting import parameter_steps
    >>> [f"{h:.1e}" for h in parameter_steps([239.0, 5.5e-4, 0.0])]
    ['1.4e-03', '3.3e-09', '6.1e-06']
    """
    params = np.abs(as_real_array(params, "params"))
    return np.cbrt(np.finfo(float).eps) * np.where(params > 0, params, 1.0)


class _Problem:
    """Residuals and their Jacobian for one fit, counting model evaluations."""

    def __init__(self, model, x, y, sigma, jac):
        self.model, self.x, self.y, self.sigma, self.jac = model, x, y, sigma, jac
        self.nfev = 0

    def residuals(self, params, *, strict=True):
        """Normalised residuals; for a trial step (``strict=False``) None if not finite."""
        self.nfev += 1
        if strict:
            return (self.y - _model_values(self.model, self.x, params, self.y.size)) / self.sigma
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            values = np.asarray(self.model(self.x, *params), dtype=float)
            r = (self.y - values) / self.sigma
            finite = r.shape == self.y.shape and np.all(np.isfinite(r)) and np.isfinite(r @ r)
        return r if finite else None

    def jacobian(self, params):
        r"""Jacobian of the residuals, :math:`-J_{\text{model}} / \sigma`, shape (N, n)."""
        m, n = self.y.size, params.size
        if self.jac is not None:
            J = np.asarray(self.jac(self.x, *params), dtype=float)
            if J.shape != (m, n):
                raise ValueError(f"`jac` must return the model's Jacobian, shape ({m}, {n}), "
                                 f"got shape {J.shape}")
            check_finite_output(J, "jac", params)
        else:
            J = jacobian(lambda q: _model_values(self.model, self.x, q, m), params,
                         h=parameter_steps(params))
            self.nfev += 2 * n
        return -J / self.sigma[:, np.newaxis]


def _stopping_test(p, r, J, gn_step, chi2_drop, *, xtol, ftol, gtol):
    """Which of MINPACK's three tests holds at `p` (``"gtol"``, ``"xtol"``, ``"ftol"``), with
    a sentence of numbers; ``(None, "")`` if none does.

    `chi2_drop` is the relative fall of chi-squared over the last step (None before the first).
    """
    chi2 = float(r @ r)
    norms = np.linalg.norm(J, axis=0)
    cosines = np.abs(J.T @ r) / np.where(norms > 0, norms, 1.0)
    scaled_gradient = 0.0 if chi2 == 0 else float(np.max(cosines)) / np.sqrt(chi2)
    if scaled_gradient <= gtol:
        return "gtol", f"the scaled gradient {scaled_gradient:.2g} is below gtol = {gtol:g}"
    relative_step = float(np.max(np.abs(gn_step) / (xtol + np.abs(p))))
    if relative_step <= xtol:
        return "xtol", (f"the Gauss-Newton step is {relative_step:.2g} of the parameters, below "
                        f"xtol = {xtol:g}")
    predicted = float(np.sum((J @ gn_step) ** 2)) / chi2
    if chi2_drop is not None and max(chi2_drop, predicted) <= ftol:
        return "ftol", (f"chi-squared fell by {chi2_drop:.2g} of itself and the linear model "
                        f"predicts {predicted:.2g} more, both below ftol = {ftol:g}")
    return None, ""


def fit_least_squares(model: Callable, x, y, p0, *, sigma=None, method: str = "lm",
                      jac: Callable | None = None, lr=None, xtol=1e-8, ftol=1e-10, gtol=1e-8,
                      max_iter=None) -> FitResult:
    r"""Fit a model to data by minimising chi-squared, with one of three algorithms.

    With the normalised residuals
    :math:`r_i(\boldsymbol\theta) = (y_i - y(x_i;\boldsymbol\theta))/\sigma_i` and their
    Jacobian :math:`J_r = \partial \mathbf{r}/\partial \boldsymbol\theta` (shape N x n),
    :math:`\chi^2 = \mathbf{r}^\top\mathbf{r}` has gradient
    :math:`\nabla\chi^2 = 2\mathbf{r}^\top J_r` (a row) and Hessian
    :math:`\approx 2 J_r^\top J_r`. Each
    step :math:`\boldsymbol\delta` solves

    .. math::

        \text{steepest:}\quad \boldsymbol\delta = -\eta\,\nabla\chi^{2\top}, \qquad
        \text{Gauss-Newton:}\quad J_r^\top J_r\,\boldsymbol\delta = -J_r^\top\mathbf{r}, \qquad
        \text{LM:}\quad \bigl(J_r^\top J_r + \mu \operatorname{diag}(J_r^\top J_r)\bigr)
        \boldsymbol\delta = -J_r^\top\mathbf{r}.

    Parameters
    ----------
    model : callable
        ``model(x, *params)`` returns the prediction at every data point, shape (N,), as for
        :func:`scipy.optimize.curve_fit`.
    x : array_like
        The independent variable, passed to `model` unchanged.
    y : array_like, shape (N,)
        The measured values; at least as many as there are parameters.
    p0 : array_like, shape (n,)
        Starting parameters.
    sigma : float or array_like of shape (N,), optional
        Standard deviations of the `y`. If given, the covariance uses them as they are
        (``absolute_sigma=True`` in curve_fit); if omitted, it is scaled by
        :math:`\chi^2/\nu`, which estimates a common unknown :math:`\sigma`. Keyword-only.
    method : {"lm", "gauss-newton", "steepest"}
        Levenberg-Marquardt (default, robust), pure Gauss-Newton, or steepest descent.
    jac : callable, optional
        ``jac(x, *params)`` returns the Jacobian of the *model*,
        :math:`\partial y(x_i; \boldsymbol\theta)/\partial a_j`, shape (N, n). Default: central
        differences with :func:`mmlcalc.jacobian`, each parameter stepped in proportion to its
        own size (``mmlcalc.fitting.parameter_steps``).
    lr : float, optional
        Steepest descent only: a fixed learning rate :math:`\eta`. Default: a backtracking line
        search (start from twice the last accepted rate, halve until :math:`\chi^2` falls by at
        least :math:`10^{-4}\,\eta\,\lVert\nabla\chi^2\rVert^2`).
    xtol : float, optional
        Converged when the Gauss-Newton step :math:`\boldsymbol\delta_{GN}` (an estimate of the
        remaining distance to the minimum) is small *in every parameter, relative to that
        parameter*: :math:`|\delta_j| \le \text{xtol}\,(\text{xtol} + |a_j|)` for all
        :math:`j`. Default ``1e-8``.
    ftol : float, optional
        Converged when both the relative fall of :math:`\chi^2` over the last step and the
        relative fall the linear model predicts for a Gauss-Newton step,
        :math:`\lVert J\boldsymbol\delta_{GN}\rVert^2/\chi^2`, are at most `ftol`. Default
        ``1e-10``.
    gtol : float, optional
        Converged when the scaled gradient, the largest cosine of the angle between the
        residuals and a column of :math:`J`,
        :math:`\max_j |J_j^\top \mathbf{r}| / (\lVert J_j\rVert\,\lVert\mathbf{r}\rVert)`, is at
        most `gtol` (or :math:`\chi^2 = 0`). Default ``1e-8``. It does not change when a
        parameter is rescaled.
    max_iter : int, optional
        Most steps to take. Default 1000, or 10 000 for steepest descent.

    Returns
    -------
    FitResult
        Parameters, covariance, :math:`\chi^2`, iterations, convergence flag and `reason`
        (which test held, or why it stopped), and the path of iterates. Failure to converge is
        reported there, never raised.

    Raises
    ------
    TypeError
        If `model` or `jac` is not callable, or an argument is not a number of the right kind.
    ValueError
        If shapes disagree, there are fewer points than parameters, `sigma`, `lr`, a tolerance
        or `max_iter` is not positive, `lr` is given for a method other than steepest descent,
        `method` is unknown, or the model is not finite at `p0`.

    See Also
    --------
    scipy.optimize.curve_fit : the same fit (LM by default) in one call.
    scipy.optimize.least_squares : trust-region least squares on the residuals, with the same
        three tolerances.

    Notes
    -----
    The three tests are MINPACK's (``lmder``), each measured relative to the problem's own
    scales, so that a parameter of size :math:`10^8` does not make a parameter of size
    :math:`10^{-4}` look converged. Every method stops on the same tests, which makes their
    iteration counts comparable. Near the minimum Gauss-Newton and LM converge quadratically
    when the neglected curvature term is small, steepest descent only linearly, at a rate set by the
    condition number of :math:`J_r^\top J_r`. Pure Gauss-Newton can overshoot far from the
    minimum; LM's damping :math:`\mu` (start :math:`10^{-3}`, divided by 10 after a step
    that lowers :math:`\chi^2`, multiplied by 10 and the step retried otherwise) moves it
    between Gauss-Newton and short steepest-descent steps. Linear sub-problems are solved by
    :func:`numpy.linalg.lstsq`, the LM one as the stacked system
    :math:`[J_r;\ \sqrt{\mu}D]\,\boldsymbol\delta \approx [-\mathbf{r}; \mathbf{0}]`,
    :math:`D^2 = \operatorname{diag}(J_r^\top J_r)`. Book: section 6.4 (steepest descent), 6.5
    (Gauss-Newton and LM), 6.6 (the workflow).

    Examples
    --------
    >>> import numpy as np
    >>> from mmlcalc import fit_least_squares
    >>> decay = lambda t, A, k: A * np.exp(-k * t)
    >>> t = np.linspace(0.0, 4.0, 9)
    >>> fit = fit_least_squares(decay, t, decay(t, 3.0, 0.7), [1.0, 1.0])
    >>> np.round(fit.params, 8), fit.converged, fit.reason
    (array([3. , 0.7]), True, 'xtol')
    >>> fit_least_squares(decay, t, decay(t, 3.0, 0.7), [1.0, 1.0], method="gauss-newton",
    ...                   max_iter=2).reason
    'max_iter'
    """
    check_callable(model, "model")
    check_choice(method, "method", FIT_METHODS)
    if jac is not None:
        check_callable(jac, "jac")
    x, y = _data(x, y)
    p = _params(p0, "p0")
    sigma_given = sigma is not None
    sigma = _sigma(sigma, y.size)
    if y.size < p.size:
        raise ValueError(f"`y` must hold at least as many points as there are parameters "
                         f"({p.size}), got {y.size}")
    if lr is not None:
        lr = check_positive(lr, "lr")
        if method != "steepest":
            raise ValueError(f"`lr` is for method='steepest' only, got method={method!r}")
    tolerances = {name: check_positive(value, name)
                  for name, value in (("xtol", xtol), ("ftol", ftol), ("gtol", gtol))}
    if max_iter is None:
        max_iter = 10_000 if method == "steepest" else 1000
    max_iter = check_positive_int(max_iter, "max_iter")

    problem = _Problem(model, x, y, sigma, jac)
    r = problem.residuals(p)
    chi2 = float(r @ r)
    if not np.isfinite(chi2):
        raise ValueError(f"`p0` must give a finite chi-squared, got {chi2} at {p.tolist()}")
    path, chi2_path = [p], [chi2]
    lam, rate, chi2_drop = _LAMBDA_START, lr, None
    reason, message = "max_iter", ""
    for k in range(max_iter + 1):
        J = problem.jacobian(p)
        gn_step, *_ = np.linalg.lstsq(J, -r, rcond=None)
        test, why = _stopping_test(p, r, J, gn_step, chi2_drop, **tolerances)
        if test is not None:
            reason, message = test, f"converged after {k} steps: {why}"
            break
        if k == max_iter:
            message = (f"stopped after max_iter = {max_iter} steps without converging "
                       f"(pass a larger max_iter to go on from here)")
            break
        r_trial = None  # the line search and LM evaluate their trial point themselves
        if method == "gauss-newton":
            step = gn_step
        elif method == "steepest":
            grad = 2 * J.T @ r
            if lr is not None:
                step = -lr * grad
            else:
                step, r_trial, rate = _line_search(problem, p, chi2, grad, rate)
        else:
            step, r_trial, lam = _lm_step(problem, p, r, chi2, J, lam)
        if step is None:
            reason = "stalled"
            message = ("stalled: the line search found no step that lowers chi-squared "
                       "(near the minimum: the limit of floating point)"
                       if method == "steepest" else
                       f"stalled: no step lowers chi-squared, even with damping "
                       f"lambda = {_LAMBDA_MAX:g}")
            break
        trial = p + step
        if r_trial is None:
            r_trial = problem.residuals(trial, strict=False)
        chi2_trial = np.inf if r_trial is None else float(r_trial @ r_trial)
        path.append(trial)
        chi2_path.append(chi2_trial)
        if not chi2_trial <= _DIVERGED_CHI2 * (1.0 + chi2_path[0]):
            reason = "diverged"
            message = (f"diverged: chi-squared became {chi2_trial:.3g} at step {k + 1} "
                       f"(the path shows where it went)")
            break
        if np.linalg.norm(trial) > _DIVERGED_PARAMS * (1.0 + np.linalg.norm(path[0])):
            reason = "diverged"
            message = (f"diverged: the parameters ran away to size "
                       f"{np.linalg.norm(trial):.3g} at step {k + 1}")
            break
        chi2_drop = (chi2 - chi2_trial) / chi2 if chi2 > 0 else 0.0
        p, r, chi2 = trial, r_trial, chi2_trial

    n = p.size
    if reason == "diverged":
        covariance = np.full((n, n), np.inf)  # no meaningful curvature where it went
    else:
        covariance = _inverse_normal_matrix(J)  # J is evaluated at p on every other exit
        if not sigma_given:
            dof = y.size - n
            covariance = covariance * (chi2 / dof) if dof > 0 else np.full((n, n), np.inf)
    return FitResult(
        x=_frozen(path[-1]), converged=reason in CONVERGED, n_iter=len(path) - 1,
        history=_frozen(np.array(path)), reason=reason, message=message,
        covariance=_frozen(covariance), chi2=float(chi2_path[-1]), dof=y.size - n,
        nfev=problem.nfev, method=method, chi2_path=_frozen(np.array(chi2_path)))


def _frozen(array: np.ndarray) -> np.ndarray:
    """A read-only copy, so that a frozen result cannot be changed through its arrays."""
    array = np.array(array, dtype=float)
    array.setflags(write=False)
    return array


def _line_search(problem: _Problem, p, chi2, grad, rate):
    """Backtracking (Armijo) line search along ``-grad``.

    Returns the step, the residuals after it and the accepted rate; the step is None if no
    rate lowers chi-squared enough.
    """
    slope = float(grad @ grad)
    if slope == 0.0:
        return None, None, rate
    # first try: twice the last accepted rate, or a step of 1% of the parameters' size
    rate = 2 * rate if rate is not None else 0.01 * max(1.0, np.linalg.norm(p)) / np.sqrt(slope)

    def chi2_after(eta):
        r_trial = problem.residuals(p - eta * grad, strict=False)
        return (np.inf if r_trial is None else float(r_trial @ r_trial)), r_trial

    found = backtrack(chi2_after, chi2, slope, rate)
    if found is None:
        return None, None, rate
    rate, _, r_trial = found
    return -rate * grad, r_trial, rate


def _lm_step(problem: _Problem, p, r, chi2, J, lam):
    """Levenberg-Marquardt: a step that lowers chi-squared, the residuals after it, and the
    damping for the next step; the step is None if even the largest damping fails."""
    n = p.size
    D = np.sqrt(np.sum(J**2, axis=0))              # sqrt(diag(J^T J)), Marquardt's scaling
    D = np.where(D > 0, D, 1.0)
    while lam <= _LAMBDA_MAX:
        A = np.vstack([J, np.sqrt(lam) * np.diag(D)])
        b = np.concatenate([-r, np.zeros(n)])
        step, *_ = np.linalg.lstsq(A, b, rcond=None)
        r_trial = problem.residuals(p + step, strict=False)
        if r_trial is not None and r_trial @ r_trial < chi2:
            return step, r_trial, max(lam / _LAMBDA_FACTOR, 1e-12)
        lam *= _LAMBDA_FACTOR
    return None, None, lam
