// Per-step kernels over a tile of TB sequences stored batch-innermost: x[i][l] is entry i
// of lane l. Every sum runs in a fixed order (ascending index, one FMA per term from +0), so a
// lane's result is the same whatever TB is and whatever the other lanes hold; the kernels
// for narrow tiles and single sequences vectorise over rows instead, in the same order.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "fast_math.h"
#include "network_spec.h"

namespace ran {

// R output rows at once: out[o][l] = Σ_i w[o][i] x[i][l], each row summed over i in
// ascending order (one chain per row, so the order is the same for any R). R independent
// chains hide the latency of the fused multiply-add; each load of x[i] serves R rows.
template <int TB, int R>
inline void rows_lanes(const float* w, size_t stride, int cols, const float* x, float* out) {
  float acc[R][TB] = {};
  for (int i = 0; i < cols; ++i) {
    const float* xi = x + static_cast<size_t>(i) * TB;
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      const float a = w[r * stride + i];
#pragma GCC unroll 16
      for (int l = 0; l < TB; ++l) acc[r][l] = madd(a, xi[l], acc[r][l]);
    }
  }
  for (int r = 0; r < R; ++r)
    for (int l = 0; l < TB; ++l) out[static_cast<size_t>(r) * TB + l] = acc[r][l];
}

// G attention scores at once: out[g][l] = Σ_j q[j][l] k_g[j][l], j ascending, where k_g is
// the key `g` slots after k0. G independent chains instead of one: a score is only dh long.
template <int TB, int G>
inline void score_group(const float* q, const float* k0, size_t slot_stride, int dh, float* out) {
  float acc[G][TB] = {};
  for (int j = 0; j < dh; ++j) {
    const float* qj = q + static_cast<size_t>(j) * TB;
#pragma GCC unroll 8
    for (int g = 0; g < G; ++g) {
      const float* kj = k0 + g * slot_stride + static_cast<size_t>(j) * TB;
#pragma GCC unroll 16
      for (int l = 0; l < TB; ++l) acc[g][l] = madd(qj[l], kj[l], acc[g][l]);
    }
  }
  for (int g = 0; g < G; ++g)
    for (int l = 0; l < TB; ++l) out[static_cast<size_t>(g) * TB + l] = acc[g][l];
}

// J outputs of the weighted sum of values: h[j][l] = Σ_s w[s][l] v_s[j][l], s ascending.
template <int TB, int J>
inline void value_group(const float* w, const float* v0, size_t slot_stride, int slots, float* h) {
  float acc[J][TB] = {};
  for (int s = 0; s < slots; ++s) {
    const float* ws = w + static_cast<size_t>(s) * TB;
    const float* vs = v0 + s * slot_stride;
#pragma GCC unroll 8
    for (int j = 0; j < J; ++j)
#pragma GCC unroll 16
      for (int l = 0; l < TB; ++l) acc[j][l] = madd(ws[l], vs[static_cast<size_t>(j) * TB + l], acc[j][l]);
  }
  for (int j = 0; j < J; ++j)
    for (int l = 0; l < TB; ++l) h[static_cast<size_t>(j) * TB + l] = acc[j][l];
}

// Calls f(integral_constant<G>, first) over [0, count) in groups of 8, then 4, 2, 1.
template <typename F>
inline void in_groups(int count, F&& f) {
  int i = 0;
  for (; i + 8 <= count; i += 8) f(std::integral_constant<int, 8>{}, i);
  if (i + 4 <= count) { f(std::integral_constant<int, 4>{}, i); i += 4; }
  if (i + 2 <= count) { f(std::integral_constant<int, 2>{}, i); i += 2; }
  if (i < count) f(std::integral_constant<int, 1>{}, i);
}

// out[o][l] = Σ_i w[o][i] x[i][l] for a row-major rows×cols matrix.
template <int TB>
inline void matvec_lanes(const float* w, int rows, int cols, const float* x, float* out) {
  constexpr int R = TB >= 16 ? 8 : 4;
  int o = 0;
  for (; o + R <= rows; o += R)
    rows_lanes<TB, R>(w + static_cast<size_t>(o) * cols, cols, cols, x, out + static_cast<size_t>(o) * TB);
  for (; o < rows; ++o)
    rows_lanes<TB, 1>(w + static_cast<size_t>(o) * cols, cols, cols, x, out + static_cast<size_t>(o) * TB);
}

