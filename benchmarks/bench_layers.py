"""course_utils' layers against the standard implementations, on fixed shapes.

Every case is checked for the same numbers first (a fast wrong answer would
prove nothing), then timed: see ``timing.py`` for how. Peers that are not
installed (scipy, PyTorch) are reported as skipped.
"""

from __future__ import annotations

import importlib.util
import statistics
from dataclasses import dataclass, field
from functools import partial
from typing import Callable, Optional

import numpy as np
from timing import Timing, blas_threads, time_call

import course_utils as cu
from course_utils.conv.convolution import CONV2D_BACKWARD_METHODS, CONV2D_METHODS

DTYPE = np.float32  # what the course's models train in, and PyTorch's default


@dataclass(frozen=True)
class ConvCase:
    """One convolution: input (N, C_in, H, W), C_out filters of K x K, stride and padding."""

    name: str
    input_shape: tuple[int, int, int, int]
    out_channels: int
    kernel: int
    stride: int
    padding: int

    @property
    def weight_shape(self) -> tuple[int, int, int, int]:
        return (self.out_channels, self.input_shape[1], self.kernel, self.kernel)

    @property
    def output_size(self) -> int:
        return cu.conv_output_size(self.input_shape[2], self.kernel, self.padding, self.stride)

    def multiply_adds(self) -> int:
        """Multiply-adds of the forward pass (the same for conv and locally connected)."""
        n = self.input_shape[0]
        taps = self.input_shape[1] * self.kernel * self.kernel
        return n * self.out_channels * self.output_size ** 2 * taps


CONV_CASES = [
    ConvCase("AlexNet conv1, batch 1", (1, 3, 227, 227), 96, 11, 4, 0),
    ConvCase("AlexNet conv1, batch 8", (8, 3, 227, 227), 96, 11, 4, 0),
    ConvCase("MNIST conv, batch 64", (64, 1, 28, 28), 32, 3, 1, 1),
    ConvCase("64->64 3x3 on 56x56, batch 8", (8, 64, 56, 56), 64, 3, 1, 1),
]

# A locally connected layer has H_out*W_out times a conv's weights: AlexNet-sized
# layers would need gigabytes, so these are the course's own layers and one more.
LOCALLY_CONNECTED_CASES = [
    ConvCase("Faces (notebook 04), batch 32", (32, 1, 25, 25), 4, 5, 1, 0),
    ConvCase("MNIST (notebook 05), batch 64", (64, 1, 28, 28), 32, 3, 1, 1),
    ConvCase("16->16 3x3 on 28x28, batch 32", (32, 16, 28, 28), 16, 3, 1, 1),
]

OURS = "course_utils"

#: The PyTorch implementation each operation is compared with in the "over PyTorch" column.
TORCH_PEERS = {
    "conv2d forward": "torch.nn.functional.conv2d",
    "conv2d backward": "torch autograd (conv2d)",
    "locally_connected2d forward": "torch unfold + bmm",
    "locally_connected2d backward": "torch unfold + bmm (autograd)",
}

#: Rounds of (course_utils, bare multiply) timed one after the other; each round gives
#: one ratio, so that a machine busy in one moment and idle in the next moves both.
MULTIPLY_ROUNDS = 5


@dataclass
class CaseResult:
    """Timings of every implementation on one case of one operation.

    ``multiply`` is the bare BLAS product(s) of the same size (see
    :func:`bare_multiply`), and ``multiply_ratios`` course_utils' time over
    it, one ratio per round of :data:`MULTIPLY_ROUNDS`.
    """

    operation: str
    case: ConvCase
    timings: dict[str, Timing] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    multiply: Optional[Timing] = None
    multiply_ratios: list[float] = field(default_factory=list)
    multiply_shapes: str = ""

    def fastest_peer(self) -> Optional[str]:
        peers = [name for name in self.timings if not name.startswith(OURS)]
        return min(peers, key=lambda name: self.timings[name].median) if peers else None

    def ratio_to(self, peer: str) -> Optional[float]:
        if peer not in self.timings:
            return None
        return self.timings[OURS].median / self.timings[peer].median


