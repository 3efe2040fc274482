"""Tests of mmlcalc.symbolic."""

import numpy as np
import pytest
import sympy as sp

import mmlcalc as mml
from mmlcalc.symbolic import to_numpy

x, y = sp.symbols("x y")


def test_to_numpy_one_variable_vectorised_and_constant():
    f = to_numpy(sp.sin(x) * x, x)
    grid = np.linspace(0, 3, 7)
    np.testing.assert_allclose(f(grid), np.sin(grid) * grid, rtol=1e-15)
    np.testing.assert_array_equal(to_numpy(sp.Integer(3), x)(grid), np.full(7, 3.0))


def test_to_numpy_last_axis_holds_coordinates():
    f = to_numpy(x**2 * y, (x, y))
    np.testing.assert_allclose(f(np.array([[1.0, 2.0], [3.0, 1.0]])), [2.0, 9.0])
    F = to_numpy(sp.Matrix([x * y, 1]), (x, y))
    assert F(np.ones((4, 2))).shape == (4, 2)


def test_to_numpy_works_with_the_complex_step():
    f = to_numpy(sp.exp(x) + 5, x)
    assert mml.derivative(f, 1.0, method="complex") == pytest.approx(np.e, rel=1e-15)
    assert mml.derivative(to_numpy(sp.Integer(2), x), 1.0, method="complex") == 0.0


def test_to_numpy_bad_input():
    with pytest.raises(TypeError, match="`expr` must be a sympy expression"):
        to_numpy("x**2", x)
    with pytest.raises(TypeError, match="`variables` must be sympy symbols"):
        to_numpy(x**2, ["x"])
    with pytest.raises(ValueError, match="free symbols not in `variables`: y"):
        to_numpy(x * y, x)


# --- chapter 1: rules of differentiation and drills --------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from mmlcalc.symbolic import (  # noqa: E402
    RULES,
    _skeleton,
    diff_by_rules,
    drills,
    is_derivative,
    random_expression,
    rules_used,
)


def test_diff_by_rules_known_values():
    assert diff_by_rules((2 * x + 1) ** 4, x) == 8 * (2 * x + 1) ** 3
    assert diff_by_rules(1 / x, x) == -1 / x**2
    assert diff_by_rules(sp.sin(x), x) == sp.cos(x)
    assert diff_by_rules(sp.cos(x), x) == -sp.sin(x)
    assert diff_by_rules(sp.exp(x), x) == sp.exp(x)
    assert diff_by_rules(sp.log(x), x) == 1 / x
    assert diff_by_rules(sp.Integer(7), x) == 0
    assert diff_by_rules(x**2 * y, x) == 2 * x * y  # y is a constant here


def test_diff_by_rules_derives_the_quotient_rule():
    u, v = sp.Function("u")(x), sp.Function("v")(x)
    # u / v = u * v^-1: product rule plus power and chain rules, without a quotient rule
    by_rules = diff_by_rules(sp.sin(x) / (2 + sp.cos(x)), x)
    quotient_rule = (sp.cos(x) * (2 + sp.cos(x)) + sp.sin(x) ** 2) / (2 + sp.cos(x)) ** 2
    assert sp.simplify(by_rules - quotient_rule) == 0
    assert sp.simplify(sp.diff(u / v, x) - (u.diff(x) * v - u * v.diff(x)) / v**2) == 0


def test_diff_by_rules_agrees_with_sympy_on_random_expressions():
    rng = np.random.default_rng(11)
    for _ in range(40):
        f = random_expression(rng, depth=3)
        assert is_derivative(diff_by_rules(f, x), f, x), f


def test_diff_by_rules_agrees_with_the_complex_step_at_random_points():
    rng = np.random.default_rng(12)
    for _ in range(25):
        f = random_expression(rng, depth=2)
        points = rng.uniform(-1.0, 1.0, size=10)
        exact = to_numpy(diff_by_rules(f, x), x)(points)
        numeric = mml.derivative(to_numpy(f, x), points, method="complex")
        np.testing.assert_allclose(numeric, exact, rtol=1e-12, atol=1e-12, err_msg=str(f))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), depth=st.integers(0, 2))
def test_random_expressions_are_seeded_smooth_and_depend_on_x(seed, depth):
    f = random_expression(np.random.default_rng(seed), depth=depth)
    assert f == random_expression(np.random.default_rng(seed), depth=depth)
    assert f.has(x)
    values = to_numpy(f, x)(np.linspace(-1.0, 1.0, 9))
    assert np.all(np.isfinite(values))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_is_derivative_accepts_the_right_answer_and_rejects_a_wrong_one(seed):
    f = random_expression(np.random.default_rng(seed), depth=1)
    right = diff_by_rules(f, x)
    assert is_derivative(right, f, x)
    assert is_derivative(sp.factor(right), f)  # any form of it
    assert not is_derivative(right + 1, f, x)
    assert not is_derivative(2 * right, f, x)


