"""Tests of mmlcalc.network: known values, reference libraries, properties, bad input."""

import dataclasses

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import approx_fprime
from scipy.special import expit

import mmlcalc as mml
from mmlcalc import ACTIVATIONS, Network


def _data(n_in, n_out, n_examples, seed):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n_examples, n_in)), rng.normal(size=(n_examples, n_out))


# --- known values -------------------------------------------------------------------------------

def test_sigmoid_known_values_and_no_overflow_warning():
    assert float(mml.sigmoid(0.0)) == 0.5
    z = np.array([-1000.0, -40.0, -1.0, 0.0, 1.0, 40.0, 1000.0])
    np.testing.assert_allclose(mml.sigmoid(z), expit(z), rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(mml.sigmoid(z) + mml.sigmoid(-z), 1.0, rtol=1e-15)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "identity", "relu"])
def test_activation_derivatives_match_the_complex_step_or_central_differences(name):
    act = ACTIVATIONS[name]
    z = np.linspace(-3.0, 3.0, 12)  # no point at 0, where ReLU has its kink
    method = "complex" if act.smooth else "central"
    np.testing.assert_allclose(act.prime(z), mml.derivative(act.f, z, method=method),
                               rtol=1e-9, atol=1e-12)


def test_single_neuron_gradient_by_hand():
    # z = w x + b, a = sigma(z), C = (a - y)^2: dC/dw = 2 (a - y) sigma'(z) x, dC/db = ... * 1
    w, b, x, y = 0.7, -0.3, 1.5, 0.2
    z = w * x + b
    a = mml.sigmoid(z)
    dC_dz = 2 * (a - y) * a * (1 - a)
    net = Network([[[w]]], [[b]], "sigmoid")
    grads = mml.backward(net, mml.forward(net, [x]), [y])
    np.testing.assert_allclose(grads.weights[0], [[dC_dz * x]], rtol=1e-14)
    np.testing.assert_allclose(grads.biases[0], [dC_dz], rtol=1e-14)


def test_forward_pass_is_the_layer_formula():
    net = mml.init_network([3, 4, 2], activations=["tanh", "sigmoid"], rng=5)
    x = np.array([0.2, -1.0, 0.5])
    W1, W2 = net.weights
    b1, b2 = net.biases
    passes = mml.forward(net, x)
    np.testing.assert_allclose(passes.z[0], W1 @ x + b1, rtol=1e-14)
    np.testing.assert_allclose(passes.a[1], np.tanh(W1 @ x + b1), rtol=1e-14)
    np.testing.assert_allclose(passes.output, expit(W2 @ passes.a[1] + b2), rtol=1e-14)
    assert passes.a[0] is not None and np.array_equal(passes.a[0], x)


def test_a_batch_is_its_rows_and_the_cost_is_their_mean():
    net = mml.init_network([2, 3, 1], activations=["tanh", "identity"], rng=2)
    x, y = _data(2, 1, 5, seed=0)
    together = mml.forward(net, x).output
    np.testing.assert_allclose(together, [net(row) for row in x], rtol=1e-14)
    costs = [mml.cost(net, row, target) for row, target in zip(x, y, strict=True)]
    assert mml.cost(net, x, y) == pytest.approx(np.mean(costs), rel=1e-14)


def test_init_network_is_seeded_and_shaped():
    a = mml.init_network([3, 5, 2], rng=11)
    b = mml.init_network([3, 5, 2], rng=11)
    c = mml.init_network([3, 5, 2], rng=12)
    assert [W.shape for W in a.weights] == [(5, 3), (2, 5)]
    assert [v.shape for v in a.biases] == [(5,), (2,)]
    assert a.n_parameters == 5 * 3 + 5 + 2 * 5 + 2
    np.testing.assert_array_equal(a.parameters(), b.parameters())
    assert not np.array_equal(a.parameters(), c.parameters())
    assert a.activations == ("sigmoid", "sigmoid")


def test_parameters_round_trip():
    net = mml.init_network([2, 3, 2, 1], rng=0)
    theta = net.parameters()
    assert theta.shape == (net.n_parameters,)
    again = net.with_parameters(theta)
    for W, W2 in zip(net.weights, again.weights, strict=True):
        np.testing.assert_array_equal(W, W2)
    np.testing.assert_array_equal(net.with_parameters(2 * theta).parameters(), 2 * theta)


