#include "infer_thread.h"

#include <sys/prctl.h>

#include <algorithm>
#include <exception>
#include <string>
#include <system_error>

#include "bindings.h"

namespace coreforge {

namespace {
using std::chrono::microseconds;

// How long the inference thread spins for the next job before it sleeps on its condition variable (the JS thread
// takes a few µs from one result to the next call; a futex wake costs ~50 µs).
constexpr microseconds kSpinBeforeSleep{50};
// The early wake: the waker wakes the JS thread this long before the running job's expected end (it covers the
// waker's own wake-up and the JS thread's, ~50 µs each here)...
constexpr microseconds kWakeLead{250};
// ... and the JS thread then spins for the result until the expected end plus a margin, never longer than this.
constexpr microseconds kMaxJsSpin{1000};

// Jobs in flight on this JS thread, over all interpreters (each JS thread, main or worker_threads, has its own).
thread_local int tInFlight = 0;

inline void Pause() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Spins (with a CPU pause, reading the clock every 64 rounds) until done() or `until`; returns done().
template <typename Done>
bool SpinUntil(Done done, InferThread::Clock::time_point until) {
  for (unsigned i = 1; !done(); i++) {
    Pause();
    if (i % 64 == 0 && InferThread::Clock::now() >= until) return done();
  }
  return true;
}

double Ms(InferThread::Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }
}  // namespace

std::shared_ptr<InferThread> InferThread::Start(Napi::Env env, std::shared_ptr<Interpreter> interpreter) {
  std::shared_ptr<InferThread> self(new InferThread());
  self->interpreter_ = std::move(interpreter);
  // The ThreadSafeFunction owns one reference until its finalizer (JS thread) has joined both threads: they use the
  // object until they end. Two threads use it; each releases it when it ends.
  auto* keep = new std::shared_ptr<InferThread>(self);
  self->tsfn_ = Tsfn::New(
      env, "coreforge:infer", 0, 2, self.get(),
      [](Napi::Env, std::shared_ptr<InferThread>* keep, InferThread* me) {
        me->Signal(true);
        if (me->thread_.joinable()) me->thread_.join();
        if (me->waker_.joinable()) me->waker_.join();
        delete keep;
      },
      keep);
  // Only jobs in flight keep the process alive (Submit refs, Complete unrefs), as an AsyncWorker's did.
  self->tsfn_.Unref(env);
  try {
    self->thread_ = std::thread([me = self.get()] { me->Loop(); });
    self->waker_ = std::thread([me = self.get()] { me->WakerLoop(); });
  } catch (const std::system_error& e) {
    self->Signal(true);
    if (self->thread_.joinable()) {
      self->thread_.join();  // it released its use of the ThreadSafeFunction
    } else {
      self->tsfn_.Release();
    }
    self->tsfn_.Release();
    throw CodedError(env, {"INFERENCE_FAILED", std::string("cannot start the inference thread: ") + e.what()});
  }
  return self;
}

InferThread::~InferThread() {
  // Only reached without the finalizer having joined when Start failed half way; never on one of the two threads.
  Signal(true);
  if (thread_.joinable()) thread_.join();
  if (waker_.joinable()) waker_.join();
}

Napi::Value InferThread::Submit(Napi::Env env, Napi::Buffer<uint8_t> input) {
  if (closed_) throw CodedError(env, {"CLOSED", "the interpreter is closed"});
  size_t outputBytes = interpreter_->outputs[0].bytes;
  Napi::Buffer<uint8_t> output = Napi::Buffer<uint8_t>::New(env, outputBytes);
  auto job = std::make_unique<Job>();
  job->inputData = input.Data();
  job->inputSize = input.Length();
  job->outputData = output.Data();
  job->outputSize = outputBytes;
  napi_value promise;
  NAPI_THROW_IF_FAILED(env, napi_create_reference(env, input, 1, &job->input), Napi::Value());
  NAPI_THROW_IF_FAILED(env, napi_create_reference(env, output, 1, &job->output), Napi::Value());
  NAPI_THROW_IF_FAILED(env, napi_create_promise(env, &job->deferred, &promise), Napi::Value());

  bool idle = completed_ == submitted_;
  if (idle) tsfn_.Ref(env);
  submitted_++;
  tInFlight++;
  bool wake;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(job.release());
    queued_.fetch_add(1, std::memory_order_release);
    wake = sleeping_;
  }
  if (wake) wake_.notify_one();
  if (idle) {
    runningSince_ = Clock::now();
    ArmWake(submitted_);
  }
  return Napi::Value(env, promise);
}

void InferThread::Close() {
  if (closed_) return;
  closed_ = true;
  if (completed_ == submitted_) {
    // Nothing queued or running: free the interpreter (and its delegates: an Edge TPU is claimed by one process at a
    // time) now, as destroy() did before, rather than when the thread ends.
    std::lock_guard<std::mutex> lock(mutex_);
    interpreter_.reset();
  }
  Signal(false);
}

