// The suite through a backend of nnport's: the backend's own to_backend
// (convert_target_for) and wrapper, as `nnport convert` + `nnport run` would.
#include "nnport/apis.h"
#include "nnport/conformance.h"

namespace nnport::conformance {

namespace {

Status with_step(const std::string& step, const Status& s) {
  return Status(s.code(), step + ": " + s.message());
}

}  // namespace

Result<Report> run_backend(const Options& options, const std::string& backend,
                           const Progress& progress, Registry* registry) {
  Registry& reg = registry != nullptr ? *registry : Registry::global();
  // Checked here, once, so that a typo is one clear error and not 1,072.
  NNPORT_ASSIGN_OR_RETURN(const BackendManager* manager, reg.find(backend));
  std::string why;
  if (!manager->is_available(false, &why))
    return unavailable("backend '" + backend + "' is not available here" +
                       (why.empty() ? "" : ": " + why) + "; run `nnport check-env`");
  Engine engine = [&reg, backend](
                      const TestCase& test, const TestModel&, const std::vector<DataSet>& data_sets,
                      const std::string& scratch_dir) -> Result<std::vector<NamedTensors>> {
    auto target = resolve_target(test.dir + "/model.onnx", backend);
    if (!target.ok()) return with_step("reading the model", target.status());
    auto converted = convert_target_for(*target, backend, scratch_dir, &reg);
    if (!converted.ok()) return with_step("converting", converted.status());
    auto wrapper = build_target_wrapper(*converted, &reg);
    if (!wrapper.ok()) return with_step("building the wrapper", wrapper.status());
    std::vector<NamedTensors> outputs;
    for (const auto& set : data_sets) {
      auto out = wrapper->forward(set.inputs);
      if (!out.ok()) return with_step("running " + set.name, out.status());
      outputs.push_back(std::move(*out));
    }
    return outputs;
  };
  return run_suite(options, backend, engine, progress);
}

}  // namespace nnport::conformance
