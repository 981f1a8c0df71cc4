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
  if (!Has(o, key) && expected == 0) return {};
  auto a = Float32(o.Get(key), owner + "." + key, expected);
  const int64_t shape[1] = {static_cast<int64_t>(a.ElementLength())};
  CheckFinite(a.Data(), a.ElementLength(), owner + "." + key, shape, 1);
  return std::vector<float>(a.Data(), a.Data() + a.ElementLength());
}

// One field of a unit kind's options (native/units/unit_kind.h), read as the kind says.
void ReadOption(const Napi::Object& o, const ran::UnitOption& opt, const std::string& name, ran::Population& p) {
  using Type = ran::UnitOption::Type;
  switch (opt.type) {
    case Type::Int:
      opt.set(p, IntField(o, opt.key, static_cast<int>(opt.min), static_cast<int>(opt.max),
                          static_cast<int>(opt.fallback), opt.required));
      break;
    case Type::Number:
      opt.set(p, NumberField(o, opt.key, opt.fallback, opt.required));
      break;
    case Type::Bool:
      opt.set(p, FlagField(o, opt.key, opt.fallback != 0) ? 1 : 0);
      break;
    case Type::Choice: {
      const int i = ChoiceField(o, opt.key, name + "." + opt.key, opt.choices, -1);
      if (i >= 0) opt.set(p, static_cast<double>(i));
      break;
    }
    case Type::Weights:
      opt.weights(p) = CopyF32(o, opt.key, name, static_cast<int64_t>(opt.count(p)));
      break;
  }
}

ran::Population ReadPopulation(const Napi::Object& o, size_t index) {
  const std::string name = "populations[" + std::to_string(index) + "]";
  std::vector<std::string> kinds;
  for (const ran::UnitKind* k : ran::unit_kinds()) kinds.emplace_back(k->name);
  ran::Population p;
  p.kind = ChoiceField(o, "kind", name + ".kind", kinds, -1);
  if (p.kind < 0) InvalidArg(name + ".kind", OneOf(kinds), o.Env().Undefined());
  p.units = IntField(o, "units", 1, 1 << 24, 0, true);
  p.width = IntField(o, "width", 1, 1 << 16, 1, false);
  p.offset = IntField(o, "offset", 0, 1 << 30, 0, true);
  p.leak_rate = static_cast<float>(NumberField(o, "leakRate", 1.0, false));
  p.shared = FlagField(o, "shared", false);
  for (const ran::UnitOption& opt : ran::unit_kind(p.kind).options) ReadOption(o, opt, name, p);
  return p;
}

ran::NetworkSpec ReadSpec(const Napi::Object& o) {
  ran::NetworkSpec s;
  s.input_dim = IntField(o, "inputDim", 0, 1 << 24, 0, true);
  s.n = IntField(o, "n", 1, 1 << 26, 0, true);
  if (!o.Get("populations").IsArray()) InvalidArg("populations", "an Array", o.Get("populations"));
  auto pops = o.Get("populations").As<Napi::Array>();
  for (uint32_t i = 0; i < pops.Length(); ++i) {
    const std::string name = "populations[" + std::to_string(i) + "]";
    if (!pops.Get(i).IsObject()) InvalidArg(name, "an object", pops.Get(i));
    s.populations.push_back(ReadPopulation(pops.Get(i).As<Napi::Object>(), i));
  }
  if (!o.Get("w").IsObject()) InvalidArg("w", "an object with `dense` or `rowPtr`/`colIdx`/`values`", o.Get("w"));
  Napi::Object w = o.Get("w").As<Napi::Object>();
  const int64_t n = s.n;
  if (Has(w, "blockSize")) {
    s.w.dense = false;
    s.w.block = IntField(w, "blockSize", 1, 1 << 16, 0, true);
    auto rp = Int32(w.Get("blockRowPtr"), "w.blockRowPtr", -1);
    s.w.block_row_ptr.assign(rp.Data(), rp.Data() + rp.ElementLength());
    auto bc = Int32(w.Get("blockCol"), "w.blockCol", -1);
    s.w.block_col.assign(bc.Data(), bc.Data() + bc.ElementLength());
    s.w.block_values =
        CopyF32(w, "blockValues", "w", static_cast<int64_t>(s.w.block_col.size()) * s.w.block * s.w.block);
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
      InvalidArg(std::string(array_key) + "[" + std::to_string(i / count) + ", " + std::to_string(i % count) + "]",
                 "a step in [0, " + std::to_string(steps) + ")", FormatNumber(out[i]));
    }
  }
  return count;
}

