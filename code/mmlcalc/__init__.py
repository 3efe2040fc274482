r"""mmlcalc: the code behind *Multivariate Calculus for Machine Learning*.

Every code cell of the book imports this package (``import mmlcalc as mml``), so the numbers,
figures and worked examples on the site are recomputed and checked on each build.

Modules, one idea each (the chapter that teaches it in brackets):

- :mod:`mmlcalc.numdiff`: rise over run, finite differences, the complex step; gradient,
  Jacobian and Hessian by finite differences (1, 2).
- :mod:`mmlcalc.symbolic`: exact derivatives with sympy, and sympy-to-numpy functions (1, 2).
- :mod:`mmlcalc.stationary`: stationary points and the second-derivative test (2).
- :mod:`mmlcalc.sandpit`: landscapes with a known deepest point, probed for height and slope (2).
- :mod:`mmlcalc.plotting`: the book's figures and their house style.
"""

from . import plotting, symbolic

# -- chapter 1: what is calculus? --
from .numdiff import (
    DERIVATIVE_METHODS,
    default_step,
    derivative,
    differentiate_samples,
    rise_over_run,
)

# -- chapter 2: multivariate calculus --
from .numdiff import gradient, hessian, jacobian
from .sandpit import Dimple, Landscape, descend_by_probing, make_sandpit
from .stationary import classify_stationary_point

# -- chapter 3: the multivariate chain rule and neural networks --

# -- chapter 4: Taylor series and linearisation --

# -- chapter 5: introduction to optimisation --

# -- chapter 6: regression --

__version__ = "0.1.0"

__all__ = [
    "plotting",
    "symbolic",
    # -- chapter 1 --
    "DERIVATIVE_METHODS",
    "default_step",
    "derivative",
    "differentiate_samples",
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
    # -- chapter 4 --
    # -- chapter 5 --
    # -- chapter 6 --
]
