// gemmCeiling({dtype, n?, threads?, minSeconds?}): GFLOP/s of an n×n matrix product through
// this build's Eigen, the ceiling against which the benchmarks report fractions of peak.
#pragma once
#include <napi.h>

namespace ranjs {

Napi::Value GemmCeiling(const Napi::CallbackInfo& info);

}  // namespace ranjs
