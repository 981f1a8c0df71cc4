#include "spectral.h"

#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <complex>
#include <vector>

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

// Σ v[k] x[k] (float32 weights, float64 sums) in four interleaved partial sums: the sum is
// not latency-bound, and the compiler can keep the four in one vector register.
inline double dot(const float* v, const double* x, int len) {
  double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
  int k = 0;
  for (; k + 4 <= len; k += 4) {
    a0 += static_cast<double>(v[k]) * x[k];
    a1 += static_cast<double>(v[k + 1]) * x[k + 1];
    a2 += static_cast<double>(v[k + 2]) * x[k + 2];
    a3 += static_cast<double>(v[k + 3]) * x[k + 3];
  }
  for (; k < len; ++k) a0 += static_cast<double>(v[k]) * x[k];
  return (a0 + a1) + (a2 + a3);
}

// Σ v[k] x[idx[k]], as `dot`.
inline double gather_dot(const float* v, const int32_t* idx, const double* x, int len) {
  double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
  int k = 0;
  for (; k + 4 <= len; k += 4) {
    a0 += static_cast<double>(v[k]) * x[idx[k]];
    a1 += static_cast<double>(v[k + 1]) * x[idx[k + 1]];
    a2 += static_cast<double>(v[k + 2]) * x[idx[k + 2]];
    a3 += static_cast<double>(v[k + 3]) * x[idx[k + 3]];
  }
  for (; k < len; ++k) a0 += static_cast<double>(v[k]) * x[idx[k]];
  return (a0 + a1) + (a2 + a3);
}

// y = W x in float64 from the float32 weights (dense, BSR or CSR).
void multiply(const Recurrent& w, int n, const double* x, double* y) {
  if (w.dense) {
    for (int i = 0; i < n; ++i) y[i] = dot(w.dense_w.data() + static_cast<size_t>(i) * n, x, n);
  } else if (w.block > 0) {
    const int b = w.block;
    for (int br = 0; br < n / b; ++br) {
      double* out = y + static_cast<size_t>(br) * b;
      for (int r = 0; r < b; ++r) out[r] = 0.0;
      for (int32_t p = w.block_row_ptr[br]; p < w.block_row_ptr[br + 1]; ++p) {
        const float* blk = w.block_values.data() + static_cast<size_t>(p) * b * b;
        const double* in = x + static_cast<size_t>(w.block_col[p]) * b;
        for (int r = 0; r < b; ++r) out[r] += dot(blk + static_cast<size_t>(r) * b, in, b);
      }
    }
  } else {
    const int32_t* rp = w.row_ptr.data();
    const int32_t* ci = w.col_idx.data();
    const float* v = w.values.data();
    for (int i = 0; i < n; ++i) y[i] = gather_dot(v + rp[i], ci + rp[i], x, rp[i + 1] - rp[i]);
  }
}

// Extends the Krylov decomposition W V_j = V_{j+1} H from column `from` to m columns:
// fills V and H, returns the columns reached (fewer than m when an invariant subspace is
// found: its eigenvalues are then exact). Classical Gram–Schmidt twice, as matrix–vector
// products, keeps V orthogonal to working precision.
int arnoldi_steps(const Recurrent& w, int n, int from, int m, MatD& V, MatD& H) {
  VecD h(m);
  for (int j = from; j < m; ++j) {
    auto x = V.col(j + 1);
    multiply(w, n, V.col(j).data(), x.data());
    auto basis = V.leftCols(j + 1);
    H.col(j).setZero();
    for (int pass = 0; pass < 2; ++pass) {
      h.head(j + 1).noalias() = basis.transpose() * x;
      x.noalias() -= basis * h.head(j + 1);
      H.col(j).head(j + 1) += h.head(j + 1);
    }
    const double beta = x.norm();
    H(j + 1, j) = beta;
    if (beta <= 1e-12 * std::max(1.0, H.col(j).head(j + 1).norm())) return j + 1;
    x /= beta;
  }
  return m;
}

// Thick restart (Krylov–Schur, Stewart 2001, with an orthonormal rather than triangular
// basis of the kept space): Q spans the real invariant subspace of H for its `keep` Ritz
// values of largest modulus; V ← V Q, H ← [QᵀHQ; β e_mᵀQ], and the last basis vector moves
// next to them. Returns the kept dimension.
int thick_restart(const Eigen::EigenSolver<MatD>& es, int m, int keep, MatD& V, MatD& H) {
  const Eigen::VectorXcd ev = es.eigenvalues();
  std::vector<int> order(static_cast<size_t>(m));
  for (int i = 0; i < m; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](int a, int b) { return std::abs(ev[a]) > std::abs(ev[b]); });
  MatD basis(m, 2 * keep + 2);
  int cols = 0;
  for (int t = 0; t < m && cols < keep; ++t) {
    const Eigen::VectorXcd y = es.eigenvectors().col(order[t]);
    if (ev[order[t]].imag() < 0) continue;  // a conjugate pair: its Re and Im come with the + member
    basis.col(cols++) = y.real();
    if (ev[order[t]].imag() > 0) basis.col(cols++) = y.imag();
  }
  Eigen::HouseholderQR<MatD> qr(basis.leftCols(cols));
  const MatD Q = qr.householderQ() * MatD::Identity(m, cols);
  const Eigen::RowVectorXd last = H(m, m - 1) * Q.row(m - 1);
  const MatD T = Q.transpose() * H.topLeftCorner(m, m) * Q;
  const VecD next = V.col(m);
  V.leftCols(cols) = V.leftCols(m) * Q;
  V.col(cols) = next;
  H.setZero();
  H.topLeftCorner(cols, cols) = T;
  H.row(cols).head(cols) = last;
  return cols;
}

