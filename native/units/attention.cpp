// Attention units, architecture.md RAN-A steps 2-6 (and RAN-C's cortex, ff_hidden = 0): each
// unit projects its drive z to a query, a key and a value, writes the key and value into a
// ring of the last k steps (its context, kept in the run state), attends over the filled
// slots per head, adds the result to z (residual), optionally a feed-forward half, then
// leaks: y ← (1 − α) y + α tanh(r + f). The variants (architecture.md, "Attention unit
// variants"): cosine scores with sharpness β, per-head biases by age, slots holding the input
// part of the drive or the state, writes gated by the input, and the fast output o kept for
// the readout.
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
  float *q, *h, *r, *f, *hid, *score, *src, *kv;
  Scratch(const Population& p, float* base) {
    const size_t d = static_cast<size_t>(p.width) * TB;
    q = base;
    h = q + d;  // q, h and r are contiguous: the one-lane projection writes q, k, v into them
    r = h + d;
    f = r + d;
    hid = f + d;
    score = hid + static_cast<size_t>(std::max(p.ff_hidden, 1)) * TB;
    src = score + static_cast<size_t>(p.context + 1) * TB;  // W_in^m u (slot content Input)
    kv = src + d;                                           // a gated write's key and value
  }
};

// Which slots each lane has filled and which one is the newest. Without gated writes every
// lane writes at every step (slot = step mod k); with them each lane keeps its own count of
// writes in the context (`ring`: [units][2][TB], next slot then filled slots, as floats).
template <int TB>
struct Ring {
  int newest[TB], filled[TB], writes[TB];
  int max_filled = 0;
  // Age, in writes, of slot s for lane l (0 = newest).
  int age(int s, int l, int k) const { return (newest[l] - s + k) % k; }
};

template <int TB>
Ring<TB> every_step_ring(int64_t step, int k) {
  Ring<TB> ring;
  const int slot = static_cast<int>(step % k), filled = step + 1 < k ? static_cast<int>(step + 1) : k;
  for (int l = 0; l < TB; ++l) {
    ring.newest[l] = slot;
    ring.filled[l] = filled;
    ring.writes[l] = 1;
  }
  ring.max_filled = filled;
  return ring;
}

// Gated writes: lane l writes when |g_m · u| > θ ‖u‖ (so never on a zero input); `counts`
// is unit m's [2][TB] in the context, updated here.
template <int TB>
Ring<TB> gated_ring(const Population& p, int m, const float* u, float* counts) {
  const int k = p.context, D = p.input_dim;
  const float* g = p.write_gate.data() + static_cast<size_t>(m) * D;
  float dot[TB] = {}, norm2[TB] = {};
  for (int i = 0; i < D; ++i)
    for (int l = 0; l < TB; ++l) {
      const float ui = u[static_cast<size_t>(i) * TB + l];
      dot[l] = madd(g[i], ui, dot[l]);
      norm2[l] = madd(ui, ui, norm2[l]);
    }
  Ring<TB> ring;
  for (int l = 0; l < TB; ++l) {
    const int next = static_cast<int>(counts[l]), filled = static_cast<int>(counts[TB + l]);
    ring.writes[l] = std::fabs(dot[l]) > p.write_threshold * std::sqrt(norm2[l]) ? 1 : 0;
    ring.newest[l] = ring.writes[l] ? next : (next + k - 1) % k;
    ring.filled[l] = std::min(k, filled + ring.writes[l]);
    counts[l] = static_cast<float>(ring.writes[l] ? (next + 1) % k : next);
    counts[TB + l] = static_cast<float>(ring.filled[l]);
    ring.max_filled = std::max(ring.max_filled, ring.filled[l]);
  }
  return ring;
}

// Each head's part of x [d][TB] divided by its length (cosine scores); a zero part stays 0.
template <int TB>
void normalize_heads(const Population& p, float* x) {
  const int dh = p.width / p.heads;
  for (int hd = 0; hd < p.heads; ++hd) {
    float* xh = x + static_cast<size_t>(hd) * dh * TB;
    float n2[TB] = {};
    for (int j = 0; j < dh; ++j)
      for (int l = 0; l < TB; ++l) n2[l] = madd(xh[j * TB + l], xh[j * TB + l], n2[l]);
    float inv[TB];
    for (int l = 0; l < TB; ++l) inv[l] = 1.0f / std::sqrt(n2[l] + 1e-12f);
    for (int j = 0; j < dh; ++j)
      for (int l = 0; l < TB; ++l) xh[j * TB + l] *= inv[l];
  }
}

