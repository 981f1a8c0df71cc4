// Ridge readout (architecture.md, "Readout"): float64 normal equations accumulated from
// feature rows, merged across batches, solved by Cholesky or by one eigendecomposition
// for a sweep of ridge values.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ran {

class RidgeStats {
 public:
  RidgeStats(int features, int outputs);
  int features() const { return f_; }
  int outputs() const { return o_; }
  int64_t rows() const { return rows_; }
  // Adds r rows (row-major [r][features], [r][outputs]). The sums are the same bits for any
  // `threads`; they depend on how the rows are split into calls only through rounding.
  // Without `check_finite` every value must be finite; with it, a NaN or ±Inf throws
  // ERR_RAN_NOT_FINITE naming the first one, and the statistics are left unchanged.
  void add_rows(const double* x, const double* y, int64_t r, int threads = 1, bool check_finite = false);
  void add_rows(const float* x, const double* y, int64_t r, int threads = 1, bool check_finite = false);
  void merge(const RidgeStats& other);
  void reset();
  // Full symmetric XᵀX ([f][f] row-major) and XᵀY ([f][o] row-major).
  std::vector<double> xtx() const;
  std::vector<double> xty() const;
  void set(const double* xtx, const double* xty, int64_t rows);

  // W ([f][o]) solving (XᵀX + λI) W = XᵀY by Cholesky; throws ERR_RAN_SINGULAR.
  std::vector<double> solve_cholesky(double lambda) const;
  // One W per λ, all from one eigendecomposition of XᵀX: [n_lambda][f][o]. A singular λ
  // throws ERR_RAN_SINGULAR, or with `skip_singular` gets a block of NaN (for λ searches).
  std::vector<double> solve_sweep(const std::vector<double>& lambdas, bool skip_singular = false) const;

  // Bytes held by statistics of this shape (features padded to the kernel's tile).
  static double bytes(int features, int outputs);

 private:
  template <typename T>
  void add_rows_impl(const T* x, const double* y, int64_t r, int threads, bool check_finite);

  int f_, o_;
  int fp_, w_;  // features padded to the row tile; fp_ + outputs padded to the column tile
  int64_t rows_ = 0;
  // Column-major [w_][fp_]: column j < fp_ holds XᵀX(i, j) for i <= j (the upper triangle;
  // entries below it are partial and never read), columns fp_ + k hold XᵀY(·, k).
  std::vector<double> g_;
};

// True if every value is finite (vectorised; `threads` split the range).
bool all_finite(const double* p, size_t n, int threads = 1);
bool all_finite(const float* p, size_t n, int threads = 1);

}  // namespace ran
