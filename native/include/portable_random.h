// lib/random.ts's generator in C++, the same bits: xoshiro128** words, 53-bit uniforms and
// Marsaglia's polar normals with the series logarithm of portableLog. Every operation is an
// integer operation or a correctly rounded +, −, ×, ÷ or sqrt on doubles, in the order of
// the TypeScript (the build's -ffp-contract=off forbids fused multiply-adds), so a stream
// drawn here equals the one the TypeScript draws. Weights of many normals (RAN-A's blocks
// and unit weights) are drawn here: in TypeScript each normal cost ~100 ns.
#pragma once
#include <cmath>
#include <cstdint>

namespace ran {

inline double portable_log(double x) {
  constexpr double kLn2 = 0.6931471805599453;
  int e = 0;
  double m = x;
  while (m >= 1.4142135623730951) {
    m *= 0.5;
    e += 1;
  }
  while (m < 0.7071067811865476) {
    m *= 2;
    e -= 1;
  }
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

}  // namespace ran
