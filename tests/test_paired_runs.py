"""Paired runs: the sign-flip test, the bootstrap interval, Holm's correction, checked by hand."""

import itertools

import numpy as np
import pytest

import course_utils as cu


def brute_force_p(d):
    """Every sign pattern, one by one: how often the mean is at least as far from 0."""
    d = np.asarray(d, dtype=float)
    observed = abs(d.mean())
    means = [abs(np.dot(signs, d)) / len(d) for signs in itertools.product([-1, 1], repeat=len(d))]
    return np.mean([m >= observed - 1e-12 for m in means])


def test_all_runs_one_way_gives_the_smallest_p_value_there_is():
    assert cu.sign_flip_test([0.05] * 5) == 2 / 2**5 == 0.0625  # 5 runs never reach 0.05
    assert cu.sign_flip_test([0.025, 0.05, 0.1, 0.075, 0.025, 0.05, 0.1, 0.025, 0.05, 0.075]) \
        == 2 / 2**10


def test_small_cases_worked_by_hand():
    # signs of (3, 1): sums 4, 2, -2, -4; only 4 and -4 are as far from 0 as 4
    assert cu.sign_flip_test([3, 1]) == 0.5
    # signs of (3, 1, 1): sums 5, 3, 3, 1, -1, -3, -3, -5; observed 5: two patterns reach it
    assert cu.sign_flip_test([3, 1, 1]) == 2 / 8
    # (3, -1, -1) has sum 1: six of the eight patterns are at least that far from 0
    assert cu.sign_flip_test([3, -1, -1]) == 1.0
    assert cu.sign_flip_test([0, 0, 0, 0]) == 1.0  # no difference at all


@pytest.mark.parametrize("seed", range(5))
def test_every_pattern_is_counted_as_a_brute_force_counts_them(seed):
    rng = np.random.default_rng(seed)
    d = rng.choice([-0.05, -0.025, 0.0, 0.025, 0.05, 0.075], size=8)  # ties, steps of 0.025
    assert cu.sign_flip_test(d) == pytest.approx(brute_force_p(d))


def test_beyond_twenty_runs_random_patterns_estimate_the_exact_p():
    rng = np.random.default_rng(0)
    d = rng.normal(0.01, 0.05, size=21)
    exact = brute_force_exact = None  # 2**21 patterns: count them with the exact code path
    signs = 1 - 2 * ((np.arange(2**21)[:, None] >> np.arange(21)) & 1).astype(np.int8)
    exact = np.mean(np.abs(signs @ d) >= abs(d.sum()) - 1e-12)
    del brute_force_exact
    estimate = cu.sign_flip_test(d, random_flips=100_000, seed=3)
    assert abs(estimate - exact) < 0.01
    assert cu.sign_flip_test(d, seed=3) == cu.sign_flip_test(d, seed=3)  # seeded
    assert cu.sign_flip_test([0.1] * 30, random_flips=1000) == 1 / 1001  # never beaten


def test_the_p_value_is_uniform_when_there_is_nothing_to_find():
    # under the null the test rejects at 5% about 5% of the time, not more
    rng = np.random.default_rng(1)
    p = [cu.sign_flip_test(rng.normal(size=10)) for _ in range(400)]
    assert 0.02 < np.mean(np.array(p) < 0.05) < 0.09


def test_the_interval_holds_the_mean_and_narrows_with_the_level():
    values = np.array([0.9, 0.925, 0.95, 0.95, 0.975, 1.0, 0.875, 0.95, 0.925, 0.975])
    mean, low, high = cu.mean_interval(values)
    assert mean == pytest.approx(values.mean()) and low < mean < high
    assert values.min() <= low and high <= values.max()
    _, low90, high90 = cu.mean_interval(values, level=0.9)
    assert low <= low90 and high90 <= high
    assert cu.mean_interval([0.5, 0.5, 0.5]) == (0.5, 0.5, 0.5)


def test_the_interval_is_the_set_of_means_the_test_does_not_reject():
    rng = np.random.default_rng(5)
    values = rng.normal(0.05, 0.04, size=10)
    _, low, high = cu.mean_interval(values)
    assert cu.sign_flip_test(values - (low + high) / 2) >= 0.05  # the middle: kept
    assert cu.sign_flip_test(values - (low - 0.005)) < 0.05  # just outside: rejected
    assert cu.sign_flip_test(values - (high + 0.005)) < 0.05
    # and so it excludes 0 when the test rejects 0
    assert (low > 0) == (cu.sign_flip_test(values) < 0.05)


