/*
 * The benchmark's reference: the same libtensorflowlite_c driven from plain C++ (no N-API, no JS), with the same delegate
 * choice as the runtime. Per iteration: copy the input in, Invoke, copy the output out (what one
 * classification costs the runtime). It stays loaded and answers bursts, so that the bench can interleave it with
 * ours and LiteRT.js in short rounds: each line on stdin is a count N, answered by one line of N times in
 * milliseconds, space-separated. Exits at the end of stdin.
 * The XNNPACK options struct is chosen by TfLiteVersion(), as the runtime does (2.9: 8 bytes; 2.19: 64 bytes,
 * filled by TfLiteXNNPackDelegateOptionsDefault).
 * usage: reference LIB MODEL INPUT_FILE XNNPACK_FLAGS(-1 = none)
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tflite_api.h"

// The two XNNPACK options layouts are the runtime's own (runtime/native/tflite_api.h), not restated here.
using coreforge::XnnpackOptions219;
using coreforge::XnnpackOptions29;

#define LOAD(name) name##_t name = (name##_t)dlsym(lib, #name); if (!name) { fprintf(stderr, "missing %s\n", #name); return 2; }
typedef const char* (*TfLiteVersion_t)(void);
typedef TfLiteModel* (*TfLiteModelCreateFromFile_t)(const char*);
typedef TfLiteInterpreterOptions* (*TfLiteInterpreterOptionsCreate_t)(void);
typedef void (*TfLiteInterpreterOptionsSetNumThreads_t)(TfLiteInterpreterOptions*, int32_t);
typedef void (*TfLiteInterpreterOptionsAddDelegate_t)(TfLiteInterpreterOptions*, TfLiteDelegate*);
typedef TfLiteInterpreter* (*TfLiteInterpreterCreate_t)(const TfLiteModel*, const TfLiteInterpreterOptions*);
typedef TfLiteStatus (*TfLiteInterpreterAllocateTensors_t)(TfLiteInterpreter*);
typedef TfLiteTensor* (*TfLiteInterpreterGetInputTensor_t)(const TfLiteInterpreter*, int32_t);
typedef const TfLiteTensor* (*TfLiteInterpreterGetOutputTensor_t)(const TfLiteInterpreter*, int32_t);
typedef TfLiteStatus (*TfLiteInterpreterInvoke_t)(TfLiteInterpreter*);
typedef size_t (*TfLiteTensorByteSize_t)(const TfLiteTensor*);
typedef TfLiteStatus (*TfLiteTensorCopyFromBuffer_t)(TfLiteTensor*, const void*, size_t);
typedef TfLiteStatus (*TfLiteTensorCopyToBuffer_t)(const TfLiteTensor*, void*, size_t);
typedef TfLiteDelegate* (*TfLiteXNNPackDelegateCreate_t)(const void*);
typedef XnnpackOptions219 (*TfLiteXNNPackDelegateOptionsDefault_t)(void);

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char** argv) {
  if (argc != 5) { fprintf(stderr, "usage: reference LIB MODEL INPUT XNNPACK_FLAGS\n"); return 2; }
  void* lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) { fprintf(stderr, "%s\n", dlerror()); return 2; }
  LOAD(TfLiteVersion) LOAD(TfLiteModelCreateFromFile) LOAD(TfLiteInterpreterOptionsCreate) LOAD(TfLiteInterpreterOptionsSetNumThreads)
  LOAD(TfLiteInterpreterOptionsAddDelegate) LOAD(TfLiteInterpreterCreate) LOAD(TfLiteInterpreterAllocateTensors)
  LOAD(TfLiteInterpreterGetInputTensor) LOAD(TfLiteInterpreterGetOutputTensor) LOAD(TfLiteInterpreterInvoke)
  LOAD(TfLiteTensorByteSize) LOAD(TfLiteTensorCopyFromBuffer) LOAD(TfLiteTensorCopyToBuffer) LOAD(TfLiteXNNPackDelegateCreate)
  const char* version = TfLiteVersion();
  TfLiteModel* model = TfLiteModelCreateFromFile(argv[2]);
  if (!model) { fprintf(stderr, "cannot load model\n"); return 1; }
  TfLiteInterpreterOptions* options = TfLiteInterpreterOptionsCreate();
  TfLiteInterpreterOptionsSetNumThreads(options, 1);
  long flags = strtol(argv[4], nullptr, 10);
  if (flags >= 0) {
    TfLiteDelegate* delegate = nullptr;
    if (strncmp(version, "2.9.", 4) == 0) {
      XnnpackOptions29 xo = {0, static_cast<uint32_t>(flags)};
      delegate = TfLiteXNNPackDelegateCreate(&xo);
    } else if (strncmp(version, "2.19.", 5) == 0) {
      LOAD(TfLiteXNNPackDelegateOptionsDefault)
      XnnpackOptions219 xo = TfLiteXNNPackDelegateOptionsDefault();
      xo.num_threads = 0;
      xo.flags = static_cast<uint32_t>(flags);
      delegate = TfLiteXNNPackDelegateCreate(&xo);
    } else {
      fprintf(stderr, "TFLite %s: unknown XNNPACK options layout\n", version);
      return 2;
    }
    TfLiteInterpreterOptionsAddDelegate(options, delegate);
  }
  TfLiteInterpreter* interp = TfLiteInterpreterCreate(model, options);
  if (!interp || TfLiteInterpreterAllocateTensors(interp) != kTfLiteOk) { fprintf(stderr, "cannot create interpreter\n"); return 1; }
  TfLiteTensor* in = TfLiteInterpreterGetInputTensor(interp, 0);
  const TfLiteTensor* out = TfLiteInterpreterGetOutputTensor(interp, 0);
  size_t in_size = TfLiteTensorByteSize(in), out_size = TfLiteTensorByteSize(out);
  unsigned char* input = static_cast<unsigned char*>(malloc(in_size));
  unsigned char* output = static_cast<unsigned char*>(malloc(out_size));
  FILE* f = fopen(argv[3], "rb");
  if (!f || fread(input, 1, in_size, f) != in_size) { fprintf(stderr, "cannot read %zu input bytes\n", in_size); return 1; }
  fclose(f);
  int iterations;
  while (scanf("%d", &iterations) == 1) {
    for (int i = 0; i < iterations; i++) {
      double t0 = now_ms();
      TfLiteTensorCopyFromBuffer(in, input, in_size);
      if (TfLiteInterpreterInvoke(interp) != kTfLiteOk) { fprintf(stderr, "invoke failed\n"); return 1; }
      TfLiteTensorCopyToBuffer(out, output, out_size);
      printf(i == 0 ? "%.4f" : " %.4f", now_ms() - t0);
    }
    printf("\n");
    fflush(stdout);
  }
  return 0;
}
