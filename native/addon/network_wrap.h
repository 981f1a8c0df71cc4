// JavaScript class Network: owns a composed reservoir's packed weights (immutable, shared
// by every call) and the state a series carries between calls.
//
// Calls that reset (the default for reservoirs) each run on a state of their own, so any
// number of them — synchronous or asynchronous — run at once on one Network. ERR_RAN_BUSY
// remains only where it protects something:
//   - a run with `reset: false` continues the carried state: it cannot start while any
//     other run of this Network is in progress (the state it continues is not final yet);
//   - reset() while a `reset: false` run is in progress; dispose() while any run is;
//   - the same RidgeStats trained by two calls at once (RidgeStatsWrap::Acquire).
// The carried state after a set of calls is the one the last *started* call left, as if
// the calls had run one after another in the order they were made.
#pragma once
#include <napi.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>

#include "network.h"

namespace ranjs {

struct RunJob;

class NetworkWrap : public Napi::ObjectWrap<NetworkWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit NetworkWrap(const Napi::CallbackInfo& info);
  ~NetworkWrap() override;

 private:
  Napi::Value Run(const Napi::CallbackInfo& info);
  Napi::Value RunAsync(const Napi::CallbackInfo& info);
  Napi::Value Reset(const Napi::CallbackInfo& info);
  Napi::Value Cancel(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value StepCount(const Napi::CallbackInfo& info);
  Napi::Value CarriedBatch(const Napi::CallbackInfo& info);
  Napi::Value StateSize(const Napi::CallbackInfo& info);
  Napi::Value FeatureDim(const Napi::CallbackInfo& info);
  Napi::Value Busy(const Napi::CallbackInfo& info);

  const ran::Network& net() const;
  Napi::Value RunImpl(const Napi::CallbackInfo& info, bool async);
  // Bookkeeping of calls, all on the JavaScript thread: Begin hands the job its state (the
  // carried one, or none) and a cancel flag; Finish installs the state the job leaves.
  void Begin(RunJob& job, bool continue_carried);
  void Finish(RunJob& job);

  std::shared_ptr<const ran::Network> net_;
  ran::RunState carried_;
  int carried_batch_ = 0;  // of the carried state, also while a run has it
  int64_t carried_steps_ = 0;
  uint64_t carried_seq_ = 0;  // start number of the call that left carried_
  uint64_t next_seq_ = 0;
  bool carried_in_flight_ = false;
  // Cancel flags of the calls in progress, by start number (with the caller's id, if any).
  struct Flight {
    double call_id;
    std::shared_ptr<std::atomic<bool>> cancel;
  };
  std::map<uint64_t, Flight> in_flight_;
  int64_t external_ = 0;
};

}  // namespace ranjs
