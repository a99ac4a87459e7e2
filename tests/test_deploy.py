"""deploy/, for instructors: its files agree, and the sizing pages say what the load test measured.

The hub itself (the snippet loaded by a real JupyterHub, a class run through it) and
nbgrader's grading run in `make class-test`, in the instructors' environment; these
tests need neither.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import re
import stat
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml
from traitlets.config import Config

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
sys.path.insert(0, str(DEPLOY))


def load(name):
    spec = importlib.util.spec_from_file_location(f"deploy_{name}", DEPLOY / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


sizing = load("sizing")
links = load("nbgitpuller_link")


def snippet(config: Config | None = None, **environ: str) -> tuple[Config, dict]:
    """Run deploy/jupyterhub_config.py as JupyterHub does: ``c`` is its config."""
    config = Config() if config is None else config
    namespace = {"get_config": lambda: config, "__file__": str(DEPLOY / "jupyterhub_config.py")}
    saved = {name: os.environ.get(name) for name in environ}
    os.environ.update(environ)
    try:
        exec(compile((DEPLOY / "jupyterhub_config.py").read_text(), "jupyterhub_config.py",
                     "exec"), namespace)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return config, namespace


# --------------------------------------------------------------------------------------
# The snippet
# --------------------------------------------------------------------------------------


def test_the_snippet_sets_threads_limits_timeouts_culling_and_notebook_01():
    c, values = snippet()
    spawner = c.Spawner
    assert spawner.environment.to_dict()["update"] == {
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    from course_utils import threads

    assert set(values["THREAD_VARIABLES"]) == set(threads.ASKED_BY)
    assert spawner.mem_limit == values["MEMORY_LIMIT"] and spawner.cpu_limit == 1.0
    assert spawner.mem_guarantee == values["MEMORY_GUARANTEE"]
    assert spawner.start_timeout == values["START_TIMEOUT"] >= 60
    args = spawner.args.to_dict()["extend"]
    assert f"--MappingKernelManager.cull_idle_timeout={values['KERNEL_IDLE_SECONDS']}" in args
    (culler,) = c.JupyterHub.services
    assert culler["name"] == "cull-idle" and "jupyterhub_idle_culler" in culler["command"]
    assert f"--timeout={values['SERVER_IDLE_SECONDS']}" in culler["command"]
    (role,) = c.JupyterHub.load_roles
    assert role["services"] == ["cull-idle"] and "delete:servers" in role["scopes"]
    url = urlparse(spawner.default_url)
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert url.path == "/git-pull"
    assert query["urlpath"] == "lab/tree/conv-course/notebooks/01_conv_arithmetic.ipynb"
    assert (ROOT / query["urlpath"].split("conv-course/", 1)[1]).exists()


def test_on_the_littlest_jupyterhub_its_own_culler_is_kept():
    tljh = Config()
    tljh.JupyterHub.services = [{"name": "cull-idle", "command": ["tljh's"]}]
    c, _ = snippet(tljh)
    assert c.JupyterHub.services == [{"name": "cull-idle", "command": ["tljh's"]}]
    assert "load_roles" not in c.JupyterHub


def test_on_the_littlest_jupyterhub_its_own_limits_are_kept():
    # TLJH applies tljh-config's limits before it loads jupyterhub_config.d/
    tljh = Config()
    tljh.Spawner.mem_limit, tljh.Spawner.cpu_limit = "2G", 2.0
    c, values = snippet(tljh)
    assert (c.Spawner.mem_limit, c.Spawner.cpu_limit) == ("2G", 2.0)
    assert c.Spawner.mem_guarantee == values["MEMORY_GUARANTEE"]


def test_the_memory_limit_holds_what_the_class_test_measured(results):
    _, values = snippet()
    # JupyterHub's ByteSpecification: a number and K, M, G or T, in powers of 1024
    def mib(text):
        return float(text[:-1]) * 1024 ** "KMGT".index(text[-1]) / 1024

    limit, guarantee = mib(values["MEMORY_LIMIT"]), mib(values["MEMORY_GUARANTEE"])
    peak = sizing.summary(results)["peak_mb"]
    # the two notebooks that train models fit the guarantee; the limit leaves room for more
    assert peak <= guarantee < limit and limit >= 2 * peak


def test_the_repository_is_the_courses_and_a_mirror_can_replace_it():
    pyproject = (ROOT / "pyproject.toml").read_text()
    _, values = snippet()
    assert values["REPOSITORY"] == links.repository_url(pyproject) == (
        "https://github.com/" + tomllib.loads(pyproject)["tool"]["course"]["repository"])
    c, _ = snippet(CONV_COURSE_REPOSITORY="file:///srv/course.git", CONV_COURSE_BRANCH="class")
    query = parse_qs(urlparse(c.Spawner.default_url).query)
    assert query["repo"] == ["file:///srv/course.git"] and query["branch"] == ["class"]


def test_the_link_generator_makes_the_hubs_own_pull():
    c, values = snippet()
    link = links.link("https://hub.example.org/", values["REPOSITORY"],
                      "notebooks/01_conv_arithmetic.ipynb")
    assert link == "https://hub.example.org/hub/user-redirect" + c.Spawner.default_url
    assert links.notebook_path("3") == "notebooks/03_parameter_sharing.ipynb"
    with pytest.raises(ValueError, match="numbered 9"):
        links.notebook_path("9")
    printed = subprocess.run([sys.executable, str(DEPLOY / "nbgitpuller_link.py"),
                              "https://hub.example.org", "--notebook", "05"],
                             capture_output=True, text=True, check=True).stdout.strip()
    query = parse_qs(urlparse(printed).query)
    assert query["urlpath"] == ["lab/tree/conv-course/notebooks/05_mnist_counts.ipynb"]
    assert query["repo"] == [values["REPOSITORY"]] and query["targetpath"] == ["conv-course"]


# --------------------------------------------------------------------------------------
# The Littlest JupyterHub's commands and Zero to JupyterHub's values: the same numbers
# --------------------------------------------------------------------------------------

#: Every key tljh-config accepts under limits, services.cull and user_environment: TLJH's
#: defaults (tljh/configurer.py, The Littlest JupyterHub 1.x).
TLJH_KEYS = {"limits.memory", "limits.cpu", "services.cull.enabled", "services.cull.timeout",
             "services.cull.every", "services.cull.concurrency", "services.cull.users",
             "services.cull.max_age", "services.cull.remove_named_servers",
             "user_environment.default_app"}


@pytest.fixture(scope="module")
def tljh_calls(tmp_path_factory):
    """deploy/tljh.sh run with stand-ins for sudo, tljh-config and TLJH's user environment."""
    folder = tmp_path_factory.mktemp("tljh")
    log = folder / "calls"
    bin_ = folder / "bin"
    bin_.mkdir()
    for name, body in {"sudo": 'echo "sudo $*" >> "$LOG"\n'
                               'while [ "${1#-}" != "$1" ]; do shift; done\nexec "$@"',
                       "tljh-config": 'echo "tljh-config $*" >> "$LOG"',
                       "user-python": 'echo "user-python $*" >> "$LOG"'}.items():
        path = bin_ / name
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    env = {**os.environ, "PATH": f"{bin_}{os.pathsep}{os.environ['PATH']}", "LOG": str(log),
           "TLJH_USER_PYTHON": str(bin_ / "user-python"), "TLJH_CONFIG_DIR": str(folder / "cfg")}
    subprocess.run(["bash", str(DEPLOY / "tljh.sh")], env=env, check=True, capture_output=True)
    return log.read_text().splitlines(), folder / "cfg"


