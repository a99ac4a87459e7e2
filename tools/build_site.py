"""Build the course website (`make site`) and serve it on this machine (`make site-serve`).

    python tools/build_site.py            # build/site/html: the site, ready to publish
    python tools/build_site.py --serve    # build it, then serve it on http://127.0.0.1:8000/

The site is made by Sphinx with MyST-NB and sphinx-book-theme (the ``site``
extra of pyproject.toml, which `make venv` installs) from the repository as it
is: the README as the front page, the notebooks with their committed outputs
(nothing is executed) and the pages of docs/. Its configuration is site/conf.py
and the course's own extension site/course_site.py. The build needs no network,
and Sphinx's warnings are errors: a build that warns fails. docs/website.md
says what a page holds and how to publish the folder.

Each build starts afresh: build/site (git ignores build/) is emptied first, so
the folder holds this build's pages and nothing left from an older one.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Where `make site` writes: html/ is the site; doctrees/ and jupyter_execute/ are Sphinx's
#: and MyST-NB's working files.
BUILD = ROOT / "build" / "site"
DEFAULT_PORT = 8000


def sphinx_command(build: Path, python: str = sys.executable) -> list[str]:
    """The sphinx-build command line that writes the site into ``build``/html."""
    return [python, "-m", "sphinx", "--builder", "html", "--fail-on-warning", "--keep-going",
            "--fresh-env", "--quiet", "--conf-dir", str(ROOT / "site"),
            "--doctree-dir", str(build / "doctrees"), str(ROOT), str(build / "html")]


def build_site(build: Path = BUILD, python: str = sys.executable) -> int:
    """Build the site afresh into ``build``/html; return sphinx-build's exit code."""
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    start = time.perf_counter()
    code = subprocess.run(sphinx_command(build, python), cwd=ROOT).returncode
    if code == 0:
        pages = sum(1 for _ in (build / "html").rglob("*.html")
                    if "_static" not in _.parts and "_sources" not in _.parts)
        print(f"The site: {build / 'html'} ({pages} pages, "
              f"{time.perf_counter() - start:.1f} s). Publish that folder as it is "
              "(docs/website.md); `make site-serve` shows it on this machine.")
    else:
        print("The site did not build: Sphinx's messages above say why (warnings are errors).",
              file=sys.stderr)
    return code


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site's folder; logs nothing on every request."""

    def log_message(self, format, *args):  # noqa: A002 - the standard library's name
        pass


def serve(folder: Path, port: int = DEFAULT_PORT, host: str = "127.0.0.1"
          ) -> http.server.ThreadingHTTPServer:
    """An HTTP server for ``folder`` on ``host`` (this machine only), started in a thread.

    ``port`` 0 takes a free one; the server's ``server_address`` says which.
    Stop it with ``shutdown()`` and ``server_close()``.
    """
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    threading.Thread(target=server.serve_forever, name="course-site", daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", action="store_true",
                        help="after building, serve the site on 127.0.0.1 until Ctrl+C")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"--serve: the port (default {DEFAULT_PORT})")
    args = parser.parse_args(argv)
    code = build_site()
    if code or not args.serve:
        return code
    try:
        server = serve(BUILD / "html", args.port)
    except OSError as error:
        print(f"Port {args.port} on 127.0.0.1 is already in use ({error.strerror}): try "
              f"another, e.g. make site-serve SITE_PORT={args.port + 1} (Windows: "
              f"py tools/course.py --port {args.port + 1} site-serve).", file=sys.stderr)
        return 1
    print(f"Serving the site at http://127.0.0.1:{args.port}/ (this machine only); "
          "stop with Ctrl+C.", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