// What unit m's keys and values are computed from: z, W_in^m u (into s.src) or y(t-1).
template <int TB>
const float* slot_source(const UnitStep& st, int m, float* src) {
  const Population& p = *st.pop;
  const size_t md = static_cast<size_t>(m) * p.width;
  switch (p.slot_content) {
    case SlotContent::Input:
      matvec_lanes<TB>(p.w_slot.data() + md * p.input_dim, p.width, p.input_dim, st.u, src);
      return src;
    case SlotContent::State:
      return st.y + md * TB;
    default:
      return st.z + md * TB;
  }
}

// q into s.q; k and v into the ring at `slot` (or, for gated writes, into s.kv, then into
// each writing lane's own slot).
template <int TB>
void project(const UnitStep& st, const AttentionPack& pack, int m, const Ring<TB>& ring, const Scratch<TB>& s,
             float* ku, float* vu) {
  const Population& p = *st.pop;
  const int d = p.width;
  const size_t dd = static_cast<size_t>(d) * d, wm = p.shared ? 0 : static_cast<size_t>(m);
  const float* zu = st.z + static_cast<size_t>(m) * d * TB;
  const float* src = slot_source<TB>(st, m, s.src);
  const bool direct = !p.gated_writes;
  float* kt = direct ? ku + static_cast<size_t>(ring.newest[0]) * d * TB : s.kv;
  float* vt = direct ? vu + static_cast<size_t>(ring.newest[0]) * d * TB : s.kv + static_cast<size_t>(d) * TB;
  if (TB == 1 && direct && src == zu) {
    // q, k, v in one pass into q[0, 3d) (h and r are written later).
    matvec_cols(pack.qkv_t.data() + wm * d * pack.qkv_stride, pack.qkv_stride, 3 * d, d, zu, s.q);
    std::copy(s.q + d, s.q + 2 * d, kt);
    std::copy(s.q + 2 * d, s.q + 3 * d, vt);
  } else {
    matvec_lanes<TB>(p.w_k.data() + wm * dd, d, d, src, kt);
    matvec_lanes<TB>(p.w_v.data() + wm * dd, d, d, src, vt);
    matvec_lanes<TB>(p.w_q.data() + wm * dd, d, d, zu, s.q);
  }
  if (p.scores == Scores::Cosine) {
    normalize_heads<TB>(p, s.q);
    normalize_heads<TB>(p, kt);
  }
  if (direct) return;
  for (int l = 0; l < TB; ++l) {
    if (!ring.writes[l]) continue;
    const size_t at = static_cast<size_t>(ring.newest[l]) * d * TB;
    for (int j = 0; j < d; ++j) {
      ku[at + static_cast<size_t>(j) * TB + l] = kt[static_cast<size_t>(j) * TB + l];
      vu[at + static_cast<size_t>(j) * TB + l] = vt[static_cast<size_t>(j) * TB + l];
    }
  }
}

// Scores before the softmax: q·k scaled (1/(√dh·temperature), or β for cosine scores), plus
// the head's bias by age; slots a lane has not filled get a large negative score (their weight
// is then set to 0 after the softmax, in mask_unfilled).
template <int TB>
void adjust_scores(const Population& p, int m, int hd, const Ring<TB>& ring, float* score) {
  const int k = p.context, dh = p.width / p.heads;
  const float scale =
      p.scores == Scores::Cosine ? p.sharpness : 1.0f / (std::sqrt(static_cast<float>(dh)) * p.temperature);
  for (int s = 0; s < ring.max_filled; ++s)
    for (int l = 0; l < TB; ++l) score[s * TB + l] *= scale;
  if (p.relative_bias) {
    const float* bias = p.position_bias.data() + ((p.shared ? 0 : static_cast<size_t>(m)) * p.heads + hd) * k;
    for (int s = 0; s < ring.max_filled; ++s)
      for (int l = 0; l < TB; ++l) score[s * TB + l] += bias[ring.age(s, l, k)];
  }
  if (!p.gated_writes) return;
  for (int s = 0; s < ring.max_filled; ++s)
    for (int l = 0; l < TB; ++l)
      if (s >= ring.filled[l]) score[s * TB + l] = -1e30f;
}

