// C++ errors as Python exceptions: a Status keeps its message and picks the
// exception type by its code.
#include "bindings.h"

namespace nnport::python {

void throw_status(const Status& status) { throw StatusError(status); }

void init_errors(py::module_& m) {
  (void)m;
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const StatusError& e) {
      PyObject* type = PyExc_RuntimeError;
      switch (e.code()) {
        case Code::kInvalidArgument:
          type = PyExc_ValueError;
          break;
        case Code::kNotFound:
          type = PyExc_FileNotFoundError;
          break;
        default:  // unavailable, unimplemented, I/O, internal: the backend failed
          break;
      }
      PyErr_SetString(type, e.what());
    } catch (const BadResultAccess& e) {  // a bug in the bindings, but still a message
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });
}

}  // namespace nnport::python