def test_network_is_immutable():
    net = mml.init_network([1, 2, 1], rng=0)
    with pytest.raises(ValueError, match="read-only"):
        net.weights[0][0, 0] = 5.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        net.weights = ()


def test_training_fits_a_line_and_lowers_the_cost_tenfold_on_a_curve():
    rng = np.random.default_rng(0)
    x = np.sort(rng.uniform(-2, 2, 40))[:, None]
    y = np.sin(2 * x) + 0.05 * rng.normal(size=x.shape)
    net = mml.init_network([1, 8, 1], activations=["tanh", "identity"], rng=1)
    result = mml.train(net, x, y, lr=0.1, n_steps=1500)
    assert not result.diverged and result.cost_history.shape == (1501,)
    assert result.cost_history[0] / result.cost_history[-1] > 10
    assert result.cost_history[-1] == pytest.approx(mml.cost(result.network, x, y), rel=1e-12)
    # train is train_step repeated
    stepped = net
    for _ in range(3):
        stepped = mml.train_step(stepped, x, y, lr=0.1)
    np.testing.assert_allclose(stepped.parameters(),
                               mml.train(net, x, y, lr=0.1, n_steps=3).network.parameters(),
                               rtol=1e-13)


def test_too_large_a_learning_rate_is_reported_not_raised():
    x = np.linspace(-1, 1, 10)[:, None]
    net = mml.init_network([1, 1], activations="identity", rng=0)
    result = mml.train(net, x, 50 * x, lr=1e3, n_steps=500)
    assert result.diverged
    assert np.all(np.isfinite(result.cost_history)) and np.all(np.diff(result.cost_history) > 0)
    assert np.all(np.isfinite(result.network.parameters()))


# --- agreement with reference libraries ---------------------------------------------------------

def _sympy_cost(sizes, activations, x, y):
    """The cost of a network as a sympy expression in its parameters, and those symbols."""
    funcs = {"sigmoid": lambda z: 1 / (1 + sp.exp(-z)), "tanh": sp.tanh,
             "identity": lambda z: z}
    symbols, a = [], sp.Matrix(x)
    for layer, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), start=1):
        W = sp.Matrix([[sp.Symbol(f"w{layer}_{i}{j}") for j in range(n_in)]
                       for i in range(n_out)])
        b = sp.Matrix([sp.Symbol(f"b{layer}_{i}") for i in range(n_out)])
        symbols += list(W) + list(b)  # row by row, then the biases: the order of parameters()
        a = (W * a + b).applyfunc(funcs[activations[layer - 1]])
    return sum((a[i] - y[i]) ** 2 for i in range(len(y))), symbols


def test_backward_matches_sympy_on_a_tiny_network():
    sizes, activations = (2, 2, 1), ("sigmoid", "tanh")
    net = mml.init_network(sizes, activations=activations, rng=4)
    x, y = np.array([0.8, -0.4]), np.array([0.3])
    C, symbols = _sympy_cost(sizes, activations, x, y)
    values = dict(zip(symbols, net.parameters(), strict=True))
    exact = np.array([float(sp.diff(C, s).subs(values)) for s in symbols])
    assert float(C.subs(values)) == pytest.approx(mml.cost(net, x, y), rel=1e-13)
    grads = mml.backward(net, mml.forward(net, x), y)
    np.testing.assert_allclose(grads.flat(), exact, rtol=1e-12, atol=1e-15)


def test_sigmoid_derivative_identity_with_sympy():
    z = sp.symbols("z")
    s = 1 / (1 + sp.exp(-z))
    assert sp.simplify(sp.diff(s, z) - s * (1 - s)) == 0
    grid = np.linspace(-5, 5, 11)
    np.testing.assert_allclose(ACTIVATIONS["sigmoid"].prime(grid),
                               sp.lambdify(z, sp.diff(s, z))(grid), rtol=1e-13)


def test_backward_matches_scipy_approx_fprime():
    net = mml.init_network([3, 4, 2], activations=["sigmoid", "identity"], rng=8)
    x, y = _data(3, 2, 6, seed=1)
    reference = approx_fprime(net.parameters(),
                              lambda theta: mml.cost(net.with_parameters(theta), x, y),
                              1e-7)
    analytic = mml.backward(net, mml.forward(net, x), y).flat()
    np.testing.assert_allclose(analytic, reference, rtol=1e-4, atol=1e-6)


# --- properties ---------------------------------------------------------------------------------

architectures = st.lists(st.integers(min_value=1, max_value=4), min_size=2, max_size=4)
smooth = st.sampled_from(["sigmoid", "tanh", "identity"])


