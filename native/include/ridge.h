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
  // Adds r rows (row-major [r][features], [r][outputs]).
  void add_rows(const double* x, const double* y, int64_t r);
  void merge(const RidgeStats& other);
  void reset();
  // Full symmetric XᵀX ([f][f] row-major) and XᵀY ([f][o]).
  std::vector<double> xtx() const;
  const std::vector<double>& xty() const { return xty_; }
  void set(const double* xtx, const double* xty, int64_t rows);

  // W ([f][o]) solving (XᵀX + λI) W = XᵀY by Cholesky; throws ERR_RAN_SINGULAR.
  std::vector<double> solve_cholesky(double lambda) const;
  // One W per λ, all from one eigendecomposition of XᵀX: [n_lambda][f][o]. A singular λ
  // throws ERR_RAN_SINGULAR, or with `skip_singular` gets a block of NaN (for λ searches).
  std::vector<double> solve_sweep(const std::vector<double>& lambdas, bool skip_singular = false) const;

 private:
  int f_, o_;
  int64_t rows_ = 0;
  std::vector<double> xtx_;  // lower triangle is kept up to date
  std::vector<double> xty_;
};

}  // namespace ran
