/* `hutch profile show|check|list`: the profile subcommand (src/cmd/cmd-profile.c; this header is
 * named apart from src/front/profile/profile.h, which that file includes too). Launcher side, the caller's
 * own privileges; runs no sandbox. */
#pragma once

/* argv[0] is "profile". Returns the exit status. */
int cmd_profile(int argc, char **argv, char **host_env);