def test_is_derivative_reads_strings_and_catches_the_classic_chain_rule_slip():
    assert is_derivative("8*(2*x + 1)**3", "(2*x + 1)**4")
    assert not is_derivative("4*(2*x + 1)**3", "(2*x + 1)**4")
    assert is_derivative("cos(x)**2 - sin(x)**2", sp.sin(x) * sp.cos(x), x)  # needs simplify
    assert is_derivative("2*x*y", "x**2*y", x)


def test_rules_used_reads_the_rules_off_the_tree():
    assert rules_used(x**2 * sp.sin(3 * x), x) == ("power", "special", "product", "chain")
    assert rules_used(x**3 + sp.exp(x), x) == ("sum", "power", "special")
    assert rules_used(sp.sin(x) / (1 + x**2), x) == ("power", "special", "product", "quotient",
                                                      "chain")
    assert rules_used(5 * x, x) == ()
    assert set(rules_used(sp.cos(sp.exp(x**2)), x)) <= set(RULES)


def test_drills_are_seeded_and_their_answers_are_right():
    first, again = drills(8, rng=5), drills(8, rng=5)
    assert [d.f for d in first] == [d.f for d in again]
    assert [d.f for d in first] != [d.f for d in drills(8, rng=6)]
    for drill in first:
        assert is_derivative(drill.answer, drill.f, drill.x)
        assert drill.rules == rules_used(drill.f, drill.x)
    only_chain = drills(8, rng=0, depth=1, rules=["chain"])
    assert all(set(d.rules) <= {"power", "special", "chain"} for d in only_chain)


def _numbers_blanked(expr):
    """`expr`'s tree with every number replaced by one placeholder (an independent check)."""
    import re
    return re.sub(r"(Integer|Rational|Float)\([^)]*\)", "N", sp.srepr(expr))


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("depth,rules", [(1, ["chain"]), (2, ["chain"]), (2, None),
                                         (1, ["product", "quotient"])])
def test_a_drill_set_has_no_near_duplicates_and_practises_its_rules(seed, depth, rules):
    kwargs = {} if rules is None else {"rules": rules}
    n = 8 if depth == 1 and rules == ["chain"] else 6
    drill_set = drills(n, rng=seed, depth=depth, **kwargs)
    assert len(drill_set) == n
    shapes = [_numbers_blanked(d.f) for d in drill_set]
    assert len(set(shapes)) == n, shapes              # not the same tree with other numbers
    skeletons = [_skeleton(d.f, d.x) for d in drill_set]
    assert len(set(skeletons)) == n                   # nor the same up to constants
    for drill in drill_set:
        assert set(drill.rules) & set(rules or ("sum", "product", "quotient", "chain"))
        if rules == ["chain"]:
            assert "chain" in drill.rules, drill.f    # a chain-only set needs the chain rule


def test_skeletons_ignore_constants_but_not_structure():
    same = [(sp.sin(2 * x + 1), 3 * sp.sin(x - 2) + 5), (x**2, x**4), ((3 * x + 1) ** 2, x**3),
            (x * sp.exp(x), sp.exp(2 * x) * (x + 1) / 7)]
    for f, g in same:
        assert _skeleton(f, x) == _skeleton(g, x), (f, g)
    different = [(sp.sin(x), sp.cos(x)), (sp.sin(x), sp.sin(x**2)), (x**2, 1 / x),
                 (x**2, sp.sqrt(x)), (x + sp.sin(x), x * sp.sin(x))]
    for f, g in different:
        assert _skeleton(f, x) != _skeleton(g, x), (f, g)


def test_drills_refuse_a_set_they_cannot_make_without_repeats():
    # depth 1, chain only: sin, cos and exp of a line or of a power, a line's power and
    # sqrt(1 + u^2) (of a line or a power: one shape) are eight exercises in all
    with pytest.raises(ValueError, match="`n` = 9 is more drills than depth 1"):
        drills(9, rng=0, depth=1, rules=["chain"])
    with pytest.raises(ValueError, match="`depth` must be between 1 and 4 for drills"):
        drills(2, depth=0)


def test_chapter_1_symbolic_bad_input():
    rng = np.random.default_rng(0)
    with pytest.raises(TypeError, match="`rng` must be a numpy Generator"):
        random_expression(0)
    with pytest.raises(ValueError, match="`depth` must be between 0 and 4, got 5"):
        random_expression(rng, depth=5)
    with pytest.raises(TypeError, match="`depth` must be an integer, got float"):
        random_expression(rng, depth=1.5)
    with pytest.raises(ValueError, match=r"`rules` must be a non-empty selection .* \('div',\)"):
        random_expression(rng, rules=["div"])
    with pytest.raises(TypeError, match="`x` must be a sympy Symbol, got str"):
        diff_by_rules(x**2, "x")
    with pytest.raises(ValueError, match="`expr` contains x\\*\\*x"):
        diff_by_rules(x**x, x)
    with pytest.raises(ValueError, match="`expr` contains tan\\(x\\)"):
        diff_by_rules(sp.tan(x), x)
    with pytest.raises(ValueError, match="`answer` is not a formula sympy can read"):
        is_derivative("2*x +", "x**2")
    with pytest.raises(ValueError, match="`x` must be given"):
        is_derivative("y", "x*y")
    with pytest.raises(TypeError, match="`f` must be a sympy expression or a string, got list"):
        is_derivative("1", [x])
    with pytest.raises(ValueError, match="`n` must be at least 1, got 0"):
        drills(0)
    with pytest.raises(TypeError, match="`rng` must be a numpy Generator, .* got str"):
        drills(2, rng="a")