// −Σ w log w over each lane's filled slots, from the weights: with gated writes the softmax's
// own entropy would include the tiny weights of the masked slots, whose number depends on the
// other lanes of the tile.
template <int TB>
void weights_entropy(const Ring<TB>& ring, const float* score, double* entropy) {
  for (int l = 0; l < TB; ++l) {
    double h = 0.0;
    for (int s = 0; s < ring.filled[l]; ++s) {
      const double w = score[s * TB + l];
      if (w > 0.0) h -= w * std::log(w);
    }
    entropy[l] = h;
  }
}

template <int TB>
void mask_unfilled(const Ring<TB>& ring, float* score) {
  for (int s = 0; s < ring.max_filled; ++s)
    for (int l = 0; l < TB; ++l)
      if (s >= ring.filled[l]) score[s * TB + l] = 0.0f;
}

// score[s] ← softmax over the filled slots of q·k_s / (√dh · temperature), for head `hd`
// (columns [j0, j0 + dh)); with a variant, of the scores adjust_scores gives. With `entropy`,
// also the entropy of the weights per lane (softmax.h).
template <int TB>
void attention_weights(const Population& p, int m, int hd, const float* q, const float* ku, const Ring<TB>& ring,
                       float* score, double* entropy) {
  const int d = p.width, dh = d / p.heads, j0 = hd * dh, filled = ring.max_filled;
  const size_t slot_stride = static_cast<size_t>(d) * TB;
  in_groups(filled, [&](auto g, int s0) {
    score_group<TB, decltype(g)::value>(q + static_cast<size_t>(j0) * TB,
                                        ku + s0 * slot_stride + static_cast<size_t>(j0) * TB, slot_stride, dh,
                                        score + static_cast<size_t>(s0) * TB);
  });
  if (p.scores == Scores::Dot && !p.relative_bias && !p.gated_writes) {
    softmax_lanes<TB>(score, filled, 1.0f / (std::sqrt(static_cast<float>(dh)) * p.temperature), entropy);
    return;
  }
  adjust_scores<TB>(p, m, hd, ring, score);
  softmax_lanes<TB>(score, filled, 1.0f, entropy);
  if (p.gated_writes) mask_unfilled<TB>(ring, score);
}

// The attention statistics (docs/architecture.md, "Attention statistics"), per unit and
// sequence, summed over steps and heads where at least two slots are filled:
// [0] entropy / log(filled), [1] weight on the newest slot, [2] Σ_s w_s · age_s (steps),
// [3] the number of (step, head) pairs added.
constexpr int kStatCount = 4;

template <int TB>
void add_stats(const UnitCapture& cap, const Population& p, int m, const Ring<TB>& ring, const float* score,
               const double* entropy) {
  if (ring.max_filled < 2) return;
  const int k = p.context;
  float lag[TB] = {};  // slots outer, lanes inner: contiguous and vectorised
  for (int s = 0; s < ring.max_filled; ++s)
    for (int l = 0; l < TB; ++l) lag[l] += score[s * TB + l] * static_cast<float>(ring.age(s, l, k));
  for (int l = 0; l < cap.valid_lanes; ++l) {
    if (ring.filled[l] < 2) continue;
    double* out = cap.stats + (static_cast<size_t>(l) * p.units + m) * kStatCount;
    out[0] += entropy[l] / std::log(static_cast<double>(ring.filled[l]));
    out[1] += score[ring.newest[l] * TB + l];
    out[2] += lag[l];
    out[3] += 1.0;
  }
}

