// Draws of the portable generator (lib/random.ts) made natively (random_wrap.cpp).
#pragma once
#include <napi.h>

namespace ranjs {

Napi::Value Normals(const Napi::CallbackInfo& info);
Napi::Value DrawSparseUniform(const Napi::CallbackInfo& info);

}  // namespace ranjs
