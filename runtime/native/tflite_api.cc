#include "tflite_api.h"

#include <dlfcn.h>

#include <map>
#include <mutex>

namespace coreforge {

namespace {
std::mutex g_mutex;
TfliteApi* g_api = nullptr;
std::map<std::string, EdgetpuApi*> g_edgetpu;

template <typename T>
bool Resolve(void* handle, const char* name, T* out, std::string* missing) {
  *out = reinterpret_cast<T>(dlsym(handle, name));
  if (*out == nullptr && missing != nullptr) {
    if (!missing->empty()) *missing += ", ";
    *missing += name;
  }
  return *out != nullptr;
}
}  // namespace

const TfliteApi* LoadedTflite() {
  std::lock_guard<std::mutex> lock(g_mutex);
  return g_api;
}

namespace {
bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }
}  // namespace

TfLiteDelegate* TfliteApi::CreateXnnpack(int32_t threads, uint32_t flags) const {
  switch (xnnpackLayout) {
    case XnnpackLayout::k29: {
      XnnpackOptions29 o{threads, flags};
      return reinterpret_cast<TfLiteDelegate* (*)(const XnnpackOptions29*)>(XnnpackCreate)(&o);
    }
    case XnnpackLayout::k219: {
      XnnpackOptions219 o = XnnpackOptionsDefault219();
      o.num_threads = threads;
      o.flags = flags;
      return reinterpret_cast<TfLiteDelegate* (*)(const XnnpackOptions219*)>(XnnpackCreate)(&o);
    }
    case XnnpackLayout::kNone:
      break;
  }
  return nullptr;
}

const TfliteApi* LoadTflite(const std::string& path, NativeError* error) {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_api != nullptr) {
    if (g_api->path != path)
      *error = {"LIBRARY_CONFLICT", "libtensorflowlite_c is already loaded from \"" + g_api->path + "\""};
    return g_api->path == path ? g_api : nullptr;
  }
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    *error = {"LIBRARY_NOT_FOUND", why != nullptr ? why : "dlopen failed"};
    return nullptr;
  }
  auto* api = new TfliteApi();
  std::string missing;
  Resolve(handle, "TfLiteVersion", &api->Version, &missing);
  Resolve(handle, "TfLiteModelCreate", &api->ModelCreate, &missing);
  Resolve(handle, "TfLiteModelDelete", &api->ModelDelete, &missing);
  Resolve(handle, "TfLiteInterpreterOptionsCreate", &api->OptionsCreate, &missing);
  Resolve(handle, "TfLiteInterpreterOptionsDelete", &api->OptionsDelete, &missing);
  Resolve(handle, "TfLiteInterpreterOptionsSetNumThreads", &api->OptionsSetNumThreads, &missing);
  Resolve(handle, "TfLiteInterpreterOptionsAddDelegate", &api->OptionsAddDelegate, &missing);
  Resolve(handle, "TfLiteInterpreterOptionsSetErrorReporter", &api->OptionsSetErrorReporter, &missing);
  Resolve(handle, "TfLiteInterpreterCreate", &api->InterpreterCreate, &missing);
  Resolve(handle, "TfLiteInterpreterDelete", &api->InterpreterDelete, &missing);
  Resolve(handle, "TfLiteInterpreterGetInputTensorCount", &api->GetInputTensorCount, &missing);
  Resolve(handle, "TfLiteInterpreterGetInputTensor", &api->GetInputTensor, &missing);
  Resolve(handle, "TfLiteInterpreterAllocateTensors", &api->AllocateTensors, &missing);
  Resolve(handle, "TfLiteInterpreterInvoke", &api->Invoke, &missing);
  Resolve(handle, "TfLiteInterpreterGetOutputTensorCount", &api->GetOutputTensorCount, &missing);
  Resolve(handle, "TfLiteInterpreterGetOutputTensor", &api->GetOutputTensor, &missing);
  Resolve(handle, "TfLiteTensorType", &api->TensorType, &missing);
  Resolve(handle, "TfLiteTensorNumDims", &api->TensorNumDims, &missing);
  Resolve(handle, "TfLiteTensorDim", &api->TensorDim, &missing);
  Resolve(handle, "TfLiteTensorByteSize", &api->TensorByteSize, &missing);
  Resolve(handle, "TfLiteTensorData", &api->TensorData, &missing);
  Resolve(handle, "TfLiteTensorName", &api->TensorName, &missing);
  Resolve(handle, "TfLiteTensorQuantizationParams", &api->TensorQuantizationParams, &missing);
  Resolve(handle, "TfLiteTensorCopyFromBuffer", &api->TensorCopyFromBuffer, &missing);
  Resolve(handle, "TfLiteTensorCopyToBuffer", &api->TensorCopyToBuffer, &missing);
  if (!missing.empty()) {
    *error = {"LIBRARY_NOT_FOUND", "\"" + path + "\" is not a TFLite C library (missing " + missing + ")"};
    dlclose(handle);
    delete api;
    return nullptr;
  }
  api->XnnpackCreate = dlsym(handle, "TfLiteXNNPackDelegateCreate");
  Resolve(handle, "TfLiteXNNPackDelegateDelete", &api->XnnpackDelete, nullptr);
  api->path = path;
  api->version = api->Version() != nullptr ? api->Version() : "";
  if (api->XnnpackCreate != nullptr && api->XnnpackDelete != nullptr) {
    if (StartsWith(api->version, "2.9.")) {
      api->xnnpackLayout = XnnpackLayout::k29;
    } else if (StartsWith(api->version, "2.19.") &&
               Resolve(handle, "TfLiteXNNPackDelegateOptionsDefault", &api->XnnpackOptionsDefault219, nullptr)) {
      api->xnnpackLayout = XnnpackLayout::k219;
    } else {
      // Another version's TfLiteXNNPackDelegateOptions may have any layout: passing ours would corrupt memory.
      *error = {"LIBRARY_UNSUPPORTED",
                "\"" + path + "\" is TFLite " + api->version +
                    ", whose XNNPACK options layout this runtime does not know (it knows 2.9 and 2.19)"};
      dlclose(handle);
      delete api;
      return nullptr;
    }
  }
  g_api = api;
  return api;
}

const EdgetpuApi* LoadEdgetpu(const std::string& path, NativeError* error) {
  std::lock_guard<std::mutex> lock(g_mutex);
  auto found = g_edgetpu.find(path);
  if (found != g_edgetpu.end()) return found->second;
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    *error = {"EDGETPU_UNAVAILABLE", why != nullptr ? why : "dlopen failed"};
    return nullptr;
  }
  auto* api = new EdgetpuApi();
  std::string missing;
  Resolve(handle, "tflite_plugin_create_delegate", &api->CreateDelegate, &missing);
  Resolve(handle, "tflite_plugin_destroy_delegate", &api->DestroyDelegate, &missing);
  if (!missing.empty()) {
    *error = {"EDGETPU_UNAVAILABLE", "\"" + path + "\" is not an Edge TPU delegate plugin (missing " + missing + ")"};
    dlclose(handle);
    delete api;
    return nullptr;
  }
  Resolve(handle, "edgetpu_list_devices", &api->ListDevices, nullptr);
  Resolve(handle, "edgetpu_free_devices", &api->FreeDevices, nullptr);
  api->path = path;
  g_edgetpu[path] = api;
  return api;
}

}  // namespace coreforge
