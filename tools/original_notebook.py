"""Put a clean copy of one notebook beside the learner's own, which stays as it is.

`make original NOTEBOOK=02` runs this. The clean copy is the notebook as the
course published it: the version on the course's own branch (``origin/main``,
as of the last clone or pull), or, without that, git's last commit (HEAD).
It is written to ``notebooks/<name>-original.ipynb``. It never overwrites a file: when that
name is taken it adds ``-2``, ``-3``, ... The learner's notebook is never
opened: the copy comes from git, so their edits stay exactly as they are.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
SUFFIX = "-original"


def find_notebook(choice: str, folder: Path = NOTEBOOK_DIR) -> Path:
    """The course notebook a learner means by ``choice``: ``2``, ``02`` or a file name.

    Raises
    ------
    ValueError
        Naming the notebooks there are, when ``choice`` matches none or several.
    """
    shipped = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb") if SUFFIX not in p.stem)
    choice = choice.strip()
    if choice.isdigit():
        matches = [p for p in shipped if p.name.startswith(f"{int(choice):02d}_")]
    else:
        wanted = choice if choice.endswith(".ipynb") else f"{choice}.ipynb"
        matches = [p for p in shipped if p.name == Path(wanted).name]
    if len(matches) != 1:
        names = ", ".join(p.name for p in shipped)
        raise ValueError(f"NOTEBOOK must be a number such as 02 or one of: {names}; "
                         f"got {choice!r}")
    return matches[0]


def free_name(notebook: Path) -> Path:
    """``<stem>-original.ipynb`` beside ``notebook``, or ``-original-2`` ... if taken."""
    candidate = notebook.with_name(f"{notebook.stem}{SUFFIX}.ipynb")
    number = 2
    while candidate.exists():
        candidate = notebook.with_name(f"{notebook.stem}{SUFFIX}-{number}.ipynb")
        number += 1
    return candidate


#: Where the published notebooks are, best first: a learner's own commits only reach HEAD.
SOURCES = ("origin/HEAD", "origin/main", "HEAD")


def published_ref(root: Path = ROOT) -> str:
    """The first of :data:`SOURCES` this clone has."""
    for ref in SOURCES:
        found = subprocess.run(["git", "-C", str(root), "rev-parse", "--verify", "--quiet",
                                f"{ref}^{{commit}}"], capture_output=True, check=False)
        if found.returncode == 0:
            return ref
    raise RuntimeError(f"this folder has no git history ({', '.join(SOURCES)}); download the "
                       "notebook again from the course's repository instead")


def committed_text(notebook: Path, root: Path = ROOT) -> bytes:
    """The notebook's content as published (see :func:`published_ref`).

    Raises
    ------
    RuntimeError
        When git, or the course's git history, is not there, saying what to do.
    """
    relative = notebook.resolve().relative_to(root.resolve()).as_posix()
    try:
        ref = published_ref(root)
        result = subprocess.run(["git", "-C", str(root), "show", f"{ref}:{relative}"],
                                capture_output=True, check=False)
    except FileNotFoundError:
        raise RuntimeError("git is not installed; download the notebook again from the "
                           "course's repository instead") from None
    if result.returncode != 0:
        raise RuntimeError(f"git could not read {relative} from {ref}: "
                           f"{result.stderr.decode().strip()}")
    return result.stdout


def make_original_copy(choice: str, folder: Path = NOTEBOOK_DIR, root: Path = ROOT) -> Path:
    """Write the clean copy; return its path. The learner's notebook is not touched."""
    notebook = find_notebook(choice, folder)
    target = free_name(notebook)
    content = committed_text(notebook, root)
    with open(target, "xb") as file:  # "x": fail rather than overwrite anything
        file.write(content)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("notebook", help="its number (2 or 02) or its file name")
    args = parser.parse_args(argv)
    try:
        target = make_original_copy(args.notebook)
    except (ValueError, RuntimeError) as error:
        print(f"No copy made: {error}", file=sys.stderr)
        return 2
    print(f"Wrote a clean copy: {target.relative_to(ROOT)}\n"
          f"Your own notebook is unchanged. Open the copy in JupyterLab's file browser.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