size_t SpecBytes(const ran::NetworkSpec& s) {
  size_t b = (s.w.block_values.size() + s.w.block_col.size() + s.w.block_row_ptr.size() + s.w.dense_w.size() +
              s.w.values.size() + s.w.col_idx.size() + s.w.row_ptr.size() + s.w_in.size() + s.bias.size()) *
             4;
  for (const auto& p : s.populations)
    for (const ran::UnitOption& opt : ran::unit_kind(p.kind).options)
      if (opt.type == ran::UnitOption::Type::Weights) b += opt.count(p) * 4;
  return b;
}

}  // namespace

// Everything one call needs, with copies of the inputs when the call is asynchronous.
struct RunJob {
  std::shared_ptr<const ran::Network> net;  // alive until the job ends
  ran::RunRequest rq;
  bool reset = false;  // run from zeros (the call's own state) instead of the carried state
  double call_id = 0;  // the caller's id for cancel(id); 0: none
  bool want_states = false, want_drives = false;
  int64_t capture_floats = 0;  // per (sequence, step)
  ran::RunState state;
  uint64_t seq = 0;
  std::shared_ptr<std::atomic<bool>> cancel;
  std::vector<float> x_copy, targets_copy;
  std::vector<int32_t> steps_copy, output_steps_copy;
  std::vector<double> readout_copy;
  std::vector<std::vector<double>> unit_stats;  // per population: [batch][units][stat_count]
  Napi::ObjectReference result;                 // holds the output arrays (pinned while running)
  Napi::ObjectReference stats_object;           // pins the RidgeStats while running
  RidgeStatsWrap* stats_wrap = nullptr;
  std::unique_ptr<BusyHold> stats_hold;  // the statistics this run trains, while it runs
};

