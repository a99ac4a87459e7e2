"""The class load test's results as a page, and the sizing that follows from them.

deploy/load_test.py measures; this module only turns deploy/results.json into text:
deploy/RESULTS.md, the sizing section of docs/running-a-class.md and the README's
one line on class size. tests/test_deploy.py checks that the committed pages say
what the committed results give, so no sizing number is typed in by hand.

The rule is The Littlest JupyterHub's resource estimate: memory = concurrent learners x
the peak of one learner + the hub's overhead; CPU = concurrent learners x what one
learner uses at once. Here a learner's peak is their server with the kernels of
notebooks 04 and 05 both open, each kernel at its peak; the CPU a learner uses at
once is one core while their cells run (numpy has one thread, course_utils/threads.py).
"""

from __future__ import annotations

import math
import platform
import re
from importlib.metadata import PackageNotFoundError, version

SECTION_START = "<!-- sizing: written by make class-test from deploy/results.json -->"
SECTION_END = "<!-- sizing: end -->"
README_START = "<!-- class size: written by make class-test -->"
README_END = "<!-- class size: end -->"
#: Class sizes the sizing table works out.
EXAMPLES = (20, 40, 100)
#: How much slower than alone a learner's notebooks may run when everyone presses Run.
SLOWDOWN = 1.5


def package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def learner_line(result) -> str:
    """One learner's numbers, as the load test prints them while it runs."""
    parts = [f"{n.name[:2]}: {n.seconds:.1f} s, kernel {n.kernel_peak_mb:.0f} MB"
             for n in result.notebooks]
    return (f"{result.name}: spawn {result.spawn_seconds:.1f} s; " + "; ".join(parts)
            + f"; server {result.server_peak_mb:.0f} MB; errors {len(result.errors)}")


def _learners(run: dict) -> list[dict]:
    return run["results"]


def _notebook_seconds(learner: dict) -> float:
    return sum(n["seconds"] for n in learner["notebooks"])


def _learner_peak(learner: dict) -> float:
    """A learner's peak: their server's plus each kernel's (both notebooks open)."""
    return learner["server_peak_mb"] + sum(n["kernel_peak_mb"] for n in learner["notebooks"])


def summary(data: dict) -> dict:
    """The numbers the sizing rests on, from the results."""
    runs = data["runs"]
    cores = data["machine"]["cores"]
    largest = max(runs, key=lambda run: run["learners"])
    alone_runs = [run for run in runs if run["learners"] == 1]
    alone = max(_notebook_seconds(r) for r in _learners(alone_runs[0])) if alone_runs else None
    everyone = [r for run in runs for r in _learners(run)]
    peak = max(_learner_peak(r) for r in everyone)
    overhead = max(run["hub_peak_mb"] + run["proxy_peak_mb"] for run in runs)
    slowdowns = {run["learners"]: max(_notebook_seconds(r) for r in _learners(run)) / alone
                 for run in runs} if alone else {}
    within = [n for n, s in slowdowns.items() if s <= SLOWDOWN]
    # CPU of a learner alone (with more at once, contention for caches raises it)
    cpu = [sum(n["kernel_cpu_seconds"] for n in r["notebooks"])
           for r in (_learners(alone_runs[0]) if alone_runs else everyone)]
    return {
        "cores": cores,
        "largest": largest["learners"],
        "alone_seconds": alone,
        "slowdowns": slowdowns,
        "learners_per_core": max(within) / cores if within else None,
        "peak_mb": peak,
        "overhead_mb": overhead,
        "learners_per_gb": 1024 / peak,
        "kernel_peak_mb": max(n["kernel_peak_mb"] for r in everyone for n in r["notebooks"]),
        "server_peak_mb": max(r["server_peak_mb"] for r in everyone),
        "spawn_alone": max((r["spawn_seconds"] for run in alone_runs for r in _learners(run)),
                           default=None),
        "spawn_largest": max(r["spawn_seconds"] for r in _learners(largest)),
        "cpu_seconds": statistics_median(cpu),
    }


