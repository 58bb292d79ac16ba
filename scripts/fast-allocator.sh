#!/bin/sh
# Runs a command with glibc's allocator told to keep freed memory (every npm script goes through it).
#
# The ORT sessions run with their CPU arena off (with it on, a dozen sessions over many shapes grew
# to 18 GB), so every intermediate tensor of every run is a fresh malloc. glibc serves blocks above
# its mmap threshold (at most 32 MB) with mmap and hands them back with munmap, so each run page-faults
# its buffers in again: an RL step of `tiny` spent most of its time in the kernel. Raising the mmap
# and trim thresholds keeps freed blocks in the heap for the next run (bench:train: 10.5 -> 1.8 s a
# step, 5.6M -> 0.6M page faults; the same weights to the bit). glibc reads these variables once, at
# process start, so they are set here, before node starts, and `exec` keeps the process (and its
# signals) the one npm started. Other C libraries ignore them.
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-4294967296}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-4294967296}"
export MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-536870912}"
exec "$@"
