// JavaScript class RidgeStats: float64 normal equations, merge, save/restore and solves.
#pragma once
#include <napi.h>

#include <atomic>
#include <memory>

#include "ridge.h"

namespace ranjs {

class RidgeStatsWrap : public Napi::ObjectWrap<RidgeStatsWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit RidgeStatsWrap(const Napi::CallbackInfo& info);
  ~RidgeStatsWrap() override;
  ran::RidgeStats& stats();
  // Marks the statistics as used by a running job; throws ERR_RAN_BUSY if they already are.
  // Callers hold the mark through a BusyHold.
  void Acquire();
  void Release() { busy_.store(false); }

 private:
  Napi::Value Features(const Napi::CallbackInfo& info);
  Napi::Value Outputs(const Napi::CallbackInfo& info);
  Napi::Value Rows(const Napi::CallbackInfo& info);
  Napi::Value AddRows(const Napi::CallbackInfo& info);
  Napi::Value AddRowsAsync(const Napi::CallbackInfo& info);
  Napi::Value Merge(const Napi::CallbackInfo& info);
  Napi::Value Reset(const Napi::CallbackInfo& info);
  Napi::Value Export(const Napi::CallbackInfo& info);
  Napi::Value Import(const Napi::CallbackInfo& info);
  Napi::Value Solve(const Napi::CallbackInfo& info);
  Napi::Value SolveAsync(const Napi::CallbackInfo& info);
  Napi::Value KeptRows(const Napi::CallbackInfo& info);
  Napi::Value PredictSweep(const Napi::CallbackInfo& info);
  Napi::Value PredictSweepAsync(const Napi::CallbackInfo& info);
  RidgeStatsWrap* QueriesArg(const Napi::CallbackInfo& info);

  std::unique_ptr<ran::RidgeStats> stats_;
  std::atomic<bool> busy_{false};
  int64_t external_ = 0;
};

// The busy mark of one or two statistics (ERR_RAN_BUSY if either is in use: a running job may
// be writing them), held until Release() or the end of the scope, whichever comes first; an
// asynchronous job shares one and releases it when it ends.
class BusyHold {
 public:
  explicit BusyHold(RidgeStatsWrap* a, RidgeStatsWrap* b = nullptr);
  ~BusyHold() { Release(); }
  BusyHold(const BusyHold&) = delete;
  BusyHold& operator=(const BusyHold&) = delete;
  void Release();

 private:
  RidgeStatsWrap* a_ = nullptr;
  RidgeStatsWrap* b_ = nullptr;
};

}  // namespace ranjs
