"""Dense, ReLU and softmax loss, the model's layers, and training: every backward pass
against finite differences, every count against the counting functions."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import (
    conv2d,
    conv_params,
    dense_params,
    grouped_conv2d,
    locally_connected_params,
    max_pool2d,
    numerical_gradient,
    rel_error,
)
from course_utils.nn.layers import dense, dense_backward, relu, relu_backward, softmax_cross_entropy
from course_utils.nn.model import (
    Conv2D,
    Dense,
    Flatten,
    GlobalAveragePool2D,
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


# ---- caches: what forward keeps for backward --------------------------------------------


def gradients_of(model, x, labels):
    """dx and a copy of every parameter's gradient, from one forward and backward."""
    _, dscores = softmax_cross_entropy(model.forward(x), labels)
    dx = model.backward(dscores)
    return dx, {(i, name): layer.grads[name].copy()
                for i, layer in enumerate(model.layers) for name in layer.grads}


@pytest.mark.parametrize("locally_connected", [False, True])
def test_predict_between_forward_and_backward_leaves_the_gradients_unchanged(locally_connected):
    rng = np.random.default_rng(7)
    model = small_model(rng, locally_connected)
    x, other = rng.standard_normal((3, 2, 6, 6)), rng.standard_normal((5, 2, 6, 6))
    labels = np.array([0, 3, 1])
    dx_alone, grads_alone = gradients_of(model, x, labels)

    _, dscores = softmax_cross_entropy(model.forward(x), labels)
    # inference on other images (another batch size) between the two passes
    model.predict(other, batch_size=2)
    model.infer(other)
    accuracy(model, other, np.zeros(5, int))
    dx = model.backward(dscores)
    assert np.array_equal(dx, dx_alone)
    assert all(np.array_equal(model.layers[i].grads[name], grad)
               for (i, name), grad in grads_alone.items())


def test_infer_and_predict_give_what_forward_gives():
    rng = np.random.default_rng(8)
    model = small_model(rng)
    x = rng.standard_normal((7, 2, 6, 6))
    scores = model.forward(x)
    assert np.array_equal(model.infer(x), scores)
    assert np.array_equal(model.predict(x, batch_size=3), scores.argmax(axis=1))


def layer_and_input(kind, rng):
    """A layer of each kind and an input it takes."""
    image = rng.standard_normal((2, 2, 6, 6))
    return {
        "Conv2D": (Conv2D(2, 4, 3, rng=rng, padding=1, groups=2), image),
        "LocallyConnected2D": (LocallyConnected2D(2, 3, 3, 6, rng=rng), image),
        "Dense": (Dense(5, 3, rng=rng), rng.standard_normal((2, 5))),
        "ReLU": (ReLU(), image),
        "MaxPool2D": (MaxPool2D(2), image),
        "GlobalAveragePool2D": (GlobalAveragePool2D(), image),
        "Flatten": (Flatten(), image),
    }[kind]


LAYER_KINDS = ["Conv2D", "LocallyConnected2D", "Dense", "ReLU", "MaxPool2D",
               "GlobalAveragePool2D", "Flatten"]


@pytest.mark.parametrize("kind", LAYER_KINDS)
def test_a_layers_infer_between_forward_and_backward_changes_nothing(kind):
    rng = np.random.default_rng(9)
    layer, x = layer_and_input(kind, rng)
    out = layer.forward(x)
    dout = rng.standard_normal(out.shape)
    expected_dx = layer.backward(dout)
    expected = {name: grad.copy() for name, grad in layer.grads.items()}

    layer.forward(x)
    # another input of another batch size: had it replaced the cache, backward would
    # refuse dout or give other gradients
    assert np.array_equal(layer.infer(x[:1] + 1.0), layer.forward(x[:1] + 1.0))
    layer.forward(x)
    layer.infer(x[:1] + 1.0)
    assert np.array_equal(layer.backward(dout), expected_dx)
    assert all(np.array_equal(layer.grads[name], grad) for name, grad in expected.items())


