// A Promise-returning job on libuv's pool. The JS object whose C++ state the job uses is
// pinned for the job's lifetime; inputs are copied by the caller before Start().
#pragma once
#include <napi.h>

#include <functional>
#include <string>

namespace ranjs {

class AsyncJob : public Napi::AsyncWorker {
 public:
  using Execute_ = std::function<void()>;
  using Resolve = std::function<Napi::Value(Napi::Env)>;
  using Cleanup = std::function<void()>;

  static Napi::Promise Start(Napi::Env env, Napi::Value keep_alive, Execute_ execute, Resolve resolve,
                             Cleanup on_error);

 private:
  AsyncJob(Napi::Env env, Napi::Value keep_alive, Execute_ execute, Resolve resolve, Cleanup on_error);
  void Execute() override;
  void OnOK() override;
  void OnError(const Napi::Error& e) override;

  Napi::Promise::Deferred deferred_;
  Napi::Reference<Napi::Value> keep_alive_;
  Execute_ execute_;
  Resolve resolve_;
  Cleanup on_error_;
  std::string code_;
};

}  // namespace ranjs
