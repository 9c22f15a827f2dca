{
  "targets": [{
    "target_name": "coreforge_tflite",
    "sources": ["native/addon.cc", "native/bindings.cc", "native/infer_thread.cc", "native/interpreter.cc", "native/tflite_api.cc"],
    "include_dirs": [
      "<!(node -p \"require('node-addon-api').include_dir\")",
      "<!(node scripts/paths.cjs includeDir)"
    ],
    "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NAPI_CPP_EXCEPTIONS"],
    "libraries": ["-ldl"],
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
    "cflags_cc": ["-std=c++17", "-fexceptions", "-Wall", "-Wextra", "-Wno-unused-parameter", "-O2"]
  }]
}
