// nnport.Wrapper: a backend's loaded model; forward({name: ndarray}) ->
// {name: ndarray}, the GIL released while the engine runs.
#include <chrono>

#include "bindings.h"

namespace nnport::python {

namespace {

py::dict info_dict(const TensorInfo& info) {
  py::dict d;
  d["name"] = info.name;
  d["dtype"] = numpy_dtype(info.dtype);
  py::list dims;
  for (size_t i = 0; i < info.dims.size(); ++i) {
    if (info.dims[i] >= 0)
      dims.append(info.dims[i]);
    else if (i < info.dim_names.size() && !info.dim_names[i].empty())
      dims.append(info.dim_names[i]);
    else
      dims.append(py::none());
  }
  d["shape"] = py::tuple(dims);
  return d;
}

py::list info_list(const std::vector<TensorInfo>& infos) {
  py::list out;
  for (const auto& info : infos) out.append(info_dict(info));
  return out;
}

}  // namespace

NamedTensors PyWrapper::checked_inputs(const py::handle& inputs, std::vector<py::object>& keep,
                                       bool complete) const {
  NamedTensors tensors = tensors_from_mapping(inputs, keep);
  // The element type first, as a TypeError: nnport never casts silently.
  for (const auto& [name, tensor] : tensors) {
    for (const auto& info : wrapper_.input_infos()) {
      if (info.name != name || info.dtype == tensor.dtype()) continue;
      throw py::type_error("input '" + name + "': the model takes " +
                           std::string(dtype_name(info.dtype)) + ", got " +
                           std::string(dtype_name(tensor.dtype())) +
                           " (nnport does not cast: pass array.astype(numpy." +
                           std::string(dtype_name(info.dtype)) + "))");
    }
  }
  // Names, ranks and static dims, before the engine runs.
  if (complete) check(wrapper_.check_inputs(tensors));
  return tensors;
}

py::dict PyWrapper::forward(const py::handle& inputs) {
  std::vector<py::object> keep;  // the arrays the tensors point into
  NamedTensors tensors = checked_inputs(inputs, keep);
  Result<NamedTensors> outputs = run(tensors);
  if (!outputs.ok()) {
    // check_inputs passed, so what is left is the engine's failure.
    const Status& s = outputs.status();
    throw_status(s.code() == Code::kInvalidArgument || s.code() == Code::kNotFound
                     ? Status(Code::kInternal, s.message())
                     : s);
  }
  return dict_from_tensors(*outputs);
}

Result<NamedTensors> PyWrapper::run(const NamedTensors& inputs) {
  py::gil_scoped_release no_gil;
  std::lock_guard<std::mutex> lock(mutex_);  // one thread at a time per wrapper
  return wrapper_.forward(inputs);
}

py::dict PyWrapper::input_addresses(const py::handle& inputs) const {
  std::vector<py::object> keep;
  NamedTensors tensors = checked_inputs(inputs, keep);
  py::dict out;
  for (const auto& [name, tensor] : tensors)
    out[py::str(name)] = reinterpret_cast<uintptr_t>(tensor.data());
  return out;
}

py::list PyWrapper::output_to_list(const py::handle& outputs) const {
  if (!py::isinstance<py::dict>(outputs))
    throw py::value_error("output_to_list: expected the dict forward returned");
  auto d = py::reinterpret_borrow<py::dict>(outputs);
  py::list out;
  for (const auto& name : wrapper_.output_names()) {
    if (!d.contains(name))
      throw py::value_error("output_to_list: no output '" + name + "' in the dict");
    out.append(d[py::str(name)]);
  }
  return out;
}

void init_wrapper(py::module_& m) {
  py::class_<PyWrapper>(m, "Wrapper", R"doc(
A backend's loaded model (MMDeploy's BaseWrapper), from
BackendManager.build_wrapper or nnport.load_work_dir.

forward() takes {input name: numpy.ndarray} and returns {output name:
numpy.ndarray} in the model's output order. An input that is C-contiguous,
aligned and of the model's element type is handed to the engine without a
copy; any other layout is copied once; another element type is a TypeError
(nnport never casts). Outputs are arrays over the engine's own buffers and
keep them alive. The GIL is released while the engine runs; calls on one
wrapper from several threads take turns, different wrappers run at once.
)doc")
      .def("forward", &PyWrapper::forward, py::arg("inputs"),
           "Run the model: {name: ndarray} -> {name: ndarray} (the model's output order).")
      .def(
          "__call__", [](PyWrapper& w, const py::handle& inputs) { return w.forward(inputs); },
          py::arg("inputs"), "Same as forward.")
      .def("output_to_list", &PyWrapper::output_to_list, py::arg("outputs"),
           "forward's dict as a list in output_names order.")
      .def_property_readonly(
          "output_names", [](const PyWrapper& w) { return w.wrapper().output_names(); },
          "The model's output names, in forward's order.")
      .def_property_readonly(
          "input_names",
          [](const PyWrapper& w) {
            std::vector<std::string> names;
            for (const auto& i : w.wrapper().input_infos()) names.push_back(i.name);
            return names;
          },
          "The model's input names, in order.")
      .def_property_readonly(
          "inputs", [](const PyWrapper& w) { return info_list(w.wrapper().input_infos()); },
          "Each input as {'name', 'dtype' (numpy.dtype), 'shape' (int, or the dim's name or "
          "None when dynamic)}.")
      .def_property_readonly(
          "outputs", [](const PyWrapper& w) { return info_list(w.wrapper().output_infos()); },
          "Each output, as inputs.")
      .def_property_readonly(
          "backend", [](const PyWrapper& w) { return w.wrapper().backend_name(); },
          "The backend's name.")
      .def_readonly("deploy_info", &PyWrapper::deploy_info,
                    "What deploy.json says (a dict) for a wrapper from load_work_dir, else None.")
      .def(
          "get_backend_file_count",
          [](const PyWrapper& w) { return w.wrapper().backend_file_count(); },
          "How many backend files the backend takes.")
      .def(
          "_time_cpp_forward",
          [](PyWrapper& w, const py::handle& inputs, int calls) {
            // Benchmark aid (bench/python_overhead.py): the same forward as
            // from C++, `calls` times in a C++ loop, each call's ms. The
            // difference to timing forward() from Python is the binding's cost.
            if (calls < 1) throw py::value_error("calls must be >= 1");
            std::vector<py::object> keep;
            NamedTensors tensors = w.checked_inputs(inputs, keep);
            std::vector<double> ms;
            ms.reserve(size_t(calls));
            py::gil_scoped_release no_gil;
            for (int i = 0; i < calls; ++i) {
              const auto t = std::chrono::steady_clock::now();
              auto out = w.wrapper().forward(tensors);
              ms.push_back(
                  std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t)
                      .count());
              if (!out.ok()) {
                py::gil_scoped_acquire gil;
                throw_status(out.status());
              }
            }
            return ms;
          },
          py::arg("inputs"), py::arg("calls"),
          "Benchmark aid: Wrapper::forward in a C++ loop, each call's milliseconds.")
      .def("_input_addresses", &PyWrapper::input_addresses, py::arg("inputs"),
           "Testing aid: after forward's checks and conversions, the address of each input's "
           "data as handed to the engine.")
      .def("__repr__", [](const PyWrapper& w) {
        std::string s = "<nnport.Wrapper backend='" + w.wrapper().backend_name() + "' inputs=[";
        bool first = true;
        for (const auto& i : w.wrapper().input_infos()) {
          s += (first ? "'" : ", '") + i.name + "'";
          first = false;
        }
        s += "] outputs=[";
        first = true;
        for (const auto& n : w.wrapper().output_names()) {
          s += (first ? "'" : ", '") + n + "'";
          first = false;
        }
        return s + "]>";
      });
}

}  // namespace nnport::python
