// Running a batch one sample at a time. OpenCV 4.6 cannot run some graphs at
// batch > 1 although they import: the Scale layer it makes of a broadcast
// Mul (x[N,C,H,W] * s[N,C,1,1], the squeeze-excite block of EfficientNet)
// asserts in forward. When the model declares dim 0 of every input and
// output dynamic (a batch axis: samples are independent), the wrapper then
// runs each sample alone and stacks the outputs along dim 0.
#ifndef NNPORT_BACKENDS_OPENCV_CV_BATCH_SPLIT_H_
#define NNPORT_BACKENDS_OPENCV_CV_BATCH_SPLIT_H_

#include <opencv2/dnn.hpp>

#include <vector>

#include "nnport/plugin_cpp.h"

namespace nnport::cv_backend {

// True when the model has a batch axis (dim 0 dynamic in every input and
// output) and these inputs all have the same batch, above 1.
bool can_split_batch(const std::vector<plugin::TensorInfo>& inputs,
                     const std::vector<plugin::TensorInfo>& outputs,
                     const std::vector<cv::Mat>& input_mats);

// Net::forward for each sample of input_mats (same order as inputs), the
// outputs stacked along dim 0. Leaves the net's inputs set to the last sample.
std::vector<cv::Mat> forward_per_sample(cv::dnn::Net& net,
                                        const std::vector<plugin::TensorInfo>& inputs,
                                        const std::vector<cv::Mat>& input_mats,
                                        const std::vector<cv::String>& output_names);

}  // namespace nnport::cv_backend

#endif  // NNPORT_BACKENDS_OPENCV_CV_BATCH_SPLIT_H_
