"""Tests of mmlcalc.sandpit_game: the sandpit game's data, its HTML and its automatic steps.

The script that plays the game is tested in a real browser in test_browser.py; here, the data
it is given must be the landscapes' own values, and the HTML must carry it intact.
"""

import json
import re

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import mmlcalc as mml
from mmlcalc import symbolic
from mmlcalc.sandpit import Dimple, Landscape, make_sandpit
from mmlcalc.sandpit_game import GAME_FORMAT, auto_step, game_data, game_html

BOWL = Landscape(bowl_centre=(1.0, -0.5), curvatures=(2.0, 0.5), angle=0.3)
DENTED = Landscape(bowl_centre=(0.4, -0.3), curvatures=(1.2, 0.4), angle=0.6, offset=-2.0,
                   dimples=(Dimple((-1.2, 1.0), 1.1, 0.5), Dimple((1.0, 0.6), 0.5, 0.8)))


@pytest.fixture(scope="module")
def easy():
    return game_data([3, 5], level="easy", goal=0.2)


@pytest.fixture(scope="module")
def hard():
    return game_data([7], level="hard", goal=0.15, rates=(0.03, 0.1, 0.3), rate=0.1)


# --- known values -------------------------------------------------------------------------------

def test_the_data_holds_each_seeded_landscape_and_its_answer(easy):
    assert easy["format"] == GAME_FORMAT and easy["version"] == 1
    assert easy["level"] == "easy" and easy["goal"] == 0.2
    assert easy["rates"] == [0.1, 0.3, 1.0] and easy["rate"] == 0.3
    assert [pit["seed"] for pit in easy["pits"]] == [3, 5]
    for pit in easy["pits"]:
        landscape = make_sandpit(pit["seed"], level="easy")
        assert Landscape.from_dict(pit) == landscape
        assert pit["deepest"]["x"] == list(landscape.deepest.x)
        assert pit["deepest"]["depth"] == landscape.deepest.depth
        assert len(pit["minima"]) == len(landscape.minima) == 1


def test_the_samples_are_the_landscapes_exact_values(hard):
    pit = hard["pits"][0]
    landscape = Landscape.from_dict(pit)
    assert len(pit["samples"]) == 4
    assert pit["samples"][0]["x"] == pit["deepest"]["x"]   # the answer is checked too
    for sample in pit["samples"]:
        x = np.array(sample["x"])
        assert max(abs(x)) <= pit["half_width"]
        assert sample["height"] == landscape.height(x)
        assert sample["gradient"] == landscape.gradient(x).tolist()
        assert sample["hessian"] == landscape.hessian(x).tolist()
    # at the deepest point the slope is zero and the Hessian positive definite
    assert np.linalg.norm(pit["samples"][0]["gradient"]) < 1e-9
    assert np.all(np.linalg.eigvalsh(pit["samples"][0]["hessian"]) > 0)


def test_the_html_carries_the_data_intact_and_names_its_parts(easy):
    page = game_html(easy, name="sandpit-easy")
    found = re.search(r'<script type="application/json" class="sandpit-data">(.*?)</script>',
                      page, re.S)
    assert json.loads(found.group(1)) == easy
    assert page.count("<script") == 1 and page.count("</script>") == 1
    assert 'id="sandpit-easy-canvas"' in page and 'tabindex="0"' in page
    assert 'aria-label="The sandpit, seen from above"' in page
    assert 'aria-describedby="sandpit-easy-help"' in page and 'id="sandpit-easy-help"' in page
    assert page.count('name="sandpit-easy-mode"') == 3 and 'role="status"' in page
    assert "less than\n  <strong>0.2</strong> units" in page            # the goal is stated
    assert "6 by 6 units" in page and "2 pits" in page
    assert '<option value="0.3" selected>0.3</option>' in page
    for action in ("reveal", "new-pit", "gradient-step", "newton-step"):
        assert f'data-action="{action}"' in page


def test_a_closing_script_tag_in_the_data_cannot_end_the_script_early(easy):
    sneaky = json.loads(json.dumps(easy))
    sneaky["pits"][0]["formula"] = "</script><script>alert(1)</script>"
    page = game_html(sneaky)
    assert page.count("</script>") == 1
    payload = re.search(r'class="sandpit-data">(.*?)</script>', page, re.S).group(1)
    assert json.loads(payload)["pits"][0]["formula"] == sneaky["pits"][0]["formula"]


def test_auto_steps_by_hand():
    # on the bowl h = (x - c)^T A (x - c) / 2 the gradient at 0 is -A c
    A, c = BOWL.matrix, np.array(BOWL.bowl_centre)
    np.testing.assert_allclose(auto_step(BOWL, [0.0, 0.0], lr=0.1), 0.1 * A @ c, rtol=1e-14)
    np.testing.assert_allclose(auto_step(BOWL, [0.0, 0.0], method="newton"), c, rtol=1e-13)
    # a step that would leave the pit stops at its wall
    assert auto_step(BOWL, [2.9, 0.0], lr=10.0)[0] == -3.0


def test_a_newton_step_where_the_hessian_is_singular_is_refused():
    # one dimple on a flat-ish bowl: its Hessian changes sign across a circle, so it is
    # singular somewhere on the x-axis between the dimple's middle and its rim
    pit = Landscape(curvatures=(1e-3, 1e-3), dimples=[Dimple((0.0, 0.0), 1.0, 1.0)])
    from scipy.optimize import brentq

    def smaller_eigenvalue(r):
        return np.linalg.eigvalsh(pit.hessian([r, 0.0]))[0]

    r = brentq(smaller_eigenvalue, 0.5, 1.5, xtol=1e-15)
    assert auto_step(pit, [r, 0.0], method="newton") is None
    assert auto_step(pit, [0.5, 0.0], method="newton") is not None


