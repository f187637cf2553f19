// A shared library without nnport's entry point: the host must refuse it.
#include "nnport/plugin.h"

extern "C" NNPORT_PLUGIN_EXPORT int nnport_not_the_entry_point() { return 42; }
