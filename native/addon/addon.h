// Per-environment state (one per main thread or worker_thread that loads the addon).
#pragma once
#include <napi.h>

namespace ranjs {

struct AddonState {
  Napi::FunctionReference ridge_ctor;
  Napi::FunctionReference network_ctor;
  // The JavaScript class of every error the addon throws (RanError, lib/errors.ts), called
  // as new cls(code, message); handed over by the loader (setErrorClass).
  Napi::FunctionReference error_class;
  double max_bytes = 4.0 * 1024 * 1024 * 1024;  // refuse allocations above this
};

AddonState* AddonData(Napi::Env env);
double MaxBytes(Napi::Env env);

}  // namespace ranjs