@pytest.mark.parametrize("kind", LAYER_KINDS)
def test_a_layers_backward_needs_a_forward_of_its_own(kind):
    rng = np.random.default_rng(10)
    layer, x = layer_and_input(kind, rng)
    with pytest.raises(ValueError, match=rf"{kind}.backward needs forward to run first"):
        layer.backward(np.ones(3))
    layer.infer(x)  # keeps nothing
    with pytest.raises(ValueError, match="needs forward to run first"):
        layer.backward(np.ones(3))
    out = layer.forward(x)
    dout = rng.standard_normal(out.shape)
    dx = layer.backward(dout)
    with pytest.raises(ValueError, match=rf"{kind}.backward already ran after the last forward"):
        layer.backward(dout)
    layer.forward(x)
    assert np.array_equal(layer.backward(dout), dx)  # forward again, and it works again


def test_the_models_backward_needs_a_forward_of_its_own():
    rng = np.random.default_rng(11)
    model = small_model(rng)
    x, labels = rng.standard_normal((3, 2, 6, 6)), np.array([0, 3, 1])
    with pytest.raises(ValueError, match=r"needs forward to run first: call model.forward\(x\)"):
        model.backward(np.ones((3, 4)))
    model.predict(x)  # inference keeps nothing for backward
    with pytest.raises(ValueError, match="needs forward to run first"):
        model.backward(np.ones((3, 4)))
    dx, grads = gradients_of(model, x, labels)
    with pytest.raises(ValueError, match=r"already ran .* call model.forward\(x\) again"):
        model.backward(np.ones((3, 4)))
    # the documented fix: forward again gives the same gradients again
    dx_again, grads_again = gradients_of(model, x, labels)
    assert np.array_equal(dx, dx_again)
    assert all(np.array_equal(grads[key], grads_again[key]) for key in grads)


def test_a_wrong_dout_can_be_mended_without_a_new_forward():
    rng = np.random.default_rng(12)
    model = small_model(rng)
    x, labels = rng.standard_normal((3, 2, 6, 6)), np.array([0, 3, 1])
    dx, _ = gradients_of(model, x, labels)
    _, dscores = softmax_cross_entropy(model.forward(x), labels)
    wrong = r"dout must have the last forward's output shape \(3, 4\)"
    with pytest.raises(ValueError, match=wrong):
        model.backward(dscores[:2])
    assert np.array_equal(model.backward(dscores), dx)


def test_a_failed_forward_leaves_nothing_to_backward_through():
    rng = np.random.default_rng(13)
    model = small_model(rng)
    model.forward(rng.standard_normal((3, 2, 6, 6)))
    with pytest.raises(ValueError, match="x must have 2 channels"):
        model.forward(rng.standard_normal((3, 1, 6, 6)))
    # backward through the earlier batch would give gradients that no longer match anything
    with pytest.raises(ValueError, match="needs forward to run first"):
        model.backward(np.ones((3, 4)))


def test_a_layer_shared_by_two_models_keeps_each_models_input():
    rng = np.random.default_rng(14)
    shared = Dense(4, 2, rng=rng)
    one, two = Sequential([Flatten(), shared]), Sequential([ReLU(), Flatten(), shared])
    x, y = rng.standard_normal((3, 1, 2, 2)), rng.standard_normal((5, 1, 2, 2))
    dout = rng.standard_normal((3, 2))
    one.forward(x)
    two.forward(y)  # the shared layer's input here must not replace model one's
    one.backward(dout)
    assert np.allclose(shared.grads["w"], x.reshape(3, 4).T @ dout)


def test_one_layer_object_twice_in_a_model_is_refused():
    rng = np.random.default_rng(15)
    dense = Dense(4, 4, rng=rng)
    with pytest.raises(ValueError, match=r"layers\[2\] must be a layer of its own.*layers\[0\]"):
        Sequential([dense, ReLU(), dense])


def test_adam_refuses_to_step_between_forward_and_backward():
    rng = np.random.default_rng(16)
    model = small_model(rng)
    x, labels = rng.standard_normal((3, 2, 6, 6)), np.array([0, 3, 1])
    optimiser = Adam(model)
    gradients_of(model, x, labels)
    optimiser.step()
    before = model.layers[0].params["w"].copy()
    model.forward(x)
    # the gradients are the earlier batch's: stepping on them now would be a silent mistake
    with pytest.raises(ValueError, match="step needs the gradients of the last forward pass"):
        optimiser.step()
    assert np.array_equal(model.layers[0].params["w"], before)
    _, dscores = softmax_cross_entropy(model.forward(x), labels)
    model.backward(dscores)
    optimiser.step()
    assert not np.array_equal(model.layers[0].params["w"], before)


