# make: build the project in the current directory.
#
# What it sees: the directory it was started in, read-write; the system's compilers and
# libraries read-only; no network and no home. A Makefile that downloads: hutch --share-net make.
include inc/hide-secrets.inc
include inc/workdir.inc
home private