void InferThread::Signal(bool discard) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    discard_ = discard_ || discard;
  }
  wake_.notify_one();
  {
    std::lock_guard<std::mutex> lock(wakerMutex_);
    wakerStopping_ = true;
  }
  wakerCv_.notify_one();
}

void InferThread::ArmWake(uint64_t job) {
  // Only for the JS thread's one job in flight, and once a duration is known.
  if (closed_ || tInFlight != 1 || averageMs_ <= 0) return;
  auto expected = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(averageMs_));
  auto margin = std::max<Clock::duration>(microseconds(100), expected / 10);
  spinUntil_ = runningSince_ + expected + margin;
  {
    std::lock_guard<std::mutex> lock(wakerMutex_);
    armed_ = true;
    wakeAt_ = runningSince_ + expected - kWakeLead;
    wakeFor_ = job;
  }
  wakerCv_.notify_one();
}

void InferThread::Loop() {
  for (;;) {
    SpinUntil([this] { return queued_.load(std::memory_order_acquire) != 0; }, Clock::now() + kSpinBeforeSleep);
    Job* job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (queue_.empty() && !stopping_) {
        sleeping_ = true;
        wake_.wait(lock, [this] { return !queue_.empty() || stopping_; });
        sleeping_ = false;
      }
      if (queue_.empty()) {
        interpreter_.reset();  // closed, and every queued job is done
        break;
      }
      if (discard_) {
        for (Job* j : queue_) delete j;  // the environment is going away, and the jobs' references with it
        queue_.clear();
        interpreter_.reset();
        break;
      }
      job = queue_.front();
      queue_.pop_front();
      queued_.fetch_sub(1, std::memory_order_relaxed);
    }
    auto start = Clock::now();
    try {
      std::string message;
      if (!interpreter_->Run(job->inputData, job->inputSize, job->outputData, job->outputSize, &job->ms, &message))
        job->err = {"INFERENCE_FAILED", message};
    } catch (const std::exception& e) {
      job->err = {"INFERENCE_FAILED", std::string("inference failed: ") + e.what()};
    } catch (...) {
      job->err = {"INFERENCE_FAILED", "inference failed: unknown C++ exception"};
    }
    job->busyMs = Ms(Clock::now() - start);
    if (tsfn_.NonBlockingCall(job) != napi_ok) delete job;  // the environment is going away
    finished_.fetch_add(1, std::memory_order_release);
  }
  tsfn_.Release();
}

void InferThread::WakerLoop() {
  // Wake on time: the default timer slack (50 µs) would eat a fifth of kWakeLead.
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  std::unique_lock<std::mutex> lock(wakerMutex_);
  while (!wakerStopping_) {
    if (!armed_) {
      wakerCv_.wait(lock);
    } else if (Clock::now() < wakeAt_) {
      wakerCv_.wait_until(lock, wakeAt_);  // then look again: re-armed, disarmed or stopped meanwhile
    } else {
      armed_ = false;
      uint64_t job = wakeFor_;
      lock.unlock();
      // A null job: "your result is due; spin for it" (Complete).
      if (finished_.load(std::memory_order_acquire) < job) {
        wokenFor_.store(job, std::memory_order_relaxed);
        tsfn_.NonBlockingCall(nullptr);
      }
      lock.lock();
    }
  }
  lock.unlock();
  tsfn_.Release();
}

void InferThread::Complete(Napi::Env env, Napi::Function, InferThread* self, Job* job) {
  if (job == nullptr) {
    // The early wake: the JS thread is awake now; spin for the running job's result (bounded), so that it comes
    // back without a second wake-up. Its Complete follows at once (it is queued when finished_ counts it).
    if (env == nullptr) return;  // torn down (and `self` may be gone)
    uint64_t running = self->completed_ + 1;
    if (self->wokenFor_.load(std::memory_order_relaxed) != running || self->submitted_ < running) return;
    SpinUntil([self, running] { return self->finished_.load(std::memory_order_acquire) >= running; },
              std::min(self->spinUntil_, Clock::now() + kMaxJsSpin));
    return;
  }
  std::unique_ptr<Job> owned(job);
  if (env == nullptr) return;  // torn down: the references went with the environment
  self->completed_++;
  tInFlight--;
  self->averageMs_ = self->averageMs_ <= 0 ? job->busyMs : 0.8 * self->averageMs_ + 0.2 * job->busyMs;
  if (self->completed_ == self->submitted_) {
    self->tsfn_.Unref(env);
  } else {
    // The inference thread went on to the next queued job right away.
    self->runningSince_ = Clock::now();
    self->ArmWake(self->completed_ + 1);
  }
  napi_value output;
  napi_get_reference_value(env, job->output, &output);
  napi_delete_reference(env, job->output);
  napi_delete_reference(env, job->input);
  if (!job->err.empty()) {
    napi_reject_deferred(env, job->deferred, CodedError(env, job->err).Value());
    return;
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("output", output);
  result.Set("ms", Napi::Number::New(env, job->ms));
  napi_resolve_deferred(env, job->deferred, result);
}

}  // namespace coreforge
