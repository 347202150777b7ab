# cargo: the Rust package manager and build tool, on the crate in the current directory.
#
# What it sees: the crate, read-write; the network (crates.io, git dependencies); the
# toolchains of rustup (~/.rustup) and the installed commands (~/.cargo/bin) read-only; the
# registry and git caches of ~/.cargo writable. build.rs scripts and proc macros run here too:
# they cannot put a program into ~/.cargo/bin, which is on the user's PATH.
include inc/hide-secrets.inc
include inc/network.inc
include inc/workdir.inc
home private

# rustup and cargo create these themselves on first use; here they must exist to be shown.
mkdir ~/.rustup
read-only ~/.rustup
mkdir ~/.cargo/bin
read-only ~/.cargo/bin
mkdir ~/.cargo/registry
whitelist ~/.cargo/registry
mkdir ~/.cargo/git
whitelist ~/.cargo/git

# needs: read-only-try ~/.cargo/config.toml
