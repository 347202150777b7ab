# mupdf: a small PDF, XPS and EPUB viewer.
#
# What it sees: the directory it was started in, read-only (open a document from there). No
# network: a document has no business phoning home. Its viewer speaks only X11.
include inc/desktop.inc
include inc/workdir-ro.inc
home private
# an X11-only app: the X server's socket, not Wayland (hutch says so under --verbose)
x11 required

# on the session bus, once it is turned on (dbus-user filter, in mupdf.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*

# The X server attaches an app's MIT-SHM images only from its own ipc namespace: without it
# mupdf draws over the socket, slower, and says so ("disabling shared memory extension"). The
# host's System V shared memory is what the X server already lets an X client read.
share-ipc
