#pragma once
#include <napi.h>

#include "tflite_api.h"

namespace coreforge {
// The one JS shape of a native failure: an Error whose `code` field is the RuntimeErrorCode and whose message is
// only the text (JS branches on `code`, never on the message; runtime/src/native.ts nativeCode reads it).
Napi::Error CodedError(Napi::Env env, const NativeError& e);

Napi::Value LoadLibrary(const Napi::CallbackInfo& info);
Napi::Value CreateInterpreter(const Napi::CallbackInfo& info);
Napi::Value Invoke(const Napi::CallbackInfo& info);
Napi::Value Destroy(const Napi::CallbackInfo& info);
Napi::Value ListEdgetpuDevices(const Napi::CallbackInfo& info);
}  // namespace coreforge
