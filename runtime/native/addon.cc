// Scaffolding only: replaced by the TFLite addon (issue 3).
#include <napi.h>
static Napi::Object Init(Napi::Env env, Napi::Object exports) { return exports; }
NODE_API_MODULE(coreforge_tflite, Init)