def test_tljh_sets_the_snippets_numbers_with_its_own_keys(tljh_calls):
    calls, _ = tljh_calls
    sets = dict(line.split()[2:4] for line in calls if line.startswith("tljh-config set"))
    assert set(sets) <= TLJH_KEYS, set(sets) - TLJH_KEYS
    _, values = snippet()
    assert sets["limits.memory"] == values["MEMORY_LIMIT"]
    assert float(sets["limits.cpu"]) == values["CPU_LIMIT"]
    assert int(sets["services.cull.timeout"]) == values["SERVER_IDLE_SECONDS"]
    assert int(sets["services.cull.every"]) == values["CULL_EVERY_SECONDS"]
    assert sets["user_environment.default_app"] == "jupyterlab"
    assert calls[-1] == "tljh-config reload"


def test_tljh_installs_the_course_nbgitpuller_and_the_snippet(tljh_calls):
    calls, config_dir = tljh_calls
    (install,) = [line for line in calls if line.startswith("user-python")]
    assert ". ./lab-settings" in install
    pinned = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]["class"]
    puller = next(p for p in pinned if p.startswith("nbgitpuller=="))
    assert puller in install
    installed = config_dir / "jupyterhub_config.d" / "conv-course.py"
    assert installed.read_text() == (DEPLOY / "jupyterhub_config.py").read_text()


