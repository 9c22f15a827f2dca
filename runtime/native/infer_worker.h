// Inference off the JS thread (STYLE P11): Execute() touches no N-API and lets no exception escape.
#pragma once

#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "interpreter.h"

namespace coreforge {

struct InferBaton {
  std::shared_ptr<Interpreter> interpreter;
  std::vector<uint8_t> input;
  std::vector<uint8_t> output;
  double ms = 0;
  NativeError err;
};

class InferWorker : public Napi::AsyncWorker {
 public:
  InferWorker(Napi::Env env, std::unique_ptr<InferBaton> baton);
  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override;
  void OnOK() override;
  void OnError(const Napi::Error& error) override;

 private:
  std::unique_ptr<InferBaton> baton_;
  Napi::Promise::Deferred deferred_;
};

}  // namespace coreforge
