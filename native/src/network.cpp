#include "network.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>

#include "drive.h"
#include "ran_error.h"
#include "thread_pool.h"

namespace ran {

namespace {

constexpr int kMaxLanes = 16;

// Tiles of 16 sequences, then one tile for the rest: one lane for one sequence (the kernels
// vectorised over rows); else, when `narrow`, as narrow as fits (4, 8 or 16 lanes), or else 16
// lanes, the unused ones computed and discarded. The tiles hold the same sequences whatever
// their width, and a sequence's arithmetic does not depend on it (drive.h), so the width
// changes no bit. Depends on the batch only, so the statistics add up in the same order
// whatever the thread count.
std::vector<int> tile_lanes_for_batch(int batch, bool narrow) {
  std::vector<int> lanes(static_cast<size_t>(batch / kMaxLanes), kMaxLanes);
  const int rest = batch % kMaxLanes;
  if (rest > 0) lanes.push_back(rest == 1 ? 1 : !narrow || rest > 8 ? kMaxLanes : rest > 4 ? 8 : 4);
  return lanes;
}

// Whether the rest tile may be narrow: tanh units over a CSR or dense W, whose 4- and 8-lane
// kernels are vectorised (ESN of 996 units, 4 sequences of 50 steps, one thread: 1.0 ms in a
// 4-lane tile, 1.5 ms in a 16-lane one at c = 0.02; 7-11 vs 9-16 ms at c = 0.2). The compiler
// leaves the block-sparse drive and the attention step scalar at 4 and 8 lanes: RAN-A 62 x 16
// units, c = 0.1, 50 steps: 4 sequences 6.5 ms in a 4-lane tile, 3.6 ms in a 16-lane one; 8
// sequences 19.8 vs 3.4 ms.
bool narrow_tiles_pay(const NetworkSpec& spec) {
  if (spec.w.block > 0) return false;
  for (const Population& p : spec.populations)
    if (&unit_kind(p.kind) != &tanh_units()) return false;
  return true;
}

// Tile memory of ended runs, for the next run's tiles of the same size, from any thread. A
// search builds a Network per trial, and a RAN-A state holds megabytes per tile (the
// attention contexts): fresh memory cost page faults at every trial's first run. Bounded;
// never destroyed, as states may end after static destructors have run.
class TileRecycler {
 public:
  static TileRecycler& instance() {
    static TileRecycler* recycler = new TileRecycler();
    return *recycler;
  }
  // `floats` zeros, in recycled memory when some of that size is kept.
  std::vector<float> take(size_t floats) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (size_t i = kept_.size(); i-- > 0;) {
        if (kept_[i].size() != floats) continue;
        std::vector<float> tile = std::move(kept_[i]);
        kept_.erase(kept_.begin() + static_cast<std::ptrdiff_t>(i));
        bytes_ -= floats * sizeof(float);
        std::fill(tile.begin(), tile.end(), 0.0f);
        return tile;
      }
    }
    return std::vector<float>(floats, 0.0f);
  }
  void give(std::vector<float>& tile) {
    const size_t b = tile.size() * sizeof(float);
    std::lock_guard<std::mutex> lock(mu_);
    if (b == 0 || bytes_ + b > kMaxBytes) return;  // the caller frees it
    bytes_ += b;
    kept_.push_back(std::move(tile));
  }

 private:
  static constexpr size_t kMaxBytes = size_t{64} << 20;
  std::mutex mu_;
  std::vector<std::vector<float>> kept_;
  size_t bytes_ = 0;
};

// Rows of features waiting to be added to the ridge statistics.
constexpr int kSinkRows = 256;

// Tiles finish in any order but add their statistics in tile order, so the float64 sums
// are the same for every thread count.
class OrderedCommit {
 public:
  void wait_turn(int tile) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return next_ == tile || failed_; });
  }
  void done(int tile) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      next_ = tile + 1;
    }
    cv_.notify_all();
  }
  void fail() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      failed_ = true;
    }
    cv_.notify_all();
  }
  bool failed() {
    std::lock_guard<std::mutex> lock(mu_);
    return failed_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int next_ = 0;
  bool failed_ = false;
};

