#include "ridge_wrap.h"

#include <cmath>
#include <vector>

#include "addon.h"
#include "args.h"
#include "async_job.h"

namespace ranjs {

Napi::Function RidgeStatsWrap::Define(Napi::Env env) {
  return DefineClass(
      env, "RidgeStats",
      {InstanceAccessor<&RidgeStatsWrap::Features>("features"), InstanceAccessor<&RidgeStatsWrap::Outputs>("outputs"),
       InstanceAccessor<&RidgeStatsWrap::Rows>("rows"), InstanceMethod<&RidgeStatsWrap::AddRows>("addRows"),
       InstanceMethod<&RidgeStatsWrap::AddRowsAsync>("addRowsAsync"), InstanceMethod<&RidgeStatsWrap::Merge>("merge"),
       InstanceMethod<&RidgeStatsWrap::Reset>("reset"), InstanceMethod<&RidgeStatsWrap::Export>("export"),
       InstanceMethod<&RidgeStatsWrap::Import>("import"), InstanceMethod<&RidgeStatsWrap::Solve>("solve"),
       InstanceMethod<&RidgeStatsWrap::SolveAsync>("solveAsync"), InstanceMethod<&RidgeStatsWrap::KeptRows>("keptRows"),
       InstanceMethod<&RidgeStatsWrap::PredictSweep>("predictSweep"),
       InstanceMethod<&RidgeStatsWrap::PredictSweepAsync>("predictSweepAsync")});
}

RidgeStatsWrap::RidgeStatsWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<RidgeStatsWrap>(info) {
  Guard(info.Env(), [&] {
    const int f = IntArg(ArgAt(info, 0), "features", 1, 1 << 16);
    const int o = IntArg(ArgAt(info, 1), "outputs", 1, 1 << 16);
    const bool rows_only = ArgAt(info, 2).IsObject() && FlagField(info[2].As<Napi::Object>(), "rowsOnly", false);
    // A row collector grows with its rows; only accumulated statistics have a fixed size.
    const double bytes = rows_only ? 0.0 : ran::RidgeStats::bytes(f, o);
    if (bytes > MaxBytes(info.Env()))
      Fail(ran::kTooLarge, "RidgeStats of " + std::to_string(f) + " features would need " +
                               std::to_string(bytes / 1e9) + " GB, above the memory limit");
    stats_ = std::make_unique<ran::RidgeStats>(f, o, rows_only);
    external_ = static_cast<int64_t>(bytes);
    Napi::MemoryManagement::AdjustExternalMemory(info.Env(), external_);
  });
}

RidgeStatsWrap::~RidgeStatsWrap() {
  if (external_ != 0) Napi::MemoryManagement::AdjustExternalMemory(Env(), -external_);
}

ran::RidgeStats& RidgeStatsWrap::stats() {
  return *stats_;
}

void RidgeStatsWrap::Acquire() {
  bool expected = false;
  if (!busy_.compare_exchange_strong(expected, true))
    Fail(ran::kBusy, "these ridge statistics are in use by a running call; await it first");
}

Napi::Value RidgeStatsWrap::Features(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), stats_->features());
}
Napi::Value RidgeStatsWrap::Outputs(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), stats_->outputs());
}
Napi::Value RidgeStatsWrap::Rows(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(stats_->rows()));
}