// One lane: out[o] = Σ_i w[o][i] x[i] with w stored transposed (wt[i][o], `stride` >= rows
// floats per column, a multiple of 16, zero-padded), vectorised over the rows. Same sums in the
// same order as matvec_lanes; with a single sequence, vectors over the lanes would hold one
// value.
template <int C>
inline void cols_chunks(const float* wt, size_t stride, int rows, int cols, const float* x, float* out) {
  float acc[C][16] = {};
  for (int i = 0; i < cols; ++i) {
    const float xi = x[i];
    const float* wi = wt + static_cast<size_t>(i) * stride;
#pragma GCC unroll 4
    for (int c = 0; c < C; ++c)
#pragma GCC unroll 16
      for (int r = 0; r < 16; ++r) acc[c][r] = madd(wi[c * 16 + r], xi, acc[c][r]);
  }
  for (int c = 0; c < C; ++c)
    for (int r = 0; r < 16 && c * 16 + r < rows; ++r) out[c * 16 + r] = acc[c][r];
}

inline void matvec_cols(const float* wt, size_t stride, int rows, int cols, const float* x, float* out) {
  int r0 = 0;
  for (; r0 + 64 <= rows; r0 += 64) cols_chunks<4>(wt + r0, stride, 64, cols, x, out + r0);
  const int rest = rows - r0;
  if (rest > 48) cols_chunks<4>(wt + r0, stride, rest, cols, x, out + r0);
  else if (rest > 32) cols_chunks<3>(wt + r0, stride, rest, cols, x, out + r0);
  else if (rest > 16) cols_chunks<2>(wt + r0, stride, rest, cols, x, out + r0);
  else if (rest > 0) cols_chunks<1>(wt + r0, stride, rest, cols, x, out + r0);
}

inline size_t round16(size_t v) { return (v + 15) / 16 * 16; }

// Transposed copies of a row-major rows×cols matrix (`copies` of them) for matvec_cols.
// Writes `copies` row-major rows×cols matrices transposed into dst ([copy][col][stride],
// at `offset` inside each stride) for matvec_cols.
inline void transpose_into(const float* w, int copies, int rows, int cols, size_t stride, size_t offset, float* dst) {
  for (int m = 0; m < copies; ++m)
    for (int o = 0; o < rows; ++o)
      for (int i = 0; i < cols; ++i)
        dst[(static_cast<size_t>(m) * cols + i) * stride + offset + o] = w[(static_cast<size_t>(m) * rows + o) * cols + i];
}

inline std::vector<float> transpose_rows(const float* w, int copies, int rows, int cols, size_t stride) {
  std::vector<float> out(static_cast<size_t>(copies) * cols * stride, 0.0f);
  transpose_into(w, copies, rows, cols, stride, 0, out.data());
  return out;
}

// An attention population's unit weights for the one-lane kernels: W_Q, W_K, W_V side by side
// (one pass over z gives q, k and v), W_1 and W_2, each transposed for matvec_cols.
struct UnitPack {
  std::vector<float> qkv_t, w1_t, w2_t;
  size_t qkv_stride = 0, w1_stride = 0, w2_stride = 0;
  // Memory units: keys transposed ([d][P]), values as they are ([P][d]) with rows padded to
  // a multiple of 16 — the retrieval sum is then matvec_cols over the slots.
  std::vector<float> keys_t, values_p;
  size_t keys_stride = 0, values_stride = 0;
};

