// The drive of every unit, z(t) = W y(t-1) + W_in u(t) + b (architecture.md, "How the code
// composes the architectures"), over a tile of TB sequences: the recurrent product for a
// dense, CSR or block-sparse W, then the input projection and the bias. Same sum orders
// for every TB (products.h).
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "fast_math.h"
#include "products.h"

namespace ran {

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

inline std::vector<float> pack_panels(const float* w, int n) {
  return pack_row_panels(w, n, n, kPanel);
}

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
RAN_NOINLINE void drive_sparse(const int32_t* row_ptr, const int32_t* col, const float* val, int n, const float* y,
                               float* z) {
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
// Four block rows advance together, so that four independent chains of FMAs are in flight
// (one row's chain waits on itself: RAN-A 62 x 16 units at c = 0.4, one sequence, spent a
// third of a search trial here); a row that has run out of blocks adds zero blocks times
// zeros until the longest is done, which leaves its sums as they are (as a dense W's zeros
// do). The order within a row does not change.
inline void drive_blocked16_one_lane(const int32_t* row_ptr, const int32_t* col, const float* val_t, int n,
                                     const float* y, float* z) {
  alignas(64) static const float zeros[256] = {};
  const int rows = n / 16;
  constexpr int G = 4;
  int m0 = 0;
  for (; m0 + G <= rows; m0 += G) {
    float acc[G][16] = {};
    int32_t longest = 0;
    for (int g = 0; g < G; ++g) longest = std::max(longest, row_ptr[m0 + g + 1] - row_ptr[m0 + g]);
    for (int32_t q = 0; q < longest; ++q) {
      const float* blk[G];
      const float* yb[G];
      for (int g = 0; g < G; ++g) {
        const int32_t p = row_ptr[m0 + g] + q;
        const bool real = p < row_ptr[m0 + g + 1];
        blk[g] = real ? val_t + static_cast<size_t>(p) * 256 : zeros;
        yb[g] = real ? y + static_cast<size_t>(col[p]) * 16 : zeros;
      }
      for (int c = 0; c < 16; ++c) {
#pragma GCC unroll 4
        for (int g = 0; g < G; ++g) {
          const float yc = yb[g][c];
#pragma GCC unroll 16
          for (int r = 0; r < 16; ++r) acc[g][r] = madd(blk[g][c * 16 + r], yc, acc[g][r]);
        }
      }
    }
    for (int g = 0; g < G; ++g)
      for (int r = 0; r < 16; ++r) z[static_cast<size_t>(m0 + g) * 16 + r] = acc[g][r];
  }
  for (int m = m0; m < rows; ++m) {
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
          for (int l = 0; l < TB; ++l)
            acc[l] = madd(blk[static_cast<size_t>(c) * bs], yb[static_cast<size_t>(c) * TB + l], acc[l]);
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
RAN_NOINLINE void add_input_and_bias(const float* w_in_packed, const float* bias, int n, int d_in, const float* u,
                                     float* z) {
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

}  // namespace ran
