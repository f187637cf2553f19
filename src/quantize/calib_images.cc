// A folder of PNG/JPEG images as calibration data for a one-input NCHW
// float32 model: decoded by OpenCV, resized (bilinear, in float) to H x W,
// BGR -> RGB unless to_rgb=False, then (x - mean) / std per channel, the
// keys of the deploy config's calib_config.image (MMDeploy's img_norm_cfg).
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>

#include "core/log.h"
#include "nnport/apis.h"
#include "nnport/did_you_mean.h"
#include "quantize/calib_sources.h"

namespace nnport::quantize::detail {
namespace fs = std::filesystem;
namespace {

const std::vector<std::string> kImageKeys = {"size", "mean", "std", "to_rgb"};

struct ImageOptions {
  int64_t batch = 1, channels = 3, height = -1, width = -1;
  std::vector<double> mean, std;
  bool to_rgb = true;
};

// A list of `n` finite numbers.
Result<std::vector<double>> numbers(const Config& value, size_t n, const std::string& key,
                                    const std::string& where) {
  std::vector<double> out;
  if (value.is_array() && value.size() == n)
    for (const auto& v : value)
      if (v.is_number() && std::isfinite(v.get<double>())) out.push_back(v.get<double>());
  if (out.size() != n)
    return invalid_argument(where + ": calib_config.image." + key + " is " + value.dump() +
                            ", but the model input has " + std::to_string(n) + " channel" +
                            (n == 1 ? "" : "s") + "; give a list of " + std::to_string(n) +
                            " numbers, one per channel");
  return out;
}

// The model's input and the deploy config's calib_config.image keys.
Result<ImageOptions> image_options(const TensorInfo& input, const Config& cfg,
                                   const std::string& where) {
  ImageOptions o;
  o.batch = input.dims[0] > 0 ? input.dims[0] : 1;  // dynamic batch: one image per sample
  o.channels = input.dims[1];
  o.height = input.dims[2];
  o.width = input.dims[3];
  o.mean.assign(size_t(o.channels), 0.0);
  o.std.assign(size_t(o.channels), 1.0);
  Config keys = Config::object();
  if (cfg.is_object() && cfg.contains("calib_config") && cfg["calib_config"].is_object() &&
      cfg["calib_config"].contains("image"))
    keys = cfg["calib_config"]["image"];
  if (!keys.is_object())
    return invalid_argument(
        where + ": calib_config.image in the deploy config is " + keys.dump() +
        "; make it a dict such as dict(size=[224, 224], mean=[...], std=[...])");
  for (const auto& [key, value] : keys.items()) {
    if (key == "size") {
      if (!value.is_array() || value.size() != 2 || !value[0].is_number_integer() ||
          !value[1].is_number_integer() || value[0].get<int64_t>() <= 0 ||
          value[1].get<int64_t>() <= 0 || value[0].get<int64_t>() > 65536 ||
          value[1].get<int64_t>() > 65536)
        return invalid_argument(where + ": calib_config.image.size is " + value.dump() +
                                "; give [H, W], two positive integers (at most 65536)");
      const int64_t h = value[0].get<int64_t>(), w = value[1].get<int64_t>();
      if ((o.height >= 0 && o.height != h) || (o.width >= 0 && o.width != w))
        return invalid_argument(where + ": calib_config.image.size [" + std::to_string(h) + ", " +
                                std::to_string(w) + "] differs from model input '" + input.name +
                                "' " + format_dims(input) +
                                "; drop size (the model's H and W are used) or match them");
      o.height = h;
      o.width = w;
    } else if (key == "mean") {
      NNPORT_ASSIGN_OR_RETURN(o.mean, numbers(value, size_t(o.channels), key, where));
    } else if (key == "std") {
      NNPORT_ASSIGN_OR_RETURN(o.std, numbers(value, size_t(o.channels), key, where));
      for (double s : o.std)
        if (s == 0)
          return invalid_argument(where + ": calib_config.image.std " + value.dump() +
                                  " has a 0, which would divide by zero; give nonzero values");
    } else if (key == "to_rgb") {
      if (!value.is_boolean())
        return invalid_argument(where + ": calib_config.image.to_rgb is " + value.dump() +
                                "; give True or False");
      o.to_rgb = value.get<bool>();
    } else {
      return invalid_argument(where + ": unknown key calib_config.image." + key +
                              did_you_mean(key, kImageKeys) +
                              "; the keys are size, mean, std, to_rgb (docs/calibration-data.md)");
    }
  }
  if (o.height < 0 || o.width < 0)
    return invalid_argument(where + ": model input '" + input.name + "' " + format_dims(input) +
                            " has a dynamic height or width; set calib_config.image.size=[H, W] "
                            "in the deploy config");
  return o;
}

class ImageFolderSource : public CalibSource {
 public:
  ImageFolderSource(fs::path path, std::vector<fs::path> images, TensorInfo input, ImageOptions o)
      : path_(std::move(path)),
        images_(std::move(images)),
        input_(std::move(input)),
        o_(std::move(o)) {}

