r"""mmlcalc: the code behind *Multivariate Calculus for Machine Learning*.

Every code cell of the book imports this package (``import mmlcalc as mml``), so the numbers,
figures and worked examples on the site are recomputed and checked on each build.

Modules, one idea each (the chapter that teaches it in brackets):

- :mod:`mmlcalc.numdiff`: rise over run, finite differences, the complex step; gradient,
  Jacobian and Hessian by finite differences (1, 2).
- :mod:`mmlcalc.symbolic`: exact derivatives with sympy, and sympy-to-numpy functions (1, 2).
- :mod:`mmlcalc.graph`: computation graphs, forward- and reverse-mode differentiation (3).
- :mod:`mmlcalc.network`: a small dense neural network, backpropagation, gradient checks (3).
- :mod:`mmlcalc.taylor`: Taylor polynomials in one and many variables, their error bound and
  radius of convergence, the quadratic model and the Newton step (4).
- :mod:`mmlcalc.roots`: Newton-Raphson and bisection, and their order of convergence (5).
- :mod:`mmlcalc.descent`: gradient descent with momentum and mini-batches; Newton and hybrid
  steps for minimisation (5).
- :mod:`mmlcalc.constrained`: Lagrange multipliers, symbolic and numeric (5).
- :mod:`mmlcalc.fitting`: chi-squared, straight-line fits with uncertainties, linear and
  non-linear least squares (6).
- :mod:`mmlcalc.stationary`: stationary points and the second-derivative test (2).
- :mod:`mmlcalc.sandpit`: landscapes with a known deepest point, probed for height and slope (2).
- :mod:`mmlcalc.sandpit_game`: the sandpit as a game played in the browser, no kernel (2, 5).
- :mod:`mmlcalc.plotting`: the book's figures, their house style, and slider figures.
"""

from . import plotting, symbolic

# -- chapter 1: what is calculus? --
from .numdiff import (
    DERIVATIVE_METHODS,
    ErrorCurve,
    default_step,
    derivative,
    differentiate_samples,
    error_curve,
    observed_order,
    rise_over_run,
)

# -- chapter 2: multivariate calculus --
from .numdiff import gradient, hessian, jacobian
from .sandpit import Dimple, Landscape, descend_by_probing, make_sandpit
from .stationary import classify_stationary_point

# -- chapter 3: the multivariate chain rule and neural networks --
from . import graph
from .network import (
    ACTIVATIONS,
    Activation,
    ForwardPass,
    GradientCheck,
    Gradients,
    Network,
    TrainingResult,
    backward,
    cost,
    forward,
    gradient_check,
    init_network,
    sigmoid,
    squared_error,
    train,
    train_step,
)

# -- chapter 4: Taylor series and linearisation --
from .taylor import (
    TaylorPolynomial,
    multivariate_taylor,
    newton_step,
    quadratic_model,
    radius_of_convergence,
    remainder_bound,
    taylor_coefficients,
    taylor_polynomial,
)

# -- chapter 5: introduction to optimisation --
from . import constrained, descent, roots
from ._iteration import REASONS, IterationResult
from .constrained import (
    CONSTRAINED_KINDS,
    ConstrainedPoint,
    classify_constrained,
    lagrange_system,
    solve_lagrange,
)
from .descent import gradient_descent, hybrid_minimize, newton_minimize
from .roots import bisection, convergence_order, newton_basins, newton_raphson

# -- chapter 6: regression --
from . import fitting
from .fitting import (
    FIT_METHODS,
    FitResult,
    LinearFit,
    chi_squared,
    fit_least_squares,
    linear_fit,
    linear_least_squares,
    residuals,
)

# -- every chapter: stated results, checked (mmlcalc.claims) --
from .claims import claim as claim  # re-exported: mml.claim(...)

__version__ = "0.1.0"

__all__ = [
    "plotting",
    "symbolic",
    # -- chapter 1 --
    "DERIVATIVE_METHODS",
    "ErrorCurve",
    "default_step",
    "derivative",
    "differentiate_samples",
    "error_curve",
    "observed_order",
    "rise_over_run",
    # -- chapter 2 --
    "gradient",
    "hessian",
    "jacobian",
    "Dimple",
    "Landscape",
    "descend_by_probing",
    "make_sandpit",
    "classify_stationary_point",
    # -- chapter 3 --
    "graph",
    "ACTIVATIONS",
    "Activation",
    "ForwardPass",
    "GradientCheck",
    "Gradients",
    "Network",
    "TrainingResult",
    "backward",
    "cost",
    "forward",
    "gradient_check",
    "init_network",
    "sigmoid",
    "squared_error",
    "train",
    "train_step",
    # -- chapter 4 --
    "TaylorPolynomial",
    "multivariate_taylor",
    "newton_step",
    "quadratic_model",
    "radius_of_convergence",
    "remainder_bound",
    "taylor_coefficients",
    "taylor_polynomial",
    # -- chapter 5 --
    "CONSTRAINED_KINDS",
    "REASONS",
    "ConstrainedPoint",
    "IterationResult",
    "bisection",
    "classify_constrained",
    "constrained",
    "convergence_order",
    "descent",
    "gradient_descent",
    "hybrid_minimize",
    "lagrange_system",
    "newton_basins",
    "newton_minimize",
    "newton_raphson",
    "roots",
    "solve_lagrange",
    # -- chapter 6 --
    "fitting",
    "FIT_METHODS",
    "FitResult",
    "LinearFit",
    "chi_squared",
    "fit_least_squares",
    "linear_fit",
    "linear_least_squares",
    "residuals",
]
