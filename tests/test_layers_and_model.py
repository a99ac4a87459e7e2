"""Dense, ReLU and softmax loss, the model's layers, and training: every backward pass
against finite differences, every count against the counting functions."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import (
    conv_params,
    dense_params,
    locally_connected_params,
    numerical_gradient,
    rel_error,
)
from course_utils.nn.layers import dense, dense_backward, relu, relu_backward, softmax_cross_entropy
from course_utils.nn.model import (
    Conv2D,
    Dense,
    Flatten,
    LocallyConnected2D,
    MaxPool2D,
    ReLU,
    Sequential,
)
from course_utils.nn.training import Adam, accuracy, train


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.integers(1, 6), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_dense_backward_matches_finite_differences(n, n_in, n_out, seed):
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal((n, n_in)), rng.standard_normal((n_in, n_out))
    b = rng.standard_normal(n_out)
    dout = rng.standard_normal((n, n_out))
    dx, dw, db = dense_backward(dout, x, w)
    # linear in each argument: a large step adds no truncation error
    assert rel_error(dx, numerical_gradient(lambda v: dense(v, w, b), x, dout, 1e-2)) < 1e-8
    assert rel_error(dw, numerical_gradient(lambda v: dense(x, v, b), w, dout, 1e-2)) < 1e-8
    assert rel_error(db, numerical_gradient(lambda v: dense(x, w, v), b, dout, 1e-2)) < 1e-8


def test_relu_passes_gradient_only_where_positive():
    x = np.array([[-1.0, 0.0, 2.0]])
    assert relu(x).tolist() == [[0.0, 0.0, 2.0]]
    assert relu_backward(np.array([[5.0, 5.0, 5.0]]), x).tolist() == [[0.0, 0.0, 5.0]]


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.integers(2, 5), st.integers(0, 2**32 - 1))
def test_softmax_loss_gradient_matches_finite_differences(n, classes, seed):
    rng = np.random.default_rng(seed)
    scores = rng.standard_normal((n, classes)) * 3
    labels = rng.integers(0, classes, n)
    _, dscores = softmax_cross_entropy(scores, labels)
    numeric = numerical_gradient(
        lambda s: np.array(softmax_cross_entropy(s, labels)[0]), scores, np.array(1.0), 1e-5)
    # Entries near 0 (a class with a tiny probability) carry most of the rounding error;
    # a wrong gradient gives a relative error near 1.
    assert rel_error(dscores, numeric) < 1e-4


def test_softmax_loss_of_equal_scores_is_log_of_the_classes():
    loss, _ = softmax_cross_entropy(np.zeros((4, 10)), np.arange(4))
    assert loss == pytest.approx(np.log(10))


def test_softmax_loss_does_not_overflow():
    loss, dscores = softmax_cross_entropy(np.array([[1000.0, 0.0]]), np.array([0]))
    assert loss == pytest.approx(0.0) and np.isfinite(dscores).all()


def small_model(rng, locally_connected=False):
    first = (LocallyConnected2D(2, 3, 3, 6, rng=rng, padding=1) if locally_connected
             else Conv2D(2, 3, 3, rng=rng, padding=1))
    return Sequential([first, ReLU(), MaxPool2D(2), Flatten(), Dense(3 * 3 * 3, 4, rng=rng)])


@pytest.mark.parametrize("locally_connected", [False, True])
def test_model_backward_matches_finite_differences_for_every_parameter(locally_connected):
    rng = np.random.default_rng(5)
    model = small_model(rng, locally_connected)
    x = rng.standard_normal((3, 2, 6, 6))
    labels = np.array([0, 3, 1])

    def loss_of_model():
        return softmax_cross_entropy(model.forward(x), labels)[0]

    _, dscores = softmax_cross_entropy(model.forward(x), labels)
    dx = model.backward(dscores)
    for layer, name in model.parameters():
        numeric = numerical_gradient(lambda p: np.array(loss_of_model()),
                                     layer.params[name], np.array(1.0), 1e-6)
        assert rel_error(layer.grads[name], numeric) < 1e-4, (layer, name)
    numeric_dx = numerical_gradient(
        lambda v: np.array(softmax_cross_entropy(model.forward(v), labels)[0]), x,
        np.array(1.0), 1e-6)
    # ReLU and max pooling have kinks; CS231n's rule: below 1e-4 is right, near 1 is a bug
    assert rel_error(dx, numeric_dx) < 1e-4


def test_parameter_counts_equal_the_counting_functions():
    rng = np.random.default_rng(0)
    conv = Conv2D(3, 8, 5, rng=rng)
    local = LocallyConnected2D(3, 8, 5, 25, rng=rng)
    full = Dense(625, 10, rng=rng)
    assert conv.parameter_count() == conv_params(3, 8, 5)
    assert local.parameter_count() == locally_connected_params(3, 8, 5, 21)
    assert full.parameter_count() == dense_params(625, 10)
    model = Sequential([conv, ReLU(), Flatten()])
    assert model.parameter_count() == conv_params(3, 8, 5)
    assert "Conv2D(608 parameters)" in repr(model)


def test_initial_weights_depend_only_on_the_seed():
    a = small_model(np.random.default_rng(3))
    b = small_model(np.random.default_rng(3))
    assert all(np.array_equal(la.params[k], lb.params[k])
               for la, lb in zip(a.layers, b.layers) for k in la.params)


def test_adam_first_step_moves_each_weight_by_the_learning_rate():
    rng = np.random.default_rng(0)
    model = Sequential([Dense(3, 2, rng=rng)])
    before = model.layers[0].params["w"].copy()
    model.layers[0].grads = {"w": np.array([[1.0, -2.0], [0.5, 3.0], [-1.0, 1.0]]),
                             "b": np.array([1.0, -1.0])}
    Adam(model, learning_rate=0.1).step()
    # after one step m_hat = g and v_hat = g^2, so the update is lr * g / |g|
    moved = before - model.layers[0].params["w"]
    assert np.allclose(moved, 0.1 * np.sign(model.layers[0].grads["w"]))


def separable_data(rng, n=60):
    x = rng.standard_normal((n, 1, 4, 4))
    labels = (x[:, 0, :2].sum(axis=(1, 2)) > x[:, 0, 2:].sum(axis=(1, 2))).astype(int)
    return x, labels


def test_training_learns_and_repeats_exactly_with_the_same_seed():
    def run():
        rng = np.random.default_rng(1)
        x, labels = separable_data(rng)
        model = Sequential([Flatten(), Dense(16, 2, rng=rng)])
        history = train(model, x, labels, epochs=30, batch_size=8, learning_rate=0.05,
                        seed=2, progress=False)
        return model, history, x, labels

    model, history, x, labels = run()
    assert history.loss[-1] < history.loss[0] / 2
    assert accuracy(model, x, labels) >= 0.95 and history.train_accuracy[-1] >= 0.95
    again = run()[1]
    assert again.loss == history.loss and again.train_accuracy == history.train_accuracy


def test_a_different_shuffling_seed_gives_a_different_run():
    rng = np.random.default_rng(1)
    x, labels = separable_data(rng)
    losses = []
    for seed in (0, 1):
        model = Sequential([Flatten(), Dense(16, 2, rng=np.random.default_rng(0))])
        losses.append(train(model, x, labels, epochs=3, batch_size=8, seed=seed,
                            progress=False).loss)
    assert losses[0] != losses[1]


@pytest.mark.parametrize(
    "call, error, fragment",
    [
        (lambda: dense(np.ones((2, 3)), np.ones((4, 2))), ValueError, "x has 3 features"),
        (lambda: dense(np.ones((2, 3, 3)), np.ones((9, 2))), ValueError, "x must have 2 axes"),
        (lambda: softmax_cross_entropy(np.ones((2, 3)), np.array([0, 3])), ValueError,
         "labels must be between 0 and 2"),
        (lambda: softmax_cross_entropy(np.ones((2, 3)), np.array([0.0, 1.0])), TypeError,
         "labels must be integer class numbers"),
        (lambda: Sequential([]), ValueError, "layers must hold at least one layer"),
        (lambda: Adam(Sequential([ReLU()]), learning_rate=0), ValueError, "learning_rate"),
        (lambda: train(Sequential([ReLU()]), np.ones((3, 2)), np.zeros(2, int), epochs=1,
                       batch_size=1), ValueError,
         "labels must hold one class per example of x (3)"),
        (lambda: Conv2D(0, 3, 3, rng=np.random.default_rng()), ValueError, "in_channels"),
    ],
)
def test_errors_name_the_argument(call, error, fragment):
    with pytest.raises(error) as caught:
        call()
    assert fragment in str(caught.value), str(caught.value)
