# python3: the Python interpreter, on a script in the current directory.
#
# What it sees: the directory it was started in, read-write; the system's Python and modules
# read-only; no network, no home. A script that needs the network: hutch --share-net python3 …
# (or share-net in python3.local).
include inc/hide-secrets.inc
include inc/workdir.inc
home private

# The interpreter writes no bytecode into the directory it shares with the host.
setenv PYTHONDONTWRITEBYTECODE=1
