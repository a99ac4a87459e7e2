"""The benchmark harness: its checks, its arithmetic and its skipped peers.

The timings themselves are measured by `make bench`, never asserted here.
"""

import asyncio
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import bench_layers  # noqa: E402
import timing  # noqa: E402
from bench_layers import ConvCase  # noqa: E402

SMALL = ConvCase("small", (2, 3, 9, 9), 4, 3, 2, 1)


def test_the_suite_holds_the_shapes_the_issue_names():
    shapes = {(c.input_shape, c.weight_shape, c.stride, c.padding) for c in bench_layers.CONV_CASES}
    assert ((1, 3, 227, 227), (96, 3, 11, 11), 4, 0) in shapes
    assert ((8, 3, 227, 227), (96, 3, 11, 11), 4, 0) in shapes
    assert ((64, 1, 28, 28), (32, 1, 3, 3), 1, 1) in shapes
    assert any(c.weight_shape == (64, 64, 3, 3) and c.input_shape[2:] == (56, 56)
               for c in bench_layers.CONV_CASES)


def test_multiply_adds_count_every_tap_of_every_output():
    # AlexNet conv1: 55x55 outputs, 96 filters of 3x11x11 taps.
    alexnet = bench_layers.CONV_CASES[0]
    assert alexnet.output_size == 55
    assert alexnet.multiply_adds() == 55 * 55 * 96 * 3 * 11 * 11


def test_scipy_peer_gives_the_course_numbers_with_stride_and_padding():
    x, w, b = bench_layers.random_case(SMALL)
    import course_utils as cu

    expected = cu.conv2d_reference(x, w, b, stride=2, padding=1)
    got = bench_layers.scipy_conv2d(x, w, b, SMALL.stride, SMALL.padding)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


def test_a_peer_with_different_numbers_is_refused():
    ours = np.ones((2, 3))
    with pytest.raises(AssertionError, match="differ"):
        bench_layers.check_same("peer", ours, ours + 0.1)
    bench_layers.check_same("peer", ours, ours + 1e-7)


def test_missing_peers_are_reported_as_skipped(monkeypatch):
    monkeypatch.setattr(bench_layers, "have", lambda module: False)
    monkeypatch.setattr(bench_layers, "time_call", lambda call, **_: timing.Timing([0.001]))
    result = bench_layers.bench_conv_forward(SMALL, None, with_reference=False)
    # course_utils and each of its methods that fits the case (SMALL has stride 2)
    assert set(result.timings) == {bench_layers.OURS, "course_utils method='columns'",
                                   "course_utils method='columns_bias_row'"}
    assert result.skipped["course_utils method='shifted'"] == "stride 1 only"
    assert result.skipped["scipy.signal.correlate"] == "scipy not installed"
    assert result.skipped["torch.nn.functional.conv2d"] == "torch not installed"
    assert result.fastest_peer() is None


def test_time_call_repeats_after_warm_up_and_times_slow_calls_once(monkeypatch):
    calls = []
    monkeypatch.setattr(timing, "PAUSE_SECONDS", 0)
    result = timing.time_call(lambda: calls.append(1), warmup=2, min_runs=5, max_runs=5)
    assert result.runs == 5 and len(calls) == 2 + 5
    monkeypatch.setattr(timing, "SLOW_CALL_SECONDS", -1.0)  # every call counts as slow
    calls.clear()
    assert timing.time_call(lambda: calls.append(1)).runs == 1 and len(calls) == 1


@pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                    reason="torch is an optional peer (pip install torch==2.13.0)")
def test_torch_locally_connected_peer_matches_the_course():
    import torch

    import course_utils as cu

    case = ConvCase("lc", (2, 2, 6, 6), 3, 3, 1, 1)
    x, w, b, by_position = bench_layers.locally_connected_arrays(case)
    theirs = bench_layers.torch_locally_connected(
        torch, torch.from_numpy(x), torch.from_numpy(by_position), torch.from_numpy(b), case)
    np.testing.assert_allclose(theirs.numpy(), cu.locally_connected2d(x, w, b, padding=1),
                               rtol=1e-5, atol=1e-5)