inline UnitPack pack_memory_units(const Population& p) {
  UnitPack u;
  const int copies = p.shared ? 1 : p.units, d = p.width, P = p.slots;
  u.keys_stride = round16(P);
  u.keys_t = transpose_rows(p.keys.data(), copies, P, d, u.keys_stride);
  u.values_stride = round16(d);
  u.values_p.assign(static_cast<size_t>(copies) * P * u.values_stride, 0.0f);
  for (size_t row = 0; row < static_cast<size_t>(copies) * P; ++row)
    std::copy(p.values.data() + row * d, p.values.data() + (row + 1) * d, u.values_p.data() + row * u.values_stride);
  return u;
}

inline UnitPack pack_attention_units(const Population& p) {
  UnitPack u;
  const int copies = p.shared ? 1 : p.units, d = p.width, dff = p.ff_hidden;
  u.qkv_stride = round16(3 * static_cast<size_t>(d));
  u.qkv_t.assign(static_cast<size_t>(copies) * d * u.qkv_stride, 0.0f);
  transpose_into(p.w_q.data(), copies, d, d, u.qkv_stride, 0, u.qkv_t.data());
  transpose_into(p.w_k.data(), copies, d, d, u.qkv_stride, d, u.qkv_t.data());
  transpose_into(p.w_v.data(), copies, d, d, u.qkv_stride, 2 * static_cast<size_t>(d), u.qkv_t.data());
  if (dff > 0) {
    u.w1_stride = round16(dff);
    u.w1_t = transpose_rows(p.w_1.data(), copies, dff, d, u.w1_stride);
    u.w2_stride = round16(d);
    u.w2_t = transpose_rows(p.w_2.data(), copies, d, dff, u.w2_stride);
  }
  return u;
}

// Dense W packed in panels of kPanel rows, [panel][column][row in panel], the last panel
// padded with zero rows: one layout serves both kernels below.
constexpr int kPanel = 16;

// A row-major rows×cols matrix in panels of `panel` rows, [panel][column][row in panel], the
// last panel zero-padded (for W_in and a dense W).
inline std::vector<float> pack_row_panels(const float* w, int rows, int cols, int panel) {
  const int panels = (rows + panel - 1) / panel;
  std::vector<float> out(static_cast<size_t>(panels) * std::max(cols, 1) * panel, 0.0f);
  for (int o = 0; o < rows; ++o)
    for (int k = 0; k < cols; ++k)
      out[(static_cast<size_t>(o / panel) * cols + k) * panel + o % panel] = w[static_cast<size_t>(o) * cols + k];
  return out;
}

inline std::vector<float> pack_panels(const float* w, int n) { return pack_row_panels(w, n, n, kPanel); }

// R rows of a panel over TB lanes (lanes vectorised): the broadcast weights of a column are
// contiguous in the panel.
template <int TB, int R>
inline void panel_rows_lanes(const float* panel, int n, int r0, int rows, const float* y, float* z) {
  float acc[R][TB] = {};
  for (int k = 0; k < n; ++k) {
    const float* yk = y + static_cast<size_t>(k) * TB;
    const float* wk = panel + static_cast<size_t>(k) * kPanel + r0;
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      const float a = wk[r];
#pragma GCC unroll 16
      for (int l = 0; l < TB; ++l) acc[r][l] = madd(a, yk[l], acc[r][l]);
    }
  }
  for (int r = 0; r < R && r0 + r < rows; ++r)
    for (int l = 0; l < TB; ++l) z[static_cast<size_t>(r0 + r) * TB + l] = acc[r][l];
}

// G panels over TB lanes with the rows vectorised: for few lanes, vectors over the lanes
// would be mostly empty. G * TB independent chains hide the FMA latency.
template <int TB, int G>
inline void panels_rows(const float* panels, int n, int p0, const float* y, float* z) {
  float acc[G][TB][kPanel] = {};
  const size_t panel_floats = static_cast<size_t>(n) * kPanel;
  for (int k = 0; k < n; ++k) {
    const float* yk = y + static_cast<size_t>(k) * TB;
#pragma GCC unroll 8
    for (int g = 0; g < G; ++g) {
      const float* wk = panels + (p0 + g) * panel_floats + static_cast<size_t>(k) * kPanel;
#pragma GCC unroll 8
      for (int l = 0; l < TB; ++l) {
        const float b = yk[l];
#pragma GCC unroll 16
        for (int r = 0; r < kPanel; ++r) acc[g][l][r] = madd(wk[r], b, acc[g][l][r]);
      }
    }
  }
  for (int g = 0; g < G; ++g) {
    const int o0 = (p0 + g) * kPanel;
    const int rows = std::min(kPanel, n - o0);
    for (int r = 0; r < rows; ++r)
      for (int l = 0; l < TB; ++l) z[static_cast<size_t>(o0 + r) * TB + l] = acc[g][l][r];
  }
}

