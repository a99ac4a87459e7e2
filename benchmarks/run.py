"""Run every benchmark and write benchmarks/RESULTS.md and benchmarks/results.png.

    make bench                      # everything, about 10 minutes on 2 cores
    make bench BENCH_ARGS=--quick   # no loop reference and no test-suite run

PyTorch is an optional peer, never a course dependency:
``.venv/bin/pip install torch==2.13.0`` adds it to the next run.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import statistics
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # run as a script: the sibling modules are imported by name


#: The variables numpy's BLAS reads its threads from (course_utils/threads.py's ASKED_BY).
BLAS_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def threads_before_numpy(argv: list[str]) -> None:
    """Apply ``--threads N`` now: OpenBLAS reads its thread count once, when numpy loads.

    Without ``--threads``, every usable core is asked for: ``import course_utils`` (which the
    layer benchmarks do) would otherwise set one BLAS thread, and the layers are timed against
    torch with every core.
    """
    value = None
    for i, arg in enumerate(argv):
        given = arg.split("=", 1)[1] if arg.startswith("--threads=") else (
            argv[i + 1] if arg == "--threads" and i + 1 < len(argv) else None)
        if given is not None and given.isdigit() and int(given) > 0:
            value = given
    if value is None:
        cores = (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                 else os.cpu_count() or 1)
        value = str(cores)
    for name in BLAS_VARIABLES:
        os.environ[name] = value


if __name__ == "__main__":
    threads_before_numpy(sys.argv[1:])

import timing  # noqa: E402
from bench_import import import_lines, run_import_benchmarks  # noqa: E402
from bench_layers import (  # noqa: E402
    CONV_CASES,
    LOCALLY_CONNECTED_CASES,
    OURS,
    CaseResult,
    ConvBackwardProfile,
    ConvProfile,
    LocallyConnectedProfile,
    profile_conv2d,
    profile_conv2d_backward,
    profile_locally_connected,
    run_layer_benchmarks,
    torch_ratio_text,
)
from bench_notebooks import (  # noqa: E402
    NOTEBOOKS,
    NotebookProfile,
    NotebookRun,
    AtOnce,
    profile_notebook,
    remove,
    run_explorers,
    run_notebooks,
    run_at_once,
    run_test_suite,
    scratch_environment,
    temporary_folder,
    test_command,
)
from bench_side_by_side import measure_side_by_side, side_by_side_lines  # noqa: E402
from bench_notebooks import REPO  # noqa: E402
from timing import blas_description, blas_threads, cpu_name, memory_gib, usable_cores  # noqa: E402

TARGETS = {  # operation -> (peer the target is measured against, largest median ratio)
    "conv2d forward": ("torch.nn.functional.conv2d", 2.0),
    "conv2d backward": ("torch autograd (conv2d)", 3.0),
    "locally_connected2d forward": ("torch unfold + bmm", 2.0),
}
#: Every case of each operation within this multiple of its bare multiply (issue 23).
MULTIPLY_LIMIT = 1.25
NOTEBOOK_SECONDS, NOTEBOOK_BYTES = 30.0, 2**30
#: Issue 23's own limits for the two notebooks that train models (the others keep 30 s).
NOTEBOOK_SECONDS_BY_NAME = {"04_locally_connected_faces.ipynb": 10.0,
                            "05_mnist_counts.ipynb": 15.0}
EXPLORER_SECONDS = 0.100
#: Issue 31: two notebooks at once, each in its kernel, take at most this multiple of one alone.
AT_ONCE_LIMIT = 1.5
AT_ONCE_HEADING = "## Two notebooks at once"
TEST_SUITE_SECONDS = 240.0  # issue 23: make test, browser tests included, under 4 minutes


def package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def milliseconds(seconds: float) -> str:
    ms = seconds * 1e3
    return f"{ms:,.0f}" if ms >= 100 else f"{ms:.2f}" if ms < 10 else f"{ms:.1f}"


def verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def layer_tables(results: list[CaseResult]) -> list[str]:
    lines = []
    for operation in dict.fromkeys(result.operation for result in results):
        rows = [result for result in results if result.operation == operation]
        names = list(dict.fromkeys(name for row in rows for name in row.timings))
        names += [name for row in rows for name in row.skipped if name not in names]
        # course_utils and its methods first, then the peers, whichever row met them first
        names.sort(key=lambda name: not name.startswith(OURS))
        skipped = {name: reason for row in rows for name, reason in row.skipped.items()}
        lines += [f"### {operation}", "",
                  "Median milliseconds per call (runs in brackets). *Bare multiply*: the BLAS "
                  "product(s) of the same size alone, on random operands (shapes in the second "
                  "column); *over the multiply*: course_utils' time over it, the median of "
                  f"{len(rows[0].multiply_ratios)} rounds timed one after the other, lowest and "
                  "highest in brackets; *over PyTorch*: course_utils' time over that of "
                  f"{TORCH_PEERS_TEXT.get(operation, 'PyTorch')}.", "",
                  "| Case | Multiply shapes | " + " | ".join(names)
                  + " | Bare multiply | Over the multiply | Over PyTorch |",
                  "|---" * (len(names) + 5) + "|"]
        for row in rows:
            cells = []
            for name in names:
                timing_ = row.timings.get(name)
                cells.append("-" if timing_ is None else
                             f"{milliseconds(timing_.median)} ({timing_.runs})")
            ratios = sorted(row.multiply_ratios)
            over = (f"**{statistics.median(ratios):.2f}x** ({ratios[0]:.2f}-{ratios[-1]:.2f})"
                    if ratios else "-")
            bare = milliseconds(row.multiply.median) if row.multiply else "-"
            lines.append(f"| {row.case.name} | {row.multiply_shapes} | " + " | ".join(cells)
                         + f" | {bare} | {over} | {torch_ratio_text(row)} |")
        for name, reason in skipped.items():
            lines.append(f"\nSkipped: {name} ({reason}).")
        lines.append("")
    return lines


TORCH_PEERS_TEXT = {
    "conv2d forward": "`torch.nn.functional.conv2d`",
    "conv2d backward": "torch autograd (conv2d)",
    "locally_connected2d forward": "`torch unfold + bmm`",
    "locally_connected2d backward": "`torch unfold + bmm (autograd)`",
}


def target_lines(results: list[CaseResult]) -> tuple[list[str], list[tuple[str, str, bool]]]:
    lines = ["| Target | Ratios over the suite | Median | Verdict |", "|---|---|---|---|"]
    outcomes = []
    for operation in dict.fromkeys(result.operation for result in results):
        ratios = [statistics.median(r.multiply_ratios) for r in results
                  if r.operation == operation and r.multiply_ratios]
        if not ratios:
            continue
        label = (f"{operation}: every case within {MULTIPLY_LIMIT:g}x of its bare multiply")
        met = max(ratios) <= MULTIPLY_LIMIT
        outcomes.append((label, f"worst {max(ratios):.2f}x", met))
        lines.append(f"| {label} | {', '.join(f'{r:.2f}' for r in ratios)} | "
                     f"{statistics.median(ratios):.2f}x (worst {max(ratios):.2f}x) | "
                     f"{verdict(met)} |")
    for operation, (peer, limit) in TARGETS.items():
        ratios = [r.ratio_to(peer) for r in results if r.operation == operation]
        ratios = [ratio for ratio in ratios if ratio is not None]
        label = f"{operation} within {limit:g}x of {peer}"
        if not ratios:
            lines.append(f"| {label} | skipped: no {peer.split()[0]} | - | not measured |")
            continue
        median = statistics.median(ratios)
        outcomes.append((label, f"{median:.2f}x", median <= limit))
        lines.append(f"| {label} | {', '.join(f'{r:.2f}' for r in ratios)} | {median:.2f}x | "
                     f"{verdict(median <= limit)} |")
    return lines, outcomes


def profile_lines(profiles: list[ConvProfile], results: list[CaseResult]) -> list[str]:
    torch_times = {r.case.name: r.timings.get("torch.nn.functional.conv2d") for r in results
                   if r.operation == "conv2d forward"}
    lines = ["| Case | Pad | Columns (im2col copy) | Matrix multiply | conv2d in all | "
             "Columns / multiply | Multiply alone: GFLOP/s | Multiply alone / torch conv2d |",
             "|---|---|---|---|---|---|---|---|"]
    for p in profiles:
        timing_ = torch_times.get(p.case.name)
        ratio = f"{p.matmul / timing_.median:.2f}x" if timing_ else "torch not installed"
        lines.append(f"| {p.case.name} | {milliseconds(p.pad)} | {milliseconds(p.columns)} "
                     f"({p.columns / p.total:.0%}) | {milliseconds(p.matmul)} "
                     f"({p.matmul / p.total:.0%}) | {milliseconds(p.total)} | "
                     f"{p.columns / p.matmul:.2f} | {p.matmul_gflops():.0f} | {ratio} |")
    return lines


def backward_profile_lines(profiles: list[ConvBackwardProfile]) -> list[str]:
    """The table of conv2d_backward's stages, one row per case (milliseconds)."""
    lines = ["| Case | dx by | Columns of x | dw product | dx product | dx: adding windows back, "
             "or dout's padding and columns | Other | conv2d_backward in all | "
             "Copies / products |",
             "|---|---|---|---|---|---|---|---|---|"]
    for p in profiles:
        lines.append(f"| {p.case.name} | {p.method} | {milliseconds(p.columns)} | "
                     f"{milliseconds(p.dw_product)} | {milliseconds(p.dx_product)} | "
                     f"{milliseconds(p.dx_copies)} | {milliseconds(p.other)} | "
                     f"{milliseconds(p.total)} | {p.copies / p.products:.2f} |")
    return lines


