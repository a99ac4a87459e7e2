"""Notebook 05's figures, result helpers and exercise checkers."""

from math import comb

import matplotlib.pyplot as plt
import numpy as np
import pytest
from feedback import is_right_verdict, verdict

from course_utils import (
    ConvSpec,
    DenseSpec,
    FlattenSpec,
    MaxPoolSpec,
    ReLUSpec,
    check_resnext_params,
    check_second_conv_params,
    check_valid_dense_params,
    compare_on_same_examples,
    confusion_matrix,
    plot_channel_connections,
    plot_confusion_matrix,
    plot_parameter_and_work_shares,
    plot_parameters_vs_accuracy,
    proportion_interval,
    summarize,
)
from course_utils.exercises.verdict import CORRECT, NOT_QUITE


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def mnist_summary(padding="same"):
    return summarize([ConvSpec(32, 3, padding=padding), ReLUSpec(), MaxPoolSpec(2),
                      FlattenSpec(), DenseSpec(128), ReLUSpec(), DenseSpec(10)], (1, 28, 28))


def test_shares_figure_has_a_panel_per_model_and_a_labelled_pair_of_bars_per_layer():
    fig = plot_parameter_and_work_shares({"same": mnist_summary(), "valid": mnist_summary("valid")})
    assert len(fig.axes) == 2
    ax = fig.axes[0]
    # conv, dense 128, dense 10: layers without parameters or work are left out
    assert [t.get_text() for t in ax.get_yticklabels()] == ["conv 32@3x3", "dense 128",
                                                            "dense 10"]
    assert len(ax.patches) == 6
    labels = [t.get_text() for t in ax.texts]
    assert "99.8%" in labels and "<0.1%" in labels  # the dense layer's and the conv's share
    assert "78.0%" in labels and "21.9%" in labels  # the dense and conv multiply-adds


def test_shares_figure_refuses_what_is_not_a_summary():
    for bad in ({"model": 804_554}, [mnist_summary()], {}):
        with pytest.raises(TypeError, match="ModelSummary"):
            plot_parameter_and_work_shares(bad)


def test_confusion_matrix_counts_pairs():
    counts = confusion_matrix(np.array([0, 0, 1, 2, 2]), np.array([0, 1, 1, 2, 0]), 3)
    assert counts.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 1]]
    assert counts.trace() == 3 and counts.sum() == 5
    with pytest.raises(ValueError, match="classes 0 to 2"):
        confusion_matrix(np.array([3]), np.array([0]), 3)
    with pytest.raises(TypeError, match="predicted must be a 1-D array of integer classes"):
        confusion_matrix(np.array([1, 2]), np.array([1.0, 2.0]), 3)
    with pytest.raises(TypeError, match="labels must be a 1-D array"):
        confusion_matrix(np.array([[1]]), np.array([[1]]), 3)
    assert confusion_matrix(np.array([], int), np.array([], int), 2).sum() == 0


def test_confusion_figure_writes_every_nonzero_count():
    labels = np.repeat(np.arange(10), 10)
    predicted = labels.copy()
    predicted[:3] = 7
    fig = plot_confusion_matrix(labels, predicted)
    texts = sorted(t.get_text() for t in fig.axes[0].texts)
    assert texts.count("10") == 9 and "7" in texts and "3" in texts and len(texts) == 11


def test_parameters_vs_accuracy_draws_a_point_and_label_per_model():
    fig = plot_parameters_vs_accuracy(["conv", "dense"], [804_554, 101_770], [0.95, 0.9],
                                      [(0.94, 0.96), (0.88, 0.92)])
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert [t.get_text().splitlines()[0] for t in ax.texts] == ["conv", "dense"]
    with pytest.raises(ValueError, match="same, non-zero length"):
        plot_parameters_vs_accuracy(["conv"], [1, 2], [0.9], [(0.8, 1.0)])
    with pytest.raises(ValueError, match="must contain its accuracy"):
        plot_parameters_vs_accuracy(["conv"], [1], [0.9], [(0.92, 0.95)])


def test_channel_connections_figure_states_the_share_of_weights():
    fig = plot_channel_connections(8, 8, [1, 2, 8])
    assert [ax.get_title().splitlines()[1] for ax in fig.axes] == [
        "100% of the weights", "50% of the weights", "12.5% of the weights"]
    with pytest.raises(ValueError, match="divisible by groups"):
        plot_channel_connections(8, 8, [3])
    with pytest.raises(TypeError, match="one per panel"):
        plot_channel_connections(8, 8, 2)
    assert "33.3% of the weights" in plot_channel_connections(6, 6, [3]).axes[0].get_title()


