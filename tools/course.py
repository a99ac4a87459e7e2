"""The course's everyday commands, on Linux, macOS and Windows alike.

    python tools/course.py lab      # first time: creates .venv and installs the course
    python tools/course.py test     # the whole test suite

The Makefile calls this script for every target, so `make lab` and
`python tools/course.py lab` do the same thing and cannot drift apart. It
uses the Python standard library only, and it runs on any Python 3 old
enough to have to be refused: the refusal must be one sentence, not a
traceback or pip's resolver output. So: no third-party import, no
``from __future__ import annotations`` (3.7+) and no syntax newer than 3.6
in this file.

Which Pythons the course supports is decided in one place, pyproject.toml:
``requires-python`` gives the oldest and the "Programming Language :: Python
:: 3.X" classifiers list every version the pins are checked for (the newest
one is the newest tested; ``make check-wheels`` checks the wheels of each).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
STAMP_NAME = ".course-installed"

#: Targets that run inside the course's virtual environment (created on first use).
VENV_TARGETS = ("venv", "lab", "test", "execute", "slides", "handouts", "student", "bench",
                "site", "site-serve")
#: Targets for instructors, run in a second environment (.venv-class, next to .venv): the
#: course with its test extra and the instructors' extras (class: JupyterHub; grading:
#: nbgrader), and the proxy from npm in deploy/node_modules. Never a learner's install.
CLASS_TARGETS = ("class-venv", "class-test", "graded")
CLASS_VENV = ".venv-class"
CLASS_EXTRAS = "test,class,grading"
#: The port each serving target listens on, on 127.0.0.1, unless --port says otherwise.
DEFAULT_PORTS = {"lab": 8888, "site-serve": 8000}
#: Every target; `make help` and `python tools/course.py --help` list the same ones.
HELP = {
    "lab": "install the course into .venv (first time only) and start JupyterLab",
    "test": "run every test: course_utils, the course checks and all notebooks (nbval)",
    "execute": "re-run every notebook top to bottom in a fresh kernel and save its outputs",
    "slides": "turn every notebook into a reveal.js slide deck in slides/ (opens offline)",
    "handouts": "print every deck to a PDF in handouts/: a page per slide, notes after it",
    "student": "write student/: copies of the notebooks without solutions, for a graded class",
    "bench": "time the layers against scipy/PyTorch and the notebooks; writes benchmarks/RESULTS.md",
    "site": "build the course website into build/site/html, offline, from the committed notebooks",
    "site-serve": "build the website, then serve it on http://127.0.0.1:8000/ until Ctrl+C",
    "graded": "write graded/: an nbgrader course folder (source and release) from the notebooks",
    "class-test": "for instructors: autograde canned submissions, then a class of learners on a "
                  "local JupyterHub (deploy/)",
    "class-venv": "only create .venv-class, the instructors' environment (JupyterHub, nbgrader)",
    "original": "a clean copy of a notebook beside yours (yours is kept), e.g. original 02",
    "venv": "only create .venv and install the course into it",
    "clean-venv": "remove .venv (your notebooks are never touched)",
    "check-wheels": "ask PyPI for a binary wheel of every pin, supported Python and platform",
}


def supported_pythons(pyproject_text):
    """The supported ``(major, minor)`` versions, oldest first, read from pyproject.toml.

    ``requires-python = ">=3.X"`` gives the oldest; the ``Programming Language
    :: Python :: 3.Y`` classifiers give every supported version. A regular
    expression, not tomllib: this must run on the Pythons it refuses.

    Raises
    ------
    ValueError
        When the two disagree or either is missing, so that a mistake in
        pyproject.toml cannot pass silently.
    """
    floor = re.search(r'^requires-python\s*=\s*"\s*>=\s*3\.(\d+)\s*"', pyproject_text, re.M)
    listed = sorted({int(minor) for minor in re.findall(
        r'"Programming Language :: Python :: 3\.(\d+)"', pyproject_text)})
    if not floor or not listed:
        raise ValueError('pyproject.toml needs requires-python = ">=3.X" and a '
                         '"Programming Language :: Python :: 3.X" classifier per supported Python')
    oldest = int(floor.group(1))
    if listed != list(range(oldest, listed[-1] + 1)):
        raise ValueError("pyproject.toml: the Python classifiers {} must run without a gap "
                         "from requires-python's 3.{}".format(listed, oldest))
    return [(3, minor) for minor in listed]


def venv_python(venv, os_name=None):
    """The virtual environment's interpreter: Scripts\\python.exe on Windows, else bin/python."""
    os_name = os.name if os_name is None else os_name
    return Path(venv) / ("Scripts/python.exe" if os_name == "nt" else "bin/python")