  size_t size() const override { return images_.size() / size_t(o_.batch); }
  std::string describe() const override {
    return "image folder " + path_.string() + " (" + std::to_string(images_.size()) + " images, " +
           std::to_string(size()) + " samples)";
  }

  Result<NamedTensors> read(size_t index) override {
    if (index >= size())
      return invalid_argument("calibration data: sample " + std::to_string(index) + " of " +
                              describe());
    const size_t plane = size_t(o_.height * o_.width);
    Tensor t = Tensor::empty(DType::kFloat32, {o_.batch, o_.channels, o_.height, o_.width});
    float* out = t.data_as<float>();
    for (int64_t b = 0; b < o_.batch; ++b) {
      NNPORT_ASSIGN_OR_RETURN(cv::Mat image, load(images_[index * size_t(o_.batch) + size_t(b)]));
      for (int64_t c = 0; c < o_.channels; ++c) {
        float* dst = out + size_t(b * o_.channels + c) * plane;
        const float mean = float(o_.mean[size_t(c)]), scale = float(1.0 / o_.std[size_t(c)]);
        for (int y = 0; y < image.rows; ++y) {
          const float* row = image.ptr<float>(y);
          for (int x = 0; x < image.cols; ++x)
            dst[size_t(y) * size_t(o_.width) + size_t(x)] =
                (row[x * int(o_.channels) + int(c)] - mean) * scale;
        }
      }
    }
    NamedTensors sample;
    sample.set(input_.name, std::move(t));
    return sample;
  }

 private:
  // Decoded as 1 or 3 channels, float, H x W, in the model's channel order.
  Result<cv::Mat> load(const fs::path& file) const {
    cv::Mat raw;
    std::string why;
    try {
      raw = cv::imread(file.string(), o_.channels == 1 ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR);
    } catch (const cv::Exception& e) {
      why = std::string(": ") + e.what();
    }
    if (raw.empty())
      return invalid_argument("calibration data: cannot decode image '" + file.string() + "'" +
                              why +
                              " (not a valid PNG or JPEG, or cut short); re-save it or "
                              "remove it from the folder");
    cv::Mat image;
    raw.convertTo(image, CV_32F);  // resize in float: no rounding to 0..255 steps
    if (image.rows != o_.height || image.cols != o_.width)
      cv::resize(image, image, cv::Size(int(o_.width), int(o_.height)), 0, 0, cv::INTER_LINEAR);
    if (o_.channels == 3 && o_.to_rgb) cv::cvtColor(image, image, cv::COLOR_BGR2RGB);
    return image;
  }

  fs::path path_;
  std::vector<fs::path> images_;
  TensorInfo input_;
  ImageOptions o_;
};

}  // namespace

Result<std::unique_ptr<CalibSource>> open_image_folder(const fs::path& path,
                                                       std::vector<fs::path> images,
                                                       const std::vector<TensorInfo>& inputs,
                                                       const Config& deploy_cfg) {
  const std::string where = "calibration data '" + path.string() + "' (a folder of images)";
  const TensorInfo& in = inputs.front();
  const bool fits = inputs.size() == 1 && in.dtype == DType::kFloat32 && in.dims.size() == 4 &&
                    (in.dims[1] == 1 || in.dims[1] == 3);
  if (!fits) {
    std::string model = inputs.size() == 1
                            ? "its input '" + in.name + "' is " +
                                  std::string(dtype_name(in.dtype)) + " " + format_dims(in)
                            : "it has " + std::to_string(inputs.size()) + " inputs";
    return invalid_argument(where +
                            ": images fit only a model with one float32 input "
                            "N x C x H x W with C = 1 or 3, and " +
                            model +
                            "; give an npy folder instead (FOLDER/<input name>/0.npy, 1.npy, ...)");
  }
  NNPORT_ASSIGN_OR_RETURN(ImageOptions o, image_options(in, deploy_cfg, where));
  const size_t batch = size_t(o.batch);
  if (images.size() < batch)
    return invalid_argument(where + ": " + std::to_string(images.size()) +
                            " images, fewer than the " + std::to_string(batch) +
                            " that one sample of model input '" + in.name + "' " + format_dims(in) +
                            " needs; add images");
  if (const size_t left = images.size() % batch; left != 0)
    core::log(NNPORT_LOG_WARNING,
              where + ": " + std::to_string(images.size()) + " images make " +
                  std::to_string(images.size() / batch) + " samples of batch " +
                  std::to_string(batch) + "; the last " + std::to_string(left) + " (from '" +
                  images[images.size() - left].filename().string() + "') are not used");
  auto source = std::make_unique<ImageFolderSource>(path, std::move(images), in, std::move(o));
  NNPORT_RETURN_IF_ERROR(source->read(0).status());  // an undecodable first image, early
  return std::unique_ptr<CalibSource>(std::move(source));
}

}  // namespace nnport::quantize::detail
