"""The setup a newcomer relies on: pins, Binder, CI, README, and `make lab`."""

from __future__ import annotations

import importlib.util
import ipaddress
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest
import yaml

from course_utils import NOTEBOOKS
import patience  # tools/patience.py (tests/browser_support.py puts tools/ on the path)

ROOT = Path(__file__).resolve().parent.parent


def load_tool(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_start_lab():
    return load_tool("start_lab")


def pins(requirements):
    """{'numpy': '2.2.6', ...} from 'numpy==2.2.6' strings; fails on unpinned ones."""
    found = {}
    for requirement in requirements:
        requirement = requirement.split(";")[0]  # drop an environment marker
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([A-Za-z0-9_.+-]+)", requirement.strip())
        assert match, f"not pinned exactly: {requirement!r}"
        found[match.group(1).lower().replace("_", "-")] = match.group(2)
    return found


# --------------------------------------------------------------------------
# Pins: pyproject.toml and environment.yml agree
# --------------------------------------------------------------------------


def test_runtime_and_test_dependencies_are_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = pins(project["dependencies"])
    assert {"jupyterlab", "numpy", "matplotlib", "ipywidgets"} <= set(runtime)
    test = pins(project["optional-dependencies"]["test"])
    assert {"pytest", "nbval", "hypothesis", "playwright", "axe-playwright-python"} <= set(test)


def test_environment_yml_pins_the_same_packages_and_versions():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = pins(project["dependencies"])
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in environment["dependencies"] if isinstance(d, str)]
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    python = [d for d in conda if d.startswith("python")]
    assert python and re.fullmatch(r"python=3\.\d+", python[0]), "environment.yml must pin Python"
    local = [line for line in pip_section if line.strip() in ("-e .", ".", "./lab-settings")]
    assert "-e ." in local, "environment.yml must install course_utils from the repository"
    # the course's JupyterLab settings (no news box), as tools/course.py installs them
    assert "./lab-settings" in local
    packages = pins([line for line in pip_section if line not in local])
    assert packages == runtime, (
        f"environment.yml and pyproject.toml disagree: "
        f"only in environment.yml {sorted(set(packages.items()) - set(runtime.items()))}, "
        f"only in pyproject.toml {sorted(set(runtime.items()) - set(packages.items()))}"
    )


def test_supported_pythons_are_decided_in_pyproject_only():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = sorted(int(c.rsplit(".", 1)[1]) for c in project["classifiers"]
                    if c.startswith("Programming Language :: Python :: 3."))
    assert project["requires-python"] == f">=3.{listed[0]}"
    assert listed == list(range(11, listed[-1] + 1)) and listed[-1] >= 14, listed
    course = load_tool("course")
    assert course.supported_pythons((ROOT / "pyproject.toml").read_text()) == [
        (3, minor) for minor in listed]
    # nobody else states a version range that could drift from it
    assert "version_info" not in (ROOT / "Makefile").read_text()


# --------------------------------------------------------------------------
# CI and make
# --------------------------------------------------------------------------


