"""The model summary: its counts against arrays that real models allocate, its shapes
against real forward passes, the course's MNIST numbers, and its tables."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import course_utils as cu
from course_utils import (
    ConvSpec,
    DenseSpec,
    DepthwiseSeparableSpec,
    FlattenSpec,
    LocallyConnectedSpec,
    MaxPoolSpec,
    ReLUSpec,
    build_model,
    conv2d,
    numerical_gradient,
    rel_error,
    summarize,
)
from course_utils.nn.layers import softmax_cross_entropy


def mnist_model(padding):
    return [ConvSpec(32, 3, padding=padding), ReLUSpec(), MaxPoolSpec(2), FlattenSpec(),
            DenseSpec(128), ReLUSpec(), DenseSpec(10)]


def test_mnist_counts_with_same_padding_are_the_courses():
    summary = summarize(mnist_model("same"), (1, 28, 28))
    conv, _, pool, flat, dense, _, out = summary.rows
    assert (conv.output_shape, pool.output_shape, flat.output_shape) == (
        (32, 28, 28), (32, 14, 14), (6272,))
    assert (conv.weights, conv.parameters) == (288, 320)
    assert (dense.weights, dense.parameters) == (802_816, 802_944)
    assert (out.weights, out.parameters) == (1_280, 1_290)
    assert summary.parameters == 804_554 and summary.biases == 32 + 128 + 10


def test_mnist_counts_with_valid_padding_are_the_courses():
    summary = summarize(mnist_model("valid"), (1, 28, 28))
    assert summary.rows[0].output_shape == (32, 26, 26)
    assert summary.rows[2].output_shape == (32, 13, 13)
    assert (summary.rows[4].weights, summary.rows[4].parameters) == (692_224, 692_352)
    assert summary.parameters == 693_962


def test_dense_only_model_has_101770_parameters():
    summary = summarize([FlattenSpec(), DenseSpec(128), ReLUSpec(), DenseSpec(10)], (1, 28, 28))
    assert summary.parameters == 784 * 128 + 128 + 128 * 10 + 10 == 101_770


def test_multiply_adds_count_each_product_once():
    summary = summarize(mnist_model("same"), (1, 28, 28))
    conv, relu, pool, flat, dense, _, out = summary.rows
    # every one of the 28*28*32 outputs sums 3*3*1 products; a dense weight is used once
    assert conv.multiply_adds == 28 * 28 * 32 * 9
    assert (dense.multiply_adds, out.multiply_adds) == (dense.weights, out.weights)
    assert relu.multiply_adds == pool.multiply_adds == flat.multiply_adds == 0
    assert summary.memory == 4 * 804_554


def test_conv_multiply_adds_equal_the_products_conv2d_sums():
    # On all-ones inputs and filters, each output of a bias-free conv is the number
    # of products it summed, so the outputs add up to the multiply-adds.
    spec = ConvSpec(6, (3, 2), padding=1, stride=(2, 1), dilation=(1, 2))
    x, w = np.ones((1, 4, 9, 8)), np.ones((6, 4, 3, 2))
    summed = conv2d(x, w, stride=(2, 1), padding=1, dilation=(1, 2))
    # zero padding multiplies zeros too, as frameworks count; remove the padding's effect
    padded = conv2d(np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)), constant_values=1), w,
                    stride=(2, 1), dilation=(1, 2))
    row = summarize([spec], (4, 9, 8)).rows[0]
    assert summed.shape[1:] == row.output_shape
    assert padded.sum() == row.multiply_adds


def test_depthwise_separable_multiply_adds_follow_mobilenets_ratio():
    c_in, c_out, k = 32, 64, 3
    standard = summarize([ConvSpec(c_out, k, padding="same", bias=False)], (c_in, 14, 14))
    separable = summarize([DepthwiseSeparableSpec(c_out, k, padding="same", bias=False)],
                          (c_in, 14, 14))
    assert separable.multiply_adds * (c_out * k * k) == standard.multiply_adds * (k * k + c_out)
    assert separable.weights == k * k * c_in + c_in * c_out


def test_dilation_with_same_padding_changes_neither_parameters_nor_multiply_adds():
    plain = summarize([ConvSpec(32, 3, padding="same")], (16, 20, 20))
    dilated = summarize([ConvSpec(32, 3, padding="same", dilation=2)], (16, 20, 20))
    assert dilated.parameters == plain.parameters
    assert dilated.multiply_adds == plain.multiply_adds
    assert dilated.output_shape == plain.output_shape
    # with a fixed padding the dilated window fits fewer times: fewer outputs, less work
    fixed = summarize([ConvSpec(32, 3, padding=1, dilation=2)], (16, 20, 20))
    assert fixed.output_shape == (32, 18, 18) and fixed.parameters == plain.parameters
    assert fixed.multiply_adds * 400 == plain.multiply_adds * 324


def test_grouped_conv_divides_weights_and_work_by_groups():
    full = summarize([ConvSpec(256, 5, padding=2)], (96, 27, 27))
    grouped = summarize([ConvSpec(256, 5, padding=2, groups=2)], (96, 27, 27))
    assert grouped.weights * 2 == full.weights and grouped.biases == full.biases == 256
    assert grouped.multiply_adds * 2 == full.multiply_adds
    assert grouped.parameters == 307_456  # AlexNet conv2, split over two GPUs


def fits(size, kernel, padding, stride, dilation=1):
    """Output size of one dimension worked out by counting window positions."""
    span = dilation * (kernel - 1) + 1
    return len(range(0, size + 2 * padding - span + 1, stride))


@st.composite
def specs_and_shapes(draw):
    """A random small model whose every layer has room, worked out independently."""
    channels = draw(st.integers(1, 4))
    h, w = draw(st.integers(5, 11)), draw(st.integers(5, 11))
    layers, (c, hh, ww) = [], (channels, h, w)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["conv", "separable", "local", "pool", "relu"]))
        kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
        stride = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
        padding = (draw(st.integers(0, 1)), draw(st.integers(0, 1)))
        dilation = draw(st.integers(1, 2))
        bias = draw(st.booleans())
        if kind == "pool":
            size = draw(st.integers(1, 2))
            if size > min(hh, ww):
                continue
            layers.append(MaxPoolSpec(size))
            hh, ww = hh // size, ww // size
            continue
        if kind == "relu":
            layers.append(ReLUSpec())
            continue
        if kind == "local":
            dilation = 1
        out_h = fits(hh, kernel[0], padding[0], stride[0], dilation)
        out_w = fits(ww, kernel[1], padding[1], stride[1], dilation)
        if min(out_h, out_w) < 1:
            continue  # no room for one window: leave this layer out
        out = draw(st.integers(1, 3))
        if kind == "conv":
            groups = draw(st.sampled_from([g for g in (1, 2) if c % g == 0]))
            layers.append(ConvSpec(groups * out, kernel, padding, stride, dilation, groups, bias))
            c = groups * out
        elif kind == "separable":
            layers.append(DepthwiseSeparableSpec(out, kernel, padding, stride, dilation, bias))
            c = out
        else:
            layers.append(LocallyConnectedSpec(out, kernel, padding, stride, bias))
            c = out
        hh, ww = out_h, out_w
    expected = [(c, hh, ww)]
    if draw(st.booleans()) or not layers:
        features = draw(st.integers(1, 5))
        layers += [FlattenSpec(), DenseSpec(features, bias=draw(st.booleans()))]
        expected = [(features,)]
    return layers, (channels, h, w), expected[0]


@settings(max_examples=80, deadline=None)
@given(specs_and_shapes(), st.integers(0, 2**16))
def test_summary_counts_and_shapes_equal_those_of_a_built_model(case, seed):
    layers, input_shape, expected_output = case
    summary = summarize(layers, input_shape)
    assert summary.output_shape == expected_output
    model = build_model(layers, input_shape, seed=seed, dtype="float64")
    assert model.parameter_count() == summary.parameters
    weights = sum(layer.params["w"].size for layer in model.layers if "w" in layer.params)
    biases = sum(layer.params["b"].size for layer in model.layers if "b" in layer.params)
    assert (weights, biases) == (summary.weights, summary.biases)
    # every row's shape is the shape a real forward pass gives after that layer
    # (a depthwise-separable spec is two built layers; its row is the second's)
    x = np.random.default_rng(seed).standard_normal((2, *input_shape))
    built = iter(model.layers)
    for spec, row in zip(layers, summary.rows):
        for _ in range(2 if isinstance(spec, DepthwiseSeparableSpec) else 1):
            x = next(built).forward(x)
        assert x.shape[1:] == row.output_shape, spec


def test_each_rows_shape_matches_the_layer_outputs():
    layers = mnist_model("valid")
    summary = summarize(layers, (1, 28, 28))
    model = build_model(layers, (1, 28, 28), seed=0)
    x = np.zeros((3, 1, 28, 28), dtype=np.float32)
    for layer, row in zip(model.layers, summary.rows):
        x = layer.forward(x)
        assert x.shape[1:] == row.output_shape
        assert x.dtype == np.float32  # float32 in, float32 all the way


def test_build_model_is_seeded_and_float32_by_default():
    a = build_model(mnist_model("same"), (1, 28, 28), seed=3)
    b = build_model(mnist_model("same"), (1, 28, 28), seed=3)
    c = build_model(mnist_model("same"), (1, 28, 28), seed=4)
    assert all(p.dtype == np.float32 for layer in a.layers for p in layer.params.values())
    assert np.array_equal(a.layers[0].params["w"], b.layers[0].params["w"])
    assert not np.array_equal(a.layers[0].params["w"], c.layers[0].params["w"])


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(["conv", "grouped", "separable", "local", "dilated"]),
       st.integers(0, 2**16))
def test_every_built_models_backward_pass_matches_finite_differences(kind, seed):
    first = {
        "conv": ConvSpec(4, 3, padding=1),
        "grouped": ConvSpec(4, 3, padding=1, groups=2),
        "separable": DepthwiseSeparableSpec(4, 3, padding="same"),
        "local": LocallyConnectedSpec(2, 3, padding=1),
        "dilated": ConvSpec(2, 3, padding="same", dilation=2),
    }[kind]
    layers = [first, ReLUSpec(), MaxPoolSpec(2), FlattenSpec(), DenseSpec(5), ReLUSpec(),
              DenseSpec(3)]
    model = build_model(layers, (2, 6, 6), seed=seed, dtype="float64")
    rng = np.random.default_rng(seed)
    x, labels = rng.standard_normal((3, 2, 6, 6)), rng.integers(0, 3, 3)

    def loss_of(values):
        return np.array(softmax_cross_entropy(model.forward(values), labels)[0])

    _, dscores = softmax_cross_entropy(model.forward(x), labels)
    dx = model.backward(dscores)
    for layer in model.layers:
        for name, param in layer.params.items():
            analytic = layer.grads[name].copy()

            def loss_of_param(values, layer=layer, name=name):
                saved = layer.params[name]
                layer.params[name] = values
                try:
                    return loss_of(x)
                finally:
                    layer.params[name] = saved

            numeric = numerical_gradient(loss_of_param, param.copy(), np.array(1.0), 1e-5)
            # ReLU and max pooling have kinks that a step rarely crosses; a wrong
            # gradient gives a relative error near 1, rounding one below 1e-4.
            assert rel_error(analytic, numeric) < 1e-4, (kind, type(layer).__name__, name)
    assert rel_error(dx, numerical_gradient(loss_of, x.copy(), np.array(1.0), 1e-5)) < 1e-4


def test_text_table_has_every_row_and_the_totals():
    text = str(summarize(mnist_model("same"), (1, 28, 28)))
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["Layer", "Output", "shape"]
    assert "conv 32@3x3, pad same" in text and "(32, 28, 28)" in text
    total = next(line for line in lines if line.startswith("total"))
    assert total.split()[1:5] == ["804,384", "170", "804,554", "1,029,888"]
    assert repr(summarize(mnist_model("same"), (1, 28, 28))) == text


def test_html_table_has_a_row_per_layer_and_a_bold_total():
    html = summarize(mnist_model("same"), (1, 28, 28))._repr_html_()
    assert html.count("<tr>") == 1 + 7 + 1
    assert "<b>804,554</b>" in html and "<th" in html
    assert "<b>" not in html.split("<tfoot>")[0]


@pytest.mark.parametrize("layers, shape, message", [
    ([ConvSpec(8, 3)], (1, 28), "input_shape must be (C, H, W)"),
    ([], (1, 28, 28), "at least one layer spec"),
    ([DenseSpec(10)], (1, 28, 28), "put a FlattenSpec() before it"),
    ([FlattenSpec(), ConvSpec(8, 3)], (1, 8, 8),
     "input_shape must be an image shape (C, H, W) for a conv layer"),
    (["conv"], (1, 8, 8), "layers[0] must be a layer spec"),
    ([ConvSpec(8, 9)], (1, 5, 5), "kernel"),
    # groups=3 divides out_channels=6, so the spec builds; the 4 input channels are known
    # only here. (groups that do not divide out_channels are refused when the spec is made.)
    ([ConvSpec(6, 3, groups=3)], (4, 8, 8), "in_channels must be divisible by groups"),
    ([ConvSpec(8, (3, 9))], (1, 5, 5), "along the width"),
    ([ConvSpec(8, 3), MaxPoolSpec(3)], (1, 4, 4), "layers[1] (max pool 3x3)"),
    ([ConvSpec(8, 3)], (28, 28, 1), "write (1, 28, 28)"),
])
def test_bad_models_get_clear_errors(layers, shape, message):
    with pytest.raises((TypeError, ValueError)) as error:
        summarize(layers, shape)
    assert message in str(error.value)


@pytest.mark.parametrize("make, message", [
    (lambda: ConvSpec(0, 3), "out_channels"),
    (lambda: ConvSpec(8, 3, padding="full"), "padding must be"),
    (lambda: ConvSpec(8, 3.0), "kernel_size"),
    (lambda: DenseSpec(-1), "out_features"),
    (lambda: MaxPoolSpec(0), "size"),
    (lambda: LocallyConnectedSpec(4, 3, padding="same", stride=2), "padding='same' needs stride=1"),
    (lambda: ConvSpec(8, 3, bias=1), "bias"),
    (lambda: ConvSpec(8, 3, groups=3), "out_channels must be divisible by groups"),
    (lambda: ConvSpec(10, 3, groups=3), "out_channels=10, groups=3"),
    (lambda: ConvSpec(8, 3, padding="same", stride=2), "padding='same' needs stride=1"),
    (lambda: DepthwiseSeparableSpec(8, 3, padding="same", stride=(1, 2)), "needs stride=1"),
    (lambda: ConvSpec(8, 3, padding=((1, -1), 0)), "padding[0][1] (height, after)"),
    (lambda: LocallyConnectedSpec(4, 3, padding=(1, 2, 3)), "got 3 values"),
])
def test_bad_specs_are_refused_when_made(make, message):
    with pytest.raises((TypeError, ValueError)) as error:
        make()
    assert message in str(error.value)


def test_specs_given_lists_stay_hashable_and_equal_to_tuples():
    assert ConvSpec(8, [3, 3], padding=[1, 1]) == ConvSpec(8, (3, 3), padding=(1, 1))
    assert len({ConvSpec(8, [3, 3]), ConvSpec(8, (3, 3))}) == 1
    assert ConvSpec(8, 3, stride=(1, 1)).describe() == "conv 8@3x3, pad 0"


def test_build_model_refuses_other_dtypes_and_seeds():
    with pytest.raises(ValueError, match="dtype must be"):
        build_model(mnist_model("same"), (1, 28, 28), seed=0, dtype="int8")
    with pytest.raises(TypeError, match="seed"):
        build_model(mnist_model("same"), (1, 28, 28), seed=None)
    model = build_model(mnist_model("same"), (1, 28, 28), seed=0, dtype=np.float64)
    assert model.layers[0].params["w"].dtype == np.float64


# ---------------------------------------------------------------------------
# One geometry (issue 17): specs take any padding, validate when made, and any LayerSpec
# ---------------------------------------------------------------------------


def test_specs_with_per_side_padding_count_what_the_built_model_makes():
    layers = [ConvSpec(4, 3, padding=((1, 0), (0, 1))), ReLUSpec(),
              DepthwiseSeparableSpec(6, (2, 3), padding=[[0, 1], [1, 1]]),
              LocallyConnectedSpec(2, 2, padding=((0, 1), 0)), MaxPoolSpec(2)]
    summary = summarize(layers, (2, 9, 8))
    model = build_model(layers, (2, 9, 8), seed=0)
    out = model.forward(np.ones((1, 2, 9, 8), dtype=np.float32))
    assert out.shape[1:] == summary.output_shape
    assert summary.rows[0].output_shape == (4, 8, 7)  # 9 + 1 + 0 - 3 + 1, 8 + 0 + 1 - 3 + 1
    assert summary.rows[0].layer == "conv 4@3x3, pad ((1, 0), (0, 1))"
    assert hash(layers[2]) == hash(DepthwiseSeparableSpec(6, (2, 3), padding=((0, 1), (1, 1))))


def test_a_new_layer_spec_needs_no_edit_in_summary():
    from course_utils import LayerCounts, LayerSpec
    from course_utils.nn.model import Flatten

    class HalveSpec(LayerSpec):
        """A made-up spec: its output is half the input's features."""

        def describe(self):
            return "halve"

        def output_shape(self, input_shape):
            return (input_shape[0] // 2,)

        def counts(self, input_shape):
            return LayerCounts(0, 0, 0)

        def build(self, input_shape, rng):
            return [Flatten()]

    summary = summarize([FlattenSpec(), HalveSpec(), DenseSpec(3)], (1, 4, 4))
    assert [row.layer for row in summary.rows] == ["flatten", "halve", "dense 3"]
    assert summary.rows[2].weights == 8 * 3
    with pytest.raises(TypeError, match=r"layers\[1\] must be a layer spec \(.*ConvSpec.*\)"):
        summarize([FlattenSpec(), "halve"], (1, 4, 4))


def test_the_table_is_text_table_with_names_left_and_a_total_footer():
    from course_utils import text_table

    summary = summarize(mnist_model("same"), (1, 28, 28))
    lines = summary.table().splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("---"))
    assert lines[0].startswith("Layer ") and lines[rule + 1].startswith("conv 32@3x3, pad same  ")
    note = next(i for i, line in enumerate(lines) if line.startswith("input (1, 28, 28);"))
    assert lines[note - 1].startswith("total ") and lines[note - 2].startswith("-----")
    assert max(len(line) for line in lines) <= 100  # a projector's width
    assert text_table(["a", "bb"], [["x", 1]], footer=[["all", 10]], left_columns=1) == (
        "a    bb\n---  --\nx     1\n---  --\nall  10")


