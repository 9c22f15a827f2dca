// The subset of the TFLite C API the runtime uses, resolved at run time with dlsym (no link-time
// dependency on libtensorflowlite_c). Types come from the TFLite 2.9 headers shipped by tfjs-tflite-node.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "tensorflow/lite/c/c_api.h"

namespace coreforge {

// TfLiteXNNPackDelegateOptions changed layout between the two library generations the runtime knows, so each
// has its own struct, and LoadTflite picks one from TfLiteVersion() (a library of another version that exports
// XNNPACK is refused rather than handed a struct of the wrong shape).
//
// TFLite 2.9 (tensorflow/lite/delegates/xnnpack/xnnpack_delegate.h at v2.9; the shipped library's
// TfLiteXNNPackDelegateOptionsDefault returns 8 bytes in RAX and Create copies 8 bytes).
struct XnnpackOptions29 {
  int32_t num_threads;
  uint32_t flags;
};
static_assert(sizeof(XnnpackOptions29) == 8, "TFLite 2.9 XNNPACK options are 8 bytes");

// TFLite 2.19 (LiteRT v2.2.0, tflite/delegates/xnnpack/xnnpack_delegate.h): 64 bytes, returned through a hidden
// pointer; `runtime_flags` (passed to xnn_create_runtime) was inserted before `flags`.
struct XnnpackOptions219 {
  int32_t num_threads;
  uint32_t runtime_flags;
  uint32_t flags;
  void* weights_cache;
  bool handle_variable_ops;
  const char* weight_cache_file_path;
  int weight_cache_file_descriptor;
  void* weight_cache_provider;
  bool weight_cache_lock_memory;
};
static_assert(sizeof(XnnpackOptions219) == 64, "TFLite 2.19 XNNPACK options are 64 bytes");
static_assert(offsetof(XnnpackOptions219, flags) == 8, "flags at offset 8");
static_assert(offsetof(XnnpackOptions219, weights_cache) == 16, "weights_cache at offset 16");
static_assert(offsetof(XnnpackOptions219, weight_cache_file_path) == 32, "weight_cache_file_path at offset 32");
static_assert(offsetof(XnnpackOptions219, weight_cache_file_descriptor) == 40,
              "weight_cache_file_descriptor at offset 40");
static_assert(offsetof(XnnpackOptions219, weight_cache_lock_memory) == 56, "weight_cache_lock_memory at offset 56");

// `flags` bits (the same values in both generations; 2.9 knows only QS8 and QU8).
constexpr uint32_t kXnnpackFlagQs8 = 0x1;
constexpr uint32_t kXnnpackFlagQu8 = 0x2;
constexpr uint32_t kXnnpackFlagDynamicFullyConnected = 0x8;

enum class XnnpackLayout { kNone, k29, k219 };

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
  // Optional: XNNPACK. Create takes the options struct of `xnnpackLayout` (XnnpackOptions29 or 219).
  void* XnnpackCreate = nullptr;
  void (*XnnpackDelete)(TfLiteDelegate*) = nullptr;
  XnnpackOptions219 (*XnnpackOptionsDefault219)() = nullptr;

  std::string path;
  std::string version;
  XnnpackLayout xnnpackLayout = XnnpackLayout::kNone;

  // Creates the XNNPACK delegate with this generation's options struct; nullptr when it has none.
  TfLiteDelegate* CreateXnnpack(int32_t threads, uint32_t flags) const;
};

// An error with a stable code (RuntimeErrorCode in runtime/src/errors.ts) for JS to branch on.
struct NativeError {
  std::string code;
  std::string message;
  bool empty() const { return message.empty(); }
};

// Loads the library once per process. Returns nullptr and fills `error` on failure (code LIBRARY_NOT_FOUND when it
// does not load or is not a TFLite C library, LIBRARY_UNSUPPORTED for an XNNPACK layout the runtime does not know).
const TfliteApi* LoadTflite(const std::string& path, NativeError* error);
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
const EdgetpuApi* LoadEdgetpu(const std::string& path, NativeError* error);

}  // namespace coreforge
