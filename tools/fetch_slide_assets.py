"""Re-make slides/vendor: reveal.js, jQuery and require.js, so that the slide decks open offline.

`make slides` turns every notebook into a reveal.js deck that loads reveal.js,
jQuery and require.js from ``slides/vendor`` instead of a CDN. Those files are in
the repository; this script shows where they come from, and re-makes them:

    python tools/fetch_slide_assets.py

It downloads the three npm packages with ``npm pack`` (the npm registry; npm
checks each package's integrity hash), then copies the few files the decks
use, with their licences.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "slides" / "vendor"
PACKAGES = {
    # package: (version, files to keep, relative to the package, and where to put them)
    "reveal.js": ("4.6.1", {
        "dist/reveal.js": "reveal.js/dist/reveal.js",
        "dist/reveal.css": "reveal.js/dist/reveal.css",
        "dist/theme/white.css": "reveal.js/dist/theme/white.css",
        "dist/theme/fonts/source-sans-pro": "reveal.js/dist/theme/fonts/source-sans-pro",
        "plugin/notes/notes.js": "reveal.js/plugin/notes/notes.js",
        "LICENSE": "reveal.js/LICENSE",
    }),
    "jquery": ("3.7.1", {
        "dist/jquery.min.js": "jquery.min.js",
        "LICENSE.txt": "jquery.LICENSE.txt",
    }),
    "requirejs": ("2.3.7", {
        "require.js": "require.js",
        "README.md": "require.js.README.md",
    }),
}


def main() -> int:
    if shutil.which("npm") is None:
        raise SystemExit("npm is needed to download reveal.js, jQuery and require.js")
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    with tempfile.TemporaryDirectory() as folder:
        for package, (version, files) in PACKAGES.items():
            tarball = subprocess.run(
                ["npm", "pack", f"{package}@{version}", "--silent"], cwd=folder, check=True,
                capture_output=True, text=True).stdout.strip().splitlines()[-1]
            unpacked = Path(folder) / package
            with tarfile.open(Path(folder) / tarball) as archive:
                archive.extractall(unpacked, filter="data")
            for source, target in files.items():
                source_path, target_path = unpacked / "package" / source, VENDOR / target
                target_path.parent.mkdir(parents=True, exist_ok=True)
                if source_path.is_dir():
                    # fonts: WOFF (read by every current browser), the CSS and the licence
                    shutil.copytree(source_path, target_path, ignore=shutil.ignore_patterns(
                        "*.eot", "*.ttf", "*.svg"))
                else:
                    shutil.copy(source_path, target_path)
            print(f"{package} {version}: {len(files)} entries copied")
    (VENDOR / "VERSIONS.txt").write_text(
        "".join(f"{package} {version} (npm)\n" for package, (version, _) in PACKAGES.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
