// nnport.TimeCounter: MMDeploy's TimeCounter over the C++ one (docs/timer.md).
// Every Wrapper's engine call is timed under its backend's name.
#include "nnport/timer.h"
#include "bindings.h"

namespace nnport::python {

namespace {

std::string name_of(const py::handle& name) {
  if (name.is_none()) return "";
  if (!py::isinstance<py::str>(name))
    throw py::value_error("TimeCounter: name must be a str or None");
  return name.cast<std::string>();
}

// `with TimeCounter.activate(...)`: on from __enter__ to __exit__.
struct Activation {
  std::string name;
  int64_t warmup, log_interval, batch_size;
  std::string file;
  bool on = false;

  Activation& enter() {
    check(TimeCounter::activate(name, warmup, log_interval, batch_size, file));
    on = true;
    return *this;
  }
  void exit() {
    if (on) TimeCounter::deactivate(name);
    on = false;
  }
};

py::dict stats_dict(const std::string& name) {
  auto s = TimeCounter::stats(name);
  py::dict d;
  d["count"] = s.count;
  d["mean"] = s.mean_ms;
  d["min"] = s.min_ms;
  d["max"] = s.max_ms;
  d["stddev"] = s.stddev_ms;
  for (const auto& [p, v] : s.percentiles_ms) {
    const std::string key = p == 50 ? "median" : "p" + std::to_string(static_cast<int>(p));
    d[py::str(key)] = v;
  }
  return d;
}

}  // namespace

void init_timer(py::module_& m) {
  py::class_<Activation>(m, "_TimerActivation")
      .def("__enter__", &Activation::enter, py::return_value_policy::reference_internal)
      .def("__exit__",
           [](Activation& a, const py::handle&, const py::handle&, const py::handle&) {
             a.exit();
             return false;
           })
      .def_readonly("name", &Activation::name);

  py::class_<TimeCounter>(m, "TimeCounter", R"doc(
MMDeploy's TimeCounter: named timers, off until activated. Every Wrapper's
engine call is timed under its backend's name (e.g. 'onnxruntime').

    with nnport.TimeCounter.activate('onnxruntime', warmup=5, log_interval=10):
        for _ in range(25):
            wrapper.forward(inputs)
    nnport.TimeCounter.print_stats('onnxruntime')
)doc")
      .def_static(
          "activate",
          [](const py::handle& name, int64_t warmup, int64_t log_interval, bool with_sync,
             const py::handle& file, int64_t batch_size) {
            (void)with_sync;  // a plugin's execute returns when its engine is done
            std::string f = file.is_none() ? "" : path_from_object(file, "file");
            return Activation{name_of(name), warmup, log_interval, batch_size, f};
          },
          py::arg("name") = py::none(), py::arg("warmup") = 1, py::arg("log_interval") = 1,
          py::arg("with_sync") = false, py::arg("file") = py::none(), py::arg("batch_size") = 1,
          "A context manager: the timer `name` (None: every name) is on inside the `with`. "
          "The first `warmup` calls are not kept; every `log_interval` kept calls a line "
          "'[name]-N times per count: M ms, F FPS' goes to `file` or stderr. with_sync is "
          "accepted for MMDeploy's signature and has no effect. ValueError for warmup < 0, "
          "log_interval < 1 or batch_size < 1.")
      .def_static(
          "deactivate", [](const py::handle& name) { TimeCounter::deactivate(name_of(name)); },
          py::arg("name") = py::none(), "Turn `name` (None: everything) off; samples stay.")
      .def_static(
          "reset", [](const py::handle& name) { TimeCounter::reset(name_of(name)); },
          py::arg("name") = py::none(), "Forget `name`'s calls and samples (None: everything).")
      .def_static(
          "record", [](const std::string& name, double ms) { TimeCounter::record(name, ms); },
          py::arg("name"), py::arg("ms"), "One call of `ms` milliseconds under `name`.")
      .def_static(
          "active",
          [](const py::handle& name) {
            return name.is_none() ? TimeCounter::active() : TimeCounter::active(name_of(name));
          },
          py::arg("name") = py::none(), "Whether `name` (None: anything) is on.")
      .def_static(
          "calls", [](const std::string& name) { return TimeCounter::calls(name); },
          py::arg("name"), "Calls counted while active, warm-up included.")
      .def_static(
          "samples", [](const std::string& name) { return TimeCounter::samples(name); },
          py::arg("name"), "Kept samples, ms per item, in order.")
      .def_static("stats", &stats_dict, py::arg("name"),
                  "{'count', 'mean', 'min', 'max', 'stddev', 'median', 'p90', 'p99'} in ms.")
      .def_static(
          "stats_table", [](const std::string& name) { return TimeCounter::stats_table(name); },
          py::arg("name"), "The print_stats table as a str.")
      .def_static(
          "print_stats",
          [](const std::string& name) {
            // Python's stdout, so redirection and capture see it.
            py::print(TimeCounter::stats_table(name), py::arg("end") = "");
          },
          py::arg("name"), "Print Stats | Latency/ms | FPS (Mean, Median, Min, Max, P90, P99).");
}

}  // namespace nnport::python
