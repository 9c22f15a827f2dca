// Inference off the JS thread (STYLE P11), on one persistent thread per interpreter instead of libuv's shared
// threadpool. Per call the JS thread only takes references to the input Buffer and a new output Buffer, queues the
// job and wakes the thread if it sleeps; the thread copies the input in, invokes, copies the output straight into
// that Buffer (the C reference's copies, no more) and hands the job back through one ThreadSafeFunction. Loop()
// makes no N-API calls and lets no exception escape.
//
// Why not an AsyncWorker: measured in a tight loop (mobilenet_v1_0.25_128 on 2.19, 0.55 ms), ~45 µs a call went
// outside Invoke, mostly in wake-ups of idle threads (libuv's threadpool on the way in, the JS thread on the way
// out, ~50 µs each in this VM), plus two extra copies. The inference thread spins briefly (yielding the CPU) before
// it sleeps, so back-to-back calls find it awake; the JS thread's wake-up for the result remains. (A waker that
// woke the JS thread just before the expected end, and let it spin for the result, was tried and made things worse
// on a loaded 2-core machine: the spinning JS thread took the CPU from the inference thread.)
//
// Inline calls: that wake-up is ~60 µs in this VM, a tenth of a 0.5 ms model's Invoke. When nothing is queued or
// running, and the median of the interpreter's last Invoke times is at most `inlineBelowMs` (the caller's bound on how
// long a call may hold the JS thread; 0 = never), Submit runs the call on the JS thread and returns a settled promise.
// The first kMinSamples calls always go to the thread (a first Invoke is slower: XNNPACK packs its weights then).
#pragma once

#include <napi.h>

#include <array>
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

  // Starts the inference thread for `interpreter`. The object stays alive until Close() was called and the thread
  // ended (the ThreadSafeFunction's finalizer joins it), or until the environment is torn down.
  static std::shared_ptr<InferThread> Start(Napi::Env env, std::shared_ptr<Interpreter> interpreter,
                                            double inlineBelowMs);
  ~InferThread();

  // JS thread. Queues one inference on `input` (which the caller must leave unchanged until the promise settles), or
  // runs it inline (above); resolves with {output: Buffer, ms: number, inline: boolean} or rejects with a coded error
  // (CodedError).
  Napi::Value Submit(Napi::Env env, Napi::Buffer<uint8_t> input);
  // JS thread. No new jobs; queued ones still finish, then the thread ends. Idempotent.
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
    double ms = 0;  // Invoke alone
    NativeError err;
  };

  InferThread() = default;
  void Loop();
  // Runs `job` on the calling thread: fills its output, ms and err. Never throws.
  void Execute(Job* job);
  // JS thread: settles the job's promise and releases its references.
  static void Settle(Napi::Env env, Job* job, bool inlined);
  // JS thread: whether the next call, with nothing queued or running, should run inline; and one Invoke time.
  bool InlineNext() const;
  void Record(double ms);
  // Tells the thread to end: after the queued jobs, or at once dropping them (`discard`:
  // the environment is going away).
  void Signal(bool discard);
  static void Complete(Napi::Env env, Napi::Function, InferThread* self, Job* job);
  using Tsfn = Napi::TypedThreadSafeFunction<InferThread, Job, &InferThread::Complete>;

  std::shared_ptr<Interpreter> interpreter_;  // reset under mutex_ once closed and drained
  Tsfn tsfn_;
  std::thread thread_;

  // Shared with the inference thread, under mutex_ (queued_ also read without it while spinning).
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job*> queue_;
  std::atomic<size_t> queued_{0};
  bool sleeping_ = false;
  bool stopping_ = false;
  bool discard_ = false;

  // JS thread only.
  static constexpr size_t kMinSamples = 3;
  double inlineBelowMs_ = 0;
  std::array<double, 5> recentMs_{};  // the last Invoke times, a ring
  size_t samples_ = 0;                // Invoke times recorded so far
  bool closed_ = false;
  uint64_t submitted_ = 0;  // jobs queued so far; job n (1-based) is the n-th submitted
  uint64_t completed_ = 0;  // jobs settled so far
};

}  // namespace coreforge
