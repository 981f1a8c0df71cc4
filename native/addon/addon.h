// Per-environment state (one per main thread or worker_thread that loads the addon).
#pragma once
#include <napi.h>

namespace ranjs {

struct AddonState {
  Napi::FunctionReference ridge_ctor;
  Napi::FunctionReference network_ctor;
  double max_bytes = 4.0 * 1024 * 1024 * 1024;  // refuse allocations above this
};

AddonState* AddonData(Napi::Env env);
double MaxBytes(Napi::Env env);

}  // namespace ranjs
