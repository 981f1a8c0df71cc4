// lib/random.ts's generator in C++, the same bits: xoshiro128** words, 53-bit uniforms and
// Marsaglia's polar normals with the series logarithm of portableLog. Every operation is an
// integer operation or a correctly rounded +, −, ×, ÷ or sqrt on doubles, in the order of
// the TypeScript (the build's -ffp-contract=off forbids fused multiply-adds), so a stream
// drawn here equals the one the TypeScript draws. Weights of many normals (RAN-A's blocks
// and unit weights) are drawn here: in TypeScript each normal cost ~100 ns.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace ran {

constexpr double kLn2 = 0.6931471805599453;

// m in [sqrt(1/2), sqrt(2)) and e with x = m 2^e, by exact powers of two.
inline double log_reduce(double x, int& e) {
  e = 0;
  double m = x;
  while (m >= 1.4142135623730951) {
    m *= 0.5;
    e += 1;
  }
  while (m < 0.7071067811865476) {
    m *= 2;
    e -= 1;
  }
  return m;
}

inline double portable_log(double x) {
  int e;
  const double m = log_reduce(x, e);
  const double s = (m - 1) / (m + 1);
  const double s2 = s * s;
  double term = s;
  double sum = 0;
  for (int k = 1; k < 40; k += 2) {
    sum += term / k;
    term *= s2;
    if (term < 1e-20 && term > -1e-20) break;
  }
  return 2 * sum + static_cast<double>(e) * kLn2;
}

// portable_log of L values at once, each with the same operations as alone: the series of
// one value is a chain of dependent divisions, so L chains side by side go L times faster.
template <int L>
void portable_logs(const double* x, double* out) {
  int e[L];
  double s2[L], term[L], sum[L];
  bool live[L];
  for (int j = 0; j < L; ++j) {
    const double m = log_reduce(x[j], e[j]);
    const double s = (m - 1) / (m + 1);
    s2[j] = s * s;
    term[j] = s;
    sum[j] = 0;
    live[j] = true;
  }
  for (int k = 1; k < 40; k += 2) {
    bool any = false;
    for (int j = 0; j < L; ++j) {
      if (!live[j]) continue;
      sum[j] += term[j] / k;
      term[j] *= s2[j];
      live[j] = !(term[j] < 1e-20 && term[j] > -1e-20);
      any = any || live[j];
    }
    if (!any) break;
  }
  for (int j = 0; j < L; ++j) out[j] = 2 * sum[j] + static_cast<double>(e[j]) * kLn2;
}

struct PortableRandom {
  uint32_t s[4];
  bool has_spare = false;
  double spare = 0;

  static uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

  uint32_t next_uint32() {
    const uint32_t result = rotl(s[1] * 5u, 7) * 9u;
    const uint32_t t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  double uniform() {
    const double hi = static_cast<double>(next_uint32() >> 5);
    const double lo = static_cast<double>(next_uint32() >> 6);
    return (hi * 67108864.0 + lo) / 9007199254740992.0;
  }

  // The (u, v, s) of the next accepted pair of the polar method.
  void pair(double& u, double& v, double& q) {
    for (;;) {
      u = 2 * uniform() - 1;
      v = 2 * uniform() - 1;
      q = u * u + v * v;
      if (!(q >= 1 || q == 0)) return;
    }
  }

  double normal() {
    if (has_spare) {
      has_spare = false;
      return spare;
    }
    for (;;) {
      const double u = 2 * uniform() - 1;
      const double v = 2 * uniform() - 1;
      const double q = u * u + v * v;
      if (q >= 1 || q == 0) continue;
      const double f = std::sqrt((-2 * portable_log(q)) / q);
      spare = v * f;
      has_spare = true;
      return u * f;
    }
  }
};

// The next `count` normals of `g` into `out`, as count calls of g.normal() give them; when
// `words` is given, words[4i .. 4i + 3] and spares[i] get the state after normal i. The
// pairs of a batch are drawn first, then their logarithms side by side.
inline void fill_normals(PortableRandom& g, double* out, int64_t count, int32_t* words, uint8_t* spares) {
  auto record = [&](int64_t at, const uint32_t* st, bool spare) {
    if (words == nullptr) return;
    for (int k = 0; k < 4; ++k) words[4 * at + k] = static_cast<int32_t>(st[k]);
    spares[at] = spare ? 1 : 0;
  };
  int64_t i = 0;
  if (count > 0 && g.has_spare) {
    out[i] = g.spare;
    g.has_spare = false;
    record(i++, g.s, false);
  }
  constexpr int kBatch = 64, kLanes = 4;
  double u[kBatch], v[kBatch], q[kBatch], lg[kBatch];
  uint32_t st[kBatch][4];
  while (i < count) {
    const int pairs = static_cast<int>(std::min<int64_t>(kBatch, (count - i + 1) / 2));
    for (int p = 0; p < pairs; ++p) {
      g.pair(u[p], v[p], q[p]);
      std::copy(g.s, g.s + 4, st[p]);
    }
    int p = 0;
    for (; p + kLanes <= pairs; p += kLanes) portable_logs<kLanes>(q + p, lg + p);
    for (; p < pairs; ++p) lg[p] = portable_log(q[p]);
    for (p = 0; p < pairs; ++p) {
      const double f = std::sqrt((-2 * lg[p]) / q[p]);
      out[i] = u[p] * f;
      record(i++, st[p], true);
      if (i < count) {
        out[i] = v[p] * f;
        record(i++, st[p], false);
      } else {
        g.has_spare = true;
        g.spare = v[p] * f;
      }
    }
  }
}

}  // namespace ran