@settings(max_examples=30, deadline=None)
@given(sizes=architectures, data=st.data(), seed=st.integers(0, 2**16),
       n_examples=st.integers(1, 4))
def test_backward_equals_the_complex_step_and_central_differences(sizes, data, seed, n_examples):
    activations = data.draw(st.lists(smooth, min_size=len(sizes) - 1, max_size=len(sizes) - 1))
    net = mml.init_network(sizes, activations=activations, rng=seed)
    x, y = _data(sizes[0], sizes[-1], n_examples, seed)
    exact = mml.gradient_check(net, x, y, method="complex")
    # Backpropagation sums terms of the size of the largest gradient component, so its
    # round-off is relative to that size, not to each (possibly tiny) component.
    scale = np.max(np.abs(exact.numeric))
    np.testing.assert_allclose(exact.analytic, exact.numeric, rtol=1e-10, atol=1e-13 * scale)
    central = mml.gradient_check(net, x, y)
    np.testing.assert_allclose(central.analytic, central.numeric, rtol=1e-6, atol=1e-8)


@settings(max_examples=30, deadline=None)
@given(sizes=architectures, seed=st.integers(0, 2**16), n_examples=st.integers(1, 5))
def test_a_small_step_against_the_gradient_never_raises_the_cost(sizes, seed, n_examples):
    net = mml.init_network(sizes, activations="tanh", rng=seed)
    x, y = _data(sizes[0], sizes[-1], n_examples, seed + 1)
    before = mml.cost(net, x, y)
    after = mml.cost(mml.train_step(net, x, y, lr=1e-4), x, y)
    assert after <= before * (1 + 1e-14)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**16), n_examples=st.integers(2, 6))
def test_batch_gradient_is_the_mean_of_example_gradients(seed, n_examples):
    net = mml.init_network([2, 3, 2], activations=["tanh", "sigmoid"], rng=seed)
    x, y = _data(2, 2, n_examples, seed)
    batch = mml.backward(net, mml.forward(net, x), y).flat()
    each = [mml.backward(net, mml.forward(net, xk), yk).flat()
            for xk, yk in zip(x, y, strict=True)]
    np.testing.assert_allclose(batch, np.mean(each, axis=0), rtol=1e-12, atol=1e-15)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**16))
def test_relu_networks_agree_with_central_differences_away_from_kinks(seed):
    net = mml.init_network([2, 5, 1], activations=["relu", "identity"], rng=seed)
    x, y = _data(2, 1, 3, seed)
    z = mml.forward(net, x).z[0]
    assume(np.min(np.abs(z)) > 1e-3)  # a nudge of 6e-6 could cross a kink: not a fair test
    check = mml.gradient_check(net, x, y)
    np.testing.assert_allclose(check.analytic, check.numeric, rtol=1e-6, atol=1e-8)


# --- bad input ----------------------------------------------------------------------------------

def test_network_rejects_shapes_that_do_not_chain():
    with pytest.raises(ValueError, match=r"`weights\[1\]` must have 3 columns"):
        Network([np.ones((3, 2)), np.ones((1, 2))], [np.ones(3), np.ones(1)])
    with pytest.raises(ValueError, match=r"`biases\[0\]` must have 3 entries"):
        Network([np.ones((3, 2))], [np.ones(2)])
    with pytest.raises(ValueError, match="`biases` must have one array a layer"):
        Network([np.ones((3, 2))], [])
    with pytest.raises(ValueError, match=r"`weights\[0\]` must have 2 dimension"):
        Network([np.ones(3)], [np.ones(3)])
    with pytest.raises(ValueError, match=r"`weights\[0\]` must be finite"):
        Network([[[np.nan]]], [[0.0]])
    with pytest.raises(TypeError, match="`weights` must be a non-empty sequence"):
        Network([], [])


def test_network_rejects_bad_activations():
    with pytest.raises(ValueError, match="`activations` must be one of .* got 'softmax'"):
        Network([[[1.0]]], [[0.0]], "softmax")
    with pytest.raises(ValueError, match=r"`activations` must name one function a layer \(1\)"):
        Network([[[1.0]]], [[0.0]], ["tanh", "tanh"])


