"""The course on a JupyterHub: a configuration snippet for a class.

Works on The Littlest JupyterHub (copy it to /opt/tljh/config/jupyterhub_config.d/,
then `sudo tljh-config reload`; deploy/tljh.sh does both) and on a plain hub
(`jupyterhub -f this file`, or `load_subconfig` it from your jupyterhub_config.py).
`make class-test` loads this very file into a real hub on 127.0.0.1 and runs a class
through it (deploy/load_test.py); docs/running-a-class.md explains each setting.

It sets, for every learner's server:

- one BLAS thread per kernel (OPENBLAS_NUM_THREADS and its kin): learners share the
  cores, and a thread per core in every kernel makes them fight for them
  (benchmarks/RESULTS.md, "Two notebooks at once");
- a spawn timeout, idle culling of servers (the hub's idle culler) and of kernels
  (the server's own), and a memory and CPU limit;
- the default URL: nbgitpuller pulls the course into ~/conv-course (merging, never
  overwriting, a learner's changes) and opens notebook 01.

Change the numbers here, in one place; deploy/tljh.sh and deploy/z2jh-config.yaml repeat
them and tests/test_deploy.py checks that the three agree.
"""

import os
import sys
from urllib.parse import urlencode

c = get_config()  # noqa: F821 (JupyterHub defines it when it reads this file)

#: The course's repository and what nbgitpuller does with it. CONV_COURSE_REPOSITORY and
#: CONV_COURSE_BRANCH in the hub's environment point it at a fork or a mirror.
REPOSITORY = os.environ.get("CONV_COURSE_REPOSITORY", "https://github.com/conv-course/conv-course")
BRANCH = os.environ.get("CONV_COURSE_BRANCH", "main")
FOLDER = "conv-course"  # in each learner's home
FIRST_NOTEBOOK = "notebooks/01_conv_arithmetic.ipynb"

#: A learner's server with the kernels of notebooks 04 and 05 open peaks near 0.66 GB, as
#: `make class-test` measured (deploy/RESULTS.md); a learner who leaves all five notebooks'
#: kernels open holds about 1.2 GB. The limit lets them; the guarantee covers the two
#: notebooks that train models.
MEMORY_LIMIT = "1536M"
MEMORY_GUARANTEE = "700M"
CPU_LIMIT = 1.0  # one core at most: a class shares the machine
#: Seconds a server may take to start: far above the spawns measured with 8 learners at once
#: on 2 cores (deploy/RESULTS.md), for a bigger class starting together.
START_TIMEOUT = 120
HTTP_TIMEOUT = 60
#: A server with no activity for this long is stopped by the hub (its files stay).
SERVER_IDLE_SECONDS = 3600
CULL_EVERY_SECONDS = 300
#: A kernel that ran nothing for this long is shut down, a tab left open or not; the
#: notebook stays, and Run All brings it back.
KERNEL_IDLE_SECONDS = 1200
KERNEL_CULL_INTERVAL = 120
THREAD_VARIABLES = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def git_pull_path(repository=REPOSITORY, branch=BRANCH, folder=FOLDER, notebook=FIRST_NOTEBOOK):
    """The path, under a learner's server, that pulls the course and opens ``notebook``."""
    query = urlencode({"repo": repository, "branch": branch, "targetpath": folder,
                       "urlpath": f"lab/tree/{folder}/{notebook}"})
    return f"/git-pull?{query}"


c.Spawner.environment.update(THREAD_VARIABLES)
# Wins over TLJH's user_environment.default_app: the pull, then notebook 01 in JupyterLab.
c.Spawner.default_url = git_pull_path()
c.Spawner.start_timeout = START_TIMEOUT
c.Spawner.http_timeout = HTTP_TIMEOUT
# Enforced by SystemdSpawner (The Littlest JupyterHub), DockerSpawner and KubeSpawner;
# LocalProcessSpawner only passes them on as MEM_LIMIT and CPU_LIMIT. TLJH reads this file
# after its own settings: a limit set there (tljh-config set limits.memory ...) is kept.
for name, value in (("mem_limit", MEMORY_LIMIT), ("mem_guarantee", MEMORY_GUARANTEE),
                    ("cpu_limit", CPU_LIMIT)):
    if c.Spawner.get(name) is None:
        c.Spawner[name] = value
c.Spawner.args.extend([
    f"--MappingKernelManager.cull_idle_timeout={KERNEL_IDLE_SECONDS}",
    f"--MappingKernelManager.cull_interval={KERNEL_CULL_INTERVAL}",
    "--MappingKernelManager.cull_connected=True",
])

# The hub's idle culler stops idle servers. The Littlest JupyterHub runs its own, named
# cull-idle and set with tljh-config (deploy/tljh.sh): then it is left as it is.
services = c.JupyterHub.services if "services" in c.JupyterHub else []
if not any(service.get("name") == "cull-idle" for service in services):
    c.JupyterHub.services = [*services, {
        "name": "cull-idle",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                    f"--timeout={SERVER_IDLE_SECONDS}", f"--cull-every={CULL_EVERY_SECONDS}"],
    }]
    roles = c.JupyterHub.load_roles if "load_roles" in c.JupyterHub else []
    c.JupyterHub.load_roles = [*roles, {
        "name": "cull-idle",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["cull-idle"],
    }]