@pytest.mark.parametrize("padding", ["same", "valid", ((0, 1), (1, 0))])
def test_locally_connected_spec_takes_every_padding_form_and_builds_what_it_counts(padding):
    spec = LocallyConnectedSpec(2, (2, 3), padding=padding)
    shape = spec.output_shape((1, 5, 6))
    expected = {"same": (2, 5, 6), "valid": (2, 4, 4)}.get(padding, (2, 5, 5))
    assert shape == expected
    model = build_model([spec], (1, 5, 6), seed=0)
    out = model.infer(np.zeros((1, 1, 5, 6)))
    assert out.shape[1:] == shape
    assert model.parameter_count() == summarize([spec], (1, 5, 6)).rows[0].parameters


def test_build_model_reads_a_generator_of_specs_once():
    specs = [FlattenSpec(), DenseSpec(3)]
    from_generator = build_model((spec for spec in specs), (1, 4, 4), seed=0)
    from_list = build_model(specs, (1, 4, 4), seed=0)
    assert [type(layer) for layer in from_generator.layers] == [type(layer)
                                                                for layer in from_list.layers]
    assert np.array_equal(from_generator.layers[1].params["w"], from_list.layers[1].params["w"])
    assert summarize((spec for spec in specs), (1, 4, 4)).parameters == 51


