"""Binder: repo2docker builds the course from environment.yml and installs course_utils.

`jupyter-repo2docker --no-build` prints the Dockerfile it would build, without
Docker; the tests read it. The README's badge must open notebook 01 in
JupyterLab.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
import patience  # tools/patience.py (tests/browser_support.py puts tools/ on the path)

ROOT = Path(__file__).resolve().parent.parent
REPO2DOCKER = Path(sys.executable).parent / "repo2docker"


@pytest.fixture(scope="module")
def dockerfile():
    result = subprocess.run([str(REPO2DOCKER), "--no-build", "--debug", str(ROOT)],
                            capture_output=True, text=True, timeout=patience.seconds(100))
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout + result.stderr


def test_repo2docker_uses_environment_yml_and_its_python(dockerfile):
    python = next(d for d in yaml.safe_load((ROOT / "environment.yml").read_text())
                  ["dependencies"] if isinstance(d, str) and d.startswith("python="))
    assert f"Building conda environment for {python}" in dockerfile
    assert 'env update -p ${NB_PYTHON_PREFIX} --file "environment.yml"' in dockerfile


def test_repo2docker_copies_the_repository_so_that_course_utils_installs(dockerfile):
    # environment.yml's pip section installs "-e ." from the copied repository,
    # in REPO_DIR, the working directory of the build
    assert "COPY --chown=0:0 src/ ${REPO_DIR}/" in dockerfile
    assert "WORKDIR ${REPO_DIR}" in dockerfile
    pip = next(d["pip"] for d in yaml.safe_load((ROOT / "environment.yml").read_text())
               ["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip
    # no other Binder file that repo2docker would read instead of, or after, environment.yml
    for other in ("requirements.txt", "Pipfile", "setup.py", "postBuild", "apt.txt",
                  "runtime.txt", "Dockerfile", "install.R"):
        assert not (ROOT / other).exists() and not (ROOT / "binder" / other).exists(), other


def test_binder_starts_every_session_with_one_blas_thread(dockerfile):
    # repo2docker runs ./start before JupyterLab: its variables reach every kernel
    assert 'R2D_ENTRYPOINT="${REPO_DIR}/start"' in dockerfile
    start = ROOT / "start"
    assert start.stat().st_mode & 0o111, "start must be executable"
    from course_utils import threads

    def variables(**given):
        env = {"PATH": "/usr/bin:/bin", **given}
        printed = subprocess.run([str(start), "env"], env=env, capture_output=True, text=True,
                                 check=True).stdout
        return {line.split("=", 1)[0]: line.split("=", 1)[1] for line in printed.splitlines()
                if line.split("=", 1)[0] in threads.ASKED_BY}

    assert variables() == {name: "1" for name in threads.ASKED_BY}
    assert variables(OPENBLAS_NUM_THREADS="4") == {"OPENBLAS_NUM_THREADS": "4"}


def test_environment_includes_live_slides_for_binder():
    pip = next(d["pip"] for d in yaml.safe_load((ROOT / "environment.yml").read_text())
               ["dependencies"] if isinstance(d, dict))
    assert any(p.startswith("jupyterlab-rise==") for p in pip)


def test_readme_badge_opens_notebook_01_in_jupyterlab():
    readme = (ROOT / "README.md").read_text()
    badge = re.search(r"\]\((https://mybinder\.org/v2/gh/[^)]+)\)", readme)
    assert badge, "no Binder badge in the README"
    assert badge.group(1).endswith("?urlpath=lab/tree/notebooks/01_conv_arithmetic.ipynb")
    assert (ROOT / "notebooks" / "01_conv_arithmetic.ipynb").exists()
