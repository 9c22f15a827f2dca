/*
 * TEST DOUBLE of libedgetpu's TFLite plugin entry points, built by the runtime tests (there is no Edge TPU
 * on these machines). It records every option it receives in $EDGETPU_TESTDOUBLE_LOG, and then either
 * returns NULL (as libedgetpu does when no device matches: EDGETPU_TESTDOUBLE_DEVICE=none) or a delegate
 * whose Prepare claims no nodes, so the graph runs on TFLite's own kernels.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tensorflow/lite/c/common.h"

static void record(const char* line) {
  const char* path = getenv("EDGETPU_TESTDOUBLE_LOG");
  if (path == NULL) return;
  FILE* f = fopen(path, "a");
  if (f == NULL) return;
  fprintf(f, "%s\n", line);
  fclose(f);
}

static TfLiteStatus prepare(TfLiteContext* context, TfLiteDelegate* delegate) { return kTfLiteOk; }

static TfLiteDelegate double_delegate;

TfLiteDelegate* tflite_plugin_create_delegate(char** keys, char** values, size_t n, void (*report)(const char*)) {
  char line[512];
  for (size_t i = 0; i < n; i++) {
    snprintf(line, sizeof(line), "option %s=%s", keys[i], values[i]);
    record(line);
  }
  const char* device = getenv("EDGETPU_TESTDOUBLE_DEVICE");
  if (device != NULL && strcmp(device, "none") == 0) {
    record("create -> NULL");
    return NULL;
  }
  memset(&double_delegate, 0, sizeof(double_delegate));
  double_delegate.Prepare = prepare;
  double_delegate.flags = kTfLiteDelegateFlagsNone;
  record("create -> delegate");
  return &double_delegate;
}

void tflite_plugin_destroy_delegate(TfLiteDelegate* delegate) { record("destroy"); }