def test_training_gives_the_numbers_of_a_plain_forward_backward_step_loop():
    # train's loop written out: forward, backward, step per batch, accuracy per epoch
    def plain():
        rng = np.random.default_rng(1)
        x, labels = separable_data(rng)
        model = Sequential([Flatten(), Dense(16, 2, rng=rng)])
        optimiser, order_rng = Adam(model, 0.05), np.random.default_rng(2)
        losses, accuracies = [], []
        for _ in range(5):
            order, total = order_rng.permutation(len(x)), 0.0
            for first in range(0, len(x), 8):
                batch = order[first:first + 8]
                loss, dscores = softmax_cross_entropy(model.forward(x[batch]), labels[batch])
                model.backward(dscores)
                optimiser.step()
                total += loss * len(batch)
            losses.append(total / len(x))
            accuracies.append(float((model.forward(x).argmax(axis=1) == labels).mean()))
        return losses, accuracies

    rng = np.random.default_rng(1)
    x, labels = separable_data(rng)
    model = Sequential([Flatten(), Dense(16, 2, rng=rng)])
    history = train(model, x, labels, epochs=5, batch_size=8, learning_rate=0.05, seed=2,
                    progress=False)
    losses, accuracies = plain()
    assert history.loss == pytest.approx(losses, rel=1e-12)
    assert history.train_accuracy == accuracies


# ---- constructors check what the functions check -----------------------------------------

PADDINGS = st.one_of(
    st.integers(-1, 3),
    st.tuples(st.integers(-1, 3), st.integers(0, 3)),
    st.tuples(st.tuples(st.integers(0, 3), st.integers(-1, 3)),
              st.tuples(st.integers(0, 3), st.integers(0, 3))),
    st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(0, 2)),
    st.sampled_from(["same", "valid", "full", "SAME", None, 1.0, True, [1, 1], ((1,), (1, 1))]),
)
INT_OR_PAIR = st.one_of(st.integers(-1, 3), st.tuples(st.integers(0, 3), st.integers(1, 3)),
                        st.sampled_from([1.0, "1", None, (1, 1, 1), False]))


def error_of(call):
    """``(type, message)`` of what ``call()`` raises, or None."""
    try:
        call()
    except (TypeError, ValueError) as error:
        return type(error), str(error)
    return None


@settings(max_examples=300, deadline=None)
@given(PADDINGS, INT_OR_PAIR, INT_OR_PAIR, st.integers(1, 3))
def test_conv2d_layer_builds_exactly_when_conv2d_accepts_the_settings(padding, stride,
                                                                       dilation, kernel):
    # an input large enough for every kernel, so that only the settings can be wrong
    x, w = np.ones((1, 2, 16, 16)), np.ones((2, 2, kernel, kernel))
    functional = error_of(lambda: grouped_conv2d(x, w, groups=1, stride=stride, padding=padding,
                                                 dilation=dilation))
    built = error_of(lambda: Conv2D(2, 2, kernel, rng=np.random.default_rng(0), stride=stride,
                                    padding=padding, dilation=dilation))
    if functional is None:
        assert built is None, built
        layer = Conv2D(2, 2, kernel, rng=np.random.default_rng(0), bias=False, stride=stride,
                       padding=padding, dilation=dilation)
        layer.params["w"] = w
        assert np.array_equal(layer.forward(x), conv2d(x, w, stride=stride, padding=padding,
                                                       dilation=dilation))
    else:
        assert built is not None, f"Conv2D built, but conv2d says {functional}"
        assert built[0] is functional[0]
        # the same check: the message names the same argument
        assert built[1].split(" ")[0] == functional[1].split(" ")[0], (built, functional)


@settings(max_examples=100, deadline=None)
@given(INT_OR_PAIR)
def test_max_pool_layer_builds_exactly_when_max_pool2d_accepts_the_size(size):
    functional = error_of(lambda: max_pool2d(np.ones((1, 1, 8, 8)), size))
    built = error_of(lambda: MaxPool2D(size))
    assert (built is None) == (functional is None), (built, functional)
    if built:
        assert built == functional