namespace {

// Rows of one addRows call. The synchronous call reads the JavaScript arrays in place (no
// other JavaScript runs meanwhile) and lets the kernel check them as it packs them; the
// asynchronous one owns copies, made and checked before queueing.
struct RowsInput {
  const double* x64 = nullptr;
  const float* x32 = nullptr;
  const double* y = nullptr;
  int64_t rows = 0;
  int threads = 1;
  bool check_finite = false;
  std::vector<double> x64_copy, y_copy;
  std::vector<float> x32_copy;
};

// Checks finiteness at memory speed first; only a failure pays for the slow scan that names
// the first bad value.
template <typename T>
void CheckRowsFinite(const T* data, size_t len, int width, const char* name, int threads) {
  if (ran::all_finite(data, len, threads)) return;
  const int64_t shape[2] = {static_cast<int64_t>(len / width), width};
  CheckFinite(data, len, name, shape, 2);
}

// addRows(x, y, {threads}): x and y as Float64Array or Float32Array rows.
void ReadRows(const Napi::CallbackInfo& info, const ran::RidgeStats& s, bool copy, RowsInput& in) {
  if (!ArgAt(info, 2).IsUndefined()) {
    if (!info[2].IsObject()) InvalidArg("options", "an object", info[2]);
    in.threads = IntField(info[2].As<Napi::Object>(), "threads", 1, 1024, 1, false);
  }
  auto typed = [&](const Napi::Value& v, const char* name, int width) -> Napi::TypedArray {
    const bool kind = v.IsTypedArray() && (v.As<Napi::TypedArray>().TypedArrayType() == napi_float64_array ||
                                           v.As<Napi::TypedArray>().TypedArrayType() == napi_float32_array);
    if (!kind) InvalidArg(name, "a Float64Array or Float32Array", v);
    auto ta = v.As<Napi::TypedArray>();
    Attached(ta, name, ta.TypedArrayType() == napi_float64_array ? "Float64Array" : "Float32Array");
    if (ta.ElementLength() % width != 0) {
      const int64_t len = static_cast<int64_t>(ta.ElementLength());
      ShapeError(name, (len / width + 1) * width, len, "whole rows of " + std::to_string(width));
    }
    return ta;
  };
  Napi::TypedArray x = typed(ArgAt(info, 0), "x", s.features());
  Napi::TypedArray y = typed(ArgAt(info, 1), "y", s.outputs());
  in.rows = static_cast<int64_t>(x.ElementLength() / s.features());
  const int64_t ry = static_cast<int64_t>(y.ElementLength() / s.outputs());
  if (ry != in.rows)
    ShapeError("y", in.rows * s.outputs(), static_cast<int64_t>(y.ElementLength()),
               "one row per row of `x`: " + std::to_string(in.rows) + " rows of " + std::to_string(s.outputs()));

  const size_t nx = x.ElementLength(), ny = y.ElementLength();
  in.check_finite = !copy;
  if (x.TypedArrayType() == napi_float64_array) {
    const double* d = x.As<Napi::Float64Array>().Data();
    if (copy) CheckRowsFinite(d, nx, s.features(), "x", in.threads);
    if (copy) in.x64_copy.assign(d, d + nx);
    in.x64 = copy ? in.x64_copy.data() : d;
  } else {
    const float* d = x.As<Napi::Float32Array>().Data();
    if (copy) CheckRowsFinite(d, nx, s.features(), "x", in.threads);
    if (copy) in.x32_copy.assign(d, d + nx);
    in.x32 = copy ? in.x32_copy.data() : d;
  }
  if (y.TypedArrayType() == napi_float64_array) {
    const double* d = y.As<Napi::Float64Array>().Data();
    if (copy) CheckRowsFinite(d, ny, s.outputs(), "y", 1);
    if (copy) in.y_copy.assign(d, d + ny);
    in.y = copy ? in.y_copy.data() : d;
  } else {
    const float* d = y.As<Napi::Float32Array>().Data();
    if (copy) CheckRowsFinite(d, ny, s.outputs(), "y", 1);
    in.y_copy.assign(d, d + ny);
    in.y = in.y_copy.data();
  }
}

void AddTo(ran::RidgeStats& s, const RowsInput& in) {
  if (in.x64 != nullptr) {
    s.add_rows(in.x64, in.y, in.rows, in.threads, in.check_finite);
  } else {
    s.add_rows(in.x32, in.y, in.rows, in.threads, in.check_finite);
  }
}

std::vector<double> ReadLambdas(const Napi::Value& v) {
  std::vector<double> l;
  if (v.IsNumber()) {
    l.push_back(v.As<Napi::Number>().DoubleValue());
  } else if (v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_float64_array) {
    auto a = v.As<Napi::Float64Array>();
    l.assign(a.Data(), a.Data() + a.ElementLength());
  } else {
    InvalidArg("ridge", "a number or a Float64Array", v);
  }
  if (l.empty()) InvalidArg("ridge", "a number or a non-empty Float64Array", v);
  return l;
}

std::vector<double> SolveAll(const ran::RidgeStats& s, const std::vector<double>& lambdas, bool sweep,
                             bool skip_singular) {
  if (s.rows() == 0) Fail(ran::kState, "no rows have been accumulated; nothing to solve");
  if (!sweep && lambdas.size() == 1) return s.solve_cholesky(lambdas[0]);
  return s.solve_sweep(lambdas, skip_singular);
}

// solve(ridge, {skipSingular}) : the option only applies to sweeps.
bool SkipSingular(const Napi::CallbackInfo& info) {
  return ArgAt(info, 1).IsObject() && FlagField(info[1].As<Napi::Object>(), "skipSingular", false);
}

}  // namespace

