r"""Figures for the book: one house style and one function per kind of picture.

Every figure in the book is drawn with these functions, so that all of them share a look that
reads on the light and the dark theme alike. Each function takes an ``ax`` to draw on and
returns it; none calls ``plt.show``. matplotlib is imported only in this subpackage.

Every function checks its arguments before it draws, and raises ``TypeError`` or ``ValueError``
naming the argument: `ax` must be a matplotlib ``Axes`` (a 3-D one for surfaces), limits such
as `xlim` an increasing pair ``(low, high)``, `levels` a number of levels from 1 to 1000 or the
levels themselves, grid sizes (`n`, `n_grid`, `samples`) integers from 2 to 2000, and mappings
(`curves`, `errors`, `paths`, `quartet`) dicts of label to data.

Modules: :mod:`._style` (the house style), then one module a kind of picture.
"""

from ._style import COLORS, book_style, figure, use_book_style

# -- chapter 1: what is calculus? --
from .derivatives import (
    plot_difference_quotients,
    plot_error_curves,
    plot_product_rectangle,
    plot_secants,
    plot_with_derivative,
)

# -- chapter 2: multivariate calculus --
from .surfaces import (
    as_3d,
    plot_contours,
    plot_mapped_grid,
    plot_pit,
    plot_quadratic,
    plot_slices,
    plot_surface,
)

# -- chapter 3: the multivariate chain rule and neural networks --
from .networks import (
    plot_computation_graph,
    plot_cost_history,
    plot_gradient_check_errors,
    plot_network,
    plot_network_fit,
)

# -- chapter 4: Taylor series and linearisation --
from .series import (
    plot_error_scaling,
    plot_model_contours,
    plot_partial_sums,
    plot_quadratic_model,
    plot_remainder_band,
    plot_taylor_models,
)

# -- chapter 5: introduction to optimisation --
from .optimisation import (
    ROOT_COLORS,
    plot_basins,
    plot_constrained,
    plot_convergence,
    plot_paths,
)

# -- chapter 6: regression --
from .fitting import (
    plot_anscombe,
    plot_chi2_contours,
    plot_fit,
    plot_intervals,
    plot_residuals,
    plot_train_test,
)

# -- interactive figures: frames with a slider and a play button --
from .animation import Animation, animate

__all__ = [
    "COLORS",
    "book_style",
    "figure",
    "use_book_style",
    # -- chapter 1 --
    "plot_difference_quotients",
    "plot_error_curves",
    "plot_product_rectangle",
    "plot_secants",
    "plot_with_derivative",
    # -- chapter 2 --
    "as_3d",
    "plot_contours",
    "plot_mapped_grid",
    "plot_pit",
    "plot_quadratic",
    "plot_slices",
    "plot_surface",
    # -- chapter 3 --
    "plot_computation_graph",
    "plot_cost_history",
    "plot_gradient_check_errors",
    "plot_network",
    "plot_network_fit",
    # -- chapter 4 --
    "plot_error_scaling",
    "plot_model_contours",
    "plot_partial_sums",
    "plot_quadratic_model",
    "plot_remainder_band",
    "plot_taylor_models",
    # -- chapter 5 --
    "ROOT_COLORS",
    "plot_basins",
    "plot_constrained",
    "plot_convergence",
    "plot_paths",
    # -- chapter 6 --
    "plot_anscombe",
    "plot_chi2_contours",
    "plot_fit",
    "plot_intervals",
    "plot_residuals",
    "plot_train_test",
    # -- interactive figures --
    "Animation",
    "animate",
]
