"""The framework conventions, checked against each framework's documented formula.

Each reference below is written from the documentation it names, not from
course_utils: PyTorch's ``nn.Conv2d`` and ``nn.MaxPool2d`` pages, TensorFlow's
"padding" guide (``tf.nn.convolution``), and the cs231n notes.
"""

from __future__ import annotations

import math
from fractions import Fraction

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import course_utils as cu  # noqa: E402

SETTINGS = [(n, k, s, p, d) for n in range(1, 16) for k in range(1, 6) for s in range(1, 5)
            for p in range(0, 3) for d in (1, 2)]


def torch_conv(n, k, s, p, d):
    # nn.Conv2d: floor((n + 2p - d(k-1) - 1) / s + 1)
    return math.floor((n + 2 * p - d * (k - 1) - 1) / s + 1)


def torch_pool_ceil(n, k, s, p, d):
    # nn.MaxPool2d(ceil_mode=True): ceil(...) and "sliding windows that would start in the
    # right padded region are ignored"
    out = math.ceil(Fraction(n + 2 * p - d * (k - 1) - 1, s) + 1)
    if (out - 1) * s >= n + p:
        out -= 1
    return out


def tf_valid(n, k, s, d):
    return math.ceil(Fraction(n - d * (k - 1), s))


def tf_same(n, s):
    return math.ceil(Fraction(n, s))


def tf_same_padding(n, k, s, d):
    total = max((tf_same(n, s) - 1) * s + d * (k - 1) + 1 - n, 0)
    return (total // 2, total - total // 2)


@pytest.mark.parametrize("n, k, s, p, d", SETTINGS[::7])
def test_each_convention_follows_its_documented_formula(n, k, s, p, d):
    span = d * (k - 1) + 1
    if n + 2 * p >= span:
        assert (cu.framework_output_size(n, k, s, p, d, convention="pytorch")
                == torch_conv(n, k, s, p, d))
        if p <= k // 2:  # PyTorch's pooling allows at most half the kernel as padding
            assert (cu.framework_output_size(n, k, s, p, d, convention="pytorch_ceil")
                    == torch_pool_ceil(n, k, s, p, d))
    if n >= span:
        assert (cu.framework_output_size(n, k, s, 0, d, convention="keras_valid")
                == tf_valid(n, k, s, d))
    assert cu.framework_output_size(n, k, s, 0, d, convention="keras_same") == tf_same(n, s)
    assert (cu.convention_padding(n, k, s, 0, d, convention="keras_same")
            == tf_same_padding(n, k, s, d))


@pytest.mark.parametrize("n, k, s, p", [(n, k, s, p) for n, k, s, p, d in SETTINGS if d == 1][::5])
def test_cs231n_is_strict_and_counts_dilation_from_zero(n, k, s, p):
    exact = Fraction(n - k + 2 * p, s) + 1
    if n + 2 * p < k:
        return
    if exact.denominator == 1:
        assert cu.framework_output_size(n, k, s, p, 0, convention="cs231n") == exact
        # cs231n's dilation 0 is the frameworks' 1; its 1 (one gap) is their 2
        assert (cu.framework_output_size(n, k, s, p, convention="cs231n")
                == cu.framework_output_size(n, k, s, p, 1, convention="pytorch"))
    else:
        with pytest.raises(ValueError, match="not a whole number"):
            cu.framework_output_size(n, k, s, p, convention="cs231n")


def test_cs231n_dilation_one_means_one_gap():
    assert cu.framework_output_size(7, 3, 1, 0, 1, convention="cs231n") == 3  # span 5
    assert cu.framework_output_size(7, 3, 1, 0, 2, convention="pytorch") == 3
    assert cu.framework_output_size(7, 3, 1, 0, 1, convention="pytorch") == 5


def test_alexnet_224_against_227():
    sizes = {c.name: cu.framework_output_size(224, 11, 4, convention=c.name)
             for c in cu.CONVENTIONS if c.name != "cs231n"}
    assert sizes == {"pytorch": 54, "pytorch_ceil": 55, "keras_valid": 54, "keras_same": 56}
    with pytest.raises(ValueError, match="54.25"):
        cu.framework_output_size(224, 11, 4, convention="cs231n")
    assert {cu.framework_output_size(227, 11, 4, convention=c) for c in
            ("pytorch", "pytorch_ceil", "keras_valid", "cs231n")} == {55}
    assert cu.convention_padding(224, 11, 4, convention="keras_same") == (3, 4)


def test_windows_placed_with_the_convention_padding_stay_inside():
    # Every window the size promises fits inside the padded strip, and one more would not.
    for n, k, s, p, d in SETTINGS[::11]:
        for name in ("pytorch", "pytorch_ceil", "keras_same"):
            pad = 0 if name == "keras_same" else p
            if name == "pytorch_ceil" and p > k // 2:
                continue
            try:
                out = cu.framework_output_size(n, k, s, pad, d, convention=name)
            except ValueError:
                continue
            before, after = cu.convention_padding(n, k, s, pad, d, convention=name)
            span = d * (k - 1) + 1
            assert (out - 1) * s + span <= before + n + after
            if name == "pytorch":
                assert out * s + span > before + n + after


def test_layouts():
    torch = cu.array_shapes(8, 3, 227, 96, 11, 4, convention="pytorch")
    keras = cu.array_shapes(8, 3, 227, 96, 11, 4, convention="keras_valid")
    assert (torch.layout, torch.input, torch.kernel, torch.output) == (
        "NCHW", (8, 3, 227, 227), (96, 3, 11, 11), (8, 96, 55, 55))
    assert (keras.layout, keras.input, keras.kernel, keras.output) == (
        "NHWC", (8, 227, 227, 3), (11, 11, 3, 96), (8, 55, 55, 96))
    same = cu.array_shapes(1, 3, 224, 96, 11, 4, convention="keras_same")
    assert same.output == (1, 56, 56, 96)


def test_conventions_table_names_every_convention_once():
    names = [c.name for c in cu.CONVENTIONS]
    assert names == ["pytorch", "pytorch_ceil", "keras_valid", "keras_same", "cs231n"]
    assert {c.layout for c in cu.CONVENTIONS} == {"NCHW", "NHWC", "either"}


def test_the_figure_marks_the_windows_and_the_dropped_cell():
    figure = cu.plot_conventions(10, 3, 2)
    labels = [t.get_text() for t in figure.axes[0].texts]
    assert "pytorch: 4 outputs" in labels and "keras same: 5 outputs" in labels
    assert "cs231n: invalid" in labels
    # one orange bar per window: 4 + 5 + 4 + 5 + 0
    assert len(figure.axes[0].lines) == 18
    plt.close(figure)
