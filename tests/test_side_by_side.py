"""Runs side by side: every run gives the weights it gives trained alone, in fewer calls."""

import numpy as np
import pytest

import course_utils as cu

RATES = [0.003, 0.01, 0.03]


def data(size=25, count=60):
    rng = np.random.default_rng(0)
    labels = np.array([0, 1] * (count // 2))
    x = rng.normal(scale=0.3, size=(count, 1, size, size))
    x[labels == 1, 0, size // 3, :] += 1.0  # a bright row where the faces' eyes would be
    return x, labels


def conv_positional(rng):
    return cu.Sequential([cu.Conv2D(1, 4, 3, stride=2, rng=rng), cu.ReLU(), cu.Flatten(),
                          cu.Dense(4 * 12 * 12, 2, rng=rng)])


def local_pooled(rng):
    return cu.Sequential([cu.LocallyConnected2D(1, 4, 3, 25, stride=2, rng=rng), cu.ReLU(),
                          cu.GlobalAveragePool2D(), cu.Dense(4, 2, rng=rng)])


def dense_only(rng):
    return cu.Sequential([cu.Flatten(), cu.Dense(625, 8, rng=rng), cu.ReLU(),
                          cu.Dense(8, 2, rng=rng)])


def padded_dilated_pooled(rng):
    # a first layer with padding, a max pool, a dilated second convolution: every layer's
    # input gradient is used below the top
    return cu.Sequential([cu.Conv2D(1, 3, 3, padding=1, rng=rng), cu.ReLU(), cu.MaxPool2D(2),
                          cu.Conv2D(3, 2, 3, dilation=2, rng=rng), cu.ReLU(), cu.Flatten(),
                          cu.Dense(2 * 8 * 8, 2, rng=rng)])


def local_second(rng):
    return cu.Sequential([cu.Conv2D(1, 2, 3, stride=2, rng=rng), cu.ReLU(),
                          cu.LocallyConnected2D(2, 3, 3, 12, padding=1, rng=rng), cu.ReLU(),
                          cu.Flatten(), cu.Dense(3 * 12 * 12, 2, rng=rng)])


ARCHITECTURES = [conv_positional, local_pooled, dense_only, padded_dilated_pooled, local_second]


def trained_alone(build, seed, x, labels, examples, rate, order_seed, epochs):
    model = build(np.random.default_rng(seed))
    cu.train(model, x[examples], labels[examples], epochs=epochs, batch_size=10,
             learning_rate=rate, seed=order_seed, progress=False)
    return model


def assert_same_weights(alone, side):
    for a, b in zip(alone.layers, side.layers):
        assert a.params.keys() == b.params.keys()
        for name in a.params:
            # the same arithmetic, in other calls: equal to the last few bits
            np.testing.assert_allclose(b.params[name], a.params[name], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("build", ARCHITECTURES, ids=lambda b: b.__name__)
def test_each_run_gives_the_weights_it_gives_trained_alone(build):
    x, labels = data()
    rng = np.random.default_rng(1)
    sets = [np.sort(rng.choice(len(x), 30, replace=False)) for _ in RATES]
    runs = cu.SideBySide([build(np.random.default_rng(r)) for r in range(len(RATES))])
    cu.train_side_by_side(runs, x, labels, sets, updates=9, batch_size=10,
                          learning_rates=RATES, seeds=[7, 8, 9])  # 3 passes of 3 batches
    for r, rate in enumerate(RATES):
        alone = trained_alone(build, r, x, labels, sets[r], rate, 7 + r, epochs=3)
        assert_same_weights(alone, runs.model(r))


@pytest.mark.parametrize("build", [conv_positional, local_pooled, dense_only],
                         ids=lambda b: b.__name__)
def test_runs_that_share_a_batch_still_train_as_alone(build):
    # 2 training sets x 3 learning rates: the 3 rates of a set read its batches together
    x, labels = data()
    rng = np.random.default_rng(2)
    sets = [np.sort(rng.choice(len(x), 20, replace=False)) for _ in range(2)]
    models = [build(np.random.default_rng(10 * s + k)) for s in range(2) for k in range(3)]
    runs = cu.SideBySide(models)
    cu.train_side_by_side(runs, x, labels, sets, updates=8, batch_size=10,
                          learning_rates=RATES * 2, seeds=[3, 4])
    for s in range(2):
        for k, rate in enumerate(RATES):
            alone = trained_alone(build, 10 * s + k, x, labels, sets[s], rate, 3 + s, epochs=4)
            assert_same_weights(alone, runs.model(3 * s + k))


def test_training_sets_of_several_sizes_train_side_by_side_as_alone():
    x, labels = data()
    rng = np.random.default_rng(3)
    sets = [np.sort(rng.choice(len(x), n, replace=False)) for n in (10, 20, 40)]
    runs = cu.SideBySide([conv_positional(np.random.default_rng(r)) for r in range(3)])
    cu.train_side_by_side(runs, x, labels, sets, updates=8, batch_size=10,
                          learning_rates=RATES, seeds=[1, 2, 3])
    for r, (examples, epochs) in enumerate(zip(sets, (8, 4, 2))):  # 8 updates each
        alone = trained_alone(conv_positional, r, x, labels, examples, RATES[r], 1 + r, epochs)
        assert_same_weights(alone, runs.model(r))


def test_the_layers_weights_are_views_of_one_row_per_run():
    runs = cu.SideBySide([local_pooled(np.random.default_rng(r)) for r in range(3)])
    assert runs.weights.shape == (3, local_pooled(np.random.default_rng(0)).parameter_count())
    for params, grads in zip(runs.params, runs.grads):
        for name in params:
            assert np.shares_memory(params[name], runs.weights)
            assert np.shares_memory(grads[name], runs.gradients)
    runs.weights[1] = 0.5  # one step of Adam changes the whole row at once
    assert (runs.params[0]["w"][1] == 0.5).all() and (runs.params[0]["w"][0] != 0.5).any()


def test_float32_runs_keep_float32_and_agree_with_float64_to_float32_precision():
    x, labels = data()
    sets = [np.arange(20), np.arange(20, 40)]
    results = {}
    for dtype in (np.float32, np.float64):
        runs = cu.SideBySide([local_pooled(np.random.default_rng(r)) for r in range(2)],
                             dtype=dtype)
        cu.train_side_by_side(runs, x, labels, sets, updates=4, batch_size=10,
                              learning_rates=[0.01, 0.01], seeds=[0, 1])
        assert runs.weights.dtype == dtype and runs.model(0).layers[0].params["w"].dtype == dtype
        results[dtype] = runs.weights
    np.testing.assert_allclose(results[np.float32], results[np.float64], rtol=1e-3, atol=1e-4)


def test_cut_ahead_columns_give_what_the_batch_gives():
    x, labels = data()
    runs = cu.SideBySide([conv_positional(np.random.default_rng(r)) for r in range(2)])
    columns = runs.first_layer_columns(x)
    index = np.array([[0, 5, 9], [3, 4, 30]])
    np.testing.assert_allclose(runs.infer(x[index], columns[index]), runs.infer(x[index]))
    dense = cu.SideBySide([dense_only(np.random.default_rng(0))])
    assert dense.first_layer_columns(x) is None  # its first layer reads no windows


def test_the_history_measures_each_run_as_its_model_measures():
    x, labels = data()
    sets = [np.arange(0, 30), np.arange(30, 60)]
    held_out = np.array([np.arange(30, 40), np.arange(0, 10)])
    runs = cu.SideBySide([conv_positional(np.random.default_rng(r)) for r in range(2)])
    history = cu.train_side_by_side(runs, x, labels, sets, updates=6, batch_size=10,
                                    learning_rates=[0.01, 0.03], seeds=[0, 1],
                                    checkpoints=[3, 6], measure_on={"held out": held_out})
    assert history.checkpoints == (3, 6) and len(history.params) == 2
    for r in range(2):
        for c in range(2):
            model = runs.model(r, history.params[c])
            expected = cu.accuracy(model, x[held_out[r]], labels[held_out[r]])
            assert history.accuracy["held out"][r, c] == pytest.approx(expected)
    assert history.params[0][0]["w"][0].tolist() != history.params[1][0]["w"][0].tolist()


def test_training_on_other_labels_is_measured_with_the_true_ones():
    x, labels = data()
    runs = cu.SideBySide([dense_only(np.random.default_rng(0))])
    flipped = 1 - labels
    history = cu.train_side_by_side(runs, x, flipped, [np.arange(40)], updates=30,
                                    batch_size=10, learning_rates=[0.03], seeds=[0],
                                    measure_on={"test": np.arange(40, 60)[None]},
                                    measure_labels=labels)
    assert history.accuracy["test"][0, -1] < 0.5  # it learned the flipped labels


@pytest.mark.parametrize("call, error, words", [
    (lambda: cu.SideBySide([conv_positional(np.random.default_rng(0)),
                            local_pooled(np.random.default_rng(0))]),
     ValueError, "other layers"),
    (lambda: cu.SideBySide([cu.Sequential([cu.Conv2D(2, 2, 3, groups=2,
                                                     rng=np.random.default_rng(0))])]),
     TypeError, "groups"),
    (lambda: cu.SideBySide([]), ValueError, "at least one"),
    (lambda: cu.SideBySide([dense_only]), TypeError, "models\\[0\\]"),
    (lambda: cu.SideBySide([dense_only(np.random.default_rng(0))], dtype=np.int64),
     TypeError, "dtype"),
])
def test_bad_models_are_refused_by_name(call, error, words):
    with pytest.raises(error, match=words):
        call()


@pytest.mark.parametrize("changes, error, words", [
    ({"train_sets": [np.arange(10)] * 2}, ValueError, "one index array per run"),
    ({"train_sets": [np.arange(10), np.arange(15), np.arange(20)]}, ValueError,
     "multiple of batch_size"),
    ({"train_sets": [np.arange(10), np.arange(10), np.array([0, 1, 500])]}, ValueError,
     "train_sets\\[2\\]"),
    ({"learning_rates": [0.01, 0.01]}, ValueError, "learning_rates"),
    ({"learning_rates": [0.01, -1, 0.01]}, ValueError, "learning_rates\\[1\\]"),
    ({"seeds": [0, 1]}, ValueError, "seeds"),
    ({"checkpoints": [5, 3]}, ValueError, "checkpoints"),
    ({"checkpoints": [50]}, ValueError, "checkpoints"),
    ({"measure_on": {"test": np.arange(5)}}, TypeError, "measure_on"),
])
def test_bad_training_arguments_are_refused_by_name(changes, error, words):
    x, labels = data()
    runs = cu.SideBySide([dense_only(np.random.default_rng(r)) for r in range(3)])
    arguments = {"train_sets": [np.arange(10)] * 3, "updates": 10, "batch_size": 10,
                 "learning_rates": RATES, "seeds": [0, 1, 2]}
    arguments.update(changes)
    with pytest.raises(error, match=words):
        cu.train_side_by_side(runs, x, labels, **arguments)


def test_a_batch_for_a_number_of_runs_that_does_not_divide_them_is_refused():
    x, _ = data()
    runs = cu.SideBySide([dense_only(np.random.default_rng(r)) for r in range(3)])
    with pytest.raises(ValueError, match="divides 3"):
        runs.forward(np.stack([x[:4], x[4:8]]))
    with pytest.raises(ValueError, match="forward to run first"):
        runs.backward(np.zeros((3, 4, 2)))
