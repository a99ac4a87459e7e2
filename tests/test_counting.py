"""Counts of parameters, multiply-adds and bytes against real arrays, and the course's numbers."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_utils import (
    conv2d,
    conv_macs,
    conv_params,
    dense_macs,
    dense_params,
    depthwise_separable_params,
    format_bytes,
    locally_connected_macs,
    locally_connected_params,
    memory_bytes,
)


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


# --------------------------------------------------------------------------
# Locally connected, depthwise separable, multiply-adds and memory
# --------------------------------------------------------------------------

small = st.integers(1, 5)


@given(small, small, st.tuples(small, small), st.tuples(small, small), st.booleans())
def test_locally_connected_params_equal_the_arrays(c_in, c_out, kernel, out, bias):
    # One filter per output position: w[c, i, j] is the filter of channel c at (i, j).
    weights = np.zeros((c_out, *out, c_in, *kernel))
    biases = np.zeros((c_out, *out)) if bias else np.zeros(0)
    count = locally_connected_params(c_in, c_out, kernel, out, bias=bias)
    assert count == weights.size + biases.size
    assert count == out[0] * out[1] * conv_params(c_in, c_out, kernel, bias=bias)


@given(small, small, st.tuples(small, small), st.booleans())
def test_depthwise_separable_is_a_grouped_conv_then_a_pointwise_conv(c_in, c_out, kernel, bias):
    depthwise = np.zeros((c_in, 1, *kernel))  # groups = c_in: one 1-channel filter per channel
    pointwise = np.zeros((c_out, c_in, 1, 1))
    biases = c_in + c_out if bias else 0
    count = depthwise_separable_params(c_in, c_out, kernel, bias=bias)
    assert count == depthwise.size + pointwise.size + biases
    assert count == (conv_params(c_in, c_in, kernel, groups=c_in, bias=bias)
                     + conv_params(c_in, c_out, 1, bias=bias))


@given(small, small, st.tuples(small, small), st.tuples(st.integers(0, 4), st.integers(0, 4)))
def test_conv_macs_count_the_products_conv2d_sums(c_in, c_out, kernel, extra):
    # With inputs and weights all 1 and no padding, each output is its number of products.
    size = (kernel[0] + extra[0], kernel[1] + extra[1])
    products = conv2d(np.ones((1, c_in, *size)), np.ones((c_out, c_in, *kernel))).sum()
    out = (extra[0] + 1, extra[1] + 1)
    assert conv_macs(c_in, c_out, kernel, out) == locally_connected_macs(c_in, c_out, kernel, out)
    assert conv_macs(c_in, c_out, kernel, out) == products


def test_grouped_macs_divide_by_the_groups():
    assert conv_macs(8, 8, 3, 10, groups=4) * 4 == conv_macs(8, 8, 3, 10)


@given(st.integers(1, 50), st.integers(1, 50))
def test_dense_macs_count_the_products(n_in, n_out):
    assert dense_macs(n_in, n_out) == (np.ones(n_in) @ np.ones((n_in, n_out))).sum()


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int8"])
def test_memory_bytes_equal_the_arrays(dtype):
    for count in (0, 1, 363, 34_944):
        assert memory_bytes(count, dtype) == np.zeros(count, dtype=dtype).nbytes


def test_layer_numbers_of_the_course():
    # Keras 2's LocallyConnected2D example: 30x30 output, 3x3 windows on 3 channels, 64 filters
    assert locally_connected_params(3, 64, 3, (30, 30)) == 1_612_800
    # DeepFace L4: 16 filters of 9x9x16 on a 63x63 map -> 55x55, every position its own filter
    assert locally_connected_params(16, 16, 9, 55, bias=False) == 62_726_400
    assert conv_params(16, 16, 9) == 20_752
    assert locally_connected_macs(16, 16, 9, 55) == conv_macs(16, 16, 9, 55)
    # AlexNet conv1: 290,400 outputs of 363 products each; memory of the two parameter sets
    assert conv_macs(3, 96, 11, 55) == 290_400 * 363
    assert round(memory_bytes(105_705_600) / 1e6) == 423
    assert round(memory_bytes(34_944) / 1e3) == 140


@pytest.mark.parametrize(
    "call, error, fragment",
    [
        (lambda: locally_connected_params(3, 4, 3, 0), ValueError, "output_size must be an int"),
        (lambda: locally_connected_params(3, 4, 3, (2, 2, 2)), ValueError, "got 3 values"),
        (lambda: depthwise_separable_params(3, 4, 0), ValueError, "kernel_size must be"),
        (lambda: conv_macs(3, 4, 3, 5, groups=2), ValueError, "divisible by groups"),
        (lambda: dense_macs(0, 4), ValueError, "in_features must be"),
        (lambda: memory_bytes(-1), ValueError, "count must be an integer >= 0"),
        (lambda: memory_bytes(10, "floaty"), ValueError, "dtype must be a numpy dtype name"),
    ],
)
def test_new_counts_name_the_argument(call, error, fragment):
    with pytest.raises(error, match=fragment):
        call()


@pytest.mark.parametrize(
    "count, text",
    [
        (0, "0 bytes"),
        (999, "999 bytes"),
        (1_000, "1.00 KB"),
        (139_776, "140 KB"),          # AlexNet conv1's 34,944 float32 parameters
        (999_999, "1.00 MB"),         # rounds up into the next unit, not "1000 KB"
        (422_822_400, "423 MB"),      # its 105,705,600 unshared parameters
        (12_345_678_901, "12.3 GB"),
        (3 * 10**12, "3.00 TB"),
    ],
)
def test_format_bytes_in_decimal_units(count, text):
    assert format_bytes(count) == text


def test_format_bytes_refuses_negative_counts():
    with pytest.raises(ValueError, match="count must be an integer >= 0"):
        format_bytes(-1)