def statistics_median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def memory_for(learners: int, numbers: dict) -> float:
    """GB for a class: TLJH's rule, learners x the peak of one + the hub's overhead."""
    return (learners * numbers["peak_mb"] + numbers["overhead_mb"]) / 1024


def cores_for(learners: int, numbers: dict) -> int:
    """Cores so that everyone pressing Run at once waits at most SLOWDOWN times alone."""
    return math.ceil(learners / numbers["learners_per_core"])


def sizing_lines(data: dict) -> list[str]:
    """The sizing section of docs/running-a-class.md (between its markers)."""
    n = summary(data)
    machine = data["machine"]
    lines = [
        f"Measured by `make class-test` on {machine['cores']} cores and "
        f"{machine['memory_gib']} GiB ({machine['cpu']}; JupyterHub {machine['jupyterhub']}, "
        f"configurable-http-proxy {machine['proxy']}, {machine['date']}): every learner at once "
        "logs in, starts a server, pulls the course and runs notebooks 04 and 05 cell by cell "
        "(the two that train models), both kernels kept open. The full table is in "
        "[deploy/RESULTS.md](../deploy/RESULTS.md).",
        "",
        f"- **Memory**: one learner peaks at **{n['peak_mb']:.0f} MB** (their server "
        f"{n['server_peak_mb']:.0f} MB and each kernel up to {n['kernel_peak_mb']:.0f} MB), "
        f"so **{n['learners_per_gb']:.1f} learners per GB**; the hub and its proxy add "
        f"{n['overhead_mb']:.0f} MB.",
    ]
    if n["learners_per_core"]:
        slow = ", ".join(f"{k} learner{'s' if k > 1 else ''} {v:.2f}x"
                         for k, v in sorted(n["slowdowns"].items()))
        lines.append(
            f"- **CPU**: alone, a learner's two notebooks take {n['alone_seconds']:.0f} s of "
            f"one core (their kernels' CPU time: {n['cpu_seconds']:.0f} s). With everyone "
            "pressing Run at once, "
            f"{n['learners_per_core']:g} learner{'s' if n['learners_per_core'] != 1 else ''} "
            f"per core keep{'s' if n['learners_per_core'] == 1 else ''} within {SLOWDOWN}x of "
            f"alone (measured, slowest learner over alone: {slow}); more learners per core "
            "share it, and their cells take proportionally longer.")
    lines.append(f"- **Spawns**: {n['spawn_alone']:.1f} s alone, up to "
                 f"{n['spawn_largest']:.1f} s each with {n['largest']} at once.")
    lines += [
        "",
        "Extrapolated with The Littlest JupyterHub's rule (memory = concurrent learners x the "
        "peak of one + overhead; CPU = concurrent learners x one core while their cells run, "
        f"for everyone pressing Run at once within {SLOWDOWN}x of alone):",
        "",
        "| Learners at once | Memory | Cores, all pressing Run at once |",
        "|---|---|---|",
    ]
    for learners in EXAMPLES:
        cores = f"{cores_for(learners, n)}" if n["learners_per_core"] else "not measured"
        lines.append(f"| {learners} | {memory_for(learners, n):.1f} GB | {cores} |")
    largest_slowdown = n["slowdowns"].get(n["largest"])
    lines += [""]
    if largest_slowdown:
        lines.append(
            f"Fewer cores make everyone wait, not fail: with {n['largest']} learners on "
            f"{n['cores']} cores ({n['largest'] / n['cores']:g} per core), all pressing Run at "
            f"once, the slowest learner's notebooks took {largest_slowdown:.2f}x as long as "
            "alone. Learners who read between cells, as in a lecture, rarely press Run "
            "together. Memory is not shared that way: plan it for everyone.")
    return lines


