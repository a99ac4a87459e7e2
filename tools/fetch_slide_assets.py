"""Re-make slides/vendor: everything the slide decks load, so that they open with no network.

`make slides` turns every notebook into a reveal.js deck that loads its
scripts, styles and fonts from ``slides/vendor`` instead of a CDN:
reveal.js, jQuery and require.js (the deck itself), MathJax 2 (the formulas)
and the Jupyter widgets HTML manager (the saved widget snapshots). Those
files are in the repository; this script shows where they come from, and
re-makes them:

    python tools/fetch_slide_assets.py

It downloads the npm packages with ``npm pack`` (the npm registry; npm
checks each package's integrity hash), then copies the few files the decks
use, with their licences, and writes ``slides/vendor/VERSIONS.txt``.

Why these versions:

- MathJax 2.7.7 is the version nbconvert 7's templates are written for
  (``HTMLExporter.mathjax_url``: MathJax 2's ``Hub`` API,
  ``config=TeX-AMS_CHTML-full,Safe``). Of its 71 MB only what that
  configuration loads is kept: ``MathJax.js``, the combined configuration,
  the TeX input, the CommonHTML output (and the fast preview it shows
  first), the extensions it loads (the accessibility ones with their English
  speech rules only) and the TeX fonts as WOFF.
- @jupyter-widgets/html-manager 1.0.15 is the renderer of ipywidgets 8.1.x
  snapshots (state ``version_major`` 2): it bundles @jupyter-widgets/controls
  5.0.13 and base 6.0.12, the same as the JupyterLab manager 5.0.16 that
  ipywidgets 8.1.9 installs. ``embed-amd.js`` is loaded with require.js; it
  finds its icon fonts (Font Awesome, WOFF2) through
  ``window.__jupyter_widgets_assets_path__``, which make_slides sets.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "slides" / "vendor"
#: Where the decks find MathJax and the widget renderer, relative to slides/vendor.
MATHJAX_DIR = "mathjax"
HTML_MANAGER_DIR = "html-manager"

# package: (version, licence, files to keep: relative to the package -> where to put them,
#           patterns left out of the folders copied)
PACKAGES = {
    "reveal.js": ("4.6.1", "MIT", {
        "dist/reveal.js": "reveal.js/dist/reveal.js",
        "dist/reveal.css": "reveal.js/dist/reveal.css",
        "dist/theme/white.css": "reveal.js/dist/theme/white.css",
        "dist/theme/fonts/source-sans-pro": "reveal.js/dist/theme/fonts/source-sans-pro",
        "plugin/notes/notes.js": "reveal.js/plugin/notes/notes.js",
        "LICENSE": "reveal.js/LICENSE",
    }, ("*.eot", "*.ttf", "*.svg")),  # fonts: WOFF, read by every current browser
    "jquery": ("3.7.1", "MIT", {
        "dist/jquery.min.js": "jquery.min.js",
        "LICENSE.txt": "jquery.LICENSE.txt",
    }, ()),
    "requirejs": ("2.3.7", "MIT", {
        "require.js": "require.js",
        "README.md": "require.js.README.md",
    }, ()),
    "mathjax": ("2.7.7", "Apache-2.0", {
        "MathJax.js": f"{MATHJAX_DIR}/MathJax.js",
        "config/TeX-AMS_CHTML-full.js": f"{MATHJAX_DIR}/config/TeX-AMS_CHTML-full.js",
        "config/Safe.js": f"{MATHJAX_DIR}/config/Safe.js",
        "extensions": f"{MATHJAX_DIR}/extensions",
        "jax/input/TeX": f"{MATHJAX_DIR}/jax/input/TeX",
        "jax/output/CommonHTML": f"{MATHJAX_DIR}/jax/output/CommonHTML",
        "jax/output/PreviewHTML": f"{MATHJAX_DIR}/jax/output/PreviewHTML",
        "jax/element": f"{MATHJAX_DIR}/jax/element",
        "fonts/HTML-CSS/TeX/woff": f"{MATHJAX_DIR}/fonts/HTML-CSS/TeX/woff",
        "localization/en": f"{MATHJAX_DIR}/localization/en",
        "LICENSE": f"{MATHJAX_DIR}/LICENSE",
    }, ("es", "mathmaps_ie.js", "*.mp3", "*.ogg")),  # speech rules: English only
    "@jupyter-widgets/html-manager": ("1.0.15", "BSD-3-Clause", {
        "dist/embed-amd.js": f"{HTML_MANAGER_DIR}/embed-amd.js",
        # Font Awesome, for the widgets' icons (the Play button's): WOFF2 only
        "dist/1551f4f60c37af51121f.woff2": f"{HTML_MANAGER_DIR}/1551f4f60c37af51121f.woff2",
        "dist/7a3337626410ca2f4071.woff2": f"{HTML_MANAGER_DIR}/7a3337626410ca2f4071.woff2",
        "dist/d878b0a6a1144760244f.woff2": f"{HTML_MANAGER_DIR}/d878b0a6a1144760244f.woff2",
        # the licences of what the bundle holds (the package has no LICENSE file of its own:
        # it is ipywidgets', BSD-3-Clause, written next to it below)
        "dist/embed.js.LICENSE.txt": f"{HTML_MANAGER_DIR}/THIRD-PARTY-LICENSES.txt",
    }, ()),
}

#: ipywidgets' licence, which covers @jupyter-widgets/html-manager (same repository).
IPYWIDGETS_LICENSE_NOTE = """\
@jupyter-widgets/html-manager is part of ipywidgets (https://github.com/jupyter-widgets/ipywidgets)
and is distributed under its licence, BSD-3-Clause (package.json: "license": "BSD-3-Clause").
The bundled third-party code's licences are in THIRD-PARTY-LICENSES.txt.
"""


def ipywidgets_license_text() -> str:
    """ipywidgets' BSD-3-Clause text, from the installed ipywidgets (the course depends on it)."""
    from importlib.metadata import distribution

    files = distribution("ipywidgets").files or []
    licence = next((f for f in files if f.name.startswith("LICENSE")), None)
    if licence is None:
        raise SystemExit("ipywidgets' LICENSE not found: run this with the course's .venv")
    return IPYWIDGETS_LICENSE_NOTE + "\n" + licence.locate().read_text(encoding="utf-8")


def folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def main() -> int:
    if shutil.which("npm") is None:
        raise SystemExit("npm is needed to download the decks' assets")
    licence_text = ipywidgets_license_text()
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    with tempfile.TemporaryDirectory() as folder:
        for package, (version, _licence, files, left_out) in PACKAGES.items():
            tarball = subprocess.run(
                ["npm", "pack", f"{package}@{version}", "--silent"], cwd=folder, check=True,
                capture_output=True, text=True).stdout.strip().splitlines()[-1]
            unpacked = Path(folder) / package.replace("/", "_")
            with tarfile.open(Path(folder) / tarball) as archive:
                archive.extractall(unpacked, filter="data")
            for source, target in files.items():
                source_path, target_path = unpacked / "package" / source, VENDOR / target
                target_path.parent.mkdir(parents=True, exist_ok=True)
                if source_path.is_dir():
                    shutil.copytree(source_path, target_path,
                                    ignore=shutil.ignore_patterns(*left_out))
                else:
                    shutil.copy(source_path, target_path)
            print(f"{package} {version}: {len(files)} entries copied")
    (VENDOR / HTML_MANAGER_DIR / "LICENSE").write_text(licence_text, encoding="utf-8")
    (VENDOR / "VERSIONS.txt").write_text("".join(
        f"{package} {version} (npm, {licence})\n"
        for package, (version, licence, _, _) in PACKAGES.items()))
    for name in (MATHJAX_DIR, HTML_MANAGER_DIR):
        print(f"slides/vendor/{name}: {folder_size(VENDOR / name) / 1e6:.1f} MB")
    print(f"slides/vendor: {folder_size(VENDOR) / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
