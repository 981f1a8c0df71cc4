// The portable generator's draws (lib/random.ts) made natively, the same bits.
//
// normals(state, spare, out, words?, spares?): fills `out` with the next out.length normals
// of lib/random.ts's generator (portable_random.h). `state` (Int32Array of 4: the xoshiro
// words) and `spare` (Float64Array of 2: [pending ? 1 : 0, value]) are read and updated in
// place. When given, words[4i .. 4i + 3] and spares[i] record the state after normal i
// (lib/reservoirs/normalStream.ts replays from them).
#include "random_wrap.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "addon.h"
#include "args.h"
#include "draw.h"
#include "portable_random.h"

namespace ranjs {

Napi::Value Normals(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    auto state = Int32(ArgAt(info, 0), "state", 4);
    auto spare = Float64(ArgAt(info, 1), "spare", 2);
    auto out = Float64(ArgAt(info, 2), "out", -1);
    const int64_t count = static_cast<int64_t>(out.ElementLength());
    int32_t* words = nullptr;
    uint8_t* spares = nullptr;
    if (info.Length() > 3 && !info[3].IsUndefined()) {
      auto w = Int32(ArgAt(info, 3), "words", 4 * count);
      words = w.Data();
      if (!ArgAt(info, 4).IsTypedArray() || ArgAt(info, 4).As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
        InvalidArg("spares", "a Uint8Array", ArgAt(info, 4));
      auto sp = ArgAt(info, 4).As<Napi::Uint8Array>();
      if (static_cast<int64_t>(sp.ElementLength()) != count)
        InvalidArg("spares", "a Uint8Array of out.length (" + std::to_string(count) + ") entries", sp);
      spares = sp.Data();
    }
    ran::PortableRandom g;
    for (int i = 0; i < 4; ++i) g.s[i] = static_cast<uint32_t>(state[i]);
    g.has_spare = spare[0] != 0;
    g.spare = spare[1];
    ran::fill_normals(g, out.Data(), count, words, spares);
    for (int i = 0; i < 4; ++i) state[i] = static_cast<int32_t>(g.s[i]);
    spare[0] = g.has_spare ? 1 : 0;
    spare[1] = g.has_spare ? g.spare : 0;
    return info.Env().Undefined();
  });
}

// drawSparseUniform(state: Int32Array(4), n, c): {rowPtr, colIdx, values}, the CSR matrix of
// lib/reservoirs/weights.ts sparseSquare with uniform entries; `state` (xoshiro128**) is advanced in place.
Napi::Value DrawSparseUniform(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    Napi::Int32Array state = Int32(ArgAt(info, 0), "state", 4);
    const Napi::Value nv = ArgAt(info, 1), cv = ArgAt(info, 2);
    if (!nv.IsNumber() || !(nv.As<Napi::Number>().DoubleValue() >= 1) || nv.As<Napi::Number>().DoubleValue() > 65536 ||
        std::floor(nv.As<Napi::Number>().DoubleValue()) != nv.As<Napi::Number>().DoubleValue())
      InvalidArg("n", "an integer in [1, 65536]", nv);
    if (!cv.IsNumber() || !(cv.As<Napi::Number>().DoubleValue() >= 0) || !(cv.As<Napi::Number>().DoubleValue() <= 1))
      InvalidArg("c", "a number in [0, 1]", cv);
    const int n = nv.As<Napi::Number>().Int32Value();
    const double c = cv.As<Napi::Number>().DoubleValue();
    if (static_cast<double>(n) * n * c * 8.0 > MaxBytes(info.Env()))
      Fail(ran::kInvalidArg, "the matrix would exceed the memory limit");
    ran::PortableRandom rng;
    for (int k = 0; k < 4; ++k) rng.s[k] = static_cast<uint32_t>(state[k]);
    ran::CsrDraw m = ran::draw_sparse_uniform(rng, n, c);
    for (int k = 0; k < 4; ++k) state[k] = static_cast<int32_t>(rng.s[k]);
    Napi::Env env = info.Env();
    auto rp = Napi::Int32Array::New(env, m.row_ptr.size());
    std::copy(m.row_ptr.begin(), m.row_ptr.end(), rp.Data());
    auto ci = Napi::Int32Array::New(env, m.col_idx.size());
    std::copy(m.col_idx.begin(), m.col_idx.end(), ci.Data());
    auto v = Napi::Float32Array::New(env, m.values.size());
    std::copy(m.values.begin(), m.values.end(), v.Data());
    Napi::Object out = Napi::Object::New(env);
    out.Set("rowPtr", rp);
    out.Set("colIdx", ci);
    out.Set("values", v);
    return static_cast<Napi::Value>(out);
  });
}

}  // namespace ranjs
