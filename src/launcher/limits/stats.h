/* --stats: what the sandbox used, as one line of text or of JSON, from its cgroup where it had
 * one (memory.peak, pids.peak, cpu.stat) and from the kernel's rusage of pid 1 and every child
 * it reaped otherwise (the whole sandbox: pid 1 reaps each of its processes). The keys mean the
 * same in both; those only a cgroup knows are left out without one. Launcher side, after the
 * sandbox ended; main() prints the line. */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct config;
struct launch_report;

/* The line, without "hutch: " and the newline; empty when --stats was not asked. */
void stats_format(const struct config *c, const struct launch_report *rep, char *buf, size_t size);

/* A byte count as people read it: 512, 1.5K, 33.2M, 2.0G (pure). */
void stats_size_text(uint64_t bytes, char *buf, size_t size);