def how_to_run(target, python_command, os_name=None, via_make=False):
    """The command that runs ``target`` with another Python, as the learner would type it."""
    os_name = os.name if os_name is None else os_name
    if via_make:
        return "make PYTHON={} {}".format(python_command, target)
    if os_name == "nt":
        # the py launcher, installed with Python from python.org: py -3.12 ...
        return "py -{} tools/course.py {}".format(python_command.replace("python", ""), target)
    return "{} tools/course.py {}".format(python_command, target)


def version_problem(version, supported, target="lab", os_name=None, via_make=False,
                    found=None):
    """None when ``version`` is supported, else the one-sentence refusal with the fix.

    Parameters
    ----------
    version : tuple
        ``sys.version_info[:3]`` of the Python that would create the environment.
    supported : list of (int, int)
        From :func:`supported_pythons`.
    found : list of str, optional
        Commands of supported Pythons on this machine (``python3.12``); the
        message suggests the newest of them, else the newest supported one.
    """
    if tuple(version[:2]) in [tuple(v) for v in supported]:
        return None
    oldest, newest = supported[0], supported[-1]
    if tuple(version[:2]) > tuple(newest):
        return None  # newer than tested: allowed, with a warning (see newer_warning)
    suggestion = found[-1] if found else "python{}.{}".format(*newest)
    return ("This course needs Python {}.{} to {}.{} and this is Python {}; run it with a "
            "supported one, e.g. {}{}.".format(
                oldest[0], oldest[1], newest[0], newest[1], ".".join(map(str, version[:3])),
                how_to_run(target, suggestion, os_name, via_make),
                "" if found else " (after installing it from https://www.python.org)"))


def newer_warning(version, supported):
    """A one-line warning for a Python newer than the newest tested one, else None."""
    newest = supported[-1]
    if tuple(version[:2]) > tuple(newest):
        return ("Note: Python {}.{} is newer than the newest the course is tested with ({}.{}); "
                "if pip starts compiling packages, stop it and use Python {}.{}.".format(
                    version[0], version[1], newest[0], newest[1], newest[0], newest[1]))
    return None


def pythons_on_path(supported, which=shutil.which):
    """Commands such as ``python3.12`` for the supported Pythons found on PATH, oldest first."""
    return ["python{}.{}".format(*v) for v in supported if which("python{}.{}".format(*v))]


def test_workers(cores):
    """pytest-xdist workers for a machine with ``cores`` CPU cores.

    Parameters
    ----------
    cores : int or None
        Usable CPU cores (None when unknown: taken as 1).

    Returns
    -------
    int
        One more than the cores, at least 2 and at most 4. Why one more: a
        browser test spends part of its time waiting for Chromium, JupyterLab
        or a kernel, and the extra worker fills it. Measured on 2 cores (issue
        23), on the same code: 3 workers took 271 s, 4 took 278 s (each worker
        starts its own JupyterLab and Chromium).
    """
    return max(2, min(4, (cores or 1) + 1))


def usable_cores():
    """The CPU cores this process may run on (a container's or taskset's limit included)."""
    if hasattr(os, "sched_getaffinity"):  # Linux; not on macOS or Windows
        return len(os.sched_getaffinity(0))
    return os.cpu_count()


