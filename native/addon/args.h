// Argument checks at the N-API boundary: every message has one shape ("`name` must be
// …, got …") and every error a stable `code`, the same codes the kernels use.
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>

#include "ran_error.h"

namespace ranjs {

Napi::Error MakeError(Napi::Env env, const std::string& code, const std::string& message);
[[noreturn]] void Fail(const std::string& code, const std::string& message);
// Runs fn, turning ran::Error into a JavaScript error with its code.
template <typename F>
auto Guard(Napi::Env env, F&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const ran::Error& e) {
    throw MakeError(env, e.code(), e.what());
  } catch (const std::bad_alloc&) {
    throw MakeError(env, ran::kTooLarge, "out of memory");
  }
}

std::string Describe(const Napi::Value& v);
Napi::Object ObjectArg(const Napi::CallbackInfo& info, size_t i, const char* name);
bool Has(const Napi::Object& o, const char* key);
int IntField(const Napi::Object& o, const char* key, int min, int max, int fallback, bool required);
double NumberField(const Napi::Object& o, const char* key, double fallback, bool required);
bool BoolField(const Napi::Object& o, const char* key, bool fallback);
int IntArg(const Napi::Value& v, const char* name, int min, int max);

// Exact typed-array kinds; `expected` < 0 skips the length check.
Napi::Float32Array Float32(const Napi::Value& v, const std::string& name, int64_t expected);
Napi::Float64Array Float64(const Napi::Value& v, const std::string& name, int64_t expected);
Napi::Int32Array Int32(const Napi::Value& v, const std::string& name, int64_t expected);

// Throws ERR_RAN_NOT_FINITE naming the first NaN/±Inf as an index into `shape`.
void CheckFinite(const float* data, size_t count, const std::string& name, const int64_t* shape, int dims);
void CheckFinite(const double* data, size_t count, const std::string& name, const int64_t* shape, int dims);

}  // namespace ranjs
