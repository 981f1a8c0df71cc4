#include "args.h"

#include "addon.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace ranjs {

Napi::Error MakeError(Napi::Env env, const std::string& code, const std::string& message) {
  AddonState* state = AddonData(env);
  if (state != nullptr && !state->error_class.IsEmpty()) {
    Napi::Value e = state->error_class.New({Napi::String::New(env, code), Napi::String::New(env, message)});
    return Napi::Error(env, e);
  }
  // Only before the loader has handed the class over (a raw require of the .node file).
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("code", Napi::String::New(env, code));
  return e;
}

void Fail(const std::string& code, const std::string& message) {
  throw ran::Error(code, message);
}

std::string FormatNumber(double x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x == std::floor(x) && std::fabs(x) < 1e21) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", x == 0 ? 0.0 : x);  // -0 prints as 0, as in JavaScript
    return buf;
  }
  std::ostringstream s;
  s.precision(17);
  s << x;
  return s.str();
}

namespace {

// "an" before a vowel sound: an Int32Array, a Uint8Array, a Float64Array (as lib/errors.ts).
std::string WithArticle(const std::string& name) {
  const bool vowel = !name.empty() && std::string("AEIO").find(name[0]) != std::string::npos;
  return (vowel ? "an " : "a ") + name;
}

const char* TypedArrayName(napi_typedarray_type t) {
  switch (t) {
    case napi_int8_array:
      return "Int8Array";
    case napi_uint8_array:
      return "Uint8Array";
    case napi_uint8_clamped_array:
      return "Uint8ClampedArray";
    case napi_int16_array:
      return "Int16Array";
    case napi_uint16_array:
      return "Uint16Array";
    case napi_int32_array:
      return "Int32Array";
    case napi_uint32_array:
      return "Uint32Array";
    case napi_float32_array:
      return "Float32Array";
    case napi_float64_array:
      return "Float64Array";
    case napi_bigint64_array:
      return "BigInt64Array";
    case napi_biguint64_array:
      return "BigUint64Array";
    default:
      return "TypedArray";
  }
}

std::string DescribeString(const Napi::String& s) {
  std::u16string text = s.Utf16Value();
  if (text.size() <= 40) return "\"" + s.Utf8Value() + "\"";
  text.resize(40);
  return "\"" + Napi::String::New(s.Env(), text).Utf8Value() + "…\"";
}

}  // namespace

std::string Describe(const Napi::Value& v) {
  switch (v.Type()) {
    case napi_undefined:
      return "undefined";
    case napi_null:
      return "null";
    case napi_number:
    case napi_boolean:
      return v.ToString().Utf8Value();  // JavaScript's own String(v)
    case napi_string:
      return DescribeString(v.As<Napi::String>());
    case napi_function:
      return "a function";
    case napi_symbol:
      return "a symbol";
    case napi_bigint:
      return "a bigint (" + v.ToString().Utf8Value() + "n)";
    default:
      break;
  }
  if (v.IsTypedArray()) return WithArticle(TypedArrayName(v.As<Napi::TypedArray>().TypedArrayType()));
  if (v.IsDataView()) return "a DataView";
  if (v.IsArray()) return "an Array";
  return "an object";
}

std::string OneOf(const std::vector<std::string>& values) {
  std::string s = "one of ";
  for (size_t i = 0; i < values.size(); ++i) s += (i ? ", \"" : "\"") + values[i] + "\"";
  return s;
}

void InvalidArg(const std::string& name, const std::string& expected, const std::string& got) {
  Fail(ran::kInvalidArg, "`" + name + "` must be " + expected + ", got " + got);
}
void InvalidArg(const std::string& name, const std::string& expected, const Napi::Value& got) {
  InvalidArg(name, expected, Describe(got));
}
void ShapeError(const std::string& name, int64_t expected, int64_t got, const std::string& why) {
  Fail(ran::kShape, "`" + name + "` must hold " + std::to_string(expected) + " values" +
                        (why.empty() ? "" : " (" + why + ")") + ", got " + std::to_string(got));
}

Napi::Value ArgAt(const Napi::CallbackInfo& info, size_t i) {
  return info.Length() > i ? info[i] : info.Env().Undefined();
}