def test_zero_to_jupyterhub_has_the_same_limits_variables_and_culling():
    values_ = yaml.safe_load((DEPLOY / "z2jh-config.yaml").read_text())
    c, values = snippet()
    single = values_["singleuser"]
    assert single["memory"] == {"limit": values["MEMORY_LIMIT"],
                                "guarantee": values["MEMORY_GUARANTEE"]}
    assert single["cpu"]["limit"] == values["CPU_LIMIT"]
    assert single["startTimeout"] == values["START_TIMEOUT"]
    assert single["extraEnv"] == values["THREAD_VARIABLES"]
    assert values_["cull"] == {"enabled": True, "timeout": values["SERVER_IDLE_SECONDS"],
                               "every": values["CULL_EVERY_SECONDS"]}
    spawner = values_["hub"]["config"]["Spawner"]
    assert spawner["args"] == c.Spawner.args.to_dict()["extend"]
    assert spawner["http_timeout"] == values["HTTP_TIMEOUT"]
    assert single["defaultUrl"] == f"/lab/tree/{values['FOLDER']}/{values['FIRST_NOTEBOOK']}"
    # ... relative to the learner's home (the image's working folder is the repository)
    assert spawner["notebook_dir"] == "/home/jovyan"
    # the image: built by repo2docker with the repository where the first start copies from
    text = (DEPLOY / "z2jh-config.yaml").read_text()
    target = re.search(r"--target-repo-dir (\S+)", text).group(1)
    command = " ".join(single["lifecycleHooks"]["postStart"]["exec"]["command"])
    assert f"cp -r {target} ~/{values['FOLDER']}" in command
    image = f"{single['image']['name']}:{single['image']['tag']}"
    assert f"--image-name {image} ." in text.replace("\\\n#      ", "")
    owner = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["course"]["repository"]
    assert single["image"]["name"].startswith(f"ghcr.io/{owner}")
    help_text = subprocess.run([str(Path(sys.executable).parent / "jupyter-repo2docker"),
                                "--help"], capture_output=True, text=True).stdout
    for flag in ("--target-repo-dir", "--image-name", "--no-run", "--user-name"):
        assert flag in help_text, f"repo2docker has no {flag}"


def test_the_proxy_is_pinned_the_same_in_package_json_and_its_lock():
    package = json.loads((DEPLOY / "package.json").read_text())
    lock = json.loads((DEPLOY / "package-lock.json").read_text())
    pinned = package["dependencies"]["configurable-http-proxy"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned)
    assert lock["packages"]["node_modules/configurable-http-proxy"]["version"] == pinned
    assert "deploy/node_modules/" in (ROOT / ".gitignore").read_text()


# --------------------------------------------------------------------------------------
# Sizing: generated from the load test's results, never typed in
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def results():
    return json.loads((DEPLOY / "results.json").read_text())


def test_the_committed_results_passed_every_check_with_1_2_and_8_learners(results):
    assert {check["what"]: check["passed"] for check in results["checks"]} and all(
        check["passed"] for check in results["checks"]), results["checks"]
    sizes = [run["learners"] for run in results["runs"]]
    assert 1 in sizes and 2 in sizes and max(sizes) >= 8
    for run in results["runs"]:
        assert len(run["results"]) == run["learners"]
        for learner in run["results"]:
            assert [n["name"][:2] for n in learner["notebooks"]] == ["04", "05"]


def test_the_pages_say_what_the_results_give(results):
    page = (ROOT / "docs" / "running-a-class.md").read_text()
    assert page == sizing.with_sizing_section(page, results), (
        "docs/running-a-class.md's sizing is not deploy/results.json's: run make class-test")
    readme = (ROOT / "README.md").read_text()
    assert readme == sizing.with_readme_line(readme, results)
    assert sizing.readme_line(results) in readme
    assert (DEPLOY / "RESULTS.md").read_text() == sizing.results_page(results)


def made_up_results() -> dict:
    def learner(name, seconds, server=150.0, kernels=(200.0, 300.0), spawn=3.0):
        return {"name": name, "spawn_seconds": spawn, "pull_seconds": 1.0,
                "server_peak_mb": server, "total_mb": 600.0, "errors": [],
                "threads_variable": "1", "culls_kernels": True,
                "notebooks": [{"name": f"0{4 + i}_x.ipynb", "seconds": seconds / 2, "cells": 9,
                               "kernel_peak_mb": k, "kernel_cpu_seconds": seconds / 2 * 0.9,
                               "blas_threads": 1} for i, k in enumerate(kernels)]}

    return {"machine": {"cpu": "a CPU", "cores": 2, "memory_gib": 24, "python": "3.11",
                        "jupyterhub": "6", "proxy": "5", "date": "2026-01-01", "minutes": 9},
            "runs": [{"learners": 1, "results": [learner("a", 40.0)], "hub_peak_mb": 130.0,
                      "proxy_peak_mb": 60.0, "seconds": 50.0, "culler_running": True},
                     {"learners": 2, "results": [learner("b", 48.0), learner("c", 50.0)],
                      "hub_peak_mb": 140.0, "proxy_peak_mb": 60.0, "seconds": 60.0,
                      "culler_running": True},
                     {"learners": 8, "results": [learner(f"d{i}", 160.0, server=170.0,
                                                         spawn=12.0) for i in range(8)],
                      "hub_peak_mb": 150.0, "proxy_peak_mb": 62.0, "seconds": 200.0,
                      "culler_running": True}],
            "checks": [{"what": "x", "passed": True, "detail": ""}]}


