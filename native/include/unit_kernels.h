// Per-step kernels over a tile of TB sequences stored batch-innermost: x[i][l] is entry i
// of lane l. Every sum runs in a fixed order (ascending index), so a lane's result is the
// same whatever TB is and whatever the other lanes hold.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "fast_math.h"
#include "network_spec.h"

namespace ran {

// out[o][l] = Σ_i w[o][i] x[i][l]
template <int TB>
inline void matvec_lanes(const float* w, int rows, int cols, const float* x, float* out) {
  for (int o = 0; o < rows; ++o) {
    float acc[TB] = {};
    const float* wr = w + static_cast<size_t>(o) * cols;
    for (int i = 0; i < cols; ++i) {
      const float a = wr[i];
      const float* xi = x + static_cast<size_t>(i) * TB;
      for (int l = 0; l < TB; ++l) acc[l] = madd(a, xi[l], acc[l]);
    }
    for (int l = 0; l < TB; ++l) out[static_cast<size_t>(o) * TB + l] = acc[l];
  }
}

// z = W y (dense, row-major n×n): four rows at a time share each load of y[k].
template <int TB>
inline void drive_dense(const float* w, int n, const float* y, float* z) {
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    float a0[TB] = {}, a1[TB] = {}, a2[TB] = {}, a3[TB] = {};
    const float* w0 = w + static_cast<size_t>(i) * n;
    const float* w1 = w0 + n;
    const float* w2 = w1 + n;
    const float* w3 = w2 + n;
    for (int k = 0; k < n; ++k) {
      const float* yk = y + static_cast<size_t>(k) * TB;
      const float c0 = w0[k], c1 = w1[k], c2 = w2[k], c3 = w3[k];
      for (int l = 0; l < TB; ++l) {
        a0[l] = madd(c0, yk[l], a0[l]);
        a1[l] = madd(c1, yk[l], a1[l]);
        a2[l] = madd(c2, yk[l], a2[l]);
        a3[l] = madd(c3, yk[l], a3[l]);
      }
    }
    float* zi = z + static_cast<size_t>(i) * TB;
    for (int l = 0; l < TB; ++l) {
      zi[l] = a0[l];
      zi[TB + l] = a1[l];
      zi[2 * TB + l] = a2[l];
      zi[3 * TB + l] = a3[l];
    }
  }
  if (i < n) matvec_lanes<TB>(w + static_cast<size_t>(i) * n, n - i, n, y, z + static_cast<size_t>(i) * TB);
}

// z = W y (CSR), non-zeros in stored order.
template <int TB>
inline void drive_sparse(const int32_t* row_ptr, const int32_t* col, const float* val, int n,
                         const float* y, float* z) {
  for (int i = 0; i < n; ++i) {
    float acc[TB] = {};
    for (int32_t p = row_ptr[i]; p < row_ptr[i + 1]; ++p) {
      const float a = val[p];
      const float* yk = y + static_cast<size_t>(col[p]) * TB;
      for (int l = 0; l < TB; ++l) acc[l] = madd(a, yk[l], acc[l]);
    }
    for (int l = 0; l < TB; ++l) z[static_cast<size_t>(i) * TB + l] = acc[l];
  }
}

// z += W_in u + b, input terms in ascending order, then the bias.
template <int TB>
inline void add_input_and_bias(const float* w_in, const float* bias, int n, int d_in, const float* u,
                               float* z) {
  for (int i = 0; i < n; ++i) {
    float* zi = z + static_cast<size_t>(i) * TB;
    const float* wi = w_in + static_cast<size_t>(i) * d_in;
    for (int k = 0; k < d_in; ++k) {
      const float a = wi[k];
      const float* uk = u + static_cast<size_t>(k) * TB;
      for (int l = 0; l < TB; ++l) zi[l] = madd(a, uk[l], zi[l]);
    }
    const float b = bias[i];
    for (int l = 0; l < TB; ++l) zi[l] += b;
  }
}

template <int TB>
inline void tanh_population(const Population& p, const float* z, float* y) {
  const float keep = 1.0f - p.leak_rate;
  const float alpha = p.leak_rate;
  const int count = p.size() * TB;
  for (int i = 0; i < count; ++i) y[i] = keep * y[i] + alpha * fast_tanh(z[i]);
}