// Which (sequence, step) pairs feed the statistics, and which get readout outputs.
class StepSelection {
 public:
  StepSelection(const RunRequest& rq, int64_t t0) : rq_(rq), t0_(t0) {
    if (rq.stats != nullptr && rq.selection == Selection::Steps) selected_ = mask(rq.select_steps, rq.n_select);
    if (rq.readout != nullptr && rq.output_selection == Selection::Steps)
      output_mask_ = mask(rq.output_steps, rq.n_output_steps);
  }
  bool trains(int b, int t) const {
    if (rq_.stats == nullptr) return false;
    switch (rq_.selection) {
      case Selection::Steps:
        return selected_[static_cast<size_t>(b) * rq_.steps + t] != 0;
      case Selection::Washout:
        return t0_ + t >= rq_.washout;
      case Selection::Last:
        return t == rq_.steps - 1;
      default:
        return false;
    }
  }
  bool outputs(int b, int t) const {
    if (rq_.readout == nullptr) return false;
    switch (rq_.output_selection) {
      case Selection::Steps:
        return output_mask_[static_cast<size_t>(b) * rq_.steps + t] != 0;
      case Selection::Last:
        return t == rq_.steps - 1;
      default:
        return true;
    }
  }

 private:
  std::vector<uint8_t> mask(const int32_t* steps, int per_sequence) const {
    std::vector<uint8_t> m(static_cast<size_t>(rq_.batch) * rq_.steps, 0);
    for (int b = 0; b < rq_.batch; ++b)
      for (int j = 0; j < per_sequence; ++j)
        m[static_cast<size_t>(b) * rq_.steps + steps[static_cast<size_t>(b) * per_sequence + j]] = 1;
    return m;
  }

  const RunRequest& rq_;
  int64_t t0_;
  std::vector<uint8_t> selected_, output_mask_;
};

// One worker's path from a lane's state to the readout: the feature row [y; u; 1], the
// readout's outputs from it, and rows for the ridge statistics, added to a partial sum per
// tile in batches of kSinkRows and merged into the run's total in tile order.
class FeatureSink {
 public:
  FeatureSink(const RunRequest& rq, int n, const std::vector<size_t>& rows, int input_dim, int features)
      : rq_(rq),
        n_(n),
        rows_of_(rows),
        d_(input_dim),
        f_(features),
        d_out_(rq.stats != nullptr ? rq.stats->outputs() : 0) {
    feat_.resize(static_cast<size_t>(f_));
    out_acc_.resize(rq.readout != nullptr ? static_cast<size_t>(rq.readout_outputs) : 0);
    if (rq.stats != nullptr) {
      partial_ = std::make_unique<RidgeStats>(rq.stats->empty_like());  // a row collector's partials collect rows too
      rows_x_.resize(static_cast<size_t>(kSinkRows) * f_);
      rows_y_.resize(static_cast<size_t>(kSinkRows) * d_out_);
    }
  }

  // Lane `lane` of a TB-lane tile (y [n][TB] then the contexts, u [D][TB]) at sequence b, step t.
  void take(const float* y, const float* u, int TB, int lane, int b, int t, bool train, bool output) {
    int c = 0;
    if (rows_of_.empty()) {
      for (int i = 0; i < n_; ++i) feat_[c++] = y[static_cast<size_t>(i) * TB + lane];
    } else {
      for (size_t r : rows_of_) feat_[c++] = y[r * TB + lane];
    }
    if (rq_.include_input)
      for (int k = 0; k < d_; ++k) feat_[c++] = u[static_cast<size_t>(k) * TB + lane];
    if (rq_.include_bias) feat_[c++] = 1.0;
    if (output) write_output(b, t);
    if (train) add_row(b, t);
  }

  void begin_tile() {
    if (partial_) partial_->reset();
  }

  // Adds this tile's rows to `total` once every earlier tile has.
  void end_tile(OrderedCommit& commit, int tile, RidgeStats* total) {
    if (!partial_) return;
    flush();
    commit.wait_turn(tile);
    if (commit.failed()) throw Error(kAborted, "stopped after an error in another tile");
    total->merge(*partial_);
    commit.done(tile);
  }