def with_sizing_section(page: str, data: dict) -> str:
    """``page`` with the text between the sizing markers written from ``data``."""
    pattern = re.compile(re.escape(SECTION_START) + r".*?" + re.escape(SECTION_END), re.S)
    if not pattern.search(page):
        raise ValueError("the page has no sizing markers")
    block = "\n".join([SECTION_START, *sizing_lines(data), SECTION_END])
    return pattern.sub(lambda _: block, page)


def readme_line(data: dict) -> str:
    n = summary(data)
    cores = (f" and {n['learners_per_core']:g} per core when all press Run at once"
             if n["learners_per_core"] else "")
    return (f"A class on one server, measured: {n['learners_per_gb']:.1f} learners per GB"
            f"{cores} (its section \"Sizing a server\").")


def with_readme_line(readme: str, data: dict) -> str:
    pattern = re.compile(re.escape(README_START) + r".*?" + re.escape(README_END), re.S)
    if not pattern.search(readme):
        raise ValueError("the README has no class-size markers")
    return pattern.sub(lambda _: f"{README_START}{readme_line(data)}{README_END}", readme)


def results_page(data: dict) -> str:
    """deploy/RESULTS.md: what ran, every learner's numbers, the checks."""
    machine = data["machine"]
    lines = [
        "# The class load test's results",
        "",
        f"Written by `make class-test` (`deploy/load_test.py`) on {machine['date']} in "
        f"{machine['minutes']} minutes, on {machine['cores']} cores and "
        f"{machine['memory_gib']} GiB ({machine['cpu']}), Python {machine['python']}, "
        f"JupyterHub {machine['jupyterhub']} with configurable-http-proxy {machine['proxy']} on "
        "127.0.0.1, the DummyAuthenticator and SimpleLocalProcessSpawner, the course's "
        "deploy/jupyterhub_config.py as it is. Each class size ran after the previous one, "
        "every learner of it at once. The numbers below are the same as in "
        "[results.json](results.json); docs/running-a-class.md's sizing comes from them."
        + (f" The machine's load average (1 minute) was {machine['load_before']} when the test "
           f"started and {machine['load_after']} when it ended: other work on the machine "
           "slows every time here." if "load_before" in machine else ""),
        "",
        "| Learners at once | Learner | Spawn (s) | Pull (s) | 04 (s) | 05 (s) | Kernel 04 "
        "(MB) | Kernel 05 (MB) | Server peak (MB) | Server and kernels at the end (MB) | "
        "Errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in data["runs"]:
        for learner in _learners(run):
            books = {n["name"][:2]: n for n in learner["notebooks"]}
            get = (lambda key, what: f"{books[key][what]:.1f}" if key in books else "-")
            lines.append(
                f"| {run['learners']} | {learner['name']} | {learner['spawn_seconds']:.1f} | "
                f"{learner['pull_seconds']:.1f} | {get('04', 'seconds')} | "
                f"{get('05', 'seconds')} | {get('04', 'kernel_peak_mb')} | "
                f"{get('05', 'kernel_peak_mb')} | {learner['server_peak_mb']:.0f} | "
                f"{learner['total_mb']:.0f} | {len(learner['errors'])} |")
    lines += ["", "| Learners at once | Hub peak (MB) | Proxy peak (MB) | Whole run (s) |",
              "|---|---|---|---|"]
    for run in data["runs"]:
        lines.append(f"| {run['learners']} | {run['hub_peak_mb']:.0f} | "
                     f"{run['proxy_peak_mb']:.0f} | {run['seconds']:.0f} |")
    lines += ["", "## Checks", ""]
    for check in data["checks"]:
        lines.append(f"- {'met' if check['passed'] else '**missed**'}: {check['what']} "
                     f"({check['detail'] or 'none'})")
    lines += ["", "## Sizing", "", *sizing_lines(data)]
    return "\n".join(lines).replace("](../deploy/RESULTS.md)", "](RESULTS.md)") + "\n"