# --- agreement with references ------------------------------------------------------------------

def test_the_samples_agree_with_sympys_derivatives(hard):
    pit = hard["pits"][0]
    x, y = sp.symbols("x y")
    h = Landscape.from_dict(pit).expression(x, y)
    height = symbolic.to_numpy(h, (x, y))
    grad = symbolic.to_numpy(symbolic.gradient(h, (x, y)), (x, y))
    hess = symbolic.to_numpy(symbolic.hessian(h, (x, y)), (x, y))
    for sample in pit["samples"]:
        p = np.array(sample["x"])
        np.testing.assert_allclose(sample["height"], height(p), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(sample["gradient"], np.ravel(grad(p)), rtol=1e-11,
                                   atol=1e-11)
        np.testing.assert_allclose(sample["hessian"], np.reshape(hess(p), (2, 2)), rtol=1e-10,
                                   atol=1e-10)


def test_auto_steps_are_one_step_of_the_packages_solvers():
    x0 = np.array([-1.0, 0.5])
    gd = mml.gradient_descent(DENTED.gradient, x0, lr=0.2, max_iter=1)
    np.testing.assert_allclose(auto_step(DENTED, x0, lr=0.2), gd.history[1], rtol=1e-14)
    x0 = np.array([0.5, -0.5])   # a Newton step from here stays well inside the pit
    newton = mml.newton_minimize(DENTED.gradient, x0, hess=DENTED.hessian, max_iter=1)
    assert np.all(np.abs(newton.history[1]) < 1)
    np.testing.assert_allclose(auto_step(DENTED, x0, method="newton"), newton.history[1],
                               rtol=1e-12)


# --- properties ---------------------------------------------------------------------------------

points = st.tuples(st.floats(-3, 3), st.floats(-3, 3)).map(np.array)


@settings(max_examples=40, deadline=None)
@given(points, st.sampled_from(["gradient", "newton"]), st.floats(0.01, 5.0))
def test_an_automatic_step_never_leaves_the_pit(x, method, lr):
    step = auto_step(DENTED, x, method=method, lr=lr)
    assert step is None or np.all(np.abs(step) <= DENTED.half_width)


@settings(max_examples=40, deadline=None)
@given(points)
def test_a_short_gradient_step_never_climbs(x):
    # with lr below 1 / (largest curvature) a gradient step lowers h (or leaves it, where flat)
    lr = 0.5 / np.max(np.abs(np.linalg.eigvalsh(DENTED.hessian(DENTED._grid(41)))))
    assert DENTED.height(auto_step(DENTED, x, lr=lr)) <= DENTED.height(x) + 1e-15


@settings(max_examples=30, deadline=None)
@given(points)
def test_a_newton_step_lands_on_the_bottom_of_a_plain_bowl_from_anywhere(x):
    np.testing.assert_allclose(auto_step(BOWL, x, method="newton"), BOWL.bowl_centre,
                               atol=1e-12)


# --- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("kwargs", "error", "match"), [
    (dict(seeds=[]), ValueError, "at least one seed"),
    (dict(seeds=[1, 1]), ValueError, "must not repeat"),
    (dict(seeds=[-1]), ValueError, "non-negative integers"),
    (dict(seeds=[1.5]), ValueError, "non-negative integers"),
    (dict(seeds="12"), TypeError, "iterable of integers"),
    (dict(seeds=[1], level="medium"), ValueError, "`level` must be one of"),
    (dict(seeds=[1], goal=0), ValueError, "`goal` must be positive"),
    (dict(seeds=[1], rates=()), ValueError, "at least one learning rate"),
    (dict(seeds=[1], rates=(0.1, -1.0)), ValueError, "`rates` must be positive"),
    (dict(seeds=[1], rate=0.5), ValueError, "`rate` must be one of `rates`"),
    (dict(seeds=[1], n_samples=0), ValueError, "`n_samples` must be an integer"),
])
def test_game_data_refuses_bad_input(kwargs, error, match):
    seeds = kwargs.pop("seeds")
    with pytest.raises(error, match=match):
        game_data(seeds, **kwargs)


def test_a_goal_that_reaches_another_pit_is_refused():
    with pytest.raises(ValueError, match="`goal` 5.0 reaches another minimum of pit 7"):
        game_data([7], level="hard", goal=5.0)


def test_game_html_refuses_bad_input(easy):
    with pytest.raises(TypeError, match="`data` must be the output of game_data"):
        game_html({"pits": []})
    with pytest.raises(TypeError, match="`data` must be the output of game_data"):
        game_html("data")
    for name in ("Sandpit", "1pit", "pit one", "pit_1", ""):
        with pytest.raises(ValueError, match="`name` must be lower-case letters"):
            game_html(easy, name=name)


def test_auto_step_refuses_bad_input():
    with pytest.raises(TypeError, match="`landscape` must be a Landscape"):
        auto_step("pit", [0.0, 0.0])
    with pytest.raises(ValueError, match="`method` must be one of"):
        auto_step(BOWL, [0.0, 0.0], method="bfgs")
    with pytest.raises(ValueError, match="`lr` must be positive"):
        auto_step(BOWL, [0.0, 0.0], lr=0.0)
    with pytest.raises(ValueError, match="`x` must be a finite point"):
        auto_step(BOWL, [0.0, np.nan])
    with pytest.raises(ValueError, match="`x` must be a finite point"):
        auto_step(BOWL, [0.0, 0.0, 0.0])
