"""Parameter counts against arrays of the layer's real shapes, and the course's numbers."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_utils import conv_params, dense_params


@given(
    st.integers(1, 6), st.integers(1, 6), st.integers(1, 4),
    st.tuples(st.integers(1, 5), st.integers(1, 5)), st.booleans(),
)
def test_conv_params_equal_the_elements_of_the_arrays(groups, in_per_group, out_per_group, kernel, bias):
    in_channels, out_channels = groups * in_per_group, groups * out_per_group
    # A grouped conv stores one (out/g, in/g, KH, KW) block per group.
    blocks = [np.zeros((out_per_group, in_per_group) + kernel) for _ in range(groups)]
    biases = np.zeros(out_channels) if bias else np.zeros(0)
    expected = sum(b.size for b in blocks) + biases.size
    assert conv_params(in_channels, out_channels, kernel, groups=groups, bias=bias) == expected


@given(st.integers(1, 300), st.integers(1, 300), st.booleans())
def test_dense_params_equal_the_elements_of_the_arrays(n_in, n_out, bias):
    weights, biases = np.zeros((n_out, n_in)), np.zeros(n_out if bias else 0)
    assert dense_params(n_in, n_out, bias=bias) == weights.size + biases.size


def test_numbers_of_the_course():
    assert dense_params(32 * 32 * 3, 1000, bias=False) == 3_072_000
    assert dense_params(32 * 32 * 3, 1000) == 3_073_000
    assert conv_params(3, 64, 3, bias=False) == 1_728
    assert conv_params(3, 64, 3) == 1_792
    assert conv_params(3, 96, 11) == 34_944
    c = 64
    assert 3 * conv_params(c, c, 3, bias=False) == 27 * c * c
    assert conv_params(c, c, 7, bias=False) == 49 * c * c


@pytest.mark.parametrize(
    "call, error, fragment",
    [
        (lambda: conv_params(3, 64, 3, groups=2), ValueError, "in_channels must be divisible by groups"),
        (lambda: conv_params(4, 6, 3, groups=4), ValueError, "out_channels must be divisible by groups"),
        (lambda: conv_params(0, 6, 3), ValueError, "in_channels must be an integer >= 1"),
        (lambda: conv_params(3, 6, 3, bias=1), TypeError, "bias must be True or False"),
        (lambda: dense_params(3.0, 6), TypeError, "in_features must be an integer"),
        (lambda: dense_params(3, -6), ValueError, "out_features must be an integer >= 1"),
    ],
)
def test_errors_name_the_argument(call, error, fragment):
    with pytest.raises(error, match=fragment):
        call()
