// Argument checks at the N-API boundary.
//
// Where validation lives (docs/architecture.md, "Validation"): the TypeScript layer validates
// every public argument once, under its public name (lib/validate.ts, lib/reservoirs/run-options.ts).
// The addon is private; it re-checks only what it must to never read or write out of bounds or
// mis-size an allocation — typed-array kinds and lengths, sizes, index ranges, enum strings —
// and scans buffer contents (finiteness), which only it reads at memory speed. Its messages
// have the wording of lib/errors.ts, built here and nowhere else in native/:
//   ERR_RAN_INVALID_ARG  "`name` must be <expected>, got <Describe(value)>"
//   ERR_RAN_SHAPE        "`name` must hold <n> values[ (<why>)], got <m>"
//   ERR_RAN_NOT_FINITE   "`name` must be finite, found <NaN|Infinity|-Infinity> at [i, j, …]"
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

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

// The same text as describe() of lib/errors.ts for every kind of JavaScript value.
std::string Describe(const Napi::Value& v);
// A number as JavaScript's String(x) prints the values the addon reports (integers, NaN, ±Infinity).
std::string FormatNumber(double x);
// `one of "a", "b"`, as oneOf() of lib/validate.ts words it.
std::string OneOf(const std::vector<std::string>& values);

[[noreturn]] void InvalidArg(const std::string& name, const std::string& expected, const Napi::Value& got);
[[noreturn]] void InvalidArg(const std::string& name, const std::string& expected, const std::string& got);
// `why`, when given, is said in parentheses after the count (as shapeMismatch of lib/errors.ts).
[[noreturn]] void ShapeError(const std::string& name, int64_t expected, int64_t got, const std::string& why = "");

// The argument at position i, or undefined.
Napi::Value ArgAt(const Napi::CallbackInfo& info, size_t i);
Napi::Object ObjectArg(const Napi::CallbackInfo& info, size_t i, const char* name);
bool Has(const Napi::Object& o, const char* key);
int IntField(const Napi::Object& o, const char* key, int min, int max, int fallback, bool required);
double NumberField(const Napi::Object& o, const char* key, double fallback, bool required);
// A flag of a private options object: read as JavaScript's truthiness (what the value means
// is checked by the TypeScript layer; no value can make it unsafe).
bool FlagField(const Napi::Object& o, const char* key, bool fallback);
int IntArg(const Napi::Value& v, const std::string& name, int min, int max);
// The index of o[key] in `values` (`fallback` when absent).
int ChoiceField(const Napi::Object& o, const char* key, const std::string& name, const std::vector<std::string>& values,
                int fallback);

// Exact typed-array kinds; `expected` < 0 skips the length check.
Napi::Float32Array Float32(const Napi::Value& v, const std::string& name, int64_t expected);
Napi::Float64Array Float64(const Napi::Value& v, const std::string& name, int64_t expected);
Napi::Int32Array Int32(const Napi::Value& v, const std::string& name, int64_t expected);
// Throws unless the array's buffer is attached (a transferred buffer has no contents).
void Attached(const Napi::TypedArray& a, const std::string& name, const char* kind);

// Throws ERR_RAN_NOT_FINITE naming the first NaN/±Inf as an index into `shape`.
void CheckFinite(const float* data, size_t count, const std::string& name, const int64_t* shape, int dims);
void CheckFinite(const double* data, size_t count, const std::string& name, const int64_t* shape, int dims);

}  // namespace ranjs
