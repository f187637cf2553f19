#include "cv_wrapper.h"

#include <opencv2/core/utility.hpp>

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "cv_batch_split.h"
#include "cv_crash_patterns.h"
#include "cv_dtype.h"
#include "cv_errors.h"
#include "cv_model_io.h"
#include "cv_options.h"

namespace nnport::cv_backend {
namespace {

using plugin::Error;

std::string quoted_list(const std::vector<plugin::TensorInfo>& infos) {
  std::string s;
  for (const auto& i : infos) s += (s.empty() ? "'" : ", '") + i.name + "'";
  return s;
}

// The infos named by `names`, in that order; all of them when names is empty.
std::vector<plugin::TensorInfo> select(const std::vector<plugin::TensorInfo>& all,
                                       const std::vector<std::string>& names, const char* what,
                                       bool must_cover_all) {
  if (names.empty()) return all;
  // Lookups through maps: a model may have 100,000 inputs or outputs.
  std::unordered_map<std::string_view, size_t> position;
  position.reserve(all.size());
  for (size_t i = 0; i < all.size(); ++i) position.emplace(all[i].name, i);
  std::unordered_set<std::string_view> taken;
  taken.reserve(names.size());
  std::vector<plugin::TensorInfo> out;
  out.reserve(names.size());
  for (const auto& name : names) {
    auto it = position.find(name);
    if (it == position.end()) {
      throw Error(NNPORT_INVALID_ARGUMENT, std::string("opencv: the model has no ") + what + " '" +
                                               name + "'; its " + what + "s are " +
                                               quoted_list(all));
    }
    if (!taken.insert(name).second) {
      throw Error(NNPORT_INVALID_ARGUMENT,
                  std::string("opencv: ") + what + " '" + name + "' is named twice");
    }
    out.push_back(all[it->second]);
  }
  if (must_cover_all) {
    for (const auto& i : all) {
      if (taken.count(i.name) == 0) {
        throw Error(NNPORT_INVALID_ARGUMENT, std::string("opencv: the ") + what +
                                                 " names given leave out model " + what + " '" +
                                                 i.name + "'; OpenCV needs every input set");
      }
    }
  }
  return out;
}

// OpenCV's Mats have at least 2 dims, and some layers drop or add unit dims:
// report the model's rank where its dims (one dynamic at most) say how.
std::vector<int64_t> output_dims(const cv::Mat& m, const std::vector<int64_t>& declared) {
  std::vector<int64_t> dims(m.size.p, m.size.p + m.dims);
  if (declared.empty() || dims.size() == declared.size()) return dims;
  const auto total = static_cast<int64_t>(m.total());
  int64_t known = 1;
  int dynamic = -1;
  for (size_t d = 0; d < declared.size(); ++d) {
    if (declared[d] >= 0) {
      known *= declared[d];
    } else if (dynamic >= 0) {
      return dims;  // two unknowns: keep OpenCV's shape
    } else {
      dynamic = static_cast<int>(d);
    }
  }
  std::vector<int64_t> out = declared;
  if (dynamic >= 0 && known > 0 && total % known == 0) out[dynamic] = total / known;
  if (dynamic < 0 && known != total) return dims;
  return out;
}

}  // namespace

CvWrapper::CvWrapper(cv::dnn::Net net, std::string model_path,
                     std::vector<plugin::TensorInfo> inputs,
                     std::vector<plugin::TensorInfo> outputs, bool split_batch)
    : net_(std::move(net)),
      model_path_(std::move(model_path)),
      inputs_(std::move(inputs)),
      outputs_(std::move(outputs)),
      split_allowed_(split_batch) {
  for (const auto& o : outputs_) output_names_.push_back(o.name);
}

std::unique_ptr<CvWrapper> CvWrapper::create(const plugin::BuildArgs& args) {
  const Options options = parse_options(args.deploy_cfg_json);
  if (args.device != "cpu") {
    throw Error(NNPORT_UNAVAILABLE, "opencv: device '" + args.device +
                                        "' is not supported; this backend runs on 'cpu' only");
  }
  if (args.backend_files.size() != 1) {
    throw Error(NNPORT_INVALID_ARGUMENT, "opencv: expected one backend file (.onnx), got " +
                                             std::to_string(args.backend_files.size()));
  }
  const std::string& path = args.backend_files[0];
  const OnnxModelInfo info = inspect_model(path);
  require_convertible_inputs(info);
  require_no_crash_pattern(info, path);  // OpenCV would crash on these, not throw

  std::vector<plugin::TensorInfo> all_in, all_out;
  for (const auto& i : info.inputs) all_in.push_back(to_plugin_info(i));
  for (const auto& o : info.outputs) all_out.push_back(to_plugin_info(o));
  auto inputs = select(all_in, args.input_names, "input", /*must_cover_all=*/true);
  auto outputs = select(all_out, args.output_names, "output", /*must_cover_all=*/false);

  // Process-global in OpenCV: this sets the count for every Net in the
  // process, so the last wrapper built with num_threads wins.
  if (options.num_threads) cv::setNumThreads(*options.num_threads);
  cv::dnn::Net net;
  try {
    net = cv::dnn::readNetFromONNX(path);
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  } catch (const cv::Exception& e) {
    rethrow(e, "loading", path);
  }
  if (net.empty()) {
    throw Error(NNPORT_UNIMPLEMENTED,
                "opencv: OpenCV imported no layers from '" + path +
                    "' (a graph of constants only?); use another backend for it");
  }
  return std::unique_ptr<CvWrapper>(new CvWrapper(std::move(net), path, std::move(inputs),
                                                  std::move(outputs), options.split_batch));
}

void CvWrapper::set_inputs(plugin::InputView inputs) {
  input_mats_.clear();
  for (size_t i = 0; i < inputs.count; ++i) {
    const nnport_tensor& t = inputs[i];
    std::vector<int> sizes(t.dims, t.dims + t.rank);
    if (sizes.empty()) sizes.push_back(1);  // a scalar: one element
    // float32: a header over the host's memory, valid until execute returns;
    // any other type: a float32 copy (cv_dtype.h).
    cv::Mat blob = input_as_float(t, sizes);
    input_mats_.push_back(blob);
    try {
      net_.setInput(blob, t.name);
    } catch (const cv::Exception& e) {
      rethrow(e, "setting input '" + std::string(t.name) + "' of", model_path_);
    }
  }
}

void CvWrapper::execute() {
  results_.clear();
  const bool can_split = split_allowed_ && can_split_batch(inputs_, outputs_, input_mats_);
  try {
    if (split_needed_ && can_split) {
      results_ = forward_per_sample(net_, inputs_, input_mats_, output_names_);
    } else {
      net_.forward(results_, output_names_);
    }
  } catch (const cv::Exception& e) {
    if (split_needed_ || !can_split) rethrow(e, "running", model_path_);
    plugin::log(NNPORT_LOG_WARNING, "opencv: OpenCV failed to run '" + model_path_ + "' at batch " +
                                        std::to_string(input_mats_[0].size[0]) + " (" +
                                        one_line(e) +
                                        "); running it one sample at a time from now on (set "
                                        "backend_config.split_batch=False to fail instead)");
    split_needed_ = true;
    try {
      results_ = forward_per_sample(net_, inputs_, input_mats_, output_names_);
    } catch (const cv::Exception& e2) {
      rethrow(e2, "running (one sample at a time)", model_path_);
    }
  }
  if (results_.size() != outputs_.size()) {
    throw Error(NNPORT_INTERNAL, "opencv: running '" + model_path_ + "' gave " +
                                     std::to_string(results_.size()) + " outputs, expected " +
                                     std::to_string(outputs_.size()));
  }
}

void CvWrapper::get_outputs(nnport_output* outputs, size_t count) {
  if (results_.size() != count) {
    throw Error(NNPORT_INTERNAL, "opencv: get_outputs called before execute");
  }
  // Every output converted first: one refused (cv_dtype.h) leaves the host's
  // outputs untouched, as the ABI asks of a failed call.
  std::vector<std::vector<unsigned char>> bytes(count);
  for (size_t i = 0; i < count; ++i)
    bytes[i] = output_bytes(results_[i], outputs_[i].dtype, outputs_[i].name);
  for (size_t i = 0; i < count; ++i) {
    plugin::give_vector(&outputs[i], outputs_[i].name.c_str(), outputs_[i].dtype,
                        output_dims(results_[i], outputs_[i].dims), std::move(bytes[i]));
  }
}

}  // namespace nnport::cv_backend