def test_the_sizing_follows_tljhs_rule_from_the_measured_peaks():
    data = made_up_results()
    numbers = sizing.summary(data)
    # the peak learner: server 170 MB + kernels 200 + 300 MB = 670 MB; overhead 150 + 62
    assert numbers["peak_mb"] == 670.0 and numbers["overhead_mb"] == 212.0
    assert numbers["learners_per_gb"] == pytest.approx(1024 / 670)
    # 2 learners: 50 / 40 = 1.25x (within 1.5x), 8 learners: 160 / 40 = 4x: 2 learners on 2 cores
    assert numbers["slowdowns"] == {1: 1.0, 2: 1.25, 8: 4.0}
    assert numbers["learners_per_core"] == 1.0
    # 40 learners: 40 x 670 + 212 MB = 27,012 MB = 26.4 GB; 40 cores at 1 learner per core
    assert sizing.memory_for(40, numbers) == pytest.approx(27012 / 1024)
    assert sizing.cores_for(40, numbers) == 40
    text = "\n".join(sizing.sizing_lines(data))
    assert "| 40 | 26.4 GB | 40 |" in text and "**1.5 learners per GB**" in text
    assert "1 learner 1.00x, 2 learners 1.25x, 8 learners 4.00x" in text
    assert "with 8 learners on 2 cores (4 per core)" in text and "took 4.00x as long" in text
    page = f"before\n{sizing.SECTION_START}\nold\n{sizing.SECTION_END}\nafter"
    written = sizing.with_sizing_section(page, data)
    assert written.startswith("before\n") and written.endswith("\nafter") and "old" not in written
    assert sizing.with_sizing_section(written, data) == written
    with pytest.raises(ValueError, match="no sizing markers"):
        sizing.with_sizing_section("nothing", data)


def test_the_load_tests_checks_catch_errors_big_kernels_slow_spawns_and_slow_pairs():
    pytest.importorskip("websocket")  # the class extra's client; the test extra has it too
    load_test = load("load_test")
    data = made_up_results()

    def runs(changed):
        built = []
        for run in changed["runs"]:
            learners = []
            for r in run["results"]:
                notebooks = [load_test.NotebookResult(**n) for n in r["notebooks"]]
                learners.append(load_test.LearnerResult(**{**r, "notebooks": notebooks}))
            built.append(load_test.ClassRun(run["learners"], learners, run["hub_peak_mb"],
                                            run["proxy_peak_mb"], run["seconds"],
                                            run["culler_running"]))
        return built

    assert all(passed for _, passed, _ in load_test.checks(runs(data)))
    broken = copy.deepcopy(data)
    learner = broken["runs"][1]["results"][0]
    learner["errors"] = ["05 cell 3: ValueError: x"]
    learner["notebooks"][1]["kernel_peak_mb"] = 600.0
    learner["spawn_seconds"] = 31.0
    learner["notebooks"][1]["seconds"] = 100.0  # 2 learners: 124 s against 40 s alone
    learner["notebooks"][0]["blas_threads"] = 2
    failed = {what for what, passed, _ in load_test.checks(runs(broken)) if not passed}
    assert len(failed) == 5, failed


def test_ci_installs_the_instructors_environment_online_and_runs_the_class_test_offline():
    script = (ROOT / ".ci" / "run").read_text()
    commands = [line.strip() for line in script.splitlines()
                if line.strip() and not line.strip().startswith("#")]
    online = commands.index("timed make class-venv")
    offline = [i for i, c in enumerate(commands)
               if c.startswith("timed unshare") and "-n" in c and "make class-test" in c]
    assert offline and offline[0] > online > commands.index("timed make venv")
    tests = [i for i, c in enumerate(commands) if "make test" in c and c.startswith("unshare")]
    assert tests and tests[0] < offline[0], "the class test runs after make test"
