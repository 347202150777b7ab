# python: the same as python3 (and python3.local).
include python3.profile
