// JavaScript class Network: owns a composed reservoir (weights copied into C++) and its
// carried state; run / runAsync step it over a batch in one call.
#pragma once
#include <napi.h>

#include <atomic>
#include <memory>

#include "network.h"

namespace ranjs {

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

  ran::Network& net();
  void Acquire();
  void Release() { busy_.store(false); }
  Napi::Value RunImpl(const Napi::CallbackInfo& info, bool async);

  std::unique_ptr<ran::Network> net_;
  std::atomic<bool> busy_{false};
  std::atomic<bool> cancel_{false};
  int64_t external_ = 0;
};

}  // namespace ranjs
