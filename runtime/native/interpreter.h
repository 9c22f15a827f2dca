// One loaded model + interpreter (+ its delegates). Plain C++: no N-API here, so it can run off the JS thread.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tflite_api.h"

namespace coreforge {

struct TensorInfo {
  std::string name;
  std::vector<int32_t> shape;
  int type;
  float scale;
  int32_t zeroPoint;
  size_t bytes;
};

struct InterpreterOptions {
  int threads = 1;
  int64_t xnnpackFlags = -1;   // -1: no XNNPACK
  std::string edgetpuLibrary;  // empty: no Edge TPU
  std::string edgetpuDevice;
  bool useEdgetpu = false;
};

class Interpreter {
 public:
  // Builds the interpreter; on failure returns nullptr and fills `error` with TFLite's own messages.
  static std::shared_ptr<Interpreter> Create(const TfliteApi* api, std::vector<uint8_t> model,
                                             const InterpreterOptions& options, NativeError* error);
  ~Interpreter();

  // Copies `input` into input tensor 0, invokes, copies output tensor 0 into `output` (which must have exactly its
  // size: outputs[0].bytes). Thread-safe (serialised).
  bool Run(const uint8_t* input, size_t size, uint8_t* output, size_t outputSize, double* ms, std::string* error);

  std::string path;
  int64_t xnnpackFlags = -1;  // the flags XNNPACK was created with; -1 when it is not in use
  std::vector<TensorInfo> inputs;
  std::vector<TensorInfo> outputs;

 private:
  Interpreter() = default;
  static void Report(void* self, const char* format, va_list args);

  const TfliteApi* api_ = nullptr;
  const EdgetpuApi* edgetpu_ = nullptr;
  std::vector<uint8_t> model_data_;
  TfLiteModel* model_ = nullptr;
  TfLiteInterpreter* interpreter_ = nullptr;
  TfLiteDelegate* xnnpack_ = nullptr;
  TfLiteDelegate* tpu_ = nullptr;
  std::string messages_;
  std::mutex mutex_;
};

}  // namespace coreforge