def test_import_time_counts_top_level_imports_once_and_leaves_out_start_up():
    import bench_import

    output = "\n".join([
        "import time: self [us] | cumulative | imported package",
        "import time:       100 |        900 | site",
        "import time:        50 |         50 |   numpy._core",
        "import time:       200 |       5000 | numpy",
        "import time:       300 |       8000 | course_utils",
    ])
    imports = bench_import.top_level_imports(output)
    assert imports == {"site": 900, "numpy": 5000, "course_utils": 8000}
    timing = bench_import.time_import("import course_utils", runs=2)
    assert len(timing.seconds) == 2 and all(0 < s < 5 for s in timing.seconds)
    with pytest.raises(ValueError, match="not imported"):
        bench_import.time_import("pass", runs=1)


@pytest.mark.parametrize("operation", ["conv2d forward", "conv2d backward",
                                       "locally_connected2d forward",
                                       "locally_connected2d backward"])
def test_the_bare_multiply_has_the_layers_multiply_adds(operation):
    # Counted from the products' results: each output element of (a, k) @ (k, b) is k
    # multiply-adds, and the layer does C_out*C_in*K*K*N*H_out*W_out of them per product.
    call, shapes = bench_layers.bare_multiply(operation, SMALL)
    products = call()
    products = products if isinstance(products, tuple) else (products,)
    taps, positions = 3 * 3 * 3, SMALL.output_size ** 2
    assert len(products) == (2 if operation.endswith("backward") else 1)
    counts = {"forward": [taps], "backward": ([positions * 2, 4] if operation.startswith("conv")
                                              else [2, 4])}
    inner = counts[operation.split()[-1]]
    for product, k in zip(products, inner):
        assert product.dtype == np.float32
        assert product.size * k == SMALL.multiply_adds(), (operation, product.shape)
    assert shapes.startswith("2 x " if operation.endswith("backward") else "(" if
                             operation.startswith("conv") else f"{positions} x")


def test_ratios_to_the_multiply_are_one_per_round(monkeypatch):
    seconds = iter([0.003, 0.002] * 3)
    monkeypatch.setattr(bench_layers, "time_call",
                        lambda call, **_: timing.Timing([next(seconds)]))
    result = bench_layers.CaseResult("conv2d forward", SMALL)
    bench_layers.measure_against_multiply(result, lambda: None, rounds=3)
    assert result.multiply_ratios == pytest.approx([1.5] * 3)
    assert result.multiply.median == 0.002 and "(4, 27) @ (27, 50)" == result.multiply_shapes


def test_the_torch_column_says_why_it_is_empty(monkeypatch):
    import run

    monkeypatch.setattr(bench_layers, "have", lambda module: False)
    monkeypatch.setattr(bench_layers, "time_call", lambda call, **_: timing.Timing([0.001]))
    result = bench_layers.bench_conv_forward(SMALL, None, with_reference=False)
    assert bench_layers.torch_ratio_text(result) == "torch not installed"
    table = "\n".join(run.layer_tables([result]))
    assert "| Over the multiply | Over PyTorch |" in table
    assert "| **1.00x** (1.00-1.00) | torch not installed |" in table
    result.timings["torch.nn.functional.conv2d"] = timing.Timing([0.0005])
    assert bench_layers.torch_ratio_text(result) == "2.00x"


def test_layers_only_keeps_the_previous_sections_once():
    import run

    previous = "# Benchmark results\n\n## Layers\n\nold\n\n## Notebooks\n\n| nb | 1 |\n"
    kept = run.kept_sections(previous)
    assert kept[0] == run.KEPT_NOTE and "## Notebooks" in kept and "old" not in kept
    again = run.kept_sections("# x\n\n" + "\n".join(kept))  # a second --layers-only run
    assert again == kept
    assert run.kept_sections("# nothing yet")[0].startswith("## Notebooks, explorers")


