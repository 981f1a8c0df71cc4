// Attention units, architecture.md RAN-A steps 2-6 (and RAN-C's cortex, ff_hidden = 0): each
// unit projects its drive z to a query, a key and a value, writes the key and value into a
// ring of the last k steps (its context, kept in the run state), attends over the filled
// slots per head, adds the result to z (residual), optionally a feed-forward half, then
// leaks: y ← (1 − α) y + α tanh(r + f).
#include <algorithm>
#include <cmath>

#include "fast_math.h"
#include "products.h"
#include "softmax.h"
#include "unit_kind.h"

namespace ran {

namespace {

// For one sequence: W_Q, W_K, W_V side by side (one pass over z gives q, k and v), W_1 and
// W_2, each transposed for matvec_cols.
struct AttentionPack : PackedUnits {
  std::vector<float> qkv_t, w1_t, w2_t;
  size_t qkv_stride = 0, w1_stride = 0, w2_stride = 0;
};

std::unique_ptr<PackedUnits> pack(const Population& p) {
  auto u = std::make_unique<AttentionPack>();
  const int copies = static_cast<int>(weight_copies(p)), d = p.width, dff = p.ff_hidden;
  u->qkv_stride = round16(3 * static_cast<size_t>(d));
  u->qkv_t.assign(static_cast<size_t>(copies) * d * u->qkv_stride, 0.0f);
  transpose_into(p.w_q.data(), copies, d, d, u->qkv_stride, 0, u->qkv_t.data());
  transpose_into(p.w_k.data(), copies, d, d, u->qkv_stride, d, u->qkv_t.data());
  transpose_into(p.w_v.data(), copies, d, d, u->qkv_stride, 2 * static_cast<size_t>(d), u->qkv_t.data());
  if (dff > 0) {
    u->w1_stride = round16(dff);
    u->w1_t = transpose_rows(p.w_1.data(), copies, dff, d, u->w1_stride);
    u->w2_stride = round16(d);
    u->w2_t = transpose_rows(p.w_2.data(), copies, d, dff, u->w2_stride);
  }
  return u;
}

// Scratch of one unit's step, [entries][TB] each.
template <int TB>
struct Scratch {
  float *q, *h, *r, *f, *hid, *score;
  Scratch(const Population& p, float* base) {
    const size_t d = static_cast<size_t>(p.width) * TB;
    q = base;
    h = q + d;  // q, h and r are contiguous: the one-lane projection writes q, k, v into them
    r = h + d;
    f = r + d;
    hid = f + d;
    score = hid + static_cast<size_t>(std::max(p.ff_hidden, 1)) * TB;
  }
};

// q into s.q; k and v into the ring at `slot`.
template <int TB>
void project(const Population& p, const AttentionPack& pack, size_t wm, const float* zu, float* ku, float* vu, int slot,
             float* q) {
  const int d = p.width;
  const size_t dd = static_cast<size_t>(d) * d;
  if (TB == 1) {
    // q, k, v in one pass into q[0, 3d) (h and r are written later).
    matvec_cols(pack.qkv_t.data() + wm * d * pack.qkv_stride, pack.qkv_stride, 3 * d, d, zu, q);
    std::copy(q + d, q + 2 * d, ku + static_cast<size_t>(slot) * d);
    std::copy(q + 2 * d, q + 3 * d, vu + static_cast<size_t>(slot) * d);
  } else {
    matvec_lanes<TB>(p.w_k.data() + wm * dd, d, d, zu, ku + static_cast<size_t>(slot) * d * TB);
    matvec_lanes<TB>(p.w_v.data() + wm * dd, d, d, zu, vu + static_cast<size_t>(slot) * d * TB);
    matvec_lanes<TB>(p.w_q.data() + wm * dd, d, d, zu, q);
  }
}

// score[s] ← softmax over the filled slots of q·k_s / (√dh · temperature), for head columns
// [j0, j0 + dh). With `entropy`, also the entropy of the weights per lane (softmax.h).
template <int TB>
void attention_weights(const Population& p, const float* q, const float* ku, int j0, int filled, float* score,
                       double* entropy) {
  const int d = p.width, dh = d / p.heads;
  const float scale = 1.0f / (std::sqrt(static_cast<float>(dh)) * p.temperature);
  const size_t slot_stride = static_cast<size_t>(d) * TB;
  in_groups(filled, [&](auto g, int s0) {
    score_group<TB, decltype(g)::value>(q + static_cast<size_t>(j0) * TB,
                                        ku + s0 * slot_stride + static_cast<size_t>(j0) * TB, slot_stride, dh,
                                        score + static_cast<size_t>(s0) * TB);
  });
  softmax_lanes<TB>(score, filled, scale, entropy);
}

// The attention statistics (docs/architecture.md, "Attention statistics"), per unit and
// sequence, summed over steps and heads where at least two slots are filled:
// [0] entropy / log(filled), [1] weight on the newest slot, [2] Σ_s w_s · age_s (steps),
// [3] the number of (step, head) pairs added.
constexpr int kStatCount = 4;

template <int TB>
void add_stats(const UnitCapture& cap, const Population& p, int m, int slot, int filled, const float* score,
               const double* entropy) {
  if (filled < 2) return;
  const int k = p.context;
  const double log_filled = std::log(static_cast<double>(filled));
  float lag[TB] = {};  // slots outer, lanes inner: contiguous and vectorised
  for (int s = 0; s < filled; ++s) {
    const float age = static_cast<float>((slot - s + k) % k);
    for (int l = 0; l < TB; ++l) lag[l] += score[s * TB + l] * age;
  }
  for (int l = 0; l < cap.valid_lanes; ++l) {
    double* out = cap.stats + (static_cast<size_t>(l) * p.units + m) * kStatCount;
    out[0] += entropy[l] / log_filled;
    out[1] += score[slot * TB + l];
    out[2] += lag[l];
    out[3] += 1.0;
  }
}

// The weights of head `hd` of unit `m` by age (0 = newest) into the capture block.
template <int TB>
void capture_weights(const UnitCapture& cap, const Population& p, int m, int hd, int slot, int filled,
                     const float* score) {
  const int k = p.context;
  const size_t base = (static_cast<size_t>(cap.unit_slot[m]) * p.heads + hd) * k;
  for (int l = 0; l < cap.valid_lanes; ++l) {
    float* o = cap.weights + l * cap.lane_stride + base;
    for (int s = 0; s < k; ++s) o[s] = 0.0f;
    for (int s = 0; s < filled; ++s) o[(slot - s + k) % k] = score[s * TB + l];
  }
}

// y ← (1 − α) y + α tanh(r + f(r)), f the feed-forward half (none when ff_hidden = 0).
template <int TB>
void output(const Population& p, const AttentionPack& pack, size_t wm, const Scratch<TB>& s, float* yu) {
  const int d = p.width, dff = p.ff_hidden;
  const float keep = 1.0f - p.leak_rate, alpha = p.leak_rate;
  if (dff == 0) {
    for (int i = 0; i < d * TB; ++i) yu[i] = keep * yu[i] + alpha * fast_tanh(s.r[i]);
    return;
  }
  if (TB == 1)
    matvec_cols(pack.w1_t.data() + wm * d * pack.w1_stride, pack.w1_stride, dff, d, s.r, s.hid);
  else
    matvec_lanes<TB>(p.w_1.data() + wm * dff * d, dff, d, s.r, s.hid);
  if (p.activation == Activation::Relu) {
    for (int i = 0; i < dff * TB; ++i) s.hid[i] = s.hid[i] > 0.0f ? s.hid[i] : 0.0f;
  } else {
    for (int i = 0; i < dff * TB; ++i) s.hid[i] = fast_gelu(s.hid[i]);
  }
  if (TB == 1)
    matvec_cols(pack.w2_t.data() + wm * dff * pack.w2_stride, pack.w2_stride, d, dff, s.hid, s.f);
  else
    matvec_lanes<TB>(p.w_2.data() + wm * d * dff, d, dff, s.hid, s.f);
  for (int i = 0; i < d * TB; ++i) yu[i] = keep * yu[i] + alpha * fast_tanh(s.r[i] + s.f[i]);
}

// context: keys then values, [units][context][d][TB] each.
template <int TB>
void step(const UnitStep& st) {
  const Population& p = *st.pop;
  const AttentionPack& pack = static_cast<const AttentionPack&>(*st.packed);
  const int d = p.width, k = p.context, dh = d / p.heads;
  const int slot = static_cast<int>(st.step % k);
  const int filled = st.step + 1 < k ? static_cast<int>(st.step + 1) : k;
  const Scratch<TB> s(p, st.scratch);
  float* keys = st.context;
  float* vals = keys + static_cast<size_t>(p.units) * k * d * TB;
  for (int m = 0; m < p.units; ++m) {
    const size_t wm = p.shared ? 0 : static_cast<size_t>(m);
    const float* zu = st.z + static_cast<size_t>(m) * d * TB;
    float* ku = keys + static_cast<size_t>(m) * k * d * TB;
    float* vu = vals + static_cast<size_t>(m) * k * d * TB;
    project<TB>(p, pack, wm, zu, ku, vu, slot, s.q);
    const size_t slot_stride = static_cast<size_t>(d) * TB;
    for (int hd = 0; hd < p.heads; ++hd) {
      const int j0 = hd * dh;
      const UnitCapture* cap = st.capture;
      const bool stats = cap != nullptr && cap->stats != nullptr;
      double entropy[TB];
      attention_weights<TB>(p, s.q, ku, j0, filled, s.score, stats ? entropy : nullptr);
      if (stats) add_stats<TB>(*cap, p, m, slot, filled, s.score, entropy);
      in_groups(dh, [&](auto jn, int j) {
        value_group<TB, decltype(jn)::value>(s.score, vu + static_cast<size_t>(j0 + j) * TB, slot_stride, filled,
                                             s.h + static_cast<size_t>(j0 + j) * TB);
      });
      if (cap != nullptr && cap->weights != nullptr && cap->unit_slot[m] >= 0)
        capture_weights<TB>(*cap, p, m, hd, slot, filled, s.score);
    }
    for (int i = 0; i < d * TB; ++i) s.r[i] = zu[i] + s.h[i];
    output<TB>(p, pack, wm, s, st.y + static_cast<size_t>(m) * d * TB);
  }
}

void validate(const Population& p, const std::string& name) {
  require_units(p.context > 0, name + ": context must be a positive integer");
  require_units(p.heads > 0 && p.width % p.heads == 0, name + ": heads must divide the width");
  require_units(p.temperature > 0.0f, name + ": temperature must be positive");
  require_units(p.ff_hidden >= 0, name + ": ffHidden must be non-negative");
  const size_t dd = weight_copies(p) * p.width * p.width, ff = weight_copies(p) * p.ff_hidden * p.width;
  require_count(p.w_q, dd, name + ".wQ");
  require_count(p.w_k, dd, name + ".wK");
  require_count(p.w_v, dd, name + ".wV");
  require_count(p.w_1, ff, name + ".w1");
  require_count(p.w_2, ff, name + ".w2");
}

size_t square(const Population& p) {
  return weight_copies(p) * p.width * p.width;
}
size_t feed_forward(const Population& p) {
  return weight_copies(p) * p.ff_hidden * p.width;
}
size_t scratch(const Population& p) {
  return 4 * static_cast<size_t>(p.width) + std::max(p.ff_hidden, 1) + p.context + 1;
}
size_t context(const Population& p) {
  return 2 * static_cast<size_t>(p.units) * p.context * p.width;
}
size_t captured(const Population& p) {
  return static_cast<size_t>(p.heads) * p.context;
}

}  // namespace

const UnitKind& attention_units() {
  static const UnitKind kind{
      "attention",
      {int_option("context", 1, 1 << 16, 1, true, [](Population& p, double v) { p.context = static_cast<int>(v); }),
       int_option("heads", 1, 1 << 16, 1, false, [](Population& p, double v) { p.heads = static_cast<int>(v); }),
       int_option("ffHidden", 0, 1 << 20, 0, false, [](Population& p, double v) { p.ff_hidden = static_cast<int>(v); }),
       number_option("temperature", 1.0, [](Population& p, double v) { p.temperature = static_cast<float>(v); }),
       choice_option("activation", {"relu", "gelu"},
                     [](Population& p, double v) { p.activation = static_cast<Activation>(static_cast<int>(v)); }),
       weights_option("wQ", square, [](Population& p) -> std::vector<float>& { return p.w_q; }),
       weights_option("wK", square, [](Population& p) -> std::vector<float>& { return p.w_k; }),
       weights_option("wV", square, [](Population& p) -> std::vector<float>& { return p.w_v; }),
       weights_option("w1", feed_forward, [](Population& p) -> std::vector<float>& { return p.w_1; }),
       weights_option("w2", feed_forward, [](Population& p) -> std::vector<float>& { return p.w_2; })},
      validate,
      pack,
      scratch,
      context,
      captured,
      {step<1>, step<4>, step<8>, step<16>},
      kStatCount};
  return kind;
}

}  // namespace ran