def target_commands(target, venv_py, base_python, extra=(), port=None, cores=None):
    """The command lines a target runs, once the environment is ready.

    ``venv_py`` is the course environment's interpreter (for :data:`CLASS_TARGETS`, the
    instructors' environment's); ``base_python`` the
    one running this script (for the targets that need no environment);
    ``port`` the port of lab or site-serve (by default, :data:`DEFAULT_PORTS`);
    ``cores`` the usable CPU cores (by default, :func:`usable_cores`).
    """
    extra = list(extra)
    port = DEFAULT_PORTS.get(target) if port is None else port
    workers = test_workers(usable_cores() if cores is None else cores)
    commands = {
        "venv": [],
        "lab": [[str(venv_py), "tools/start_lab.py", "--port", str(port)] + extra],
        # units of work (a file, or one notebook's browser or student run: conftest.py)
        # handed to the workers slowest first
        "test": [[str(venv_py), "-m", "pytest", "-n", str(workers), "--dist", "loadfile",
                  "--no-loadscope-reorder"] + extra],
        "execute": [[str(venv_py), "tools/execute_notebooks.py"] + extra],
        "slides": [[str(venv_py), "tools/make_slides.py"] + extra],
        "handouts": [[str(venv_py), "tools/make_handouts.py"] + extra],
        "student": [[str(venv_py), "tools/make_student.py"] + extra],
        "bench": [[str(venv_py), "benchmarks/run.py"] + extra],
        "site": [[str(venv_py), "tools/build_site.py"] + extra],
        "site-serve": [[str(venv_py), "tools/build_site.py", "--serve", "--port", str(port)]
                       + extra],
        "class-venv": [],
        "graded": [[str(venv_py), "tools/make_graded.py"] + extra],
        # the grading tests on the workers, then the load test alone: it measures the machine
        "class-test": [[str(venv_py), "-m", "pytest", "-o", "addopts=", "-p", "no:cacheprovider",
                        "-n", str(min(workers, 2)), "deploy/tests"],
                       [str(venv_py), "deploy/load_test.py"] + extra],
        "original": [[str(base_python), "tools/original_notebook.py"] + extra],
        "check-wheels": [[str(base_python), "tools/check_wheels.py"] + extra],
    }
    return commands[target]


def install_commands(venv, base_python, create, os_name=None, extras="test,site", npm=None):
    """Create the environment (when ``create``) and install the course and its pins into it.

    With the course come its ``test`` and ``site`` extras (pytest and the browser
    tests; Sphinx for `make site`): every target runs in this one environment. The
    course's own install (Binder's environment.yml, ``pip install .``) has neither.
    The instructors' environment takes ``extras`` "test,class,grading" and, with ``npm``
    (its command), configurable-http-proxy as deploy/package-lock.json pins it.
    """
    commands = [[str(base_python), "-m", "venv", str(venv)]] if create else []
    # lab-settings is a package of its own, installed normally: an editable
    # install would leave out its JupyterLab settings file (lab-settings/README.md)
    commands.append([str(venv_python(venv, os_name)), "-m", "pip", "install",
                     "--disable-pip-version-check", "-e", ".[{}]".format(extras),
                     "./lab-settings"])
    if npm:
        commands.append([npm, "ci", "--prefix", "deploy", "--no-audit", "--no-fund"])
    return commands


#: What the environment is built from: when one changes, the next command reinstalls.
INSTALL_INPUTS = (PYPROJECT, ROOT / "lab-settings" / "pyproject.toml",
                  ROOT / "lab-settings" / "conv-course.json")
#: The same for the instructors' environment, which also has the proxy from npm.
CLASS_INSTALL_INPUTS = INSTALL_INPUTS + (ROOT / "deploy" / "package-lock.json",)


def needs_install(venv, inputs=INSTALL_INPUTS, os_name=None):
    """True when the environment is missing, half-installed, or older than what it is built from."""
    stamp = Path(venv) / STAMP_NAME
    if not venv_python(venv, os_name).exists() or not stamp.exists():
        return True
    return any(stamp.stat().st_mtime < Path(path).stat().st_mtime for path in inputs)