namespace {

// A view of a JavaScript array while the call is synchronous (the call returns before any
// JavaScript runs), a copy owned by the job when it is not.
template <typename T, typename A>
const T* Keep(const A& a, bool async, std::vector<T>& copy) {
  if (!async) return a.Data();
  copy.assign(a.Data(), a.Data() + a.ElementLength());
  return copy.data();
}

void ReadInput(const Napi::CallbackInfo& info, const ran::Network& net, bool async, RunJob& job) {
  ran::RunRequest& rq = job.rq;
  rq.batch = IntArg(ArgAt(info, 1), "batch", 1, 1 << 30);
  rq.steps = IntArg(ArgAt(info, 2), "steps", 1, 1 << 30);
  const int D = net.spec().input_dim;
  auto x = Float32(ArgAt(info, 0), "x", static_cast<int64_t>(rq.batch) * rq.steps * D);
  const int64_t shape[3] = {rq.batch, rq.steps, D};
  CheckFinite(x.Data(), x.ElementLength(), "x", shape, 3);
  rq.x = Keep(x, async, job.x_copy);
}

void ReadReadout(const Napi::Object& opts, int F, bool async, RunJob& job) {
  ran::RunRequest& rq = job.rq;
  rq.readout_outputs = IntField(opts, "readoutOutputs", 1, 1 << 20, 0, true);
  // Finite by construction: a Ridge's weights are solved or checked by setWeights.
  auto w = Float64(opts.Get("readout"), "readout", static_cast<int64_t>(F) * rq.readout_outputs);
  rq.readout = Keep(w, async, job.readout_copy);
  const int osel = ChoiceField(opts, "outputSelect", "outputSelect", {"all", "steps", "last"}, 0);
  if (osel == 1) {
    rq.output_selection = ran::Selection::Steps;
    rq.n_output_steps =
        ReadStepList(opts, "outputSteps", "outputStepsPerSequence", rq.batch, rq.steps, job.output_steps_copy);
    rq.output_steps = job.output_steps_copy.data();
  } else if (osel == 2) {
    rq.output_selection = ran::Selection::Last;
  }
}

void ReadCapture(const Napi::Object& opts, const ran::NetworkSpec& spec, RunJob& job) {
  ran::RunRequest& rq = job.rq;
  rq.attention_population =
      IntField(opts, "attentionPopulation", 0, static_cast<int>(spec.populations.size()) - 1, 0, true);
  const ran::Population& p = spec.populations[rq.attention_population];
  const ran::UnitKind& kind = ran::unit_kind(p.kind);
  if (kind.capture_floats(p) == 0)
    InvalidArg("attentionPopulation", "a population whose weights can be captured (attention)",
               FormatNumber(rq.attention_population));
  auto u = Int32(opts.Get("attentionUnits"), "attentionUnits", -1);
  for (size_t i = 0; i < u.ElementLength(); ++i) {
    if (u[i] < 0 || u[i] >= p.units)
      InvalidArg("attentionUnits[" + std::to_string(i) + "]", "a unit in [0, " + std::to_string(p.units) + ")",
                 FormatNumber(u[i]));
    rq.attention_units.push_back(u[i]);
  }
  job.capture_floats = static_cast<int64_t>(rq.attention_units.size() * kind.capture_floats(p));
}

// Sums of the unit statistics of every population whose kind keeps some (attention).
void RequestUnitStats(const ran::NetworkSpec& spec, RunJob& job) {
  job.unit_stats.resize(spec.populations.size());
  job.rq.unit_stats.assign(spec.populations.size(), nullptr);
  for (size_t i = 0; i < spec.populations.size(); ++i) {
    const ran::Population& p = spec.populations[i];
    const int count = ran::unit_kind(p.kind).stat_count;
    if (count == 0) continue;
    job.unit_stats[i].assign(static_cast<size_t>(job.rq.batch) * p.units * count, 0.0);
    job.rq.unit_stats[i] = job.unit_stats[i].data();
  }
}

// { relativeEntropy, newestWeight, meanLag }: per unit of every population with statistics
// (in population order), the sums over sequences — in sequence order, so the same bits for
// any thread count — divided by the number of (step, head) pairs. A unit that never had two
// filled slots reports what one slot gives: entropy 0, newest weight 1, lag 0.
Napi::Value UnitStatsResult(Napi::Env env, const ran::NetworkSpec& spec, const RunJob& job) {
  size_t total_units = 0;
  for (size_t i = 0; i < spec.populations.size(); ++i)
    if (!job.unit_stats[i].empty()) total_units += spec.populations[i].units;
  auto entropy = Napi::Float64Array::New(env, total_units), newest = Napi::Float64Array::New(env, total_units),
       lag = Napi::Float64Array::New(env, total_units);
  size_t u = 0;
  for (size_t i = 0; i < spec.populations.size(); ++i) {
    if (job.unit_stats[i].empty()) continue;
    const int units = spec.populations[i].units, count = ran::unit_kind(spec.populations[i].kind).stat_count;
    for (int m = 0; m < units; ++m, ++u) {
      double sum[4] = {0, 0, 0, 0};
      for (int b = 0; b < job.rq.batch; ++b)
        for (int j = 0; j < 4; ++j) sum[j] += job.unit_stats[i][(static_cast<size_t>(b) * units + m) * count + j];
      entropy[u] = sum[3] > 0 ? sum[0] / sum[3] : 0.0;
      newest[u] = sum[3] > 0 ? sum[1] / sum[3] : 1.0;
      lag[u] = sum[3] > 0 ? sum[2] / sum[3] : 0.0;
    }
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("relativeEntropy", entropy);
  o.Set("newestWeight", newest);
  o.Set("meanLag", lag);
  return o;
}

RidgeStatsWrap* StatsArg(Napi::Env env, const Napi::Value& sv) {
  if (!sv.IsObject() || !sv.As<Napi::Object>().InstanceOf(AddonData(env)->ridge_ctor.Value()))
    InvalidArg("stats", "a RidgeStats", sv);
  return Napi::ObjectWrap<RidgeStatsWrap>::Unwrap(sv.As<Napi::Object>());
}

void ReadTraining(Napi::Env env, const Napi::Object& opts, int F, bool async, RunJob& job) {
  ran::RunRequest& rq = job.rq;
  Napi::Value sv = opts.Get("stats");
  RidgeStatsWrap* sw = StatsArg(env, sv);
  ran::RidgeStats& st = sw->stats();
  if (st.features() != F) {
    Fail(ran::kShape, "`stats` has " + std::to_string(st.features()) + " features, this network's features are " +
                          std::to_string(F));
  }
  rq.stats = &st;
  const int d_out = st.outputs();
  auto tg = Float32(opts.Get("targets"), "targets", static_cast<int64_t>(rq.batch) * rq.steps * d_out);
  const int64_t tshape[3] = {rq.batch, rq.steps, d_out};
  // Only the addon scans the targets, so it names them as the caller of Reservoir.run does.
  CheckFinite(tg.Data(), tg.ElementLength(), "options.train.targets", tshape, 3);
  rq.targets = Keep(tg, async, job.targets_copy);
  const int sel = ChoiceField(opts, "select", "select", {"steps", "washout", "last"}, 1);
  if (sel == 0) {
    rq.selection = ran::Selection::Steps;
    rq.n_select = ReadStepList(opts, "steps", "stepsPerSequence", rq.batch, rq.steps, job.steps_copy);
    rq.select_steps = job.steps_copy.data();
  } else if (sel == 1) {
    rq.selection = ran::Selection::Washout;
    rq.washout = IntField(opts, "washout", 0, 1 << 30, 0, false);
  } else {
    rq.selection = ran::Selection::Last;
  }
  job.stats_wrap = sw;
  job.stats_object = Napi::Persistent(sv.As<Napi::Object>());
}

// Refuses, before any allocation, a run whose outputs, state and buffers exceed the limit.
void CheckMemory(Napi::Env env, const ran::Network& net, const Napi::Object& opts, bool allocate_state, int F,
                 const RunJob& job) {
  const ran::RunRequest& rq = job.rq;
  const double BT = static_cast<double>(rq.batch) * rq.steps;
  const double out_bytes = 4.0 * BT *
                           ((job.want_states ? net.spec().n : 0) + (job.want_drives ? net.spec().n : 0) +
                            (Has(opts, "readout") ? rq.readout_outputs : 0) + job.capture_floats);
  int stats_outputs = 0;
  if (Has(opts, "stats")) stats_outputs = StatsArg(env, opts.Get("stats"))->stats().outputs();
  const double state_bytes = net.run_bytes(rq.batch, rq.threads, allocate_state, F, stats_outputs);
  if (out_bytes + state_bytes > MaxBytes(env)) {
    Fail(ran::kTooLarge, "this run would allocate " + std::to_string((out_bytes + state_bytes) / 1e9) +
                             " GB (outputs, state and buffers), above the memory limit; run shorter or smaller "
                             "batches, fewer threads, or stream into the readout");
  }
}

// Reads the arguments of run(x, batch, steps, options) into a job. `carried` describes the
// carried state: a run that continues it must match its batch.
std::shared_ptr<RunJob> ParseRun(const Napi::CallbackInfo& info, std::shared_ptr<const ran::Network> net,
                                 int carried_batch, int64_t carried_steps, bool async) {
  Napi::Env env = info.Env();
  auto job = std::make_shared<RunJob>();
  job->net = std::move(net);
  const ran::Network& network = *job->net;
  ReadInput(info, network, async, *job);
  Napi::Object opts = info.Length() > 3 && info[3].IsObject() ? info[3].As<Napi::Object>() : Napi::Object::New(env);
  ran::RunRequest& rq = job->rq;
  job->reset = FlagField(opts, "reset", false);
  if (Has(opts, "callId")) job->call_id = NumberField(opts, "callId", 0, false);
  if (!job->reset && carried_steps > 0 && carried_batch != rq.batch) {
    Fail(ran::kState, "the carried state holds " + std::to_string(carried_batch) + " sequences, `x` has " +
                          std::to_string(rq.batch) + "; call reset() first or pass the same batch");
  }
  rq.include_input = FlagField(opts, "includeInput", true);
  rq.include_bias = FlagField(opts, "includeBias", true);
  rq.threads = IntField(opts, "threads", 1, 1024, 1, false);
  job->want_states = FlagField(opts, "states", false);
  job->want_drives = FlagField(opts, "drives", false);
  const int F = network.feature_dim(rq.include_input, rq.include_bias);
  if (Has(opts, "readout")) rq.readout_outputs = IntField(opts, "readoutOutputs", 1, 1 << 20, 0, true);
  if (Has(opts, "attentionUnits")) ReadCapture(opts, network.spec(), *job);
  if (FlagField(opts, "attentionStats", false)) RequestUnitStats(network.spec(), *job);
  CheckMemory(env, network, opts, job->reset || carried_steps == 0, F, *job);
  if (Has(opts, "readout")) ReadReadout(opts, F, async, *job);
  if (Has(opts, "stats")) ReadTraining(env, opts, F, async, *job);
  return job;
}

// The output arrays, allocated on the JavaScript thread and filled by the kernels.
Napi::Object AllocateOutputs(Napi::Env env, const ran::NetworkSpec& spec, RunJob& job) {
  ran::RunRequest& rq = job.rq;
  const size_t BT = static_cast<size_t>(rq.batch) * rq.steps;
  Napi::Object result = Napi::Object::New(env);
  auto add = [&](const char* key, size_t per_step) {
    auto a = Napi::Float32Array::New(env, BT * per_step);
    result.Set(key, a);
    return a.Data();
  };
  if (job.want_states) rq.states = add("states", spec.n);
  if (job.want_drives) rq.drives = add("drives", spec.n);
  if (rq.readout != nullptr) rq.outputs = add("outputs", rq.readout_outputs);
  if (job.capture_floats > 0) rq.attention = add("attention", job.capture_floats);
  return result;
}

}  // namespace

Napi::Function NetworkWrap::Define(Napi::Env env) {
  return DefineClass(
      env, "Network",
      {InstanceMethod<&NetworkWrap::Run>("run"), InstanceMethod<&NetworkWrap::RunAsync>("runAsync"),
       InstanceMethod<&NetworkWrap::Reset>("reset"), InstanceMethod<&NetworkWrap::Cancel>("cancel"),
       InstanceMethod<&NetworkWrap::Dispose>("dispose"), InstanceMethod<&NetworkWrap::FeatureDim>("featureDim"),
       InstanceAccessor<&NetworkWrap::StepCount>("stepCount"),
       InstanceAccessor<&NetworkWrap::CarriedBatch>("carriedBatch"),
       InstanceAccessor<&NetworkWrap::StateSize>("stateSize"), InstanceAccessor<&NetworkWrap::Busy>("busy")});
}

NetworkWrap::NetworkWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NetworkWrap>(info) {
  Guard(info.Env(), [&] {
    ran::NetworkSpec spec = ReadSpec(ObjectArg(info, 0, "spec"));
    external_ = static_cast<int64_t>(SpecBytes(spec));
    net_ = std::make_shared<const ran::Network>(std::move(spec));
    Napi::MemoryManagement::AdjustExternalMemory(info.Env(), external_);
  });
}

NetworkWrap::~NetworkWrap() {
  if (external_ != 0) Napi::MemoryManagement::AdjustExternalMemory(Env(), -external_);
}

const ran::Network& NetworkWrap::net() const {
  if (!net_) Fail(ran::kState, "this network has been disposed");
  return *net_;
}

void NetworkWrap::Begin(RunJob& job, bool continue_carried) {
  if (continue_carried) {
    if (!in_flight_.empty()) {
      Fail(ran::kBusy, "a run with reset: false continues the carried state, which is not final while " +
                           std::to_string(in_flight_.size()) +
                           " run(s) of this network are in progress; await them first");
    }
    job.state = std::move(carried_);
    carried_ = ran::RunState();
    carried_in_flight_ = true;
  } else if (!carried_in_flight_) {
    // A run that resets starts from zeros in the carried state's memory: whatever this run
    // ends with replaces the carried state anyway (a later-started call's would too).
    job.state = std::move(carried_);
    job.state.steps = 0;
    carried_ = ran::RunState();
  }
  job.seq = ++next_seq_;
  job.cancel = std::make_shared<std::atomic<bool>>(false);
  job.rq.cancel = job.cancel.get();
  in_flight_[job.seq] = Flight{job.call_id, job.cancel};
}

void NetworkWrap::Finish(RunJob& job) {
  in_flight_.erase(job.seq);
  if (!job.reset) carried_in_flight_ = false;
  // The state of the last call started wins, whatever order the calls end in.
  if (job.seq > carried_seq_) {
    carried_ = std::move(job.state);
    carried_seq_ = job.seq;
    carried_batch_ = carried_.batch;
    carried_steps_ = carried_.steps;
  }
  job.state = ran::RunState();
}

Napi::Value NetworkWrap::Run(const Napi::CallbackInfo& info) {
  return RunImpl(info, false);
}
Napi::Value NetworkWrap::RunAsync(const Napi::CallbackInfo& info) {
  return RunImpl(info, true);
}

Napi::Value NetworkWrap::RunImpl(const Napi::CallbackInfo& info, bool async) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    net();  // throws if disposed
    std::shared_ptr<RunJob> job = ParseRun(info, net_, carried_batch_, carried_steps_, async);
    Napi::Object result = AllocateOutputs(env, net_->spec(), *job);
    job->stats_hold = std::make_unique<BusyHold>(job->stats_wrap);
    Begin(*job, !job->reset);  // on a throw, the job and its hold end here
    auto finish = [this, job] {
      job->stats_hold.reset();
      Finish(*job);
    };
    auto complete = [job](Napi::Env e, Napi::Object out) {
      if (!job->unit_stats.empty()) out.Set("attentionStats", UnitStatsResult(e, job->net->spec(), *job));
      return out;
    };
    if (!async) {
      try {
        job->net->run(job->rq, job->state);
      } catch (...) {
        finish();
        throw;
      }
      finish();
      return complete(env, result);
    }
    job->result = Napi::Persistent(result);
    return AsyncJob::Start(
        env, Value(), [job] { job->net->run(job->rq, job->state); },
        [job, finish, complete](Napi::Env e) -> Napi::Value {
          finish();
          return complete(e, job->result.Value());
        },
        finish);
  });
}