@pytest.mark.parametrize(
    "call, error, fragment",
    [
        (lambda rng: Conv2D(1, 2, 3, rng=rng, stride=0), ValueError, "stride must be"),
        (lambda rng: Conv2D(1, 2, 3, rng=rng, stride=2, padding="same"), ValueError,
         "padding='same' needs stride=1"),
        (lambda rng: Conv2D(1, 2, 3, rng=rng, padding=((1, 0), (0, -1))), ValueError,
         "padding[1][1] (width, after) must be an integer >= 0"),
        (lambda rng: Conv2D(1, 2, 3, rng=rng, dilation=(1, 0)), ValueError, "dilation[1]"),
        (lambda rng: Conv2D(4, 6, 3, rng=rng, groups=4), ValueError,
         "out_channels must be divisible by groups"),
        (lambda rng: Conv2D(1, 2, 3, rng=rng, bias=1), TypeError, "bias must be True or False"),
        (lambda rng: Conv2D(1, 2, 3, rng=0), TypeError, "rng must be a numpy random generator"),
        (lambda rng: Dense(2, 2, rng=rng, bias="no"), TypeError, "bias must be True or False"),
        (lambda rng: LocallyConnected2D(1, 2, 3, 5, rng=rng, stride=(1, 0)), ValueError,
         "stride[1]"),
        (lambda rng: LocallyConnected2D(1, 2, 3, 5, rng=rng, bias=None), TypeError, "bias"),
        (lambda rng: LocallyConnected2D(1, 2, 3, 5, rng=7), TypeError, "rng"),
        (lambda rng: Adam(small_model(rng), eps=0.0), ValueError, "eps must be a positive"),
        (lambda rng: Adam(small_model(rng), beta2=float("nan")), ValueError, "beta2 must be"),
        (lambda rng: Adam(small_model(rng), beta1=-0.1), ValueError,
         "beta1 must be at least 0 and below 1"),
        (lambda rng: Adam(small_model(rng), learning_rate=float("inf")), ValueError,
         "learning_rate must be a finite number"),
        (lambda rng: Adam(small_model(rng), learning_rate="0.1"), TypeError, "learning_rate"),
    ],
)
def test_objects_refuse_wrong_settings_when_built(call, error, fragment):
    with pytest.raises(error) as caught:
        call(np.random.default_rng(0))
    assert fragment in str(caught.value), str(caught.value)


def test_adam_refuses_to_apply_the_same_gradients_twice():
    rng = np.random.default_rng(17)
    model = small_model(rng)
    x, labels = rng.standard_normal((3, 2, 6, 6)), np.array([0, 3, 1])
    optimiser = Adam(model)
    gradients_of(model, x, labels)
    optimiser.step()
    after_one_step = [layer.params[name].copy() for layer, name in model.parameters()]
    with pytest.raises(ValueError, match="run model.forward.*and model.backward.*again"):
        optimiser.step()
    # the refused step moved nothing, and counted nothing
    assert all(np.array_equal(layer.params[name], kept)
               for (layer, name), kept in zip(model.parameters(), after_one_step))
    assert optimiser.steps == 1
    gradients_of(model, x, labels)
    optimiser.step()
    assert optimiser.steps == 2
    assert not np.array_equal(model.layers[0].params["w"], after_one_step[0])


def test_backward_pending_and_backward_passes_are_public():
    rng = np.random.default_rng(18)
    model = small_model(rng)
    x, labels = rng.standard_normal((3, 2, 6, 6)), np.array([0, 3, 1])
    assert not model.backward_pending and model.backward_passes == 0
    scores = model.forward(x)
    assert model.backward_pending and model.backward_passes == 0
    model.backward(softmax_cross_entropy(scores, labels)[1])
    assert not model.backward_pending and model.backward_passes == 1


def test_a_models_layers_cannot_be_changed_in_place():
    rng = np.random.default_rng(19)
    model = small_model(rng)
    assert isinstance(model.layers, tuple)
    with pytest.raises(AttributeError):
        model.layers.append(model.layers[1])
    with pytest.raises(AttributeError):
        model.layers = [model.layers[0], model.layers[0]]


