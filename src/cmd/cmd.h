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
int cmd_changes(int argc, char **argv, char **env);
int cmd_apply(int argc, char **argv, char **env);
int cmd_discard(int argc, char **argv, char **env);

#include <stdbool.h>
#include <stddef.h>
/* `hutch list`'s workspaces (changes.c): a table after the sandboxes', or the JSON array of
 * the "workspaces" key; age formats an age in seconds. */
int cmd_list_workspaces(char **env, bool json, long long now, void (*age)(long long, char *, size_t));