@pytest.mark.parametrize("layers, shape, hint", [
    ([ReLUSpec], (1, 28, 28), "call it: ReLUSpec()"),
    ([ConvSpec(8, 3), FlattenSpec], (1, 28, 28), "layers[1] must be a layer spec"),
    ([ConvSpec], (1, 28, 28), "call it: ConvSpec(...)"),
    ((1, 28, 28), [ConvSpec(8, 3)], "the arguments are (layers, input_shape)"),
])
def test_common_slips_in_the_layers_get_a_hint(layers, shape, hint):
    with pytest.raises(TypeError) as error:
        summarize(layers, shape)
    assert hint in str(error.value)
    with pytest.raises(TypeError) as error:
        build_model(layers, shape, seed=0)
    assert hint in str(error.value)


ALL_SPECS = [ConvSpec(8, 3), DepthwiseSeparableSpec(8, 3), LocallyConnectedSpec(8, 3),
             MaxPoolSpec(2), ReLUSpec(), FlattenSpec(), DenseSpec(3)]


def test_every_spec_class_is_in_the_shape_check_below():
    from course_utils import LayerSpec

    ours = {spec for spec in LayerSpec.__subclasses__() if spec.__module__.startswith("course_utils")}
    assert {type(spec) for spec in ALL_SPECS} == ours


