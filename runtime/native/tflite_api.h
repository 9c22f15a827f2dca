// The subset of the TFLite C API the runtime uses, resolved at run time with dlsym (no link-time
// dependency on libtensorflowlite_c). Types come from the TFLite 2.9 headers shipped by tfjs-tflite-node.
#pragma once

#include <cstdint>
#include <string>

#include "tensorflow/lite/c/c_api.h"

namespace coreforge {

// TFLite 2.9's layout of TfLiteXNNPackDelegateOptions (tensorflow/lite/delegates/xnnpack/xnnpack_delegate.h at
// v2.9). The struct is passed by value and changed after 2.9 (fields added/moved), so it must match the
// library actually loaded: TfliteApi::Load refuses other major.minor versions for XNNPACK.
struct XnnpackOptions29 {
  int32_t num_threads;
  uint32_t flags;
  void* weights_cache;
};
constexpr uint32_t kXnnpackFlagQs8 = 0x1;
constexpr uint32_t kXnnpackFlagQu8 = 0x2;

struct TfliteApi {
  const char* (*Version)();
  TfLiteModel* (*ModelCreate)(const void*, size_t);
  void (*ModelDelete)(TfLiteModel*);
  TfLiteInterpreterOptions* (*OptionsCreate)();
  void (*OptionsDelete)(TfLiteInterpreterOptions*);
  void (*OptionsSetNumThreads)(TfLiteInterpreterOptions*, int32_t);
  void (*OptionsAddDelegate)(TfLiteInterpreterOptions*, TfLiteDelegate*);
  void (*OptionsSetErrorReporter)(TfLiteInterpreterOptions*, void (*)(void*, const char*, va_list), void*);
  TfLiteInterpreter* (*InterpreterCreate)(const TfLiteModel*, const TfLiteInterpreterOptions*);
  void (*InterpreterDelete)(TfLiteInterpreter*);
  int32_t (*GetInputTensorCount)(const TfLiteInterpreter*);
  TfLiteTensor* (*GetInputTensor)(const TfLiteInterpreter*, int32_t);
  TfLiteStatus (*AllocateTensors)(TfLiteInterpreter*);
  TfLiteStatus (*Invoke)(TfLiteInterpreter*);
  int32_t (*GetOutputTensorCount)(const TfLiteInterpreter*);
  const TfLiteTensor* (*GetOutputTensor)(const TfLiteInterpreter*, int32_t);
  TfLiteType (*TensorType)(const TfLiteTensor*);
  int32_t (*TensorNumDims)(const TfLiteTensor*);
  int32_t (*TensorDim)(const TfLiteTensor*, int32_t);
  size_t (*TensorByteSize)(const TfLiteTensor*);
  void* (*TensorData)(const TfLiteTensor*);
  const char* (*TensorName)(const TfLiteTensor*);
  TfLiteQuantizationParams (*TensorQuantizationParams)(const TfLiteTensor*);
  TfLiteStatus (*TensorCopyFromBuffer)(TfLiteTensor*, const void*, size_t);
  TfLiteStatus (*TensorCopyToBuffer)(const TfLiteTensor*, void*, size_t);
  // Optional: XNNPACK (exported by the tfjs-tflite-node builds).
  TfLiteDelegate* (*XnnpackCreate)(const XnnpackOptions29*);
  void (*XnnpackDelete)(TfLiteDelegate*);

  std::string path;
  std::string version;
  bool xnnpackUsable = false;
};

// Loads the library once per process. Returns nullptr and sets `error` on failure.
const TfliteApi* LoadTflite(const std::string& path, std::string* error);
const TfliteApi* LoadedTflite();

// libedgetpu's TFLite plugin entry points (google-coral/libedgetpu, tflite/public/edgetpu_c.h + the plugin file).
// edgetpu_c.h: struct edgetpu_device { enum edgetpu_device_type type; const char* path; } (0 = PCI, 1 = USB).
struct EdgetpuDevice {
  int type;
  const char* path;
};

struct EdgetpuApi {
  TfLiteDelegate* (*CreateDelegate)(char** keys, char** values, size_t n, void (*report)(const char*));
  void (*DestroyDelegate)(TfLiteDelegate*);
  // Optional (the C API of libedgetpu, next to the plugin entry points).
  EdgetpuDevice* (*ListDevices)(size_t* count) = nullptr;
  void (*FreeDevices)(EdgetpuDevice*) = nullptr;
  std::string path;
};
const EdgetpuApi* LoadEdgetpu(const std::string& path, std::string* error);

}  // namespace coreforge
