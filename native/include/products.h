// Products over a tile of TB sequences stored batch-innermost: x[i][l] is entry i of lane
// l. Every sum runs in a fixed order (ascending index, one FMA per term from +0), so a lane's
// result is the same whatever TB is and whatever the other lanes hold; the kernels for
// narrow tiles and single sequences vectorise over rows instead, in the same order.
// Used by the drive (drive.h) and by the unit kinds (native/units/).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "fast_math.h"

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
  if (i + 4 <= count) {
    f(std::integral_constant<int, 4>{}, i);
    i += 4;
  }
  if (i + 2 <= count) {
    f(std::integral_constant<int, 2>{}, i);
    i += 2;
  }
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
  if (rest > 48)
    cols_chunks<4>(wt + r0, stride, rest, cols, x, out + r0);
  else if (rest > 32)
    cols_chunks<3>(wt + r0, stride, rest, cols, x, out + r0);
  else if (rest > 16)
    cols_chunks<2>(wt + r0, stride, rest, cols, x, out + r0);
  else if (rest > 0)
    cols_chunks<1>(wt + r0, stride, rest, cols, x, out + r0);
}

inline size_t round16(size_t v) {
  return (v + 15) / 16 * 16;
}

// Writes `copies` row-major rows×cols matrices transposed into dst ([copy][col][stride],
// at `offset` inside each stride) for matvec_cols.
inline void transpose_into(const float* w, int copies, int rows, int cols, size_t stride, size_t offset, float* dst) {
  for (int m = 0; m < copies; ++m)
    for (int o = 0; o < rows; ++o)
      for (int i = 0; i < cols; ++i)
        dst[(static_cast<size_t>(m) * cols + i) * stride + offset + o] =
            w[(static_cast<size_t>(m) * rows + o) * cols + i];
}

inline std::vector<float> transpose_rows(const float* w, int copies, int rows, int cols, size_t stride) {
  std::vector<float> out(static_cast<size_t>(copies) * cols * stride, 0.0f);
  transpose_into(w, copies, rows, cols, stride, 0, out.data());
  return out;
}

}  // namespace ran