// z = W y with W packed by pack_panels. Every output sums its columns in ascending order
// with one FMA each, starting from +0, in both kernels: the bits do not depend on TB.
template <int TB>
RAN_NOINLINE void drive_dense(const float* panels, int n, const float* y, float* z) {
  const int n_panels = (n + kPanel - 1) / kPanel;
  if constexpr (TB >= 16) {
    for (int p = 0; p < n_panels; ++p) {
      const float* panel = panels + static_cast<size_t>(p) * n * kPanel;
      const int rows = std::min(kPanel, n - p * kPanel);
      float* zp = z + static_cast<size_t>(p) * kPanel * TB;
      panel_rows_lanes<TB, 8>(panel, n, 0, rows, y, zp);
      if (rows > 8) panel_rows_lanes<TB, 8>(panel, n, 8, rows, y, zp);
    }
  } else {
    constexpr int G = TB >= 8 ? 1 : (TB >= 4 ? 2 : 8);
    int p = 0;
    for (; p + G <= n_panels; p += G) panels_rows<TB, G>(panels, n, p, y, z);
    for (; p < n_panels; ++p) panels_rows<TB, 1>(panels, n, p, y, z);
  }
}

// z = W y (CSR), each row's non-zeros in stored order. Four rows advance together so that
// four independent chains are in flight; the order within a row does not change.
template <int TB>
RAN_NOINLINE void drive_sparse(const int32_t* row_ptr, const int32_t* col, const float* val, int n,
                         const float* y, float* z) {
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    float acc[4][TB] = {};
    int32_t p[4], e[4];
    for (int r = 0; r < 4; ++r) {
      p[r] = row_ptr[i + r];
      e[r] = row_ptr[i + r + 1];
    }
    int32_t common = e[0] - p[0];
    for (int r = 1; r < 4; ++r) common = std::min(common, e[r] - p[r]);
    for (int32_t q = 0; q < common; ++q) {
#pragma GCC unroll 4
      for (int r = 0; r < 4; ++r) {
        const float a = val[p[r] + q];
        const float* yk = y + static_cast<size_t>(col[p[r] + q]) * TB;
        for (int l = 0; l < TB; ++l) acc[r][l] = madd(a, yk[l], acc[r][l]);
      }
    }
    for (int r = 0; r < 4; ++r) {
      for (int32_t q = p[r] + common; q < e[r]; ++q) {
        const float a = val[q];
        const float* yk = y + static_cast<size_t>(col[q]) * TB;
        for (int l = 0; l < TB; ++l) acc[r][l] = madd(a, yk[l], acc[r][l]);
      }
      for (int l = 0; l < TB; ++l) z[static_cast<size_t>(i + r) * TB + l] = acc[r][l];
    }
  }
  for (; i < n; ++i) {
    float acc[TB] = {};
    for (int32_t q = row_ptr[i]; q < row_ptr[i + 1]; ++q) {
      const float a = val[q];
      const float* yk = y + static_cast<size_t>(col[q]) * TB;
      for (int l = 0; l < TB; ++l) acc[l] = madd(a, yk[l], acc[l]);
    }
    for (int l = 0; l < TB; ++l) z[static_cast<size_t>(i) * TB + l] = acc[l];
  }
}

// Blocks of a block-sparse W stored column-major ([column][row] inside each block), so that
// the weights of consecutive rows for one column are contiguous: their broadcasts then
// address from one pointer (row-major blocks ran out of registers for the row offsets).
inline std::vector<float> transpose_blocks(const std::vector<float>& blocks, int bs) {
  const int count = static_cast<int>(blocks.size() / (static_cast<size_t>(bs) * bs));
  return transpose_rows(blocks.data(), count, bs, bs, bs);
}