Napi::Value RidgeStatsWrap::AddRows(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    Acquire();
    try {
      RowsInput in;
      ReadRows(info, *stats_, false, in);
      AddTo(*stats_, in);
    } catch (...) {
      Release();
      throw;
    }
    Release();
    return info.Env().Undefined();
  });
}

Napi::Value RidgeStatsWrap::AddRowsAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    auto in = std::make_shared<RowsInput>();
    ReadRows(info, *stats_, true, *in);
    Acquire();
    ran::RidgeStats* s = stats_.get();
    return AsyncJob::Start(
        env, Value(), [s, in] { AddTo(*s, *in); },
        [this](Napi::Env e) {
          Release();
          return e.Undefined();
        },
        [this] { Release(); });
  });
}

Napi::Value RidgeStatsWrap::Merge(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    if (!ArgAt(info, 0).IsObject() || !info[0].As<Napi::Object>().InstanceOf(AddonData(info.Env())->ridge_ctor.Value()))
      InvalidArg("other", "a RidgeStats", ArgAt(info, 0));
    RidgeStatsWrap* other = Unwrap(info[0].As<Napi::Object>());
    if (other == this) InvalidArg("other", "other statistics than these", "these statistics");
    Acquire();
    try {
      other->Acquire();  // a running job may be writing the other statistics
    } catch (...) {
      Release();
      throw;
    }
    try {
      stats_->merge(*other->stats_);
    } catch (...) {
      other->Release();
      Release();
      throw;
    }
    other->Release();
    Release();
    return info.Env().Undefined();
  });
}

Napi::Value RidgeStatsWrap::Reset(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    Acquire();
    stats_->reset();
    Release();
    return info.Env().Undefined();
  });
}

Napi::Value RidgeStatsWrap::Export(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    Napi::Env env = info.Env();
    Acquire();  // a running job may be writing the statistics
    std::vector<double> xtx, xty;
    try {
      xtx = stats_->xtx();
      xty = stats_->xty();
    } catch (...) {
      Release();
      throw;
    }
    Release();
    auto a = Napi::Float64Array::New(env, xtx.size());
    std::copy(xtx.begin(), xtx.end(), a.Data());
    auto b = Napi::Float64Array::New(env, xty.size());
    std::copy(xty.begin(), xty.end(), b.Data());
    Napi::Object o = Napi::Object::New(env);
    o.Set("xtx", a);
    o.Set("xty", b);
    o.Set("rows", Napi::Number::New(env, static_cast<double>(stats_->rows())));
    return o;
  });
}

Napi::Value RidgeStatsWrap::Import(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    Napi::Object o = ObjectArg(info, 0, "saved");
    const int64_t f = stats_->features(), out = stats_->outputs();
    auto a = Float64(o.Get("xtx"), "saved.xtx", f * f);
    auto b = Float64(o.Get("xty"), "saved.xty", f * out);
    const double rows = NumberField(o, "rows", 0, true);
    if (rows < 0 || rows != std::floor(rows)) InvalidArg("saved.rows", "an integer >= 0", o.Get("rows"));
    const int64_t s1[2] = {f, f}, s2[2] = {f, out};
    CheckFinite(a.Data(), a.ElementLength(), "saved.xtx", s1, 2);
    CheckFinite(b.Data(), b.ElementLength(), "saved.xty", s2, 2);
    Acquire();
    stats_->set(a.Data(), b.Data(), static_cast<int64_t>(rows));
    Release();
    return info.Env().Undefined();
  });
}

Napi::Value RidgeStatsWrap::Solve(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    Napi::Env env = info.Env();
    const bool sweep = !ArgAt(info, 0).IsNumber();
    const std::vector<double> lambdas = ReadLambdas(ArgAt(info, 0));
    Acquire();
    std::vector<double> w;
    try {
      w = SolveAll(*stats_, lambdas, sweep, SkipSingular(info));
    } catch (...) {
      Release();
      throw;
    }
    Release();
    auto out = Napi::Float64Array::New(env, w.size());
    std::copy(w.begin(), w.end(), out.Data());
    return static_cast<Napi::Value>(out);
  });
}

