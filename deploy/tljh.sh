#!/usr/bin/env bash
# The course on The Littlest JupyterHub (TLJH): run once on the hub's server, from a clone of
# the course's repository, as a user who may sudo. docs/running-a-class.md explains each step.
#
#   git clone https://github.com/conv-course/conv-course && cd conv-course && deploy/tljh.sh
#
# 1. The course into the learners' environment: its pinned packages, its JupyterLab settings,
#    and nbgitpuller, which hands the notebooks to each learner.
# 2. Memory and CPU limits and the idle culler of servers, with TLJH's own commands.
# 3. The rest (one BLAS thread per kernel, the spawn timeout, culling idle kernels, the
#    default URL at notebook 01): deploy/jupyterhub_config.py, which TLJH loads from
#    jupyterhub_config.d/. Its numbers are the ones set below (tests/test_deploy.py checks).
set -euo pipefail
cd "$(dirname "$0")/.."
user_python="${TLJH_USER_PYTHON:-/opt/tljh/user/bin/python}"
config_dir="${TLJH_CONFIG_DIR:-/opt/tljh/config}"

sudo -E "$user_python" -m pip install --disable-pip-version-check . ./lab-settings "nbgitpuller==1.3.0"

sudo tljh-config set limits.memory 1536M
sudo tljh-config set limits.cpu 1
sudo tljh-config set services.cull.enabled true
sudo tljh-config set services.cull.timeout 3600
sudo tljh-config set services.cull.every 300
sudo tljh-config set user_environment.default_app jupyterlab

sudo install -D -m 644 deploy/jupyterhub_config.py "$config_dir/jupyterhub_config.d/conv-course.py"
sudo tljh-config reload
echo "Done. Send learners to the hub's address, or to the link of: python3 deploy/nbgitpuller_link.py https://YOUR-HUB"
