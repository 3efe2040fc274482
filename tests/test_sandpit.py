"""Tests of mmlcalc.sandpit: landscapes with a known deepest point."""

import json

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import differential_evolution

import mmlcalc as mml
from mmlcalc import symbolic
from mmlcalc.sandpit import Dimple, Landscape, descend_by_probing, make_sandpit

OURS = Landscape(bowl_centre=(0.4, -0.3), curvatures=(1.2, 0.4), angle=0.6, offset=-2.0,
                 dimples=(Dimple((-1.2, 1.0), 1.1, 0.5), Dimple((1.0, 0.6), 0.5, 0.8)))


# --- known values -------------------------------------------------------------------------------

def test_a_plain_bowl_has_its_minimum_at_its_centre():
    bowl = Landscape(bowl_centre=(1.0, -0.5), curvatures=(2.0, 0.5), angle=0.3, offset=-1.0)
    best = bowl.deepest
    np.testing.assert_allclose(best.x, [1.0, -0.5], atol=1e-10)
    assert best.height == pytest.approx(-1.0, abs=1e-14)
    assert best.depth == pytest.approx(1.0, abs=1e-14)
    np.testing.assert_allclose(best.eigenvalues, [0.5, 2.0], rtol=1e-12)
    assert len(bowl.minima) == 1
    # h = offset + (a1 u^2 + a2 v^2) / 2 along the first principal axis, at distance 1
    axis = np.array([np.cos(0.3), np.sin(0.3)])
    assert bowl.height(np.array([1.0, -0.5]) + axis) == pytest.approx(-1.0 + 1.0, abs=1e-14)
    np.testing.assert_allclose(bowl.hessian([0.0, 0.0]), bowl.matrix, rtol=1e-14)


def test_a_single_dimple_by_hand():
    pit = Landscape(curvatures=(1.0, 1.0), dimples=[Dimple((0.0, 0.0), 2.0, 0.5)])
    assert pit.height([0.0, 0.0]) == pytest.approx(-2.0)
    assert pit.depth([0.0, 0.0]) == pytest.approx(2.0)
    # at (0.5, 0): 0.5 * 0.25 - 2 exp(-0.25 / 0.5)
    assert pit.height([0.5, 0.0]) == pytest.approx(0.125 - 2 * np.exp(-0.5), rel=1e-14)
    np.testing.assert_allclose(pit.deepest.x, [0.0, 0.0], atol=1e-12)


def test_shapes_follow_the_book_convention():
    points = np.zeros((4, 3, 2))
    assert np.shape(OURS.height(points)) == (4, 3)
    assert OURS.gradient(points).shape == (4, 3, 2)
    assert OURS.hessian(points).shape == (4, 3, 2, 2)
    assert isinstance(OURS.height([0.0, 0.0]), float)
    assert OURS.gradient([0.0, 0.0]).shape == (2,)


def test_a_minimum_on_the_edge_is_refused():
    outside = Landscape(bowl_centre=(5.0, 0.0))
    with pytest.raises(ValueError, match="on the edge of the pit"):
        _ = outside.deepest


# --- agreement with references: sympy, finite differences, a global optimiser -----------------

