#include "infer_thread.h"

#include <sched.h>

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

// Spins until done() or `until`; returns done(). Each round yields the CPU (sched_yield): on a busy machine the thread
// we wait for may be queued on this very CPU, and a pause loop would hold it off until the deadline.
template <typename Done>
bool SpinUntil(Done done, InferThread::Clock::time_point until) {
  for (unsigned i = 1; !done(); i++) {
    sched_yield();
    if (i % 8 == 0 && InferThread::Clock::now() >= until) return done();
  }
  return true;
}

}  // namespace

std::shared_ptr<InferThread> InferThread::Start(Napi::Env env, std::shared_ptr<Interpreter> interpreter,
                                                double inlineBelowMs) {
  std::shared_ptr<InferThread> self(new InferThread());
  self->interpreter_ = std::move(interpreter);
  self->inlineBelowMs_ = inlineBelowMs;
  // The ThreadSafeFunction owns one reference until its finalizer (JS thread) has joined the thread: it uses the
  // object until it ends, and releases the ThreadSafeFunction then.
  auto* keep = new std::shared_ptr<InferThread>(self);
  self->tsfn_ = Tsfn::New(
      env, "coreforge:infer", 0, 1, self.get(),
      [](Napi::Env, std::shared_ptr<InferThread>* keep, InferThread* me) {
        me->Signal(true);
        if (me->thread_.joinable()) me->thread_.join();
        delete keep;
      },
      keep);
  // Only jobs in flight keep the process alive (Submit refs, Complete unrefs), as an AsyncWorker's did.
  self->tsfn_.Unref(env);
  try {
    self->thread_ = std::thread([me = self.get()] { me->Loop(); });
  } catch (const std::system_error& e) {
    self->tsfn_.Release();
    throw CodedError(env, {"INFERENCE_FAILED", std::string("cannot start the inference thread: ") + e.what()});
  }
  return self;
}

InferThread::~InferThread() {
  // The finalizer joined the thread; this is a last guard (never run on the thread itself).
  Signal(true);
  if (thread_.joinable()) thread_.join();
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
  if (idle && InlineNext()) {
    // Nothing is queued or running (every job submitted has settled), so the thread does not touch the interpreter.
    Execute(job.get());
    if (job->err.empty()) Record(job->ms);
    Settle(env, job.get(), true);
    return Napi::Value(env, promise);
  }
  if (idle) tsfn_.Ref(env);
  submitted_++;
  bool wake;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(job.release());
    queued_.fetch_add(1, std::memory_order_release);
    wake = sleeping_;
  }
  if (wake) wake_.notify_one();
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
    Execute(job);
    if (tsfn_.NonBlockingCall(job) != napi_ok) delete job;  // the environment is going away
  }
  tsfn_.Release();
}

void InferThread::Execute(Job* job) {
  try {
    std::string message;
    if (!interpreter_->Run(job->inputData, job->inputSize, job->outputData, job->outputSize, &job->ms, &message))
      job->err = {"INFERENCE_FAILED", message};
  } catch (const std::exception& e) {
    job->err = {"INFERENCE_FAILED", std::string("inference failed: ") + e.what()};
  } catch (...) {
    job->err = {"INFERENCE_FAILED", "inference failed: unknown C++ exception"};
  }
}

bool InferThread::InlineNext() const {
  if (inlineBelowMs_ <= 0 || samples_ < kMinSamples) return false;
  size_t n = std::min(samples_, recentMs_.size());
  std::array<double, 5> sorted = recentMs_;
  std::sort(sorted.begin(), sorted.begin() + n);
  return sorted[n / 2] <= inlineBelowMs_;
}

void InferThread::Record(double ms) { recentMs_[samples_++ % recentMs_.size()] = ms; }

void InferThread::Complete(Napi::Env env, Napi::Function, InferThread* self, Job* job) {
  std::unique_ptr<Job> owned(job);
  if (env == nullptr) return;  // torn down: the references went with the environment
  self->completed_++;
  if (self->completed_ == self->submitted_) self->tsfn_.Unref(env);
  if (job->err.empty()) self->Record(job->ms);
  Settle(env, job, false);
}

void InferThread::Settle(Napi::Env env, Job* job, bool inlined) {
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
  result.Set("inline", Napi::Boolean::New(env, inlined));
  napi_resolve_deferred(env, job->deferred, result);
}

}  // namespace coreforge