# --- chapter 2: gradient, Jacobian and Hessian, exactly ----------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from mmlcalc import symbolic  # noqa: E402

z = sp.symbols("z")


def test_symbolic_gradient_is_a_row_of_partials():
    g = symbolic.gradient(x**2 * y + sp.sin(z), (x, y, z))
    assert g.shape == (1, 3)
    assert g == sp.Matrix([[2 * x * y, x**2, sp.cos(z)]])
    assert symbolic.gradient(x**3, x) == sp.Matrix([[3 * x**2]])


def test_symbolic_jacobian_rows_are_outputs_and_matches_sympy():
    f = [x * y, x + z, sp.exp(y)]
    J = symbolic.jacobian(f, (x, y, z))
    assert J.shape == (3, 3)
    assert J == sp.Matrix(f).jacobian([x, y, z])
    # row i is the gradient of f_i, whatever the shape of the input vector
    for i, fi in enumerate(f):
        assert J[i, :] == symbolic.gradient(fi, (x, y, z))
    assert symbolic.jacobian(sp.Matrix([[x * y, y]]), (x, y)) == \
        symbolic.jacobian(sp.Matrix([x * y, y]), (x, y))
    assert symbolic.jacobian(x * y, (x, y)).shape == (1, 2)


def test_symbolic_polar_jacobian_determinant_is_r():
    r, t = sp.symbols("r theta", positive=True)
    J = symbolic.jacobian([r * sp.cos(t), r * sp.sin(t)], (r, t))
    assert sp.simplify(J.det() - r) == 0


def test_symbolic_hessian_matches_sympy_and_known_values():
    f = x**3 * y + sp.exp(x * z) - y**2
    H = symbolic.hessian(f, (x, y, z))
    assert sp.simplify(H - sp.hessian(f, (x, y, z))) == sp.zeros(3, 3)
    assert symbolic.hessian(x**2 + y**2, (x, y)) == sp.Matrix([[2, 0], [0, 2]])
    assert symbolic.hessian(x**2 - y**2, (x, y)).det() == -4


def test_symbolic_and_numerical_agree_in_value_and_shape():
    f = sp.sin(x) * sp.exp(y) + x * y**2
    point = np.array([0.4, -0.7])
    subs = {x: point[0], y: point[1]}
    fn = to_numpy(f, (x, y))
    g_exact = np.array(symbolic.gradient(f, (x, y)).subs(subs), dtype=float)
    H_exact = np.array(symbolic.hessian(f, (x, y)).subs(subs), dtype=float)
    assert g_exact.shape == (1, 2) and mml.gradient(fn, point).shape == (2,)
    np.testing.assert_allclose(mml.gradient(fn, point), g_exact[0], rtol=1e-9)
    np.testing.assert_allclose(mml.hessian(fn, point), H_exact, rtol=1e-6, atol=1e-7)
    F = [x * y, sp.cos(x), y**3]
    Fn = to_numpy(sp.Matrix(F), (x, y))
    J_exact = np.array(symbolic.jacobian(F, (x, y)).subs(subs), dtype=float)
    assert mml.jacobian(Fn, point).shape == J_exact.shape == (3, 2)
    np.testing.assert_allclose(mml.jacobian(Fn, point), J_exact, rtol=1e-9, atol=1e-12)


coefficient = st.integers(min_value=-5, max_value=5)


@settings(max_examples=25, deadline=None)
@given(a=coefficient, b=coefficient, c=coefficient, k=st.integers(min_value=1, max_value=3))
def test_symbolic_hessian_is_symmetric_and_is_the_jacobian_of_the_gradient(a, b, c, k):
    f = a * x**k * y + b * sp.sin(x * y) + c * sp.exp(y - x) * z**2
    v = (x, y, z)
    H = symbolic.hessian(f, v)
    assert sp.simplify(H - H.T) == sp.zeros(3, 3)
    assert sp.simplify(H - symbolic.jacobian(symbolic.gradient(f, v), v)) == sp.zeros(3, 3)


def test_symbolic_bad_input():
    with pytest.raises(TypeError, match="`expr` must be a sympy expression, got str"):
        symbolic.gradient("x**2", (x,))
    with pytest.raises(TypeError, match="`variables` must be sympy symbols"):
        symbolic.hessian(x**2, ["x"])
    with pytest.raises(ValueError, match="`variables` must be distinct symbols"):
        symbolic.gradient(x * y, (x, x))
    with pytest.raises(ValueError, match=r"`expr` must be a single expression, .* \(2, 1\)"):
        symbolic.hessian(sp.Matrix([x, y]), (x, y))
    with pytest.raises(ValueError, match="`exprs` must hold at least one expression"):
        symbolic.jacobian([], (x, y))
    with pytest.raises(TypeError, match="`exprs` must be a sympy expression, got str"):
        symbolic.jacobian([x, "y"], (x, y))
