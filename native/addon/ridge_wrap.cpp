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

// {skipSingular} at argument i: solve(ridge, o) (it only applies to sweeps), predictSweep(q, ridges, o).
bool SkipSingularAt(const Napi::CallbackInfo& info, size_t i) {
  return ArgAt(info, i).IsObject() && FlagField(info[i].As<Napi::Object>(), "skipSingular", false);
}

}  // namespace

BusyHold::BusyHold(RidgeStatsWrap* a, RidgeStatsWrap* b) {
  if (a != nullptr) a->Acquire();
  a_ = a;
  if (b == nullptr) return;
  try {
    b->Acquire();
  } catch (...) {
    Release();  // a constructor that throws runs no destructor
    throw;
  }
  b_ = b;
}

void BusyHold::Release() {
  if (b_ != nullptr) b_->Release();
  if (a_ != nullptr) a_->Release();
  a_ = b_ = nullptr;
}

namespace {

Napi::Float64Array ToFloat64Array(Napi::Env env, const std::vector<double>& v) {
  auto out = Napi::Float64Array::New(env, v.size());
  std::copy(v.begin(), v.end(), out.Data());
  return out;
}

}  // namespace

Napi::Value RidgeStatsWrap::AddRows(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    BusyHold hold(this);
    RowsInput in;
    ReadRows(info, *stats_, false, in);
    AddTo(*stats_, in);
    return info.Env().Undefined();
  });
}

Napi::Value RidgeStatsWrap::AddRowsAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    auto in = std::make_shared<RowsInput>();
    ReadRows(info, *stats_, true, *in);
    auto hold = std::make_shared<BusyHold>(this);
    ran::RidgeStats* s = stats_.get();
    return AsyncJob::Start(
        env, Value(), [s, in] { AddTo(*s, *in); },
        [hold](Napi::Env e) {
          hold->Release();
          return e.Undefined();
        },
        [hold] { hold->Release(); });
  });
}

Napi::Value RidgeStatsWrap::Merge(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    if (!ArgAt(info, 0).IsObject() || !info[0].As<Napi::Object>().InstanceOf(AddonData(info.Env())->ridge_ctor.Value()))
      InvalidArg("other", "a RidgeStats", ArgAt(info, 0));
    RidgeStatsWrap* other = Unwrap(info[0].As<Napi::Object>());
    if (other == this) InvalidArg("other", "other statistics than these", "these statistics");
    BusyHold hold(this, other);
    stats_->merge(*other->stats_);
    return info.Env().Undefined();
  });
}

Napi::Value RidgeStatsWrap::Reset(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    BusyHold hold(this);
    stats_->reset();
    return info.Env().Undefined();
  });
}

Napi::Value RidgeStatsWrap::Export(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    Napi::Env env = info.Env();
    std::vector<double> xtx, xty;
    {
      BusyHold hold(this);
      xtx = stats_->xtx();
      xty = stats_->xty();
    }
    Napi::Object o = Napi::Object::New(env);
    o.Set("xtx", ToFloat64Array(env, xtx));
    o.Set("xty", ToFloat64Array(env, xty));
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
    BusyHold hold(this);
    stats_->set(a.Data(), b.Data(), static_cast<int64_t>(rows));
    return info.Env().Undefined();
  });
}

Napi::Value RidgeStatsWrap::Solve(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    const bool sweep = !ArgAt(info, 0).IsNumber();
    const std::vector<double> lambdas = ReadLambdas(ArgAt(info, 0));
    std::vector<double> w;
    {
      BusyHold hold(this);
      w = SolveAll(*stats_, lambdas, sweep, SkipSingularAt(info, 1));
    }
    return static_cast<Napi::Value>(ToFloat64Array(info.Env(), w));
  });
}

Napi::Value RidgeStatsWrap::SolveAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    const bool sweep = !ArgAt(info, 0).IsNumber();
    auto lambdas = std::make_shared<std::vector<double>>(ReadLambdas(ArgAt(info, 0)));
    auto result = std::make_shared<std::vector<double>>();
    const bool skip = SkipSingularAt(info, 1);
    auto hold = std::make_shared<BusyHold>(this);
    ran::RidgeStats* s = stats_.get();
    return AsyncJob::Start(
        env, Value(), [s, lambdas, result, sweep, skip] { *result = SolveAll(*s, *lambdas, sweep, skip); },
        [hold, result](Napi::Env e) -> Napi::Value {
          hold->Release();
          return ToFloat64Array(e, *result);
        },
        [hold] { hold->Release(); });
  });
}

// keptRows(): copies of the rows a collector (or small statistics) holds, {x, y} row-major.
Napi::Value RidgeStatsWrap::KeptRows(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    Napi::Env env = info.Env();
    if (!stats_->rows_kept()) Fail(ran::kState, "these statistics no longer hold their rows (more rows than features)");
    BusyHold hold(this);
    Napi::Object o = Napi::Object::New(env);
    o.Set("x", ToFloat64Array(env, stats_->kept_x()));
    o.Set("y", ToFloat64Array(env, stats_->kept_y()));
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
    std::vector<double> p;
    {
      BusyHold hold(this, q);
      p = PredictAll(*stats_, *q->stats_, lambdas, SkipSingularAt(info, 2));
    }
    return static_cast<Napi::Value>(ToFloat64Array(info.Env(), p));
  });
}

Napi::Value RidgeStatsWrap::PredictSweepAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    RidgeStatsWrap* q = QueriesArg(info);
    auto lambdas = std::make_shared<std::vector<double>>(ReadLambdas(ArgAt(info, 1)));
    auto result = std::make_shared<std::vector<double>>();
    const bool skip = SkipSingularAt(info, 2);
    auto hold = std::make_shared<BusyHold>(this, q);
    auto pin = std::make_shared<Napi::ObjectReference>(Napi::Persistent(info[0].As<Napi::Object>()));
    ran::RidgeStats* s = stats_.get();
    ran::RidgeStats* qs = q->stats_.get();
    auto end = [hold, pin] {
      hold->Release();
      pin->Reset();
    };
    return AsyncJob::Start(
        env, Value(), [s, qs, lambdas, result, skip] { *result = PredictAll(*s, *qs, *lambdas, skip); },
        [end, result](Napi::Env e) -> Napi::Value {
          end();
          return ToFloat64Array(e, *result);
        },
        end);
  });
}

}  // namespace ranjs
