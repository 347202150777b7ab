# mpv: a media player.
#
# What it sees: the directory it was started in, read-only; its own settings and the positions
# it remembers (watch_later); the network, for streams (and yt-dlp, when it calls it).
include inc/desktop.inc
include inc/workdir-ro.inc
include inc/network.inc
home private

mkdir ~/.config/mpv
whitelist ~/.config/mpv
mkdir ~/.local/state/mpv
whitelist ~/.local/state/mpv

# needs: read-only-try ~/Music, ~/Videos
