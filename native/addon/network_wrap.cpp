#include "network_wrap.h"

#include <cstring>
#include <string>
#include <vector>

#include "addon.h"
#include "args.h"
#include "async_job.h"
#include "ridge_wrap.h"

namespace ranjs {

namespace {

std::vector<float> CopyF32(const Napi::Object& o, const char* key, const std::string& owner, int64_t expected) {
  if (!Has(o, key)) {
    if (expected == 0) return {};
    Fail(ran::kInvalidArg, "`" + owner + "." + key + "` is required");
  }
  auto a = Float32(o.Get(key), owner + "." + key, expected);
  const int64_t shape[1] = {static_cast<int64_t>(a.ElementLength())};
  CheckFinite(a.Data(), a.ElementLength(), owner + "." + key, shape, 1);
  return std::vector<float>(a.Data(), a.Data() + a.ElementLength());
}

ran::Population ReadPopulation(const Napi::Object& o, size_t index) {
  const std::string name = "populations[" + std::to_string(index) + "]";
  ran::Population p;
  if (!Has(o, "kind") || !o.Get("kind").IsString()) Fail(ran::kInvalidArg, "`" + name + ".kind` must be 'tanh', 'attention' or 'memory'");
  const std::string kind = o.Get("kind").As<Napi::String>().Utf8Value();
  if (kind == "tanh") p.kind = ran::PopulationKind::Tanh;
  else if (kind == "attention") p.kind = ran::PopulationKind::Attention;
  else if (kind == "memory") p.kind = ran::PopulationKind::Memory;
  else Fail(ran::kInvalidArg, "`" + name + ".kind` must be 'tanh', 'attention' or 'memory', got '" + kind + "'");
  p.units = IntField(o, "units", 1, 1 << 24, 0, true);
  p.width = IntField(o, "width", 1, 1 << 16, 1, false);
  p.offset = IntField(o, "offset", 0, 1 << 30, 0, true);
  p.leak_rate = static_cast<float>(NumberField(o, "leakRate", 1.0, false));
  p.shared = BoolField(o, "shared", false);
  p.temperature = static_cast<float>(NumberField(o, "temperature", 1.0, false));
  const int64_t copies = p.shared ? 1 : p.units;
  const int64_t d = p.width;
  if (p.kind == ran::PopulationKind::Attention) {
    p.context = IntField(o, "context", 1, 1 << 16, 1, true);
    p.heads = IntField(o, "heads", 1, 1 << 16, 1, false);
    p.ff_hidden = IntField(o, "ffHidden", 0, 1 << 20, 0, false);
    if (Has(o, "activation")) {
      const std::string a = o.Get("activation").ToString().Utf8Value();
      if (a == "relu") p.activation = ran::Activation::Relu;
      else if (a == "gelu") p.activation = ran::Activation::Gelu;
      else Fail(ran::kInvalidArg, "`" + name + ".activation` must be 'relu' or 'gelu', got '" + a + "'");
    }
    p.w_q = CopyF32(o, "wQ", name, copies * d * d);
    p.w_k = CopyF32(o, "wK", name, copies * d * d);
    p.w_v = CopyF32(o, "wV", name, copies * d * d);
    p.w_1 = CopyF32(o, "w1", name, copies * p.ff_hidden * d);
    p.w_2 = CopyF32(o, "w2", name, copies * p.ff_hidden * d);
  } else if (p.kind == ran::PopulationKind::Memory) {
    p.slots = IntField(o, "slots", 1, 1 << 20, 1, true);
    if (Has(o, "retrieval")) {
      const std::string r = o.Get("retrieval").ToString().Utf8Value();
      if (r == "relu") p.retrieval = ran::Retrieval::Relu;
      else if (r == "softmax") p.retrieval = ran::Retrieval::Softmax;
      else Fail(ran::kInvalidArg, "`" + name + ".retrieval` must be 'relu' or 'softmax', got '" + r + "'");
    }
    p.keys = CopyF32(o, "keys", name, copies * p.slots * d);
    p.values = CopyF32(o, "values", name, copies * p.slots * d);
  }
  return p;
}

ran::NetworkSpec ReadSpec(const Napi::Object& o) {
  ran::NetworkSpec s;
  s.input_dim = IntField(o, "inputDim", 0, 1 << 24, 0, true);
  s.n = IntField(o, "n", 1, 1 << 26, 0, true);
  if (!Has(o, "populations") || !o.Get("populations").IsArray()) Fail(ran::kInvalidArg, "`populations` must be an Array");
  auto pops = o.Get("populations").As<Napi::Array>();
  for (uint32_t i = 0; i < pops.Length(); ++i) {
    if (!pops.Get(i).IsObject()) Fail(ran::kInvalidArg, "`populations[" + std::to_string(i) + "]` must be an object");
    s.populations.push_back(ReadPopulation(pops.Get(i).As<Napi::Object>(), i));
  }
  if (!Has(o, "w") || !o.Get("w").IsObject()) Fail(ran::kInvalidArg, "`w` must be an object with `dense` or `rowPtr`/`colIdx`/`values`");
  Napi::Object w = o.Get("w").As<Napi::Object>();
  const int64_t n = s.n;
  if (Has(w, "blockSize")) {
    s.w.dense = false;
    s.w.block = IntField(w, "blockSize", 1, 1 << 16, 0, true);
    auto rp = Int32(w.Get("blockRowPtr"), "w.blockRowPtr", -1);
    s.w.block_row_ptr.assign(rp.Data(), rp.Data() + rp.ElementLength());
    auto bc = Int32(w.Get("blockCol"), "w.blockCol", -1);
    s.w.block_col.assign(bc.Data(), bc.Data() + bc.ElementLength());
    s.w.block_values = CopyF32(w, "blockValues", "w", static_cast<int64_t>(s.w.block_col.size()) * s.w.block * s.w.block);
  } else if (Has(w, "dense")) {
    s.w.dense = true;
    s.w.dense_w = CopyF32(w, "dense", "w", n * n);
  } else {
    s.w.dense = false;
    auto rp = Int32(w.Get("rowPtr"), "w.rowPtr", n + 1);
    s.w.row_ptr.assign(rp.Data(), rp.Data() + rp.ElementLength());
    auto ci = Int32(w.Get("colIdx"), "w.colIdx", -1);
    s.w.col_idx.assign(ci.Data(), ci.Data() + ci.ElementLength());
    s.w.values = CopyF32(w, "values", "w", static_cast<int64_t>(s.w.col_idx.size()));
  }
  s.w_in = CopyF32(o, "wIn", "spec", n * s.input_dim);
  s.bias = CopyF32(o, "bias", "spec", n);
  return s;
}

// Reads a [batch][count] Int32Array of call-relative steps (count from `count_key`) into
// `out`, checking every step lies in [0, steps). Returns the count per sequence.
int ReadStepList(const Napi::Object& opts, const char* array_key, const char* count_key, int batch, int steps,
                 std::vector<int32_t>& out) {
  const int count = IntField(opts, count_key, 1, steps, 0, true);
  auto a = Int32(opts.Get(array_key), array_key, static_cast<int64_t>(batch) * count);
  out.assign(a.Data(), a.Data() + a.ElementLength());
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] < 0 || out[i] >= steps) {
      Fail(ran::kInvalidArg, std::string("`") + array_key + "[" + std::to_string(i / count) + ", " + std::to_string(i % count) +
                                 "]` must be a step in [0, " + std::to_string(steps) + "), got " + std::to_string(out[i]));
    }
  }
  return count;
}

