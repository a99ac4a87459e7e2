"""Test-wide settings: Jupyter, IPython and matplotlib write only to a temp folder."""

import os
import shutil
import tempfile

from hypothesis import settings

_SCRATCH = tempfile.mkdtemp(prefix="course-tests-")
for _name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
              "IPYTHONDIR", "MPLCONFIGDIR"):
    os.environ[_name] = os.path.join(_SCRATCH, _name.lower())
os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # keep debugpy's warning out of outputs

# Same examples on every run, so a CI failure can be reproduced locally.
settings.register_profile("course", derandomize=True, deadline=None, max_examples=200)
settings.load_profile("course")


def pytest_unconfigure(config):
    shutil.rmtree(_SCRATCH, ignore_errors=True)
