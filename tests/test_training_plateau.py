"""Training until the loss stops falling, and measuring the accuracy once (train's options)."""

import numpy as np

import course_utils as cu


def tiny(rng):
    return cu.Sequential([cu.Flatten(), cu.Dense(4, 2, rng=rng)])


def data():
    rng = np.random.default_rng(0)
    labels = np.array([0, 1] * 20)
    # class 1 is bright in the first pixel, class 0 in the last: easy to learn
    x = rng.normal(scale=0.1, size=(40, 1, 2, 2))
    x[labels == 1, 0, 0, 0] += 1.0
    x[labels == 0, 0, 1, 1] += 1.0
    return x, labels


# ---- stopping on a plateau -------------------------------------------------------------

def test_loss_plateaued_compares_the_last_window_with_the_one_before():
    # falling by half every epoch: never flat
    assert not cu.loss_plateaued([1.0, 0.5, 0.25, 0.125], window=2, tolerance=0.01)
    # windows of 2: mean 0.2 then 0.199, a fall of 0.5%, under a tolerance of 1%
    assert cu.loss_plateaued([1.0, 0.5, 0.2, 0.2, 0.2, 0.198], window=2, tolerance=0.01)
    # the same fall, but a tolerance of 0.1%: still falling
    assert not cu.loss_plateaued([1.0, 0.5, 0.2, 0.2, 0.2, 0.198], window=2, tolerance=0.001)
    # a rising loss has stopped falling
    assert cu.loss_plateaued([0.3, 0.3, 0.4, 0.5], window=2, tolerance=0.01)
    # fewer than two windows of epochs: too early to say
    assert not cu.loss_plateaued([0.3, 0.3, 0.3], window=2, tolerance=0.01)


def noisy_data():
    """data() with every fourth label flipped: the loss levels off above 0 (separable data's
    loss keeps falling, by about the same share each epoch, and never plateaus)."""
    x, labels = data()
    labels = labels.copy()
    labels[::4] = 1 - labels[::4]
    return x, labels


def test_training_stops_on_the_plateau_and_says_so():
    x, labels = noisy_data()
    model = tiny(np.random.default_rng(0))
    history = cu.train(model, x, labels, epochs=2000, batch_size=8, learning_rate=0.05,
                       seed=0, progress=False, plateau=(5, 0.01))
    assert history.plateaued and len(history.loss) < 2000
    # it stopped at the first epoch where the criterion held, and not before
    assert cu.loss_plateaued(history.loss, 5, 0.01)
    assert not any(cu.loss_plateaued(history.loss[:e], 5, 0.01)
                   for e in range(1, len(history.loss)))
    assert len(history.train_accuracy) == len(history.loss)
    capped = cu.train(tiny(np.random.default_rng(0)), x, labels, epochs=3, batch_size=8,
                      learning_rate=0.05, seed=0, progress=False, plateau=(5, 0.01))
    assert not capped.plateaued and len(capped.loss) == 3


def test_accuracy_after_the_last_epoch_only_changes_nothing_else():
    x, labels = data()
    every = cu.train(tiny(np.random.default_rng(0)), x, labels, epochs=4, batch_size=8,
                     seed=1, progress=False)
    last = cu.train(tiny(np.random.default_rng(0)), x, labels, epochs=4, batch_size=8,
                    seed=1, progress=False, accuracy_each_epoch=False)
    assert last.loss == every.loss  # measuring the accuracy does not touch the training
    assert len(every.train_accuracy) == 4 and last.train_accuracy == every.train_accuracy[-1:]
