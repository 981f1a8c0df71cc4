#include "spectral.h"

#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <cmath>
#include <complex>

#include "ran_error.h"

namespace ran {

namespace {

using MatD = Eigen::MatrixXd;
using VecD = Eigen::VectorXd;

// Calls f(row, col, value) for every stored entry of `w` (dense: every entry).
template <typename F>
void for_each_entry(const Recurrent& w, int n, F&& f) {
  if (w.dense) {
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) f(i, j, w.dense_w[static_cast<size_t>(i) * n + j]);
  } else if (w.block > 0) {
    const int b = w.block;
    for (int br = 0; br < n / b; ++br)
      for (int32_t p = w.block_row_ptr[br]; p < w.block_row_ptr[br + 1]; ++p) {
        const float* blk = w.block_values.data() + static_cast<size_t>(p) * b * b;
        for (int r = 0; r < b; ++r)
          for (int c = 0; c < b; ++c) f(br * b + r, w.block_col[p] * b + c, blk[r * b + c]);
      }
  } else {
    // Raw pointers: an empty matrix has empty colIdx/values vectors (null data, no element).
    const int32_t* rp = w.row_ptr.data();
    const int32_t* ci = w.col_idx.data();
    const float* v = w.values.data();
    for (int i = 0; i < n; ++i)
      for (int32_t p = rp[i]; p < rp[i + 1]; ++p) f(i, ci[p], v[p]);
  }
}

MatD to_dense(const Recurrent& w, int n) {
  MatD a = MatD::Zero(n, n);
  for_each_entry(w, n, [&](int i, int j, float v) { a(i, j) += v; });
  return a;
}

double max_modulus(const Eigen::VectorXcd& ev) {
  double r = 0.0;
  for (Eigen::Index i = 0; i < ev.size(); ++i) r = std::max(r, std::abs(ev[i]));
  return r;
}

// y = W x for BSR, each row summed in the CSR order (blocks left to right), so that the
// radius of a block-sparse matrix does not depend on the form it is held in.
void multiply_blocks(const Recurrent& w, int n, const double* x, double* y) {
  const int b = w.block;
  for (int br = 0; br < n / b; ++br) {
    const int32_t first = w.block_row_ptr[br], last = w.block_row_ptr[br + 1];
    for (int r = 0; r < b; ++r) {
      double acc = 0.0;
      for (int32_t p = first; p < last; ++p) {
        const float* row = w.block_values.data() + (static_cast<size_t>(p) * b + r) * b;
        const double* in = x + static_cast<size_t>(w.block_col[p]) * b;
        for (int c = 0; c < b; ++c) acc += static_cast<double>(row[c]) * in[c];
      }
      y[static_cast<size_t>(br) * b + r] = acc;
    }
  }
}

// y = W x in float64 from the float32 weights (dense, BSR or CSR).
void multiply(const Recurrent& w, int n, const double* x, double* y) {
  if (w.dense) {
    for (int i = 0; i < n; ++i) {
      double acc = 0.0;
      const float* row = w.dense_w.data() + static_cast<size_t>(i) * n;
      for (int j = 0; j < n; ++j) acc += static_cast<double>(row[j]) * x[j];
      y[i] = acc;
    }
  } else if (w.block > 0) {
    multiply_blocks(w, n, x, y);
  } else {
    const int32_t* rp = w.row_ptr.data();
    const int32_t* ci = w.col_idx.data();
    const float* v = w.values.data();
    for (int i = 0; i < n; ++i) {
      double acc = 0.0;
      for (int32_t p = rp[i]; p < rp[i + 1]; ++p) acc += static_cast<double>(v[p]) * x[ci[p]];
      y[i] = acc;
    }
  }
}

// One Arnoldi cycle of up to m steps from V.col(0): fills V and H, returns the steps taken
// (fewer than m when an invariant subspace is found: its eigenvalues are then exact).
// Classical Gram–Schmidt twice, as matrix–vector products, keeps V orthogonal to working precision.
int arnoldi_cycle(const Recurrent& w, int n, int m, MatD& V, MatD& H) {
  H.setZero();
  VecD h(m);
  for (int j = 0; j < m; ++j) {
    auto x = V.col(j + 1);
    multiply(w, n, V.col(j).data(), x.data());
    auto basis = V.leftCols(j + 1);
    for (int pass = 0; pass < 2; ++pass) {
      h.head(j + 1).noalias() = basis.transpose() * x;
      x.noalias() -= basis * h.head(j + 1);
      H.col(j).head(j + 1) += h.head(j + 1);
    }
    const double beta = x.norm();
    H(j + 1, j) = beta;
    if (beta < 1e-12 * std::max(1.0, H.col(j).head(j + 1).norm())) return j + 1;
    x /= beta;
  }
  return m;
}

// Explicitly restarted Arnoldi: the Ritz value of largest modulus of an m-step Krylov space,
// restarted from its Ritz vector. Converged when its residual ‖W y − θ y‖ = β |s_m| or its
// change since the previous cycle is within the relative tolerance.
double arnoldi_radius(const Recurrent& w, int n, const SpectralOptions& o) {
  const int m = std::min(o.krylov, n);
  MatD V(n, m + 1);
  MatD H(m + 1, m);
  for (int i = 0; i < n; ++i)
    V(i, 0) = 1.0 + static_cast<double>((static_cast<uint32_t>(i) * 2654435761u) % 1000u) / 1000.0;
  V.col(0).normalize();
  double previous = -1.0;
  for (int restart = 0; restart < o.max_restarts; ++restart) {
    const int steps = arnoldi_cycle(w, n, m, V, H);
    Eigen::EigenSolver<MatD> es(H.topLeftCorner(steps, steps), true);
    if (es.info() != Eigen::Success)
      throw Error(kNoConvergence, "spectral radius: Hessenberg eigenproblem did not converge");
    const Eigen::VectorXcd ev = es.eigenvalues();
    Eigen::Index best = 0;
    for (Eigen::Index i = 1; i < ev.size(); ++i)
      if (std::abs(ev[i]) > std::abs(ev[best])) best = i;
    const double estimate = std::abs(ev[best]);
    const Eigen::VectorXcd s = es.eigenvectors().col(best).normalized();
    const double residual = H(steps, steps - 1) * std::abs(s[steps - 1]);
    if (steps < m || residual <= o.tolerance * estimate || std::abs(estimate - previous) <= o.tolerance * estimate)
      return estimate;
    previous = estimate;
    const Eigen::VectorXcd ritz = V.leftCols(steps).cast<std::complex<double>>() * s;
    VecD v = ritz.real() + ritz.imag();
    if (v.norm() == 0.0) v = V.col(0);
    V.col(0) = v.normalized();
  }
  throw Error(kNoConvergence, "spectral radius: Arnoldi did not reach the relative tolerance " +
                                  std::to_string(o.tolerance) + " in " + std::to_string(o.max_restarts) +
                                  " restarts; use a dense matrix or a larger tolerance");
}

}  // namespace

double spectral_radius(const Recurrent& w, int n, const SpectralOptions& options) {
  if (n <= 0) throw Error(kInvalidArg, "n must be a positive integer");
  if (n <= options.dense_limit) {
    Eigen::EigenSolver<MatD> es(to_dense(w, n), false);
    if (es.info() != Eigen::Success)
      throw Error(kNoConvergence, "spectral radius: the eigenvalue iteration did not converge");
    return max_modulus(es.eigenvalues());
  }
  return arnoldi_radius(w, n, options);
}

}  // namespace ran