def test_ci_installs_chromium_requires_the_browser_and_runs_the_readme_test_command():
    script = (ROOT / ".ci" / "run").read_text()
    commands = [line.strip() for line in script.splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    # the README's test command, after making a missing browser a failure: offline
    # where a network namespace can be made, else as it is
    browser = commands.index("export COURSE_REQUIRE_BROWSER=1")
    runs = [i for i, c in enumerate(commands)
            if re.search(r"\bmake test\b", c) and not c.startswith("echo")]
    assert len(runs) == 2 and min(runs) > browser, commands
    assert commands[runs[0]].startswith("unshare") and commands[runs[1]] == "make test"
    assert any("apt-get install" in c and "chromium" in c for c in commands)
    assert not any("playwright install" in c for c in commands)  # never a browser download
    assert os.access(ROOT / ".ci" / "run", os.X_OK)


def test_every_make_target_runs_tools_course_py():
    # make and `python tools/course.py` are one route: the Makefile only hands over
    targets = ["lab", "test", "execute", "slides", "handouts", "student", "bench", "site",
               "site-serve", "venv", "original",
               "clean-venv", "check-wheels", "graded", "class-test", "class-venv"]
    # --no-print-directory: under `make test` this make is a sub-make, which would
    # otherwise announce "Entering directory" around its lines.
    dry = subprocess.run(["make", "--no-print-directory", "-n", *targets, "NOTEBOOK=02"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout.splitlines()
    dry = [line.strip() for line in dry]
    assert dry == [f"python3 tools/course.py --venv .venv {arg}" for arg in (
        "--port 8888 lab", "test", "execute", "slides", "handouts", "student", "bench", "site",
        "--port 8000 site-serve", "venv", "original 02",
        "clean-venv", "check-wheels", "graded", "class-test", "class-venv")], dry
    course = load_tool("course")
    assert set(targets) == set(course.HELP)


# --------------------------------------------------------------------------
# README
# --------------------------------------------------------------------------


def test_readme_has_the_two_commands_the_badge_and_the_index():
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    badge = re.search(r"\(https://mybinder\.org/v2/gh/[^)]*\)", readme)
    assert badge, "no Binder badge"
    assert "urlpath=lab/tree/notebooks/01_conv_arithmetic.ipynb" in badge.group(0)
    for notebook in NOTEBOOKS:
        line = next(
            (line for line in readme.splitlines()
             if line.startswith("|") and notebook.filename in line),
            None,
        )
        assert line, f"README does not list {notebook.filename}"
        assert f"{notebook.minutes} min" in line, f"README gives no time for {notebook.filename}"
    # what moved out of the README is on a page it links to, in a section of its own
    for heading, page in (("Troubleshooting", "docs/learning.md"), ("Licence", "docs/credits.md"),
                          ("Credits", "docs/credits.md")):
        assert f"]({page})" in readme, f"README does not link to {page}"
        assert re.search(rf"^## .*{heading}", (ROOT / page).read_text(), re.M), (
            f"{page} has no {heading} section")


def test_the_readme_reads_in_one_screen():
    """What the course is, the notebooks and the two commands first; the rest is linked."""
    readme = (ROOT / "README.md").read_text()
    headings = re.findall(r"^## (.+)$", readme, re.M)
    assert headings[:2] == ["The course", "Two commands"], headings
    assert len(readme.splitlines()) <= 60 and len(readme.encode()) <= 6_000, (
        f"README.md: {len(readme.splitlines())} lines, {len(readme.encode())} bytes; move "
        "material for instructors and maintainers to a page of docs/ and link it")
    assert len(re.findall(r"\]\(docs/[\w.-]+\.md\)", readme)) >= 5


def test_readme_and_docs_link_to_files_that_exist_or_are_planned():
    planned = {f"notebooks/{n.filename}" for n in NOTEBOOKS}
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(((?!https?://|#)[^)#]+)(?:#[^)]*)?\)", page.read_text()):
            path = (page.parent / target).resolve()
            assert path.exists() or str(path.relative_to(ROOT)) in planned, (
                f"{page.relative_to(ROOT)} links to missing {target}")


# --------------------------------------------------------------------------
# make lab: 127.0.0.1, a token, --allow-root only for root
# --------------------------------------------------------------------------


def test_lab_command_listens_on_localhost_with_a_token():
    start_lab = load_start_lab()
    command = start_lab.build_command(8888, "secret-token", is_root=False)
    assert "--ServerApp.ip=127.0.0.1" in command
    assert "--IdentityProvider.token=secret-token" in command
    assert "--allow-root" not in command
    assert not any("token=''" in part or 'token=""' in part for part in command)
    assert not any("password" in part.lower() for part in command)
    # rooted at the repository, as on Binder: ../README.md from a notebook resolves
    assert f"--ServerApp.root_dir={ROOT}" in command


def test_lab_gives_every_kernel_one_blas_thread_unless_one_was_asked_for():
    start_lab = load_start_lab()
    fresh = start_lab.thread_environment({"PATH": "/bin"})
    assert {fresh[name] for name in start_lab.THREAD_VARIABLES} == {"1"}
    assert fresh["PATH"] == "/bin"
    asked = start_lab.thread_environment({"OMP_NUM_THREADS": "4"})
    assert asked == {"OMP_NUM_THREADS": "4"}  # the learner's choice, untouched
    # the same names course_utils reads, so that the two agree on who asked
    from course_utils import threads

    assert set(start_lab.THREAD_VARIABLES) == set(threads.ASKED_BY)


def test_allow_root_only_for_root():
    start_lab = load_start_lab()
    assert "--allow-root" in start_lab.build_command(8888, "t", is_root=True)
    assert "--allow-root" not in start_lab.build_command(8888, "t", is_root=False)


def test_an_empty_token_is_refused():
    start_lab = load_start_lab()
    with pytest.raises(ValueError, match="token must be a non-empty string"):
        start_lab.build_command(8888, "", is_root=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except urllib.error.URLError:
        return None  # not listening yet


def listening_addresses(port: int) -> set[str]:
    """The local addresses with a socket listening on ``port``, read from /proc/net."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state != "0A" or int(hex_port, 16) != port:  # 0A: LISTEN
                continue
            raw = bytes.fromhex(address)
            # /proc/net writes each 32-bit word of the address in host (little-endian) order
            words = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
            found.add(str(ipaddress.ip_address(words)) if width == 32
                      else socket.inet_ntoa(words))
    return found


def test_lab_really_serves_with_a_token(tmp_path):
    port = free_port()
    env = dict(os.environ)  # conftest.py points the Jupyter folders at a temp folder
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "tools" / "start_lab.py"), "--port", str(port), "--no-browser"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        start_new_session=True,
    )
    try:
        url = None
        deadline = time.monotonic() + load_tool("patience").seconds(20)
        while url is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            match = re.search(r"(http://127\.0\.0\.1:\d+/lab/tree/\S+\?token=(\w+))", line)
            if match:
                url, token = match.group(1), match.group(2)
        assert url, "start_lab.py printed no URL"
        assert len(token) >= 32
        base = f"http://127.0.0.1:{port}"
        while time.monotonic() < deadline:
            if get(f"{base}/api/status?token={token}") == 200:
                break
            time.sleep(0.5)
        assert get(f"{base}/api/status?token={token}") == 200
        assert listening_addresses(port) == {"127.0.0.1"}, "JupyterLab listens beyond loopback"
        assert get(f"{base}/api/status") == 403, "the server answered without a token"
        assert get(f"{base}/api/status?token=wrong") == 403
        assert "/lab/tree/notebooks/01_conv_arithmetic.ipynb?" in url
        assert get(url) == 200  # the printed URL opens notebook 01
        contents = json.loads(
            urllib.request.urlopen(f"{base}/api/contents?token={token}", timeout=5).read()
        )
        names = {item["name"] for item in contents["content"]}
        assert {"README.md", "notebooks"} <= names, "the server is not rooted at the repository"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --------------------------------------------------------------------------
# nbval strict mode catches a number changed by hand
# --------------------------------------------------------------------------


def test_nbval_fails_when_a_printed_number_is_changed_by_hand(tmp_path):
    source = ROOT / "notebooks" / "01_conv_arithmetic.ipynb"
    nb = nbformat.read(source, as_version=4)
    changed = False
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and "290,400" in output.get("text", ""):
                output["text"] = output["text"].replace("290,400", "290,401")
                changed = True
    assert changed, "notebook 01 no longer prints 290,400"
    copy = tmp_path / source.name
    nbformat.write(nb, copy)
    shutil.copy(ROOT / "tests" / "nbval_sanitize.cfg", tmp_path / "sanitize.cfg")
    # nbval_solutions: solution cells print "Correct" instead of matching a saved output
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tests"))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-o", "addopts=", "-p", "no:cacheprovider",
         "-p", "nbval_solutions",
         "--nbval", "--nbval-current-env", "--nbval-sanitize-with", "sanitize.cfg",
         "--rootdir", str(tmp_path), "-q", copy.name],
        cwd=tmp_path, capture_output=True, text=True, timeout=patience.seconds(100), env=env,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 1, report[-3000:]
    assert "1 failed" in report and "290,401" in report and "290,400" in report, report[-3000:]
