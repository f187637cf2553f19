// The nnport Python module's native part, nnport._nnport; nnport/__init__.py
// adds Config, Backend and convert on top and re-exports the rest.
#include "bindings.h"

PYBIND11_MODULE(_nnport, m) {
  namespace py = pybind11;
  namespace np = nnport::python;
  m.doc() = "nnport's C++ core (backend managers, wrappers, configs, TimeCounter) for Python";
  m.attr("__version__") = NNPORT_PYTHON_VERSION;
  m.attr("LOG_DEBUG") = static_cast<int>(NNPORT_LOG_DEBUG);
  m.attr("LOG_INFO") = static_cast<int>(NNPORT_LOG_INFO);
  m.attr("LOG_WARNING") = static_cast<int>(NNPORT_LOG_WARNING);
  m.attr("LOG_ERROR") = static_cast<int>(NNPORT_LOG_ERROR);
  np::init_errors(m);
  np::init_tensor(m);
  np::init_config(m);
  np::init_wrapper(m);
  np::init_manager(m);
  np::init_timer(m);
  np::init_apis(m);
  (void)py::module_::import("numpy");  // fail early, with numpy's own message, when missing
}
