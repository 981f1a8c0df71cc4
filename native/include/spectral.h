// Spectral radius (largest |eigenvalue|) of the recurrent matrix, computed rather than
// bounded: the ESN's memory depends on it directly.
#pragma once
#include "network_spec.h"

namespace ran {

struct SpectralOptions {
  int dense_limit = 256;    // up to this size: all eigenvalues of the dense matrix (O(n³), slow beyond)
  double tolerance = 1e-6;  // iterative method: Ritz residual ‖W y − θ y‖ relative to |θ|
  int max_restarts = 200;
  int krylov = 40;  // Krylov dimension; a third of it is kept at each thick restart
};

// Largest eigenvalue modulus of the n×n matrix held by `w` (dense, CSR or BSR).
double spectral_radius(const Recurrent& w, int n, const SpectralOptions& options);

}  // namespace ran
