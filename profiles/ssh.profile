# ssh: the OpenSSH client.
#
# What it sees: ~/.ssh read-only (config, keys, known_hosts) and nothing else of the home; the
# network. It cannot add to known_hosts (it says so and goes on), and nothing it runs can
# change the user's keys or authorized_keys.
include inc/hide-secrets.inc
include inc/network.inc
home private

ignore blacklist ~/.ssh
# ssh would create ~/.ssh itself on its first run; created here so that read-only has it.
mkdir ~/.ssh
read-only ~/.ssh

# needs: socket ssh-agent (issue 8) - the agent's socket; the session variable alone
#        (keep-session-env) does not make it reachable