// Scratch needed by the attention and memory kernels, in floats per lane.
inline size_t unit_scratch_floats(const Population& p) {
  const size_t d = p.width;
  return 4 * d + static_cast<size_t>(std::max(p.ff_hidden, 1)) + static_cast<size_t>(std::max(p.context, p.slots)) + 1;
}

struct AttentionCapture {
  float* out = nullptr;  // this lane-step's block: [captured units][heads][context]
  const int* unit_slot = nullptr;  // per unit: index among captured units, or -1
  size_t lane_stride = 0;          // floats between consecutive lanes' blocks
  int valid_lanes = 0;
};

// Attention units, architecture.md RAN-A steps 2-6 (or RAN-C cortex with ff_hidden = 0).
// keys/vals: [units][context][d][TB] ring buffers; `step` counts steps since reset.
template <int TB>
inline void attention_population(const Population& p, int64_t step, const float* z, float* y,
                                 float* keys, float* vals, float* scratch, const AttentionCapture* cap) {
  const int d = p.width, k = p.context, heads = p.heads, dh = d / heads, dff = p.ff_hidden;
  const int slot = static_cast<int>(step % k);
  const int filled = step + 1 < k ? static_cast<int>(step + 1) : k;
  const float scale = 1.0f / (std::sqrt(static_cast<float>(dh)) * p.temperature);
  float* q = scratch;
  float* h = q + static_cast<size_t>(d) * TB;
  float* r = h + static_cast<size_t>(d) * TB;
  float* f = r + static_cast<size_t>(d) * TB;
  float* hid = f + static_cast<size_t>(d) * TB;
  float* score = hid + static_cast<size_t>(std::max(dff, 1)) * TB;
  const size_t dd = static_cast<size_t>(d) * d;
  for (int m = 0; m < p.units; ++m) {
    const size_t wm = p.shared ? 0 : static_cast<size_t>(m);
    const float* zu = z + static_cast<size_t>(m) * d * TB;
    float* ku = keys + static_cast<size_t>(m) * k * d * TB;
    float* vu = vals + static_cast<size_t>(m) * k * d * TB;
    matvec_lanes<TB>(p.w_k.data() + wm * dd, d, d, zu, ku + static_cast<size_t>(slot) * d * TB);
    matvec_lanes<TB>(p.w_v.data() + wm * dd, d, d, zu, vu + static_cast<size_t>(slot) * d * TB);
    matvec_lanes<TB>(p.w_q.data() + wm * dd, d, d, zu, q);
    for (int hd = 0; hd < heads; ++hd) {
      const int j0 = hd * dh;
      float mx[TB];
      for (int l = 0; l < TB; ++l) mx[l] = -INFINITY;
      for (int s = 0; s < filled; ++s) {
        const float* ks = ku + static_cast<size_t>(s) * d * TB;
        float acc[TB] = {};
        for (int j = j0; j < j0 + dh; ++j)
          for (int l = 0; l < TB; ++l) acc[l] = madd(q[j * TB + l], ks[j * TB + l], acc[l]);
        for (int l = 0; l < TB; ++l) {
          score[s * TB + l] = acc[l] * scale;
          mx[l] = std::max(mx[l], score[s * TB + l]);
        }
      }
      float sum[TB] = {};
      for (int s = 0; s < filled; ++s)
        for (int l = 0; l < TB; ++l) {
          const float e = fast_exp(score[s * TB + l] - mx[l]);
          score[s * TB + l] = e;
          sum[l] += e;
        }
      for (int s = 0; s < filled; ++s)
        for (int l = 0; l < TB; ++l) score[s * TB + l] /= sum[l];
      for (int j = j0; j < j0 + dh; ++j) {
        float acc[TB] = {};
        for (int s = 0; s < filled; ++s) {
          const float* vs = vu + static_cast<size_t>(s) * d * TB;
          for (int l = 0; l < TB; ++l) acc[l] = madd(score[s * TB + l], vs[j * TB + l], acc[l]);
        }
        for (int l = 0; l < TB; ++l) h[j * TB + l] = acc[l];
      }
      if (cap != nullptr && cap->unit_slot[m] >= 0) {
        const size_t base = (static_cast<size_t>(cap->unit_slot[m]) * heads + hd) * k;
        for (int l = 0; l < cap->valid_lanes; ++l) {
          float* o = cap->out + l * cap->lane_stride + base;
          for (int s = 0; s < k; ++s) o[s] = 0.0f;
          for (int s = 0; s < filled; ++s) o[(slot - s + k) % k] = score[s * TB + l];
        }
      }
    }
    for (int i = 0; i < d * TB; ++i) r[i] = zu[i] + h[i];
    float* yu = y + static_cast<size_t>(m) * d * TB;
    const float keep = 1.0f - p.leak_rate, alpha = p.leak_rate;
    if (dff > 0) {
      matvec_lanes<TB>(p.w_1.data() + wm * dff * d, dff, d, r, hid);
      if (p.activation == Activation::Relu) {
        for (int i = 0; i < dff * TB; ++i) hid[i] = hid[i] > 0.0f ? hid[i] : 0.0f;
      } else {
        for (int i = 0; i < dff * TB; ++i) hid[i] = fast_gelu(hid[i]);
      }
      matvec_lanes<TB>(p.w_2.data() + wm * d * dff, d, dff, hid, f);
      for (int i = 0; i < d * TB; ++i) yu[i] = keep * yu[i] + alpha * fast_tanh(r[i] + f[i]);
    } else {
      for (int i = 0; i < d * TB; ++i) yu[i] = keep * yu[i] + alpha * fast_tanh(r[i]);
    }
  }
}

