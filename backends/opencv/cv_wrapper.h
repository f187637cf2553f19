// A model loaded into cv::dnn::Net (OpenCV's own CPU backend). forward is
//   set_inputs:  each input as a float32 cv::Mat (over the caller's memory
//                when it is float32, a converted copy otherwise: cv_dtype.h)
//                handed to Net::setInput by name; OpenCV reshapes the net
//                when a dim such as the batch changes
//   execute:     Net::forward for the output names; where OpenCV fails at
//                batch > 1, one sample at a time (cv_batch_split.h)
//   get_outputs: copies of the output Mats (OpenCV reuses its buffers on
//                the next forward) in the model's declared element types,
//                each released by the host.
#ifndef NNPORT_BACKENDS_OPENCV_CV_WRAPPER_H_
#define NNPORT_BACKENDS_OPENCV_CV_WRAPPER_H_

#include <opencv2/dnn.hpp>

#include <memory>
#include <string>
#include <vector>

#include "nnport/plugin_cpp.h"

namespace nnport::cv_backend {

class CvWrapper final : public plugin::Wrapper {
 public:
  // Loads args.backend_files[0]; num_threads from args.deploy_cfg_json.
  static std::unique_ptr<CvWrapper> create(const plugin::BuildArgs& args);

  const std::vector<plugin::TensorInfo>& inputs() const override { return inputs_; }
  const std::vector<plugin::TensorInfo>& outputs() const override { return outputs_; }
  void set_inputs(plugin::InputView inputs) override;
  void execute() override;
  void get_outputs(nnport_output* outputs, size_t count) override;

 private:
  CvWrapper(cv::dnn::Net net, std::string model_path, std::vector<plugin::TensorInfo> inputs,
            std::vector<plugin::TensorInfo> outputs, bool split_batch);

  cv::dnn::Net net_;
  std::string model_path_;  // for errors
  std::vector<plugin::TensorInfo> inputs_, outputs_;
  std::vector<cv::String> output_names_;
  std::vector<cv::Mat> input_mats_;  // float32 inputs (headers or copies), inputs_ order
  std::vector<cv::Mat> results_;     // from the last execute, in outputs_ order
  bool split_allowed_ = true;        // backend_config.split_batch
  bool split_needed_ = false;        // a batch > 1 failed once: split from now on
};

}  // namespace nnport::cv_backend

#endif  // NNPORT_BACKENDS_OPENCV_CV_WRAPPER_H_