def test_threads_are_set_before_numpy_loads(monkeypatch):
    import run

    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    run.threads_before_numpy(["--layers-only", "--threads", "1"])
    import os

    assert os.environ["OPENBLAS_NUM_THREADS"] == os.environ["OMP_NUM_THREADS"] == "1"
    assert timing.blas_threads() == 1
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "")
    assert timing.blas_threads() == timing.usable_cores()
    # without --threads every core is asked for, before course_utils could set one
    run.threads_before_numpy(["--layers-only"])
    assert os.environ["OPENBLAS_NUM_THREADS"] == str(timing.usable_cores())


def test_a_cells_seconds_come_from_nbclients_timestamps():
    import bench_notebooks
    import nbformat

    timed = nbformat.v4.new_code_cell("x = 1\nprint(x)")
    timed.metadata["execution"] = {"iopub.execute_input": "2026-11-30T08:00:01.250000Z",
                                   "shell.execute_reply": "2026-11-30T08:00:03.000000Z"}
    cells = [timed, nbformat.v4.new_markdown_cell("# prose"), nbformat.v4.new_code_cell("y")]
    assert bench_notebooks.cell_seconds(cells) == [("x = 1", 1.75), ("y", 0.0)]


def slow_notebook(seconds_outside_training):
    """A run of 20 s (18 s in its cells) and its profile: 25 s, of which training is
    25 - outside, in 1,000 updates."""
    import bench_notebooks

    run = bench_notebooks.NotebookRun("04_locally_connected_faces.ipynb", 20.0, 1,
                                      [("quick()", 0.5), ("train_them()", 17.5)])
    training = 25.0 - seconds_outside_training
    stages = {"train": (5, training), "forward": (1000, 0.3 * training),
              "backward": (1000, 0.5 * training), "Adam update": (1000, 0.2 * training)}
    return run, bench_notebooks.NotebookProfile(run.name, 25.0, stages, [("step", 1000, 2.0)])


def test_a_slow_notebooks_profile_says_how_much_faster_training_must_be():
    import run as bench_run

    text = "\n".join(bench_run.notebook_profile_lines(*slow_notebook(5.0)))
    assert "| 2 | `train_them()` | 17.5 | 88% |" in text and "quick()" not in text
    # training is 20 of the profile's 25 s, 80%: 14.4 s of the 18 s in the timed cells,
    # leaving 5.6 s of the 20 s run; the limit of 10 s leaves 4.4 s for 1,000 updates, so
    # 14.4 / 4.4 = 3.3 times faster, 4.4 ms per update
    assert "about 14.4 s, 14.40 ms per update" in text
    assert "`train` 3.3 times faster, 4.40 ms per update" in text
    # without the backward pass, half of training: 2 times faster, less than 3.3
    assert "The largest stage, backward, is 50% of `train`" in text
    assert "2.0 times faster, not enough." in text
    assert "| backward | 1,000 | 10.0 | 50% | 10.00 |" in text


def test_a_notebook_slow_without_its_training_says_so():
    import run as bench_run

    # training 10 of 25 s, 40%: 7.2 s of the 18 s of cells, leaving 12.8 s over the 10 s limit
    text = "\n".join(bench_run.notebook_profile_lines(*slow_notebook(15.0)))
    assert ("Without any training, the rest of the run (the other cells and starting the "
            "kernel) would take about 12.8 s") in text
    assert "times faster" not in text


def test_a_slow_notebook_that_trains_nothing_gets_its_slow_cells_only():
    import bench_notebooks
    import run as bench_run

    run, _ = slow_notebook(5.0)
    stages = {"train": (0, 0.0), "forward": (0, 0.0), "loss": (0, 0.0), "backward": (0, 0.0),
              "Adam update": (0, 0.0)}
    profile = bench_notebooks.NotebookProfile(run.name, 25.0, stages, [])
    text = "\n".join(bench_run.notebook_profile_lines(run, profile))
    assert "| 2 | `train_them()` |" in text and "It trains no model" in text
    assert "times faster" not in text


