// The executor: steps a composed network over B sequences in lockstep, for T steps, in
// one call. Sequences are grouped in tiles of 16 (the last one 1, 4, 8 or 16 wide) stored
// batch-innermost ([state index][lane]), so the unit kernels vectorise over the lanes;
// tiles of one lane use kernels vectorised over rows instead. Every kernel keeps each sum's
// order, so a sequence's arithmetic never depends on its tile or on the other sequences.
// The units of each population are stepped by their kind's module (native/units/); this
// file names no kind.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "network_spec.h"
#include "ridge.h"
#include "sparse_slices.h"
#include "unit_kind.h"

namespace ran {

enum class Selection { None = 0, Steps = 1, Washout = 2, Last = 3 };

struct RunRequest {
  const float* x = nullptr;  // [batch][steps][input_dim]
  int batch = 0;
  int steps = 0;

  float* states = nullptr;  // optional [batch][steps][n]
  float* drives = nullptr;  // optional [batch][steps][n]: z(t) before the units

  bool include_input = true;  // features [y; u; 1]
  bool include_bias = true;

  const double* readout = nullptr;  // optional [features][outputs]
  int readout_outputs = 0;
  float* outputs = nullptr;  // [batch][steps][readout_outputs]
  // Steps at which outputs are computed (others stay 0): all, or a list per sequence, or the
  // last step — scoring needs only the prediction steps.
  Selection output_selection = Selection::None;
  const int32_t* output_steps = nullptr;  // [batch][n_output_steps], call-relative
  int n_output_steps = 0;

  RidgeStats* stats = nullptr;     // optional: accumulate selected rows
  const float* targets = nullptr;  // [batch][steps][stats->outputs()]
  Selection selection = Selection::None;
  const int32_t* select_steps = nullptr;  // [batch][n_select], call-relative steps
  int n_select = 0;
  int washout = 0;  // steps after the last reset that are not selected

  int attention_population = -1;  // population whose weights are captured
  std::vector<int> attention_units;
  float* attention = nullptr;  // [batch][steps][units][heads][context], age 0 = newest

  // Per population (empty, or one entry each; null where not asked): sums over the steps of
  // each sequence of the kind's statistics, [batch][units][kind.stat_count].
  std::vector<double*> unit_stats;

  int threads = 1;
  const std::atomic<bool>* cancel = nullptr;
};

// What a run carries from one step to the next: per tile of sequences, the unit states
// and the units' contexts. Each call owns one (a fresh one when it resets), so calls on
// one Network run concurrently; a call that continues a series is handed the carried one.
// The tiles' memory goes, when the state ends, to the next run that needs tiles of the same
// size (release()); so a state is moved, never copied.
struct RunState {
  int batch = 0;
  int64_t steps = 0;            // steps since the last reset
  std::vector<int> tile_lanes;  // lanes of each tile (tile_lanes_for_batch)
  std::vector<std::vector<float>> tiles;
  RunState() = default;
  RunState(RunState&&) noexcept = default;
  RunState& operator=(RunState&& other) noexcept;
  RunState(const RunState&) = delete;
  RunState& operator=(const RunState&) = delete;
  ~RunState() { release(); }
  // Empties the state, handing its tiles' memory on.
  void release();
  bool empty() const { return steps == 0; }
  size_t bytes() const;
};

// The packed weights of a composed reservoir: immutable after construction, read by any
// number of runs at once.
class Network {
 public:
  explicit Network(NetworkSpec spec);
  const NetworkSpec& spec() const { return spec_; }
  int feature_dim(bool include_input, bool include_bias) const;
  // Runs the request from `state` (zeros when empty, sized for the batch — in the memory
  // an empty state still holds, if its shape fits) and leaves the last step's state in it; on error or cancellation
  // `state` is emptied. Threads come from the shared pool (thread_pool.h), at most `request.threads`.
  void run(const RunRequest& request, RunState& state) const;
  // Bytes a run of `batch` sequences allocates besides its outputs: the state (when
  // `allocate_state`) and the per-thread buffers, statistics included when training into
  // `stats_outputs` > 0 outputs.
  double run_bytes(int batch, int threads, bool allocate_state, int features, int stats_outputs) const;

 private:
  friend class TileRunner;
  void zero_state(RunState& state, int batch) const;
  void set_readout_rows();
  size_t scratch_floats() const;

  NetworkSpec spec_;
  bool narrow_tiles_ = false;           // the rest tile of a batch may be 4 or 8 lanes wide
  size_t tile_floats_ = 0;              // per lane: the state, then the contexts
  std::vector<size_t> context_offset_;  // per population: its context in a tile
  // Tile rows of the readout's state features (y of the populations read as y, then o of
  // those read as o); empty when the readout reads y alone, rows [0, n).
  std::vector<size_t> readout_rows_;
  std::vector<std::unique_ptr<PackedUnits>> packs_;  // per population, from its kind's pack()
  std::vector<float> w_in_packed_;                   // W_in in 8-row panels (pack_input)
  std::vector<float> block_t_;                       // a block-sparse W's blocks, transposed
  std::vector<float> dense_panels_;                  // a dense W, packed (drive.h pack_panels)
  SparseSlices slices_;                              // the one-lane form of a CSR W (enabled with AVX-512 only)
};

}  // namespace ran
