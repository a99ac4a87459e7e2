"""A class on one server, measured: a local JupyterHub, simulated learners, a table.

    make class-test                                  # 1, 2 and 8 learners (CI runs this)
    make class-test CLASS_ARGS="--learners 1,2,40"   # a class of 40 (the memory: docs/running-a-class.md)
    .venv-class/bin/python deploy/load_test.py --help

It starts JupyterHub (the class extra) with a real configurable-http-proxy (npm,
deploy/node_modules) on 127.0.0.1, loading the instructors' snippet
deploy/jupyterhub_config.py as it is, plus what a test hub needs: the
DummyAuthenticator, SimpleLocalProcessSpawner (each learner a folder of their own)
and the course repository as a local git clone, for nbgitpuller to pull from.

For each class size, every learner at once, each in a thread, as a browser would:
logs in through the hub's login form, starts their server (the hub's REST API with
the login cookie and its XSRF token) and waits for the hub's progress event "ready";
opens the default URL (nbgitpuller pulls the course into ~/conv-course) and runs
the pull; then opens notebooks 04 and 05 as JupyterLab does (contents, a session, the
kernel's websocket) and runs every code cell in order over Jupyter's kernel protocol,
keeping both kernels open; reads each kernel's peak memory from inside it; stops
the server. Per learner it records the spawn time, each notebook's time, each
kernel's peak memory, the server's peak memory and every cell error.

It asserts no cell error (beyond cells tagged raises-exception, which must raise),
each kernel under 512 MB, each spawn under 30 s, and 2 learners' notebooks within
1.5x of 1 learner's; it writes deploy/RESULTS.md (the table and the sizing rule)
and deploy/results.json, and the sizing section of docs/running-a-class.md from
them. Every wait is for an event (a reply, a message, a process), with a deadline.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import nbformat
import psutil
import requests
import websocket

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tools"))
import patience  # noqa: E402  (tools/patience.py: deadlines for a busy machine)
import sizing  # noqa: E402  (deploy/sizing.py: the table, the rule and the docs' section)

PROXY = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
NOTEBOOKS = ("04_locally_connected_faces.ipynb", "05_mnist_counts.ipynb")
RAISES_TAG = "raises-exception"

# The limits (issue 31).
KERNEL_LIMIT_MB = 512
SPAWN_LIMIT_SECONDS = 30.0
TWO_LEARNERS_LIMIT = 1.5

PEAK_SOURCE = """\
import json as _json
with open("/proc/self/status") as _status:
    _peak = next(l for l in _status if l.startswith("VmHWM:"))
import course_utils as _cu
print("LOAD-TEST-PEAK " + _json.dumps([int(_peak.split()[1]) * 1024, _cu.blas_threads()]))"""


class LoadTestError(RuntimeError):
    """The class could not be run: a step failed or a deadline passed."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def command_line(process: psutil.Process) -> str:
    """A process's command line, or "" for one that has ended (or is a zombie) meanwhile."""
    try:
        return " ".join(process.cmdline())
    except psutil.Error:
        return ""


def environment(process: psutil.Process) -> dict[str, str]:
    """A process's environment, or {} for one that has ended (or is a zombie) meanwhile."""
    try:
        return process.environ()
    except psutil.Error:
        return {}


