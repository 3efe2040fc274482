"""Tests of mmlcalc.plotting.surfaces: the chapter 2 figures draw what they say they draw."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.collections import PolyCollection
from matplotlib.quiver import Quiver

import mmlcalc as mml
from mmlcalc.plotting import (
    as_3d,
    figure,
    plot_contours,
    plot_mapped_grid,
    plot_pit,
    plot_quadratic,
    plot_slices,
    plot_surface,
)
from mmlcalc.sandpit import Dimple, Landscape


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def bowl(p):
    return p[..., 0] ** 2 + 2 * p[..., 1] ** 2


def bowl_gradient(p):
    return np.stack([2 * p[..., 0], 4 * p[..., 1]], axis=-1)


def _quiver(ax):
    quivers = [c for c in ax.collections if isinstance(c, Quiver)]
    assert len(quivers) == 1
    return quivers[0]


# --- known values -------------------------------------------------------------------------------

def test_contour_arrows_are_the_scaled_gradient_at_the_given_points():
    fig, ax = figure()
    points = np.array([[0.5, 0.5], [-1.0, 0.2], [0.3, -0.8]])
    plot_contours(ax, bowl, gradient=bowl_gradient, arrows=points, arrow_scale=0.1)
    q = _quiver(ax)
    np.testing.assert_allclose(q.X, points[:, 0])
    np.testing.assert_allclose(np.column_stack([q.U, q.V]), 0.1 * bowl_gradient(points))
    assert ax.get_aspect() == 1.0


def test_downhill_arrows_point_against_the_gradient_on_a_grid():
    fig, ax = figure()
    plot_contours(ax, bowl, gradient=bowl_gradient, arrows=4, downhill=True)
    q = _quiver(ax)
    assert len(q.X) == 16
    points = np.column_stack([q.X, q.Y])
    np.testing.assert_allclose(np.column_stack([q.U, q.V]), -bowl_gradient(points))


def test_slices_have_the_partial_derivative_as_tangent_slope():
    fig, ax = figure()
    f = lambda p: np.sin(p[..., 0]) * p[..., 1]  # noqa: E731
    f_x = lambda p: np.cos(p[..., 0]) * p[..., 1]  # noqa: E731
    plot_slices(ax, f, along="x", at=[-1.0, 2.0], tangent_at=0.5, partial=f_x)
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert len(dashed) == 2
    for line, c in zip(dashed, [-1.0, 2.0], strict=True):
        xs, ys = line.get_data()
        slope = (ys[1] - ys[0]) / (xs[1] - xs[0])
        assert slope == pytest.approx(np.cos(0.5) * c, rel=1e-12)


def test_mapped_grid_draws_images_of_the_grid_lines_and_the_cell():
    fig, (a, b) = figure(1, 2)
    F = lambda p: p @ np.array([[-2.0, 1.0], [1.0, 1.0]]).T  # noqa: E731
    plot_mapped_grid(a, b, F, n_lines=3, cell=(0.0, 0.0, 1.0, 1.0),
                     jacobian=lambda p: np.array([[-2.0, 1.0], [1.0, 1.0]]))
    assert len(a.get_lines()) == len(b.get_lines()) - 1 == 6   # plus the dashed parallelogram
    for domain, image in zip(a.get_lines(), b.get_lines(), strict=False):
        np.testing.assert_allclose(np.column_stack(image.get_data()),
                                   F(np.column_stack(domain.get_data())))
    parallelogram = np.column_stack(b.get_lines()[-1].get_data())
    np.testing.assert_allclose(parallelogram[:4], [[0, 0], [-2, 1], [-1, 2], [1, 1]])
    assert any(isinstance(c, PolyCollection) or c.get_label() == "image of the cell"
               for c in b.patches + b.collections)


def test_pit_marks_the_deepest_point_and_hides_the_floor_on_request():
    pit = Landscape(curvatures=(1.0, 0.5), dimples=[Dimple((1.0, 0.5), 1.5, 0.4)])
    fig, (seen, hidden) = figure(1, 2)
    plot_pit(seen, pit, probes=[pit.probe([0.0, 1.0])], paths=[[[2.0, 2.0], [1.0, 0.5]]],
             colorbar=False)
    star = [line for line in seen.get_lines() if line.get_marker() == "*"]
    assert len(star) == 1
    np.testing.assert_allclose(np.ravel(star[0].get_data()), pit.deepest.x)
    np.testing.assert_allclose(np.column_stack([_quiver(seen).U, _quiver(seen).V]) /
                               0.35 * np.linalg.norm(pit.gradient([0.0, 1.0])),
                               [-pit.gradient([0.0, 1.0])], rtol=1e-12)
    plot_pit(hidden, pit, probes=np.array([[0.0, 1.0]]), floor=False, minima=False)
    assert not [line for line in hidden.get_lines() if line.get_marker() == "*"]
    assert not any(c.__class__.__name__.endswith("ContourSet") for c in hidden.collections)


def test_quadratic_arrows_follow_the_eigenvectors():
    fig, ax = figure()
    H = np.array([[3.0, 1.0], [1.0, 2.0]])
    plot_quadratic(ax, H, lim=2.0)
    arrows = [t for t in ax.texts if t.arrow_patch is not None]
    _, vectors = np.linalg.eigh(H)
    for arrow, v in zip(arrows, vectors.T, strict=True):
        np.testing.assert_allclose(arrow.xy, 1.2 * v)


def test_surface_and_as_3d():
    fig, (left, right) = figure(1, 2)
    left = as_3d(left)
    assert left.name == "3d" and right.name == "rectilinear"
    plot_surface(left, bowl, slices_x=[0.0], slices_y=[-1.0, 1.0])
    labels = [line.get_label() for line in left.get_lines()]
    assert labels == ["$y = -1$", "$y = 1$", "$x = 0$"]


# --- properties ---------------------------------------------------------------------------------

@settings(max_examples=20, deadline=None)
@given(length=st.floats(0.05, 2.0))
def test_fixed_length_arrows_all_have_that_length(length):
    fig, ax = figure()
    try:
        plot_contours(ax, bowl, gradient=bowl_gradient, arrows=4, arrow_length=length, n=30)
        q = _quiver(ax)
        np.testing.assert_allclose(np.hypot(q.U, q.V), length, rtol=1e-12)
    finally:
        plt.close(fig)


# --- bad input ----------------------------------------------------------------------------------

def test_bad_input():
    fig, ax = figure()
    with pytest.raises(ValueError, match="`arrows` needs `gradient`"):
        plot_contours(ax, bowl, arrows=3)
    with pytest.raises(ValueError, match="`xlim` must be an increasing pair"):
        plot_contours(ax, bowl, xlim=(1.0, -1.0))
    with pytest.raises(TypeError, match="`f` must be callable"):
        plot_contours(ax, "bowl")
    with pytest.raises(ValueError, match="`along` must be one of 'x', 'y'"):
        plot_slices(ax, bowl, along="z")
    with pytest.raises(ValueError, match="`tangent_at` and `partial` go together"):
        plot_slices(ax, bowl, tangent_at=0.5)
    with pytest.raises(ValueError, match="`H` must be a symmetric 2 x 2 matrix"):
        plot_quadratic(ax, [[1.0, 2.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="`n_lines` must be at least 1"):
        plot_mapped_grid(ax, ax, lambda p: p, n_lines=0)
    with pytest.raises(ValueError, match="`extend` must be one of"):
        plot_contours(ax, bowl, filled=True, extend="up")
    assert mml.plotting.plot_pit is plot_pit
