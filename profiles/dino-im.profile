# dino-im: Debian's name for dino, the XMPP chat client; the same rules (and dino.local).
include dino.profile
