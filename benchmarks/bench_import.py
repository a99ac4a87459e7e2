"""How long ``import course_utils`` takes, measured by Python itself (``-X importtime``).

Each run is a fresh interpreter, so nothing is cached in memory; the first
run warms the disk cache and is dropped. The figures and explorers are
imported when first used, so the second row measures what the first figure
of a notebook adds (matplotlib's pyplot, mostly).

Run alone with ``python benchmarks/bench_import.py`` (prints the Markdown
section); ``benchmarks/run.py`` includes it in RESULTS.md.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from dataclasses import dataclass

#: The target of issue 17: a learner's first cell should not wait on imports.
IMPORT_TARGET_SECONDS = 0.25

CASES = {
    "import course_utils": "import course_utils",
    "import course_utils, then its first figure (plot_grid)":
        "import course_utils; course_utils.plot_grid",
}


@dataclass(frozen=True)
class ImportTiming:
    """Seconds of every measured run of one statement."""

    statement: str
    seconds: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def top_level_imports(importtime_output: str) -> dict[str, int]:
    """Cumulative microseconds of every top-level import in ``-X importtime`` output.

    Lines look like ``import time:   self [us] | cumulative | name``; a
    top-level import is one whose name has no leading spaces (nested imports
    are already inside their parent's total).
    """
    imports = {}
    for line in importtime_output.splitlines():
        if not line.startswith("import time:") or "[us]" in line:
            continue
        _, cumulative, name = line.split("|")
        if not name.startswith("  "):
            imports[name.strip()] = imports.get(name.strip(), 0) + int(cumulative)
    return imports


def interpreter_start_modules() -> set[str]:
    """What Python imports before running any code (site, encodings, ...): not the course's."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", "pass"],
                            capture_output=True, text=True, check=True)
    return set(top_level_imports(result.stderr))


def time_import(code: str, module: str = "course_utils", runs: int = 7) -> ImportTiming:
    """Run ``code`` in ``runs + 1`` fresh interpreters and time the imports it causes."""
    startup = interpreter_start_modules()
    seconds = []
    for _ in range(runs + 1):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", code],
            capture_output=True, text=True, check=True,
        )
        imports = top_level_imports(result.stderr)
        if module not in imports:
            raise ValueError(f"{module} was not imported: is the course installed?")
        seconds.append(sum(us for name, us in imports.items() if name not in startup) / 1e6)
    return ImportTiming(code, tuple(seconds[1:]))  # the first run warmed the disk cache


def import_lines(timings: dict[str, ImportTiming]) -> list[str]:
    """The Markdown table of RESULTS.md's section on imports."""
    lines = ["| What | Median seconds | Slowest | Runs | Verdict |", "|---|---|---|---|---|"]
    for label, timing in timings.items():
        verdict = "-"
        if timing.statement == CASES["import course_utils"]:
            verdict = "met" if timing.median < IMPORT_TARGET_SECONDS else "missed"
            verdict += f" (target {IMPORT_TARGET_SECONDS} s)"
        lines.append(f"| `{label}` | {timing.median:.3f} | {max(timing.seconds):.3f} | "
                     f"{len(timing.seconds)} | {verdict} |")
    return lines


def run_import_benchmarks() -> dict[str, ImportTiming]:
    return {label: time_import(code) for label, code in CASES.items()}


if __name__ == "__main__":
    print("\n".join(import_lines(run_import_benchmarks())))