size_t SpecBytes(const ran::NetworkSpec& s) {
  size_t b = (s.w.block_values.size() + s.w.block_col.size() + s.w.block_row_ptr.size() + s.w.dense_w.size() + s.w.values.size() + s.w.col_idx.size() + s.w.row_ptr.size() + s.w_in.size() + s.bias.size()) * 4;
  for (const auto& p : s.populations)
    b += (p.w_q.size() + p.w_k.size() + p.w_v.size() + p.w_1.size() + p.w_2.size() + p.keys.size() + p.values.size()) * 4;
  return b;
}

// Everything a run needs, with copies of the inputs when the run is asynchronous.
struct RunJob {
  ran::RunRequest rq;
  std::vector<float> x_copy, targets_copy;
  std::vector<int32_t> steps_copy, output_steps_copy;
  std::vector<double> readout_copy;
  Napi::ObjectReference result;       // holds the output arrays (pinned while running)
  Napi::ObjectReference stats_object;  // pins the RidgeStats while running
  RidgeStatsWrap* stats_wrap = nullptr;
};

}  // namespace

Napi::Function NetworkWrap::Define(Napi::Env env) {
  return DefineClass(env, "Network",
                     {InstanceMethod<&NetworkWrap::Run>("run"), InstanceMethod<&NetworkWrap::RunAsync>("runAsync"),
                      InstanceMethod<&NetworkWrap::Reset>("reset"), InstanceMethod<&NetworkWrap::Cancel>("cancel"),
                      InstanceMethod<&NetworkWrap::Dispose>("dispose"),
                      InstanceMethod<&NetworkWrap::FeatureDim>("featureDim"),
                      InstanceAccessor<&NetworkWrap::StepCount>("stepCount"),
                      InstanceAccessor<&NetworkWrap::CarriedBatch>("carriedBatch"),
                      InstanceAccessor<&NetworkWrap::StateSize>("stateSize"),
                      InstanceAccessor<&NetworkWrap::Busy>("busy")});
}