 private:
  // Row times W with W walked row by row (contiguous), sums in feature order.
  void write_output(int b, int t) {
    const int o_n = rq_.readout_outputs;
    std::fill(out_acc_.begin(), out_acc_.end(), 0.0);
    for (int f = 0; f < f_; ++f) {
      const double x = feat_[f];
      const double* wf = rq_.readout + static_cast<size_t>(f) * o_n;
      for (int o = 0; o < o_n; ++o) out_acc_[o] += x * wf[o];
    }
    float* out = rq_.outputs + (static_cast<size_t>(b) * rq_.steps + t) * o_n;
    for (int o = 0; o < o_n; ++o) out[o] = static_cast<float>(out_acc_[o]);
  }

  void add_row(int b, int t) {
    std::copy(feat_.begin(), feat_.end(), rows_x_.begin() + static_cast<size_t>(rows_) * f_);
    const float* tg = rq_.targets + (static_cast<size_t>(b) * rq_.steps + t) * d_out_;
    for (int o = 0; o < d_out_; ++o) rows_y_[static_cast<size_t>(rows_) * d_out_ + o] = tg[o];
    if (++rows_ == kSinkRows) flush();
  }

  void flush() {
    if (rows_ > 0) partial_->add_rows(rows_x_.data(), rows_y_.data(), rows_);
    rows_ = 0;
  }

  const RunRequest& rq_;
  const int n_;
  const std::vector<size_t>& rows_of_;
  const int d_, f_, d_out_;
  std::vector<double> feat_, out_acc_, rows_x_, rows_y_;
  int rows_ = 0;
  std::unique_ptr<RidgeStats> partial_;
};

// Where a population's captured weights and statistics go for a tile.
struct CaptureTargets {
  std::vector<int> unit_slot;  // of the captured population
  size_t weights_stride = 0;   // floats per (sequence, step)
};

}  // namespace

// One worker: its buffers, and a tile through all the steps with the kernels for its lanes.
class TileRunner {
 public:
  TileRunner(const Network& net, const RunRequest& rq, RunState& state, const StepSelection& select,
             const CaptureTargets& capture)
      : net_(net),
        spec_(net.spec_),
        rq_(rq),
        state_(state),
        select_(select),
        capture_(capture),
        sink_(rq, net.spec_.n, net.readout_rows_, net.spec_.input_dim,
              net.feature_dim(rq.include_input, rq.include_bias)) {
    z_.resize(static_cast<size_t>(spec_.n) * kMaxLanes);
    u_.assign(static_cast<size_t>(std::max(spec_.input_dim, 1)) * kMaxLanes, 0.0f);
    work_.resize(net.scratch_floats() * kMaxLanes);
    y_pad_.resize(net.slices_.enabled() ? net.slices_.padded_floats() : 0);
  }

  // Runs tile `tile` (its lanes from the state) and commits its statistics in tile order.
  void run(int tile, int tile_start, OrderedCommit& commit, RidgeStats* total) {
    sink_.begin_tile();
    switch (state_.tile_lanes[tile]) {
      case 16:
        run_tile<16>(tile, tile_start);
        break;
      case 8:
        run_tile<8>(tile, tile_start);
        break;
      case 4:
        run_tile<4>(tile, tile_start);
        break;
      default:
        run_tile<1>(tile, tile_start);
        break;
    }
    sink_.end_tile(commit, tile, total);
  }

 private:
  template <int TB>
  void run_tile(int tile, int b0) {
    const int T = rq_.steps, nb = std::min(TB, rq_.batch - b0);
    const bool features = rq_.stats != nullptr || rq_.readout != nullptr;
    float* y = state_.tiles[tile].data();
    for (int t = 0; t < T; ++t) {
      if (rq_.cancel != nullptr && rq_.cancel->load(std::memory_order_relaxed))
        throw Error(kAborted, "the run was aborted");
      load_input<TB>(b0, nb, t);
      drive<TB>(y);
      if (rq_.drives != nullptr) copy_out<TB>(z_.data(), rq_.drives, b0, nb, t);
      step_populations<TB>(y, state_.steps + t, b0, nb, t);
      if (rq_.states != nullptr) copy_out<TB>(y, rq_.states, b0, nb, t);
      if (!features) continue;
      for (int l = 0; l < nb; ++l) {
        const bool train = select_.trains(b0 + l, t), output = select_.outputs(b0 + l, t);
        if (train || output) sink_.take(y, u_.data(), TB, l, b0 + l, t, train, output);
      }
    }
  }

