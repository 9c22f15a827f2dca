#pragma once
#include <napi.h>

namespace coreforge {
Napi::Value LoadLibrary(const Napi::CallbackInfo& info);
Napi::Value CreateInterpreter(const Napi::CallbackInfo& info);
Napi::Value Invoke(const Napi::CallbackInfo& info);
Napi::Value Destroy(const Napi::CallbackInfo& info);
Napi::Value ListEdgetpuDevices(const Napi::CallbackInfo& info);
}  // namespace coreforge
