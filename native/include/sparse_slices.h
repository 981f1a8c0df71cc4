// z = W y for a single sequence (one lane) with W sparse, vectorised over rows instead of
// over sequences. A CSR row sums its non-zeros one after another; with one lane nothing runs
// side by side, and every non-zero costs three scalar loads (value, column, y[column]). Here
// rows go in slices of 16 (one AVX-512 vector) and columns in blocks of 32: the 32 entries of
// y in a block sit in two registers, and a one-byte local index per non-zero picks each row's
// operand with a two-register permute, so 16 non-zeros cost one permute and one FMA.
//
// Each row still adds its non-zeros in CSR order (blocks in ascending column order, so this
// needs ascending columns within rows; `build` refuses otherwise) with one fused multiply-add
// each, starting from +0. Rows shorter than the slice's longest are padded with weight 0: an
// FMA with 0 · y (y finite) leaves a non-zero sum unchanged and a +0 sum +0. The result is
// therefore bit-identical to drive_sparse, which the lane-vectorised tiles use.
#pragma once
#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <vector>

#include "fast_math.h"

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace ran {

class SparseSlices {
 public:
  static constexpr int kRows = 16;
  static constexpr int kCols = 32;

  bool enabled() const { return enabled_; }
  size_t bytes() const { return values_.size() * sizeof(float) + index_.size() + cell_ptr_.size() * sizeof(int32_t); }

  // Builds the slices from CSR; stays disabled without AVX-512, with unsorted rows, or when
  // padding would more than triple the work.
  void build(int n, const std::vector<int32_t>& row_ptr, const std::vector<int32_t>& col,
             const std::vector<float>& val) {
    enabled_ = false;
#if defined(__AVX512F__)
    for (int i = 0; i < n; ++i)
      for (int32_t q = row_ptr[i] + 1; q < row_ptr[i + 1]; ++q)
        if (col[q] <= col[q - 1]) return;
    n_ = n;
    slices_ = (n + kRows - 1) / kRows;
    blocks_ = (n + kCols - 1) / kCols;
    // Two passes over the same cells: the first sizes every cell (its longest row), the
    // second writes into arrays allocated once; growing them entry by entry cost more than
    // the rest of a Network's construction.
    std::vector<int32_t> pos(row_ptr.begin(), row_ptr.end() - 1);
    cell_ptr_.assign(static_cast<size_t>(slices_) * blocks_ + 1, 0);
    int count[kRows];
    for (int s = 0; s < slices_; ++s)
      for (int b = 0; b < blocks_; ++b) {
        const size_t cell = static_cast<size_t>(s) * blocks_ + b;
        cell_ptr_[cell + 1] = cell_ptr_[cell] + cell_counts(s, b, row_ptr, col, pos, count);
        for (int r = 0; r < kRows && s * kRows + r < n; ++r) pos[s * kRows + r] += count[r];
      }
    const size_t nnz = static_cast<size_t>(row_ptr[n]);
    const size_t padded = static_cast<size_t>(cell_ptr_.back()) * kRows;
    if (padded > 3 * nnz + kRows) {
      values_ = {};
      index_ = {};
      cell_ptr_ = {};
      return;
    }
    values_.assign(padded, 0.0f);
    index_.assign(padded, 0);
    std::copy(row_ptr.begin(), row_ptr.end() - 1, pos.begin());
    for (int s = 0; s < slices_; ++s)
      for (int b = 0; b < blocks_; ++b) {
        const size_t at = static_cast<size_t>(cell_ptr_[static_cast<size_t>(s) * blocks_ + b]) * kRows;
        cell_counts(s, b, row_ptr, col, pos, count);
        for (int r = 0; r < kRows; ++r) {
          const int row = s * kRows + r;
          if (row >= n) continue;
          for (int j = 0; j < count[r]; ++j) {
            values_[at + static_cast<size_t>(j) * kRows + r] = val[pos[row] + j];
            index_[at + static_cast<size_t>(j) * kRows + r] = static_cast<uint8_t>(col[pos[row] + j] - b * kCols);
          }
          pos[row] += count[r];
        }
      }
    enabled_ = true;
#else
    (void)n;
    (void)row_ptr;
    (void)col;
    (void)val;
#endif
  }

  // y_pad: scratch of padded_floats() floats.
  size_t padded_floats() const {
    return static_cast<size_t>(blocks_) * kCols;
  }

  // Out of line: inlined into the executor's loop, its pointers ran out of registers.
  RAN_NOINLINE void drive(const float* y, float* y_pad, float* z) const {
#if defined(__AVX512F__)
    std::memcpy(y_pad, y, static_cast<size_t>(n_) * sizeof(float));
    std::memset(y_pad + n_, 0, (padded_floats() - n_) * sizeof(float));
    // Four slices side by side: one slice is a single chain of dependent FMAs (latency bound).
    int s = 0;
    for (; s + 4 <= slices_; s += 4) slice_group<4>(s, y_pad, z);
    for (; s < slices_; ++s) slice_group<1>(s, y_pad, z);
#else
    (void)y;
    (void)y_pad;
    (void)z;
#endif
  }

 private:
#if defined(__AVX512F__)
  __m512 term(int32_t j, __m512 lo, __m512 hi) const {
    const __m512i idx = _mm512_cvtepu8_epi32(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(index_.data() + static_cast<size_t>(j) * kRows)));
    return _mm512_permutex2var_ps(lo, idx, hi);
  }

  template <int G>
  void slice_group(int s0, const float* y_pad, float* z) const {
    __m512 acc[G];
    for (int g = 0; g < G; ++g) acc[g] = _mm512_setzero_ps();
    const float* v = values_.data();
    for (int b = 0; b < blocks_; ++b) {
      const __m512 lo = _mm512_loadu_ps(y_pad + b * kCols);
      const __m512 hi = _mm512_loadu_ps(y_pad + b * kCols + kRows);
      int32_t first[G], count[G], common = INT32_MAX;
#pragma GCC unroll 4
      for (int g = 0; g < G; ++g) {
        const int32_t* cell = cell_ptr_.data() + static_cast<size_t>(s0 + g) * blocks_ + b;
        first[g] = cell[0];
        count[g] = cell[1] - cell[0];
        common = count[g] < common ? count[g] : common;
      }
      // Unrolled over g so that acc[g] stays in a register (indexed at run time it lived in
      // memory, one store-to-load round trip per FMA).
      for (int32_t j = 0; j < common; ++j)
#pragma GCC unroll 4
        for (int g = 0; g < G; ++g)
          acc[g] = _mm512_fmadd_ps(_mm512_loadu_ps(v + static_cast<size_t>(first[g] + j) * kRows),
                                   term(first[g] + j, lo, hi), acc[g]);
#pragma GCC unroll 4
      for (int g = 0; g < G; ++g)
        for (int32_t j = common; j < count[g]; ++j)
          acc[g] = _mm512_fmadd_ps(_mm512_loadu_ps(v + static_cast<size_t>(first[g] + j) * kRows),
                                   term(first[g] + j, lo, hi), acc[g]);
    }
    for (int g = 0; g < G; ++g) {
      const int row0 = (s0 + g) * kRows;
      const int rows = n_ - row0 < kRows ? n_ - row0 : kRows;
      _mm512_mask_storeu_ps(z + row0, static_cast<__mmask16>((1u << rows) - 1u), acc[g]);
    }
  }
#endif

  bool enabled_ = false;
  // The non-zeros of each row of slice s that fall in column block b (rows start at pos,
  // which the caller advances), and the longest of them.
  int cell_counts(int s, int b, const std::vector<int32_t>& row_ptr, const std::vector<int32_t>& col,
                  const std::vector<int32_t>& pos, int* count) const {
    int longest = 0;
    for (int r = 0; r < kRows; ++r) {
      const int row = s * kRows + r;
      count[r] = 0;
      if (row >= n_) continue;
      int32_t q = pos[row];
      while (q < row_ptr[row + 1] && col[q] < (b + 1) * kCols) ++q;
      count[r] = q - pos[row];
      longest = count[r] > longest ? count[r] : longest;
    }
    return longest;
  }

  int n_ = 0, slices_ = 0, blocks_ = 0;
  std::vector<int32_t> cell_ptr_;  // [slice][block] + 1: first 16-row group of each cell
  std::vector<float> values_;      // [group][16]
  std::vector<uint8_t> index_;     // [group][16]: column - 32 * block
};

}  // namespace ran
