// Memory units, architecture.md RAN-C: o = tanh(Σ_p φ(κ_p·z / temperature) ν_p), φ = ReLU
// or a softmax over the P slots; fixed keys κ and values ν.
#include <algorithm>
#include <cmath>

#include "fast_math.h"
#include "products.h"
#include "softmax.h"
#include "unit_kind.h"

namespace ran {

namespace {

// Keys transposed ([d][P]), values as they are ([P][d]) with rows padded to a multiple of
// 16: for one sequence, both sums are then matvec_cols.
struct MemoryPack : PackedUnits {
  std::vector<float> keys_t, values_p;
  size_t keys_stride = 0, values_stride = 0;
};

std::unique_ptr<PackedUnits> pack(const Population& p) {
  auto u = std::make_unique<MemoryPack>();
  const int copies = static_cast<int>(weight_copies(p)), d = p.width, P = p.slots;
  u->keys_stride = round16(P);
  u->keys_t = transpose_rows(p.keys.data(), copies, P, d, u->keys_stride);
  u->values_stride = round16(d);
  u->values_p.assign(static_cast<size_t>(copies) * P * u->values_stride, 0.0f);
  for (size_t row = 0; row < static_cast<size_t>(copies) * P; ++row)
    std::copy(p.values.data() + row * d, p.values.data() + (row + 1) * d, u->values_p.data() + row * u->values_stride);
  return u;
}

// J outputs of a memory unit's retrieval: out[j][l] = Σ_i w[i][l] ν_i[j], i ascending; J
// independent chains (one chain per output waited on its own FMAs).
template <int TB, int J>
inline void value_group(const float* w, const float* v0, int d, int slots, float* out) {
  float acc[J][TB] = {};
  for (int i = 0; i < slots; ++i) {
    const float* wi = w + static_cast<size_t>(i) * TB;
    const float* vi = v0 + static_cast<size_t>(i) * d;
#pragma GCC unroll 8
    for (int j = 0; j < J; ++j) {
      const float v = vi[j];
#pragma GCC unroll 16
      for (int l = 0; l < TB; ++l) acc[j][l] = madd(wi[l], v, acc[j][l]);
    }
  }
  for (int j = 0; j < J; ++j)
    for (int l = 0; l < TB; ++l) out[static_cast<size_t>(j) * TB + l] = acc[j][l];
}

// w[i] ← φ(w[i] / temperature) over the P slots of each lane.
template <int TB>
void retrieval_weights(const Population& p, float* w) {
  const int P = p.slots;
  const float inv_t = 1.0f / p.temperature;
  if (p.retrieval == Retrieval::Relu) {
    for (int i = 0; i < P * TB; ++i) {
      const float s = w[i] * inv_t;
      w[i] = s > 0.0f ? s : 0.0f;
    }
    return;
  }
  softmax_lanes<TB>(w, P, inv_t, nullptr);
}

template <int TB>
void step(const UnitStep& s) {
  const Population& p = *s.pop;
  const MemoryPack& pack = static_cast<const MemoryPack&>(*s.packed);
  const int d = p.width, P = p.slots;
  float* w = s.scratch;                          // [P][TB]
  float* out = w + static_cast<size_t>(P) * TB;  // [d][TB]
  const size_t pd = static_cast<size_t>(P) * d;
  const float keep = 1.0f - p.leak_rate, alpha = p.leak_rate;
  for (int m = 0; m < p.units; ++m) {
    const size_t wm = p.shared ? 0 : static_cast<size_t>(m);
    const float* zu = s.z + static_cast<size_t>(m) * d * TB;
    if (TB == 1)
      matvec_cols(pack.keys_t.data() + wm * d * pack.keys_stride, pack.keys_stride, P, d, zu, w);
    else
      matvec_lanes<TB>(p.keys.data() + wm * pd, P, d, zu, w);
    retrieval_weights<TB>(p, w);
    if (TB == 1) {
      // One lane: over the value entries, w[i] as the operand (fma(ν, w, ·) = fma(w, ν, ·)).
      matvec_cols(pack.values_p.data() + wm * P * pack.values_stride, pack.values_stride, d, P, w, out);
    } else {
      const float* vals = p.values.data() + wm * pd;
      in_groups(d, [&](auto jn, int j0) {
        value_group<TB, decltype(jn)::value>(w, vals + j0, d, P, out + static_cast<size_t>(j0) * TB);
      });
    }
    float* yu = s.y + static_cast<size_t>(m) * d * TB;
    if (p.readout_state == ReadoutState::Y) {
      for (int i = 0; i < d * TB; ++i) yu[i] = keep * yu[i] + alpha * fast_tanh(out[i]);
      continue;
    }
    float* ou = s.context + static_cast<size_t>(m) * d * TB;  // o for the readout
    for (int i = 0; i < d * TB; ++i) {
      ou[i] = fast_tanh(out[i]);
      yu[i] = keep * yu[i] + alpha * ou[i];
    }
  }
}

void validate(const Population& p, const std::string& name) {
  require_units(p.slots > 0, name + ": slots must be a positive integer");
  require_units(p.temperature > 0.0f, name + ": temperature must be positive");
  const size_t count = weight_copies(p) * p.slots * p.width;
  require_count(p.keys, count, name + ".keys");
  require_count(p.values, count, name + ".values");
}

size_t slot_values(const Population& p) {
  return weight_copies(p) * p.slots * p.width;
}
size_t scratch(const Population& p) {
  return static_cast<size_t>(p.slots) + p.width;
}
size_t none(const Population&) {
  return 0;
}
// The context holds only o ([units][d] per lane), when the readout reads it.
size_t context(const Population& p) {
  return p.readout_state == ReadoutState::Y ? 0 : static_cast<size_t>(p.size());
}

}  // namespace

const UnitKind& memory_units() {
  static const UnitKind kind{
      "memory",
      {int_option("slots", 1, 1 << 20, 1, true, [](Population& p, double v) { p.slots = static_cast<int>(v); }),
       number_option("temperature", 1.0, [](Population& p, double v) { p.temperature = static_cast<float>(v); }),
       choice_option("retrieval", {"relu", "softmax"},
                     [](Population& p, double v) { p.retrieval = static_cast<Retrieval>(static_cast<int>(v)); }),
       weights_option("keys", slot_values, [](Population& p) -> std::vector<float>& { return p.keys; }),
       weights_option("values", slot_values, [](Population& p) -> std::vector<float>& { return p.values; }),
       choice_option(
           "readoutState", {"y", "o", "both"},
           [](Population& p, double v) { p.readout_state = static_cast<ReadoutState>(static_cast<int>(v)); })},
      validate,
      pack,
      scratch,
      context,
      none,
      {step<1>, step<4>, step<8>, step<16>},
      0,
      none};
  return kind;
}

}  // namespace ran
