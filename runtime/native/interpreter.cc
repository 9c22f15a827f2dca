#include "interpreter.h"

#include <chrono>
#include <cstdarg>
#include <cstdio>

namespace coreforge {

namespace {
TensorInfo Describe(const TfliteApi* api, const TfLiteTensor* t) {
  TensorInfo info;
  const char* name = api->TensorName(t);
  info.name = name != nullptr ? name : "";
  int32_t dims = api->TensorNumDims(t);
  for (int32_t i = 0; i < dims; i++) info.shape.push_back(api->TensorDim(t, i));
  info.type = static_cast<int>(api->TensorType(t));
  TfLiteQuantizationParams q = api->TensorQuantizationParams(t);
  info.scale = q.scale;
  info.zeroPoint = q.zero_point;
  info.bytes = api->TensorByteSize(t);
  return info;
}
}  // namespace

void Interpreter::Report(void* self, const char* format, va_list args) {
  char buffer[1024];
  vsnprintf(buffer, sizeof(buffer), format, args);
  auto* interp = static_cast<Interpreter*>(self);
  if (interp->messages_.size() < 8192) {
    if (!interp->messages_.empty()) interp->messages_ += "\n";
    interp->messages_ += buffer;
  }
}

std::shared_ptr<Interpreter> Interpreter::Create(const TfliteApi* api, std::vector<uint8_t> model,
                                                 const InterpreterOptions& options, NativeError* error) {
  std::shared_ptr<Interpreter> self(new Interpreter());
  self->api_ = api;
  self->model_data_ = std::move(model);
  self->model_ = api->ModelCreate(self->model_data_.data(), self->model_data_.size());
  if (self->model_ == nullptr) {
    *error = {"MODEL_INVALID", "cannot read the model: TFLite rejected the flatbuffer"};
    return nullptr;
  }
  auto build = [&](bool withXnnpack) -> bool {
    TfLiteInterpreterOptions* opts = api->OptionsCreate();
    api->OptionsSetNumThreads(opts, options.threads);
    api->OptionsSetErrorReporter(opts, &Interpreter::Report, self.get());
    if (options.useEdgetpu) {
      NativeError loadError;
      self->edgetpu_ = LoadEdgetpu(options.edgetpuLibrary, &loadError);
      if (self->edgetpu_ == nullptr) {
        *error = {loadError.code, "cannot load the Edge TPU library: " + loadError.message};
        api->OptionsDelete(opts);
        return false;
      }
      std::string key = "device";
      std::string value = options.edgetpuDevice;
      char* keys[] = {key.data()};
      char* values[] = {value.data()};
      self->tpu_ = self->edgetpu_->CreateDelegate(keys, values, 1, nullptr);
      if (self->tpu_ == nullptr) {
        *error = {"EDGETPU_UNAVAILABLE", "no Edge TPU device found for device \"" + options.edgetpuDevice + "\""};
        api->OptionsDelete(opts);
        return false;
      }
      api->OptionsAddDelegate(opts, self->tpu_);
    } else if (withXnnpack) {
      self->xnnpack_ =
          api->CreateXnnpack(options.threads > 1 ? options.threads : 0, static_cast<uint32_t>(options.xnnpackFlags));
      if (self->xnnpack_ != nullptr) api->OptionsAddDelegate(opts, self->xnnpack_);
    }
    self->interpreter_ = api->InterpreterCreate(self->model_, opts);
    api->OptionsDelete(opts);
    if (self->interpreter_ == nullptr) {
      if (self->xnnpack_ != nullptr) {
        api->XnnpackDelete(self->xnnpack_);
        self->xnnpack_ = nullptr;
      }
      return false;
    }
    return true;
  };
  bool wantXnnpack = !options.useEdgetpu && options.xnnpackFlags >= 0 && api->xnnpackLayout != XnnpackLayout::kNone;
  bool ok = build(wantXnnpack);
  if (!ok && wantXnnpack && error->empty()) {
    // e.g. TFLite 2.9 with the QU8 flag on uint8 models: interpreter creation fails; fall back to the builtin kernels.
    self->messages_.clear();
    ok = build(false);
  }
  if (!ok) {
    if (error->empty())
      *error = {"MODEL_INVALID", "cannot create the interpreter: " +
                                     (self->messages_.empty() ? std::string("unknown TFLite error") : self->messages_)};
    return nullptr;
  }
  if (api->AllocateTensors(self->interpreter_) != kTfLiteOk) {
    *error = {"MODEL_INVALID", "cannot allocate tensors: " +
                                   (self->messages_.empty() ? std::string("unknown TFLite error") : self->messages_)};
    return nullptr;
  }
  if (self->tpu_ != nullptr) {
    self->path = "edgetpu(" + (options.edgetpuDevice.empty() ? std::string("any") : options.edgetpuDevice) + ")";
  } else if (self->xnnpack_ != nullptr) {
    self->xnnpackFlags = options.xnnpackFlags;
    std::string kinds;
    auto add = [&kinds](const char* k) { kinds += (kinds.empty() ? "" : "+") + std::string(k); };
    if (options.xnnpackFlags & kXnnpackFlagQs8) add("qs8");
    if (options.xnnpackFlags & kXnnpackFlagQu8) add("qu8");
    if (options.xnnpackFlags & kXnnpackFlagDynamicFullyConnected) add("dynamic-fc");
    self->path = kinds.empty() ? "xnnpack" : "xnnpack(" + kinds + ")";
  } else {
    self->path = "builtin";
  }
  for (int32_t i = 0; i < api->GetInputTensorCount(self->interpreter_); i++)
    self->inputs.push_back(Describe(api, api->GetInputTensor(self->interpreter_, i)));
  for (int32_t i = 0; i < api->GetOutputTensorCount(self->interpreter_); i++)
    self->outputs.push_back(Describe(api, api->GetOutputTensor(self->interpreter_, i)));
  if (self->inputs.empty() || self->outputs.empty()) {
    *error = {"MODEL_INVALID", "the model has no input or no output tensor"};
    return nullptr;
  }
  self->messages_.clear();
  return self;
}

Interpreter::~Interpreter() {
  if (interpreter_ != nullptr) api_->InterpreterDelete(interpreter_);
  if (xnnpack_ != nullptr) api_->XnnpackDelete(xnnpack_);
  if (tpu_ != nullptr && edgetpu_ != nullptr) edgetpu_->DestroyDelegate(tpu_);
  if (model_ != nullptr) api_->ModelDelete(model_);
}

bool Interpreter::Run(const uint8_t* input, size_t size, uint8_t* output, size_t outputSize, double* ms,
                      std::string* error) {
  std::lock_guard<std::mutex> lock(mutex_);
  TfLiteTensor* in = api_->GetInputTensor(interpreter_, 0);
  if (size != api_->TensorByteSize(in)) {
    *error =
        "input has " + std::to_string(size) + " bytes, the model expects " + std::to_string(api_->TensorByteSize(in));
    return false;
  }
  if (api_->TensorCopyFromBuffer(in, input, size) != kTfLiteOk) {
    *error = "cannot copy the input tensor";
    return false;
  }
  messages_.clear();
  auto start = std::chrono::steady_clock::now();
  TfLiteStatus status = api_->Invoke(interpreter_);
  *ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (status != kTfLiteOk) {
    *error = "inference failed: " + (messages_.empty() ? std::string("unknown TFLite error") : messages_);
    return false;
  }
  const TfLiteTensor* out = api_->GetOutputTensor(interpreter_, 0);
  if (outputSize != api_->TensorByteSize(out)) {
    *error = "the output tensor has " + std::to_string(api_->TensorByteSize(out)) + " bytes, not the " +
             std::to_string(outputSize) + " it had when the model was loaded";
    return false;
  }
  if (api_->TensorCopyToBuffer(out, output, outputSize) != kTfLiteOk) {
    *error = "cannot copy the output tensor";
    return false;
  }
  return true;
}

}  // namespace coreforge