// Calls f(j) for every column j of row `i` of the pattern graph (block rows for BSR) that
// holds a stored non-zero.
template <typename F>
void for_each_successor(const Recurrent& w, int n, int i, F&& f) {
  if (w.dense) {
    const float* row = w.dense_w.data() + static_cast<size_t>(i) * n;
    for (int j = 0; j < n; ++j)
      if (row[j] != 0.0f) f(j);
  } else if (w.block > 0) {
    for (int32_t p = w.block_row_ptr[i]; p < w.block_row_ptr[i + 1]; ++p) f(w.block_col[p]);
  } else {
    for (int32_t p = w.row_ptr[i]; p < w.row_ptr[i + 1]; ++p)
      if (w.values[p] != 0.0f) f(w.col_idx[p]);
  }
}

// Whether the graph i -> j of the non-zeros has no cycle. Such a matrix is nilpotent, its
// radius exactly 0, which no eigensolver can confirm: the eigenvalues of a nilpotent matrix
// move by (rounding)^(1/n), so both Arnoldi and the dense solver report a spurious radius.
bool pattern_is_acyclic(const Recurrent& w, int n) {
  const int nodes = w.block > 0 ? n / w.block : n;
  for (int i = 0; i < nodes; ++i) {  // a self-loop is a cycle: random reservoirs end here, at once
    bool loop = false;
    for_each_successor(w, n, i, [&](int j) { loop = loop || j == i; });
    if (loop) return false;
  }
  std::vector<int32_t> pending(nodes, 0);  // successors not yet finished, per node (Kahn's algorithm on the reverse)
  std::vector<std::vector<int32_t>> predecessors(nodes);
  for (int i = 0; i < nodes; ++i)
    for_each_successor(w, n, i, [&](int j) {
      ++pending[i];
      predecessors[j].push_back(i);
    });
  std::vector<int32_t> ready;
  for (int i = 0; i < nodes; ++i)
    if (pending[i] == 0) ready.push_back(i);
  int finished = 0;
  while (!ready.empty()) {
    const int j = ready.back();
    ready.pop_back();
    ++finished;
    for (int i : predecessors[j])
      if (--pending[i] == 0) ready.push_back(i);
  }
  return finished == nodes;
}

// All eigenvalues of the dense matrix.
double dense_radius(const Recurrent& w, int n) {
  Eigen::EigenSolver<MatD> es(to_dense(w, n), false);
  if (es.info() != Eigen::Success)
    throw Error(kNoConvergence, "spectral radius: the eigenvalue iteration did not converge");
  return max_modulus(es.eigenvalues());
}

// Arnoldi with thick restarts: the Ritz value of largest modulus of an m-dimensional Krylov
// space, converged when its residual ‖W y − θ y‖ = |h_{m+1,m} s_m| is within the relative
// tolerance of θ.
double arnoldi_radius(const Recurrent& w, int n, const SpectralOptions& o) {
  const int m = std::min(o.krylov, n);
  const int keep = std::max(1, std::min(m / 3, m - 2));
  MatD V(n, m + 1);
  MatD H = MatD::Zero(m + 1, m);
  for (int i = 0; i < n; ++i)
    V(i, 0) = 1.0 + static_cast<double>((static_cast<uint32_t>(i) * 2654435761u) % 1000u) / 1000.0;
  V.col(0).normalize();
  int from = 0;
  double previous = -1.0;
  for (int restart = 0; restart < o.max_restarts; ++restart) {
    const int steps = arnoldi_steps(w, n, from, m, V, H);
    Eigen::EigenSolver<MatD> es(H.topLeftCorner(steps, steps), true);
    if (es.info() != Eigen::Success)
      throw Error(kNoConvergence, "spectral radius: the projected eigenproblem did not converge");
    const Eigen::VectorXcd ev = es.eigenvalues();
    Eigen::Index best = 0;
    for (Eigen::Index i = 1; i < ev.size(); ++i)
      if (std::abs(ev[i]) > std::abs(ev[best])) best = i;
    const double estimate = std::abs(ev[best]);
    const Eigen::VectorXcd s = es.eigenvectors().col(best).normalized();
    const double residual = H(steps, steps - 1) * std::abs(s[steps - 1]);
    // The change test ends the iteration when no Ritz vector converges (e.g. a cycle's n equal
    // moduli): the estimate then no longer moves. (Nilpotent patterns, where it would stop at a
    // spurious value, never get here: see pattern_is_acyclic.)
    if (steps < m || residual <= o.tolerance * estimate ||
        std::abs(estimate - previous) <= 0.01 * o.tolerance * estimate)
      return estimate;
    previous = estimate;
    from = thick_restart(es, m, keep, V, H);
  }
  throw Error(kNoConvergence, "spectral radius: Arnoldi did not reach the relative tolerance " +
                                  std::to_string(o.tolerance) + " in " + std::to_string(o.max_restarts) +
                                  " restarts; use a dense matrix or a larger tolerance");
}

}  // namespace

double spectral_radius(const Recurrent& w, int n, const SpectralOptions& options) {
  if (n <= 0) throw Error(kInvalidArg, "n must be a positive integer");
  if (pattern_is_acyclic(w, n)) return 0.0;
  if (n <= options.dense_limit) return dense_radius(w, n);
  return arnoldi_radius(w, n, options);
}

}  // namespace ran