@pytest.mark.parametrize(("sizes", "error", "message"), [
    ([3], ValueError, "`sizes` must hold the input size and at least one layer"),
    ([2, 0], ValueError, "`sizes` must be at least 1, got 0"),
    ([2, 1.5], TypeError, "`sizes` must be an integer, got float"),
    ("23", TypeError, "`sizes` must be a sequence of integers"),
])
def test_init_network_rejects_bad_sizes(sizes, error, message):
    with pytest.raises(error, match=message):
        mml.init_network(sizes)


def test_init_network_rejects_a_bad_rng():
    with pytest.raises(TypeError, match="`rng` must be a numpy Generator, an integer seed or "
                                        "None, got float 1.5"):
        mml.init_network([1, 1], rng=1.5)
    with pytest.raises(ValueError, match="`rng` must be non-negative, got -1"):
        mml.init_network([1, 1], rng=-1)


def test_init_network_takes_a_generator_or_a_seed():
    by_seed = mml.init_network([2, 3, 1], rng=5)
    by_generator = mml.init_network([2, 3, 1], rng=np.random.default_rng(5))
    np.testing.assert_array_equal(by_seed.parameters(), by_generator.parameters())


def test_inputs_and_targets_must_fit_the_network():
    net = mml.init_network([2, 3, 1], rng=0)
    with pytest.raises(ValueError, match=r"`x` must have shape \(2,\) or \(N, 2\)"):
        mml.forward(net, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"`y` must have the shape of the network's output"):
        mml.cost(net, [[1.0, 2.0]], [1.0])
    with pytest.raises(TypeError, match="`net` must be a Network, got list"):
        mml.forward([1, 2], [1.0, 2.0])
    with pytest.raises(ValueError, match="`x` must be finite"):
        mml.forward(net, [np.inf, 0.0])


def test_backward_needs_the_forward_pass_of_the_same_network():
    net = mml.init_network([2, 3, 1], rng=0)
    other = mml.init_network([2, 3, 3, 1], rng=0)
    with pytest.raises(TypeError, match="`passes` must be the ForwardPass"):
        mml.backward(net, [1.0], [1.0])
    with pytest.raises(ValueError, match="`passes` must come from forward"):
        mml.backward(net, mml.forward(other, [1.0, 2.0]), [1.0])


def test_training_arguments_are_checked():
    net = mml.init_network([1, 1], rng=0)
    with pytest.raises(ValueError, match="`lr` must be positive and finite, got 0"):
        mml.train_step(net, [1.0], [1.0], lr=0)
    with pytest.raises(ValueError, match="`n_steps` must be at least 1, got 0"):
        mml.train(net, [1.0], [1.0], lr=0.1, n_steps=0)
    with pytest.raises(TypeError, match="`n_steps` must be an integer"):
        mml.train(net, [1.0], [1.0], lr=0.1, n_steps=10.0)


def test_gradient_check_arguments_are_checked():
    net = mml.init_network([1, 2, 1], activations=["relu", "identity"], rng=0)
    with pytest.raises(ValueError, match="`method`='complex' needs smooth activations"):
        mml.gradient_check(net, [1.0], [1.0], method="complex")
    with pytest.raises(ValueError, match="`method` must be one of"):
        mml.gradient_check(net, [1.0], [1.0], method="backward")
    with pytest.raises(ValueError, match="`h` must be positive"):
        mml.gradient_check(net, [1.0], [1.0], h=-1e-5)
    with pytest.raises(ValueError, match="`theta` must have 7 entries, got 3"):
        net.with_parameters([1.0, 2.0, 3.0])


def test_training_returns_an_iteration_result():
    x = np.linspace(-1, 1, 10)[:, None]
    net = mml.init_network([1, 2, 1], activations=["tanh", "identity"], rng=3)
    result = mml.train(net, x, 2 * x, lr=0.1, n_steps=20)
    assert isinstance(result, mml.IterationResult)
    assert result.reason == "max_iter" and not result.converged and not result.diverged
    assert result.history.shape == (21, net.n_parameters) and result.n_iter == 20
    np.testing.assert_array_equal(result.history[0], net.parameters())
    np.testing.assert_array_equal(result.x, result.network.parameters())
    np.testing.assert_allclose(result.cost_history,
                               [mml.cost(net.with_parameters(t), x, 2 * x) for t in result.history],
                               rtol=1e-12)