def torch_ratio_text(result: CaseResult) -> str:
    """course_utils' time over PyTorch's, or why there is none."""
    peer = TORCH_PEERS[result.operation]
    if peer in result.timings:
        return f"{result.ratio_to(peer):.2f}x"
    return result.skipped.get(peer, "not measured")


def bare_multiply(operation: str, case: ConvCase, seed: int = 5) -> tuple[Callable[[], object], str]:
    """The BLAS product(s) that the columns algorithm of ``operation`` cannot do without.

    Random contiguous float32 operands of the sizes the layer multiplies, all
    images at once, so that the product is as fast as numpy's BLAS makes it:

    * conv2d forward: ``(C_out, C_in*K*K) @ (C_in*K*K, N*H_out*W_out)``;
    * conv2d backward: the two products of the same size, ``dw`` and the
      windows' gradient (twice the forward's multiply-adds);
    * locally connected forward: ``H_out*W_out`` products of
      ``(N, C_in*K*K) @ (C_in*K*K, C_out)``, one ``np.matmul`` call;
    * locally connected backward: the two batched products of the same size.

    Returns
    -------
    call : callable
        The product(s), timed as they are.
    shapes : str
        The operands' shapes, as the results table shows them.
    """
    rng = np.random.default_rng(seed)
    n, c_in = case.input_shape[:2]
    taps, positions = c_in * case.kernel ** 2, case.output_size ** 2

    def matrix(*shape):
        return rng.standard_normal(shape).astype(DTYPE)

    if operation.startswith("conv2d"):
        filters, columns = matrix(case.out_channels, taps), matrix(taps, n * positions)
        if operation == "conv2d forward":
            return (lambda: filters @ columns,
                    f"({case.out_channels}, {taps}) @ ({taps}, {n * positions})")
        dout = matrix(case.out_channels, n * positions)
        return (lambda: (dout @ columns.T, filters.T @ dout),
                f"2 x ({case.out_channels}, {taps}) @ ({taps}, {n * positions})")
    windows, filters = matrix(positions, n, taps), matrix(positions, taps, case.out_channels)
    shapes = f"{positions} x ({n}, {taps}) @ ({taps}, {case.out_channels})"
    if operation == "locally_connected2d forward":
        return lambda: np.matmul(windows, filters), shapes
    dout = matrix(positions, n, case.out_channels)
    windows_t, filters_t = matrix(positions, taps, n), matrix(positions, case.out_channels, taps)
    return lambda: (np.matmul(windows_t, dout), np.matmul(dout, filters_t)), "2 x " + shapes


def measure_against_multiply(result: CaseResult, ours: Callable[[], object], *,
                             setup: Optional[Callable[[], Callable[[], object]]] = None,
                             rounds: int = MULTIPLY_ROUNDS) -> None:
    """Time course_utils and the bare multiply in alternating rounds; fill ``result``."""
    multiply, result.multiply_shapes = bare_multiply(result.operation, result.case)
    ours_seconds, multiply_seconds = [], []
    for _ in range(rounds):
        mine = time_call(ours, setup=setup, budget_seconds=0.5)
        bare = time_call(multiply, budget_seconds=0.5)
        ours_seconds.append(mine.median)
        multiply_seconds.append(bare.median)
        result.multiply_ratios.append(mine.median / bare.median)
    result.multiply = Timing(multiply_seconds)


def method_name(method: str) -> str:
    """The column of one of course_utils' methods (the plain column is method='auto')."""
    return f"{OURS} method='{method}'"


