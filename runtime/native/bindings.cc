// The JS-facing functions. Arguments are validated in TypeScript first (runtime/src/validate.ts and the callers in
// classifier.ts, library.ts, edgetpu.ts); these checks only keep a wrong call from crashing the process.
#include "bindings.h"

#include <memory>

#include "infer_thread.h"
#include "interpreter.h"
#include "tflite_api.h"

namespace coreforge {

namespace {
// What JS holds for one interpreter: its inference thread (which owns the interpreter); empty once destroyed.
using Handle = std::shared_ptr<InferThread>;

Napi::Object TensorToJs(Napi::Env env, const TensorInfo& t) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", t.name);
  Napi::Array shape = Napi::Array::New(env, t.shape.size());
  for (size_t i = 0; i < t.shape.size(); i++) shape.Set(i, t.shape[i]);
  o.Set("shape", shape);
  o.Set("type", t.type);
  o.Set("scale", t.scale);
  o.Set("zeroPoint", t.zeroPoint);
  o.Set("bytes", static_cast<double>(t.bytes));
  return o;
}

Handle* Unwrap(const Napi::Value& value) {
  if (!value.IsExternal()) return nullptr;
  auto* handle = value.As<Napi::External<Handle>>().Data();
  return handle != nullptr && *handle ? handle : nullptr;
}
}  // namespace

Napi::Error CodedError(Napi::Env env, const NativeError& e) {
  Napi::Error error = Napi::Error::New(env, e.message);
  error.Set("code", Napi::String::New(env, e.code.empty() ? "INFERENCE_FAILED" : e.code));
  return error;
}

Napi::Value LoadLibrary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw Napi::TypeError::New(env, "expected the library path");
  NativeError error;
  const TfliteApi* api = LoadTflite(info[0].As<Napi::String>(), &error);
  if (api == nullptr) throw CodedError(env, error);
  Napi::Object o = Napi::Object::New(env);
  o.Set("path", api->path);
  o.Set("version", api->version);
  o.Set("xnnpack", api->xnnpackLayout != XnnpackLayout::kNone);
  o.Set("xnnpackLayout", api->xnnpackLayout == XnnpackLayout::k29    ? "2.9"
                         : api->xnnpackLayout == XnnpackLayout::k219 ? "2.19"
                                                                     : "none");
  return o;
}

Napi::Value CreateInterpreter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const TfliteApi* api = LoadedTflite();
  if (api == nullptr) throw CodedError(env, {"LIBRARY_NOT_FOUND", "libtensorflowlite_c is not loaded"});
  if (!info[0].IsBuffer() || !info[1].IsObject())
    throw Napi::TypeError::New(env, "expected (model: Buffer, options: object)");
  auto buffer = info[0].As<Napi::Buffer<uint8_t>>();
  Napi::Object o = info[1].As<Napi::Object>();
  InterpreterOptions options;
  options.threads = o.Get("threads").As<Napi::Number>().Int32Value();
  options.xnnpackFlags = o.Get("xnnpackFlags").As<Napi::Number>().Int64Value();
  if (o.Get("edgetpuLibrary").IsString()) {
    options.useEdgetpu = true;
    options.edgetpuLibrary = o.Get("edgetpuLibrary").As<Napi::String>();
    options.edgetpuDevice =
        o.Get("edgetpuDevice").IsString() ? o.Get("edgetpuDevice").As<Napi::String>().Utf8Value() : "";
  }
  std::vector<uint8_t> model(buffer.Data(), buffer.Data() + buffer.Length());
  NativeError error;
  std::shared_ptr<Interpreter> interp = Interpreter::Create(api, std::move(model), options, &error);
  if (!interp) throw CodedError(env, error);
  Napi::Object result = Napi::Object::New(env);
  Napi::Value inlineBelowMs = o.Get("inlineBelowMs");
  auto* handle =
      new Handle(InferThread::Start(env, interp, inlineBelowMs.IsNumber() ? inlineBelowMs.As<Napi::Number>() : 0.0));
  // Dropped without destroy(): the thread still finishes the queued jobs, then ends.
  result.Set("handle", Napi::External<Handle>::New(env, handle, [](Napi::Env, Handle* h) {
               if (*h) (*h)->Close();
               delete h;
             }));
  result.Set("path", interp->path);
  result.Set("xnnpackFlags", static_cast<double>(interp->xnnpackFlags));
  Napi::Array inputs = Napi::Array::New(env, interp->inputs.size());
  for (size_t i = 0; i < interp->inputs.size(); i++) inputs.Set(i, TensorToJs(env, interp->inputs[i]));
  Napi::Array outputs = Napi::Array::New(env, interp->outputs.size());
  for (size_t i = 0; i < interp->outputs.size(); i++) outputs.Set(i, TensorToJs(env, interp->outputs[i]));
  result.Set("inputs", inputs);
  result.Set("outputs", outputs);
  return result;
}

Napi::Value Invoke(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Handle* handle = Unwrap(info[0]);
  if (handle == nullptr) throw CodedError(env, {"CLOSED", "the interpreter is closed"});
  if (!info[1].IsBuffer()) throw Napi::TypeError::New(env, "expected the input as a Buffer");
  return (*handle)->Submit(env, info[1].As<Napi::Buffer<uint8_t>>());
}

Napi::Value ListEdgetpuDevices(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw Napi::TypeError::New(env, "expected the libedgetpu path");
  NativeError error;
  const EdgetpuApi* api = LoadEdgetpu(info[0].As<Napi::String>(), &error);
  if (api == nullptr) throw CodedError(env, error);
  if (api->ListDevices == nullptr) return env.Null();
  size_t count = 0;
  EdgetpuDevice* devices = api->ListDevices(&count);
  Napi::Array out = Napi::Array::New(env, count);
  for (size_t i = 0; i < count && devices != nullptr; i++) {
    Napi::Object d = Napi::Object::New(env);
    d.Set("type", devices[i].type == 0 ? "pci" : "usb");
    d.Set("path", devices[i].path != nullptr ? devices[i].path : "");
    out.Set(i, d);
  }
  if (devices != nullptr && api->FreeDevices != nullptr) api->FreeDevices(devices);
  return out;
}

Napi::Value Destroy(const Napi::CallbackInfo& info) {
  Handle* handle = Unwrap(info[0]);
  // Queued jobs still finish; the interpreter is freed when the thread ends after them.
  if (handle != nullptr) {
    (*handle)->Close();
    handle->reset();
  }
  return info.Env().Undefined();
}

}  // namespace coreforge
