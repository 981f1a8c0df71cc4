// Tanh units (the ESN's, and RAN-C's fast units): y ← (1 − α) y + α tanh(z).
#include "fast_math.h"
#include "unit_kind.h"

namespace ran {

namespace {

template <int TB>
void step(const UnitStep& s) {
  const Population& p = *s.pop;
  const float keep = 1.0f - p.leak_rate;
  const float alpha = p.leak_rate;
  const int count = p.size() * TB;
  float* y = s.y;
  const float* z = s.z;
  for (int i = 0; i < count; ++i) y[i] = keep * y[i] + alpha * fast_tanh(z[i]);
}

void validate(const Population&, const std::string&) {}
std::unique_ptr<PackedUnits> pack(const Population&) {
  return nullptr;
}
size_t none(const Population&) {
  return 0;
}

}  // namespace

const UnitKind& tanh_units() {
  static const UnitKind kind{"tanh", {}, validate, pack, none, none, none, {step<1>, step<4>, step<8>, step<16>}};
  return kind;
}

}  // namespace ran
