// The interface every unit kind provides (docs/architecture.md, "Adding a unit kind"). The
// executor (network.cpp) and the binding (network_wrap.cpp) read the table of kinds below
// and never name one: a kind's spec fields, their checks, its packed weights, the context
// it keeps between steps, its scratch and its step kernels all live in its own module
// (tanh.cpp, attention.cpp, memory.cpp in this folder).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "network_spec.h"

namespace ran {

// A kind's weights in the layouts its kernels read, built once per network, then read-only.
struct PackedUnits {
  virtual ~PackedUnits() = default;
};

// What a run asks of a captured population at one step of one tile: the weights of some
// units (when `weights` is set) and running sums for the attention statistics (when
// `stats` is set).
struct UnitCapture {
  float* weights = nullptr;        // this tile's first lane at this step: [units][heads][context]
  const int* unit_slot = nullptr;  // per unit: index among the captured units, or -1
  size_t lane_stride = 0;          // floats between consecutive lanes' blocks
  int valid_lanes = 0;             // lanes of the tile holding sequences
  double* stats = nullptr;         // [lane][units][kStatCount] sums over steps (attention_stats.h)
};

// One step of one population over a tile of TB lanes (TB = 1: one sequence).
struct UnitStep {
  const Population* pop;
  const PackedUnits* packed;   // from pack(); null if the kind packs nothing
  int64_t step;                // steps since the last reset
  const float* z;              // the population's drive, [size][TB]
  const float* u;              // the input, [input_dim][TB]
  float* y;                    // its state, [size][TB]
  float* context;              // what it keeps between steps (context_floats per lane), or null
  float* scratch;              // scratch_floats per lane
  const UnitCapture* capture;  // null unless the run captures this population
};
using StepFn = void (*)(const UnitStep&);

// One field of a population's spec as the binding reads it: `key` in the JavaScript spec,
// its range or choices and default, and where it goes. An option of a kind is one entry here
// (plus, if new, a field of Population and its use in the kernel).
struct UnitOption {
  enum class Type { Int, Number, Bool, Choice, Weights };
  Type type = Type::Int;
  const char* key = "";
  double min = 0, max = 0, fallback = 0;
  bool required = false;
  std::vector<std::string> choices;                       // Choice: the value is the index
  void (*set)(Population&, double) = nullptr;             // Int, Number, Bool, Choice
  std::vector<float>& (*weights)(Population&) = nullptr;  // Weights
  size_t (*count)(const Population&) = nullptr;           // Weights: values expected
};

UnitOption int_option(const char* key, int min, int max, int fallback, bool required, void (*set)(Population&, double));
UnitOption number_option(const char* key, double fallback, void (*set)(Population&, double));
UnitOption bool_option(const char* key, bool fallback, void (*set)(Population&, double));
UnitOption choice_option(const char* key, std::vector<std::string> choices, void (*set)(Population&, double));
UnitOption weights_option(const char* key, size_t (*count)(const Population&),
                          std::vector<float>& (*weights)(Population&));

struct UnitKind {
  const char* name;  // the spec's `kind`
  // Fields beyond the common ones (units, width, offset, leakRate, shared), in the order the
  // binding reads them: sizes before the weights whose counts depend on them.
  std::vector<UnitOption> options;
  // Throws ran::Error if the population is inconsistent (`name` names it in messages).
  void (*validate)(const Population& p, const std::string& name);
  std::unique_ptr<PackedUnits> (*pack)(const Population& p);
  size_t (*scratch_floats)(const Population& p);  // per lane
  size_t (*context_floats)(const Population& p);  // per lane, kept in the run state
  // Floats of captured weights per captured unit and (sequence, step); 0: nothing to capture.
  size_t (*capture_floats)(const Population& p);
  StepFn step[4];  // tiles of 1, 4, 8 and 16 lanes (lane_index)
  // Running sums per unit and sequence the kind adds at each step when asked
  // (UnitCapture::stats); 0: none.
  int stat_count = 0;
  // Where in its context (floats per lane) the kind keeps its fast output o for a readout
  // that reads it (Population::readout_state); null: the kind offers only y.
  size_t (*output_offset)(const Population& p) = nullptr;
};

constexpr int lane_index(int lanes) {
  return lanes >= 16 ? 3 : lanes >= 8 ? 2 : lanes >= 4 ? 1 : 0;
}

// The table: a population's `kind` is an index into it.
const std::vector<const UnitKind*>& unit_kinds();
inline const UnitKind& unit_kind(int kind) {
  return *unit_kinds()[static_cast<size_t>(kind)];
}
// Index of the kind called `name`, or -1.
int find_unit_kind(const std::string& name);

// Each kind module defines one of these.
const UnitKind& tanh_units();
const UnitKind& attention_units();
const UnitKind& memory_units();

// Helpers for validate().
void require_units(bool ok, const std::string& what);
void require_count(const std::vector<float>& v, size_t expected, const std::string& name);
inline size_t weight_copies(const Population& p) {
  return p.shared ? 1 : static_cast<size_t>(p.units);
}

}  // namespace ran