// Memory units, architecture.md RAN-C: o = tanh(Σ_p φ(κ_p·z / temperature) ν_p).
template <int TB>
inline void memory_population(const Population& p, const float* z, float* y, float* scratch) {
  const int d = p.width, P = p.slots;
  const float inv_t = 1.0f / p.temperature;
  float* w = scratch;                                 // [P][TB]
  float* out = w + static_cast<size_t>(P) * TB;       // [d][TB]
  const size_t pd = static_cast<size_t>(P) * d;
  for (int m = 0; m < p.units; ++m) {
    const size_t wm = p.shared ? 0 : static_cast<size_t>(m);
    const float* zu = z + static_cast<size_t>(m) * d * TB;
    matvec_lanes<TB>(p.keys.data() + wm * pd, P, d, zu, w);
    if (p.retrieval == Retrieval::Relu) {
      for (int i = 0; i < P * TB; ++i) {
        const float s = w[i] * inv_t;
        w[i] = s > 0.0f ? s : 0.0f;
      }
    } else {
      float mx[TB], sum[TB] = {};
      for (int l = 0; l < TB; ++l) mx[l] = -INFINITY;
      for (int i = 0; i < P; ++i)
        for (int l = 0; l < TB; ++l) {
          w[i * TB + l] *= inv_t;
          mx[l] = std::max(mx[l], w[i * TB + l]);
        }
      for (int i = 0; i < P; ++i)
        for (int l = 0; l < TB; ++l) {
          w[i * TB + l] = fast_exp(w[i * TB + l] - mx[l]);
          sum[l] += w[i * TB + l];
        }
      for (int i = 0; i < P; ++i)
        for (int l = 0; l < TB; ++l) w[i * TB + l] /= sum[l];
    }
    const float* vals = p.values.data() + wm * pd;
    for (int j = 0; j < d; ++j) {
      float acc[TB] = {};
      for (int i = 0; i < P; ++i) {
        const float v = vals[static_cast<size_t>(i) * d + j];
        for (int l = 0; l < TB; ++l) acc[l] = madd(w[i * TB + l], v, acc[l]);
      }
      for (int l = 0; l < TB; ++l) out[j * TB + l] = acc[l];
    }
    float* yu = y + static_cast<size_t>(m) * d * TB;
    const float keep = 1.0f - p.leak_rate, alpha = p.leak_rate;
    for (int i = 0; i < d * TB; ++i) yu[i] = keep * yu[i] + alpha * fast_tanh(out[i]);
  }
}

}  // namespace ran
