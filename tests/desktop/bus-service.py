# A test service for tests/desktop/dbus.sh: on the session bus of DBUS_SESSION_BUS_ADDRESS it
# owns every name given as an argument and answers org.hutch.Test.Ping with "pong" on
# /org/hutch/Test under each. Prints "ready" once every name is owned; runs until killed.
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib


class Test(dbus.service.Object):
    @dbus.service.method("org.hutch.Test", in_signature="", out_signature="s")
    def Ping(self):
        return "pong"


DBusGMainLoop(set_as_default=True)
bus = dbus.SessionBus()
names = [dbus.service.BusName(n, bus, do_not_queue=True) for n in sys.argv[1:]]
obj = Test(bus, "/org/hutch/Test")
print("ready", flush=True)
GLib.MainLoop().run()
