"""The course holds up offline, on shared servers and with a learner's edits.

- Offline: nothing reaches another machine - this process and every kernel
  the tests start refuse to (tests/no_network.py), and `.ci/run` runs the
  whole suite in a network namespace with only loopback.
- Safe defaults: no eval/exec, no pickles, data checked before use.
- Learner work: no make target overwrites a learner's notebook; `make
  original` puts a clean copy beside it.
- The property tests run enough examples (conftest.py counts them).
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import nbformat
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nbclient import NotebookClient

import course_utils as cu
from course_utils import NOTEBOOKS
from course_utils.exercises.verdict import NOT_QUITE
import patience  # tools/patience.py (tests/browser_support.py puts tools/ on the path)

ROOT = Path(__file__).resolve().parent.parent
no_network = sys.modules["course_no_network"]  # the copy conftest.py installed


def load_tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def course_sources() -> dict[str, str]:
    """Every piece of code a learner runs: course_utils, the tools, and notebook cells."""
    sources = {str(p.relative_to(ROOT)): p.read_text()
               for folder in ("course_utils", "tools")
               for p in sorted((ROOT / folder).rglob("*.py"))}
    for notebook in NOTEBOOKS:
        cells = nbformat.read(ROOT / "notebooks" / notebook.filename, as_version=4).cells
        for index, cell in enumerate(cells):
            if cell.cell_type == "code":
                sources[f"{notebook.filename} cell {index}"] = cell.source
    return sources


def python_trees() -> dict[str, ast.AST]:
    # Notebook cells may hold IPython syntax (!, %); the course's have none, and
    # a cell that did would fail here rather than be skipped.
    return {name: ast.parse(source) for name, source in course_sources().items()}


# --------------------------------------------------------------------------
# Offline
# --------------------------------------------------------------------------


def test_the_guard_refuses_other_machines():
    with pytest.raises(no_network.NetworkBlocked, match="run offline"):
        socket.create_connection(("192.0.2.1", 443), timeout=1)  # TEST-NET-1, never routed
    with pytest.raises(no_network.NetworkBlocked, match="looking up the address of 'pypi.org'"):
        socket.getaddrinfo("pypi.org", 443)


def test_the_guard_lets_loopback_through():
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        accepted = threading.Thread(target=lambda: server.accept()[0].close())
        accepted.start()
        with socket.create_connection(("localhost", port), timeout=5):
            pass
        accepted.join(timeout=5)


def test_kernels_started_by_the_tests_are_offline_too():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import socket\n"
        "try:\n"
        "    socket.create_connection(('192.0.2.1', 443), timeout=1)\n"
        "except OSError as error:\n"
        "    print(type(error).__name__, error)"
    )])
    NotebookClient(notebook, kernel_name="python3", timeout=int(patience.seconds(40))).execute()
    printed = notebook.cells[0].outputs[0].text
    assert printed.startswith("NetworkBlocked") and "run offline" in printed


def test_every_data_set_loads_with_the_network_refused():
    faces = cu.load_faces()
    digits = cu.load_digits()
    photographs = {name: cu.load_photograph(name) for name in cu.PHOTOGRAPHS}
    assert faces.images.shape == (200, 25, 25) and faces.images.dtype == np.float64
    assert digits.images.shape == (5000, 28, 28) and digits.images.dtype == np.float32
    for name, pixels in photographs.items():
        assert pixels.shape == cu.PHOTOGRAPHS[name][0] and 0 <= pixels.min() < pixels.max() <= 1


NETWORK_MODULES = {"urllib", "http", "requests", "httpx", "socket", "ftplib", "pooch",
                   "aiohttp", "urllib3", "smtplib"}
SHELL_DOWNLOAD = re.compile(r"^\s*[!%]\s*(pip|conda|wget|curl|git)\b", re.MULTILINE)


def test_nothing_in_the_course_reaches_for_the_network():
    found = []
    for name, tree in python_trees().items():
        for node in ast.walk(tree):
            modules = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            found += [f"{name}: imports {m}" for m in modules
                      if m.split(".")[0] in NETWORK_MODULES]
    # The maintainers' fetch tools run once, by hand, to build the shipped files; the
    # website's tool serves the built pages on 127.0.0.1 (make site-serve) and fetches
    # nothing (tests/test_site.py checks where it listens).
    allowed = {"tools/fetch_mnist_subset.py", "tools/fetch_slide_assets.py",
               "tools/build_site.py"}
    found = [line for line in found if line.split(":")[0] not in allowed]
    assert not found, found
    shell = [name for name, source in course_sources().items() if SHELL_DOWNLOAD.search(source)]
    assert not shell, f"cells that install or download: {shell}"


def test_ci_runs_the_suite_with_the_network_cut():
    script = (ROOT / ".ci" / "run").read_text()
    commands = [line.strip() for line in script.splitlines()
                if line.strip() and not line.strip().startswith("#")]
    install = next(i for i, c in enumerate(commands) if "make venv" in c)
    offline = next(i for i, c in enumerate(commands) if "unshare" in c and "make test" in c)
    assert install < offline, "the packages must be installed before the network is cut"
    assert "ip link set lo up" in commands[offline]  # Jupyter's kernels talk over loopback
    assert "COURSE_REQUIRE_OFFLINE=1" in commands[offline]


@pytest.mark.skipif(os.environ.get("COURSE_REQUIRE_OFFLINE") != "1",
                    reason="only where .ci/run cut the network (COURSE_REQUIRE_OFFLINE=1)")
def test_this_run_really_has_no_network():
    # if_nameindex asks the kernel about this process's namespace (/sys/class/net
    # would show the namespace that mounted /sys).
    interfaces = sorted(name for _, name in socket.if_nameindex())
    assert interfaces == ["lo"], f"network interfaces besides loopback: {interfaces}"
    probe = socket.socket()
    probe.settimeout(2)
    with pytest.raises(OSError):  # below the guard: the kernel has no route
        no_network._real_connect(probe, ("192.0.2.1", 443))
    probe.close()


# --------------------------------------------------------------------------
# Safe defaults
# --------------------------------------------------------------------------

FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__", "input", "breakpoint"}
FORBIDDEN_MODULES = {"pickle", "marshal", "shelve", "dill", "joblib", "cloudpickle"}


def test_no_eval_exec_or_pickle_in_anything_a_learner_runs():
    found = []
    for name, tree in python_trees().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in FORBIDDEN_CALLS:
                found.append(f"{name}: {node.func.id}()")
            if isinstance(node, ast.Import):
                found += [f"{name}: import {a.name}" for a in node.names
                          if a.name.split(".")[0] in FORBIDDEN_MODULES]
            if isinstance(node, ast.ImportFrom) and node.module \
                    and node.module.split(".")[0] in FORBIDDEN_MODULES:
                found.append(f"{name}: from {node.module} import")
    assert not found, found


def test_every_np_load_refuses_pickles():
    calls = []
    for name, tree in python_trees().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "load" and getattr(node.func.value, "id", "") == "np":
                keywords = {k.arg: k.value for k in node.keywords}
                flag = keywords.get("allow_pickle")
                calls.append((name, isinstance(flag, ast.Constant) and flag.value is False))
    assert calls, "the face loader reads lfw_subset.npy with np.load"
    assert all(refused for _, refused in calls), [name for name, ok in calls if not ok]


def test_a_checker_never_runs_an_answer_as_code(capsys, tmp_path):
    marker = tmp_path / "ran"
    sneaky = f"__import__('pathlib').Path({str(marker)!r}).touch() or 22"
    cu.check_output_width(sneaky)
    assert not marker.exists()
    assert capsys.readouterr().out.startswith(NOT_QUITE)


def test_the_shipped_digits_are_checked_before_use(tmp_path):
    damaged = tmp_path / "mnist_5k.csv.gz"
    shutil.copy(ROOT / "course_utils" / "data" / "mnist_5k.csv.gz", damaged)
    with open(damaged, "r+b") as file:  # flip one byte in the middle
        file.seek(damaged.stat().st_size // 2)
        byte = file.read(1)
        file.seek(-1, 1)
        file.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(ValueError, match="SHA-256"):
        cu.load_digits(damaged)
    digest = hashlib.sha256((ROOT / "course_utils" / "data" / "mnist_5k.csv.gz").read_bytes())
    assert digest.hexdigest() == cu.MNIST_SHA256


def test_the_lab_launcher_takes_no_option_that_weakens_it():
    start_lab = load_tool("start_lab")
    for option in (["--ip", "0.0.0.0"], ["--token", ""], ["--allow-root"], ["--no-token"]):
        with pytest.raises(SystemExit):
            start_lab.main(option)  # argparse refuses an unknown option before anything runs


# --------------------------------------------------------------------------
# Learner work is safe
# --------------------------------------------------------------------------

DISCARDING = re.compile(
    r"git\s+(checkout|restore|reset|clean|stash)|\bcp\b.*notebooks|\bmv\b.*notebooks"
    r"|\brm\b.*notebooks|nbstripout|--clear-output"
)


def test_no_make_target_can_discard_a_learners_notebook():
    for harmful in ("git checkout -- notebooks/01.ipynb", "cp /tmp/x.ipynb notebooks/",
                    "git restore notebooks", "jupyter nbconvert --clear-output x.ipynb"):
        assert DISCARDING.search(harmful), harmful  # the check can fail
    targets = re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert {"lab", "test", "execute", "slides", "bench", "original", "clean-venv"} <= set(targets)
    for target in targets:
        dry = subprocess.run(["make", "-n", "-W", "pyproject.toml", target, "NOTEBOOK=02"],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout
        assert not DISCARDING.search(dry), f"make {target} could discard edits:\n{dry}"


def test_re_executing_keeps_a_learners_edits(tmp_path):
    source = ROOT / "notebooks" / NOTEBOOKS[0].filename
    edited = tmp_path / source.name
    notebook = nbformat.read(source, as_version=4)
    # the notebook's opening is enough to re-execute: the whole of it is run by nbval
    notebook.cells = notebook.cells[:8]
    assert sum(c.cell_type == "code" for c in notebook.cells) >= 3
    notebook.cells[1].source += "\n\nMy note: W_out counts window positions."
    notebook.cells.insert(2, nbformat.v4.new_code_cell("my_answer = 22\nprint(my_answer * 2)"))
    nbformat.write(notebook, edited)
    load_tool("execute_notebooks").execute(edited, timeout=int(patience.seconds(40)))
    again = nbformat.read(edited, as_version=4)
    assert [c.source for c in again.cells] == [c.source for c in notebook.cells]
    assert again.cells[2].outputs[0].text == "44\n"


def test_a_cell_that_gets_no_answer_is_run_again_in_a_fresh_kernel(tmp_path, monkeypatch):
    # ipykernel 7 can, rarely, leave a cell without its reply: one fresh kernel more, then fail.
    from nbclient.exceptions import CellTimeoutError

    tool = load_tool("execute_notebooks")
    path = tmp_path / "one.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)")]), path)
    calls = []

    class FlakyClient:
        def __init__(self, notebook, **settings):
            self.notebook = notebook

        def execute(self):
            calls.append(1)
            if len(calls) == 1:
                raise CellTimeoutError("Cell execution timed out")
            self.notebook.cells[0].outputs = [
                nbformat.v4.new_output("stream", name="stdout", text="1\n")]

    monkeypatch.setattr(tool, "NotebookClient", FlakyClient)
    tool.execute(path, timeout=5)
    assert len(calls) == 2
    assert nbformat.read(path, as_version=4).cells[0].outputs[0].text == "1\n"

    class DeadClient(FlakyClient):
        def execute(self):
            calls.append(1)
            raise CellTimeoutError("Cell execution timed out")

    calls.clear()
    monkeypatch.setattr(tool, "NotebookClient", DeadClient)
    with pytest.raises(CellTimeoutError):
        tool.execute(path, timeout=5)
    assert len(calls) == 2  # two attempts, then the time-out is the answer


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.com",
                    *args], check=True, capture_output=True)


def test_make_original_puts_a_clean_copy_beside_the_learners_notebook(tmp_path):
    original_notebook = load_tool("original_notebook")
    source = ROOT / "notebooks" / NOTEBOOKS[1].filename
    published = tmp_path / "published"  # the course's repository
    (published / "notebooks").mkdir(parents=True)
    shutil.copy(source, published / "notebooks")
    git(published, "init", "-q", "-b", "main")
    git(published, "add", ".")
    git(published, "commit", "-q", "-m", "course")
    clone = tmp_path / "clone"  # the learner's copy of it
    subprocess.run(["git", "clone", "-q", str(published), str(clone)], check=True)
    mine = clone / "notebooks" / source.name
    edited = source.read_text().replace("padding", "PADDING (my notes)", 1)
    mine.write_text(edited)
    git(clone, "commit", "-q", "-am", "my notes")  # even committed, the copy is the course's

    first = original_notebook.make_original_copy("2", clone / "notebooks", clone)
    second = original_notebook.make_original_copy("02", clone / "notebooks", clone)
    assert first.name == source.stem + "-original.ipynb"
    assert second.name == source.stem + "-original-2.ipynb"  # never overwrites the first
    assert first.read_bytes() == second.read_bytes() == source.read_bytes()
    assert mine.read_text() == edited  # the learner's notebook is untouched
    with pytest.raises(ValueError, match="NOTEBOOK must be a number such as 02"):
        original_notebook.find_notebook("9", clone / "notebooks")


def test_make_original_without_a_remote_uses_the_last_commit(tmp_path):
    original_notebook = load_tool("original_notebook")
    (tmp_path / "notebooks").mkdir()
    source = ROOT / "notebooks" / NOTEBOOKS[0].filename
    shutil.copy(source, tmp_path / "notebooks")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "course")
    (tmp_path / "notebooks" / source.name).write_text("{}")  # a learner's broken file
    copy = original_notebook.make_original_copy("1", tmp_path / "notebooks", tmp_path)
    assert copy.read_bytes() == source.read_bytes()


def test_make_original_without_git_history_says_what_to_do(tmp_path):
    original_notebook = load_tool("original_notebook")
    (tmp_path / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / NOTEBOOKS[0].filename, tmp_path / "notebooks")
    with pytest.raises(RuntimeError, match="download the notebook again"):
        original_notebook.make_original_copy("1", tmp_path / "notebooks", tmp_path)
    assert [p.name for p in (tmp_path / "notebooks").iterdir()] == [NOTEBOOKS[0].filename]


def test_the_learners_page_says_how_to_get_a_clean_copy_and_keep_yours():
    page = (ROOT / "docs" / "learning.md").read_text()
    section = page.split("## Start a notebook afresh", 1)[1].split("\n## ", 1)[0]
    assert "make original NOTEBOOK=02" in section
    assert "git show origin/main:notebooks/" in section
    assert "git checkout" in section and "discards" in section  # the command to avoid, and why


def test_the_class_page_has_a_security_note_for_shared_servers():
    page = (ROOT / "docs" / "running-a-class.md").read_text()
    section = page.split("## Security", 1)[1].split("\n## ", 1)[0]
    for point in ("127.0.0.1", "token", "JupyterHub", "root", "runs code", "allow_pickle=False",
                  "offline", "Binder"):
        assert point in section, f"the security note does not cover {point!r}"


# --------------------------------------------------------------------------
# The property tests' example count is real
# --------------------------------------------------------------------------


def test_the_example_counter_counts_what_hypothesis_runs():
    conftest = sys.modules["course_conftest"]
    seen = []

    @settings(max_examples=37, database=None)
    @given(st.integers())
    def probe(value):
        seen.append(value)

    conftest.count_examples(probe, "probe")
    before = conftest.PROPERTY_EXAMPLES["probe"]
    probe()
    assert conftest.PROPERTY_EXAMPLES["probe"] - before == len(seen) == 37
    del conftest.PROPERTY_EXAMPLES["probe"]  # not one of the course's property tests


#: Third-party modules the course imports, and the pinned package that provides each.
PROVIDED_BY = {"numpy": "numpy", "matplotlib": "matplotlib", "ipywidgets": "ipywidgets",
               "scipy": "scipy", "skimage": "scikit-image", "IPython": "ipykernel"}


def test_everything_the_course_imports_is_a_pinned_runtime_package():
    project = (ROOT / "pyproject.toml").read_text()
    runtime = re.search(r"^dependencies = \[(.*?)\]", project, re.S | re.M).group(1)
    pins = dict(re.findall(r'"([A-Za-z0-9_.-]+)==([^"]+)"', runtime))
    imported = set()
    for name, tree in python_trees().items():
        if name.startswith("tools/"):
            continue  # maintainers' tools may use the test extra (nbformat, nbclient)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"course_utils", "__future__"}
    assert "numpy" in third_party and "ipywidgets" in third_party
    for module in sorted(third_party):
        assert module in PROVIDED_BY, f"{module} is imported but no pinned package provides it"
        assert PROVIDED_BY[module] in pins, f"{PROVIDED_BY[module]} is not pinned exactly"
