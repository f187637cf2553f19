/* Test plugins whose entry point never returns a backend, for the
 * child-process probe (Registry::set_probe_timeout, nnport check-env).
 * TESTPROBE_KIND selects what this file builds:
 *   1: "testcrash" - the entry point raises SIGSEGV.
 *   2: "testhang"  - the entry point sleeps forever.
 * Built into testplugins/probe, away from the folder registry_test lists. */
#include <signal.h>
#include <unistd.h>

#include "nnport/plugin.h"

NNPORT_PLUGIN_EXPORT const nnport_backend* NNPORT_PLUGIN_ENTRY(const nnport_host* host) {
  (void)host;
#if TESTPROBE_KIND == 1
  raise(SIGSEGV);
#else
  for (;;) pause();
#endif
  return NULL;
}