// The weights of head `hd` of unit `m` by age (0 = newest) into the capture block.
template <int TB>
void capture_weights(const UnitCapture& cap, const Population& p, int m, int hd, const Ring<TB>& ring,
                     const float* score) {
  const int k = p.context;
  const size_t base = (static_cast<size_t>(cap.unit_slot[m]) * p.heads + hd) * k;
  for (int l = 0; l < cap.valid_lanes; ++l) {
    float* o = cap.weights + l * cap.lane_stride + base;
    for (int s = 0; s < k; ++s) o[s] = 0.0f;
    for (int s = 0; s < ring.filled[l]; ++s) o[ring.age(s, l, k)] = score[s * TB + l];
  }
}

// s.f = W_2 φ(W_1 r).
template <int TB>
void feed_forward(const Population& p, const AttentionPack& pack, size_t wm, const Scratch<TB>& s) {
  const int d = p.width, dff = p.ff_hidden;
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
}

// o = tanh(r + f(r)), f the feed-forward half (none when ff_hidden = 0), kept in `ou` when
// the readout reads it; y ← (1 − α) y + α o.
template <int TB>
void output(const Population& p, const AttentionPack& pack, size_t wm, const Scratch<TB>& s, float* yu, float* ou) {
  const int n = p.width * TB;
  const float keep = 1.0f - p.leak_rate, alpha = p.leak_rate;
  if (p.ff_hidden > 0) {
    feed_forward<TB>(p, pack, wm, s);
    for (int i = 0; i < n; ++i) s.r[i] += s.f[i];
  }
  if (ou == nullptr) {
    for (int i = 0; i < n; ++i) yu[i] = keep * yu[i] + alpha * fast_tanh(s.r[i]);
    return;
  }
  for (int i = 0; i < n; ++i) {
    ou[i] = fast_tanh(s.r[i]);
    yu[i] = keep * yu[i] + alpha * ou[i];
  }
}

// Unit m's weights by head, then its residual r = z + h.
template <int TB>
void attend(const UnitStep& st, int m, const Ring<TB>& ring, const Scratch<TB>& s, const float* ku, const float* vu) {
  const Population& p = *st.pop;
  const int d = p.width, dh = d / p.heads;
  const size_t slot_stride = static_cast<size_t>(d) * TB;
  const UnitCapture* cap = st.capture;
  const bool stats = cap != nullptr && cap->stats != nullptr;
  for (int hd = 0; hd < p.heads; ++hd) {
    const int j0 = hd * dh;
    double entropy[TB];
    attention_weights<TB>(p, m, hd, s.q, ku, ring, s.score, stats && !p.gated_writes ? entropy : nullptr);
    if (stats && p.gated_writes) weights_entropy<TB>(ring, s.score, entropy);
    if (stats) add_stats<TB>(*cap, p, m, ring, s.score, entropy);
    in_groups(dh, [&](auto jn, int j) {
      value_group<TB, decltype(jn)::value>(s.score, vu + static_cast<size_t>(j0 + j) * TB, slot_stride, ring.max_filled,
                                           s.h + static_cast<size_t>(j0 + j) * TB);
    });
    if (cap != nullptr && cap->weights != nullptr && cap->unit_slot[m] >= 0)
      capture_weights<TB>(*cap, p, m, hd, ring, s.score);
  }
  const float* zu = st.z + static_cast<size_t>(m) * d * TB;
  for (int i = 0; i < d * TB; ++i) s.r[i] = zu[i] + s.h[i];
}

bool reads_output(const Population& p) {
  return p.readout_state != ReadoutState::Y;
}

// Per lane, after the keys and values: o ([units][d], when the readout reads it), then the
// write counts ([units][2], with gated writes).
size_t output_offset(const Population& p) {
  return 2 * static_cast<size_t>(p.units) * p.context * p.width;
}
size_t counts_offset(const Population& p) {
  return output_offset(p) + (reads_output(p) ? static_cast<size_t>(p.units) * p.width : 0);
}

