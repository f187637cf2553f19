// Internal to the CLI: `--save-inputs DIR` writes the inputs a run used,
// `--input-dir DIR` reads them back (saved_inputs.cc). A save is one
// NAME.npy per input (output_file_names' rule) and a manifest, written last,
// that maps each input's name to its file, so names with '/' round-trip.
#ifndef NNPORT_TOOLS_NNPORT_SAVED_INPUTS_H_
#define NNPORT_TOOLS_NNPORT_SAVED_INPUTS_H_

#include <string>
#include <utility>
#include <vector>

#include "cli.h"
#include "nnport/status.h"
#include "nnport/tensor.h"

namespace nnport::cli {

// The manifest: {"nnport_saved_inputs": 1, "inputs": [{"name", "file", "dtype", "shape"}]}.
inline constexpr const char* kInputsManifest = "inputs.json";
// Present only while a save is being written: a folder holding it is unfinished.
inline constexpr const char* kUnfinishedMarker = ".nnport_saving_inputs";

// --save-inputs DIR of run and verify.
void add_save_inputs_option(CLI::App& sub, std::string& dir);

// Writes `inputs` into DIR (made if missing). An existing DIR must be empty
// or hold only an earlier save (finished or not), which is replaced; any
// other file in it is a refusal that names it. The marker goes first, the
// manifest last, then the marker is removed.
Status save_inputs(const std::string& dir, const NamedTensors& inputs);

// The (input name, file path) pairs DIR holds for a model with
// `input_names`: from the manifest when there is one, else every
// NAME.npy (output_file_names' rule) that is there. An unfinished save, a
// manifest or file that names no input of the model (did you mean), or a
// folder with no input file at all is an error.
Result<std::vector<std::pair<std::string, std::string>>> saved_input_files(
    const std::string& dir, const std::vector<std::string>& input_names);

}  // namespace nnport::cli

#endif  // NNPORT_TOOLS_NNPORT_SAVED_INPUTS_H_
