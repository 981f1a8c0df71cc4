#include "args.h"

#include "addon.h"

#include <cmath>
#include <limits>
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

std::string Describe(const Napi::Value& v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsNumber()) {
    std::ostringstream s;
    s << v.As<Napi::Number>().DoubleValue();
    return s.str();
  }
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value() ? "true" : "false";
  if (v.IsString()) return "a string";
  if (v.IsTypedArray()) {
    switch (v.As<Napi::TypedArray>().TypedArrayType()) {
      case napi_float32_array:
        return "a Float32Array";
      case napi_float64_array:
        return "a Float64Array";
      case napi_int32_array:
        return "an Int32Array";
      case napi_uint8_array:
        return "a Uint8Array";
      default:
        return "another typed array";
    }
  }
  if (v.IsArray()) return "an Array";
  if (v.IsFunction()) return "a function";
  if (v.IsObject()) return "an object";
  return "a value of another type";
}

Napi::Object ObjectArg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (info.Length() <= i || !info[i].IsObject()) {
    Fail(ran::kInvalidArg, std::string("`") + name + "` must be an object, got " +
                               Describe(info.Length() > i ? info[i] : info.Env().Undefined()));
  }
  return info[i].As<Napi::Object>();
}

bool Has(const Napi::Object& o, const char* key) {
  if (!o.Has(key)) return false;
  Napi::Value v = o.Get(key);
  return !v.IsUndefined() && !v.IsNull();
}

int IntArg(const Napi::Value& v, const char* name, int min, int max) {
  if (!v.IsNumber()) Fail(ran::kInvalidArg, std::string("`") + name + "` must be an integer, got " + Describe(v));
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d == std::floor(d)) || d < min || d > max) {
    std::ostringstream s;
    s << "`" << name << "` must be an integer in [" << min << ", " << max << "], got " << Describe(v);
    Fail(ran::kInvalidArg, s.str());
  }
  return static_cast<int>(d);
}

int IntField(const Napi::Object& o, const char* key, int min, int max, int fallback, bool required) {
  if (!Has(o, key)) {
    if (required) Fail(ran::kInvalidArg, std::string("`") + key + "` is required");
    return fallback;
  }
  return IntArg(o.Get(key), key, min, max);
}

double NumberField(const Napi::Object& o, const char* key, double fallback, bool required) {
  if (!Has(o, key)) {
    if (required) Fail(ran::kInvalidArg, std::string("`") + key + "` is required");
    return fallback;
  }
  Napi::Value v = o.Get(key);
  if (!v.IsNumber() || !std::isfinite(v.As<Napi::Number>().DoubleValue())) {
    Fail(ran::kInvalidArg, std::string("`") + key + "` must be a finite number, got " + Describe(v));
  }
  return v.As<Napi::Number>().DoubleValue();
}

bool BoolField(const Napi::Object& o, const char* key, bool fallback) {
  if (!Has(o, key)) return fallback;
  Napi::Value v = o.Get(key);
  if (!v.IsBoolean()) Fail(ran::kInvalidArg, std::string("`") + key + "` must be a boolean, got " + Describe(v));
  return v.As<Napi::Boolean>().Value();
}

namespace {

template <typename A>
A Typed(const Napi::Value& v, const std::string& name, int64_t expected, napi_typedarray_type kind,
        const char* kind_name) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != kind) {
    Fail(ran::kInvalidArg, "`" + name + "` must be a " + kind_name + ", got " + Describe(v));
  }
  A a = v.As<A>();
  if (a.ArrayBuffer().IsDetached()) {
    Fail(ran::kInvalidArg, "`" + name + "` is detached (its ArrayBuffer was transferred)");
  }
  if (expected >= 0 && static_cast<int64_t>(a.ElementLength()) != expected) {
    Fail(ran::kShape,
         "`" + name + "` must hold " + std::to_string(expected) + " values, got " + std::to_string(a.ElementLength()));
  }
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
      std::ostringstream s;
      s << "`" << name << "` must be finite, found " << data[i] << " at [";
      for (int k = 0; k < dims; ++k) s << (k ? ", " : "") << idx[k];
      s << "]";
      Fail(ran::kNotFinite, s.str());
    }
  }
}

}  // namespace

Napi::Float32Array Float32(const Napi::Value& v, const std::string& name, int64_t expected) {
  return Typed<Napi::Float32Array>(v, name, expected, napi_float32_array, "Float32Array");
}
Napi::Float64Array Float64(const Napi::Value& v, const std::string& name, int64_t expected) {
  return Typed<Napi::Float64Array>(v, name, expected, napi_float64_array, "Float64Array");
}
Napi::Int32Array Int32(const Napi::Value& v, const std::string& name, int64_t expected) {
  return Typed<Napi::Int32Array>(v, name, expected, napi_int32_array, "Int32Array");
}

void CheckFinite(const float* data, size_t count, const std::string& name, const int64_t* shape, int dims) {
  CheckFiniteT(data, count, name, shape, dims);
}
void CheckFinite(const double* data, size_t count, const std::string& name, const int64_t* shape, int dims) {
  CheckFiniteT(data, count, name, shape, dims);
}

}  // namespace ranjs
