# c++: the same rules as gcc (and gcc.local).
include gcc.profile