  template <int TB>
  void load_input(int b0, int nb, int t) {
    const int D = spec_.input_dim;
    for (int l = 0; l < nb; ++l) {
      const float* xs = rq_.x + (static_cast<size_t>(b0 + l) * rq_.steps + t) * D;
      for (int k = 0; k < D; ++k) u_[static_cast<size_t>(k) * TB + l] = xs[k];
    }
  }

  // z = W y + W_in u + b.
  template <int TB>
  void drive(const float* y) {
    const Recurrent& w = spec_.w;
    const int n = spec_.n;
    if (w.block > 0)
      drive_blocked<TB>(w.block_row_ptr.data(), w.block_col.data(), net_.block_t_.data(), w.block, n, y, z_.data());
    else if (w.dense)
      drive_dense<TB>(net_.dense_panels_.data(), n, y, z_.data());
    else if (TB == 1 && net_.slices_.enabled())
      net_.slices_.drive(y, y_pad_.data(), z_.data());
    else
      drive_sparse<TB>(w.row_ptr.data(), w.col_idx.data(), w.values.data(), n, y, z_.data());
    add_input_and_bias<TB>(net_.w_in_packed_.data(), spec_.bias.data(), n, spec_.input_dim, u_.data(), z_.data());
  }

  // One step of every population, each by its kind's kernel.
  template <int TB>
  void step_populations(float* y, int64_t step, int b0, int nb, int t) {
    for (size_t pi = 0; pi < spec_.populations.size(); ++pi) {
      const Population& p = spec_.populations[pi];
      const size_t off = static_cast<size_t>(p.offset) * TB;
      UnitCapture cap;
      const bool captured = capture_for(static_cast<int>(pi), b0, nb, t, cap);
      const UnitStep s{&p,
                       net_.packs_[pi].get(),
                       step,
                       z_.data() + off,
                       u_.data(),
                       y + off,
                       y + net_.context_offset_[pi] * TB,
                       work_.data(),
                       captured ? &cap : nullptr};
      unit_kind(p.kind).step[lane_index(TB)](s);
    }
  }

  // Fills `cap` when the run captures weights or statistics of population `pi`.
  bool capture_for(int pi, int b0, int nb, int t, UnitCapture& cap) const {
    const int units = spec_.populations[pi].units;
    const int n_stats = unit_kind(spec_.populations[pi].kind).stat_count;
    if (rq_.attention != nullptr && pi == rq_.attention_population) {
      cap.weights = rq_.attention + (static_cast<size_t>(b0) * rq_.steps + t) * capture_.weights_stride;
      cap.unit_slot = capture_.unit_slot.data();
      cap.lane_stride = static_cast<size_t>(rq_.steps) * capture_.weights_stride;
    }
    if (!rq_.unit_stats.empty() && rq_.unit_stats[pi] != nullptr)
      cap.stats = rq_.unit_stats[pi] + static_cast<size_t>(b0) * units * n_stats;
    cap.valid_lanes = nb;
    return cap.weights != nullptr || cap.stats != nullptr;
  }

  // Lanes of a [n][TB] tile array into out [batch][steps][n] at step t.
  template <int TB>
  void copy_out(const float* tile, float* out, int b0, int nb, int t) const {
    const int n = spec_.n;
    for (int l = 0; l < nb; ++l) {
      float* o = out + (static_cast<size_t>(b0 + l) * rq_.steps + t) * n;
      for (int i = 0; i < n; ++i) o[i] = tile[static_cast<size_t>(i) * TB + l];
    }
  }