@pytest.mark.parametrize("padding, sides", [("same", ((1, 1), (1, 1))), ("valid", 0)])
def test_locally_connected_layer_takes_named_padding_as_the_function_does(padding, sides):
    from course_utils import locally_connected2d

    rng = np.random.default_rng(20)
    layer = LocallyConnected2D(2, 3, 3, (5, 4), rng=rng, padding=padding)
    x = rng.standard_normal((2, 2, 5, 4))
    out = layer.infer(x)
    assert out.shape == ((2, 3, 5, 4) if padding == "same" else (2, 3, 3, 2))
    w, b = layer.params["w"], layer.params["b"]
    assert np.array_equal(out, locally_connected2d(x, w, b, padding=padding))
    assert np.array_equal(out, locally_connected2d(x, w, b, padding=sides))


def test_gradient_dtype_and_shape_text_have_one_home_in_validation():
    from pathlib import Path

    import course_utils
    from course_utils.validation import gradient_dtype, shape_text

    assert gradient_dtype(np.ones(2, np.float32), np.ones(2, np.float32)) == np.float32
    assert gradient_dtype(np.ones(2, int), np.ones(2, np.int8)) == np.float64
    assert gradient_dtype(np.ones(2, np.float32), np.ones(2)) == np.float64
    assert shape_text((1, 3, 5, 5)) == "(1, 3, 5, 5)"
    package = Path(course_utils.__file__).parent
    homes = sorted(str(path.relative_to(package)) for path in package.rglob("*.py")
                   if "def gradient_dtype(" in path.read_text(encoding="utf-8")
                   or "def shape_text(" in path.read_text(encoding="utf-8"))
    assert homes == ["validation.py"]


# --------------------------------------------------------------------------
# input_gradient=False: the weights' gradients only, as training needs them
# --------------------------------------------------------------------------

@pytest.mark.parametrize("case", ["conv stride 1", "conv stride 2 padded", "conv reflect",
                                  "conv few taps", "conv 4 -> 2 channels", "grouped",
                                  "locally connected", "dense"])
def test_a_backward_without_dx_gives_the_same_weight_gradients(case):
    from course_utils import conv2d_backward, grouped_conv2d_backward, locally_connected2d_backward
    rng = np.random.default_rng(11)
    x = rng.standard_normal((3, 4, 7, 7))
    if case == "dense":
        x2, w = rng.standard_normal((3, 5)), rng.standard_normal((5, 2))
        dout = rng.standard_normal((3, 2))
        with_dx = dense_backward(dout, x2, w)
        without = dense_backward(dout, x2, w, input_gradient=False)
    elif case == "locally connected":
        w = rng.standard_normal((2, 5, 5, 4, 3, 3))
        dout = rng.standard_normal((3, 2, 5, 5))
        with_dx = locally_connected2d_backward(dout, x, w)
        without = locally_connected2d_backward(dout, x, w, input_gradient=False)
    elif case == "grouped":
        w = rng.standard_normal((6, 2, 3, 3))
        dout = rng.standard_normal((3, 6, 5, 5))
        with_dx = grouped_conv2d_backward(dout, x, w, groups=2)
        without = grouped_conv2d_backward(dout, x, w, groups=2, input_gradient=False)
    else:
        settings = {"conv stride 1": ({}, (2, 4, 3, 3)),
                    "conv stride 2 padded": ({"stride": 2, "padding": 1}, (2, 4, 3, 3)),
                    "conv reflect": ({"padding": 1, "padding_mode": "reflect"}, (2, 4, 3, 3)),
                    "conv few taps": ({}, (5, 1, 2, 2)),
                    "conv 4 -> 2 channels": ({}, (2, 4, 5, 5))}
        options, shape = settings[case]
        w = rng.standard_normal(shape)
        x = x[:, :shape[1]]
        out_shape = conv2d(x, w, **options).shape
        dout = rng.standard_normal(out_shape)
        with_dx = conv2d_backward(dout, x, w, **options)
        without = conv2d_backward(dout, x, w, **options, input_gradient=False)
    assert with_dx[0] is not None and with_dx[0].shape[0] == 3
    assert without[0] is None
    np.testing.assert_array_equal(without[1], with_dx[1])  # dw: the very same numbers
    np.testing.assert_array_equal(without[2], with_dx[2])  # db


