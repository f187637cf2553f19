# XNNPACK (CPU, float32; Debian's libxnnpack-dev snapshot 2022-02-16).
# docs/backends/xnnpack.md lists what converts and the file it writes.
#   num_threads: threads of XNNPACK's pool, an integer from 1 to 256.
#     Leave it out for the default: the CPUs this process may use
#     (sched_getaffinity), at most 4. A value above the usable CPUs is
#     clamped to them with a warning: the pool spin-waits, and two threads
#     on one CPU make every operator 10-100x slower. 0 is an error.
backend_config = dict(type='xnnpack')