def test_the_interval_covers_the_true_mean_about_as_often_as_it_says():
    rng = np.random.default_rng(2)
    covered = [low <= 0.3 <= high for low, high in
               (cu.mean_interval(rng.normal(0.3, 0.1, size=10))[1:] for _ in range(300))]
    assert 0.9 < np.mean(covered) <= 0.99


def test_beyond_sixteen_runs_the_interval_uses_random_patterns_and_stays_quick():
    rng = np.random.default_rng(6)
    values = rng.normal(0.5, 0.1, size=30)
    mean, low, high = cu.mean_interval(values, seed=1)
    assert low < mean < high and (low, high) == cu.mean_interval(values, seed=1)[1:]


def test_holm_worked_by_hand():
    # sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1: 0.02, 0.03, 0.06, 0.04; then never down
    np.testing.assert_allclose(cu.holm_adjusted([0.01, 0.04, 0.03, 0.005]),
                               [0.03, 0.06, 0.06, 0.02])
    np.testing.assert_allclose(cu.holm_adjusted([0.5, 0.9]), [1.0, 1.0])  # capped at 1
    assert cu.holm_adjusted([0.02]).tolist() == [0.02]  # one test: nothing to correct


def test_holm_keeps_the_familys_false_finds_at_the_level():
    rng = np.random.default_rng(3)
    families = rng.uniform(size=(2000, 8))  # 8 true nulls, 2,000 times
    raw = (families < 0.05).any(axis=1).mean()
    corrected = np.mean([(cu.holm_adjusted(p) < 0.05).any() for p in families])
    assert raw > 0.3 and corrected < 0.06


def test_the_chance_of_finding_grows_with_the_effect_and_is_the_level_at_none():
    rng = np.random.default_rng(7)
    d = rng.normal(0.0, 0.05, size=10)
    at = [cu.chance_of_finding(d, effect) for effect in (0.0, 0.02, 0.05, 0.1)]
    assert at[0] <= 0.08 and at == sorted(at) and at[-1] > 0.95
    assert cu.chance_of_finding(d, 0.03, tests=8) < cu.chance_of_finding(d, 0.03)


def test_the_detectable_difference_is_where_the_chance_reaches_the_power():
    rng = np.random.default_rng(8)
    d = rng.normal(0.0, 0.05, size=10)
    found = cu.detectable_difference(d)
    assert cu.chance_of_finding(d, found) >= 0.8 > cu.chance_of_finding(d, found - 0.005)
    assert cu.detectable_difference(d * 2) > found  # more spread, more needed
    assert cu.detectable_difference([0.1, 0.1, 0.1, 0.1]) == float("inf")  # 4 runs: never


def test_paired_runs_count_the_runs_each_way():
    c = cu.compare_paired_runs([0.9, 0.95, 0.9, 0.85], [0.85, 0.95, 0.8, 0.9])
    assert (c.first_ahead, c.second_ahead, c.ties, c.runs) == (2, 1, 1, 4)
    assert c.difference == pytest.approx(0.025)
    assert c.p_value == cu.sign_flip_test([0.05, 0.0, 0.1, -0.05])
    assert c.low <= c.difference <= c.high


@pytest.mark.parametrize("call, error, words", [
    (lambda: cu.sign_flip_test("0.1"), TypeError, "differences"),
    (lambda: cu.sign_flip_test([0.1, np.nan]), ValueError, "differences"),
    (lambda: cu.sign_flip_test([[0.1, 0.2]]), ValueError, "1-D"),
    (lambda: cu.mean_interval([0.5]), ValueError, "at least 2"),
    (lambda: cu.mean_interval([0.5, 0.6], level=95), ValueError, "level"),
    (lambda: cu.holm_adjusted([0.5, 1.2]), ValueError, "between 0 and 1"),
    (lambda: cu.compare_paired_runs([0.5, 0.6], [0.5]), ValueError, "one value per run"),
    (lambda: cu.detectable_difference([0.1, 0.2], power=1.5), ValueError, "power"),
])
def test_bad_arguments_are_refused_by_name(call, error, words):
    with pytest.raises(error, match=words):
        call()
