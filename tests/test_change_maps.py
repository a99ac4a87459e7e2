"""Where an unshared layer changed: maps scaled to mean 1, and how well runs agree on them."""

import numpy as np
import pytest

import course_utils as cu


def weights(rng, runs=4):
    return rng.normal(size=(runs, 2, 3, 3, 1, 2, 2))  # (runs, C_out, 3x3 positions, C_in, 2x2)


def test_a_change_at_one_position_makes_that_the_maps_peak():
    rng = np.random.default_rng(0)
    start = weights(rng)
    trained = start.copy()
    trained[:, :, 1, 2] += 1.0  # every run changed position (1, 2) only, and a little elsewhere
    trained += 0.01
    maps = cu.change_size_maps(start, trained)
    assert maps.shape == (4, 3, 3)
    np.testing.assert_allclose(maps.mean(axis=(1, 2)), 1.0)
    assert all(np.unravel_index(m.argmax(), m.shape) == (1, 2) for m in maps)


def test_the_size_is_the_length_of_all_filters_changes_at_a_position():
    start = np.zeros((1, 2, 1, 2, 1, 1, 1))
    trained = start.copy()
    trained[0, :, 0, 0, 0, 0, 0] = 3.0, 4.0  # length 5 at the first position (two filters)
    trained[0, :, 0, 1, 0, 0, 0] = 0.0, 1.0  # length 1 at the second
    np.testing.assert_allclose(cu.change_size_maps(start, trained)[0], [[5 / 3, 1 / 3]])


def test_runs_that_change_the_same_places_agree_and_random_ones_do_not():
    rng = np.random.default_rng(1)
    place = rng.uniform(size=(6, 6))
    same = place + rng.normal(scale=0.05, size=(8, 6, 6))
    assert cu.map_agreement(same).min() > 0.9
    random = rng.uniform(size=(8, 6, 6))
    assert abs(cu.map_agreement(random).mean()) < 0.2
    floor = cu.agreement_floor(same, shuffles=100, seed=0)
    assert abs(floor) < 0.05 and floor < cu.map_agreement(same).mean()


def test_agreement_is_each_runs_correlation_with_the_mean_of_the_others():
    rng = np.random.default_rng(2)
    maps = rng.uniform(size=(4, 3, 3))
    others = (maps.sum(axis=0) - maps[0]) / 3
    expected = np.corrcoef(maps[0].ravel(), others.ravel())[0, 1]
    assert cu.map_agreement(maps)[0] == pytest.approx(expected)


@pytest.mark.parametrize("call, error, words", [
    (lambda: cu.change_size_maps(np.zeros((2, 3, 3)), np.zeros((2, 3, 3))), ValueError, "initial"),
    (lambda: cu.change_size_maps(np.zeros((2, 1, 2, 2, 1, 1, 1)), np.ones((2, 1, 2, 3, 1, 1, 1))),
     ValueError, "shape of initial"),
    (lambda: cu.change_size_maps(np.zeros((2, 1, 2, 2, 1, 1, 1)), np.zeros((2, 1, 2, 2, 1, 1, 1))),
     ValueError, "differ"),
    (lambda: cu.map_agreement(np.ones((2, 3, 3))), ValueError, "at least 3 runs"),
    (lambda: cu.agreement_floor(np.ones((4, 3, 3)), shuffles=0), ValueError, "shuffles"),
])
def test_bad_arguments_are_refused_by_name(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_a_real_gap_is_found_and_none_is_not():
    rng = np.random.default_rng(3)
    place = rng.uniform(size=(6, 6))
    agreeing = place + rng.normal(scale=0.2, size=(10, 6, 6))
    scattered = rng.uniform(size=(10, 6, 6))
    found = cu.agreement_gap(agreeing, scattered)
    assert found.p_value == 2 / 2**10 and found.low > 0.3  # every swap lowers the gap
    assert found.gap == pytest.approx(cu.map_agreement(agreeing).mean()
                                      - cu.map_agreement(scattered).mean())
    nothing = cu.agreement_gap(scattered, rng.uniform(size=(10, 6, 6)))
    assert nothing.p_value > 0.05 and nothing.low < 0 < nothing.high


def test_the_gap_test_holds_its_level_when_the_conditions_do_not_differ():
    rng = np.random.default_rng(4)
    place = rng.uniform(size=(5, 5))
    p = [cu.agreement_gap(place + rng.normal(scale=0.5, size=(6, 5, 5)),
                          place + rng.normal(scale=0.5, size=(6, 5, 5))).p_value
         for _ in range(200)]
    assert np.mean(np.array(p) < 0.05) < 0.09


def test_the_t_quantile_is_close_to_the_exact_one():
    from scipy.stats import t

    from course_utils.stats.change_maps import t_quantile

    for df in (4, 5, 9, 15, 30):
        assert t_quantile(0.975, df) == pytest.approx(t.ppf(0.975, df), abs=0.01)
    assert t_quantile(0.975, 9) == pytest.approx(t.ppf(0.975, 9), abs=0.0005)
