# 7za: the same rules as 7z (and 7z.local).
include 7z.profile
