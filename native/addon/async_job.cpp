#include "async_job.h"

#include "args.h"
#include "ran_error.h"

namespace ranjs {

AsyncJob::AsyncJob(Napi::Env env, Napi::Value keep_alive, Execute_ execute, Resolve resolve, Cleanup on_error)
    : Napi::AsyncWorker(env, "recurrent-attention"),
      deferred_(Napi::Promise::Deferred::New(env)),
      keep_alive_(Napi::Persistent(keep_alive)),
      execute_(std::move(execute)),
      resolve_(std::move(resolve)),
      on_error_(std::move(on_error)) {}

Napi::Promise AsyncJob::Start(Napi::Env env, Napi::Value keep_alive, Execute_ execute, Resolve resolve,
                              Cleanup on_error) {
  auto* job = new AsyncJob(env, keep_alive, std::move(execute), std::move(resolve), std::move(on_error));
  Napi::Promise promise = job->deferred_.Promise();
  job->Queue();  // the worker deletes itself after OnOK/OnError
  return promise;
}

void AsyncJob::Execute() {
  try {
    execute_();
  } catch (const ran::Error& e) {
    code_ = e.code();
    SetError(e.what());
  } catch (const std::bad_alloc&) {
    code_ = ran::kTooLarge;
    SetError("out of memory");
  } catch (const std::exception& e) {
    code_ = "ERR_RAN_INTERNAL";
    SetError(e.what());
  }
}

void AsyncJob::OnOK() {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  try {
    deferred_.Resolve(resolve_(env));
  } catch (const Napi::Error& e) {
    deferred_.Reject(e.Value());
  }
}

void AsyncJob::OnError(const Napi::Error& e) {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  if (on_error_) on_error_();
  deferred_.Reject(MakeError(env, code_.empty() ? "ERR_RAN_INTERNAL" : code_, e.Message()).Value());
}

}  // namespace ranjs