@pytest.mark.parametrize("spec", ALL_SPECS, ids=lambda spec: type(spec).__name__)
@pytest.mark.parametrize("method", ["output_shape", "counts"])
@pytest.mark.parametrize("shape, error, message", [
    ("abc", TypeError, "input_shape must be a tuple of positive ints"),
    (None, TypeError, "input_shape must be a tuple of positive ints"),
    ((), ValueError, "input_shape must hold at least one size"),
    ((1, 2.5, 3), TypeError, "input_shape[1] must be an integer"),
    ((1, 0, 3), ValueError, "input_shape[1] must be"),
])
def test_every_spec_checks_the_input_shape_it_is_given(spec, method, shape, error, message):
    with pytest.raises(error) as raised:
        getattr(spec, method)(shape)
    assert message in str(raised.value)


# --------------------------------------------------------------------------
# Memory beyond the parameters: activations and one training step
# --------------------------------------------------------------------------

MEMORY_MODELS = {
    "mnist same": ([ConvSpec(32, 3, padding="same"), ReLUSpec(), MaxPoolSpec(2), FlattenSpec(),
                    DenseSpec(128), ReLUSpec(), DenseSpec(10)], (1, 28, 28)),
    "separable, strided, locally connected": (
        [ConvSpec(4, 3, stride=2), ReLUSpec(), cu.DepthwiseSeparableSpec(6, 3, padding=1),
         LocallyConnectedSpec(3, 2), FlattenSpec(), DenseSpec(5)], (2, 11, 11)),
}