def peak_bytes(process: psutil.Process) -> int:
    """A process's peak resident memory (VmHWM), read from /proc."""
    with open(f"/proc/{process.pid}/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


# --------------------------------------------------------------------------------------
# The hub
# --------------------------------------------------------------------------------------


@dataclass
class Hub:
    """A JupyterHub on 127.0.0.1 with its proxy, in a scratch folder."""

    scratch: Path
    port: int
    password: str
    branch: str
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def config(self) -> str:
        venv_bin = Path(sys.executable).parent
        root = hasattr(os, "geteuid") and os.geteuid() == 0
        return "\n".join([
            "c = get_config()  # noqa",
            f"load_subconfig({str(HERE / 'jupyterhub_config.py')!r})",
            "# what a test hub on this machine needs besides the course's snippet",
            f"c.JupyterHub.bind_url = {self.url!r}",
            f"c.JupyterHub.hub_bind_url = 'http://127.0.0.1:{free_port()}'",
            f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{free_port()}'",
            f"c.ConfigurableHTTPProxy.command = [{str(PROXY)!r}]",
            f"c.JupyterHub.db_url = 'sqlite:///{self.scratch / 'jupyterhub.sqlite'}'",
            f"c.JupyterHub.cookie_secret_file = {str(self.scratch / 'cookie_secret')!r}",
            "c.JupyterHub.authenticator_class = 'dummy'",
            f"c.DummyAuthenticator.password = {self.password!r}",
            "c.Authenticator.allow_all = True",
            "c.JupyterHub.spawner_class = 'simple'",
            f"c.SimpleLocalProcessSpawner.home_dir_template = "
            f"{str(self.scratch / 'home' / '{username}')!r}",
            f"c.Spawner.cmd = [{str(venv_bin / 'jupyterhub-singleuser')!r}]",
            "c.JupyterHub.concurrent_spawn_limit = 200",
            *(["c.Spawner.args.append('--allow-root')  # CI runs as root"] if root else []),
        ])

    def start(self, deadline: float) -> None:
        (self.scratch / "home").mkdir(parents=True, exist_ok=True)
        config = self.scratch / "jupyterhub_config.py"
        config.write_text(self.config())
        env = dict(os.environ)
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        env["CONV_COURSE_REPOSITORY"] = f"file://{self.scratch / 'course.git'}"
        env["CONV_COURSE_BRANCH"] = self.branch
        log = open(self.scratch / "jupyterhub.log", "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=self.scratch, env=env,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        # the event: the hub answers through the proxy
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LoadTestError(f"the hub stopped at start:\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=5).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        raise LoadTestError(f"the hub did not answer in time:\n{self.log_tail()}")

    def log_tail(self, characters: int = 4000) -> str:
        path = self.scratch / "jupyterhub.log"
        return path.read_text(errors="replace")[-characters:] if path.exists() else ""

    def processes(self) -> tuple[psutil.Process, psutil.Process]:
        """The hub's process and the proxy's (a child of the hub)."""
        hub = psutil.Process(self.process.pid)
        proxy = next(p for p in hub.children(recursive=True)
                     if "configurable-http-proxy" in command_line(p))
        return hub, proxy

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


# --------------------------------------------------------------------------------------
# A learner
# --------------------------------------------------------------------------------------


@dataclass
class NotebookResult:
    name: str
    seconds: float = 0.0
    cells: int = 0
    kernel_peak_mb: float = 0.0
    kernel_cpu_seconds: float = 0.0
    blas_threads: int = 0


@dataclass
class LearnerResult:
    name: str
    spawn_seconds: float = 0.0
    pull_seconds: float = 0.0
    notebooks: list[NotebookResult] = field(default_factory=list)
    server_peak_mb: float = 0.0
    #: the server and every kernel at the end, both kernels open (resident memory)
    total_mb: float = 0.0
    errors: list[str] = field(default_factory=list)
    #: what the server got from deploy/jupyterhub_config.py: its OPENBLAS_NUM_THREADS and
    #: whether its command line culls idle kernels
    threads_variable: str = ""
    culls_kernels: bool = False

    @property
    def notebook_seconds(self) -> float:
        return sum(n.seconds for n in self.notebooks)


def message(session: str, msg_type: str, content: dict) -> dict:
    return {"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": session,
                       "username": "learner", "version": "5.3",
                       "date": datetime.now(timezone.utc).isoformat()},
            "parent_header": {}, "metadata": {}, "content": content, "channel": "shell",
            "buffers": []}


class Learner:
    """One simulated learner: a browser's requests, from login to the last cell."""

    def __init__(self, hub: Hub, name: str, cell_seconds: float, spawn_seconds: float):
        self.hub, self.name = hub, name
        self.http = requests.Session()
        self.cell_seconds, self.spawn_seconds = cell_seconds, spawn_seconds
        self.result = LearnerResult(name)
        self.kernels: list[str] = []

    # -- the hub -------------------------------------------------------------------------

    def xsrf(self, path: str) -> str:
        """The _xsrf cookie for a path (the hub's and the server's differ)."""
        best = None
        for cookie in self.http.cookies:
            if cookie.name == "_xsrf" and path.startswith(cookie.path) and (
                    best is None or len(cookie.path) > len(best.path)):
                best = cookie
        if best is None:
            raise LoadTestError(f"{self.name}: no _xsrf cookie for {path}")
        return best.value

    def login(self) -> None:
        page = self.http.get(f"{self.hub.url}/hub/login", timeout=60)
        page.raise_for_status()
        answer = self.http.post(f"{self.hub.url}/hub/login?next=", timeout=60, data={
            "username": self.name, "password": self.hub.password,
            "_xsrf": self.xsrf("/hub/login")}, allow_redirects=False)
        if answer.status_code != 302:
            raise LoadTestError(f"{self.name}: login answered {answer.status_code}")

    def hub_api(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"X-XSRFToken": self.xsrf(f"/hub/api/{path}")}
        return self.http.request(method, f"{self.hub.url}/hub/api/{path}", headers=headers,
                                 timeout=60, **kwargs)

    def spawn(self) -> None:
        start = time.monotonic()
        answer = self.hub_api("POST", f"users/{self.name}/server")
        if answer.status_code not in (201, 202):
            raise LoadTestError(f"{self.name}: spawn answered {answer.status_code}: "
                                f"{answer.text[:300]}")
        if answer.status_code == 202:  # pending: the hub's progress events say when it is ready
            self.wait_for_ready(start + self.spawn_seconds)
        self.result.spawn_seconds = time.monotonic() - start

    def wait_for_ready(self, deadline: float) -> None:
        headers = {"X-XSRFToken": self.xsrf("/hub/api/")}
        with self.http.get(f"{self.hub.url}/hub/api/users/{self.name}/server/progress",
                           headers=headers, stream=True,
                           timeout=max(1.0, deadline - time.monotonic())) as stream:
            for line in stream.iter_lines(decode_unicode=True):
                if time.monotonic() > deadline:
                    break
                if line and line.startswith("data:"):
                    event = json.loads(line[5:])
                    if event.get("ready"):
                        return
                    if event.get("failed"):
                        raise LoadTestError(f"{self.name}: spawn failed: {event}")
        raise LoadTestError(f"{self.name}: the server was not ready in time")

    def stop(self, deadline: float) -> None:
        answer = self.hub_api("DELETE", f"users/{self.name}/server")
        if answer.status_code not in (202, 204):
            raise LoadTestError(f"{self.name}: stop answered {answer.status_code}")
        while time.monotonic() < deadline:  # the event: the hub reports no server
            user = self.hub_api("GET", f"users/{self.name}").json()
            if not user.get("servers"):
                return
            time.sleep(0.5)
        raise LoadTestError(f"{self.name}: the server did not stop in time")

    # -- the learner's server --------------------------------------------------------------

    @property
    def server(self) -> str:
        return f"{self.hub.url}/user/{self.name}"

    def server_api(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"X-XSRFToken": self.xsrf(f"/user/{self.name}/api/")}
        return self.http.request(method, f"{self.server}/api/{path}", headers=headers,
                                 timeout=120, **kwargs)

    def open_default_url(self) -> None:
        """Follow the hub's redirects to the default URL, then run nbgitpuller's pull."""
        start = time.monotonic()
        landed = self.http.get(f"{self.hub.url}/hub/user-redirect/", timeout=120)
        landed.raise_for_status()
        url = urlparse(landed.url)
        if not url.path.endswith("/git-pull"):
            raise LoadTestError(f"{self.name}: the default URL opened {landed.url}, not "
                                "nbgitpuller's page")
        query = parse_qs(url.query)
        parameters = {key: values[0] for key, values in query.items() if key != "urlpath"}
        # what the page's script does: the pull, as a stream of events
        with self.http.get(f"{self.server}/git-pull/api", params=parameters, stream=True,
                           timeout=300) as stream:
            for line in stream.iter_lines(decode_unicode=True):
                if line and line.startswith("data:"):
                    event = json.loads(line[5:])
                    if event.get("phase") == "finished":
                        break
                    if event.get("phase") == "error":
                        raise LoadTestError(f"{self.name}: nbgitpuller: {event.get('message')}")
            else:
                raise LoadTestError(f"{self.name}: nbgitpuller's stream ended unfinished")
        target = query["urlpath"][0].split("lab/tree/", 1)[1]
        if self.server_api("GET", f"contents/{target}?content=0").status_code != 200:
            raise LoadTestError(f"{self.name}: the pull did not bring {target}")
        self.folder = target.rsplit("/", 1)[0]
        self.result.pull_seconds = time.monotonic() - start

    def run_notebook(self, filename: str) -> NotebookResult:
        path = f"{self.folder}/{filename}"
        content = self.server_api("GET", f"contents/{path}?content=1&type=notebook").json()
        notebook = nbformat.from_dict(content["content"])
        session = self.server_api("POST", "sessions", json={
            "path": path, "name": filename, "type": "notebook",
            "kernel": {"name": "python3"}}).json()
        kernel = session["kernel"]["id"]
        self.kernels.append(kernel)
        ws_url = self.server.replace("http://", "ws://") + \
            f"/api/kernels/{kernel}/channels?session_id={uuid.uuid4().hex}"
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        channel = websocket.create_connection(ws_url, header=[f"Cookie: {cookie}"],
                                              timeout=self.cell_seconds)
        result = NotebookResult(filename)
        try:
            session_id = uuid.uuid4().hex
            start = time.monotonic()
            for index, cell in enumerate(notebook.cells):
                if cell.cell_type != "code" or not cell.source.strip():
                    continue
                reply, _ = self.execute(channel, session_id, cell.source)
                result.cells += 1
                raises = RAISES_TAG in cell.metadata.get("tags", [])
                if (reply["status"] == "error") != raises:
                    what = (f"{reply.get('ename')}: {reply.get('evalue')}"
                            if reply["status"] == "error" else "did not raise")
                    self.result.errors.append(f"{filename} cell {index}: {what}")
            result.seconds = time.monotonic() - start
            _, printed = self.execute(channel, session_id, PEAK_SOURCE)
            found = re.search(r"LOAD-TEST-PEAK (\[.*\])", printed)
            if not found:
                raise LoadTestError(f"{self.name}: {filename}: no peak memory printed")
            peak, result.blas_threads = json.loads(found.group(1))
            result.kernel_peak_mb = peak / 2**20
        finally:
            channel.close()
        return result

    def execute(self, channel, session_id: str, code: str) -> tuple[dict, str]:
        """Run ``code``; wait for its reply and for the kernel's idle (the events), with
        :attr:`cell_seconds` as the deadline. Returns the reply's content and what it printed."""
        request = message(session_id, "execute_request", {
            "code": code, "silent": False, "store_history": True, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": False})
        msg_id = request["header"]["msg_id"]
        channel.send(json.dumps(request))
        deadline = time.monotonic() + self.cell_seconds
        reply, idle, printed = None, False, []
        while reply is None or not idle:
            left = deadline - time.monotonic()
            if left <= 0:
                raise LoadTestError(f"{self.name}: a cell got no reply in {self.cell_seconds:.0f} s")
            channel.settimeout(left)
            incoming = json.loads(channel.recv())
            if incoming.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = incoming["header"]["msg_type"]
            if kind == "execute_reply":
                reply = incoming["content"]
            elif kind == "status" and incoming["content"]["execution_state"] == "idle":
                idle = True
            elif kind == "stream":
                printed.append(incoming["content"]["text"])
        return reply, "".join(printed)

    def measure_server(self) -> None:
        """The server's peak, and the server with its kernels now (both notebooks open)."""
        server = next((p for p in psutil.Process(self.hub.process.pid).children(recursive=True)
                       if "jupyterhub-singleuser" in command_line(p)
                       and environment(p).get("JUPYTERHUB_USER") == self.name), None)
        if server is None:
            raise LoadTestError(f"{self.name}: the server's process was not found")
        self.result.server_peak_mb = peak_bytes(server) / 2**20
        self.result.threads_variable = environment(server).get("OPENBLAS_NUM_THREADS", "")
        self.result.culls_kernels = any("MappingKernelManager.cull_idle_timeout" in part
                                        for part in server.cmdline())
        kernels = server.children(recursive=True)
        for notebook, kernel_id in zip(self.result.notebooks, self.kernels):
            kernel = next((k for k in kernels if kernel_id in command_line(k)), None)
            if kernel is None:
                raise LoadTestError(f"{self.name}: the kernel of {notebook.name} was not found")
            times = kernel.cpu_times()
            notebook.kernel_cpu_seconds = times.user + times.system
        self.result.total_mb = (server.memory_info().rss + sum(
            k.memory_info().rss for k in kernels)) / 2**20

    def run(self, notebooks: tuple[str, ...], barrier: threading.Barrier) -> None:
        try:
            self.login()
            barrier.wait(timeout=self.spawn_seconds)  # every learner presses Start at once
            self.spawn()
            self.open_default_url()
            for filename in notebooks:
                self.result.notebooks.append(self.run_notebook(filename))
            self.measure_server()
            self.stop(time.monotonic() + self.spawn_seconds)
        except Exception as error:  # recorded, and the class test fails on it
            self.result.errors.append(f"{type(error).__name__}: {error}")


# --------------------------------------------------------------------------------------
# A class
# --------------------------------------------------------------------------------------


@dataclass
class ClassRun:
    learners: int
    results: list[LearnerResult]
    hub_peak_mb: float
    proxy_peak_mb: float
    seconds: float
    #: the hub runs the idle culler of deploy/jupyterhub_config.py
    culler_running: bool = False


def run_class(hub: Hub, count: int, notebooks: tuple[str, ...], cores: int,
              label: str) -> ClassRun:
    """``count`` learners at once, each in a thread; the deadlines grow with learners per core
    and with how busy the machine is (tools/patience.py)."""
    per_core = max(1.0, count / cores)
    cell_seconds = patience.seconds(60, per_core)  # the slowest cell takes seconds alone
    spawn_seconds = patience.seconds(20 + 5 * count)
    learners = [Learner(hub, f"{label}-{i + 1}", cell_seconds, spawn_seconds)
                for i in range(count)]
    barrier = threading.Barrier(count)
    threads = [threading.Thread(target=learner.run, args=(notebooks, barrier))
               for learner in learners]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    whole = spawn_seconds * 2 + cell_seconds * 60
    for thread in threads:
        thread.join(timeout=max(1.0, start + whole - time.monotonic()))
        if thread.is_alive():
            raise LoadTestError(f"a learner of {label} was still running after {whole:.0f} s")
    hub_process, proxy = hub.processes()
    culler = any("jupyterhub_idle_culler" in command_line(p)
                 for p in hub_process.children(recursive=True))
    return ClassRun(count, [learner.result for learner in learners],
                    peak_bytes(hub_process) / 2**20, peak_bytes(proxy) / 2**20,
                    time.monotonic() - start, culler)


def checks(runs: list[ClassRun]) -> list[tuple[str, bool, str]]:
    """(what, passed, detail) for each of the issue's limits."""
    outcomes = []
    learners = [r for run in runs for r in run.results]
    errors = [f"{r.name}: {e}" for r in learners for e in r.errors]
    outcomes.append(("no cell error and no failed step", not errors, "; ".join(errors[:5])))
    peaks = [n.kernel_peak_mb for r in learners for n in r.notebooks]
    outcomes.append((f"each kernel under {KERNEL_LIMIT_MB} MB",
                     bool(peaks) and max(peaks) < KERNEL_LIMIT_MB,
                     f"largest {max(peaks, default=0):.0f} MB"))
    spawns = [r.spawn_seconds for r in learners if r.spawn_seconds]
    outcomes.append((f"each spawn under {SPAWN_LIMIT_SECONDS:.0f} s",
                     len(spawns) == len(learners) and max(spawns) < SPAWN_LIMIT_SECONDS,
                     f"slowest {max(spawns, default=0):.1f} s"))
    settings = [r.name for r in learners
                if r.threads_variable != "1" or not r.culls_kernels
                or any(n.blas_threads != 1 for n in r.notebooks)]
    outcomes.append(("the configuration reached every server and kernel (OPENBLAS_NUM_THREADS=1, "
                     "one BLAS thread, kernel culling on) and the hub's idle culler runs",
                     not settings and all(run.culler_running for run in runs),
                     f"not in {', '.join(settings)}" if settings else ""))
    by_size = {run.learners: run for run in runs}
    if 1 in by_size and 2 in by_size:
        alone = max(r.notebook_seconds for r in by_size[1].results)
        two = max(r.notebook_seconds for r in by_size[2].results)
        ratio = two / alone if alone else float("inf")
        outcomes.append((f"2 learners within {TWO_LEARNERS_LIMIT}x of 1",
                         ratio <= TWO_LEARNERS_LIMIT,
                         f"{two:.1f} s against {alone:.1f} s: {ratio:.2f}x"))
    return outcomes


def course_branch(clone: Path) -> str:
    return subprocess.run(["git", "-C", str(clone), "symbolic-ref", "--short", "HEAD"],
                          capture_output=True, text=True, check=True).stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", default="1,2,8",
                        help="class sizes, run one after another (default 1,2,8)")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs" / "running-a-class.md",
                        help="the page whose sizing section is written from the results")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md",
                        help="the README whose line on class size is written from the results")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args(argv)
    sizes = [int(part) for part in args.learners.split(",")]
    if 1 not in sizes or 2 not in sizes:  # the sizing and the 2-against-1 check need both
        parser.error("--learners must include 1 and 2 (e.g. 1,2,40)")
    if not PROXY.exists():
        parser.error(f"{PROXY} is missing: make class-venv installs it (npm ci in deploy/)")
    cores = len(os.sched_getaffinity(0))
    load_before = os.getloadavg()[0]
    scratch = Path(tempfile.mkdtemp(prefix="course-class-"))
    started = time.monotonic()
    # the course as nbgitpuller pulls it: a clone of this repository's current branch
    subprocess.run(["git", "clone", "--quiet", "--bare", str(ROOT), str(scratch / "course.git")],
                   check=True)
    hub = Hub(scratch, free_port(), secrets.token_hex(16), course_branch(scratch / "course.git"))
    runs = []
    try:
        hub.start(time.monotonic() + patience.seconds(40))  # a hub starts in seconds alone
        for size in sizes:
            print(f"{size} learner(s) at once ...", flush=True)
            run = run_class(hub, size, NOTEBOOKS, cores, f"class{size}")
            runs.append(run)
            for learner in run.results:
                print("  " + sizing.learner_line(learner), flush=True)
    except LoadTestError as error:
        print(f"FAILED: {error}\n{hub.log_tail()}", file=sys.stderr)
        print("0 passed, 1 failed")
        return 1
    finally:
        hub.stop()
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    outcomes = checks(runs)
    machine = {"cpu": sizing.cpu_name(), "cores": cores,
               "memory_gib": round(psutil.virtual_memory().total / 2**30),
               "python": platform.python_version(),
               "jupyterhub": sizing.package_version("jupyterhub"),
               "proxy": json.loads((HERE / "package-lock.json").read_text())["packages"][
                   "node_modules/configurable-http-proxy"]["version"],
               "date": datetime.now().date().isoformat(),
               # how busy the machine was besides the test: other work slows every number
               "load_before": round(load_before, 1), "load_after": round(os.getloadavg()[0], 1),
               "minutes": round((time.monotonic() - started) / 60, 1)}
    data = {"machine": machine, "runs": [asdict(run) for run in runs],
            "checks": [{"what": w, "passed": p, "detail": d} for w, p, d in outcomes]}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    (args.output.parent / "results.json").write_text(json.dumps(data, indent=1) + "\n")
    args.output.write_text(sizing.results_page(data))
    failed = [(w, d) for w, p, d in outcomes if not p]
    # the pages instructors size a class by take only a run that met every check
    if not failed and args.docs.exists():
        args.docs.write_text(sizing.with_sizing_section(args.docs.read_text(), data))
    if not failed and args.readme.exists():
        args.readme.write_text(sizing.with_readme_line(args.readme.read_text(), data))
    for what, passed, detail in outcomes:
        print(f"{'ok' if passed else 'FAILED'}: {what} ({detail})")
    print(f"wrote {args.output}" + ("" if failed else f" and the sizing section of {args.docs}"))
    print(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
