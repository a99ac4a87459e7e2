"""Mean and spread, paired differences and bootstrap intervals, checked by hand."""

import numpy as np
import pytest

from course_utils.stats.results import bootstrap_interval, mean_and_spread, paired_difference


def test_mean_and_spread_uses_the_sample_standard_deviation():
    # mean 2, squared deviations 1 + 0 + 1 = 2, divided by n - 1 = 2: sd 1
    assert mean_and_spread([1.0, 2.0, 3.0]) == "2.000 ± 1.000"
    assert mean_and_spread([0.5, 0.5], digits=1) == "0.5 ± 0.0"


def test_paired_difference_removes_what_the_runs_share():
    easy_and_hard = np.array([0.9, 0.5, 0.7])
    mean, error = paired_difference(easy_and_hard + 0.1, easy_and_hard)
    assert mean == pytest.approx(0.1) and error == pytest.approx(0.0, abs=1e-12)
    # differences 1, 3: mean 2, sd sqrt(2), standard error sqrt(2)/sqrt(2) = 1
    assert paired_difference([1.0, 3.0], [0.0, 0.0]) == pytest.approx((2.0, 1.0))


def test_bootstrap_interval_brackets_the_statistic_and_repeats_with_its_seed():
    samples = np.random.default_rng(0).normal(5.0, 1.0, size=400)
    low, high = bootstrap_interval(np.mean, samples, seed=1)
    assert low < samples.mean() < high and high - low < 0.3
    assert bootstrap_interval(np.mean, samples, seed=1) == (low, high)


@pytest.mark.parametrize(
    "call, fragment",
    [
        (lambda: mean_and_spread([1.0]), "at least two values"),
        (lambda: paired_difference([1, 2], [1, 2, 3]), "b must have as many values as a"),
        (lambda: bootstrap_interval(np.mean, np.ones(5), seed=0, level=1.5), "level"),
        (lambda: bootstrap_interval(np.mean, np.ones(1), seed=0), "at least two examples"),
    ],
)
def test_errors_name_the_argument(call, fragment):
    with pytest.raises(ValueError) as caught:
        call()
    assert fragment in str(caught.value)