@pytest.mark.parametrize("locally_connected", [False, True])
def test_a_models_backward_without_dx_fills_the_same_gradients_and_returns_none(
        locally_connected):
    x = np.random.default_rng(2).standard_normal((3, 2, 6, 6))
    labels = np.array([0, 3, 1])
    grads = []
    for input_gradient in (True, False):
        model = small_model(np.random.default_rng(5), locally_connected)
        _, dscores = softmax_cross_entropy(model.forward(x), labels)
        dx = model.backward(dscores, input_gradient=input_gradient)
        assert (dx is None) == (not input_gradient)
        grads.append({(type(layer).__name__, name): layer.grads[name].copy()
                      for layer, name in model.parameters()})
        assert model.backward_passes == 1 and not model.backward_pending
    assert grads[0].keys() == grads[1].keys() and len(grads[0]) == 4
    for key in grads[0]:
        np.testing.assert_array_equal(grads[1][key], grads[0][key])


def test_a_backward_without_dx_stops_at_the_first_layer_with_weights():
    """The layers below it get no backward call; the model is used up all the same."""
    calls = []

    class Recording(Flatten):
        def _backward(self, dout, shape):
            calls.append("flatten")
            return super()._backward(dout, shape)

    rng = np.random.default_rng(0)
    model = Sequential([Recording(), Dense(8, 4, rng=rng), ReLU(), Dense(4, 2, rng=rng)])
    x = rng.standard_normal((5, 2, 2, 2))
    model.forward(x)
    assert model.backward(np.ones((5, 2)), input_gradient=False) is None
    assert calls == [] and all(name in layer.grads for layer, name in model.parameters())
    with pytest.raises(ValueError, match="already ran"):
        model.backward(np.ones((5, 2)), input_gradient=False)
    model.forward(x)
    assert model.backward(np.ones((5, 2))).shape == x.shape and calls == ["flatten"]
    # a model with no weights has nothing to compute, and still counts the pass
    plain = Sequential([Flatten()])
    plain.forward(x)
    assert plain.backward(np.ones((5, 8)), input_gradient=False) is None
    assert plain.backward_passes == 1
    plain.forward(x)
    with pytest.raises(TypeError, match="input_gradient must be True or False"):
        plain.backward(np.ones((5, 8)), input_gradient="no")


def test_relu_backward_gives_zero_where_x_is_not_positive_even_for_inf_and_nan():
    x = np.array([-1.0, 0.0, 2.0, -3.0, 4.0])
    dout = np.array([np.inf, np.nan, 5.0, -np.inf, np.nan])
    with np.errstate(all="raise"):  # and no warning on the way
        dx = relu_backward(dout, x)
    np.testing.assert_array_equal(dx, [0.0, 0.0, 5.0, 0.0, np.nan])
    assert relu_backward(np.array([1, 2]), np.array([1, -1])).dtype == np.float64
    assert relu_backward(np.ones(2, np.float32), np.ones(2, np.float32)).dtype == np.float32


def test_a_learners_own_layer_with_weights_still_trains_first_in_a_model():
    """A Layer subclass written to the documented (dout, cache) contract, without
    input_gradient: the model computes its dx and drops it."""
    from course_utils.nn.model import Layer

    class Scale(Layer):  # y = x * s, one weight per feature
        def __init__(self, features):
            super().__init__()
            self.params["s"] = np.ones(features)

        def _forward(self, x):
            return x * self.params["s"], x

        def _backward(self, dout, x):
            self.grads["s"] = (dout * x).sum(axis=0)
            return dout * self.params["s"]

    rng = np.random.default_rng(3)
    model = Sequential([Scale(4), Dense(4, 2, rng=rng)])
    x, labels = rng.standard_normal((6, 4)), np.array([0, 1, 0, 1, 1, 0])
    _, dscores = softmax_cross_entropy(model.forward(x), labels)
    assert model.backward(dscores, input_gradient=False) is None
    assert model.layers[0].grads["s"].shape == (4,)
    history = train(model, x, labels, epochs=2, batch_size=3, progress=False)
    assert len(history.loss) == 2
