# nodejs: the name some distributions give node; the same rules (and node.local).
include node.profile
