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


def test_t_interval_uses_the_t_quantile_for_few_runs():
    from course_utils import t_interval

    # 5 runs: 4 degrees of freedom, 97.5% quantile 2.776 (tables), not 1.96
    result = t_interval([1.0, 2.0, 3.0, 4.0, 5.0])
    assert result.factor == pytest.approx(2.7764, abs=1e-4)
    # mean 3, sd sqrt(2.5), standard error sqrt(2.5 / 5) = sqrt(0.5)
    assert result.mean == pytest.approx(3.0)
    assert result.standard_error == pytest.approx(np.sqrt(0.5))
    assert result.low == pytest.approx(3.0 - 2.7764 * np.sqrt(0.5), abs=1e-3)
    assert result.high == pytest.approx(3.0 + 2.7764 * np.sqrt(0.5), abs=1e-3)
    assert result.runs == 5 and result.excludes_zero()
    # 2 runs: 12.706; 90% with 5 runs: 2.132
    assert t_interval([0.0, 1.0]).factor == pytest.approx(12.706, abs=1e-3)
    assert t_interval([1, 2, 3, 4, 5], 0.9).factor == pytest.approx(2.132, abs=1e-3)


def test_t_interval_of_differences_around_zero_does_not_exclude_it():
    from course_utils import t_interval

    assert not t_interval([-0.1, 0.1, 0.05, -0.05]).excludes_zero()
    assert t_interval([-0.3, -0.2, -0.25]).excludes_zero()
