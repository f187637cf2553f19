// OpenCV's DNN module called directly (cv::dnn::readNetFromONNX on the raw
// model.onnx, no nnport rewrite) over the conformance suite: the baseline
// that `nnport conformance --backend opencv` should beat
// (docs/conformance.md). The glue is what a user of OpenCV alone writes:
// every input as a float32 Mat, outputs back as float32, reshaped to the
// expected shape when OpenCV returns the same values with another rank.
#include <opencv2/dnn.hpp>

#include <cstring>

#include "direct_main.h"
#include "nnport/apis.h"

namespace {

using nnport::DType;
using nnport::NamedTensors;
using nnport::Result;
using nnport::Tensor;

cv::Mat to_float_mat(const Tensor& t) {
  std::vector<int> sizes(t.shape().begin(), t.shape().end());
  if (sizes.empty()) sizes.push_back(1);  // a scalar: one element
  cv::Mat m(static_cast<int>(sizes.size()), sizes.data(), CV_32F);
  float* out = m.ptr<float>();
  for (int64_t i = 0; i < t.numel(); ++i)
    out[i] = static_cast<float>(nnport::element_as_double(t, i));
  return m;
}

Result<std::vector<NamedTensors>> run_opencv(const nnport::conformance::TestCase& test,
                                             const nnport::conformance::TestModel& model,
                                             const std::vector<nnport::conformance::DataSet>& sets,
                                             const std::string&) {
  try {
    cv::dnn::Net net = cv::dnn::readNetFromONNX(test.dir + "/model.onnx");
    if (net.empty()) return nnport::unimplemented("opencv: the net has no layers");
    std::vector<NamedTensors> results;
    for (const auto& set : sets) {
      for (const auto& [name, t] : set.inputs) net.setInput(to_float_mat(t), name);
      std::vector<cv::Mat> outs;
      net.forward(outs, model.output_names);
      NamedTensors named;
      for (size_t i = 0; i < outs.size() && i < model.output_names.size(); ++i) {
        cv::Mat m = outs[i].isContinuous() ? outs[i] : outs[i].clone();
        if (m.depth() != CV_32F) m.convertTo(m, CV_32F);
        nnport::Shape shape(m.size.p, m.size.p + m.dims);
        const Tensor* expected = set.expected.find(model.output_names[i]);
        if (expected != nullptr && expected->numel() == static_cast<int64_t>(m.total()))
          shape = expected->shape();
        Tensor t = Tensor::empty(DType::kFloat32, shape);
        if (t.nbytes() > 0) std::memcpy(t.data(), m.data, t.nbytes());
        named.set(model.output_names[i], std::move(t));
      }
      results.push_back(std::move(named));
    }
    return results;
  } catch (const cv::Exception& e) {
    std::string what = e.what();
    return nnport::internal_error("opencv: " + what.substr(0, what.find('\n', 1)));
  }
}

}  // namespace

int main(int argc, char** argv) {
  return nnport::conformance_direct::direct_main(argc, argv, "opencv (direct)", run_opencv);
}