def test_the_profiles_last_cell_counts_the_stages_of_train(capsys):
    import json

    import bench_notebooks

    import course_utils as cu

    rng = np.random.default_rng(0)
    x, labels = rng.standard_normal((8, 3)), np.array([0, 1] * 4)
    model = cu.Sequential([cu.Dense(3, 2, rng=rng)])
    namespace = {}
    exec(bench_notebooks.PROFILE_START_SOURCE, namespace)
    try:
        # 8 examples in batches of 4 for 3 epochs: 6 updates, each a forward pass, the
        # loss, a backward pass and Adam's update; then one forward pass outside train
        cu.train(model, x, labels, epochs=3, batch_size=4, progress=False)
        model.forward(x)
    finally:
        namespace["_course_profile"].disable()
    capsys.readouterr()
    exec(bench_notebooks.PROFILE_END_SOURCE, namespace)
    printed = capsys.readouterr().out.strip()
    assert printed.startswith(bench_notebooks.RESULT_MARK)
    result = json.loads(printed[len(bench_notebooks.RESULT_MARK):])
    assert result["stages"]["train"][0] == 1
    for stage in ("forward", "loss", "backward", "Adam update"):
        calls, seconds = result["stages"][stage]
        assert calls == 6 and 0 < seconds < result["stages"]["train"][1]
    assert len(result["own"]) == 8 and result["seconds"] > 0


def test_the_backward_profile_compares_copies_with_products():
    import run as bench_run

    profile = bench_layers.ConvBackwardProfile(SMALL, "columns", columns=0.001, dw_product=0.004,
                                               dx_product=0.004, dx_copies=0.003, total=0.013)
    # copies 1 + 3 ms over products 4 + 4 ms; 13 ms in all leaves 1 ms other
    assert profile.copies == pytest.approx(0.004) and profile.products == pytest.approx(0.008)
    assert profile.other == pytest.approx(0.001)
    row = bench_run.backward_profile_lines([profile])[-1]
    assert row.startswith("| small | columns |") and row.endswith("| 13.0 | 0.50 |")


def test_the_locally_connected_profile_compares_copies_with_products():
    import run as bench_run

    case = bench_layers.LOCALLY_CONNECTED_CASES[0]
    made_up = bench_layers.LocallyConnectedProfile(
        case, columns=0.001, filters=0.001, product=0.004, forward=0.007, dout_layout=0.001,
        backward_columns=0.001, dw_product=0.002, dx_product=0.002, adding_back=0.002,
        backward=0.009)
    # forward: 1 + 1 ms of copies over a 4 ms product, 1 ms other; backward: columns 1 and
    # adding back 2 over 2 + 2 of products (dout's layout left out), 1 ms other
    assert made_up.forward_other == pytest.approx(0.001)
    assert made_up.backward_other == pytest.approx(0.001)
    row = bench_run.locally_connected_profile_lines([made_up])[-1]
    assert row.startswith(f"| {case.name} |") and "| 0.50 |" in row and row.endswith("| 0.75 |")


def test_side_by_side_is_checked_against_one_after_another_before_it_is_timed():
    import bench_side_by_side

    results = bench_side_by_side.measure_side_by_side(runs=2, examples=20, batch=10, updates=4)
    assert [r.model for r in results] == list(bench_side_by_side.notebook_models())
    assert all(r.largest_difference < 1e-8 and r.runs == 2 and r.updates == 4 for r in results)
    lines = bench_side_by_side.side_by_side_lines(results)
    assert len(lines) == 2 + len(results) and lines[2].startswith("| shared, positional | 2 x 4 |")
    with pytest.raises(ValueError, match="whole passes"):
        bench_side_by_side.measure_side_by_side(runs=2, examples=20, batch=10, updates=3)