Napi::Object ObjectArg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  const Napi::Value v = ArgAt(info, i);
  if (!v.IsObject()) InvalidArg(name, "an object", v);
  return v.As<Napi::Object>();
}

bool Has(const Napi::Object& o, const char* key) {
  if (!o.Has(key)) return false;
  Napi::Value v = o.Get(key);
  return !v.IsUndefined() && !v.IsNull();
}

int IntArg(const Napi::Value& v, const std::string& name, int min, int max) {
  const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : NAN;
  if (!(d == std::floor(d)) || d < min || d > max)
    InvalidArg(name, "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]", v);
  return static_cast<int>(d);
}

int IntField(const Napi::Object& o, const char* key, int min, int max, int fallback, bool required) {
  if (!required && !Has(o, key)) return fallback;
  return IntArg(o.Get(key), key, min, max);
}

double NumberField(const Napi::Object& o, const char* key, double fallback, bool required) {
  if (!required && !Has(o, key)) return fallback;
  Napi::Value v = o.Get(key);
  if (!v.IsNumber() || !std::isfinite(v.As<Napi::Number>().DoubleValue())) InvalidArg(key, "a finite number", v);
  return v.As<Napi::Number>().DoubleValue();
}

bool FlagField(const Napi::Object& o, const char* key, bool fallback) {
  if (!Has(o, key)) return fallback;
  return o.Get(key).ToBoolean().Value();
}

int ChoiceField(const Napi::Object& o, const char* key, const std::string& name, const std::vector<std::string>& values,
                int fallback) {
  if (!Has(o, key)) return fallback;
  const Napi::Value v = o.Get(key);
  if (v.IsString()) {
    const std::string s = v.As<Napi::String>().Utf8Value();
    for (size_t i = 0; i < values.size(); ++i)
      if (s == values[i]) return static_cast<int>(i);
  }
  InvalidArg(name, OneOf(values), v);
}

void Attached(const Napi::TypedArray& a, const std::string& name, const char* kind) {
  if (a.ArrayBuffer().IsDetached())
    InvalidArg(name, WithArticle(kind) + " whose buffer is not detached (transferred)", a);
}

namespace {

template <typename A>
A Typed(const Napi::Value& v, const std::string& name, int64_t expected, napi_typedarray_type kind) {
  const char* kind_name = TypedArrayName(kind);
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != kind)
    InvalidArg(name, WithArticle(kind_name), v);
  A a = v.As<A>();
  Attached(a, name, kind_name);
  if (expected >= 0 && static_cast<int64_t>(a.ElementLength()) != expected)
    ShapeError(name, expected, static_cast<int64_t>(a.ElementLength()));
  return a;
}

template <typename T>
void CheckFiniteT(const T* data, size_t count, const std::string& name, const int64_t* shape, int dims) {
  for (size_t i = 0; i < count; ++i) {
    if (!std::isfinite(data[i])) {
      std::vector<int64_t> idx(dims);
      size_t rest = i;
      for (int k = dims - 1; k >= 0; --k) {
        idx[k] = static_cast<int64_t>(rest % static_cast<size_t>(shape[k]));
        rest /= static_cast<size_t>(shape[k]);
      }
      ran::throw_not_finite(name, static_cast<double>(data[i]), idx.data(), dims);
    }
  }
}

}  // namespace

Napi::Float32Array Float32(const Napi::Value& v, const std::string& name, int64_t expected) {
  return Typed<Napi::Float32Array>(v, name, expected, napi_float32_array);
}
Napi::Float64Array Float64(const Napi::Value& v, const std::string& name, int64_t expected) {
  return Typed<Napi::Float64Array>(v, name, expected, napi_float64_array);
}
Napi::Int32Array Int32(const Napi::Value& v, const std::string& name, int64_t expected) {
  return Typed<Napi::Int32Array>(v, name, expected, napi_int32_array);
}

void CheckFinite(const float* data, size_t count, const std::string& name, const int64_t* shape, int dims) {
  CheckFiniteT(data, count, name, shape, dims);
}
void CheckFinite(const double* data, size_t count, const std::string& name, const int64_t* shape, int dims) {
  CheckFiniteT(data, count, name, shape, dims);
}

}  // namespace ranjs