Napi::Value NetworkWrap::Reset(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    net();
    if (carried_in_flight_)
      Fail(ran::kBusy, "a run with reset: false is in progress on this network; await it before reset()");
    carried_ = ran::RunState();
    carried_seq_ = ++next_seq_;  // calls started before do not install their state
    carried_batch_ = 0;
    carried_steps_ = 0;
    return info.Env().Undefined();
  });
}

// cancel(): every call in progress; cancel(id): the calls started with that `callId`.
Napi::Value NetworkWrap::Cancel(const Napi::CallbackInfo& info) {
  const bool all = info.Length() < 1 || !info[0].IsNumber();
  const double id = all ? 0 : info[0].As<Napi::Number>().DoubleValue();
  for (auto& f : in_flight_)
    if (all || f.second.call_id == id) f.second.cancel->store(true);
  return info.Env().Undefined();
}

Napi::Value NetworkWrap::Dispose(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    if (net_) {
      if (!in_flight_.empty())
        Fail(ran::kBusy, "this network has " + std::to_string(in_flight_.size()) +
                             " run(s) in progress; await them before dispose()");
      net_.reset();
      carried_ = ran::RunState();
      Napi::MemoryManagement::AdjustExternalMemory(info.Env(), -external_);
      external_ = 0;
    }
    return info.Env().Undefined();
  });
}

Napi::Value NetworkWrap::StepCount(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    net();
    return Napi::Number::New(info.Env(), static_cast<double>(carried_steps_));
  });
}
Napi::Value NetworkWrap::CarriedBatch(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    net();
    return Napi::Number::New(info.Env(), carried_batch_);
  });
}
Napi::Value NetworkWrap::StateSize(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] { return Napi::Number::New(info.Env(), net().spec().n); });
}
// True while any run of this network is in progress.
Napi::Value NetworkWrap::Busy(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), !in_flight_.empty());
}
Napi::Value NetworkWrap::FeatureDim(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    const bool in = info.Length() > 0 ? info[0].ToBoolean().Value() : true;
    const bool bias = info.Length() > 1 ? info[1].ToBoolean().Value() : true;
    return Napi::Number::New(info.Env(), net().feature_dim(in, bias));
  });
}

}  // namespace ranjs
