#!/usr/bin/env bash
# --socket pulseaudio and --socket pipewire against private servers: a client inside works
# only with the socket; PulseAudio's client.conf inside holds no cookie; a missing server is
# refused with the option named. Each part skips when its server is not installed.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-desktop.sh"
require_userns
plan 10

pulse_checks() {
	run_hutch --socket pulseaudio -- pactl info
	expect_exit 0 "inside, pactl info works with --socket pulseaudio"
	like "$out" "^Server String: unix:/run/user/$(id -u)/pulse/native" "... through the sandbox's own socket path"
	run_hutch -- pactl info
	unlike "$rc" '^0$' "without --socket pulseaudio, pactl info inside fails"
	run_sh --socket pulseaudio 'cat "$PULSE_CLIENTCONFIG"; ls -A "$XDG_RUNTIME_DIR/pulse"'
	like "$out" "^default-server = unix:/run/user/$(id -u)/pulse/native" "client.conf names the socket"
	unlike "$out" "cookie" "... and holds no cookie (nor does the runtime dir)"
}

if ! command -v pulseaudio >/dev/null || ! command -v pactl >/dev/null; then
	skip_n 5 "pulseaudio or pactl is not installed (Debian: pulseaudio pulseaudio-utils)"
elif ! command -v python3 >/dev/null; then
	skip_n 5 "python3 is not installed"
elif ! start_pulseaudio; then
	skip_n 5 "pulseaudio did not start here: $(tail -n 3 "$TEST_TMP/pulse.log")"
else
	pulse_checks
fi

pipewire_checks() {
	run_hutch --socket pipewire -- pw-cli info 0
	expect_exit 0 "inside, pw-cli info 0 works with --socket pipewire"
	like "$out" "PipeWire:Interface:Core" "... and reaches the daemon's core"
	run_hutch -- pw-cli info 0
	like "$out$err" "failed to connect" "without --socket pipewire, pw-cli inside cannot connect"
}

if ! command -v pipewire >/dev/null || ! command -v pw-cli >/dev/null; then
	skip_n 3 "pipewire or pw-cli is not installed (Debian: pipewire pipewire-bin)"
elif ! start_pipewire; then
	skip_n 3 "pipewire did not start here"
else
	pipewire_checks
fi

XDG_RUNTIME_DIR=$TEST_TMP/empty PULSE_SERVER= run_hutch --socket pulseaudio -- true
like "$rc $err" "^125 hutch: --socket pulseaudio: $TEST_TMP/empty/pulse/native: no PulseAudio socket there" \
	"no PulseAudio server: --socket pulseaudio is refused, the option named"
PULSE_SERVER=tcp:localhost:4713 run_hutch --socket pulseaudio -- true
like "$rc $err" "^125 hutch: --socket pulseaudio: PULSE_SERVER=tcp:localhost:4713 is not one local socket" \
	"a PulseAudio server over TCP is refused"
