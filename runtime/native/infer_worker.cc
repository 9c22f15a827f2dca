#include "infer_worker.h"

#include <exception>

#include "bindings.h"

namespace coreforge {

InferWorker::InferWorker(Napi::Env env, std::unique_ptr<InferBaton> baton)
    : Napi::AsyncWorker(env, "coreforge:infer"),
      baton_(std::move(baton)),
      deferred_(Napi::Promise::Deferred::New(env)) {}

void InferWorker::Execute() {
  try {
    std::string message;
    if (!baton_->interpreter->Run(baton_->input.data(), baton_->input.size(), &baton_->output, &baton_->ms, &message))
      baton_->err = {"INFERENCE_FAILED", message};
  } catch (const std::exception& e) {
    baton_->err = {"INFERENCE_FAILED", std::string("inference failed: ") + e.what()};
  } catch (...) {
    baton_->err = {"INFERENCE_FAILED", "inference failed: unknown C++ exception"};
  }
}

void InferWorker::OnOK() {
  Napi::Env env = Env();
  if (!baton_->err.empty()) {
    deferred_.Reject(CodedError(env, baton_->err).Value());
    return;
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("output", Napi::Buffer<uint8_t>::Copy(env, baton_->output.data(), baton_->output.size()));
  result.Set("ms", Napi::Number::New(env, baton_->ms));
  deferred_.Resolve(result);
}

void InferWorker::OnError(const Napi::Error& error) { deferred_.Reject(error.Value()); }

}  // namespace coreforge
