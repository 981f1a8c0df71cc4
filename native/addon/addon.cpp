// Module initialisation: per-environment state, the two classes and the free functions.
#include "addon.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "args.h"
#include "fast_math.h"
#include "gemm_ceiling.h"
#include "network_wrap.h"
#include "random_wrap.h"
#include "ridge_wrap.h"
#include "spectral.h"
#include "thread_pool.h"

#ifndef RAN_VARIANT
#define RAN_VARIANT "unknown"
#endif

namespace ranjs {

AddonState* AddonData(Napi::Env env) {
  return env.GetInstanceData<AddonState>();
}
double MaxBytes(Napi::Env env) {
  return AddonData(env)->max_bytes;
}

namespace {

// The BSR form of a matrix object ({n, blockSize, blockRowPtr, blockCol, blockValues}), checked.
void ReadBlocks(const Napi::Object& o, int n, ran::Recurrent& w) {
  w.dense = false;
  w.block = IntField(o, "blockSize", 1, n, 0, true);
  if (n % w.block != 0) Fail(ran::kInvalidArg, "`blockSize` must divide n = " + std::to_string(n));
  const int rows = n / w.block;
  auto rp = Int32(o.Get("blockRowPtr"), "blockRowPtr", static_cast<int64_t>(rows) + 1);
  auto bc = Int32(o.Get("blockCol"), "blockCol", -1);
  const int64_t blocks = static_cast<int64_t>(bc.ElementLength());
  auto v = Float32(o.Get("blockValues"), "blockValues", blocks * w.block * w.block);
  w.block_row_ptr.assign(rp.Data(), rp.Data() + rp.ElementLength());
  w.block_col.assign(bc.Data(), bc.Data() + bc.ElementLength());
  w.block_values.assign(v.Data(), v.Data() + v.ElementLength());
  if (w.block_row_ptr[0] != 0 || w.block_row_ptr[rows] != blocks)
    Fail(ran::kShape, "`blockRowPtr` must start at 0 and end at blockCol.length");
  for (int i = 0; i < rows; ++i)
    if (w.block_row_ptr[i + 1] < w.block_row_ptr[i]) Fail(ran::kInvalidArg, "`blockRowPtr` must be non-decreasing");
  for (int64_t p = 0; p < blocks; ++p)
    if (w.block_col[p] < 0 || w.block_col[p] >= rows)
      Fail(ran::kInvalidArg, "`blockCol[" + std::to_string(p) + "]` is outside [0, n / blockSize)");
}

// spectralRadius({n, dense} | {n, rowPtr, colIdx, values} | {n, blockSize, blockRowPtr, blockCol, blockValues},
//                {tolerance?, denseLimit?})
Napi::Value SpectralRadius(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    Napi::Object o = ObjectArg(info, 0, "matrix");
    const int n = IntField(o, "n", 1, 1 << 26, 0, true);
    ran::Recurrent w;
    if (Has(o, "blockSize")) {
      ReadBlocks(o, n, w);
    } else if (Has(o, "dense")) {
      auto a = Float32(o.Get("dense"), "dense", static_cast<int64_t>(n) * n);
      w.dense_w.assign(a.Data(), a.Data() + a.ElementLength());
    } else {
      w.dense = false;
      auto rp = Int32(o.Get("rowPtr"), "rowPtr", static_cast<int64_t>(n) + 1);
      auto ci = Int32(o.Get("colIdx"), "colIdx", -1);
      auto v = Float32(o.Get("values"), "values", static_cast<int64_t>(ci.ElementLength()));
      w.row_ptr.assign(rp.Data(), rp.Data() + rp.ElementLength());
      w.col_idx.assign(ci.Data(), ci.Data() + ci.ElementLength());
      w.values.assign(v.Data(), v.Data() + v.ElementLength());
      if (w.row_ptr[0] != 0 || w.row_ptr[n] != static_cast<int32_t>(w.col_idx.size()))
        InvalidArg("rowPtr", "a CSR row pointer from 0 to colIdx.length (" + std::to_string(w.col_idx.size()) + ")",
                   "one from " + FormatNumber(w.row_ptr[0]) + " to " + FormatNumber(w.row_ptr[n]));
      for (int i = 0; i < n; ++i)
        if (w.row_ptr[i + 1] < w.row_ptr[i])
          InvalidArg("rowPtr[" + std::to_string(i + 1) + "]", ">= rowPtr[" + std::to_string(i) + "]",
                     FormatNumber(w.row_ptr[i + 1]));
      for (size_t p = 0; p < w.col_idx.size(); ++p)
        if (w.col_idx[p] < 0 || w.col_idx[p] >= n)
          InvalidArg("colIdx[" + std::to_string(p) + "]", "a column in [0, " + std::to_string(n) + ")",
                     FormatNumber(w.col_idx[p]));
    }
    const std::vector<float>& values = w.dense ? w.dense_w : w.block > 0 ? w.block_values : w.values;
    const int64_t shape[1] = {static_cast<int64_t>(values.size())};
    CheckFinite(values.data(), values.size(), "matrix values", shape, 1);
    ran::SpectralOptions so;
    if (ArgAt(info, 1).IsObject()) {
      Napi::Object opt = info[1].As<Napi::Object>();
      so.tolerance = NumberField(opt, "tolerance", so.tolerance, false);
      so.dense_limit = IntField(opt, "denseLimit", 0, 1 << 20, so.dense_limit, false);
    }
    return Napi::Number::New(info.Env(), ran::spectral_radius(w, n, so));
  });
}

