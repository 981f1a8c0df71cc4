// Spectral radius (largest |eigenvalue|) of the recurrent matrix, computed rather than
// bounded: the ESN's memory depends on it directly.
#pragma once
#include "network_spec.h"

namespace ran {

struct SpectralOptions {
  int dense_limit = 256;    // up to this size: all eigenvalues of the dense matrix (O(n³), slow beyond)
  double tolerance = 1e-6;  // iterative method: relative Ritz residual, or relative change between restarts
  int max_restarts = 60;
  int krylov = 120;
};

// Largest eigenvalue modulus of the n×n matrix held by `w` (dense, CSR or BSR: the same value for
// CSR and BSR forms of one matrix, whose rows are summed in the same order).
double spectral_radius(const Recurrent& w, int n, const SpectralOptions& options);

}  // namespace ran
