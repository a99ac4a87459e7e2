"""tools/course.py (the Windows route, and what make calls) and tools/check_wheels.py.

Their logic is tested here on Linux: the interpreter path per operating
system, the refusal of an unsupported Python, the command lines each target
runs, and the pip command of the wheel check. Nothing is installed or
downloaded: the real runs happen in .ci/run (every Python on the machine,
and `make check-wheels`), before the offline suite.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
import patience  # tools/patience.py (tests/browser_support.py puts tools/ on the path)

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = (ROOT / "pyproject.toml").read_text()


def load_tool(name):
    spec = importlib.util.spec_from_file_location(f"tool_{name}", ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


course = load_tool("course")
SUPPORTED = course.supported_pythons(PYPROJECT)


# --------------------------------------------------------------------------
# Which Python
# --------------------------------------------------------------------------


def test_supported_pythons_read_from_a_pyproject_text():
    text = ('requires-python = ">=3.11"\n'
            '"Programming Language :: Python :: 3.12",\n"Programming Language :: Python :: 3.11",')
    assert course.supported_pythons(text) == [(3, 11), (3, 12)]
    with pytest.raises(ValueError, match="without a gap"):
        course.supported_pythons(text.replace("3.12", "3.13"))
    with pytest.raises(ValueError, match="requires-python"):
        course.supported_pythons('"Programming Language :: Python :: 3.11"')


def test_an_old_python_is_refused_in_one_sentence_with_the_make_command():
    message = course.version_problem((3, 10, 13), SUPPORTED, "lab", os_name="posix",
                                     via_make=True, found=["python3.12", "python3.13"])
    newest = "3.{}".format(SUPPORTED[-1][1])
    assert message == (f"This course needs Python 3.11 to {newest} and this is Python 3.10.13; "
                       "run it with a supported one, e.g. make PYTHON=python3.13 lab.")
    assert not re.search(r"[.;]\s+[A-Z]", message) and message.endswith(".")  # one sentence


def test_the_refusal_names_the_command_of_the_route_in_use():
    posix = course.version_problem((3, 9, 1), SUPPORTED, "test", os_name="posix", found=[])
    assert f"e.g. python3.{SUPPORTED[-1][1]} tools/course.py test (after installing it " \
           "from https://www.python.org)." in posix
    windows = course.version_problem((3, 10, 0), SUPPORTED, "lab", os_name="nt",
                                     found=["python3.12"])
    assert windows.endswith("e.g. py -3.12 tools/course.py lab.")


def test_supported_and_newer_pythons_are_not_refused():
    for version in SUPPORTED:
        assert course.version_problem(version + (0,), SUPPORTED) is None
        assert course.newer_warning(version + (0,), SUPPORTED) is None
    newer = (3, SUPPORTED[-1][1] + 1, 0)
    assert course.version_problem(newer, SUPPORTED) is None
    assert "newer than the newest the course is tested with" in course.newer_warning(
        newer, SUPPORTED)


def test_pythons_on_path_suggests_only_those_found():
    present = {"python3.12", "python3.13"}
    assert course.pythons_on_path(SUPPORTED, which=lambda name: name in present or None) == [
        "python3.12", "python3.13"]


# --------------------------------------------------------------------------
# Paths and commands per operating system
# --------------------------------------------------------------------------


def test_the_environment_python_is_scripts_on_windows_and_bin_elsewhere():
    assert course.venv_python(Path(".venv"), os_name="nt") == Path(".venv/Scripts/python.exe")
    assert course.venv_python(Path(".venv"), os_name="posix") == Path(".venv/bin/python")


def test_install_creates_then_installs_the_course_and_its_lab_settings():
    commands = course.install_commands(Path("v"), "/usr/bin/python3", create=True, os_name="nt")
    assert commands == [
        ["/usr/bin/python3", "-m", "venv", "v"],
        [str(Path("v/Scripts/python.exe")), "-m", "pip", "install",
         "--disable-pip-version-check", "-e", ".[test,site]", "./lab-settings"],
    ]
    again = course.install_commands(Path("v"), "/usr/bin/python3", create=False, os_name="posix")
    assert again == [commands[1][:0] + [str(Path("v/bin/python"))] + commands[1][1:]]


def test_the_instructors_environment_adds_their_extras_and_the_proxy_from_npm():
    commands = course.install_commands(Path("c"), "/usr/bin/python3", create=True,
                                       os_name="posix", extras=course.CLASS_EXTRAS, npm="npm")
    assert commands[1][-2:] == [".[test,class,grading]", "./lab-settings"]
    assert commands[2] == ["npm", "ci", "--prefix", "deploy", "--no-audit", "--no-fund"]
    assert (ROOT / "deploy" / "package-lock.json") in course.CLASS_INSTALL_INPUTS
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]
    assert {"class", "grading"} <= set(extras) and set(course.CLASS_EXTRAS.split(",")) <= set(extras)
    # never a learner's: make venv, Binder and pip install . take neither
    assert "class" not in " ".join(course.install_commands(Path("v"), "py", create=False)[0])
    assert set(course.CLASS_TARGETS) <= set(course.HELP)


def test_each_target_runs_the_same_tool_make_used_to():
    venv_py, base = Path(".venv/bin/python"), "/usr/bin/python3"
    expected = {
        "lab": [[str(venv_py), "tools/start_lab.py", "--port", "8899"]],
        "test": [[str(venv_py), "-m", "pytest", "-n", "3", "--dist", "loadfile",
                  "--no-loadscope-reorder", "-x"]],
        "execute": [[str(venv_py), "tools/execute_notebooks.py", "-x"]],
        "slides": [[str(venv_py), "tools/make_slides.py", "-x"]],
        "handouts": [[str(venv_py), "tools/make_handouts.py", "-x"]],
        "student": [[str(venv_py), "tools/make_student.py", "-x"]],
        "bench": [[str(venv_py), "benchmarks/run.py", "-x"]],
        "original": [[base, "tools/original_notebook.py", "-x"]],
        "check-wheels": [[base, "tools/check_wheels.py", "-x"]],
        "site": [[str(venv_py), "tools/build_site.py", "-x"]],
        "site-serve": [[str(venv_py), "tools/build_site.py", "--serve", "--port", "8899", "-x"]],
        "venv": [],
        "graded": [[str(venv_py), "tools/make_graded.py", "-x"]],
        "class-test": [[str(venv_py), "-m", "pytest", "-o", "addopts=", "-p", "no:cacheprovider",
                        "-n", "2", "deploy/tests"], [str(venv_py), "deploy/load_test.py", "-x"]],
        "class-venv": [],
    }
    for target, commands in expected.items():
        extra = [] if target == "lab" else ["-x"]
        assert course.target_commands(target, venv_py, base, extra, port=8899,
                                      cores=2) == commands
    for target, commands in expected.items():
        for command in commands:
            script = command[1] if command[1] != "-m" else None
            assert script is None or (ROOT / script).exists(), script


def test_make_test_runs_one_worker_more_than_the_cores_and_at_most_four():
    assert [course.test_workers(cores) for cores in (1, 2, 3, 8)] == [2, 3, 4, 4]
    assert course.test_workers(None) == 2  # os.cpu_count() may not know


def test_make_student_calls_the_script_and_writes_into_the_ignored_student_folder():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^student:\n\t@\$\(COURSE\) student$", makefile, re.M), makefile
    assert "student" in course.HELP and "student" in course.VENV_TARGETS
    assert "student/" in (ROOT / ".gitignore").read_text().splitlines()
    dry = subprocess.run(["make", "-n", "-W", "pyproject.toml", "student"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert "tools/course.py --venv .venv student" in dry


def test_make_handouts_calls_the_script_and_writes_into_the_ignored_handouts_folder():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^handouts:\n\t@\$\(COURSE\) handouts$", makefile, re.M), makefile
    assert "handouts" in course.HELP and "handouts" in course.VENV_TARGETS
    assert "handouts/" in (ROOT / ".gitignore").read_text().splitlines()
    dry = subprocess.run(["make", "-n", "-W", "pyproject.toml", "handouts"], cwd=ROOT,
                         capture_output=True, text=True, check=True,
                         env={k: v for k, v in os.environ.items()
                              if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}).stdout
    assert "tools/course.py --venv .venv handouts" in dry


def test_make_site_and_site_serve_call_the_script_in_the_environment():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^site:\n\t@\$\(COURSE\) site$", makefile, re.M), makefile
    assert re.search(r"^site-serve:\n\t@\$\(COURSE\) --port \$\(SITE_PORT\) site-serve$",
                     makefile, re.M), makefile
    assert {"site", "site-serve"} <= set(course.HELP) & set(course.VENV_TARGETS)
    # the website is served on this machine only, on its own port unless told otherwise
    venv_py = Path(".venv/bin/python")
    assert course.target_commands("site-serve", venv_py, "py", cores=2) == [
        [str(venv_py), "tools/build_site.py", "--serve", "--port", "8000"]]
    assert course.target_commands("lab", venv_py, "py", cores=2)[0][-2:] == ["--port", "8888"]


def test_the_environment_is_rebuilt_when_what_it_is_built_from_changes(tmp_path):
    venv, inputs = tmp_path / "venv", [tmp_path / "pyproject.toml"]
    inputs[0].write_text("pins")
    assert course.needs_install(venv, inputs, os_name="posix")  # no environment yet
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("")
    assert course.needs_install(venv, inputs, os_name="posix")  # half-installed: no stamp
    (venv / course.STAMP_NAME).touch()
    assert not course.needs_install(venv, inputs, os_name="posix")
    later = time.time() + 5
    os.utime(inputs[0], (later, later))  # the pins changed
    assert course.needs_install(venv, inputs, os_name="posix")
    assert set(course.INSTALL_INPUTS) >= {ROOT / "pyproject.toml",
                                          ROOT / "lab-settings" / "conv-course.json"}


def run_course(python, *args, **env):
    # `make test` runs this file with MAKELEVEL set; the script reads it to word its
    # advice for make users, so each test says for itself whether make called it.
    inherited = {k: v for k, v in os.environ.items()
                 if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    return subprocess.run([python, str(ROOT / "tools" / "course.py"), *args],
                          capture_output=True, text=True, timeout=patience.seconds(20),
                          env={**inherited, **env}, cwd=ROOT)


def test_the_script_runs_on_an_old_python_and_refuses_it(tmp_path):
    # The real thing, when the machine has an old Python (CI's has 3.10 under pyenv):
    # this must be a sentence, not a SyntaxError or pip's resolver output.
    old = next((str(p) for p in sorted(Path("/root/.pyenv/versions").glob("3.1[0]*/bin/python3"))),
               None) if Path("/root/.pyenv/versions").exists() else None
    if old is None:
        pytest.skip("no Python older than 3.11 on this machine")
    venv = tmp_path / "venv"
    result = run_course(old, "--venv", str(venv), "venv", MAKELEVEL="1")
    assert result.returncode == 2, result
    assert result.stdout == "" and "\n" not in result.stderr.strip(), result.stderr
    assert re.fullmatch(r"This course needs Python 3\.11 to 3\.\d+ and this is Python 3\.10\.\d+; "
                        r"run it with a supported one, e\.g\. make PYTHON=python3\.\d+ venv"
                        r"( \(after installing it from https://www\.python\.org\))?\.",
                        result.stderr.strip()), result.stderr
    assert not venv.exists()  # refused before anything was created


def test_original_without_a_notebook_says_how_for_either_route():
    assert "python tools/course.py original 02" in run_course(sys.executable, "original").stderr
    assert "make original NOTEBOOK=02" in run_course(sys.executable, "original",
                                                     MAKELEVEL="1").stderr


def test_the_script_uses_only_the_standard_library():
    for name in ("course", "check_wheels"):
        source = (ROOT / "tools" / f"{name}.py").read_text()
        imported = set(re.findall(r"^(?:from|import) (\w+)", source, re.M))
        assert imported <= set(sys.stdlib_module_names) | {"course"}, imported - set(
            sys.stdlib_module_names)


# --------------------------------------------------------------------------
# The wheel check
# --------------------------------------------------------------------------

check_wheels = load_tool("check_wheels")


def test_the_wheel_check_reads_every_pin_of_pyproject():
    project = tomllib.loads(PYPROJECT)["project"]
    pins = check_wheels.read_pins(PYPROJECT)
    assert pins["runtime"] == project["dependencies"]
    for extra in ("test", "site"):
        assert pins[extra] == [d.split(";")[0].strip() for d in project["optional-dependencies"]
                               [extra]]
    # every extra but the instructors', which only run on a Linux server (make class-venv)
    assert set(pins) == {"runtime", *project["optional-dependencies"]} - {"class", "grading"}
    with pytest.raises(ValueError, match="not pinned exactly"):
        check_wheels.read_pins('dependencies = [\n "numpy>=2",\n]\ntest = []\n')


def test_the_wheel_check_asks_pip_for_a_binary_wheel_of_one_python_and_platform():
    command = check_wheels.pip_download_command(["numpy==2.4.6"], (3, 14), ["win_amd64"], "d",
                                                pip=("pip",))
    assert command == ["pip", "download", "--no-deps", "--only-binary=:all:",
                       "--implementation", "cp", "--python-version", "3.14", "--abi", "cp314",
                       "--dest", "d", "--no-cache-dir", "--disable-pip-version-check",
                       "--quiet", "--platform", "win_amd64", "numpy==2.4.6"]


def test_the_wheel_check_covers_the_five_platforms_with_real_tags():
    platforms = check_wheels.PLATFORMS
    assert set(platforms) == {"Linux x86_64", "Linux aarch64", "macOS arm64", "macOS x86_64",
                              "Windows amd64"}
    linux = platforms["Linux x86_64"]
    assert "manylinux_2_28_x86_64" in linux and "manylinux_2_17_x86_64" in linux
    assert "manylinux2014_x86_64" in linux and not any("aarch64" in t for t in linux)
    assert all(t.endswith("_aarch64") for t in platforms["Linux aarch64"])
    assert platforms["macOS arm64"] == ["macosx_12_0_arm64"]
    assert platforms["macOS x86_64"] == ["macosx_12_0_x86_64"]
    assert platforms["Windows amd64"] == ["win_amd64"]


def test_the_wheel_check_names_every_gap(monkeypatch):
    # pip stops at the first missing wheel and names it; the check must go on to the rest
    calls = []

    def fake_fetch(pins, python, tags):
        calls.append(list(pins))
        missing = [p for p in pins if p.startswith(("numpy", "scipy"))]
        if missing:
            return False, [], f"ERROR: No matching distribution found for {missing[0]}\n"
        return True, [f"{p}.whl" for p in pins], ""

    monkeypatch.setattr(check_wheels, "fetch", fake_fetch)
    gaps, files = check_wheels.check((3, 14), "Windows amd64",
                                     ["numpy==1", "pytest==9", "scipy==1"])
    assert gaps == ["numpy==1", "scipy==1"] and files == ["pytest==9.whl"]
    assert len(calls) == 3  # one call, plus one per gap


def test_the_wheel_check_reports_a_pip_failure_that_is_not_a_gap(monkeypatch):
    monkeypatch.setattr(check_wheels, "fetch",
                        lambda pins, python, tags: (False, [], "ERROR: network unreachable"))
    with pytest.raises(RuntimeError, match="network unreachable"):
        check_wheels.check((3, 11), "Linux x86_64", ["numpy==1"])