// z = W y with W block-sparse (square blocks of size bs, transposed by transpose_blocks):
// output row (m, r) sums its blocks in stored (ascending) order and, inside a block, the
// columns in order — the CSR order.
// One lane, blocks of 16: the 16 rows of a block row in one vector, columns in CSR order.
inline void drive_blocked16_one_lane(const int32_t* row_ptr, const int32_t* col, const float* val_t, int n,
                                     const float* y, float* z) {
  const int rows = n / 16;
  for (int m = 0; m < rows; ++m) {
    float acc[16] = {};
    for (int32_t p = row_ptr[m]; p < row_ptr[m + 1]; ++p) {
      const float* blk = val_t + static_cast<size_t>(p) * 256;
      const float* yb = y + static_cast<size_t>(col[p]) * 16;
      for (int c = 0; c < 16; ++c) {
        const float yc = yb[c];
#pragma GCC unroll 16
        for (int r = 0; r < 16; ++r) acc[r] = madd(blk[c * 16 + r], yc, acc[r]);
      }
    }
    for (int r = 0; r < 16; ++r) z[static_cast<size_t>(m) * 16 + r] = acc[r];
  }
}

template <int TB>
RAN_NOINLINE void drive_blocked(const int32_t* row_ptr, const int32_t* col, const float* val_t, int bs, int n,
                          const float* y, float* z) {
  if (TB == 1 && bs == 16) {
    drive_blocked16_one_lane(row_ptr, col, val_t, n, y, z);
    return;
  }
  constexpr int R = TB >= 16 ? 8 : 4;
  const int rows = n / bs;
  const size_t bb = static_cast<size_t>(bs) * bs;
  for (int m = 0; m < rows; ++m) {
    int r0 = 0;
    for (; r0 + R <= bs; r0 += R) {
      float acc[R][TB] = {};
      for (int32_t p = row_ptr[m]; p < row_ptr[m + 1]; ++p) {
        const float* blk = val_t + static_cast<size_t>(p) * bb + r0;
        const float* yb = y + static_cast<size_t>(col[p]) * bs * TB;
        for (int c = 0; c < bs; ++c) {
          const float* yc = yb + static_cast<size_t>(c) * TB;
          const float* wc = blk + static_cast<size_t>(c) * bs;
#pragma GCC unroll 8
          for (int r = 0; r < R; ++r) {
            const float a = wc[r];
#pragma GCC unroll 16
            for (int l = 0; l < TB; ++l) acc[r][l] = madd(a, yc[l], acc[r][l]);
          }
        }
      }
      float* zo = z + (static_cast<size_t>(m) * bs + r0) * TB;
      for (int r = 0; r < R; ++r)
        for (int l = 0; l < TB; ++l) zo[static_cast<size_t>(r) * TB + l] = acc[r][l];
    }
    for (; r0 < bs; ++r0) {
      float acc[TB] = {};
      for (int32_t p = row_ptr[m]; p < row_ptr[m + 1]; ++p) {
        const float* blk = val_t + static_cast<size_t>(p) * bb + r0;
        const float* yb = y + static_cast<size_t>(col[p]) * bs * TB;
        for (int c = 0; c < bs; ++c)
          for (int l = 0; l < TB; ++l) acc[l] = madd(blk[static_cast<size_t>(c) * bs], yb[static_cast<size_t>(c) * TB + l], acc[l]);
      }
      for (int l = 0; l < TB; ++l) z[(static_cast<size_t>(m) * bs + r0) * TB + l] = acc[l];
    }
  }
}

// W_in in panels of kInputPanel rows, [panel][input][row in panel], last panel zero-padded:
// the weights of R consecutive rows for one input are contiguous (see transpose_blocks).
constexpr int kInputPanel = 8;

inline std::vector<float> pack_input(const std::vector<float>& w_in, int n, int d_in) {
  return pack_row_panels(w_in.data(), n, d_in, kInputPanel);
}

