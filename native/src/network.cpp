#include "network.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>

#include "ran_error.h"
#include "unit_kernels.h"

namespace ran {

namespace {

constexpr int kMaxLanes = 16;

// Tiles of 16 sequences, then one tile for the rest, as narrow as fits: 1, 4, 8 or 16 lanes
// (the narrow kernels cost about in proportion to their lanes). Depends on the batch only,
// so the statistics add up in the same order whatever the thread count.
std::vector<int> tile_lanes_for_batch(int batch) {
  std::vector<int> lanes(static_cast<size_t>(batch / kMaxLanes), kMaxLanes);
  const int rest = batch % kMaxLanes;
  if (rest > 0) lanes.push_back(rest > 8 ? 16 : rest > 4 ? 8 : rest > 1 ? 4 : 1);
  return lanes;
}

// Rows of features waiting to be added to the ridge statistics.
struct RowBuffer {
  static constexpr int kRows = 256;
  std::vector<double> x, y;
  int count = 0;
};

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

}  // namespace

Network::Network(NetworkSpec spec) : spec_(std::move(spec)) {
  validate_spec(spec_);
  size_t off = static_cast<size_t>(spec_.n);
  ring_offset_.assign(spec_.populations.size(), 0);
  for (size_t i = 0; i < spec_.populations.size(); ++i) {
    const Population& p = spec_.populations[i];
    if (p.kind == PopulationKind::Attention) {
      ring_offset_[i] = off;
      off += 2 * static_cast<size_t>(p.units) * p.context * p.width;
    }
  }
  tile_floats_ = off;  // per lane
  unit_packs_.resize(spec_.populations.size());
  for (size_t i = 0; i < spec_.populations.size(); ++i)
    if (spec_.populations[i].kind == PopulationKind::Attention) unit_packs_[i] = pack_attention_units(spec_.populations[i]);
    else if (spec_.populations[i].kind == PopulationKind::Memory) unit_packs_[i] = pack_memory_units(spec_.populations[i]);
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

int Network::feature_dim(bool include_input, bool include_bias) const {
  return spec_.n + (include_input ? spec_.input_dim : 0) + (include_bias ? 1 : 0);
}

size_t Network::state_bytes() const {
  size_t total = 0;
  for (const auto& t : tiles_) total += t.size() * sizeof(float);
  return total;
}

double Network::run_bytes(int batch, int threads, bool allocate_state, int features, int stats_outputs) const {
  const std::vector<int> tile_lanes = tile_lanes_for_batch(batch);
  double lane_total = 0.0;
  for (int l : tile_lanes) lane_total += l;
  const double tiles = static_cast<double>(tile_lanes.size());
  const int lanes = tile_lanes.empty() ? 1 : tile_lanes.front();
  double bytes = allocate_state ? 4.0 * lane_total * static_cast<double>(tile_floats_) : 0.0;
  size_t scratch = 0;
  for (const auto& p : spec_.populations) scratch = std::max(scratch, unit_scratch_floats(p));
  const double workers = std::max(1.0, std::min(static_cast<double>(threads), tiles));
  double per_worker = 4.0 * lanes * (static_cast<double>(spec_.n) + std::max(spec_.input_dim, 1) + static_cast<double>(scratch)) + 8.0 * features;
  if (slices_.enabled()) per_worker += 4.0 * static_cast<double>(slices_.padded_floats());
  if (stats_outputs > 0) {
    const double stats = 8.0 * features * (static_cast<double>(features) + stats_outputs);
    per_worker += stats + 8.0 * RowBuffer::kRows * (static_cast<double>(features) + stats_outputs);
    bytes += stats;  // the run's own total
  }
  return bytes + workers * per_worker;
}

void Network::reset() {
  tiles_.clear();
  batch_ = 0;
  t_ = 0;
}

void Network::allocate(int batch) {
  tile_lanes_ = tile_lanes_for_batch(batch);
  tiles_.clear();
  for (int l : tile_lanes_) tiles_.emplace_back(tile_floats_ * l, 0.0f);
  batch_ = batch;
}

void Network::run(const RunRequest& rq) {
  if (rq.batch <= 0 || rq.steps <= 0) throw Error(kInvalidArg, "batch and steps must be positive");
  if (t_ > 0 && rq.batch != batch_) {
    throw Error(kState, "the carried state holds " + std::to_string(batch_) + " sequences, the input has " +
                            std::to_string(rq.batch) + "; call reset() first or pass the same batch");
  }
  if (t_ == 0) allocate(rq.batch);
  try {
    run_tiles(rq);
  } catch (...) {
    reset();
    throw;
  }
  t_ += rq.steps;
}

void Network::run_tiles(const RunRequest& rq) {
  const int n = spec_.n, D = spec_.input_dim, B = rq.batch, T = rq.steps;
  const int F = feature_dim(rq.include_input, rq.include_bias);
  const int n_tiles = static_cast<int>(tiles_.size());
  const int64_t t0 = t_;
  const bool want_features = rq.stats != nullptr || rq.readout != nullptr;
  const int d_out = rq.stats != nullptr ? rq.stats->outputs() : 0;

  // Which (sequence, step) pairs feed the statistics.
  std::vector<uint8_t> selected;
  if (rq.stats != nullptr && rq.selection == Selection::Steps) {
    selected.assign(static_cast<size_t>(B) * T, 0);
    for (int b = 0; b < B; ++b)
      for (int j = 0; j < rq.n_select; ++j) selected[static_cast<size_t>(b) * T + rq.select_steps[static_cast<size_t>(b) * rq.n_select + j]] = 1;
  }
  auto is_selected = [&](int b, int t) -> bool {
    switch (rq.selection) {
      case Selection::Steps: return selected[static_cast<size_t>(b) * T + t] != 0;
      case Selection::Washout: return t0 + t >= rq.washout;
      case Selection::Last: return t == T - 1;
      default: return false;
    }
  };

  std::vector<uint8_t> output_mask;
  if (rq.readout != nullptr && rq.output_selection == Selection::Steps) {
    output_mask.assign(static_cast<size_t>(B) * T, 0);
    for (int b = 0; b < B; ++b)
      for (int j = 0; j < rq.n_output_steps; ++j)
        output_mask[static_cast<size_t>(b) * T + rq.output_steps[static_cast<size_t>(b) * rq.n_output_steps + j]] = 1;
  }
  auto wants_output = [&](int b, int t) -> bool {
    if (rq.readout == nullptr) return false;
    switch (rq.output_selection) {
      case Selection::Steps: return output_mask[static_cast<size_t>(b) * T + t] != 0;
      case Selection::Last: return t == T - 1;
      default: return true;
    }
  };

  std::vector<int> unit_slot;
  const Population* cap_pop = nullptr;
  size_t cap_stride = 0;
  if (rq.attention != nullptr) {
    cap_pop = &spec_.populations[rq.attention_population];
    unit_slot.assign(cap_pop->units, -1);
    for (size_t i = 0; i < rq.attention_units.size(); ++i) unit_slot[rq.attention_units[i]] = static_cast<int>(i);
    cap_stride = rq.attention_units.size() * cap_pop->heads * cap_pop->context;
  }

  size_t scratch = 0;
  for (const auto& p : spec_.populations) scratch = std::max(scratch, unit_scratch_floats(p));

  // The run's own sum: the caller's statistics change only if the whole run succeeds.
  std::unique_ptr<RidgeStats> run_total;
  if (rq.stats != nullptr) run_total = std::make_unique<RidgeStats>(rq.stats->empty_like());
  OrderedCommit commit;
  std::atomic<int> next_tile{0};
  std::vector<int> tile_start(n_tiles + 1, 0);
  for (int i = 0; i < n_tiles; ++i) tile_start[i + 1] = tile_start[i] + tile_lanes_[i];
  std::exception_ptr first_error;
  std::mutex error_mu;

  auto worker = [&]() {
    std::vector<float> z(static_cast<size_t>(n) * kMaxLanes), u(static_cast<size_t>(std::max(D, 1)) * kMaxLanes, 0.0f);
    std::vector<float> work(scratch * kMaxLanes);
    std::vector<float> y_pad(slices_.enabled() ? slices_.padded_floats() : 0);
    std::vector<double> feat(want_features ? static_cast<size_t>(F) : 0);
    std::vector<double> out_acc(rq.readout != nullptr ? static_cast<size_t>(rq.readout_outputs) : 0);
    RowBuffer rows;
    std::unique_ptr<RidgeStats> partial;
    if (rq.stats != nullptr) {
      partial = std::make_unique<RidgeStats>(rq.stats->empty_like());
      rows.x.resize(static_cast<size_t>(RowBuffer::kRows) * F);
      rows.y.resize(static_cast<size_t>(RowBuffer::kRows) * d_out);
    }
    auto flush = [&]() {
      if (rows.count > 0) partial->add_rows(rows.x.data(), rows.y.data(), rows.count);
      rows.count = 0;
    };
    // One tile through all the steps, with the kernels for its lane count.
    auto run_tile = [&](auto lanes, int tile) {
      constexpr int TB = decltype(lanes)::value;
      float* y = tiles_[tile].data();
      const int b0 = tile_start[tile];
      const int nb = std::min(TB, B - b0);
      for (int t = 0; t < T; ++t) {
          if (rq.cancel != nullptr && rq.cancel->load(std::memory_order_relaxed)) throw Error(kAborted, "the run was aborted");
          for (int l = 0; l < nb; ++l) {
            const float* xs = rq.x + (static_cast<size_t>(b0 + l) * T + t) * D;
            for (int k = 0; k < D; ++k) u[static_cast<size_t>(k) * TB + l] = xs[k];
          }
          if (spec_.w.block > 0) {
            drive_blocked<TB>(spec_.w.block_row_ptr.data(), spec_.w.block_col.data(), block_t_.data(),
                              spec_.w.block, n, y, z.data());
          } else if (spec_.w.dense) {
            drive_dense<TB>(dense_panels_.data(), n, y, z.data());
          } else if (TB == 1 && slices_.enabled()) {
            slices_.drive(y, y_pad.data(), z.data());
          } else {
            drive_sparse<TB>(spec_.w.row_ptr.data(), spec_.w.col_idx.data(), spec_.w.values.data(), n, y, z.data());
          }
          add_input_and_bias<TB>(w_in_packed_.data(), spec_.bias.data(), n, D, u.data(), z.data());
          if (rq.drives != nullptr) {
            for (int l = 0; l < nb; ++l) {
              float* o = rq.drives + (static_cast<size_t>(b0 + l) * T + t) * n;
              for (int i = 0; i < n; ++i) o[i] = z[static_cast<size_t>(i) * TB + l];
            }
          }
          for (size_t pi = 0; pi < spec_.populations.size(); ++pi) {
            const Population& p = spec_.populations[pi];
            const size_t off = static_cast<size_t>(p.offset) * TB;
            switch (p.kind) {
              case PopulationKind::Tanh: tanh_population<TB>(p, z.data() + off, y + off); break;
              case PopulationKind::Memory: memory_population<TB>(p, z.data() + off, y + off, work.data(), &unit_packs_[pi]); break;
              case PopulationKind::Attention: {
                float* keys = y + ring_offset_[pi] * TB;
                float* vals = keys + static_cast<size_t>(p.units) * p.context * p.width * TB;
                AttentionCapture cap;
                const bool capture = cap_pop == &p;
                if (capture) {
                  cap.out = rq.attention + (static_cast<size_t>(b0) * T + t) * cap_stride;
                  cap.unit_slot = unit_slot.data();
                  cap.lane_stride = static_cast<size_t>(T) * cap_stride;
                  cap.valid_lanes = nb;
                }
                attention_population<TB>(p, t0 + t, z.data() + off, y + off, keys, vals, work.data(),
                                         capture ? &cap : nullptr, &unit_packs_[pi]);
                break;
              }
            }
          }
          if (rq.states != nullptr) {
            for (int l = 0; l < nb; ++l) {
              float* o = rq.states + (static_cast<size_t>(b0 + l) * T + t) * n;
              for (int i = 0; i < n; ++i) o[i] = y[static_cast<size_t>(i) * TB + l];
            }
          }
          if (!want_features) continue;
          for (int l = 0; l < nb; ++l) {
            const int b = b0 + l;
            const bool sel = rq.stats != nullptr && is_selected(b, t);
            const bool out_here = wants_output(b, t);
            if (!sel && !out_here) continue;
            int c = 0;
            for (int i = 0; i < n; ++i) feat[c++] = y[static_cast<size_t>(i) * TB + l];
            if (rq.include_input)
              for (int k = 0; k < D; ++k) feat[c++] = u[static_cast<size_t>(k) * TB + l];
            if (rq.include_bias) feat[c++] = 1.0;
            if (out_here) {
              // Row times W with W walked row by row (contiguous), sums in feature order.
              const int o_n = rq.readout_outputs;
              std::fill(out_acc.begin(), out_acc.end(), 0.0);
              for (int f = 0; f < F; ++f) {
                const double x = feat[f];
                const double* wf = rq.readout + static_cast<size_t>(f) * o_n;
                for (int o = 0; o < o_n; ++o) out_acc[o] += x * wf[o];
              }
              float* out = rq.outputs + (static_cast<size_t>(b) * T + t) * o_n;
              for (int o = 0; o < o_n; ++o) out[o] = static_cast<float>(out_acc[o]);
            }
            if (sel) {
              std::copy(feat.begin(), feat.end(), rows.x.begin() + static_cast<size_t>(rows.count) * F);
              const float* tg = rq.targets + (static_cast<size_t>(b) * T + t) * d_out;
              for (int o = 0; o < d_out; ++o) rows.y[static_cast<size_t>(rows.count) * d_out + o] = tg[o];
              if (++rows.count == RowBuffer::kRows) flush();
            }
          }
        }
    };
    for (;;) {
      const int tile = next_tile.fetch_add(1);
      if (tile >= n_tiles) break;
      try {
        if (commit.failed()) throw Error(kAborted, "stopped after an error in another tile");
        if (partial) partial->reset();
        switch (tile_lanes_[tile]) {
          case 16: run_tile(std::integral_constant<int, 16>{}, tile); break;
          case 8: run_tile(std::integral_constant<int, 8>{}, tile); break;
          case 4: run_tile(std::integral_constant<int, 4>{}, tile); break;
          default: run_tile(std::integral_constant<int, 1>{}, tile); break;
        }
        if (partial) {
          flush();
          commit.wait_turn(tile);
          if (commit.failed()) throw Error(kAborted, "stopped after an error in another tile");
          run_total->merge(*partial);
          commit.done(tile);
        }
      } catch (...) {
        {
          std::lock_guard<std::mutex> lock(error_mu);
          if (!first_error) first_error = std::current_exception();
        }
        commit.fail();
        return;
      }
    }
  };

  const int n_workers = std::max(1, std::min(rq.threads, n_tiles));
  std::vector<std::thread> pool;
  for (int i = 1; i < n_workers; ++i) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  if (first_error) std::rethrow_exception(first_error);
  if (run_total) rq.stats->merge(*run_total);
}

}  // namespace ran