// context: keys then values, [units][context][d][TB] each, then o and the write counts.
template <int TB>
void step(const UnitStep& st) {
  const Population& p = *st.pop;
  const AttentionPack& pack = static_cast<const AttentionPack&>(*st.packed);
  const int d = p.width, k = p.context;
  const Scratch<TB> s(p, st.scratch);
  float* keys = st.context;
  float* vals = keys + static_cast<size_t>(p.units) * k * d * TB;
  float* outs = reads_output(p) ? st.context + output_offset(p) * TB : nullptr;
  float* counts = st.context + counts_offset(p) * TB;
  const Ring<TB> every = every_step_ring<TB>(st.step, k);
  for (int m = 0; m < p.units; ++m) {
    const size_t wm = p.shared ? 0 : static_cast<size_t>(m), md = static_cast<size_t>(m) * d * TB;
    float* ku = keys + static_cast<size_t>(m) * k * d * TB;
    float* vu = vals + static_cast<size_t>(m) * k * d * TB;
    const Ring<TB> ring = p.gated_writes ? gated_ring<TB>(p, m, st.u, counts + static_cast<size_t>(m) * 2 * TB) : every;
    project<TB>(st, pack, m, ring, s, ku, vu);
    attend<TB>(st, m, ring, s, ku, vu);
    output<TB>(p, pack, wm, s, st.y + md, outs != nullptr ? outs + md : nullptr);
  }
}

void validate(const Population& p, const std::string& name) {
  require_units(p.context > 0, name + ": context must be a positive integer");
  require_units(p.heads > 0 && p.width % p.heads == 0, name + ": heads must divide the width");
  require_units(p.temperature > 0.0f, name + ": temperature must be positive");
  require_units(p.ff_hidden >= 0, name + ": ffHidden must be non-negative");
  require_units(std::isfinite(p.sharpness) && p.sharpness > 0.0f, name + ": sharpness must be positive");
  require_units(std::isfinite(p.write_threshold) && p.write_threshold >= 0.0f,
                name + ": writeThreshold must be non-negative");
  require_units((p.slot_content != SlotContent::Input && !p.gated_writes) || p.input_dim > 0,
                name + ": inputDim must be positive for slotContent 'input' or gated writes");
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
size_t position_biases(const Population& p) {
  return p.relative_bias ? weight_copies(p) * p.heads * p.context : 0;
}
size_t slot_inputs(const Population& p) {
  return p.slot_content == SlotContent::Input ? static_cast<size_t>(p.units) * p.width * p.input_dim : 0;
}
size_t write_gates(const Population& p) {
  return p.gated_writes ? static_cast<size_t>(p.units) * p.input_dim : 0;
}
size_t scratch(const Population& p) {
  return 7 * static_cast<size_t>(p.width) + std::max(p.ff_hidden, 1) + p.context + 1;
}
size_t context(const Population& p) {
  return counts_offset(p) + (p.gated_writes ? 2 * static_cast<size_t>(p.units) : 0);
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
       weights_option("w2", feed_forward, [](Population& p) -> std::vector<float>& { return p.w_2; }),
       choice_option("readoutState", {"y", "o", "both"},
                     [](Population& p, double v) { p.readout_state = static_cast<ReadoutState>(static_cast<int>(v)); }),
       choice_option("scores", {"dot", "cosine"},
                     [](Population& p, double v) { p.scores = static_cast<Scores>(static_cast<int>(v)); }),
       number_option("sharpness", 1.0, [](Population& p, double v) { p.sharpness = static_cast<float>(v); }),
       bool_option("relativeBias", false, [](Population& p, double v) { p.relative_bias = v != 0; }),
       weights_option("positionBias", position_biases,
                      [](Population& p) -> std::vector<float>& { return p.position_bias; }),
       choice_option("slotContent", {"drive", "input", "state"},
                     [](Population& p, double v) { p.slot_content = static_cast<SlotContent>(static_cast<int>(v)); }),
       int_option("inputDim", 0, 1 << 20, 0, false, [](Population& p, double v) { p.input_dim = static_cast<int>(v); }),
       weights_option("wSlot", slot_inputs, [](Population& p) -> std::vector<float>& { return p.w_slot; }),
       bool_option("gatedWrites", false, [](Population& p, double v) { p.gated_writes = v != 0; }),
       number_option("writeThreshold", 0.0, [](Population& p, double v) { p.write_threshold = static_cast<float>(v); }),
       weights_option("writeGate", write_gates, [](Population& p) -> std::vector<float>& { return p.write_gate; })},
      validate,
      pack,
      scratch,
      context,
      captured,
      {step<1>, step<4>, step<8>, step<16>},
      kStatCount,
      output_offset};
  return kind;
}

}  // namespace ran