  const Network& net_;
  const NetworkSpec& spec_;
  const RunRequest& rq_;
  RunState& state_;
  const StepSelection& select_;
  const CaptureTargets& capture_;
  FeatureSink sink_;
  std::vector<float> z_, u_, work_, y_pad_;
};

Network::Network(NetworkSpec spec) : spec_(std::move(spec)) {
  validate_spec(spec_);
  narrow_tiles_ = narrow_tiles_pay(spec_);
  size_t off = static_cast<size_t>(spec_.n);
  context_offset_.assign(spec_.populations.size(), 0);
  for (size_t i = 0; i < spec_.populations.size(); ++i) {
    const Population& p = spec_.populations[i];
    const UnitKind& kind = unit_kind(p.kind);
    context_offset_[i] = off;
    off += kind.context_floats(p);
    packs_.push_back(kind.pack(p));
  }
  tile_floats_ = off;  // per lane
  set_readout_rows();
  w_in_packed_ = pack_input(spec_.w_in, spec_.n, spec_.input_dim);
  if (spec_.w.block > 0) {
    block_t_ = transpose_blocks(spec_.w.block_values, spec_.w.block);
    spec_.w.block_values = {};  // block_t_ replaces it
  }
  if (spec_.w.block == 0 && spec_.w.dense) {
    dense_panels_ = pack_panels(spec_.w.dense_w.data(), spec_.n);
    spec_.w.dense_w = {};  // the panels replace it
  }
  if (spec_.w.block == 0 && !spec_.w.dense) slices_.build(spec_.n, spec_.w.row_ptr, spec_.w.col_idx, spec_.w.values);
}

// y of the populations whose readout reads y, then o of those whose readout reads o, which
// their kind keeps in its context (UnitKind::output_offset).
void Network::set_readout_rows() {
  bool any_o = false;
  for (const auto& p : spec_.populations) any_o = any_o || p.readout_state != ReadoutState::Y;
  if (!any_o) return;
  for (const auto& p : spec_.populations)
    if (p.readout_state != ReadoutState::O)
      for (int i = 0; i < p.size(); ++i) readout_rows_.push_back(static_cast<size_t>(p.offset + i));
  for (size_t pi = 0; pi < spec_.populations.size(); ++pi) {
    const Population& p = spec_.populations[pi];
    if (p.readout_state == ReadoutState::Y) continue;
    const auto offset = unit_kind(p.kind).output_offset;
    if (offset == nullptr)
      throw Error(kInvalidArg, std::string(unit_kind(p.kind).name) + " units have no readoutState");
    const size_t at = context_offset_[pi] + offset(p);
    for (int i = 0; i < p.size(); ++i) readout_rows_.push_back(at + static_cast<size_t>(i));
  }
}

int Network::feature_dim(bool include_input, bool include_bias) const {
  const int states = readout_rows_.empty() ? spec_.n : static_cast<int>(readout_rows_.size());
  return states + (include_input ? spec_.input_dim : 0) + (include_bias ? 1 : 0);
}

size_t Network::scratch_floats() const {
  size_t scratch = 1;
  for (const auto& p : spec_.populations) scratch = std::max(scratch, unit_kind(p.kind).scratch_floats(p));
  return scratch;
}

RunState& RunState::operator=(RunState&& other) noexcept {
  if (this != &other) {
    release();
    batch = other.batch;
    steps = other.steps;
    tile_lanes = std::move(other.tile_lanes);
    tiles = std::move(other.tiles);
    other.tile_lanes.clear();
    other.tiles.clear();
  }
  return *this;
}

void RunState::release() {
  for (auto& t : tiles) TileRecycler::instance().give(t);
  tiles.clear();
  tile_lanes.clear();
}

size_t RunState::bytes() const {
  size_t total = 0;
  for (const auto& t : tiles) total += t.size() * sizeof(float);
  return total;
}

