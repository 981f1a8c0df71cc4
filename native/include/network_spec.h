// The description of a composed reservoir (architecture.md, "How the code composes the
// architectures"): populations of units sharing one state vector, one recurrent matrix
// over the whole state, one input projection and one bias. The TypeScript layer draws
// every weight from the seed; the kernels own a copy.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ran {

enum class Activation { Relu = 0, Gelu = 1 };
enum class Retrieval { Relu = 0, Softmax = 1 };
// What the readout sees of a population: its state y, its fast output o (before the leak), or both.
enum class ReadoutState { Y = 0, O = 1, Both = 2 };
enum class Scores { Dot = 0, Cosine = 1 };
// What an attention unit's slots hold: keys and values from the drive z, the input part of
// the drive W_in u, or the unit's state y(t-1).
enum class SlotContent { Drive = 0, Input = 1, State = 2 };

// One population's spec. The fields after the common ones belong to unit kinds
// (native/units/): each kind's module lists the ones it reads, checks and packs.
struct Population {
  int kind = 0;  // index into unit_kinds() (native/units/unit_kind.h)
  int units = 0;
  int width = 1;   // d: state entries per unit
  int offset = 0;  // first state index of this population
  float leak_rate = 1.0f;
  bool shared = false;                           // one set of unit weights for all units
  ReadoutState readout_state = ReadoutState::Y;  // attention and memory units

  // Attention units (architecture.md, RAN-A steps 2-4).
  int context = 1;
  int heads = 1;
  float temperature = 1.0f;
  std::vector<float> w_q, w_k, w_v;  // [units or 1][d][d], row = output
  int ff_hidden = 0;                 // 0: no feed-forward half
  Activation activation = Activation::Relu;
  std::vector<float> w_1;  // [units or 1][ff_hidden][d]
  std::vector<float> w_2;  // [units or 1][d][ff_hidden]
  // Variants (architecture.md, "Attention unit variants"); the defaults are RAN-A as stated.
  Scores scores = Scores::Dot;
  float sharpness = 1.0f;            // β of cosine scores
  bool relative_bias = false;        // position_bias is given
  std::vector<float> position_bias;  // [units or 1][heads][context], added to the scores by age
  SlotContent slot_content = SlotContent::Drive;
  int input_dim = 0;              // D_in, for slot_content Input and gated writes
  std::vector<float> w_slot;      // [units][d][input_dim]: W_in^m, for slot_content Input
  bool gated_writes = false;      // a slot is written only when |g·u| > θ‖u‖
  float write_threshold = 0.0f;   // θ
  std::vector<float> write_gate;  // [units][input_dim]: g per unit

  // Memory units (architecture.md, RAN-C).
  int slots = 0;  // P
  Retrieval retrieval = Retrieval::Relu;
  std::vector<float> keys, values;  // [units or 1][P][d]

  int size() const { return units * width; }
};

struct Recurrent {
  bool dense = true;
  // Block-sparse (BSR) form of W, used instead of CSR when block > 0: square blocks of
  // size `block`, block rows of n / block entries; the sum order of a row is the CSR order.
  int block = 0;
  std::vector<int32_t> block_row_ptr;  // n / block + 1 entries
  std::vector<int32_t> block_col;      // block column of each stored block
  std::vector<float> block_values;     // [blocks][block][block] row-major
  std::vector<float> dense_w;          // [n][n] row-major
  std::vector<int32_t> row_ptr;        // CSR, n + 1 entries
  std::vector<int32_t> col_idx;        // CSR column of each non-zero
  std::vector<float> values;           // CSR values
};

struct NetworkSpec {
  int input_dim = 0;
  int n = 0;  // state size: sum of population sizes
  std::vector<Population> populations;
  Recurrent w;
  std::vector<float> w_in;  // [n][input_dim]
  std::vector<float> bias;  // [n]
};

// Throws ran::Error when the spec is inconsistent (sizes, ranges, CSR structure).
void validate_spec(const NetworkSpec& spec);

}  // namespace ran
