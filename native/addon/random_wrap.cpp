// normals(state, spare, out, words?, spares?): fills `out` with the next out.length normals
// of lib/random.ts's generator (portable_random.h). `state` (Int32Array of 4: the xoshiro
// words) and `spare` (Float64Array of 2: [pending ? 1 : 0, value]) are read and updated in
// place. When given, words[4i .. 4i + 3] and spares[i] record the state after normal i
// (lib/reservoirs/normalStream.ts replays from them).
#include "random_wrap.h"

#include <string>

#include "args.h"
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
    for (int i = 0; i < 4; ++i) g.gen.s[i] = static_cast<uint32_t>(state[i]);
    g.has_spare = spare[0] != 0;
    g.spare = spare[1];
    ran::fill_normals(g, out.Data(), count, words, spares);
    for (int i = 0; i < 4; ++i) state[i] = static_cast<int32_t>(g.gen.s[i]);
    spare[0] = g.has_spare ? 1 : 0;
    spare[1] = g.has_spare ? g.spare : 0;
    return info.Env().Undefined();
  });
}

}  // namespace ranjs
