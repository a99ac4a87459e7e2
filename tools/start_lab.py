"""Start JupyterLab for the course: on 127.0.0.1 only, with a token.

`make lab` runs this with the course's virtual environment. The token is
random for every start and is never empty; `--allow-root` is added only when
the user really is root (Jupyter refuses to run as root without it).

The server shows the whole repository, as Binder does, and the printed URL
opens notebook 01 in notebooks/. So every link in a notebook resolves the
same way locally and on Binder: "Course index" (``../README.md``) opens the
README, and the README's links open the notebooks.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The first notebook, as a path under the server's root (the repository).
FIRST_NOTEBOOK = "notebooks/01_conv_arithmetic.ipynb"


def build_command(port: int, token: str, *, is_root: bool, open_browser: bool = True,
                  root_dir: Path = ROOT) -> list[str]:
    """The ``jupyter lab`` command line.

    Parameters
    ----------
    port : int
        TCP port on 127.0.0.1.
    token : str
        Authentication token; must be non-empty.
    is_root : bool
        Whether the current user is root.
    open_browser : bool
        Let Jupyter open a browser tab.
    root_dir : Path
        The folder the server shows: the repository, as on Binder (the
        browser tests pass a copy, so that running them never changes the
        originals).

    Returns
    -------
    list of str
    """
    if not token:
        raise ValueError("token must be a non-empty string: the server is never left open")
    command = [
        sys.executable, "-m", "jupyterlab",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root_dir}",
        f"--IdentityProvider.token={token}",
    ]
    if not open_browser:
        command.append("--no-browser")
    if is_root:
        command.append("--allow-root")
    return command


#: numpy's BLAS threads for every kernel this server starts: one each, as course_utils
#: sets on import (course_utils/threads.py), so that two notebooks open at once do not
#: fight over the cores. A value already set (OPENBLAS_NUM_THREADS=4 make lab) is kept.
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def thread_environment(environ: dict[str, str]) -> dict[str, str]:
    """``environ`` with one BLAS thread per kernel, unless one of the variables is set."""
    environ = dict(environ)
    if not any(environ.get(name, "").strip() for name in THREAD_VARIABLES):
        environ.update({name: "1" for name in THREAD_VARIABLES})
    return environ


def running_as_root() -> bool:
    """True for root on Linux or macOS; Windows has no root user (and no os.geteuid)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8888)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args(argv)
    token = secrets.token_hex(24)
    command = build_command(
        args.port, token, is_root=running_as_root(), open_browser=not args.no_browser
    )
    url = f"http://127.0.0.1:{args.port}/lab/tree/{FIRST_NOTEBOOK}?token={token}"
    print(f"\nStarting JupyterLab. Open this URL in your browser:\n\n    {url}\n", flush=True)
    print("Stop it with Ctrl+C (twice). Port busy? Run: make lab PORT=8899 "
          "(without make: python tools/course.py --port 8899 lab)\n", flush=True)
    environment = thread_environment(os.environ)
    if os.name == "nt":
        # os.execv on Windows starts a new process and ends this one at once, which
        # returns the prompt while JupyterLab still runs: wait for it instead
        sys.exit(subprocess.call(command, env=environment))
    os.execve(command[0], command, environment)


if __name__ == "__main__":
    main()
