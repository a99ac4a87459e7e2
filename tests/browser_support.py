"""What the browser tests need: a real JupyterLab server, Debian's Chromium, and clean-up.

The server is the course's own (``tools/start_lab.py`` builds its command
line: 127.0.0.1 only, a random token), started from the test's Python on a
free port, rooted, as `make lab` and Binder are, at a *copy* of the
repository (without .venv and .git), so that running them never changes
the committed files. The course's own JupyterLab settings (lab-settings/,
installed into the environment) apply, as under `make lab`; the user
settings go to a temporary folder, as do Jupyter's and matplotlib's. Chromium is Debian's (``/usr/bin/chromium``), driven by
Playwright with ``executable_path``: no browser is ever downloaded.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import start_lab  # noqa: E402
import patience  # noqa: E402

#: Set to 1 (CI does, in .ci/run) to make a missing browser a failure, not a skip.
REQUIRE_VARIABLE = "COURSE_REQUIRE_BROWSER"
CHROMIUM = Path(os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium"))
#: Flags for a headless Chromium in a sandbox with no outside network.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
#: Each notebook's peak kernel memory in JupyterLab, one line each, this run's only.
MEMORY_RECORD = SCREENSHOTS / "kernel_memory.txt"


def browser_or_skip() -> None:
    """Skip (or, with COURSE_REQUIRE_BROWSER=1, fail) when Chromium or Playwright is missing."""
    problem = None
    if not CHROMIUM.exists():
        problem = (f"Chromium not found at {CHROMIUM}: install Debian's package "
                   "(apt-get install chromium) or set COURSE_CHROMIUM")
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "Python Playwright is not installed: run `make venv`"
    if problem is None:
        return
    if os.environ.get(REQUIRE_VARIABLE) == "1":
        pytest.fail(f"{REQUIRE_VARIABLE}=1 but {problem}")
    pytest.skip(problem)


def launch_chromium(playwright):
    """Debian's Chromium, headless, from its own path."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


#: JupyterLab user settings for the tests only: every cell in the page (no
#: windowing, so widgets far down the notebook are rendered too). Nothing else:
#: the news pop-up must be turned off by the course's own settings.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


#: Left out of the server's copy of the repository: environments, git, caches,
#: test output and a learner's `make original` copies.
NOT_COPIED = (".venv", ".git", "test-artifacts", "__pycache__", "*.egg-info", "build",
              ".hypothesis", ".pytest_cache", ".ipynb_checkpoints", "*-original*.ipynb")


