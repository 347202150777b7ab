# node: the Node.js runtime, on a script in the current directory.
#
# What it sees: the directory it was started in, read-write (node_modules included); no
# network; no home. `npm` has its own profile with the network.
include inc/hide-secrets.inc
include inc/workdir.inc
home private
