// Loading the project's ONNX models (the line reader, the plate
// classifier) into OpenCV's dnn module. Not a public header.
#pragma once

#include <string>

#include <opencv2/dnn.hpp>

#include "vehicle/records/status.h"

namespace anpr::recognition_internal {

// The network in `onnx_path`, set to run on the CPU with OpenCV's own
// backend. kNotFound when the file is missing, kInvalidArgument when OpenCV
// cannot import it (a cut-short or foreign file); the message starts with
// `what` and names the file.
Result<cv::dnn::Net> LoadOnnxModel(const std::string& onnx_path, const std::string& what);

}  // namespace anpr::recognition_internal