def have(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def torch_or_none():
    """PyTorch set to the same number of threads as numpy's BLAS, or None."""
    if not have("torch"):
        return None
    import torch

    # numpy's OpenBLAS uses every usable core unless told otherwise; match it.
    torch.set_num_threads(blas_threads())
    return torch


def check_same(name: str, ours: np.ndarray, theirs: np.ndarray) -> None:
    # float32 sums of up to 576 products: agree to a few parts in a million of the scale.
    scale = max(1.0, float(np.abs(theirs).max()))
    if not np.allclose(ours, theirs, rtol=1e-4, atol=1e-4 * scale):
        worst = float(np.abs(np.asarray(ours) - np.asarray(theirs)).max())
        raise AssertionError(f"{name}: results differ from course_utils by up to {worst:g}")


def random_case(case: ConvCase, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(case.input_shape).astype(DTYPE)
    w = (rng.standard_normal(case.weight_shape) / np.sqrt(np.prod(case.weight_shape[1:])))
    b = rng.standard_normal(case.out_channels)
    return x, w.astype(DTYPE), b.astype(DTYPE)


def scipy_conv2d(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int,
                 padding: int) -> np.ndarray:
    """conv2d with scipy.signal.correlate: one call per image and filter.

    A 3-D 'valid' correlation of an image (C, H, W) with a filter (C, K, K)
    sums over the channels by itself; scipy has no stride, so every position
    is computed and every stride-th one kept.
    """
    from scipy.signal import correlate

    x_padded = cu.pad2d(x, padding)
    out = np.empty((x.shape[0], w.shape[0], *correlate(x_padded[0], w[0], mode="valid")[0,
                   ::stride, ::stride].shape), dtype=np.result_type(x, w))
    for n in range(x.shape[0]):
        for f in range(w.shape[0]):
            out[n, f] = correlate(x_padded[n], w[f], mode="valid")[0, ::stride, ::stride] + b[f]
    return out


def bench_conv_forward(case: ConvCase, torch, *, with_reference: bool) -> CaseResult:
    x, w, b = random_case(case)
    kw = dict(stride=case.stride, padding=case.padding)
    result = CaseResult("conv2d forward", case)
    ours = cu.conv2d(x, w, b, **kw)
    calls: dict[str, Callable[[], object]] = {OURS: lambda: cu.conv2d(x, w, b, **kw)}
    for method in CONV2D_METHODS:  # each of conv2d's ways, to show what method="auto" chose from
        if method == "shifted" and case.stride != 1:
            result.skipped[method_name(method)] = "stride 1 only"
            continue
        check_same(method_name(method), ours, cu.conv2d(x, w, b, method=method, **kw))
        calls[method_name(method)] = partial(cu.conv2d, x, w, b, method=method, **kw)
    if with_reference:
        check_same("conv2d_reference", ours[:1], cu.conv2d_reference(x[:1], w, b, **kw))
        calls["course_utils loops (conv2d_reference)"] = lambda: cu.conv2d_reference(x, w, b, **kw)
    else:
        result.skipped["course_utils loops (conv2d_reference)"] = "left out (--quick)"
    if have("scipy"):
        check_same("scipy", ours, scipy_conv2d(x, w, b, case.stride, case.padding))
        calls["scipy.signal.correlate"] = lambda: scipy_conv2d(x, w, b, case.stride, case.padding)
    else:
        result.skipped["scipy.signal.correlate"] = "scipy not installed"
    if torch is not None:
        tx, tw, tb = (torch.from_numpy(a) for a in (x, w, b))
        functional = torch.nn.functional

        def torch_conv():
            with torch.no_grad():
                return functional.conv2d(tx, tw, tb, **kw)

        def torch_unfold():
            # The course's own algorithm in PyTorch: columns (im2col), then one matmul.
            with torch.no_grad():
                columns = functional.unfold(tx, case.kernel, padding=case.padding,
                                            stride=case.stride)
                out = tw.reshape(case.out_channels, -1) @ columns + tb[:, None]
                return out.reshape(x.shape[0], case.out_channels, case.output_size, -1)

        check_same("torch conv2d", ours, torch_conv().numpy())
        check_same("torch unfold", ours, torch_unfold().numpy())
        calls["torch.nn.functional.conv2d"] = torch_conv
        calls["torch unfold + matmul"] = torch_unfold
    else:
        for name in ("torch.nn.functional.conv2d", "torch unfold + matmul"):
            result.skipped[name] = "torch not installed"
    for name, call in calls.items():
        result.timings[name] = time_call(call)
    measure_against_multiply(result, calls[OURS])
    return result


def bench_conv_backward(case: ConvCase, torch) -> CaseResult:
    x, w, b = random_case(case)
    kw = dict(stride=case.stride, padding=case.padding)
    dout = np.random.default_rng(1).standard_normal(
        (x.shape[0], case.out_channels, case.output_size, case.output_size)).astype(DTYPE)
    result = CaseResult("conv2d backward", case)
    ours = cu.conv2d_backward(dout, x, w, **kw)
    result.timings[OURS] = time_call(lambda: cu.conv2d_backward(dout, x, w, **kw))
    for method in CONV2D_BACKWARD_METHODS:
        if method == "full_convolution" and case.stride != 1:
            result.skipped[method_name(method)] = "stride 1 only"
            continue
        for label, mine, theirs in zip(("dx", "dw", "db"), ours,
                                       cu.conv2d_backward(dout, x, w, method=method, **kw)):
            check_same(f"{method_name(method)} {label}", mine, theirs)
        result.timings[method_name(method)] = time_call(
            partial(cu.conv2d_backward, dout, x, w, method=method, **kw))
    measure_against_multiply(result, lambda: cu.conv2d_backward(dout, x, w, **kw))
    if torch is None:
        result.skipped["torch autograd (conv2d)"] = "torch not installed"
        return result
    tx, tw, tb = (torch.from_numpy(a).requires_grad_() for a in (x, w, b))
    tdout = torch.from_numpy(dout)

    def torch_setup():
        # The forward pass builds the graph, untimed; only backward is timed.
        out = torch.nn.functional.conv2d(tx, tw, tb, **kw)
        return lambda: torch.autograd.grad(out, (tx, tw, tb), tdout)

    for label, mine, theirs in zip(("dx", "dw", "db"), ours, torch_setup()()):
        check_same(f"torch autograd {label}", mine, theirs.numpy())
    result.timings["torch autograd (conv2d)"] = time_call(None, setup=torch_setup)
    return result


def torch_locally_connected(torch, x, weights_by_position, bias, case: ConvCase):
    """A locally connected layer in PyTorch: unfold the windows, one matmul per position.

    ``weights_by_position`` has shape (H_out*W_out, C_in*K*K, C_out).
    """
    columns = torch.nn.functional.unfold(x, case.kernel, padding=case.padding,
                                         stride=case.stride)          # (N, C_in*K*K, P)
    out = torch.bmm(columns.permute(2, 0, 1), weights_by_position)    # (P, N, C_out)
    size = case.output_size
    return out.permute(1, 2, 0).reshape(x.shape[0], case.out_channels, size, size) + bias


def locally_connected_arrays(case: ConvCase):
    x, _, _ = random_case(case)
    rng = np.random.default_rng(2)
    size = case.output_size
    c_in = case.input_shape[1]
    w = rng.standard_normal((case.out_channels, size, size, c_in, case.kernel, case.kernel))
    w = (w / np.sqrt(c_in * case.kernel ** 2)).astype(DTYPE)
    b = rng.standard_normal((case.out_channels, size, size)).astype(DTYPE)
    by_position = np.ascontiguousarray(w.transpose(1, 2, 3, 4, 5, 0)).reshape(
        size * size, -1, case.out_channels)
    return x, w, b, by_position


def bench_locally_connected(case: ConvCase, torch) -> list[CaseResult]:
    x, w, b, by_position = locally_connected_arrays(case)
    kw = dict(stride=case.stride, padding=case.padding)
    forward = CaseResult("locally_connected2d forward", case)
    backward = CaseResult("locally_connected2d backward", case)
    ours = cu.locally_connected2d(x, w, b, **kw)
    dout = np.random.default_rng(3).standard_normal(ours.shape).astype(DTYPE)
    ours_grads = cu.locally_connected2d_backward(dout, x, w, **kw)
    forward.timings[OURS] = time_call(lambda: cu.locally_connected2d(x, w, b, **kw))
    backward.timings[OURS] = time_call(lambda: cu.locally_connected2d_backward(dout, x, w, **kw))
    measure_against_multiply(forward, lambda: cu.locally_connected2d(x, w, b, **kw))
    measure_against_multiply(backward, lambda: cu.locally_connected2d_backward(dout, x, w, **kw))
    name = "torch unfold + bmm"
    if torch is None:
        forward.skipped[name] = backward.skipped[name + " (autograd)"] = "torch not installed"
        return [forward, backward]
    tx, tw, tb = (torch.from_numpy(a) for a in (x, by_position, b))

    def torch_forward():
        with torch.no_grad():
            return torch_locally_connected(torch, tx, tw, tb, case)

    check_same("torch locally connected", ours, torch_forward().numpy())
    forward.timings[name] = time_call(torch_forward)
    gx, gw = tx.clone().requires_grad_(), tw.clone().requires_grad_()
    tdout = torch.from_numpy(dout)

    def torch_setup():
        out = torch_locally_connected(torch, gx, gw, tb, case)
        return lambda: torch.autograd.grad(out, (gx, gw), tdout)

    dx, dw_by_position = torch_setup()()
    size = case.output_size
    dw = dw_by_position.numpy().reshape(size, size, case.input_shape[1], case.kernel,
                                        case.kernel, case.out_channels).transpose(5, 0, 1, 2, 3, 4)
    check_same("torch locally connected dx", ours_grads[0], dx.numpy())
    check_same("torch locally connected dw", ours_grads[1], dw)
    backward.timings[name + " (autograd)"] = time_call(None, setup=torch_setup)
    return [forward, backward]


def run_layer_benchmarks(*, quick: bool = False, log=print) -> list[CaseResult]:
    """Every operation on every case; ``quick`` leaves out the slow loop reference."""
    torch = torch_or_none()
    results = []
    for case in CONV_CASES:
        log(f"  conv2d: {case.name}")
        results.append(bench_conv_forward(case, torch, with_reference=not quick))
        log(multiply_line(results[-1]))
        results.append(bench_conv_backward(case, torch))
        log(multiply_line(results[-1]))
    for case in LOCALLY_CONNECTED_CASES:
        log(f"  locally_connected2d: {case.name}")
        results.extend(bench_locally_connected(case, torch))
        log(multiply_line(results[-2]))
        log(multiply_line(results[-1]))
    return results


def multiply_line(result: CaseResult) -> str:
    """One printed line: case, shapes, times, ratio to the multiply and to PyTorch."""
    ratios = sorted(result.multiply_ratios)
    return (f"    {result.operation}: x {result.case.input_shape}, {result.case.out_channels} "
            f"filters {result.case.kernel}x{result.case.kernel} stride {result.case.stride}: "
            f"{result.timings[OURS].median * 1e3:.2f} ms; multiply {result.multiply_shapes} "
            f"{result.multiply.median * 1e3:.2f} ms; ratio {statistics.median(ratios):.2f} "
            f"({ratios[0]:.2f}-{ratios[-1]:.2f}); over PyTorch {torch_ratio_text(result)}")


@dataclass
class ConvProfile:
    """Where course_utils' conv2d spends its time on one case, stage by stage (seconds)."""

    case: ConvCase
    pad: float
    columns: float
    matmul: float
    total: float

    def matmul_gflops(self) -> float:
        return 2 * self.case.multiply_adds() / self.matmul / 1e9


def stage_times(x: np.ndarray, w: np.ndarray, **settings) -> tuple[float, float, float]:
    """Seconds of the padding, the columns and the products of ``conv2d(x, w, **settings)``.

    Timed one by one with the functions conv2d calls, step by step as it
    takes them (see ``image_steps``).

    Parameters
    ----------
    x : ndarray, shape (N, C_in, H, W)
    w : ndarray, shape (C_out, C_in, KH, KW)
    **settings
        stride, padding and dilation, as conv2d takes them (zero padding).

    Returns
    -------
    (float, float, float)
        Seconds of the padding, of copying the columns, of the products.
    """
    from course_utils.conv.convolution import (
        conv2d_columns,
        conv2d_windows,
        conv_geometry,
        image_steps,
    )

    _, _, _, g = conv_geometry(x, w, **settings)
    steps = image_steps(g, x.itemsize)
    filters = w.reshape(w.shape[0], -1)
    x_padded = cu.pad2d(x, g.padding)
    windows = conv2d_windows(x_padded, g)
    all_columns = [conv2d_columns(windows[images]) for images in steps]

    def columns():
        for images in steps:
            conv2d_columns(windows[images])

    def matmul():
        for step in all_columns:
            np.matmul(filters, step)

    return (time_call(lambda: cu.pad2d(x, g.padding)).median, time_call(columns).median,
            time_call(matmul).median)


def profile_conv2d(case: ConvCase) -> ConvProfile:
    """Time conv2d's stages separately, with the same functions it calls."""
    x, w, b = random_case(case)
    pad, columns, matmul = stage_times(x, w, stride=case.stride, padding=case.padding)
    return ConvProfile(
        case, pad=pad, columns=columns, matmul=matmul,
        total=time_call(lambda: cu.conv2d(x, w, b, stride=case.stride,
                                          padding=case.padding)).median,
    )


@dataclass
class ConvBackwardProfile:
    """Where conv2d_backward spends its time on one case, stage by stage (seconds).

    ``copies`` are the columns of x and, for dx, either the window gradients
    added back onto a zeroed input (method ``'columns'``) or the padding and
    columns of dout (``'full_convolution'``); ``products`` are the BLAS
    products for dw and dx; ``other`` is the rest of the call (padding x,
    db, taking the padding off dx, checking the arguments).
    """

    case: ConvCase
    method: str
    columns: float
    dw_product: float
    dx_product: float
    dx_copies: float
    total: float

    @property
    def copies(self) -> float:
        return self.columns + self.dx_copies

    @property
    def products(self) -> float:
        return self.dw_product + self.dx_product

    @property
    def other(self) -> float:
        return self.total - self.copies - self.products


def profile_conv2d_backward(case: ConvCase) -> ConvBackwardProfile:
    """Time conv2d_backward's stages separately, as it does them, with the functions it calls."""
    from course_utils.conv.convolution import (
        add_windows_gradient,
        check_conv2d_backward_method,
        conv2d_columns,
        conv2d_windows,
        conv_geometry,
        image_steps,
    )

    x, w, _ = random_case(case)
    settings = dict(stride=case.stride, padding=case.padding)
    _, _, _, g = conv_geometry(x, w, **settings)
    dout = np.random.default_rng(1).standard_normal(
        (x.shape[0], case.out_channels, *g.output_size)).astype(DTYPE)
    method = check_conv2d_backward_method("auto", g)
    steps = image_steps(g, x.itemsize)
    windows = conv2d_windows(cu.pad2d(x, g.padding), g)
    all_columns = [conv2d_columns(windows[images]) for images in steps]
    dout_rows = dout.reshape(g.batch, g.out_channels, -1)
    filters = w.reshape(g.out_channels, -1)

    def columns():
        for images in steps:
            conv2d_columns(windows[images])

    def dw_product():
        for images, step in zip(steps, all_columns):
            np.matmul(dout_rows[images], step.transpose(0, 2, 1)).sum(axis=0)

    if method == "columns":
        # into the used-up columns' memory, as conv2d_backward writes them
        def dx_product():
            for images, step in zip(steps, all_columns):
                np.matmul(filters.T, dout_rows[images], out=step)

        dcolumns = [np.matmul(filters.T, dout_rows[images]).reshape(
            -1, g.in_channels, *g.kernel_size, *g.output_size) for images in steps]

        def add_back():
            dx_padded = np.zeros((g.batch, g.in_channels, *g.padded_size), dtype=DTYPE)
            for images, step in zip(steps, dcolumns):
                add_windows_gradient(dx_padded[images], step, g)

        dx_product_seconds = time_call(dx_product).median
        dx_copies = time_call(add_back).median
    else:
        # dx is conv2d of dout, padded by the span less one on each side, with the filters
        # flipped (conv2d_input_gradient_full): its own padding, columns and product
        (span_h, span_w) = g.span
        flipped = np.ascontiguousarray(w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3))
        pad, dx_columns, dx_product_seconds = stage_times(
            dout, flipped, padding=((span_h - 1, span_h - 1), (span_w - 1, span_w - 1)),
            dilation=g.dilation)
        dx_copies = pad + dx_columns
    return ConvBackwardProfile(
        case, method, columns=time_call(columns).median, dw_product=time_call(dw_product).median,
        dx_product=dx_product_seconds, dx_copies=dx_copies,
        total=time_call(lambda: cu.conv2d_backward(dout, x, w, **settings)).median)


@dataclass
class LocallyConnectedProfile:
    """Where locally_connected2d and its backward pass spend their time (seconds).

    Forward: the windows copied out position by position (with a row of ones
    for the bias when the layer has few taps), the filters (copied only to
    hold the bias), and the batched product. Backward: dout put in the
    product's layout (a copy here, where dout is contiguous; free in a model,
    where dout comes laid out like the forward pass's output, so it is not
    counted among the copies), the columns, the two batched products, and the
    window gradients added back onto a zeroed input. ``forward_other`` and
    ``backward_other`` are the rest of each call.
    """

    case: ConvCase
    columns: float
    filters: float
    product: float
    forward: float
    dout_layout: float
    backward_columns: float
    dw_product: float
    dx_product: float
    adding_back: float
    backward: float

    @property
    def forward_copies(self) -> float:
        return self.columns + self.filters

    @property
    def forward_other(self) -> float:
        return self.forward - self.forward_copies - self.product

    @property
    def backward_copies(self) -> float:
        return self.backward_columns + self.adding_back

    @property
    def backward_products(self) -> float:
        return self.dw_product + self.dx_product

    @property
    def backward_other(self) -> float:
        return self.backward - self.dout_layout - self.backward_copies - self.backward_products


def profile_locally_connected(case: ConvCase) -> LocallyConnectedProfile:
    """Time locally_connected2d's stages, forward and backward, as it does them."""
    from course_utils.conv.convolution import add_windows_gradient, bias_in_the_product
    from course_utils.conv.locally_connected import (
        _columns_by_position,
        _filters_by_position,
        locally_connected_geometry,
    )

    x, w, b, _ = locally_connected_arrays(case)
    settings = dict(stride=case.stride, padding=case.padding)
    _, _, _, g = locally_connected_geometry(x, w, b, **settings)
    x_padded = cu.pad2d(x, g.padding)
    n, c_in, c_out, (oh, ow) = x.shape[0], x.shape[1], w.shape[0], g.output_size
    taps = w[0, 0, 0].size
    bias_row = bias_in_the_product(taps)
    columns = _columns_by_position(x_padded, g, ones_row=bias_row)
    filters = _filters_by_position(w, b if bias_row else None)
    dout = np.random.default_rng(3).standard_normal((n, c_out, oh, ow)).astype(DTYPE)
    dout_by_position = np.ascontiguousarray(dout.reshape(n, c_out, oh * ow).transpose(2, 1, 0))
    plain_columns = _columns_by_position(x_padded, g)
    plain_filters = _filters_by_position(w)
    # the window gradients stored tap first, (taps, H_out*W_out, N), as the backward pass
    # stores them in the used-up columns' memory
    dcolumns = plain_columns.copy().reshape(taps, oh * ow, n)
    np.matmul(plain_filters.transpose(0, 2, 1), dout_by_position, out=dcolumns.transpose(1, 0, 2))
    dwindows = dcolumns.reshape(c_in, *g.kernel_size, oh, ow, n).transpose(5, 0, 1, 2, 3, 4)
    gradient_memory = plain_columns.copy()

    def dx_product():
        np.matmul(plain_filters.transpose(0, 2, 1), dout_by_position,
                  out=gradient_memory.reshape(taps, oh * ow, n).transpose(1, 0, 2))

    def adding_back():
        dx_padded = np.zeros((c_in, *g.padded_size, n), dtype=DTYPE).transpose(3, 0, 1, 2)
        add_windows_gradient(dx_padded, dwindows, g)

    return LocallyConnectedProfile(
        case,
        columns=time_call(lambda: _columns_by_position(x_padded, g, ones_row=bias_row)).median,
        filters=time_call(lambda: _filters_by_position(w, b if bias_row else None)).median,
        product=time_call(lambda: np.matmul(filters, columns)).median,
        forward=time_call(lambda: cu.locally_connected2d(x, w, b, **settings)).median,
        dout_layout=time_call(lambda: np.ascontiguousarray(
            dout.reshape(n, c_out, oh * ow).transpose(2, 1, 0))).median,
        backward_columns=time_call(lambda: _columns_by_position(x_padded, g)).median,
        dw_product=time_call(lambda: np.matmul(
            dout_by_position, plain_columns.transpose(0, 2, 1))).median,
        dx_product=time_call(dx_product).median,
        adding_back=time_call(adding_back).median,
        backward=time_call(lambda: cu.locally_connected2d_backward(dout, x, w, **settings)).median,
    )