def test_kernels_get_the_thread_variables_asked_for_or_none():
    import bench_notebooks

    given = {"PATH": "/bin", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    assert bench_notebooks.kernel_environment(None, given) == {"PATH": "/bin"}
    every = bench_notebooks.kernel_environment(4, given)
    assert every["PATH"] == "/bin"
    assert {every[name] for name in bench_notebooks.THREAD_VARIABLES} == {"4"}
    # the variables course_utils reads are among those the bench clears or sets
    from course_utils import threads

    assert set(threads.SETS) == set(bench_notebooks.THREAD_VARIABLES)


def test_two_at_once_runs_one_alone_then_two_at_once_with_the_threads_given(tmp_path):
    import bench_notebooks

    # the notebook fails (CellExecutionError) unless its kernel has the threads expected
    cores = timing.usable_cores()
    for threads, expected in ((None, 1), (2, min(2, cores))):
        notebook = nbformat_notebook(
            "import numpy as np\nimport course_utils as cu\n"
            f"assert cu.blas_threads() == {expected}, cu.blas_threads()")
        path = tmp_path / "probe.ipynb"
        path.write_text(notebook)

        async def from_a_running_loop():  # as in a test process that drove Playwright
            assert asyncio.get_running_loop()
            return bench_notebooks.run_at_once(tmp_path, path, threads)

        # a thread of its own runs the loop that calls it (the suite's may run one already)
        result = bench_notebooks.in_a_loop_of_its_own(from_a_running_loop)
        assert result.name == "probe.ipynb" and result.threads == threads
        assert len(result.together) == 2 and result.alone > 0
        assert result.ratio == max(result.together) / result.alone


def nbformat_notebook(source: str) -> str:
    import nbformat

    return nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)]))


def at_once(*args):
    import bench_notebooks

    return bench_notebooks.AtOnce(*args)


def at_once_results():
    import bench_notebooks

    return [bench_notebooks.AtOnce("05_mnist_counts.ipynb", None, 16.0, [17.0, 18.0]),
            bench_notebooks.AtOnce("05_mnist_counts.ipynb", 2, 15.0, [70.0, 72.0])]


def test_the_at_once_section_judges_the_courses_setting_and_states_the_cost_alone():
    import run

    text = "\n".join(run.at_once_lines(at_once_results(), 2))
    assert text.startswith(run.AT_ONCE_HEADING)
    # 18 / 16 = 1.125 with one thread: within 1.5x; 72 / 15 = 4.8 with every core
    assert "| 05_mnist_counts.ipynb | one | 16.0 | 17.0, 18.0 | 1.12x | met |" in text
    assert "| 05_mnist_counts.ipynb | 2, every core | 15.0 | 70.0, 72.0 | 4.80x | - |" in text
    # alone, 16 s against 15 s: one thread is 7% slower
    assert "16.0 s with one thread, 15.0 s with 2: one thread alone is 7% slower: what a " \
        "learner alone" in text
    faster = [at_once("x.ipynb", None, 10.0, [11.0, 11.0]),
              at_once("x.ipynb", 2, 12.5, [30.0, 30.0])]
    assert "one thread alone is 20% faster: a learner alone on a machine like this one gives " \
        "up nothing" in "\n".join(run.at_once_lines(faster, 2))
    assert "take 1.12x one alone with one thread each, 4.80x with 2 each" in text
    import bench_notebooks

    slow = bench_notebooks.AtOnce("x.ipynb", None, 10.0, [16.0, 9.0])
    assert "| x.ipynb | one | 10.0 | 16.0, 9.0 | 1.60x | **missed** |" in "\n".join(
        run.at_once_lines([slow], 2))


def test_the_at_once_section_is_replaced_in_place_or_added_before_the_explorers():
    import run

    lines = run.at_once_lines(at_once_results(), 2)
    previous = "# Benchmark results\n\n## Notebooks\n\nold table\n\n## Explorers\n\nx\n"
    added = run.replace_section(previous, run.AT_ONCE_HEADING, lines, "## Explorers")
    assert added.index("## Notebooks\n") < added.index(run.AT_ONCE_HEADING) \
        < added.index("## Explorers")
    assert "old table" in added and added.endswith("## Explorers\n\nx\n")
    again = run.replace_section(added, run.AT_ONCE_HEADING,
                                [run.AT_ONCE_HEADING, "", "new"], "## Explorers")
    assert again.count(run.AT_ONCE_HEADING) == 1 and "new" in again
    assert "4.80x" not in again and "old table" in again and again.endswith("## Explorers\n\nx\n")


def test_two_at_once_runs_the_notebooks_that_train_models():
    import run

    names = run.at_once_notebooks(quick=False)
    assert names == sorted(run.NOTEBOOK_SECONDS_BY_NAME) and len(names) == 2
    assert run.at_once_notebooks(quick=True) == names[-1:]
