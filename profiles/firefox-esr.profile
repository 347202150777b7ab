# firefox-esr: Debian's name for the extended-support Firefox; the same rules (and firefox.local).
include firefox.profile
