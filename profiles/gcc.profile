# gcc: the GNU C compiler (and its driver for the other languages).
#
# What it sees: the sources in the current directory, read-write (objects and programs land
# there); the system's headers and libraries read-only; no network and no home.
include inc/hide-secrets.inc
include inc/workdir.inc
home private
