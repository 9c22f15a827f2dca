// Inference off the JS thread (STYLE P11), on one persistent thread per interpreter instead of libuv's shared
// threadpool. Per call the JS thread only takes references to the input Buffer and a new output Buffer, queues the
// job and wakes the thread if it sleeps; the thread copies the input in, invokes, copies the output straight into
// that Buffer (the C reference's copies, no more) and hands the job back through one ThreadSafeFunction. Loop()
// makes no N-API calls and lets no exception escape.
//
// Where the time went with an AsyncWorker (measured in test/bench, mobilenet_v1_0.25_128 on 2.19: ~45 µs a call,
// 8% of a 0.55 ms model): a threadpool wake-up on the way in and a JS-thread wake-up on the way out, each a futex or
// eventfd wake of an idle CPU (~50 µs here in a VM). This class removes the first with a short spin of the inference
// thread before it sleeps (back-to-back calls find it awake), and hides the second with an early wake: a waker
// thread wakes the JS thread shortly before the running job is expected to end (its duration is the moving average
// of the last ones), so the JS thread pays the wake-up while the job still runs and then spins, bounded, for the
// result. Only when that job is the JS thread's only one in flight (latency-bound); with more in flight the JS
// thread is busy with the others' results anyway.
#pragma once

#include <napi.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "interpreter.h"

namespace coreforge {

class InferThread {
 public:
  using Clock = std::chrono::steady_clock;

  // Starts the inference and waker threads for `interpreter`. The object stays alive until Close() was called and
  // both threads ended (the ThreadSafeFunction's finalizer joins them), or until the environment is torn down.
  static std::shared_ptr<InferThread> Start(Napi::Env env, std::shared_ptr<Interpreter> interpreter);
  ~InferThread();

  // JS thread. Queues one inference on `input` (which the caller must leave unchanged until the promise settles);
  // resolves with {output: Buffer, ms: number} or rejects with a coded error (CodedError).
  Napi::Value Submit(Napi::Env env, Napi::Buffer<uint8_t> input);
  // JS thread. No new jobs; queued ones still finish, then both threads end. Idempotent.
  void Close();

 private:
  struct Job {
    napi_ref input = nullptr;
    napi_ref output = nullptr;
    napi_deferred deferred = nullptr;
    const uint8_t* inputData = nullptr;
    size_t inputSize = 0;
    uint8_t* outputData = nullptr;
    size_t outputSize = 0;
    double ms = 0;      // Invoke alone
    double busyMs = 0;  // the whole job on the inference thread (copies + Invoke)
    NativeError err;
  };

  InferThread() = default;
  void Loop();
  void WakerLoop();
  // Tells both threads to end: the inference thread after the queued jobs, or at once dropping them (`discard`:
  // the environment is going away).
  void Signal(bool discard);
  void ArmWake(uint64_t job);
  static void Complete(Napi::Env env, Napi::Function, InferThread* self, Job* job);
  using Tsfn = Napi::TypedThreadSafeFunction<InferThread, Job, &InferThread::Complete>;

  std::shared_ptr<Interpreter> interpreter_;  // reset under mutex_ once closed and drained
  Tsfn tsfn_;
  std::thread thread_;
  std::thread waker_;

  // Shared with the inference thread, under mutex_ (queued_ also read without it while spinning).
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job*> queue_;
  std::atomic<size_t> queued_{0};
  bool sleeping_ = false;
  bool stopping_ = false;
  bool discard_ = false;
  // Jobs whose result has been handed to the ThreadSafeFunction (written by the inference thread).
  std::atomic<uint64_t> finished_{0};

  // Shared with the waker thread, under wakerMutex_: wake the JS thread at wakeAt_ unless job wakeFor_ finished.
  std::mutex wakerMutex_;
  std::condition_variable wakerCv_;
  bool wakerStopping_ = false;
  bool armed_ = false;
  Clock::time_point wakeAt_;
  uint64_t wakeFor_ = 0;
  std::atomic<uint64_t> wokenFor_{0};  // the job the last early wake was for (read by the JS thread)

  // JS thread only.
  bool closed_ = false;
  uint64_t submitted_ = 0;          // jobs queued so far; job n (1-based) is the n-th submitted
  uint64_t completed_ = 0;          // jobs settled so far
  double averageMs_ = 0;            // moving average of the invoke time, 0 until the first job
  Clock::time_point runningSince_;  // when the job now running (completed_ + 1) started, as far as the JS thread knows
  Clock::time_point spinUntil_;     // the early wake's spin deadline
};

}  // namespace coreforge
