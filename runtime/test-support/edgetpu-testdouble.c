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

/* edgetpu_c.h's device list: one USB accelerator, unless EDGETPU_TESTDOUBLE_DEVICE=none. */
struct edgetpu_device {
  int type;
  const char* path;
};
static struct edgetpu_device usb_device = {1, "/sys/bus/usb/devices/2-1"};

struct edgetpu_device* edgetpu_list_devices(size_t* num_devices) {
  const char* device = getenv("EDGETPU_TESTDOUBLE_DEVICE");
  record("list devices");
  *num_devices = (device != NULL && strcmp(device, "none") == 0) ? 0 : 1;
  return *num_devices ? &usb_device : NULL;
}

void edgetpu_free_devices(struct edgetpu_device* dev) {}