@pytest.mark.parametrize("successes, trials", [(940, 1000), (3, 10), (0, 25), (25, 25)])
def test_proportion_interval_ends_where_the_score_test_just_rejects(successes, trials):
    # Wilson's interval is every p0 that a z-test with p0's own standard error
    # accepts: at both ends (p_hat - p0)^2 = z^2 p0 (1 - p0) / n exactly.
    z, p_hat = 1.959963984540054, successes / trials
    for end in proportion_interval(successes, trials):
        assert 0.0 <= end <= 1.0
        assert abs((p_hat - end) ** 2 - z * z * end * (1 - end) / trials) < 1e-12
    low, high = proportion_interval(successes, trials)
    assert low <= p_hat <= high


def test_proportion_interval_narrows_with_more_trials_and_refuses_nonsense():
    assert np.diff(proportion_interval(94, 100)) > np.diff(proportion_interval(940, 1000))
    assert proportion_interval(0, 10)[0] == 0.0 and proportion_interval(10, 10)[1] == 1.0
    with pytest.raises(ValueError, match="at most trials"):
        proportion_interval(11, 10)
    for confidence in (95, "95%", None):
        with pytest.raises(ValueError, match="confidence must be a number between 0 and 1"):
            proportion_interval(1, 10, confidence=confidence)


# The right answers, worked out by hand from the exercises' numbers.
RIGHT_ANSWERS = {
    check_second_conv_params: 64 * (3 * 3 * 32 + 1),     # 18,496
    check_valid_dense_params: 13 * 13 * 32 * 128 + 128,  # 692,352
    check_resnext_params: 128 * (3 * 3 * 4 + 1),         # 4,736
}


@pytest.mark.parametrize("checker", RIGHT_ANSWERS)
@pytest.mark.parametrize("kind", [int, float, np.int64])
def test_right_answers_in_any_numeric_type_are_correct(capsys, checker, kind):
    answer = kind(RIGHT_ANSWERS[checker])
    out = verdict(capsys, checker, answer)
    assert is_right_verdict(out, answer), out


@pytest.mark.parametrize("checker, answer, hint", [
    (check_second_conv_params, 18_432, "those are the weights"),
    (check_second_conv_params, 640, "as deep as its input"),
    (check_second_conv_params, 289, "one filter"),
    (check_valid_dense_params, 692_224, "those are the weights"),
    (check_valid_dense_params, 802_944, "'same' padding"),
    (check_valid_dense_params, 2_769_024, "max pooling halves"),
    (check_valid_dense_params, 21_760, "all 32 channels"),
    (check_valid_dense_params, 110_592, "difference"),
    (check_resnext_params, 4_608, "those are the weights"),
    (check_resnext_params, 147_584, "ungrouped layer"),
    (check_resnext_params, 148, "that is one group"),
    (check_resnext_params, "4736", "without quotes"),
    (check_valid_dense_params, 589_952, "ends with + 1"),
    (check_valid_dense_params, 693_962, "whole model"),
    (check_valid_dense_params, 12_345, "halve it for the pooling"),
    (check_second_conv_params, 18_464, "not to each input channel"),
    (check_second_conv_params, 18_816, "adds the first conv layer"),
    (check_resnext_params, 36_992, "number of groups, not the depth"),
    (check_resnext_params, 4_640, "not per group"),
    (check_resnext_params, 4_612, "biases are not divided"),
    (check_resnext_params, 12_345, "channels deep; then multiply"),
])
def test_common_slips_get_a_specific_hint(capsys, checker, answer, hint):
    out = verdict(capsys, checker, answer)
    assert out.startswith(NOT_QUITE) and hint in out, out


@pytest.mark.parametrize("only_first, only_second", [(10, 0), (7, 3), (5, 5), (40, 22), (0, 0)])
def test_paired_comparison_matches_scipys_binomial_test(only_first, only_second):
    from scipy.stats import binomtest

    both = 100
    first = np.array([True] * (both + only_first) + [False] * only_second + [False] * 7)
    second = np.array([True] * both + [False] * only_first + [True] * only_second + [False] * 7)
    result = compare_on_same_examples(first, second)
    assert (result.only_first, result.only_second) == (only_first, only_second)
    n = only_first + only_second
    expected = binomtest(only_first, n, 0.5).pvalue if n else 1.0
    assert abs(result.p_value - expected) < 1e-12
    # and by counting: twice the share of splits at least as uneven, at most 1
    uneven = sum(comb(n, k) for k in range(min(only_first, only_second) + 1))
    assert abs(result.p_value - min(1.0, 2 * uneven / 2**n)) < 1e-12


def test_paired_comparison_needs_two_boolean_arrays_of_one_length():
    with pytest.raises(TypeError, match="first_correct must be a boolean array"):
        compare_on_same_examples(np.array([1, 0]), np.array([True, False]))
    with pytest.raises(ValueError, match="boolean arrays of the same length"):
        compare_on_same_examples(np.array([True]), np.array([True, False]))
