r"""mmlcalc: the code behind *Multivariate Calculus for Machine Learning*.

Every code cell of the book imports this package (``import mmlcalc as mml``), so the numbers,
figures and worked examples on the site are recomputed and checked on each build.

Modules, one idea each:

- :mod:`mmlcalc.numdiff`: rise over run, finite differences and the complex step (chapter 1).
- :mod:`mmlcalc.plotting`: the book's figures and their house style.
"""

from . import plotting
from .numdiff import (
    DERIVATIVE_METHODS,
    default_step,
    derivative,
    differentiate_samples,
    rise_over_run,
)

__version__ = "0.1.0"

__all__ = [
    "DERIVATIVE_METHODS",
    "default_step",
    "derivative",
    "differentiate_samples",
    "plotting",
    "rise_over_run",
]
