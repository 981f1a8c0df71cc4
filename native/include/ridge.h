// Ridge readout (architecture.md, "Readout"): float64 normal equations accumulated from
// feature rows, merged across batches, solved by Cholesky or by one eigendecomposition
// for a sweep of ridge values.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace ran {

class RidgeStats {
 public:
  // `rows_only`: a collector of rows (e.g. validation features) that keeps every row and
  // accumulates no XᵀX; otherwise XᵀX and XᵀY are accumulated and the rows are kept too while
  // there are no more than features of them (for the Gram-space solve).
  RidgeStats(int features, int outputs, bool rows_only = false);
  // Empty statistics of the same shape and kind (per-thread partial sums of a run).
  RidgeStats empty_like() const { return RidgeStats(f_, o_, rows_only_); }
  bool rows_only() const { return rows_only_; }
  // True while every row added is kept ([rows][features] in kept_x()).
  bool rows_kept() const { return keep_rows_; }
  const std::vector<double>& kept_x() const { return rx_; }
  const std::vector<double>& kept_y() const { return ry_; }
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
  // One W per λ, all from one eigendecomposition of XᵀX, or when fewer rows than features
  // are kept from their Gram matrix X Xᵀ (one r×r Cholesky per λ): [n_lambda][f][o]. A singular λ
  // throws ERR_RAN_SINGULAR, or with `skip_singular` gets a block of NaN (for λ searches).
  std::vector<double> solve_sweep(const std::vector<double>& lambdas, bool skip_singular = false) const;

  // Outputs for every λ of the rows kept by `queries` (a collector, e.g. the validation
  // features): [n_lambda][query rows][o], from one factorisation family. A singular λ throws, or
  // with `skip_singular` gets a block of NaN.
  std::vector<double> predict_sweep(const RidgeStats& queries, const std::vector<double>& lambdas,
                                    bool skip_singular) const;

  // Bytes held by statistics of this shape (features padded to the kernel's tile).
  static double bytes(int features, int outputs);

 private:
  template <typename T>
  void add_rows_impl(const T* x, const double* y, int64_t r, int threads, bool check_finite);
  // The kernel: adds the rows' [X Y]ᵀ[X Y] tiles to g_.
  template <typename T>
  void accumulate(const T* x, const double* y, int64_t r, int threads, bool check_finite) const;
  // Makes g_ hold the sums of every row so far (the kept rows are summed on first need: a
  // readout solved in the Gram space never allocates or fills its f×f statistics).
  void materialize() const;

  // What every λ's solution is computed from: one eigendecomposition of XᵀX, or (fewer
  // kept rows than features) the Gram matrix X Xᵀ and one small Cholesky per λ (ridge.cpp).
  struct Spectrum;
  // The decomposition, computed once per state of the statistics: choosing λ on validation
  // rows and then taking the chosen λ's weights costs one eigendecomposition. (Calls on one
  // RidgeStats are serialised by its owner, so the cache needs no lock.)
  std::shared_ptr<const Spectrum> decompose() const;
  mutable std::shared_ptr<const Spectrum> spectrum_;
  template <typename Emit, typename Skip>
  void for_each_lambda(const std::vector<double>& lambdas, bool skip_singular, Emit emit, Skip skipped) const;
  void keep(const double* x, const double* y, int64_t r);
  void keep(const float* x, const double* y, int64_t r);
  void drop_rows();

  int f_, o_;
  bool rows_only_ = false;
  bool keep_rows_ = true;
  std::vector<double> rx_, ry_;  // the rows themselves while keep_rows_
  int fp_, w_;                   // features padded to the row tile; fp_ + outputs padded to the column tile
  int64_t rows_ = 0;
  // Column-major [w_][fp_]: column j < fp_ holds XᵀX(i, j) for i <= j (the upper triangle;
  // entries below it are partial and never read), columns fp_ + k hold XᵀY(·, k).
  mutable std::vector<double> g_;
  mutable bool sums_valid_ = false;
};

// True if every value is finite (vectorised; `threads` split the range).
bool all_finite(const double* p, size_t n, int threads = 1);
bool all_finite(const float* p, size_t n, int threads = 1);

}  // namespace ran
