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
- :mod:`mmlcalc.descent`: gradient descent with momentum and mini-batches, the Armijo
  backtracking line search, Newton and the line-searched hybrid for minimisation (5).
- :mod:`mmlcalc.constrained`: Lagrange multipliers, symbolic and numeric (5).
- :mod:`mmlcalc.fitting`: chi-squared, straight-line fits with uncertainties, linear and
  non-linear least squares (6).
- :mod:`mmlcalc.stationary`: stationary points and the second-derivative test (2).
- :mod:`mmlcalc.sandpit`: landscapes with a known deepest point, probed for height and slope (2).
- :mod:`mmlcalc.sandpit_game`: the sandpit as a game played in the browser, no kernel (2, 5).
- :mod:`mmlcalc.plotting`: the book's figures, their house style, and slider figures.

``import mmlcalc`` is cheap: every name below is imported from its module on first use
(PEP 562), so matplotlib, scipy and sympy load only when a function that needs them does.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mmlcalc")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

#: Where each public name lives, grouped by the chapter that teaches it.
_NAMES = {
    # -- chapter 1: what is calculus? --
    "numdiff": ["DERIVATIVE_METHODS", "ErrorCurve", "coordinate_steps", "default_step",
                "derivative", "differentiate_samples", "error_curve", "observed_order",
                "rise_over_run",
                # -- chapter 2: multivariate calculus --
                "gradient", "hessian", "jacobian"],
    "sandpit": ["Dimple", "Landscape", "descend_by_probing", "make_sandpit"],
    "stationary": ["classify_stationary_point"],
    # -- chapter 3: the multivariate chain rule and neural networks --
    "network": ["ACTIVATIONS", "Activation", "ForwardPass", "GradientCheck", "Gradients",
                "Network", "TrainingResult", "backward", "cost", "forward", "gradient_check",
                "init_network", "sigmoid", "squared_error", "train", "train_step"],
    # -- chapter 4: Taylor series and linearisation --
    "taylor": ["TaylorPolynomial", "multivariate_taylor", "newton_step", "quadratic_model",
               "radius_of_convergence", "remainder_bound", "taylor_coefficients",
               "taylor_polynomial"],
    # -- chapter 5: introduction to optimisation --
    "_iteration": ["CONVERGED", "REASONS", "IterationResult"],
    "constrained": ["CONSTRAINED_KINDS", "ConstrainedPoint", "classify_constrained",
                    "lagrange_system", "solve_lagrange"],
    "descent": ["backtracking_step", "gradient_descent", "hybrid_minimize", "newton_minimize"],
    "roots": ["bisection", "convergence_order", "newton_basins", "newton_raphson"],
    # -- chapter 6: regression --
    "fitting": ["FIT_METHODS", "FitResult", "LinearFit", "chi_squared", "fit_least_squares",
                "linear_fit", "linear_least_squares", "residuals"],
    # -- every chapter: stated results, checked --
    "claims": ["claim"],
}
_MODULES = ["constrained", "descent", "fitting", "graph", "network", "numdiff", "plotting",
            "roots", "sandpit", "sandpit_game", "stationary", "symbolic", "taylor"]
_HOME = {name: module for module, names in _NAMES.items() for name in names}

__all__ = ["constrained", "descent", "fitting", "graph", "plotting", "roots", "symbolic"]
__all__ += [name for names in _NAMES.values() for name in names]


def __getattr__(name: str):
    """Import a public name's module the first time the name is used (PEP 562)."""
    if name in _MODULES:
        value = import_module(f".{name}", __name__)
    elif name in _HOME:
        value = getattr(import_module(f".{_HOME[name]}", __name__), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later uses are plain attribute look-ups
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
