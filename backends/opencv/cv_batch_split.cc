#include "cv_batch_split.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace nnport::cv_backend {
namespace {

bool dynamic_batch(const plugin::TensorInfo& info) {
  return !info.dims.empty() && info.dims[0] < 0;
}

// Sample i of a dense Mat: a header over its memory with dim 0 set to 1.
cv::Mat sample(const cv::Mat& m, int i) {
  std::vector<int> sizes(m.size.p, m.size.p + m.dims);
  sizes[0] = 1;
  const size_t bytes = m.total() / static_cast<size_t>(m.size[0]) * m.elemSize();
  return cv::Mat(m.dims, sizes.data(), m.type(), m.data + static_cast<size_t>(i) * bytes);
}

}  // namespace

bool can_split_batch(const std::vector<plugin::TensorInfo>& inputs,
                     const std::vector<plugin::TensorInfo>& outputs,
                     const std::vector<cv::Mat>& input_mats) {
  if (input_mats.empty() || input_mats.size() != inputs.size()) return false;
  if (!std::all_of(inputs.begin(), inputs.end(), dynamic_batch) ||
      !std::all_of(outputs.begin(), outputs.end(), dynamic_batch)) {
    return false;
  }
  const int batch = input_mats[0].size[0];
  return batch > 1 && std::all_of(input_mats.begin(), input_mats.end(), [&](const cv::Mat& m) {
           return m.dims >= 1 && m.size[0] == batch && m.isContinuous();
         });
}

std::vector<cv::Mat> forward_per_sample(cv::dnn::Net& net,
                                        const std::vector<plugin::TensorInfo>& inputs,
                                        const std::vector<cv::Mat>& input_mats,
                                        const std::vector<cv::String>& output_names) {
  const int batch = input_mats[0].size[0];
  std::vector<cv::Mat> stacked(output_names.size());
  for (int i = 0; i < batch; ++i) {
    for (size_t k = 0; k < inputs.size(); ++k)
      net.setInput(sample(input_mats[k], i), inputs[k].name);
    std::vector<cv::Mat> outs;
    net.forward(outs, output_names);
    for (size_t o = 0; o < outs.size(); ++o) {
      const cv::Mat one = outs[o].isContinuous() ? outs[o] : outs[o].clone();
      if (one.dims < 1 || one.size[0] != 1) {
        throw plugin::Error(NNPORT_INTERNAL, "opencv: running one sample at a time gave output '" +
                                                 output_names[o] +
                                                 "' without a batch of 1 in dim 0");
      }
      if (i == 0) {
        std::vector<int> sizes(one.size.p, one.size.p + one.dims);
        sizes[0] = batch;  // the sample's dim 0 is its batch of 1
        stacked[o].create(one.dims, sizes.data(), one.type());
      }
      const size_t bytes = one.total() * one.elemSize();
      std::memcpy(stacked[o].data + static_cast<size_t>(i) * bytes, one.data, bytes);
    }
  }
  return stacked;
}

}  // namespace nnport::cv_backend
