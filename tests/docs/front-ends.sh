#!/usr/bin/env bash
# Front ends only fill the config (issue 28 item 3): what a front end needs at run time is an
# ordinary field of struct config, done by the room of the process it runs in; the core never
# asks which front end filled it. Checked on the sources: outside a front end's own folder
# (src/front/bwrap, src/front/firejail, src/front/oci) nothing includes its headers, calls its
# functions or reads a config member of its own (the c->bwrap of old), and the core library
# built in meson.build holds none of its files.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

cd "$HUTCH_SRCDIR" || bail_out "cannot enter $HUTCH_SRCDIR"
[ -d src/front/bwrap ] || bail_out "no src/front/bwrap: the front ends moved, update this test"

# The files of src/ outside FOLDER, with line numbers, that match ERE (comments included: a
# call named in a comment is not worth telling apart from a real one).
outside() {
	local folder=$1 ere=$2
	grep -rnE --include='*.c' --include='*.h' -- "$ere" src | grep -v "^$folder/" || true
}

is "$(outside src/front/bwrap '#[[:space:]]*include[[:space:]]*"front/bwrap/')" "" \
	"no file outside src/front/bwrap includes its headers"
is "$(outside src/front/bwrap '(->|\.)bwrap\b|struct bwrap_config')" "" \
	"no config member for hutch-bwrap (c->bwrap) nor its struct outside src/front/bwrap"
is "$(outside src/front/bwrap '\bbwrap_[a-z0-9_]+[[:space:]]*\(')" "" \
	"no call of a bwrap_* function outside src/front/bwrap"
is "$(outside src/front/oci '#[[:space:]]*include[[:space:]]*"front/oci/')" "" \
	"no file outside src/front/oci includes its headers"

# The core rooms (the processes after the front end) include no other front end's folder;
# front/config.h and the shared front/*.h are the config every front end fills (front/profile
# is hutch's own profile language, whose rule origins the report names).
core=$(grep -rnE --include='*.c' --include='*.h' '#[[:space:]]*include[[:space:]]*"front/(bwrap|firejail|oci)/' \
	src/lib src/launcher src/sandbox src/command src/egress src/workspace src/tier src/veth 2>/dev/null)
is "$core" "" "the core rooms include no front end's headers"

# meson.build's core_sources: the library every front end links holds no front end's folder.
sources=$(sed -n '/^core_sources = files(/,/^)/p' meson.build)
[ -n "$sources" ] || bail_out "no core_sources list in meson.build"
is "$(grep -E "'src/front/(bwrap|firejail|oci)/" <<<"$sources")" "" \
	"the core library (meson.build core_sources) holds no front end's file"

done_testing
