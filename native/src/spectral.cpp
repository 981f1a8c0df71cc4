#include "spectral.h"

#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <cmath>
#include <complex>

#include "ran_error.h"

namespace ran {

namespace {

using MatD = Eigen::MatrixXd;

MatD to_dense(const Recurrent& w, int n) {
  MatD a = MatD::Zero(n, n);
  if (w.dense) {
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) a(i, j) = w.dense_w[static_cast<size_t>(i) * n + j];
  } else {
    // Raw pointers: an empty matrix has empty colIdx/values vectors (null data, no element).
    const int32_t* rp = w.row_ptr.data();
    const int32_t* ci = w.col_idx.data();
    const float* v = w.values.data();
    for (int i = 0; i < n; ++i)
      for (int32_t p = rp[i]; p < rp[i + 1]; ++p) a(i, ci[p]) += v[p];
  }
  return a;
}

double max_modulus(const Eigen::VectorXcd& ev) {
  double r = 0.0;
  for (Eigen::Index i = 0; i < ev.size(); ++i) r = std::max(r, std::abs(ev[i]));
  return r;
}

void multiply(const Recurrent& w, int n, const Eigen::VectorXd& x, Eigen::VectorXd& y) {
  y.setZero(n);
  if (w.dense) {
    for (int i = 0; i < n; ++i) {
      double acc = 0.0;
      const float* row = w.dense_w.data() + static_cast<size_t>(i) * n;
      for (int j = 0; j < n; ++j) acc += row[j] * x[j];
      y[i] = acc;
    }
  } else {
    const int32_t* rp = w.row_ptr.data();
    const int32_t* ci = w.col_idx.data();
    const float* v = w.values.data();
    for (int i = 0; i < n; ++i) {
      double acc = 0.0;
      for (int32_t p = rp[i]; p < rp[i + 1]; ++p) acc += v[p] * x[ci[p]];
      y[i] = acc;
    }
  }
}

// Explicitly restarted Arnoldi: the Ritz value of largest modulus of an m-step Krylov
// space, restarted from its Ritz vector until it changes by less than the tolerance.
double arnoldi_radius(const Recurrent& w, int n, const SpectralOptions& o) {
  const int m = std::min(o.krylov, n);
  Eigen::VectorXd v(n);
  for (int i = 0; i < n; ++i)
    v[i] = 1.0 + static_cast<double>((static_cast<uint32_t>(i) * 2654435761u) % 1000u) / 1000.0;
  double previous = -1.0;
  for (int restart = 0; restart < o.max_restarts; ++restart) {
    MatD V = MatD::Zero(n, m + 1);
    MatD H = MatD::Zero(m + 1, m);
    V.col(0) = v / v.norm();
    int steps = m;
    Eigen::VectorXd x(n);
    for (int j = 0; j < m; ++j) {
      multiply(w, n, V.col(j), x);
      for (int pass = 0; pass < 2; ++pass) {  // Gram–Schmidt twice keeps V orthogonal
        for (int i = 0; i <= j; ++i) {
          const double h = V.col(i).dot(x);
          H(i, j) += h;
          x -= h * V.col(i);
        }
      }
      const double beta = x.norm();
      H(j + 1, j) = beta;
      if (beta < 1e-12) {  // invariant subspace found: its eigenvalues are exact
        steps = j + 1;
        break;
      }
      V.col(j + 1) = x / beta;
    }
    Eigen::EigenSolver<MatD> es(H.topLeftCorner(steps, steps), true);
    if (es.info() != Eigen::Success)
      throw Error(kNoConvergence, "spectral radius: Hessenberg eigenproblem did not converge");
    const Eigen::VectorXcd ev = es.eigenvalues();
    Eigen::Index best = 0;
    for (Eigen::Index i = 1; i < ev.size(); ++i)
      if (std::abs(ev[i]) > std::abs(ev[best])) best = i;
    const double estimate = std::abs(ev[best]);
    if (steps < m || std::abs(estimate - previous) <= o.tolerance * estimate) return estimate;
    previous = estimate;
    const Eigen::VectorXcd s = es.eigenvectors().col(best);
    const Eigen::VectorXcd ritz = V.leftCols(steps).cast<std::complex<double>>() * s;
    v = ritz.real() + ritz.imag();
    if (v.norm() == 0.0) v = V.col(0);
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
