# unzip: list, test and extract ZIP archives.
#
# What it sees: the directory it was started in, read-write, and nothing else of the home:
# an archive's members land here and nowhere else (a '../' or absolute name in a hostile
# archive cannot reach ~/.bashrc). Archive something outside it: start from a common parent.
# No network.
include inc/hide-secrets.inc
include inc/workdir.inc
home private