Napi::Value RidgeStatsWrap::SolveAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    const bool sweep = !ArgAt(info, 0).IsNumber();
    auto lambdas = std::make_shared<std::vector<double>>(ReadLambdas(ArgAt(info, 0)));
    auto result = std::make_shared<std::vector<double>>();
    const bool skip = SkipSingular(info);
    Acquire();
    ran::RidgeStats* s = stats_.get();
    return AsyncJob::Start(
        env, Value(), [s, lambdas, result, sweep, skip] { *result = SolveAll(*s, *lambdas, sweep, skip); },
        [this, result](Napi::Env e) -> Napi::Value {
          Release();
          auto out = Napi::Float64Array::New(e, result->size());
          std::copy(result->begin(), result->end(), out.Data());
          return out;
        },
        [this] { Release(); });
  });
}

// keptRows(): copies of the rows a collector (or small statistics) holds, {x, y} row-major.
Napi::Value RidgeStatsWrap::KeptRows(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    Napi::Env env = info.Env();
    if (!stats_->rows_kept()) Fail(ran::kState, "these statistics no longer hold their rows (more rows than features)");
    Acquire();
    const auto& x = stats_->kept_x();
    const auto& y = stats_->kept_y();
    auto a = Napi::Float64Array::New(env, x.size());
    std::copy(x.begin(), x.end(), a.Data());
    auto b = Napi::Float64Array::New(env, y.size());
    std::copy(y.begin(), y.end(), b.Data());
    Release();
    Napi::Object o = Napi::Object::New(env);
    o.Set("x", a);
    o.Set("y", b);
    return o;
  });
}

RidgeStatsWrap* RidgeStatsWrap::QueriesArg(const Napi::CallbackInfo& info) {
  if (!ArgAt(info, 0).IsObject() || !info[0].As<Napi::Object>().InstanceOf(AddonData(info.Env())->ridge_ctor.Value()))
    InvalidArg("queries", "a RidgeStats row collector", ArgAt(info, 0));
  RidgeStatsWrap* q = Unwrap(info[0].As<Napi::Object>());
  if (q == this) InvalidArg("queries", "other statistics than these", "these statistics");
  return q;
}

namespace {

bool SkipSingularAt(const Napi::CallbackInfo& info, size_t i) {
  return ArgAt(info, i).IsObject() && FlagField(info[i].As<Napi::Object>(), "skipSingular", false);
}

std::vector<double> PredictAll(const ran::RidgeStats& s, const ran::RidgeStats& q, const std::vector<double>& lambdas,
                               bool skip) {
  if (s.rows() == 0) Fail(ran::kState, "no rows have been accumulated; nothing to solve");
  return s.predict_sweep(q, lambdas, skip);
}

}  // namespace

// predictSweep(queries, ridges, {skipSingular}): outputs [n_ridges][query rows][outputs] of the
// rows held by the collector `queries` for every λ, from one eigendecomposition.
Napi::Value RidgeStatsWrap::PredictSweep(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    RidgeStatsWrap* q = QueriesArg(info);
    const std::vector<double> lambdas = ReadLambdas(ArgAt(info, 1));
    Acquire();
    std::vector<double> p;
    try {
      q->Acquire();
    } catch (...) {
      Release();
      throw;
    }
    try {
      p = PredictAll(*stats_, *q->stats_, lambdas, SkipSingularAt(info, 2));
    } catch (...) {
      q->Release();
      Release();
      throw;
    }
    q->Release();
    Release();
    auto out = Napi::Float64Array::New(info.Env(), p.size());
    std::copy(p.begin(), p.end(), out.Data());
    return static_cast<Napi::Value>(out);
  });
}

Napi::Value RidgeStatsWrap::PredictSweepAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    RidgeStatsWrap* q = QueriesArg(info);
    auto lambdas = std::make_shared<std::vector<double>>(ReadLambdas(ArgAt(info, 1)));
    auto result = std::make_shared<std::vector<double>>();
    const bool skip = SkipSingularAt(info, 2);
    Acquire();
    try {
      q->Acquire();
    } catch (...) {
      Release();
      throw;
    }
    auto pin = std::make_shared<Napi::ObjectReference>(Napi::Persistent(info[0].As<Napi::Object>()));
    ran::RidgeStats* s = stats_.get();
    ran::RidgeStats* qs = q->stats_.get();
    return AsyncJob::Start(
        env, Value(), [s, qs, lambdas, result, skip] { *result = PredictAll(*s, *qs, *lambdas, skip); },
        [this, q, pin, result](Napi::Env e) -> Napi::Value {
          q->Release();
          Release();
          pin->Reset();
          auto out = Napi::Float64Array::New(e, result->size());
          std::copy(result->begin(), result->end(), out.Data());
          return out;
        },
        [this, q, pin] {
          q->Release();
          Release();
          pin->Reset();
        });
  });
}

}  // namespace ranjs
