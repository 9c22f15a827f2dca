// Registers the addon's functions; nothing else lives here.
#include <napi.h>

#include "bindings.h"

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("loadLibrary", Napi::Function::New(env, coreforge::LoadLibrary));
  exports.Set("createInterpreter", Napi::Function::New(env, coreforge::CreateInterpreter));
  exports.Set("invoke", Napi::Function::New(env, coreforge::Invoke));
  exports.Set("destroy", Napi::Function::New(env, coreforge::Destroy));
  exports.Set("listEdgetpuDevices", Napi::Function::New(env, coreforge::ListEdgetpuDevices));
  return exports;
}

NODE_API_MODULE(coreforge_tflite, Init)