double Network::run_bytes(int batch, int threads, bool allocate_state, int features, int stats_outputs) const {
  const std::vector<int> tile_lanes = tile_lanes_for_batch(batch, narrow_tiles_);
  double lane_total = 0.0;
  for (int l : tile_lanes) lane_total += l;
  const double tiles = static_cast<double>(tile_lanes.size());
  const int lanes = tile_lanes.empty() ? 1 : tile_lanes.front();
  double bytes = allocate_state ? 4.0 * lane_total * static_cast<double>(tile_floats_) : 0.0;
  const double workers = std::max(1.0, std::min(static_cast<double>(threads), tiles));
  double per_worker =
      4.0 * lanes *
          (static_cast<double>(spec_.n) + std::max(spec_.input_dim, 1) + static_cast<double>(scratch_floats())) +
      8.0 * features;
  if (slices_.enabled()) per_worker += 4.0 * static_cast<double>(slices_.padded_floats());
  if (stats_outputs > 0) {
    const double stats = 8.0 * features * (static_cast<double>(features) + stats_outputs);
    per_worker += stats + 8.0 * kSinkRows * (static_cast<double>(features) + stats_outputs);
    bytes += stats;  // the run's own total
  }
  return bytes + workers * per_worker;
}

// Zeros sized for `batch`, in the memory `s` already holds when its tiles have that shape:
// a fresh allocation per call costs page faults comparable to a short run.
void Network::zero_state(RunState& s, int batch) const {
  const std::vector<int> lanes = tile_lanes_for_batch(batch, narrow_tiles_);
  if (s.tile_lanes == lanes) {
    for (auto& t : s.tiles) std::fill(t.begin(), t.end(), 0.0f);
  } else {
    s.release();
    s.tile_lanes = lanes;
    for (int l : lanes) s.tiles.push_back(TileRecycler::instance().take(tile_floats_ * l));
  }
  s.batch = batch;
  s.steps = 0;
}

// The thread scaffolding: workers from the pool take tiles in order until none is left;
// statistics are committed in tile order; the first error stops the others and is rethrown.
void Network::run(const RunRequest& rq, RunState& state) const {
  if (rq.batch <= 0 || rq.steps <= 0) throw Error(kInvalidArg, "batch and steps must be positive");
  if (!state.empty() && rq.batch != state.batch) {
    throw Error(kState, "the carried state holds " + std::to_string(state.batch) + " sequences, the input has " +
                            std::to_string(rq.batch) + "; call reset() first or pass the same batch");
  }
  if (state.empty()) zero_state(state, rq.batch);
  const StepSelection select(rq, state.steps);
  CaptureTargets capture;
  if (rq.attention != nullptr) {
    const Population& p = spec_.populations[rq.attention_population];
    capture.unit_slot.assign(p.units, -1);
    for (size_t i = 0; i < rq.attention_units.size(); ++i)
      capture.unit_slot[rq.attention_units[i]] = static_cast<int>(i);
    capture.weights_stride = rq.attention_units.size() * unit_kind(p.kind).capture_floats(p);
  }
  // The run's own sum: the caller's statistics change only if the whole run succeeds.
  std::unique_ptr<RidgeStats> total;
  if (rq.stats != nullptr) total = std::make_unique<RidgeStats>(rq.stats->empty_like());
  const int n_tiles = static_cast<int>(state.tiles.size());
  std::vector<int> tile_start(n_tiles + 1, 0);
  for (int i = 0; i < n_tiles; ++i) tile_start[i + 1] = tile_start[i] + state.tile_lanes[i];
  OrderedCommit commit;
  std::atomic<int> next_tile{0};
  std::exception_ptr first_error;
  std::mutex error_mu;
  auto worker = [&](int) {
    try {
      TileRunner runner(*this, rq, state, select, capture);
      for (int tile; (tile = next_tile.fetch_add(1)) < n_tiles;) {
        if (commit.failed()) throw Error(kAborted, "stopped after an error in another tile");
        runner.run(tile, tile_start[tile], commit, total.get());
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mu);
      if (!first_error) first_error = std::current_exception();
      commit.fail();
    }
  };
  WorkerLease lease(std::min(rq.threads, n_tiles));
  lease.run(worker);
  if (first_error) {
    state = RunState();
    std::rethrow_exception(first_error);
  }
  if (total) rq.stats->merge(*total);
  state.steps += rq.steps;
}

}  // namespace ran
