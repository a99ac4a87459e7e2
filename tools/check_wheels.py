"""Check that every pin installs from a binary wheel on every supported Python and platform.

`make check-wheels` (or `python tools/check_wheels.py`) asks pip, for each
supported Python (pyproject.toml's classifiers) and each platform below, to
download every pin of pyproject.toml as a wheel only:

    pip download --no-deps --only-binary=:all: --implementation cp
        --python-version 3.14 --abi cp314 --platform win_amd64 -d TMP numpy==... ...

A pure-Python wheel (``py3-none-any``) counts. One pip call per Python and
platform fetches all the pins (pip stops at the first one it cannot find:
that one is noted and the call repeated without it, to name every gap); the
calls run in parallel, each into a temporary folder deleted afterwards. It needs
the package index, so CI runs it before the offline tests. Exit status 1
lists the gaps.

Standard library only: it runs with any supported Python, before `make venv`.
"""

import argparse
import concurrent.futures
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from course import PYPROJECT, supported_pythons  # noqa: E402


def manylinux(arch, newest_glibc=28):
    """Linux tags a machine with glibc 2.``newest_glibc`` accepts, newest first.

    pip expands only the legacy manylinux2014 alias by itself, so the
    PEP 600 tags (manylinux_2_28 ... manylinux_2_17) are listed one by one.
    """
    tags = ["manylinux_2_{}_{}".format(minor, arch) for minor in range(newest_glibc, 16, -1)]
    return tags + ["manylinux2014_{}".format(arch)]


#: The five platforms the course supports, each with the tags pip may accept
#: there. The floors: glibc 2.28 (Debian 10, Ubuntu 20.04, RHEL 8 and newer)
#: and macOS 12; pip itself adds the older macOS versions and universal2.
PLATFORMS = {
    "Linux x86_64": manylinux("x86_64"),
    "Linux aarch64": manylinux("aarch64"),
    "macOS arm64": ["macosx_12_0_arm64"],
    "macOS x86_64": ["macosx_12_0_x86_64"],
    "Windows amd64": ["win_amd64"],
}


#: The groups of pins: the course's own, and the extras `make venv` installs with it. The
#: instructors' extras (class, grading) are not checked here: they run on a Linux server,
#: where `make class-venv` installs them (CI does, on every run).
GROUPS = ("runtime", "test", "site")


def read_pins(pyproject_text, groups=GROUPS):
    """``{"runtime": ["numpy==2.3.5", ...], "test": [...], "site": [...]}``: every exact pin,
    markers dropped.

    A regular expression over the arrays keeps this standard-library-only
    on every Python (tests/test_course_script.py compares it with tomllib).
    """
    arrays = {
        "runtime": re.search(r"^dependencies\s*=\s*\[(.*?)\]", pyproject_text, re.M | re.S),
        "test": re.search(r"^test\s*=\s*\[(.*?)\]", pyproject_text, re.M | re.S),
        "site": re.search(r"^site\s*=\s*\[(.*?)\]", pyproject_text, re.M | re.S),
    }
    found = {}
    for group in groups:
        entries = re.findall(r'"([^"]+)"', arrays[group].group(1)) if arrays[group] else []
        found[group] = [entry.split(";")[0].strip() for entry in entries]
        unpinned = [entry for entry in found[group] if "==" not in entry]
        if unpinned:
            raise ValueError("not pinned exactly: {}".format(unpinned))
    return found


def pip_download_command(pins, python, tags, dest, pip=(sys.executable, "-m", "pip")):
    """The ``pip download`` command line for ``pins`` on ``python`` = (3, 14) and ``tags``."""
    version = "{}.{}".format(*python)
    command = list(pip) + ["download", "--no-deps", "--only-binary=:all:",
                           "--implementation", "cp", "--python-version", version,
                           "--abi", "cp{}{}".format(*python), "--dest", str(dest),
                           "--no-cache-dir", "--disable-pip-version-check", "--quiet"]
    for tag in tags:
        command += ["--platform", tag]
    return command + list(pins)


def fetch(pins, python, tags):
    """Ask pip for the wheels; return ``(ok, {pin: wheel file name})``."""
    with tempfile.TemporaryDirectory(prefix="course-wheels-") as dest:
        result = subprocess.run(pip_download_command(pins, python, tags, dest),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                universal_newlines=True)
        files = sorted(path.name for path in Path(dest).iterdir())
    return result.returncode == 0, files, result.stderr


def check(python, platform, pins):
    """The pins with no wheel for one Python and platform, and the wheel files found.

    pip stops at the first pin it cannot find and names it; that pin is
    set aside and the call repeated with the rest, so a run costs one pip
    call per Python and platform, plus one per gap.
    """
    tags, gaps, remaining = PLATFORMS[platform], [], list(pins)
    while remaining:
        ok, files, error = fetch(remaining, python, tags)
        if ok:
            return gaps, files
        missing = re.search(r"No matching distribution found for (\S+)", error)
        if not missing or missing.group(1) not in remaining:
            raise RuntimeError("pip failed on Python {}.{} {}: {}".format(
                python[0], python[1], platform, error.strip()[-500:]))
        gaps.append(missing.group(1))
        remaining.remove(missing.group(1))
    return gaps, []


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=4, help="pip calls at once (default 4)")
    parser.add_argument("--runtime-only", action="store_true",
                        help="only the course's runtime pins, not the test and site pins")
    args = parser.parse_args(argv)
    text = PYPROJECT.read_text(encoding="utf-8")
    pythons = supported_pythons(text)
    groups = ("runtime",) if args.runtime_only else GROUPS
    pins = [pin for group in groups for pin in read_pins(text, groups)[group]]
    start = time.perf_counter()
    jobs = {(python, platform): None for python in pythons for platform in PLATFORMS}
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {key: pool.submit(check, key[0], key[1], pins) for key in jobs}
        for key, future in futures.items():
            jobs[key] = future.result()
    print("Binary wheels for {} pins ({}) on Python {} and {} platforms:".format(
        len(pins), " and ".join(groups), ", ".join("{}.{}".format(*p) for p in pythons),
        len(PLATFORMS)))
    width = max(len(p) for p in PLATFORMS)
    print("  {:{}}  {}".format("", width, "  ".join(
        "{:>6}".format("{}.{}".format(*p)) for p in pythons)))
    for platform in PLATFORMS:
        cells = []
        for python in pythons:
            gaps, _ = jobs[(python, platform)]
            cells.append("{:>6}".format("ok" if not gaps else "{} gap".format(len(gaps))))
        print("  {:{}}  {}".format(platform, width, "  ".join(cells)))
    gaps = ["{} on Python {}.{}, {}".format(pin, python[0], python[1], platform)
            for (python, platform), (missing, _) in jobs.items() for pin in missing]
    print("{} pip calls in {:.0f} s".format(len(jobs), time.perf_counter() - start))
    if gaps:
        print("No binary wheel (pip would compile from source) for:\n  " + "\n  ".join(gaps))
        return 1
    print("Every pin has a binary wheel for every supported Python and platform.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