NetworkWrap::NetworkWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NetworkWrap>(info) {
  Guard(info.Env(), [&] {
    ran::NetworkSpec spec = ReadSpec(ObjectArg(info, 0, "spec"));
    external_ = static_cast<int64_t>(SpecBytes(spec));
    net_ = std::make_unique<ran::Network>(std::move(spec));
    Napi::MemoryManagement::AdjustExternalMemory(info.Env(), external_);
  });
}

NetworkWrap::~NetworkWrap() {
  if (external_ != 0) Napi::MemoryManagement::AdjustExternalMemory(Env(), -external_);
}

ran::Network& NetworkWrap::net() {
  if (!net_) Fail(ran::kState, "this network has been disposed");
  return *net_;
}

void NetworkWrap::Acquire() {
  bool expected = false;
  if (!busy_.compare_exchange_strong(expected, true)) Fail(ran::kBusy, "this network is running an asynchronous call; await it before calling it again");
}

Napi::Value NetworkWrap::Run(const Napi::CallbackInfo& info) { return RunImpl(info, false); }
Napi::Value NetworkWrap::RunAsync(const Napi::CallbackInfo& info) { return RunImpl(info, true); }

Napi::Value NetworkWrap::RunImpl(const Napi::CallbackInfo& info, bool async) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    ran::Network& network = net();
    const ran::NetworkSpec& spec = network.spec();
    if (info.Length() < 3) Fail(ran::kInvalidArg, "run(x, batch, steps, options) needs at least three arguments");
    const int B = IntArg(info[1], "batch", 1, 1 << 30);
    const int T = IntArg(info[2], "steps", 1, 1 << 30);
    Napi::Object opts = info.Length() > 3 && info[3].IsObject() ? info[3].As<Napi::Object>() : Napi::Object::New(env);
    const int D = spec.input_dim, n = spec.n;
    const int64_t BT = static_cast<int64_t>(B) * T;
    auto job = std::make_shared<RunJob>();
    ran::RunRequest& rq = job->rq;
    rq.batch = B;
    rq.steps = T;

    auto x = Float32(info[0], "x", BT * D);
    const int64_t xshape[3] = {B, T, D};
    CheckFinite(x.Data(), x.ElementLength(), "x", xshape, 3);
    if (async) {
      job->x_copy.assign(x.Data(), x.Data() + x.ElementLength());
      rq.x = job->x_copy.data();
    } else {
      rq.x = x.Data();
    }
    if (network.step_count() > 0 && network.carried_batch() != B) {
      Fail(ran::kState, "the carried state holds " + std::to_string(network.carried_batch()) + " sequences, `x` has " +
                            std::to_string(B) + "; call reset() first or pass the same batch");
    }

    rq.include_input = BoolField(opts, "includeInput", true);
    rq.include_bias = BoolField(opts, "includeBias", true);
    rq.threads = IntField(opts, "threads", 1, 1024, 1, false);
    const int F = network.feature_dim(rq.include_input, rq.include_bias);

    // Output sizes, refused before any allocation when above the limit.
    double out_bytes = 0;
    const bool want_states = BoolField(opts, "states", false);
    const bool want_drives = BoolField(opts, "drives", false);
    if (want_states) out_bytes += 4.0 * BT * n;
    if (want_drives) out_bytes += 4.0 * BT * n;
    int readout_outputs = 0;
    if (Has(opts, "readout")) {
      readout_outputs = IntField(opts, "readoutOutputs", 1, 1 << 20, 0, true);
      out_bytes += 4.0 * BT * readout_outputs;
    }
    int cap_pop = -1;
    std::vector<int> cap_units;
    if (Has(opts, "attentionUnits")) {
      cap_pop = IntField(opts, "attentionPopulation", 0, static_cast<int>(spec.populations.size()) - 1, 0, true);
      const ran::Population& p = spec.populations[cap_pop];
      if (p.kind != ran::PopulationKind::Attention) Fail(ran::kInvalidArg, "`attentionPopulation` must name an attention population");
      auto u = Int32(opts.Get("attentionUnits"), "attentionUnits", -1);
      for (size_t i = 0; i < u.ElementLength(); ++i) {
        if (u[i] < 0 || u[i] >= p.units) Fail(ran::kInvalidArg, "`attentionUnits[" + std::to_string(i) + "]` must be in [0, " + std::to_string(p.units) + "), got " + std::to_string(u[i]));
        for (size_t j = 0; j < i; ++j)
          if (u[j] == u[i]) Fail(ran::kInvalidArg, "`attentionUnits` must not repeat a unit");
        cap_units.push_back(u[i]);
      }
      out_bytes += 4.0 * BT * cap_units.size() * p.heads * p.context;
    }
    // The carried state (attention contexts included), per-thread buffers and statistics.
    int stats_outputs = 0;
    if (Has(opts, "stats") && opts.Get("stats").IsObject() &&
        opts.Get("stats").As<Napi::Object>().InstanceOf(AddonData(env)->ridge_ctor.Value())) {
      stats_outputs = Napi::ObjectWrap<RidgeStatsWrap>::Unwrap(opts.Get("stats").As<Napi::Object>())->stats().outputs();
    }
    const double state_bytes = network.run_bytes(B, rq.threads, network.step_count() == 0, F, stats_outputs);
    if (out_bytes + state_bytes > MaxBytes(env)) {
      Fail(ran::kTooLarge, "this run would allocate " + std::to_string((out_bytes + state_bytes) / 1e9) +
                               " GB (outputs, state and buffers), above the memory limit; run shorter or smaller batches, fewer threads, or stream into the readout");
    }

    if (Has(opts, "readout")) {
      auto w = Float64(opts.Get("readout"), "readout", static_cast<int64_t>(F) * readout_outputs);
      const int64_t s[2] = {F, readout_outputs};
      CheckFinite(w.Data(), w.ElementLength(), "readout", s, 2);
      if (async) {
        job->readout_copy.assign(w.Data(), w.Data() + w.ElementLength());
        rq.readout = job->readout_copy.data();
      } else {
        rq.readout = w.Data();  // a view, like x and targets: the call returns before JS runs
      }
      rq.readout_outputs = readout_outputs;
      const std::string osel = Has(opts, "outputSelect") ? opts.Get("outputSelect").ToString().Utf8Value() : std::string("all");
      if (osel == "steps") {
        rq.output_selection = ran::Selection::Steps;
        rq.n_output_steps = ReadStepList(opts, "outputSteps", "outputStepsPerSequence", B, T, job->output_steps_copy);
        rq.output_steps = job->output_steps_copy.data();
      } else if (osel == "last") {
        rq.output_selection = ran::Selection::Last;
      } else if (osel != "all") {
        Fail(ran::kInvalidArg, "`outputSelect` must be 'all', 'steps' or 'last', got '" + osel + "'");
      }
    }

    if (Has(opts, "stats")) {
      Napi::Value sv = opts.Get("stats");
      if (!sv.IsObject() || !sv.As<Napi::Object>().InstanceOf(AddonData(env)->ridge_ctor.Value())) {
        Fail(ran::kInvalidArg, "`stats` must be a RidgeStats, got " + Describe(sv));
      }
      RidgeStatsWrap* sw = Napi::ObjectWrap<RidgeStatsWrap>::Unwrap(sv.As<Napi::Object>());
      ran::RidgeStats& st = sw->stats();
      if (st.features() != F) {
        Fail(ran::kShape, "`stats` has " + std::to_string(st.features()) + " features, this network's features are " + std::to_string(F));
      }
      rq.stats = &st;
      const int d_out = st.outputs();
      auto tg = Float32(opts.Get("targets"), "targets", BT * d_out);
      const int64_t tshape[3] = {B, T, d_out};
      CheckFinite(tg.Data(), tg.ElementLength(), "targets", tshape, 3);
      if (async) {
        job->targets_copy.assign(tg.Data(), tg.Data() + tg.ElementLength());
        rq.targets = job->targets_copy.data();
      } else {
        rq.targets = tg.Data();
      }
      const std::string sel = Has(opts, "select") ? opts.Get("select").ToString().Utf8Value() : std::string("washout");
      if (sel == "steps") {
        rq.selection = ran::Selection::Steps;
        rq.n_select = ReadStepList(opts, "steps", "stepsPerSequence", B, T, job->steps_copy);
        rq.select_steps = job->steps_copy.data();
      } else if (sel == "washout") {
        rq.selection = ran::Selection::Washout;
        rq.washout = IntField(opts, "washout", 0, 1 << 30, 0, false);
      } else if (sel == "last") {
        rq.selection = ran::Selection::Last;
      } else {
        Fail(ran::kInvalidArg, "`select` must be 'steps', 'washout' or 'last', got '" + sel + "'");
      }
      job->stats_wrap = sw;
      job->stats_object = Napi::Persistent(sv.As<Napi::Object>());
    }

    // Outputs are allocated here, on the JS thread, and filled by the kernels.
    Napi::Object result = Napi::Object::New(env);
    if (want_states) {
      auto a = Napi::Float32Array::New(env, static_cast<size_t>(BT) * n);
      result.Set("states", a);
      rq.states = a.Data();
    }
    if (want_drives) {
      auto a = Napi::Float32Array::New(env, static_cast<size_t>(BT) * n);
      result.Set("drives", a);
      rq.drives = a.Data();
    }
    if (rq.readout != nullptr) {
      auto a = Napi::Float32Array::New(env, static_cast<size_t>(BT) * readout_outputs);
      result.Set("outputs", a);
      rq.outputs = a.Data();
    }
    if (cap_pop >= 0) {
      const ran::Population& p = spec.populations[cap_pop];
      auto a = Napi::Float32Array::New(env, static_cast<size_t>(BT) * cap_units.size() * p.heads * p.context);
      result.Set("attention", a);
      rq.attention = a.Data();
      rq.attention_population = cap_pop;
      rq.attention_units = cap_units;
    }
    rq.cancel = &cancel_;

    Acquire();
    if (job->stats_wrap != nullptr) {
      try {
        job->stats_wrap->Acquire();
      } catch (...) {
        Release();
        throw;
      }
    }
    cancel_.store(false);
    auto release = [this, job] {
      if (job->stats_wrap != nullptr) job->stats_wrap->Release();
      Release();
    };
    if (!async) {
      try {
        network.run(rq);
      } catch (...) {
        release();
        throw;
      }
      release();
      return result;
    }
    job->result = Napi::Persistent(result);
    ran::Network* raw = net_.get();
    return AsyncJob::Start(
        env, Value(), [raw, job] { raw->run(job->rq); },
        [job, release](Napi::Env) -> Napi::Value {
          release();
          return job->result.Value();
        },
        release);
  });
}