Napi::Value SetMemoryLimit(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    const Napi::Value bytes = ArgAt(info, 0);
    if (!bytes.IsNumber() || !(bytes.As<Napi::Number>().DoubleValue() > 0) ||
        !std::isfinite(bytes.As<Napi::Number>().DoubleValue()))
      InvalidArg("bytes", "a finite number in (0, " + FormatNumber(1.7976931348623157e308) + "]", bytes);
    AddonData(info.Env())->max_bytes = info[0].As<Napi::Number>().DoubleValue();
    return info.Env().Undefined();
  });
}

// setErrorClass(cls): the class of every error thrown from now on, as new cls(code, message).
Napi::Value SetErrorClass(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    if (!ArgAt(info, 0).IsFunction()) InvalidArg("cls", "a function", ArgAt(info, 0));
    AddonData(info.Env())->error_class = Napi::Persistent(info[0].As<Napi::Function>());
    return info.Env().Undefined();
  });
}

// threadPool(size?): sets the number of threads that may compute at once (all calls
// together) when given; returns { size, peak }: peak is the most that computed at once
// since the last call.
Napi::Value ThreadPool(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    if (!ArgAt(info, 0).IsUndefined()) ran::set_pool_size(IntArg(info[0], "size", 1, 1024));
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("size", ran::pool_size());
    o.Set("peak", ran::take_pool_peak());
    return o;
  });
}

// fastMath(fn, x): fn ('exp', 'expm1', 'tanh' or 'gelu') of fast_math.h applied to every value
// of the Float32Array x, as the kernels compute it (test/native/fast-math.test.ts).
Napi::Value FastMath(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    const std::vector<std::string> names = {"exp", "expm1", "tanh", "gelu"};
    Napi::Object args = Napi::Object::New(info.Env());
    args.Set("fn", ArgAt(info, 0));
    const int which = ChoiceField(args, "fn", "fn", names, -1);
    if (which < 0) InvalidArg("fn", OneOf(names), ArgAt(info, 0));
    auto x = Float32(ArgAt(info, 1), "x", -1);
    auto y = Napi::Float32Array::New(info.Env(), x.ElementLength());
    const float* in = x.Data();
    float* out = y.Data();
    const size_t n = x.ElementLength();
    switch (which) {
      case 0:
        for (size_t i = 0; i < n; ++i) out[i] = ran::fast_exp(in[i]);
        break;
      case 1:
        for (size_t i = 0; i < n; ++i) out[i] = ran::fast_expm1(in[i]);
        break;
      case 2:
        for (size_t i = 0; i < n; ++i) out[i] = ran::fast_tanh(in[i]);
        break;
      default:
        for (size_t i = 0; i < n; ++i) out[i] = ran::fast_gelu(in[i]);
        break;
    }
    return y;
  });
}

Napi::Value MemoryLimit(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), MaxBytes(info.Env()));
}

Napi::Value BuildInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("variant", RAN_VARIANT);
  o.Set("eigen", "3.4.0");
  o.Set("hardwareThreads", Napi::Number::New(env, std::thread::hardware_concurrency()));
#if defined(__AVX512F__)
  o.Set("simd", "avx512");
#elif defined(__AVX2__)
  o.Set("simd", "avx2");
#elif defined(__SSE2__)
  o.Set("simd", "sse2");
#elif defined(__ARM_NEON)
  o.Set("simd", "neon");
#else
  o.Set("simd", "none");
#endif
  return o;
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* state = new AddonState();
  Napi::Function ridge = RidgeStatsWrap::Define(env);
  Napi::Function network = NetworkWrap::Define(env);
  state->ridge_ctor = Napi::Persistent(ridge);
  state->network_ctor = Napi::Persistent(network);
  env.SetInstanceData(state);
  exports.Set("RidgeStats", ridge);
  exports.Set("Network", network);
  exports.Set("spectralRadius", Napi::Function::New(env, SpectralRadius, "spectralRadius"));
  exports.Set("drawSparseUniform", Napi::Function::New(env, DrawSparseUniform, "drawSparseUniform"));
  exports.Set("normals", Napi::Function::New(env, Normals, "normals"));
  exports.Set("setMemoryLimit", Napi::Function::New(env, SetMemoryLimit, "setMemoryLimit"));
  exports.Set("memoryLimit", Napi::Function::New(env, MemoryLimit, "memoryLimit"));
  exports.Set("setErrorClass", Napi::Function::New(env, SetErrorClass, "setErrorClass"));
  exports.Set("threadPool", Napi::Function::New(env, ThreadPool, "threadPool"));
  exports.Set("buildInfo", Napi::Function::New(env, BuildInfo, "buildInfo"));
  exports.Set("gemmCeiling", Napi::Function::New(env, GemmCeiling, "gemmCeiling"));
  exports.Set("fastMath", Napi::Function::New(env, FastMath, "fastMath"));
  return exports;
}

}  // namespace ranjs

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  return ranjs::Init(env, exports);
}
NODE_API_MODULE(recurrent_attention, InitModule)
