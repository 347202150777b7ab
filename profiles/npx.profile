# npx: runs a package's command through npm; the same rules as npm (and npm.local).
include npm.profile