Napi::Value NetworkWrap::Reset(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    ran::Network& n = net();
    Acquire();
    n.reset();
    Release();
    return info.Env().Undefined();
  });
}

Napi::Value NetworkWrap::Cancel(const Napi::CallbackInfo& info) {
  cancel_.store(true);
  return info.Env().Undefined();
}

Napi::Value NetworkWrap::Dispose(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    if (net_) {
      Acquire();
      net_.reset();
      Release();
      Napi::MemoryManagement::AdjustExternalMemory(info.Env(), -external_);
      external_ = 0;
    }
    return info.Env().Undefined();
  });
}

Napi::Value NetworkWrap::StepCount(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] { return Napi::Number::New(info.Env(), static_cast<double>(net().step_count())); });
}
Napi::Value NetworkWrap::CarriedBatch(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] { return Napi::Number::New(info.Env(), net().carried_batch()); });
}
Napi::Value NetworkWrap::StateSize(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] { return Napi::Number::New(info.Env(), net().spec().n); });
}
Napi::Value NetworkWrap::Busy(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), busy_.load()); }
Napi::Value NetworkWrap::FeatureDim(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    const bool in = info.Length() > 0 ? info[0].ToBoolean().Value() : true;
    const bool bias = info.Length() > 1 ? info[1].ToBoolean().Value() : true;
    return Napi::Number::New(info.Env(), net().feature_dim(in, bias));
  });
}

}  // namespace ranjs
