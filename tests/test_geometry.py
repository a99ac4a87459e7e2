"""course_utils.conv.geometry against brute force: windows slid over explicit arrays.

The brute-force helpers below never use a formula: they place a window on a
list of cells, step by step, and count what happens.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_utils import (
    conv_output_size,
    coverage_counts,
    effective_kernel_size,
    explain_output_size,
    fitting_configurations,
    padding_per_side,
    receptive_field,
    same_padding,
    transposed_conv_output_size,
    window_geometry,
    window_layout,
    window_output_size,
)

# --------------------------------------------------------------------------
# Brute force
# --------------------------------------------------------------------------


def brute_force_windows(size, kernel, padding, stride, dilation):
    """Slide a window over a padded strip; return (starts, cells left over at the end)."""
    strip = ["pad"] * padding + ["in"] * size + ["pad"] * padding
    starts = []
    start = 0
    while True:
        taps = [start + t * dilation for t in range(kernel)]
        if taps[-1] >= len(strip):
            break
        starts.append(start)
        start += stride
    if not starts:
        return [], None
    last_cell = starts[-1] + (kernel - 1) * dilation
    return starts, len(strip) - 1 - last_cell


def brute_force_receptive_field(layers):
    """Input cells that the unit 0 of the last layer depends on, found by walking down."""
    cells = {0}
    for kernel, stride, dilation in reversed(layers):
        cells = {c * stride + t * dilation for c in cells for t in range(kernel)}
    return max(cells) - min(cells) + 1


def brute_force_transposed_size(size, kernel, padding, stride, dilation, output_padding):
    """Scatter every input cell through the kernel; measure the cropped result."""
    touched = {i * stride + t * dilation for i in range(size) for t in range(kernel)}
    full = max(touched) + 1
    return full - 2 * padding + output_padding


ALL_SETTINGS = list(
    itertools.product(range(1, 41), range(1, 12), range(0, 6), range(1, 6), range(1, 4))
)


def test_grid_covers_the_issue_ranges():
    # W <= 40, K <= 11, P <= 5, S <= 5, D <= 3: every combination, 39,600 of them.
    assert len(ALL_SETTINGS) == 40 * 11 * 6 * 5 * 3


def test_conv_output_size_matches_brute_force_everywhere():
    checked_fit = checked_floor = checked_no_room = 0
    for size, kernel, padding, stride, dilation in ALL_SETTINGS:
        starts, leftover = brute_force_windows(size, kernel, padding, stride, dilation)
        if not starts:
            with pytest.raises(ValueError, match="no room"):
                conv_output_size(size, kernel, padding, stride, dilation, strict=False)
            checked_no_room += 1
            continue
        assert conv_output_size(size, kernel, padding, stride, dilation, strict=False) == len(
            starts
        ), (size, kernel, padding, stride, dilation)
        if leftover == 0:
            assert conv_output_size(size, kernel, padding, stride, dilation) == len(starts)
            checked_fit += 1
        else:
            with pytest.raises(ValueError, match="not a whole number"):
                conv_output_size(size, kernel, padding, stride, dilation)
            checked_floor += 1
    # All three outcomes really occur in the grid.
    assert min(checked_fit, checked_floor, checked_no_room) > 1000


def test_window_layout_matches_brute_force_everywhere():
    for size, kernel, padding, stride, dilation in ALL_SETTINGS:
        starts, leftover = brute_force_windows(size, kernel, padding, stride, dilation)
        if not starts:
            continue
        layout = window_layout(size, kernel, padding, stride, dilation)
        assert list(layout.starts) == starts
        assert layout.leftover == leftover
        # Dropped inputs: real cells after the last tap of the last window.
        last_cell = starts[-1] + (kernel - 1) * dilation
        expected = [c - padding for c in range(last_cell + 1, padding + size) if c >= padding]
        assert list(layout.dropped_inputs) == expected


def test_effective_kernel_size_is_the_span_of_the_taps():
    for kernel, dilation in itertools.product(range(1, 12), range(1, 4)):
        taps = [t * dilation for t in range(kernel)]
        assert effective_kernel_size(kernel, dilation) == taps[-1] - taps[0] + 1


def test_receptive_field_matches_brute_force():
    rng = np.random.default_rng(0)
    for _ in range(300):
        depth = int(rng.integers(1, 6))
        layers = [
            (int(rng.integers(1, 8)), int(rng.integers(1, 4)), int(rng.integers(1, 4)))
            for _ in range(depth)
        ]
        rows = receptive_field(layers)
        for n in range(1, depth + 1):
            assert rows[n - 1].size == brute_force_receptive_field(layers[:n])
            assert rows[n - 1].jump == int(np.prod([s for _, s, _ in layers[:n]]))


def test_transposed_size_matches_brute_force_everywhere():
    for size, kernel, padding, stride, dilation in itertools.product(
        range(1, 16), range(1, 8), range(0, 4), range(1, 5), range(1, 4)
    ):
        for extra in range(max(stride, dilation)):
            expected = brute_force_transposed_size(size, kernel, padding, stride, dilation, extra)
            if expected < 1:
                with pytest.raises(ValueError, match="padding"):
                    transposed_conv_output_size(size, kernel, padding, stride, dilation, extra)
            else:
                assert (
                    transposed_conv_output_size(size, kernel, padding, stride, dilation, extra)
                    == expected
                )


def test_same_padding_keeps_the_size_by_brute_force():
    for size, kernel, dilation in itertools.product(range(1, 41), range(1, 12), range(1, 4)):
        before, after = same_padding(kernel, dilation)
        assert 0 <= after - before <= 1  # PyTorch: any odd cell goes at the end
        strip = before + size + after
        count = strip - (kernel - 1) * dilation  # stride-1 windows, counted by their starts
        assert count == size
        assert conv_output_size(size, kernel, "same", 1, dilation) == size


def test_coverage_counts_match_brute_force():
    for size, kernel, padding, stride in itertools.product(
        range(1, 9), range(1, 5), range(0, 3), range(1, 4)
    ):
        if kernel > size + 2 * padding:
            continue
        grid = np.zeros((size + 2 * padding,) * 2, dtype=int)
        out = (size + 2 * padding - kernel) // stride + 1
        for i in range(out):
            for j in range(out):
                grid[i * stride : i * stride + kernel, j * stride : j * stride + kernel] += 1
        np.testing.assert_array_equal(coverage_counts(size, kernel, padding, stride), grid)


def brute_force_coverage_2d(size, kernel, sides, stride, dilation):
    """Slide a 2-D window over an explicit padded grid; count the reads of every cell."""
    (top, bottom), (left, right) = sides
    grid = np.zeros((size[0] + top + bottom, size[1] + left + right), dtype=int)
    taps = [(u * dilation[0], v * dilation[1]) for u in range(kernel[0]) for v in range(kernel[1])]
    for row in range(0, grid.shape[0], stride[0]):
        for col in range(0, grid.shape[1], stride[1]):
            cells = [(row + du, col + dv) for du, dv in taps]
            if all(r < grid.shape[0] and c < grid.shape[1] for r, c in cells):
                for r, c in cells:
                    grid[r, c] += 1
    return grid


def test_coverage_counts_take_per_side_padding_and_match_brute_force():
    checked = 0
    for h, w, kh, kw, top, bottom, left, right, sh, dw in itertools.product(
        (1, 3, 5), (2, 4), (1, 2, 3), (1, 3), (0, 2), (0, 1), (0, 1), (0, 3), (1, 2), (1, 2)
    ):
        sides, stride, dilation = ((top, bottom), (left, right)), (sh, 1), (1, dw)
        expected = brute_force_coverage_2d((h, w), (kh, kw), sides, stride, dilation)
        if expected.sum() == 0:  # not even one window fits
            with pytest.raises(ValueError, match="no room for even one window"):
                coverage_counts((h, w), (kh, kw), sides, stride, dilation)
            continue
        got = coverage_counts((h, w), (kh, kw), sides, stride, dilation)
        np.testing.assert_array_equal(got, expected)
        checked += 1
    assert checked > 500


def test_coverage_counts_take_same_padding_as_its_sides():
    for kernel, dilation in itertools.product((1, 2, 3, 4), (1, 2)):
        sides = padding_per_side("same", kernel, 1, dilation)
        np.testing.assert_array_equal(coverage_counts((5, 6), kernel, "same", 1, dilation),
                                      coverage_counts((5, 6), kernel, sides, 1, dilation))


def test_window_geometry_padded_size_counts_every_side():
    g = window_geometry((5, 6), 3, ((1, 2), (0, 3)))
    assert g.padded_size == (8, 9)
    assert coverage_counts((5, 6), 3, ((1, 2), (0, 3))).shape == g.padded_size


@pytest.mark.parametrize("padding", [((1, 0), 0), ((1, 1), (0, 0)), "same", "valid"])
def test_transposed_size_says_why_it_takes_no_per_side_padding(padding):
    with pytest.raises(ValueError, match="per-side padding and names are not supported by "
                                         "transposed_conv_output_size, because"):
        transposed_conv_output_size(5, 3, padding)
    assert transposed_conv_output_size(5, 3, (1, 0)) == (5, 7)  # a pair (height, width) still works


# --------------------------------------------------------------------------
# Properties (hypothesis)
# --------------------------------------------------------------------------

settings_1d = st.tuples(
    st.integers(1, 300), st.integers(1, 15), st.integers(0, 10), st.integers(1, 8),
    st.integers(1, 5),
)


@given(settings_1d)
def test_floor_size_is_the_largest_count_of_windows_that_fit(setting):
    size, kernel, padding, stride, dilation = setting
    span = dilation * (kernel - 1) + 1
    if span > size + 2 * padding:
        return
    out = conv_output_size(size, kernel, padding, stride, dilation, strict=False)
    last_end = (out - 1) * stride + span  # one past the last tap of the last window
    assert last_end <= size + 2 * padding < last_end + stride


@given(settings_1d, st.data())
def test_transposed_conv_undoes_conv(setting, data):
    size, kernel, padding, stride, dilation = setting
    span = dilation * (kernel - 1) + 1
    if span > size + 2 * padding:
        return
    out = conv_output_size(size, kernel, padding, stride, dilation, strict=False)
    extra = data.draw(st.integers(0, max(stride, dilation) - 1))
    try:
        back = transposed_conv_output_size(out, kernel, padding, stride, dilation, extra)
    except ValueError:
        return  # padding crops everything: nothing to undo
    if extra < stride:
        assert conv_output_size(back, kernel, padding, stride, dilation, strict=False) == out


@given(
    st.tuples(st.integers(1, 60), st.integers(1, 60)),
    st.tuples(st.integers(1, 7), st.integers(1, 7)),
    st.tuples(st.integers(0, 3), st.integers(0, 3)),
    st.tuples(st.integers(1, 4), st.integers(1, 4)),
)
def test_pairs_are_two_independent_dimensions(size, kernel, padding, stride):
    try:
        pair = conv_output_size(size, kernel, padding, stride, strict=False)
    except ValueError:
        return
    assert pair == tuple(
        conv_output_size(size[a], kernel[a], padding[a], stride[a], strict=False) for a in range(2)
    )


# --------------------------------------------------------------------------
# Worked examples of the course
# --------------------------------------------------------------------------


def test_course_examples():
    assert conv_output_size(5, 3) == 3
    assert conv_output_size(5, 3, padding=1) == 5
    assert conv_output_size((227, 227), (11, 11), stride=4) == (55, 55)
    assert conv_output_size(224, 11, stride=4, strict=False) == 54
    assert conv_output_size(10, 3, 0, 2, strict=False) == 4
    assert [r.size for r in receptive_field([(3, 1)] * 3)] == [3, 5, 7]
    assert same_padding(4) == (1, 2)
    assert same_padding((3, 4)) == ((1, 1), (1, 2))


def test_fitting_configurations_agree_with_strict_mode():
    for result in fitting_configurations(32, range(1, 8), range(1, 5), range(0, 4)):
        if result.fits:
            assert conv_output_size(32, result.kernel_size, result.padding, result.stride) == (
                result.output_size
            )
        else:
            with pytest.raises(ValueError):
                conv_output_size(32, result.kernel_size, result.padding, result.stride)


# --------------------------------------------------------------------------
# Errors that teach
# --------------------------------------------------------------------------


def test_the_4_5_case_shows_the_arithmetic_and_suggestions():
    with pytest.raises(ValueError) as info:
        conv_output_size(10, 3, 0, 2)
    message = str(info.value)
    assert "(10 - 3 + 2*0)/2 + 1 = 4.5" in message
    assert "floor the result to 4" in message
    assert "input cells [9]" in message
    assert "stride=1 (output 8)" in message
    assert "No padding fits with stride=2" in message


@pytest.mark.parametrize("setting", [(11, 3, 1, 3), (10, 3, 0, 2), (30, 5, 2, 4), (17, 4, 3, 5)])
def test_every_suggestion_really_fits(setting):
    size, kernel, padding, stride = setting
    with pytest.raises(ValueError) as info:
        conv_output_size(size, kernel, padding, stride)
    message = str(info.value)
    paddings = re.findall(r"padding=(\d+) \(output (\d+)\)", message)
    strides = re.findall(r"stride=(\d+) \(output (\d+)\)", message)
    assert strides, message  # stride 1 always fits, so there is at least one
    for p, out in paddings:
        assert conv_output_size(size, kernel, int(p), stride) == int(out)
    for s, out in strides:
        assert conv_output_size(size, kernel, padding, int(s)) == int(out)


def test_dilated_message_explains_the_span():
    with pytest.raises(ValueError, match=r"spans 2\*\(3-1\) \+ 1 = 5 cells"):
        conv_output_size(10, 3, 0, 2, 2)


def test_pair_error_names_the_dimension():
    with pytest.raises(ValueError, match="^width: "):
        conv_output_size((9, 10), 3, 0, 2)


@pytest.mark.parametrize(
    "kwargs, error, fragment",
    [
        ({"kernel_size": 0}, ValueError, "kernel_size must be an integer >= 1, got 0"),
        ({"stride": 0}, ValueError, "stride must be an integer >= 1, got 0"),
        ({"dilation": 0}, ValueError, "dilation must be an integer >= 1, got 0"),
        ({"padding": -1}, ValueError, "padding must be an integer >= 0, got -1"),
        ({"size": 0}, ValueError, "size must be an integer >= 1, got 0"),
        ({"size": 2, "kernel_size": 5}, ValueError, "no room for even one window"),
        ({"size": 5.0}, TypeError, "size must be an int or a pair"),
        ({"kernel_size": True}, TypeError, "kernel_size must be an int"),
        ({"stride": "2"}, TypeError, "stride must be an int"),
        ({"padding": 1.5}, TypeError, "padding must be an int"),
        ({"padding": "full"}, ValueError, "'valid' or 'same'"),
        ({"padding": "same", "stride": 2}, ValueError, "padding='same' needs stride=1"),
        ({"kernel_size": (3, 3, 3)}, ValueError, "got 3 values"),
        ({"kernel_size": (3, None)}, TypeError, r"kernel_size\[1\] \(width\) must be an integer"),
        ({"strict": "yes"}, TypeError, "strict must be True or False"),
    ],
)
def test_conv_output_size_errors_name_the_argument(kwargs, error, fragment):
    arguments = {"size": 5, "kernel_size": 3} | kwargs
    with pytest.raises(error, match=fragment):
        conv_output_size(**arguments)


def test_numpy_integers_are_accepted():
    assert conv_output_size(np.int64(227), np.int32(11), stride=np.int16(4)) == 55


@pytest.mark.parametrize(
    "call, error, fragment",
    [
        (lambda: same_padding(0), ValueError, "kernel_size must be an integer >= 1"),
        (lambda: effective_kernel_size(3, dilation=0.5), TypeError, "dilation must be an int"),
        (lambda: transposed_conv_output_size(4, 3, stride=2, output_padding=2), ValueError,
         "output_padding must be smaller than stride or dilation"),
        (lambda: receptive_field([]), ValueError, "at least one"),
        (lambda: receptive_field("3x3"), TypeError, "layers must be a list"),
        (lambda: receptive_field([(3,)]), TypeError, r"layers\[0\] must be a \(kernel_size, stride\)"),
        (lambda: receptive_field([(3, 0)]), ValueError, r"layers\[0\] stride must be an integer >= 1"),
        (lambda: window_layout(4, 3).taps(2), ValueError, "position must be between 0 and 1"),
        (lambda: fitting_configurations(32, [0], [1], [0]), ValueError,
         r"kernel_sizes\[0\] must be"),
    ],
)
def test_other_errors_name_the_argument(call, error, fragment):
    with pytest.raises(error, match=fragment):
        call()


def test_message_says_when_only_padding_is_skipped():
    with pytest.raises(ValueError, match="only padding, so no input is lost"):
        conv_output_size(10, 3, 1, 2)
    assert window_layout(10, 3, 1, 2).dropped_inputs == ()


# --------------------------------------------------------------------------
# One geometry (issue 17): padding per side, 2-D output sizes
# --------------------------------------------------------------------------


def brute_force_count(size, kernel, before, after, stride, dilation):
    """Window positions on a strip padded ``before`` and ``after``, by sliding (no formula)."""
    strip_length = before + size + after
    count, start = 0, 0
    while start + (kernel - 1) * dilation < strip_length:
        count += 1
        start += stride
    return count


@pytest.mark.parametrize(
    "padding, sides",
    [
        (0, ((0, 0), (0, 0))),
        (2, ((2, 2), (2, 2))),
        ((1, 3), ((1, 1), (3, 3))),
        ([1, 3], ((1, 1), (3, 3))),
        (((1, 0), (0, 2)), ((1, 0), (0, 2))),
        (((1, 0), 2), ((1, 0), (2, 2))),
        ([[1, 0], [0, 2]], ((1, 0), (0, 2))),
        (np.int64(1), ((1, 1), (1, 1))),
    ],
)
def test_padding_per_side_spells_out_every_numeric_form(padding, sides):
    assert padding_per_side(padding) == sides
    # A kernel size changes nothing for numbers.
    assert padding_per_side(padding, kernel_size=5, stride=2) == sides


@pytest.mark.parametrize(
    "kernel, dilation, sides",
    [
        (3, 1, ((1, 1), (1, 1))),
        (4, 1, ((1, 2), (1, 2))),  # the odd cell at the bottom/right, as PyTorch
        ((3, 4), 1, ((1, 1), (1, 2))),
        (3, 2, ((2, 2), (2, 2))),
        (1, 1, ((0, 0), (0, 0))),
    ],
)
def test_same_padding_per_side_matches_same_padding(kernel, dilation, sides):
    assert padding_per_side("same", kernel, 1, dilation) == sides
    assert padding_per_side("valid", kernel) == ((0, 0), (0, 0))
    split = same_padding(kernel, dilation)
    assert sides == (split if isinstance(split[0], tuple) else (split, split))


def test_names_need_a_kernel_size_and_same_needs_stride_1():
    with pytest.raises(ValueError, match="'valid' and 'same' are worked out from a kernel size, "
                                         "and this call has none"):
        padding_per_side("same")
    with pytest.raises(ValueError, match="padding='same' needs stride=1"):
        padding_per_side("same", 3, stride=(1, 2))
    with pytest.raises(ValueError, match="'valid' or 'same', got 'full'"):
        padding_per_side("full", 3)
    with pytest.raises(ValueError, match=r"pad\[1\] \(width\) must be one int or \(before, after\)"):
        padding_per_side((1, (1, 2, 3)), name="pad")


@given(
    size=st.tuples(st.integers(1, 12), st.integers(1, 12)),
    kernel=st.tuples(st.integers(1, 5), st.integers(1, 5)),
    sides=st.tuples(st.tuples(st.integers(0, 3), st.integers(0, 3)),
                    st.tuples(st.integers(0, 3), st.integers(0, 3))),
    stride=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    dilation=st.tuples(st.integers(1, 2), st.integers(1, 2)),
)
def test_per_side_padding_sizes_match_brute_force(size, kernel, sides, stride, dilation):
    counts = tuple(
        brute_force_count(size[a], kernel[a], *sides[a], stride[a], dilation[a]) for a in range(2)
    )
    if min(counts) == 0:
        with pytest.raises(ValueError, match="no room for even one window"):
            window_output_size(size, kernel, sides, stride, dilation)
        return
    assert window_output_size(size, kernel, sides, stride, dilation) == counts
    assert conv_output_size(size, kernel, sides, stride, dilation, strict=False) == counts


def test_conv_output_size_takes_per_side_padding():
    # 5 + 1 + 0 - 3 + 1 = 4 rows; 5 + 0 + 1 - 3 + 1 = 4 columns
    assert conv_output_size(5, 3, ((1, 0), (0, 1))) == (4, 4)
    assert conv_output_size(5, 2, ((1, 0), (1, 0)), 2) == (3, 3)  # (5 + 1 - 2)/2 + 1
    assert conv_output_size(4, 2, ((1, 0), (0, 0)), 2, strict=False) == (2, 2)  # floor(2.5)
    # Even padding per side is the same as the int.
    assert conv_output_size(7, 3, ((1, 1), (1, 1)), 2) == conv_output_size((7, 7), 3, 1, 2)


def test_strict_per_side_message_shows_both_sides():
    with pytest.raises(ValueError) as info:
        conv_output_size(10, 3, ((1, 0), (0, 0)), 2)
    message = str(info.value)
    # The height fits, (10 - 3 + 1 + 0)/2 + 1 = 5; the width does not.
    assert message.startswith("width: the windows do not tile")
    assert "(10 - 3 + 1 + 0)" not in message
    with pytest.raises(ValueError, match=r"^width: .*\(10 - 3 \+ 2\*0\)/2 \+ 1 = 4\.5"):
        conv_output_size(10, 3, ((1, 0), (0, 0)), 2)
    with pytest.raises(ValueError) as info:
        conv_output_size(10, 3, ((2, 0), (1, 1)), 2)
    message = str(info.value)
    assert "(10 - 3 + 2 + 0)/2 + 1 = 5.5" in message
    assert "frameworks floor the result to 5" in message
    assert "Strides that fit with padding=(2, 0)" in message


def test_no_room_message_with_padding_per_side():
    with pytest.raises(ValueError) as info:
        conv_output_size(2, 5, ((1, 0), (0, 0)))
    assert str(info.value) == (
        "height: no room for even one window: kernel_size=5, but the padded input has only "
        "size + padding before + after = 2 + 1 + 0 = 3 cells. Use a smaller kernel_size or "
        "dilation, or at least 3 cells of padding in all."
    )


def test_window_output_size_is_conv_output_size_floored_as_a_pair():
    for size, kernel, padding, stride, dilation in ALL_SETTINGS[::97]:
        try:
            expected = conv_output_size(size, kernel, padding, stride, dilation, strict=False)
        except ValueError:
            continue
        assert window_output_size(size, kernel, padding, stride, dilation) == (expected, expected)
    assert window_output_size((28, 28), 3, "same") == (28, 28)
    assert window_output_size((28, 27), (4, 2), "same", 1, (1, 3)) == (28, 27)


def test_window_output_size_says_which_dimension_has_no_room():
    with pytest.raises(ValueError, match="^the kernel does not fit along the width: no room"):
        window_output_size((9, 2), 3)
    with pytest.raises(ValueError, match=r"kernel_size=3 with dilation 3, spanning 7 cells"):
        window_output_size(5, 3, dilation=3)


def test_explain_output_size_is_the_explorer_report():
    from course_utils import conv_arithmetic_report

    for setting in [(10, 3, 0, 2), (9, 3, 0, 2), (3, 5), (10, 3, 1, 2, 2), (5, 1)]:
        assert explain_output_size(*setting) == conv_arithmetic_report(*setting)
    assert explain_output_size(9, 3, 0, 2).splitlines() == [
        "W_out = (W - K + 2P)/S + 1",
        "      = (9 - 3 + 2*0)/2 + 1",
        "      = 4",
        "The windows fit exactly: 4 output values, the last window ending on the last cell of "
        "the padded input.",
    ]
    with pytest.raises(ValueError, match="stride must be an integer >= 1"):
        explain_output_size(5, 3, 0, 0)


def test_window_geometry_holds_every_size_as_pairs():
    g = window_geometry((9, 8), (3, 2), ((1, 0), 2), (2, 1), (1, 3))
    assert g.input_size == (9, 8) and g.kernel_size == (3, 2)
    assert g.padding == ((1, 0), (2, 2)) and g.stride == (2, 1) and g.dilation == (1, 3)
    assert g.span == (3, 4)  # 3*(2-1) + 1 = 4 along the width
    assert g.output_size == ((9 + 1 - 3) // 2 + 1, 8 + 4 - 4 + 1) == (4, 9)
    assert window_output_size((9, 8), (3, 2), ((1, 0), 2), (2, 1), (1, 3)) == g.output_size
