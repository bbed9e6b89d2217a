#include "vehicle/recognition/src/onnx_model.h"

#include <filesystem>

namespace anpr::recognition_internal {

Result<cv::dnn::Net> LoadOnnxModel(const std::string& onnx_path, const std::string& what) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(onnx_path, ec)) return NotFound(what + " " + onnx_path + " not found");
  cv::dnn::Net net;
  try {
    net = cv::dnn::readNetFromONNX(onnx_path);
  } catch (const cv::Exception& e) {
    return InvalidArgument(what + " " + onnx_path + ": " + e.what());
  }
  if (net.empty()) return InvalidArgument(what + " " + onnx_path + " is empty");
  net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  return net;
}

}  // namespace anpr::recognition_internal
