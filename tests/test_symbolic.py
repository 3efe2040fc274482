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