def test_gradient_and_hessian_agree_with_sympy_and_finite_differences():
    x, y = sp.symbols("x y")
    h = OURS.expression(x, y)
    grad = mml.symbolic.to_numpy(symbolic.gradient(h, (x, y)), (x, y))
    hess = mml.symbolic.to_numpy(symbolic.hessian(h, (x, y)), (x, y))
    points = np.random.default_rng(3).uniform(-3, 3, size=(50, 2))
    np.testing.assert_allclose(OURS.height(points), mml.symbolic.to_numpy(h, (x, y))(points),
                               rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(OURS.gradient(points), grad(points), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(OURS.hessian(points), hess(points).reshape(50, 2, 2),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(OURS.gradient(points), mml.gradient(OURS.height, points),
                               rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(OURS.hessian(points), mml.hessian(OURS.height, points),
                               rtol=1e-5, atol=1e-6)


def test_deepest_point_agrees_with_differential_evolution():
    L = OURS.half_width
    result = differential_evolution(OURS.height, [(-L, L), (-L, L)], seed=1, tol=1e-12,
                                    polish=True)
    best = OURS.deepest
    np.testing.assert_allclose(best.x, result.x, atol=1e-5)
    assert best.height <= result.fun + 1e-12
    assert np.linalg.norm(OURS.gradient(best.x)) < 1e-9
    assert mml.classify_stationary_point(OURS.hessian(best.x)) == "minimum"


# --- properties ---------------------------------------------------------------------------------

seeds = st.integers(min_value=0, max_value=10_000)


@settings(max_examples=4, deadline=None)
@given(seed=seeds)
def test_easy_sandpits_have_one_pit_that_walking_downhill_finds(seed):
    pit = make_sandpit(seed, level="easy")
    assert pit == make_sandpit(seed, level="easy")  # reproducible
    assert len(pit.minima) == 1
    start = np.random.default_rng(seed).uniform(-2.9, 2.9, size=2)
    log = descend_by_probing(pit, start)
    assert log.converged
    np.testing.assert_allclose(log.final.x, pit.deepest.x, atol=1e-5)


@settings(max_examples=4, deadline=None)
@given(seed=seeds)
def test_hard_sandpits_have_several_pits_and_a_clear_deepest(seed):
    pit = make_sandpit(seed, level="hard")
    minima = pit.minima
    assert len(minima) >= 3
    assert minima[1].height - minima[0].height > 0.05
    assert max(abs(c) for c in pit.deepest.x) <= pit.half_width - 0.5
    for m in minima:
        assert np.linalg.norm(pit.gradient(m.x)) < 1e-9
        assert min(m.eigenvalues) > 0
    grid = np.stack(np.meshgrid(*2 * [np.linspace(-3, 3, 301)]), axis=-1)
    assert np.min(pit.height(grid)) >= pit.deepest.height - 1e-12


@settings(max_examples=3, deadline=None)
@given(seed=seeds, level=st.sampled_from(["easy", "hard"]))
def test_to_dict_is_json_and_round_trips(seed, level):
    pit = make_sandpit(seed, level=level)
    data = json.loads(json.dumps(pit.to_dict()))
    assert data == pit.to_dict()
    again = Landscape.from_dict(data)
    assert again == pit
    assert data["deepest"] == data["minima"][0]
    assert data["deepest"]["height"] == pytest.approx(again.deepest.height, abs=1e-12)


@settings(max_examples=20, deadline=None)
@given(x=st.floats(-3, 3), y=st.floats(-3, 3))
def test_walking_downhill_never_climbs(x, y):
    log = descend_by_probing(OURS, [x, y], max_probes=60)
    heights = [p.height for p in log.probes]
    path_heights = [h for h, ok in zip(heights, log.accepted, strict=True) if ok]
    assert all(b <= a for a, b in zip(path_heights, path_heights[1:], strict=False))
    assert log.n_probes <= 60
    assert len(log.path) == sum(log.accepted)


def test_walking_downhill_can_end_in_the_wrong_pit():
    # OURS has two pits; a start beside the shallower one ends there
    assert len(OURS.minima) == 2
    shallow = OURS.minima[1]
    log = descend_by_probing(OURS, np.array(shallow.x) + [0.1, 0.1])
    assert log.converged
    np.testing.assert_allclose(log.final.x, shallow.x, atol=1e-5)
    assert log.final.height > OURS.deepest.height
    assert np.linalg.norm(np.subtract(log.final.x, OURS.deepest.x)) > 1.0


def test_probe_reports_height_depth_and_slope():
    p = OURS.probe([0.5, 0.5])
    assert p.height == OURS.height([0.5, 0.5])
    assert p.depth == -p.height
    np.testing.assert_array_equal(p.gradient, OURS.gradient([0.5, 0.5]))
    assert json.loads(json.dumps(p.to_dict()))["x"] == [0.5, 0.5]


def test_running_out_of_probes_is_reported_not_raised():
    log = descend_by_probing(OURS, [2.5, 2.5], max_probes=3)
    assert not log.converged and log.n_probes == 3


# --- bad input ----------------------------------------------------------------------------------

def test_bad_landscapes():
    with pytest.raises(ValueError, match="`curvatures` must both be positive"):
        Landscape(curvatures=(1.0, -1.0))
    with pytest.raises(ValueError, match="`width` must be positive"):
        Dimple((0.0, 0.0), 1.0, 0.0)
    with pytest.raises(ValueError, match=r"`centre` must have shape \(2,\)"):
        Dimple((0.0, 0.0, 1.0), 1.0, 1.0)
    with pytest.raises(TypeError, match="`dimples` must hold Dimple objects, got int"):
        Landscape(dimples=(3,))
    with pytest.raises(ValueError, match="`level` must be one of"):
        Landscape(level="medium")
    with pytest.raises(ValueError, match="`half_width` must be positive"):
        Landscape(half_width=0)
    with pytest.raises(ValueError, match=r"`x` must be a point \(x, y\)"):
        OURS.height([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="`x` must be a single point"):
        OURS.probe(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="`data` is not a sandpit landscape"):
        Landscape.from_dict({"format": "something else"})


def test_bad_make_sandpit_and_descent_arguments():
    with pytest.raises(TypeError, match="`seed` must be an integer, got float"):
        make_sandpit(1.5)
    with pytest.raises(ValueError, match="`seed` must be non-negative, got -1"):
        make_sandpit(-1)
    with pytest.raises(ValueError, match="`level` must be one of 'easy', 'hard', got 'medium'"):
        make_sandpit(0, level="medium")
    with pytest.raises(TypeError, match="`landscape` must be a Landscape, got str"):
        descend_by_probing("pit", [0.0, 0.0])
    with pytest.raises(ValueError, match="`x0` must be a point .* inside the pit"):
        descend_by_probing(OURS, [4.0, 0.0])
    with pytest.raises(ValueError, match="`step` must be positive"):
        descend_by_probing(OURS, [0.0, 0.0], step=-1.0)
    with pytest.raises(ValueError, match="`max_probes` must be at least 1"):
        descend_by_probing(OURS, [0.0, 0.0], max_probes=0)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 50), start=st.tuples(st.floats(-2.9, 2.9), st.floats(-2.9, 2.9)),
       level=st.sampled_from(["easy", "hard"]))
def test_a_walk_that_converged_stands_where_the_slope_is_flat(seed, start, level):
    pit = make_sandpit(seed, level=level)
    log = descend_by_probing(pit, list(start), gtol=1e-6, max_probes=300)
    assert isinstance(log, mml.IterationResult) and log.n_iter == len(log.path) - 1
    if log.converged:
        assert log.reason == "gtol"
        assert np.linalg.norm(pit.gradient(log.x)) < 1e-6
    else:
        assert log.reason in {"stalled", "max_iter"}