class LabServer:
    """JupyterLab on 127.0.0.1 with a token, serving a copy of the repository.

    Parameters
    ----------
    workdir : Path
        An empty temporary folder for the copy and for Jupyter's settings.
    """

    def __init__(self, workdir: Path) -> None:
        self.root = workdir / "repository"
        shutil.copytree(ROOT, self.root, ignore=shutil.ignore_patterns(*NOT_COPIED))
        self.env = dict(os.environ)
        for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                     "IPYTHONDIR", "MPLCONFIGDIR", "JUPYTERLAB_SETTINGS_DIR",
                     "JUPYTERLAB_WORKSPACES_DIR"):
            folder = workdir / name.lower()
            folder.mkdir()
            self.env[name] = str(folder)
        for name, settings in LAB_SETTINGS.items():
            path = Path(self.env["JUPYTERLAB_SETTINGS_DIR"]) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(settings))
        self.port, self.token = free_port(), secrets.token_hex(24)
        command = start_lab.build_command(self.port, self.token, is_root=os.geteuid() == 0,
                                          open_browser=False, root_dir=self.root)
        self.log = open(workdir / "server.log", "w")
        # its own process group, so that stop() ends the kernels with it
        self.process = subprocess.Popen(command, env=self.env, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_until_ready()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """``path`` on the server, with the token."""
        separator = "&" if "?" in path else "?"
        return f"{self.base}/{path}{separator}token={self.token}"

    def api(self, path: str, method: str = "GET") -> object:
        request = urllib.request.Request(self.url(f"api/{path}"), method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def _wait_until_ready(self, timeout: float | None = None) -> None:
        # JupyterLab starts in a few seconds alone; the first start builds its caches
        timeout = patience.seconds(30) if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {self.process.returncode}: "
                                   f"see {self.log.name}")
            try:
                self.api("status")
                return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s: see {self.log.name}")

    def kernel_processes(self) -> list[int]:
        """Process ids of the kernels this server started (its child processes)."""
        children = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue  # the process ended meanwhile
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == self.process.pid and b"ipykernel" in cmdline:
                children.append(int(entry.name))
        return children

    @staticmethod
    def peak_memory_bytes(pid: int) -> int:
        """The peak resident memory of a process (VmHWM), in bytes."""
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError(f"no VmHWM for process {pid}")

    def shut_down_kernels(self) -> None:
        for kernel in self.api("kernels"):
            self.api(f"kernels/{kernel['id']}", method="DELETE")
        for session in self.api("sessions"):
            self.api(f"sessions/{session['id']}", method="DELETE")

    def stop(self) -> None:
        """Stop the server and everything it started; nothing is left running."""
        try:
            self.shut_down_kernels()
        except OSError:
            pass
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.log.close()


# --------------------------------------------------------------------------
# axe-core: no serious or critical violation from the course's content
# (in JupyterLab: tests/test_browser.py; in the decks: tests/test_slides_offline.py;
# on the website: tests/test_site.py)
# --------------------------------------------------------------------------

AXE_RECORD = ROOT / "test-artifacts" / "axe"
#: The longest an axe-core run may take (one takes 1-3 s on a notebook page).
AXE_SECONDS = 180
SERIOUS = ("serious", "critical")
# Where the course's own content is on a page: the notebook's rendered Markdown and
# its cells' outputs (figures, printed text, the explorers' HTML), in JupyterLab and in a
# deck alike. Inside an explorer, the sliders and the Play buttons are drawn by ipywidgets
# itself, which gives them no way to be named (noUiSlider handles without aria-label):
# those are listed on their own, as the widget library's, like JupyterLab's.
COURSE_CONTENT = ".jp-RenderedMarkdown, .jp-MarkdownOutput, .jp-OutputArea-output"
WIDGET_LIBRARY = ".widget-slider, .widget-play"
WHOSE_NODE = """([selectors, content, library, host]) => selectors.map(s => {
  const node = document.querySelector(s);
  if (!node || !node.closest(content) || (host && node.closest(host))) return 'host';
  return node.closest(library) ? 'ipywidgets' : 'course'; })"""


def axe_violations(page, where: str, content: str = COURSE_CONTENT, host: str = "",
                   rules: tuple[str, ...] = ()) -> tuple[list[str], dict[str, int]]:
    """Run axe-core on ``page``: (the course's serious or critical violations, the others by rule).

    Each violating element is the course's when it lies in the notebook's
    content (``content``, by default :data:`COURSE_CONTENT`) and not in a part
    the host page adds there (``host``: a CSS selector, e.g. a theme's heading
    anchors), ipywidgets' when it is one of that library's own controls in an
    explorer (:data:`WIDGET_LIBRARY`), else the host's (JupyterLab's, the deck
    template's or the website theme's). ``rules``: axe-core rules to run on top
    of its defaults (experimental ones are off unless named). All are written
    to ``test-artifacts/axe/``.
    """
    from axe_playwright_python.sync_playwright import Axe

    # axe.run is awaited in the page with a deadline (Playwright's evaluate has none, and
    # a run that never settles would hang the test for good instead of failing it)
    page.evaluate(Axe().axe_script)
    page.evaluate("""(rules) => { window.courseAxe = undefined;
        const options = {resultTypes: ['violations'], rules: {}};
        for (const rule of rules) options.rules[rule] = {enabled: true};
        axe.run(document, options).then(
            results => { window.courseAxe = results; },
            error => { window.courseAxe = {error: String(error)}; }); }""", list(rules))
    page.wait_for_function("() => window.courseAxe !== undefined", timeout=AXE_SECONDS * 1000,
                           polling=500)
    results = page.evaluate("() => window.courseAxe")
    assert "error" not in results, f"axe-core failed on {where}: {results.get('error')}"
    course, others, examples = [], {}, {}
    for violation in results["violations"]:
        targets = [node["target"][-1] if isinstance(node["target"][-1], str)
                   else node["target"][-1][-1] for node in violation["nodes"]]
        owners = page.evaluate(WHOSE_NODE, [targets, content, WIDGET_LIBRARY, host])
        for node, owner in zip(violation["nodes"], owners):
            if owner == "course":
                course.append(f"{violation['id']} ({violation['impact']}): {node['html'][:160]}")
            else:
                key = f"{owner}: {violation['id']} ({violation['impact']})"
                others[key] = others.get(key, 0) + 1
                examples.setdefault(key, node["html"][:160])
    AXE_RECORD.mkdir(parents=True, exist_ok=True)
    with open(AXE_RECORD / f"{where}.txt", "w") as record:
        record.write(f"axe-core on {where}\ncourse content:\n")
        record.writelines(f"  {line}\n" for line in course)
        record.write("not the course's (ipywidgets' own controls; JupyterLab, the deck "
                     "template or the website's theme), elements per rule:\n")
        record.writelines(f"  {rule}: {n}, e.g. {examples[rule]}\n"
                          for rule, n in sorted(others.items()))
    serious = [line for line in course if any(f"({level})" in line for level in SERIOUS)]
    return serious, others