// z += W_in u + b for R rows (the first `rows` stored), input terms in ascending order, then
// the bias, with the sums in registers: one row's chain of d_in dependent FMAs would
// otherwise wait on itself.
template <int TB, int R>
inline void input_rows(const float* wp, const float* bias, int d_in, int rows, const float* u, float* z) {
  float acc[R][TB] = {};
  for (int r = 0; r < rows; ++r)
    for (int l = 0; l < TB; ++l) acc[r][l] = z[static_cast<size_t>(r) * TB + l];
  for (int k = 0; k < d_in; ++k) {
    const float* uk = u + static_cast<size_t>(k) * TB;
    const float* wk = wp + static_cast<size_t>(k) * kInputPanel;
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      const float a = wk[r];
#pragma GCC unroll 16
      for (int l = 0; l < TB; ++l) acc[r][l] = madd(a, uk[l], acc[r][l]);
    }
  }
  for (int r = 0; r < rows; ++r)
    for (int l = 0; l < TB; ++l) z[static_cast<size_t>(r) * TB + l] = acc[r][l] + bias[r];
}

// w_in_packed: pack_input's panels.
template <int TB>
RAN_NOINLINE void add_input_and_bias(const float* w_in_packed, const float* bias, int n, int d_in, const float* u, float* z) {
  constexpr int R = TB >= 16 ? 8 : 4;
  const size_t panel_floats = static_cast<size_t>(d_in) * kInputPanel;
  if constexpr (TB == 1) {
    // One lane: the 8 rows of a panel side by side (same sums, same order).
    for (int i = 0; i < n; i += kInputPanel) {
      const float* wp = w_in_packed + static_cast<size_t>(i / kInputPanel) * panel_floats;
      const int rows = std::min(kInputPanel, n - i);
      float acc[kInputPanel] = {};
      for (int r = 0; r < rows; ++r) acc[r] = z[i + r];
      for (int k = 0; k < d_in; ++k) {
        const float uk = u[k];
#pragma GCC unroll 8
        for (int r = 0; r < kInputPanel; ++r) acc[r] = madd(wp[static_cast<size_t>(k) * kInputPanel + r], uk, acc[r]);
      }
      for (int r = 0; r < rows; ++r) z[i + r] = acc[r] + bias[i + r];
    }
    return;
  }
  for (int i = 0; i < n; i += R) {
    const float* wp = w_in_packed + static_cast<size_t>(i / kInputPanel) * panel_floats + i % kInputPanel;
    input_rows<TB, R>(wp, bias + i, d_in, std::min(R, n - i), u, z + static_cast<size_t>(i) * TB);
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
                                 float* keys, float* vals, float* scratch, const AttentionCapture* cap,
                                 const UnitPack* pack = nullptr) {
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
    if (TB == 1 && pack != nullptr) {
      // q, k, v in one pass into q[0, 3d) (q, h and r are contiguous scratch; h and r are
      // written later).
      matvec_cols(pack->qkv_t.data() + wm * d * pack->qkv_stride, pack->qkv_stride, 3 * d, d, zu, q);
      std::copy(q + d, q + 2 * d, ku + static_cast<size_t>(slot) * d);
      std::copy(q + 2 * d, q + 3 * d, vu + static_cast<size_t>(slot) * d);
    } else {
      matvec_lanes<TB>(p.w_k.data() + wm * dd, d, d, zu, ku + static_cast<size_t>(slot) * d * TB);
      matvec_lanes<TB>(p.w_v.data() + wm * dd, d, d, zu, vu + static_cast<size_t>(slot) * d * TB);
      matvec_lanes<TB>(p.w_q.data() + wm * dd, d, d, zu, q);
    }
    for (int hd = 0; hd < heads; ++hd) {
      const int j0 = hd * dh;
      float mx[TB];
      for (int l = 0; l < TB; ++l) mx[l] = -INFINITY;
      const size_t slot_stride = static_cast<size_t>(d) * TB;
      in_groups(filled, [&](auto g, int s0) {
        score_group<TB, decltype(g)::value>(q + static_cast<size_t>(j0) * TB, ku + s0 * slot_stride + static_cast<size_t>(j0) * TB,
                                            slot_stride, dh, score + static_cast<size_t>(s0) * TB);
      });
      for (int s = 0; s < filled; ++s)
        for (int l = 0; l < TB; ++l) {
          score[s * TB + l] *= scale;
          mx[l] = std::max(mx[l], score[s * TB + l]);
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
      in_groups(dh, [&](auto jn, int j) {
        value_group<TB, decltype(jn)::value>(score, vu + static_cast<size_t>(j0 + j) * TB, slot_stride, filled,
                                             h + static_cast<size_t>(j0 + j) * TB);
      });
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
      if (TB == 1 && pack != nullptr) matvec_cols(pack->w1_t.data() + wm * d * pack->w1_stride, pack->w1_stride, dff, d, r, hid);
      else matvec_lanes<TB>(p.w_1.data() + wm * dff * d, dff, d, r, hid);
      if (p.activation == Activation::Relu) {
        for (int i = 0; i < dff * TB; ++i) hid[i] = hid[i] > 0.0f ? hid[i] : 0.0f;
      } else {
        for (int i = 0; i < dff * TB; ++i) hid[i] = fast_gelu(hid[i]);
      }
      if (TB == 1 && pack != nullptr) matvec_cols(pack->w2_t.data() + wm * dff * pack->w2_stride, pack->w2_stride, d, dff, hid, f);
      else matvec_lanes<TB>(p.w_2.data() + wm * d * dff, d, dff, hid, f);
      for (int i = 0; i < d * TB; ++i) yu[i] = keep * yu[i] + alpha * fast_tanh(r[i] + f[i]);
    } else {
      for (int i = 0; i < d * TB; ++i) yu[i] = keep * yu[i] + alpha * fast_tanh(r[i]);
    }
  }
}

// J outputs of a memory unit's retrieval: out[j][l] = Σ_i w[i][l] ν_i[j], i ascending; J
// independent chains (one chain per output waited on its own FMAs).
template <int TB, int J>
inline void memory_value_group(const float* w, const float* v0, int d, int slots, float* out) {
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

// Memory units, architecture.md RAN-C: o = tanh(Σ_p φ(κ_p·z / temperature) ν_p).
template <int TB>
inline void memory_population(const Population& p, const float* z, float* y, float* scratch, const UnitPack* pack = nullptr) {
  const int d = p.width, P = p.slots;
  const float inv_t = 1.0f / p.temperature;
  float* w = scratch;                                 // [P][TB]
  float* out = w + static_cast<size_t>(P) * TB;       // [d][TB]
  const size_t pd = static_cast<size_t>(P) * d;
  for (int m = 0; m < p.units; ++m) {
    const size_t wm = p.shared ? 0 : static_cast<size_t>(m);
    const float* zu = z + static_cast<size_t>(m) * d * TB;
    if (TB == 1 && pack != nullptr) matvec_cols(pack->keys_t.data() + wm * d * pack->keys_stride, pack->keys_stride, P, d, zu, w);
    else matvec_lanes<TB>(p.keys.data() + wm * pd, P, d, zu, w);
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
    if (TB == 1 && pack != nullptr) {
      // One lane: over the value entries, w[i] as the operand (fma(ν, w, ·) = fma(w, ν, ·)).
      matvec_cols(pack->values_p.data() + wm * P * pack->values_stride, pack->values_stride, d, P, w, out);
    } else {
      in_groups(d, [&](auto jn, int j0) { memory_value_group<TB, decltype(jn)::value>(w, vals + j0, d, P, out + static_cast<size_t>(j0) * TB); });
    }
    float* yu = y + static_cast<size_t>(m) * d * TB;
    const float keep = 1.0f - p.leak_rate, alpha = p.leak_rate;
    for (int i = 0; i < d * TB; ++i) yu[i] = keep * yu[i] + alpha * fast_tanh(out[i]);
  }
}

}  // namespace ran
