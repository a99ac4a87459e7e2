"""The link that hands the course to every learner of a JupyterHub: nbgitpuller.

    python deploy/nbgitpuller_link.py https://hub.example.org
    python deploy/nbgitpuller_link.py https://hub.example.org --notebook 03

Clicking the link logs the learner in, starts their server, pulls the course into
~/conv-course (the first time a clone; later a merge that keeps the learner's own
changes) and opens the notebook in JupyterLab. The hub's user environment needs
nbgitpuller (deploy/tljh.sh installs it). The repository is [tool.course]'s in
pyproject.toml; deploy/jupyterhub_config.py makes the same pull the hub's default URL.
Standard library only.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
FOLDER = "conv-course"


def repository_url(pyproject_text: str) -> str:
    """https://github.com/OWNER/NAME from [tool.course] repository = "OWNER/NAME"."""
    found = re.search(r'^repository\s*=\s*"([\w.-]+/[\w.-]+)"', pyproject_text, re.M)
    if not found:
        raise ValueError('pyproject.toml needs [tool.course] repository = "owner/name"')
    return f"https://github.com/{found.group(1)}"


def notebook_path(number: str, notebooks: Path = ROOT / "notebooks") -> str:
    """notebooks/NN_topic.ipynb for a number such as 1 or "03"."""
    matches = sorted(notebooks.glob(f"{int(number):02d}_*.ipynb"))
    matches = [m for m in matches if "-original" not in m.name]
    if len(matches) != 1:
        raise ValueError(f"no single notebook numbered {number} in {notebooks}")
    return f"notebooks/{matches[0].name}"


def link(hub: str, repository: str, notebook: str, branch: str = "main",
         folder: str = FOLDER) -> str:
    """The nbgitpuller link: the hub's user-redirect to git-pull, then JupyterLab."""
    query = urlencode({"repo": repository, "branch": branch, "targetpath": folder,
                       "urlpath": f"lab/tree/{folder}/{notebook}"})
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("hub", help="the hub's address, e.g. https://hub.example.org")
    parser.add_argument("--notebook", default="1", help="the notebook to open (default 1)")
    parser.add_argument("--branch", default="main")
    parser.add_argument("--repository", default=None,
                        help="a git URL (default: [tool.course]'s repository on GitHub)")
    args = parser.parse_args(argv)
    repository = args.repository or repository_url((ROOT / "pyproject.toml").read_text())
    print(link(args.hub, repository, notebook_path(args.notebook), args.branch))
    return 0


if __name__ == "__main__":
    sys.exit(main())
