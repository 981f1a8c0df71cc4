// The portable generator's normals, drawn natively (random_wrap.cpp).
#pragma once
#include <napi.h>

namespace ranjs {

Napi::Value Normals(const Napi::CallbackInfo& info);

}  // namespace ranjs