def _distinct_nbytes(arrays):
    """Bytes of the arrays, counting memory that two of them share once."""
    total, seen = 0, []
    for array in arrays:
        if not any(np.shares_memory(array, other) for other in seen):
            total += array.nbytes
        seen.append(array)
    return total


@pytest.mark.parametrize("name", sorted(MEMORY_MODELS))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_training_memory_is_what_the_model_really_allocates(name, dtype):
    layers, shape = MEMORY_MODELS[name]
    batch = 5
    summary = summarize(layers, shape)
    expected = summary.training_memory(batch, dtype=dtype)
    model = cu.build_model(layers, shape, seed=0, dtype=dtype)
    x = np.random.default_rng(0).standard_normal((batch, *shape)).astype(dtype)
    scores = model.forward(x)
    caches, _ = model._kept.value  # what the forward pass keeps for backward
    kept = [c for c in caches if isinstance(c, np.ndarray)]
    assert _distinct_nbytes(kept) == expected.activations
    params = [array for layer, key in model.parameters() for array in [layer.params[key]]]
    assert sum(p.nbytes for p in params) == expected.parameters
    model.backward(np.ones_like(scores))
    grads = [layer.grads[key] for layer, key in model.parameters()]
    assert sum(g.nbytes for g in grads) == expected.gradients
    adam = cu.Adam(model)
    adam.step()
    assert sum(a.nbytes for a in [*adam.m.values(), *adam.v.values()]) == expected.optimizer_state
    assert expected.total == (expected.parameters + expected.gradients + expected.optimizer_state
                              + expected.activations)


