# pip3: the same as pip (and pip.local).
include pip.profile
