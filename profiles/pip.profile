# pip: the Python package installer, into a virtual environment in the current directory.
#
# What it sees: the project in the current directory, read-write (python3 -m venv .venv, then
# .venv/bin/pip); the network; a download cache of its own. A package's setup.py runs here
# and finds no home. `pip install --user` lands in the private home and is gone at exit.
include inc/hide-secrets.inc
include inc/network.inc
include inc/workdir.inc
home private

mkdir ${XDG_CACHE_HOME}/hutch/pip
bind ${XDG_CACHE_HOME}/hutch/pip:${XDG_CACHE_HOME}/pip
setenv PIP_DISABLE_PIP_VERSION_CHECK=1