def test_each_rows_activations_are_the_outputs_the_layers_allocate():
    layers, shape = MEMORY_MODELS["mnist same"]
    summary = summarize(layers, shape)
    model = cu.build_model(layers, shape, seed=0)
    x = np.zeros((3, *shape), dtype=np.float32)
    for row, layer in zip(summary.rows, model.layers, strict=True):
        out, _ = layer._forward(x)
        if np.shares_memory(out, x):  # the flatten: a view
            assert row.activations == 0 and "(view)" in summary.table()
        else:
            assert out.nbytes == 3 * row.activation_memory
        x = out
    assert summary.activation_memory == 4 * (2 * 32 * 28 * 28 + 32 * 14 * 14 + 2 * 128 + 10)


def test_training_memory_of_the_mnist_model_counts_four_parts():
    memory = summarize(*MEMORY_MODELS["mnist same"]).training_memory(64)
    assert memory.parameters == memory.gradients == 4 * 804_554
    assert memory.optimizer_state == 2 * 4 * 804_554
    # kept: the input, the conv output, the ReLU output, the pooled maps, two 128-vectors
    assert memory.activations == 64 * 4 * (784 + 2 * 25_088 + 6_272 + 2 * 128)
    text = memory.table()
    assert "Adam's two moments" in text and text.splitlines()[-1].startswith("total")


@pytest.mark.parametrize("call, error, says", [
    (lambda s: s.training_memory(0), ValueError, "batch_size"),
    (lambda s: s.training_memory(2.5), TypeError, "batch_size"),
    (lambda s: s.training_memory(4, dtype="float16"), ValueError, "dtype"),
])
def test_training_memory_refuses_bad_arguments(call, error, says):
    with pytest.raises(error, match=says):
        call(summarize(*MEMORY_MODELS["mnist same"]))