def run(command):
    """Run one command in the repository, echoing it as make does; return its exit code."""
    print(" ".join(command), flush=True)
    process = subprocess.Popen(command, cwd=str(ROOT))
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:
            # Ctrl+C reaches the child too (JupyterLab asks to confirm): wait for it
            continue


def ensure_venv(venv, target, via_make, instructors=False):
    """Create or update the environment; return an exit code (0: ready).

    With ``instructors``, the instructors' environment (:data:`CLASS_TARGETS`).
    """
    supported = supported_pythons(PYPROJECT.read_text(encoding="utf-8"))
    if not needs_install(venv, CLASS_INSTALL_INPUTS if instructors else INSTALL_INPUTS):
        return 0
    npm = None
    if instructors:
        npm = shutil.which("npm")
        if npm is None:
            print("The class test needs Node.js and npm for JupyterHub's proxy: install them "
                  "(https://nodejs.org, or on Debian and Ubuntu: sudo apt install nodejs npm), "
                  "then run this again.", file=sys.stderr)
            return 2
    create = not venv_python(venv).exists()
    # the Python that will run the course: this one for a new environment, else the existing one's
    version = sys.version_info[:3]
    if not create:
        output = subprocess.run([str(venv_python(venv)), "-c",
                                 "import sys; print(*sys.version_info[:3])"],
                                stdout=subprocess.PIPE, universal_newlines=True)
        version = tuple(int(part) for part in output.stdout.split()) or version
    problem = version_problem(version, supported, target, via_make=via_make,
                              found=pythons_on_path(supported))
    if problem and not create:
        problem = problem[:-1] + ", after removing the old environment with {}.".format(
            "make clean-venv" if via_make else "python tools/course.py clean-venv")
    if problem:
        print(problem, file=sys.stderr)
        return 2
    warning = newer_warning(version, supported)
    if warning:
        print(warning, file=sys.stderr)
    extras = CLASS_EXTRAS if instructors else "test,site"
    for command in install_commands(venv, sys.executable, create, extras=extras, npm=npm):
        code = run(command)
        if code:
            if command[1:3] == ["-m", "venv"]:
                print("Could not create the virtual environment; on Debian or Ubuntu install "
                      "it first with: sudo apt install python3-venv", file=sys.stderr)
            return code
    (Path(venv) / STAMP_NAME).touch()
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python tools/course.py", description="The course's commands (the same as make's).",
        epilog="\n".join("{:13s} {}".format(k, v) for k, v in HELP.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--venv", default=".venv", help="the virtual environment (default .venv)")
    parser.add_argument("--port", type=int, default=None,
                        help="lab, site-serve: the port (default 8888, 8000)")
    parser.add_argument("target", choices=list(HELP))
    parser.add_argument("args", nargs=argparse.REMAINDER,
                        help="passed on: pytest's options for test, a notebook for original")
    args = parser.parse_args(argv)
    # make sets MAKELEVEL for the commands it runs: then the fix is given as a make command
    via_make = "MAKELEVEL" in os.environ
    venv = Path(args.venv) if Path(args.venv).is_absolute() else ROOT / args.venv
    if args.target == "clean-venv":
        print("removing {}".format(venv), flush=True)
        shutil.rmtree(str(venv), ignore_errors=True)
        return 0
    if args.target == "original" and not args.args:
        print("Say which notebook, e.g.: {}".format(
            "make original NOTEBOOK=02" if via_make else "python tools/course.py original 02"),
            file=sys.stderr)
        return 2
    if args.target in VENV_TARGETS:
        code = ensure_venv(venv, args.target, via_make)
        if code:
            return code
    if args.target in CLASS_TARGETS:
        # beside the course's environment: .venv-class next to .venv (or --venv's folder)
        venv = venv.parent / CLASS_VENV
        code = ensure_venv(venv, args.target, via_make, instructors=True)
        if code:
            return code
    for command in target_commands(args.target, venv_python(venv), sys.executable,
                                   args.args, port=args.port):
        code = run(command)
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