def test_gradient_check_takes_a_users_gradient():
    net = mml.init_network([2, 3, 1], activations=["tanh", "identity"], rng=0)
    x, y = [[0.5, -1.0], [1.0, 2.0]], [[1.0], [0.0]]
    right = mml.gradient_check(net, x, y)
    as_array = mml.gradient_check(net, x, y, grad=right.analytic)
    as_function = mml.gradient_check(net, x, y, grad=mml.backward)
    np.testing.assert_array_equal(as_array.rel_error, right.rel_error)
    np.testing.assert_array_equal(as_function.rel_error, right.rel_error)
    doubled = mml.gradient_check(net, x, y, grad=2 * right.analytic)
    np.testing.assert_allclose(doubled.rel_error[right.analytic != 0], 0.5, rtol=1e-6)
    # the numerical side is mml.gradient with one step per parameter
    np.testing.assert_array_equal(right.h, mml.coordinate_steps(net.parameters()))
    with pytest.raises(ValueError, match=r"`grad` must give one entry per parameter, shape "
                                         r"\(13,\), got shape \(3,\)"):
        mml.gradient_check(net, x, y, grad=[1.0, 2.0, 3.0])


# --- the relative error's floor (issue 17) ------------------------------------------------------

def _net_with_a_silent_neuron():
    """Hidden neuron 2 feeds the output with weight 0: its incoming weight and bias have a
    gradient of exactly 0, by backpropagation and by finite differences alike."""
    return Network([[[0.7], [-0.4]], [[1.3, 0.0]]], [[0.1, 0.2], [-0.3]],
                   activations=["tanh", "identity"])


def test_relative_error_has_the_documented_floor():
    net, x, y = _net_with_a_silent_neuron(), [[0.5], [-1.0]], [[1.0], [0.0]]
    check = mml.gradient_check(net, x, y)
    silent = check.numeric == 0
    assert silent.sum() == 2 and np.all(check.analytic[silent] == 0)
    scale = np.maximum(np.abs(check.analytic), np.abs(check.numeric))
    assert check.floor == np.sqrt(np.finfo(float).eps) * scale.max()
    np.testing.assert_array_equal(
        check.rel_error, np.abs(check.analytic - check.numeric) / np.maximum(scale, check.floor))
    # an explicit floor is used as given and validated
    assert mml.gradient_check(net, x, y, floor=0.5).floor == 0.5
    with pytest.raises(ValueError, match="`floor` must be positive"):
        mml.gradient_check(net, x, y, floor=0.0)


def test_round_off_in_a_zero_component_is_not_a_relative_error_of_one():
    # Fails on the old rule |g - g^| / max(|g|, |g^|): a round-off-sized analytic value where
    # the finite difference is exactly 0 gave r = 1 and failed a correct gradient.
    net, x, y = _net_with_a_silent_neuron(), [[0.5], [-1.0]], [[1.0], [0.0]]
    right = mml.gradient_check(net, x, y)
    silent = np.flatnonzero(right.numeric == 0)
    noisy = right.analytic.copy()
    noisy[silent] = [1e-300, 1e-19]
    check = mml.gradient_check(net, x, y, grad=noisy)
    assert check.max_rel_error < 1e-6
    assert check.rel_error[silent].max() < 1e-10
    # a real error in a zero component is still found: r = 1 when it dwarfs the floor
    wrong = right.analytic.copy()
    wrong[silent[0]] = 0.3
    assert mml.gradient_check(net, x, y, grad=wrong).rel_error[silent[0]] == 1.0


def test_all_zero_gradients_give_zero_relative_error_by_the_formula():
    net = Network([[[0.0]]], [[0.0]], activations="identity")        # output 0 = target 0
    check = mml.gradient_check(net, [[1.0]], [[0.0]])
    assert check.floor == np.finfo(float).tiny
    np.testing.assert_array_equal(check.rel_error, [0.0, 0.0])


def test_sigmoid_refuses_bad_input_but_the_network_still_runs_on_complex_and_overflow():
    with pytest.raises(ValueError, match="`z` must be finite"):
        mml.sigmoid([0.0, np.nan])
    with pytest.raises(ValueError, match="`z` must be finite"):
        mml.sigmoid(np.array([1j, np.inf]))
    with pytest.raises(TypeError, match="`z`"):
        mml.sigmoid("0.5")
    np.testing.assert_allclose(mml.sigmoid(0.5 + 1e-20j).imag, 1e-20 * 0.25 * (1 - np.tanh(0.25)
                               ** 2), rtol=1e-12)
    # inside the network the kernel takes what training produces, including infinities
    assert mml.ACTIVATIONS["sigmoid"](np.array([-np.inf, np.inf])).tolist() == [0.0, 1.0]
