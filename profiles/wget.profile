# wget: download files from the web.
#
# What it sees: the network and the directory it was started in, read-write (where it saves).
# Its HSTS cache (~/.wget-hsts) lives in the private home and is forgotten at exit.
include inc/hide-secrets.inc
include inc/network.inc
include inc/workdir.inc
home private

# needs: read-only-try ~/.wgetrc
