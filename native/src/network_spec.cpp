#include "network_spec.h"

#include <string>

#include "ran_error.h"
#include "unit_kind.h"

namespace ran {

namespace {

// The checks of unit_kind.h (one wording for every spec error), under this file's names.
constexpr auto require = require_units;
constexpr auto require_size = require_count;

}  // namespace

void validate_spec(const NetworkSpec& s) {
  require(s.input_dim >= 0, "inputDim must be a non-negative integer");
  require(s.n > 0, "the network must have at least one state entry");
  require(!s.populations.empty(), "the network must have at least one population");
  int offset = 0;
  for (size_t i = 0; i < s.populations.size(); ++i) {
    const Population& p = s.populations[i];
    const std::string name = "populations[" + std::to_string(i) + "]";
    require(p.units > 0 && p.width > 0, name + ": units and width must be positive");
    require(p.offset == offset, name + ": offset must be " + std::to_string(offset));
    require(p.leak_rate > 0.0f && p.leak_rate <= 1.0f, name + ": leakRate must be in (0, 1]");
    offset += p.size();
    require(p.kind >= 0 && static_cast<size_t>(p.kind) < unit_kinds().size(), name + ": unknown unit kind");
    unit_kind(p.kind).validate(p, name);
  }
  require(offset == s.n, "population sizes must add up to n = " + std::to_string(s.n));
  const size_t n = s.n;
  require_size(s.w_in, n * s.input_dim, "wIn");
  require_size(s.bias, n, "bias");
  if (s.w.block > 0) {
    const size_t b = static_cast<size_t>(s.w.block);
    require(n % b == 0, "w.blockSize must divide n");
    const size_t rows = n / b;
    if (s.w.block_row_ptr.size() != rows + 1)
      throw Error(kShape, "w.blockRowPtr must hold n / blockSize + 1 = " + std::to_string(rows + 1) + " entries");
    require(s.w.block_row_ptr[0] == 0, "w.blockRowPtr[0] must be 0");
    for (size_t i = 0; i < rows; ++i)
      require(s.w.block_row_ptr[i + 1] >= s.w.block_row_ptr[i], "w.blockRowPtr must be non-decreasing");
    const size_t blocks = static_cast<size_t>(s.w.block_row_ptr[rows]);
    if (s.w.block_col.size() != blocks) throw Error(kShape, "w.blockCol must hold blockRowPtr[n / blockSize] entries");
    require_size(s.w.block_values, blocks * b * b, "w.blockValues");
    for (size_t i = 0; i < rows; ++i)
      for (int32_t p = s.w.block_row_ptr[i]; p < s.w.block_row_ptr[i + 1]; ++p) {
        const int32_t c = s.w.block_col[p];
        require(c >= 0 && static_cast<size_t>(c) < rows,
                "w.blockCol[" + std::to_string(p) + "] is outside [0, n / blockSize)");
        require(p == s.w.block_row_ptr[i] || s.w.block_col[p - 1] < c,
                "w.blockCol must be strictly increasing within a block row");
      }
  } else if (s.w.dense) {
    require_size(s.w.dense_w, n * n, "w");
  } else {
    if (s.w.row_ptr.size() != n + 1)
      throw Error(kShape, "w.rowPtr must hold n + 1 = " + std::to_string(n + 1) + " entries");
    require(s.w.row_ptr[0] == 0, "w.rowPtr[0] must be 0");
    for (size_t i = 0; i < n; ++i) require(s.w.row_ptr[i + 1] >= s.w.row_ptr[i], "w.rowPtr must be non-decreasing");
    const size_t nnz = static_cast<size_t>(s.w.row_ptr[n]);
    if (s.w.col_idx.size() != nnz || s.w.values.size() != nnz)
      throw Error(kShape, "w.colIdx and w.values must hold rowPtr[n] entries");
    for (size_t p = 0; p < nnz; ++p) {
      if (s.w.col_idx[p] < 0 || static_cast<size_t>(s.w.col_idx[p]) >= n) {
        throw Error(kInvalidArg,
                    "w.colIdx[" + std::to_string(p) + "] = " + std::to_string(s.w.col_idx[p]) + " is outside [0, n)");
      }
    }
  }
}

}  // namespace ran