def locally_connected_profile_lines(profiles: list[LocallyConnectedProfile]) -> list[str]:
    """The table of locally_connected2d's stages, forward then backward (milliseconds)."""
    lines = ["| Case | Columns | Filters | Product | Other | Forward in all | Copies / product | "
             "dout by position | Columns | dw product | dx product | Adding windows back | "
             "Other | Backward in all | Copies / products |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for p in profiles:
        lines.append(
            f"| {p.case.name} | {milliseconds(p.columns)} | {milliseconds(p.filters)} | "
            f"{milliseconds(p.product)} | {milliseconds(p.forward_other)} | "
            f"{milliseconds(p.forward)} | {p.forward_copies / p.product:.2f} | "
            f"{milliseconds(p.dout_layout)} | {milliseconds(p.backward_columns)} | "
            f"{milliseconds(p.dw_product)} | {milliseconds(p.dx_product)} | "
            f"{milliseconds(p.adding_back)} | {milliseconds(p.backward_other)} | "
            f"{milliseconds(p.backward)} | {p.backward_copies / p.backward_products:.2f} |")
    return lines


def notebook_lines(runs: list[NotebookRun]) -> list[str]:
    floor = runs[0]
    lines = ["| Notebook | Seconds | Target (s) | Above the floor | Peak kernel memory (MB) | "
             "Above the floor | Verdict |", "|---|---|---|---|---|---|---|"]
    for run in runs:
        is_floor = run is floor
        limit = notebook_limit(run)
        met = run.seconds < limit and run.peak_bytes < NOTEBOOK_BYTES
        lines.append(
            f"| {run.name} | {run.seconds:.1f} | {'-' if is_floor else f'{limit:.0f}'} | "
            f"{'-' if is_floor else f'{run.seconds - floor.seconds:+.1f}'} | "
            f"{run.peak_bytes / 1e6:.0f} | "
            f"{'-' if is_floor else f'{(run.peak_bytes - floor.peak_bytes) / 1e6:+.0f}'} | "
            f"{'-' if is_floor else verdict(met)} |")
    return lines


def notebook_limit(run: NotebookRun) -> float:
    """The notebook's time target in seconds: issue 23's for 04 and 05, 30 s for the others."""
    return NOTEBOOK_SECONDS_BY_NAME.get(run.name, NOTEBOOK_SECONDS)


def notebook_profile_lines(run: NotebookRun, profile: NotebookProfile) -> list[str]:
    """Why a notebook misses its time, worked out from its timed run and its profile.

    The slow cells come from the timed run. Training's share of the cells'
    time comes from the profile; applied to the timed run's cells, it says how
    much faster ``train`` would have to be, and whether leaving out its
    largest stage, all of it, would be enough. A notebook that trains
    nothing gets the slow cells only.
    """
    limit = notebook_limit(run)
    cells_seconds = sum(seconds for _, seconds in run.cells)
    slow_cells = [(k, line, seconds) for k, (line, seconds) in enumerate(run.cells, 1)
                  if seconds >= 1.0]
    lines = [f"### {run.name}", "",
             f"Code cells that took a second or more in the timed run ({run.seconds:.1f} s in "
             f"all, {cells_seconds:.1f} s of it in the cells, the rest starting the kernel), "
             f"counted from the top, code cells only:", "",
             "| Code cell | First line | Seconds | Share of the run |", "|---|---|---|---|"]
    lines += [f"| {k} | `{line.replace('|', chr(92) + '|')}` | {seconds:.1f} | "
              f"{seconds / run.seconds:.0%} |" for k, line, seconds in slow_cells]
    train_calls, train_seconds = profile.stages["train"]
    if not train_calls or train_seconds <= 0:
        return lines + ["", "It trains no model (`train` never ran).", ""]
    updates = profile.stages["Adam update"][0]
    lines += ["", f"Under cProfile ({profile.seconds:.1f} s from the first cell to the last, the "
              f"profiler's own cost included): `train` ran {train_calls} times and took "
              f"{train_seconds:.1f} s, {train_seconds / profile.seconds:.0%} of it, for "
              f"{updates:,} updates. The stages of an update, called by `train`, with what "
              "they call (the rest of `train` is taking the batches and measuring the "
              "accuracy):", "",
              "| Stage | Calls | Seconds | Share of `train` | Milliseconds per call |",
              "|---|---|---|---|---|"]
    for stage, (calls, seconds) in profile.stages.items():
        if stage != "train":
            lines.append(f"| {stage} | {calls:,} | {seconds:.1f} | "
                         f"{seconds / train_seconds:.0%} | {seconds / max(calls, 1) * 1e3:.2f} |")
    lines += ["", "The functions with the most time of their own. numpy's functions written in C "
              "appear by name; arithmetic written with operators (`m *= beta1`) is counted in "
              "the function that writes it:",
              "", "| Function | Calls | Seconds |", "|---|---|---|"]
    lines += [f"| `{where}` | {calls:,} | {seconds:.2f} |" for where, calls, seconds in profile.own]
    # cProfile's own cost falls on every Python call, in training and elsewhere alike, so
    # training's share of the profiled cells stands for its share of the timed cells.
    training = train_seconds / profile.seconds * cells_seconds
    rest = run.seconds - training
    biggest, (_, biggest_seconds) = max(
        ((stage, value) for stage, value in profile.stages.items() if stage != "train"),
        key=lambda item: item[1][1])
    biggest_share = min(biggest_seconds / train_seconds, 0.99)
    lines.append("")
    if rest >= limit:
        lines.append(f"Without any training, the rest of the run (the other cells and starting "
                     f"the kernel) would take about {rest:.1f} s, over the {limit:.0f} s target.")
    elif updates:
        needed = training / (limit - rest)
        lines.append(
            f"Applied to the timed run, `train` takes about {training:.1f} s, "
            f"{training / updates * 1e3:.2f} ms per update, one update after another. "
            f"The rest of the run takes about {rest:.1f} s, so meeting {limit:.0f} s needs "
            f"`train` {needed:.1f} times faster, {(limit - rest) / updates * 1e3:.2f} ms per "
            f"update. The largest stage, {biggest}, is {biggest_share:.0%} of `train`: "
            f"leaving it out entirely would make `train` {1 / (1 - biggest_share):.1f} times "
            "faster" + (", not enough." if 1 / (1 - biggest_share) < needed else "."))
    lines.append("")
    return lines


def at_once_notebooks(quick: bool) -> list[str]:
    """The notebooks run two at once: those that train models (issue 23's own limits),
    the last of them only with --quick."""
    names = [path.name for path in NOTEBOOKS if path.name in NOTEBOOK_SECONDS_BY_NAME]
    return names[-1:] if quick else names


def measure_at_once(folder: Path, names: list[str], cores: int,
                         log=print) -> list[AtOnce]:
    """Each notebook alone and two at once: with the course's one thread, then every core."""
    results = []
    for name in names:
        for threads in (None, cores):
            log(f"  {name}, {'one BLAS thread' if threads is None else f'{threads} threads'}")
            results.append(run_at_once(folder, folder / name, threads))
    return results


def at_once_lines(results: list[AtOnce], cores: int) -> list[str]:
    """The section on two notebooks at once: the table, then what one thread costs alone."""
    lines = [AT_ONCE_HEADING, "",
             "Two learners on one server, or one learner with two notebooks open: each notebook "
             "runs alone in a fresh kernel, then two copies of it at once, each in a kernel of "
             f"its own, on this machine's {cores} cores. *One*: the kernels are given no thread "
             "variable, and `import course_utils` sets one BLAS thread (what the course does). "
             f"*{cores}, every core*: OPENBLAS_NUM_THREADS={cores}, OpenBLAS's own default of "
             "one thread per core, which the course keeps when it is asked for: how the course "
             "ran before it set its threads. Target (issue 31): two at once take at most "
             f"{AT_ONCE_LIMIT:g}x one alone, with the course's setting.", "",
             "| Notebook | BLAS threads | Alone (s) | Two at once (s each) | Slowest over alone "
             "| Verdict |", "|---|---|---|---|---|---|"]
    for result in results:
        threads = "one" if result.threads is None else f"{result.threads}, every core"
        met = ("-" if result.threads is not None else
               verdict(result.ratio <= AT_ONCE_LIMIT))
        lines.append(f"| {result.name} | {threads} | {result.alone:.1f} | "
                     f"{', '.join(f'{t:.1f}' for t in result.together)} | "
                     f"{result.ratio:.2f}x | {met} |")
    lines.append("")
    for name in dict.fromkeys(result.name for result in results):
        one = next((r for r in results if r.name == name and r.threads is None), None)
        every = next((r for r in results if r.name == name and r.threads is not None), None)
        if one is None or every is None:
            continue
        change = one.alone / every.alone - 1
        cost = (f"one thread alone is {change:.0%} slower: what a learner alone on a machine "
                f"like this one gives up (`cu.set_blas_threads({every.threads})` takes it back)"
                if change > 0 else
                f"one thread alone is {-change:.0%} faster: a learner alone on a machine like "
                "this one gives up nothing")
        lines.append(
            f"- {name} alone: {one.alone:.1f} s with one thread, {every.alone:.1f} s with "
            f"{every.threads}: {cost}; two at once take {one.ratio:.2f}x one alone with one "
            f"thread each, {every.ratio:.2f}x with {every.threads} each.")
    lines.append("")
    return lines


def replace_section(previous: str, heading: str, lines: list[str], before: str) -> str:
    """``previous`` with the section under ``heading`` replaced by ``lines`` (added before
    the section headed ``before``, or at the end, where it has none yet)."""
    new = "\n".join(lines).rstrip("\n") + "\n"
    start = previous.find("\n" + heading + "\n")
    if start >= 0:
        end = previous.find("\n## ", start + 1)
        return previous[:start + 1] + new + ("\n" + previous[end + 1:] if end >= 0 else "")
    at = previous.find("\n" + before + "\n")
    if at < 0:
        return previous.rstrip("\n") + "\n\n" + new
    return previous[:at + 1] + new + "\n" + previous[at + 1:]


def explorer_lines(updates: dict[str, list[float]]) -> list[str]:
    lines = ["| Update | Median ms | Slowest ms | Updates | Verdict |", "|---|---|---|---|---|"]
    for name, seconds in updates.items():
        median = statistics.median(seconds)
        lines.append(f"| {name} | {milliseconds(median)} | {milliseconds(max(seconds))} | "
                     f"{len(seconds)} | {verdict(median < EXPLORER_SECONDS)} |")
    return lines


def plot(results: list[CaseResult], path: Path) -> None:
    """Milliseconds per call of every implementation on every case, log scale."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import course_utils as cu

    cu.use_course_style()
    # course_utils as it runs (method='auto') and the peers; each method's own time is in
    # the tables, and with it the chart would need more colours than can be told apart.
    names = [name for name in dict.fromkeys(name for r in results for name in r.timings)
             if not name.startswith(f"{OURS} method=")]
    # Okabe-Ito: distinguishable with every common colour-vision deficiency.
    colours = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
               "#000000"]
    labels = [f"{r.operation}\n{r.case.name}" for r in results]
    figure, axes = plt.subplots(figsize=(14, 0.9 * len(results) + 2))
    height = 0.8 / len(names)
    for k, name in enumerate(names):
        ys = [i + (k - (len(names) - 1) / 2) * height for i in range(len(results))]
        times = [r.timings[name].median * 1e3 if name in r.timings else 0 for r in results]
        kept = [(y, t) for y, t in zip(ys, times) if t > 0]
        axes.barh([y for y, _ in kept], [t for _, t in kept], height=height,
                  color=colours[k % len(colours)], label=name)
    axes.set_xscale("log")
    axes.set_yticks(range(len(results)), labels, fontsize=11)
    axes.invert_yaxis()
    axes.set_xlabel("milliseconds per call (log scale; shorter is faster)", fontsize=14)
    axes.legend(fontsize=12, loc="lower right")
    axes.set_title("course_utils layers against their peers", fontsize=16)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


KEPT_NOTE = ("*Not re-measured by the last run (`--layers-only`): the sections from here on "
             "are those of the run before it.*")


def kept_sections(previous: str) -> list[str]:
    """The notebook, explorer, import and test-suite sections of the previous RESULTS.md."""
    start = previous.find("\n## Notebooks")
    if start < 0:
        return ["## Notebooks, explorers, imports and the test suite", "",
                "Not measured: run `make bench` without `--layers-only`.", ""]
    kept = previous[start + 1:].replace(KEPT_NOTE + "\n\n", "")
    return [KEPT_NOTE, "", *kept.rstrip("\n").split("\n"), ""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="leave out the loop reference and the test-suite run")
    parser.add_argument("--skip-test-suite", action="store_true",
                        help="do not time the whole test suite (make test)")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS and torch threads (default: every usable core); with 1, "
                             "times are the process's CPU time, steadier on a busy machine")
    parser.add_argument("--at-once-only", action="store_true",
                        help="only run notebooks alone, then two at once; "
                             "replace that section of the existing RESULTS.md, keep the rest")
    parser.add_argument("--layers-only", action="store_true",
                        help="time the layers only; keep the notebook, explorer, import and "
                             "test-suite sections of the existing RESULTS.md as they are")
    args = parser.parse_args(argv)
    if args.threads is not None and blas_threads() != args.threads:
        parser.error(f"--threads {args.threads} must be given on the command line: numpy "
                     f"has already started with {blas_threads()} BLAS thread(s)")
    if args.threads == 1:
        timing.CLOCK = time.process_time  # one thread: its CPU time is the call's own
    if args.threads is None:
        # This process's numpy has every core (threads_before_numpy); the notebooks, explorers
        # and test suite it starts run as a learner's kernels do, with the course's one thread.
        for name in BLAS_VARIABLES:
            os.environ.pop(name, None)
    # made now, not after minutes of measuring: the results and the chart go there
    args.output.parent.mkdir(parents=True, exist_ok=True)
    previous = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
    scratch = temporary_folder()
    os.environ.update(scratch_environment(scratch))
    if args.at_once_only:
        try:
            shutil.copytree(REPO / "notebooks", scratch / "notebooks")
            print("Two notebooks at once:")
            at_once = measure_at_once(scratch / "notebooks", at_once_notebooks(args.quick),
                                        usable_cores())
        finally:
            remove(scratch)
        args.output.write_text(replace_section(
            previous, AT_ONCE_HEADING, at_once_lines(at_once, usable_cores()),
            "## Explorers"), encoding="utf-8")
        print(f"Wrote the section on two notebooks at once of {args.output}")
        return 0
    started = time.perf_counter()
    runs = updates = imports = suite = at_once = None
    profiles_of_slow_notebooks: list[NotebookProfile] = []
    try:
        print("Layers:")
        results = run_layer_benchmarks(quick=args.quick)
        print("Profile of conv2d")
        profiles = [profile_conv2d(case) for case in CONV_CASES]
        backward_profiles = [profile_conv2d_backward(case) for case in CONV_CASES]
        print("Profile of locally_connected2d")
        local_profiles = [profile_locally_connected(case) for case in LOCALLY_CONNECTED_CASES]
        print("Runs side by side (notebook 04)")
        side_by_side = measure_side_by_side()
        if not args.layers_only:
            print("Notebooks:")
            runs = run_notebooks(scratch)
            for run in runs[1:]:
                if run.seconds >= notebook_limit(run):
                    print(f"  profiling {run.name}")
                    profiles_of_slow_notebooks.append(profile_notebook(scratch, run.name))
            print("Two notebooks at once:")
            at_once = measure_at_once(scratch / "notebooks", at_once_notebooks(args.quick),
                                        usable_cores())
            print("Explorers")
            updates = run_explorers(scratch)
            print("Importing the course")
            imports = run_import_benchmarks()
            if not (args.quick or args.skip_test_suite):
                print("The whole test suite (make test)")
                suite = run_test_suite()
    finally:
        remove(scratch)
    plot_path = args.output.with_name("results.png")
    plot(results, plot_path)
    targets, outcomes = target_lines(results)
    command = "make bench" + (" BENCH_ARGS=" + " ".join(sys.argv[1:]) if sys.argv[1:] else "")
    lines = [
        "# Benchmark results",
        "",
        f"Written by `{command}` (`benchmarks/run.py`) on "
        f"{datetime.date.today().isoformat()}, in {(time.perf_counter() - started) / 60:.1f} "
        "minutes. Re-run it to measure your own machine; ",
        "see [How fast is it?](../docs/performance.md) for what the numbers mean.",
        "",
        "## Machine and versions",
        "",
        f"- CPU: {cpu_name()}, {usable_cores()} usable cores; memory: "
        + (f"{memory_gib():.0f} GiB" if memory_gib() else "unknown"),
        f"- {platform.system()} {platform.release()}; Python {platform.python_version()}",
        f"- numpy {package_version('numpy')} ({blas_description()}), scipy "
        f"{package_version('scipy')}, torch {package_version('torch')}, matplotlib "
        f"{package_version('matplotlib')}",
        (f"- Threads: the layers run with every usable core for numpy's BLAS (asked for "
         f"before `import course_utils`, which would set one) and for torch "
         f"(`torch.set_num_threads({blas_threads()})`); the notebooks, explorers and test "
         f"suite run in kernels as a learner's do, with the course's one BLAS thread. Arrays "
         f"are float32; times are wall time." if args.threads is None else
         f"- Threads: {args.threads} for numpy's BLAS (`--threads {args.threads}`, through "
         f"OPENBLAS_NUM_THREADS) and for torch (`torch.set_num_threads`). Arrays are float32; "
         + ("times are the process's CPU time (`time.process_time`), which other programs on "
            "a busy machine do not inflate." if args.threads == 1 else "times are wall time.")),
        "",
        "## Targets",
        "",
        *targets,
        "",
        "## Layers",
        "",
        "Each implementation is checked against course_utils for the same numbers before it "
        "is timed. The chart shows every time on one log scale.",
        "",
        "![Milliseconds per call of each implementation](results.png)",
        "",
        *layer_tables(results),
        "## Where conv2d's time goes",
        "",
        "conv2d's stages timed one by one with the functions it calls (milliseconds, share "
        "of the whole call in brackets). The columns are the windows copied out (im2col): "
        "KH x KW times the input, a few images per step so that they stay in the CPU's cache. "
        "The multiply is one BLAS matrix product per step. PyTorch's conv2d on the CPU does "
        "not build columns: oneDNN convolves directly with kernels written for the CPU's "
        "vector units, and `torch unfold + matmul` above is the columns algorithm in PyTorch, "
        "for comparison. The last column compares the multiply alone with all of torch's "
        "conv2d: where it is near or above 1, numpy's BLAS multiply by itself takes as long as "
        "PyTorch's whole convolution, and no layout of the columns can close the gap. "
        "*Columns / multiply* is the floor of the columns algorithm above its multiply: the "
        "columns hold C_in*K*K numbers per output position, each copied once, and the "
        "multiply does C_out multiply-adds with each; numpy copies a few numbers per "
        "nanosecond on one core while BLAS does tens of multiply-adds, so with few filters "
        "(C_out) and long, strided windows (AlexNet conv1: 363 numbers read 4 apart) the copy "
        "alone exceeds a quarter of the multiply. With more BLAS threads "
        "than one the multiply gets faster and the copy does not.",
        "",
        *profile_lines(profiles, results),
        "",
        "## Where conv2d_backward's time goes",
        "",
        "The backward pass's stages timed the same way (milliseconds). dw is one product of "
        "dout with the columns of x, as in the forward pass. dx is either a product of the "
        "filters with dout, whose window gradients are then added back onto a zeroed input "
        "one kernel tap at a time (`columns`), or, at stride 1 with C_in >= C_out, a "
        "convolution of dout padded by the kernel's span less one (`full_convolution`), with "
        "its own padding, columns and product. *Other* is the rest of the call: padding x, "
        "db, taking the padding off dx, checking the arguments. *Copies / products* is the "
        "columns and dx's copies over the two products: where it is above 0.25, the backward "
        "pass cannot come within 1.25x of its multiplies by rearranging the products alone.",
        "",
        *backward_profile_lines(backward_profiles),
        "",
        "## Where locally_connected2d's time goes",
        "",
        "The same for the locally connected layer (milliseconds), forward then backward. Its "
        "product is H_out*W_out small products, one per position, in one `np.matmul` call; "
        "the columns hold each position's windows of all the images. With few taps the "
        "forward pass adds the bias inside the product, as a row of ones under the columns "
        "and a column of biases beside the filters, which costs a copy of the filters. "
        "Backward, dout is put in the product's layout (a transposing copy, unless dout "
        "comes laid out like the forward pass's output, as it does in a model), and the "
        "window gradients are added back onto a zeroed input one kernel tap at a time. *Other* "
        "is the rest of each call. *Copies / product(s)* leaves out dout's layout and the "
        "rest: above 0.25, the layer cannot come within 1.25x of its bare multiply by "
        "rearranging the products alone.",
        "",
        *locally_connected_profile_lines(local_profiles),
        "",
        "## Runs side by side (notebook 04)",
        "",
        "Notebook 04 trains its four models in 280 runs. Each model's runs here: 10 runs of 80 "
        "images in batches of 10, 96 updates each, trained one after another with `cu.train` "
        "(float64, one small model at a time) and side by side with `cu.train_side_by_side` "
        "(one array operation per step for every run), in float64 and in float32 as the "
        "notebook trains. Before anything is timed, the float64 ways are checked to end with "
        "the same weights (the last column: the largest difference, relative to the weights' "
        "size); *Faster* is one after another over side by side in float32.",
        "",
        *side_by_side_lines(side_by_side),
        "",
    ]
    if args.layers_only:
        lines += kept_sections(previous)
    else:
        lines += [
            "## Notebooks",
            "",
            "Each notebook runs top to bottom in a fresh kernel (nbclient), timed from kernel "
            "start to the last cell; memory is the kernel process's peak resident set. The "
            "floor notebook only imports numpy, matplotlib and course_utils.",
            "",
            *notebook_lines(runs),
            "",
        ]
        if profiles_of_slow_notebooks:
            by_name = {run.name: run for run in runs}
            lines += ["## Where a slow notebook's time goes", "",
                      "Each notebook that missed its time runs once more, under Python's "
                      "profiler (cProfile), in a fresh kernel. The models train one update "
                      "after another on one core; an update is a forward pass, the loss, a "
                      "backward pass and Adam's update of every weight.", ""]
            for profile in profiles_of_slow_notebooks:
                lines += notebook_profile_lines(by_name[profile.name], profile)
        lines += at_once_lines(at_once, usable_cores())
        lines += [
            "## Explorers",
            "",
            "One update is setting one control in a kernel: the report or frame is recomputed "
            "and the figure redrawn and encoded as PNG (the browser's own drawing is not "
            "included).",
            "",
            *explorer_lines(updates),
            "",
            "## Importing the course",
            "",
            "`python -X importtime` in a fresh interpreter, summing what the statement imports "
            "(the interpreter's own start-up modules left out); the first of eight runs warms "
            "the disk cache and is dropped. matplotlib and ipywidgets are imported when the "
            "first figure or explorer is used, which the second row measures.",
            "",
            *import_lines(imports),
            "",
        ]
    if suite is not None:
        seconds, code, summary = suite
        lines += ["## The whole test suite", "",
                  f"`make test`'s own command (`python {' '.join(test_command()[1:])}`), browser tests "
                  f"included: {seconds / 60:.1f} minutes, "
                  f"exit code {code}, `{summary}`. Target: under 4 minutes: "
                  f"{verdict(seconds < TEST_SUITE_SECONDS)}.", ""]
    args.output.write_text("\n".join(lines), encoding="utf-8")
    print(f"Wrote {args.output} and {plot_path}")
    for label, median, met in outcomes:
        print(f"  {label}: {median} ({'met' if met else 'missed'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
