# curl: transfer a URL.
#
# What it sees: the network and the directory it was started in, read-write (for -o and -O).
# No home: ~/.netrc and ~/.curlrc stay out, and so does everything a downloaded script might
# name on a later command line.
include inc/hide-secrets.inc
include inc/network.inc
include inc/workdir.inc
home private

# needs: read-only-try ~/.curlrc - the user's defaults, when the file exists
