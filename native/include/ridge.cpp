#include "ridge.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <cmath>
#include <limits>
#include <string>

#include "ran_error.h"

namespace ran {

using MatD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
using RowMatD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

RidgeStats::RidgeStats(int features, int outputs) : f_(features), o_(outputs) {
  if (features <= 0 || outputs <= 0) throw Error(kInvalidArg, "features and outputs must be positive integers");
  xtx_.assign(static_cast<size_t>(f_) * f_, 0.0);
  xty_.assign(static_cast<size_t>(f_) * o_, 0.0);
}

void RidgeStats::add_rows(const double* x, const double* y, int64_t r) {
  if (r <= 0) return;
  Eigen::Map<const RowMatD> X(x, r, f_);
  Eigen::Map<const RowMatD> Y(y, r, o_);
  // xtx_ is column-major; only its lower triangle is updated (symmetric rank-r update).
  Eigen::Map<MatD> A(xtx_.data(), f_, f_);
  A.selfadjointView<Eigen::Lower>().rankUpdate(X.transpose());
  Eigen::Map<RowMatD> B(xty_.data(), f_, o_);
  B.noalias() += X.transpose() * Y;
  rows_ += r;
}

void RidgeStats::merge(const RidgeStats& other) {
  if (other.f_ != f_ || other.o_ != o_) {
    throw Error(kShape, "cannot merge statistics of " + std::to_string(other.f_) + "×" + std::to_string(other.o_) +
                            " into " + std::to_string(f_) + "×" + std::to_string(o_));
  }
  for (size_t i = 0; i < xtx_.size(); ++i) xtx_[i] += other.xtx_[i];
  for (size_t i = 0; i < xty_.size(); ++i) xty_[i] += other.xty_[i];
  rows_ += other.rows_;
}

void RidgeStats::reset() {
  std::fill(xtx_.begin(), xtx_.end(), 0.0);
  std::fill(xty_.begin(), xty_.end(), 0.0);
  rows_ = 0;
}

std::vector<double> RidgeStats::xtx() const {
  std::vector<double> full(xtx_.size());
  const size_t f = f_;
  for (size_t c = 0; c < f; ++c)
    for (size_t r = c; r < f; ++r) {
      const double v = xtx_[c * f + r];  // lower triangle, column-major
      full[r * f + c] = v;
      full[c * f + r] = v;
    }
  return full;
}

void RidgeStats::set(const double* xtx, const double* xty, int64_t rows) {
  const size_t f = f_;
  for (size_t c = 0; c < f; ++c)
    for (size_t r = 0; r < f; ++r) xtx_[c * f + r] = xtx[r * f + c];
  std::copy(xty, xty + xty_.size(), xty_.begin());
  rows_ = rows;
}

namespace {

MatD full_matrix(const std::vector<double>& full, int f) {
  return Eigen::Map<const RowMatD>(full.data(), f, f);
}

std::vector<double> to_row_major(const MatD& m) {
  std::vector<double> out(static_cast<size_t>(m.rows()) * m.cols());
  Eigen::Map<RowMatD>(out.data(), m.rows(), m.cols()) = m;
  return out;
}

void check_lambda(double lambda) {
  if (!(lambda >= 0.0) || !std::isfinite(lambda)) {
    throw Error(kInvalidArg, "ridge must be a finite number >= 0, got " + std::to_string(lambda));
  }
}

}  // namespace

std::vector<double> RidgeStats::solve_cholesky(double lambda) const {
  check_lambda(lambda);
  MatD A = full_matrix(xtx(), f_);
  A.diagonal().array() += lambda;
  Eigen::LLT<MatD> llt(A);
  if (llt.info() != Eigen::Success) {
    throw Error(kSingular, "XᵀX + λI is not positive definite (λ = " + std::to_string(lambda) +
                               ", " + std::to_string(rows_) + " rows for " + std::to_string(f_) +
                               " features); increase ridge or add data");
  }
  MatD W = llt.solve(Eigen::Map<const RowMatD>(xty_.data(), f_, o_).eval());
  if (!W.allFinite()) throw Error(kSingular, "the ridge solution is not finite; increase ridge");
  return to_row_major(W);
}

std::vector<double> RidgeStats::solve_sweep(const std::vector<double>& lambdas, bool skip_singular) const {
  for (double l : lambdas) check_lambda(l);
  Eigen::SelfAdjointEigenSolver<MatD> es(full_matrix(xtx(), f_));
  if (es.info() != Eigen::Success) throw Error(kNoConvergence, "the eigendecomposition of XᵀX did not converge");
  const MatD& V = es.eigenvectors();
  const Eigen::VectorXd& ev = es.eigenvalues();
  const MatD Q = V.transpose() * Eigen::Map<const RowMatD>(xty_.data(), f_, o_);
  const double scale = std::max(std::abs(ev.maxCoeff()), 1e-300);
  std::vector<double> out;
  out.reserve(lambdas.size() * f_ * o_);
  for (double lambda : lambdas) {
    const Eigen::VectorXd shifted = ev.array() + lambda;
    if (shifted.minCoeff() <= 1e-13 * scale) {
      if (skip_singular) {
        out.insert(out.end(), static_cast<size_t>(f_) * o_, std::numeric_limits<double>::quiet_NaN());
        continue;
      }
      throw Error(kSingular, "XᵀX + λI is singular for λ = " + std::to_string(lambda) + "; increase ridge");
    }
    const MatD W = V * (shifted.cwiseInverse().asDiagonal() * Q);
    const auto w = to_row_major(W);
    out.insert(out.end(), w.begin(), w.end());
  }
  return out;
}

}  // namespace ran
