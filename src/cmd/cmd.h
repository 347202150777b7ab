/* The subcommands: `hutch NAME …` where NAME is one of these (a program of that name runs
 * after `--`). Each is one file in src/cmd/ and returns the process's exit status. Launcher
 * side, the caller's own privileges. */
#pragma once

int cmd_list(int argc, char **argv, char **env);
int cmd_join(int argc, char **argv, char **env);
int cmd_stop(int argc, char **argv, char **env);
int cmd_desktop(int argc, char **argv, char **env);
int cmd_doctor(int argc, char **argv, char **env);
int cmd_learn(int argc, char **argv, char **env);
