#include "ridge.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>

#include "ran_error.h"
#include "thread_pool.h"

namespace ran {

using MatD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
using RowMatD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

namespace {

namespace ei = Eigen::internal;
using Packet = ei::packet_traits<double>::type;
using AlignedVec = std::vector<double, Eigen::aligned_allocator<double>>;

// The column tile is one packet, so a row of a packed panel is one aligned load and each of
// its values one broadcast.
constexpr int kLanes = ei::packet_traits<double>::size;
// 3 packets of rows × kLanes columns of accumulators: 24 of the 32 vector registers with
// AVX-512, 12 of 16 with AVX2 — enough independent FMA chains to hide the FMA latency.
constexpr int kRowPackets = 3;
constexpr int kRowTile = kRowPackets * kLanes;
// Rows per slab: one packed column panel (16 KB with AVX-512) stays in L1 while it meets a
// block of kBlockTiles row tiles (384 KB) held in L2. Fixed, so the rounding of a sum
// depends on the rows given to one call, never on the thread count.
constexpr int kSlab = 256;
constexpr int kBlockTiles = 8;
// Panels packed per claim: 512 B of each row.
constexpr int kPackGroup = 64 / kLanes;

// Packed slab: panel q holds features [q·kLanes, (q+1)·kLanes) of the slab's rows, [k][lane],
// panels kc·kLanes apart; features past f and outputs past o are zero, so every tile is full
// and no scalar tail path can round differently from the vector one. With Check, returns
// false if a packed value is not finite (tested as it passes, which costs no memory pass).
template <bool Check, typename T>
bool pack_panels(const T* x, const double* y, int f, int o, int fp, int64_t k0, int kc, int q0, int q1, double* pack) {
  const size_t ps = static_cast<size_t>(kc) * kLanes;
  int bad = 0;
  for (int k = 0; k < kc; ++k) {
    const T* xr = x + static_cast<size_t>(k0 + k) * f;
    const double* yr = y + static_cast<size_t>(k0 + k) * o;
    for (int q = q0; q < q1; ++q) {
      double* d = pack + q * ps + static_cast<size_t>(k) * kLanes;
      const int c0 = q * kLanes;
      if (c0 + kLanes <= f) {
        if constexpr (std::is_same_v<T, double>) {
          ei::pstore(d, ei::ploadu<Packet>(xr + c0));
        } else {
          for (int l = 0; l < kLanes; ++l) d[l] = static_cast<double>(xr[c0 + l]);
        }
      } else if (c0 < fp) {
        for (int l = 0; l < kLanes; ++l) d[l] = c0 + l < f ? static_cast<double>(xr[c0 + l]) : 0.0;
      } else {
        for (int l = 0; l < kLanes; ++l) d[l] = c0 - fp + l < o ? yr[c0 - fp + l] : 0.0;
      }
      if constexpr (Check) {
        for (int l = 0; l < kLanes; ++l) bad |= !(std::abs(d[l]) <= std::numeric_limits<double>::max());
      }
    }
  }
  return bad == 0;
}

// c (column-major, leading dimension ld) += Σ_k a(k, ·)ᵀ b(k, ·) over one slab: a is
// NP ≤ kRowPackets panels a_stride apart, b one panel. One accumulator per entry, k
// ascending, explicit FMA (pmadd): an entry's bits depend neither on the thread nor on NP
// (fewer packets serve the tiles on the diagonal and the last, narrower row tile).
template <int NP>
void tile_update(const double* a, size_t a_stride, const double* b, int kc, double* c, size_t ld) {
  Packet acc[NP][kLanes];
  for (int m = 0; m < NP; ++m)
    for (int n = 0; n < kLanes; ++n) acc[m][n] = ei::pset1<Packet>(0.0);
  for (int k = 0; k < kc; ++k) {
    Packet av[NP];
    for (int m = 0; m < NP; ++m) av[m] = ei::pload<Packet>(a + m * a_stride + static_cast<size_t>(k) * kLanes);
    for (int n = 0; n < kLanes; ++n) {
      const Packet bv = ei::pset1<Packet>(b[static_cast<size_t>(k) * kLanes + n]);
      for (int m = 0; m < NP; ++m) acc[m][n] = ei::pmadd(av[m], bv, acc[m][n]);
    }
  }
  for (int n = 0; n < kLanes; ++n)
    for (int m = 0; m < NP; ++m) {
      double* cp = c + n * ld + m * kLanes;
      ei::pstoreu(cp, ei::padd(ei::ploadu<Packet>(cp), acc[m][n]));
    }
}

void tile_update(int packets, const double* a, size_t a_stride, const double* b, int kc, double* c, size_t ld) {
  static_assert(kRowPackets == 3, "one case per packet count");
  switch (packets) {
    case 3:
      tile_update<3>(a, a_stride, b, kc, c, ld);
      break;
    case 2:
      tile_update<2>(a, a_stride, b, kc, c, ld);
      break;
    case 1:
      tile_update<1>(a, a_stride, b, kc, c, ld);
      break;
    default:
      break;
  }
}

// Requests the rows of the next slab (this thread's columns) while the current one is
// computed, a few lines after each task: packing then finds them in cache instead of waiting
// on memory, which otherwise costs several percent of a fit.
class NextSlabPrefetch {
 public:
  NextSlabPrefetch(const void* x, size_t elem, int f, int c0, int c1, int64_t row0, int rows) {
    c1 = std::min(c1, f);
    if (rows <= 0 || c1 <= c0) return;
    stride_ = elem * f;
    begin_ = static_cast<const char*>(x) + row0 * stride_ + elem * c0;
    lines_per_row_ = (elem * (c1 - c0) + 63) / 64;
    total_ = lines_per_row_ * rows;
  }
  // Issues the requests up to fraction num/den of the slab.
  void upto(size_t num, size_t den) {
    const size_t target = den ? total_ * num / den : total_;
    for (; done_ < target; ++done_) {
#if defined(__GNUC__)
      __builtin_prefetch(begin_ + (done_ / lines_per_row_) * stride_ + (done_ % lines_per_row_) * 64, 0, 2);
#endif
    }
  }

 private:
  const char* begin_ = nullptr;
  size_t stride_ = 0, lines_per_row_ = 0, total_ = 0, done_ = 0;
};

// Row tiles [t0, t1) against column panel q: the unit of work of one slab.
struct Task {
  int t0, t1, q;
};

// Waiting threads spin (yielding) briefly before sleeping: a slab takes milliseconds, and a
// sleeping thread takes tens of microseconds to wake.
class Barrier {
 public:
  explicit Barrier(int n) : n_(n) {}
  void wait() {
    const unsigned gen = gen_.load(std::memory_order_acquire);
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (++waiting_ == n_) {
        waiting_ = 0;
        gen_.fetch_add(1, std::memory_order_acq_rel);
        lock.unlock();
        cv_.notify_all();
        return;
      }
    }
    for (int i = 0; i < 2000; ++i) {
      if (gen_.load(std::memory_order_acquire) != gen) return;
      std::this_thread::yield();
    }
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return gen_.load(std::memory_order_acquire) != gen; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  const int n_;
  int waiting_ = 0;
  std::atomic<unsigned> gen_{0};
};

int padded(int n, int tile) {
  return (n + tile - 1) / tile * tile;
}

void require_sums(bool rows_only) {
  if (rows_only) throw Error(kState, "a row collector holds rows, not XᵀX: it cannot be exported or solved");
}

}  // namespace

RidgeStats::RidgeStats(int features, int outputs, bool rows_only) : f_(features), o_(outputs), rows_only_(rows_only) {
  if (features <= 0 || outputs <= 0) throw Error(kInvalidArg, "features and outputs must be positive integers");
  fp_ = padded(f_, kLanes);
  w_ = fp_ + padded(o_, kLanes);
}

void RidgeStats::materialize() const {
  if (sums_valid_) return;
  require_sums(rows_only_);
  if (g_.empty()) {
    g_.assign(static_cast<size_t>(fp_) * w_, 0.0);
  } else {
    std::fill(g_.begin(), g_.end(), 0.0);
  }
  if (rows_ > 0) accumulate(rx_.data(), ry_.data(), rows_, 1, false);
  sums_valid_ = true;
}

void RidgeStats::keep(const double* x, const double* y, int64_t r) {
  rx_.insert(rx_.end(), x, x + static_cast<size_t>(r) * f_);
  ry_.insert(ry_.end(), y, y + static_cast<size_t>(r) * o_);
}

void RidgeStats::keep(const float* x, const double* y, int64_t r) {
  rx_.insert(rx_.end(), x, x + static_cast<size_t>(r) * f_);  // exact: every float is a double
  ry_.insert(ry_.end(), y, y + static_cast<size_t>(r) * o_);
}

void RidgeStats::drop_rows() {
  keep_rows_ = false;
  std::vector<double>().swap(rx_);
  std::vector<double>().swap(ry_);
}

double RidgeStats::bytes(int features, int outputs) {
  const double fp = padded(features, kLanes);
  return 8.0 * fp * (fp + padded(outputs, kLanes));
}

void RidgeStats::add_rows(const double* x, const double* y, int64_t r, int threads, bool check_finite) {
  add_rows_impl(x, y, r, threads, check_finite);
}
void RidgeStats::add_rows(const float* x, const double* y, int64_t r, int threads, bool check_finite) {
  add_rows_impl(x, y, r, threads, check_finite);
}

namespace {

template <typename T>
void throw_first_non_finite(const T* x, const double* y, int64_t r, int f, int o) {
  auto scan = [](const auto* p, size_t n, int width, const char* name) {
    for (size_t i = 0; i < n; ++i) {
      if (!std::isfinite(p[i])) {
        const int64_t at[2] = {static_cast<int64_t>(i / width), static_cast<int64_t>(i % width)};
        throw_not_finite(name, static_cast<double>(p[i]), at, 2);
      }
    }
  };
  scan(x, static_cast<size_t>(r) * f, f, "x");
  scan(y, static_cast<size_t>(r) * o, o, "y");
}

}  // namespace

// XᵀX and XᵀY as one product [X Y]ᵀ[X Y] restricted to the tiles that touch the upper
// triangle of XᵀX or the XᵀY columns (architecture.md, "Readout"): about half the FLOPs of
// the full product, in register tiles at GEMM speed, and XᵀY rides along instead of being
// a separate, narrow (memory-bound) product.
template <typename T>
void RidgeStats::add_rows_impl(const T* x, const double* y, int64_t r, int threads, bool check_finite) {
  if (r <= 0) return;
  spectrum_.reset();
  // Up to as many rows as features, the rows are kept and summed only if XᵀX is needed.
  if (rows_only_ || (keep_rows_ && rows_ + r <= f_)) {
    if (check_finite &&
        (!all_finite(x, static_cast<size_t>(r) * f_, threads) || !all_finite(y, static_cast<size_t>(r) * o_, 1))) {
      throw_first_non_finite(x, y, r, f_, o_);
    }
    keep(x, y, r);
    sums_valid_ = false;
    rows_ += r;
    return;
  }
  materialize();
  accumulate(x, y, r, threads, check_finite);
  drop_rows();
  rows_ += r;
}

namespace {

// The tasks of one slab, in order of row-tile blocks then panels, and the cost (row tiles)
// before each: the same list for every slab and call of a shape.
struct TaskList {
  std::vector<Task> tasks;
  std::vector<int64_t> cost_before{0};
  int64_t total() const { return cost_before.back(); }
};

TaskList make_tasks(int fp, int w) {
  const int n_tiles = (fp + kRowTile - 1) / kRowTile;  // the last may be narrower
  const int n_panels = w / kLanes, x_panels = fp / kLanes;
  TaskList list;
  for (int b0 = 0; b0 < n_tiles; b0 += kBlockTiles) {
    const int b1 = std::min(n_tiles, b0 + kBlockTiles);
    for (int q = b0 * kRowTile / kLanes; q < n_panels; ++q) {
      // A panel of XᵀX columns needs the row tiles reaching its last column; XᵀY needs all.
      const int last = q < x_panels ? q / kRowPackets + 1 : n_tiles;
      const int t1 = std::min(b1, last);
      if (t1 <= b0) continue;
      list.tasks.push_back({b0, t1, q});
      list.cost_before.push_back(list.cost_before.back() + (t1 - b0));
    }
  }
  return list;
}

// Threads worth leasing: below about a millisecond of work a thread costs more than it
// saves, and threads beyond the cores would wait at every slab's barrier for one another.
int threads_worth(const TaskList& list, int64_t r, int threads) {
  const double flops = 2.0 * static_cast<double>(r) * list.total() * kRowTile * kLanes;
  return std::max(1, std::min<int>({threads, static_cast<int>(list.tasks.size()), static_cast<int>(flops / 2e7) + 1}));
}

// The packing buffer of the calling thread, kept across calls: the executor adds 256 rows at
// a time from inside its time loop, and a fresh megabyte each time was an allocation (and
// page faults) per flush. Packing writes every entry, so what it held before does not matter.
// (Fetched on the caller: inside a worker, a thread_local would be that worker's own.)
AlignedVec& caller_pack_buffer(size_t size) {
  thread_local AlignedVec packs;
  if (packs.size() < size) packs.resize(size);
  return packs;
}

// A buffer above 8 MB is not kept (it would stay with the thread).
struct ReleaseLarge {
  AlignedVec& v;
  ~ReleaseLarge() {
    if (v.size() * sizeof(double) > (size_t{8} << 20)) AlignedVec().swap(v);
  }
};

// One accumulate call as its threads share it: each thread owns a contiguous range of tasks
// of equal cost (its own row blocks stay in its L2), and when done takes what is left of the
// other ranges: a thread the OS pauses delays the others by one task, not by its share.
// Which thread runs a task does not change a bit: a tile's sum depends only on the slab,
// and the barrier orders a tile's slabs.
template <typename T>
class SlabWork {
 public:
  struct Shape {
    const T* x;
    const double* y;
    int64_t r;
    int f, o, fp, w;
  };
  SlabWork(const Shape& shape, const TaskList& list, int nt, bool fused_check, double* packs, double* g)
      : sh_(shape),
        list_(list),
        nt_(nt),
        fused_check_(fused_check),
        n_panels_(shape.w / kLanes),
        x_panels_(shape.fp / kLanes),
        n_groups_((n_panels_ + kPackGroup - 1) / kPackGroup),
        n_slabs_((shape.r + kSlab - 1) / kSlab),
        slab_size_(static_cast<size_t>(std::min<int64_t>(kSlab, shape.r)) * shape.w),
        range_begin_(nt + 1, list.tasks.size()),
        next_task_(static_cast<size_t>(n_slabs_) * nt),
        next_group_(static_cast<size_t>(n_slabs_)),
        packs_(packs),
        g_(g),
        barrier_(nt) {
    range_begin_[0] = 0;
    const auto& cost = list.cost_before;
    for (int t = 1; t < nt; ++t)
      range_begin_[t] =
          static_cast<size_t>(std::lower_bound(cost.begin(), cost.end(), list.total() * t / nt) - cost.begin());
    for (auto& a : next_group_) a.store(0, std::memory_order_relaxed);
    for (size_t i = 0; i < next_task_.size(); ++i) next_task_[i].store(range_begin_[i % nt], std::memory_order_relaxed);
  }

  // Doubles of packing buffer needed: two when threaded, as a thread packs slab s + 1 while
  // others still read slab s.
  static size_t buffer_size(int64_t r, int w, int nt) {
    return static_cast<size_t>(std::min<int64_t>(kSlab, r)) * w * (nt > 1 ? 2 : 1);
  }

  void run(int t) {
    // This thread's share of the next slab's columns to prefetch.
    const int q0 = n_panels_ * t / nt_, q1 = n_panels_ * (t + 1) / nt_;
    for (int64_t s = 0; s < n_slabs_; ++s) {
      const int64_t k0 = s * kSlab;
      const int kc = static_cast<int>(std::min<int64_t>(kSlab, sh_.r - k0));
      double* pack = packs_ + (nt_ > 1 ? static_cast<size_t>(s % 2) * slab_size_ : 0);
      if (!pack_slab(s, k0, kc, pack)) note_bad(s);
      if (nt_ > 1) barrier_.wait();
      if (fused_check_ && bad_slab_.load(std::memory_order_relaxed) <= s) return;  // same answer in every thread
      const int64_t next_row = k0 + kSlab;
      NextSlabPrefetch prefetch(sh_.x, sizeof(T), sh_.f, q0 * kLanes, q1 * kLanes, next_row,
                                static_cast<int>(std::min<int64_t>(kSlab, std::max<int64_t>(0, sh_.r - next_row))));
      update_slab(t, s, kc, pack, prefetch);
      prefetch.upto(1, 1);
    }
  }

  // True when a packed value was not finite (only looked for with fused_check).
  bool failed() const { return bad_slab_.load() != kNone; }

 private:
  static constexpr int64_t kNone = std::numeric_limits<int64_t>::max();

  // Groups of panels go to whichever thread asks next: a thread that finished the last slab
  // early packs most of this one. False if a value was not finite.
  bool pack_slab(int64_t s, int64_t k0, int kc, double* pack) {
    bool finite = true;
    for (int gi; (gi = next_group_[s].fetch_add(1, std::memory_order_relaxed)) < n_groups_;) {
      const int g0 = gi * kPackGroup, g1 = std::min(n_panels_, g0 + kPackGroup);
      if (fused_check_) {
        finite &= pack_panels<true>(sh_.x, sh_.y, sh_.f, sh_.o, sh_.fp, k0, kc, g0, g1, pack);
      } else {
        pack_panels<false>(sh_.x, sh_.y, sh_.f, sh_.o, sh_.fp, k0, kc, g0, g1, pack);
      }
    }
    return finite;
  }

  // The first slab where a packed value was not finite. A slab, not a flag: a thread may
  // already pack slab s + 1 while another has just left slab s's barrier, and that one must
  // still finish slab s and reach the next barrier, or the first would wait there forever.
  void note_bad(int64_t s) {
    int64_t seen = bad_slab_.load(std::memory_order_relaxed);
    while (s < seen && !bad_slab_.compare_exchange_weak(seen, s, std::memory_order_relaxed)) {
    }
  }

  // This thread's range of the slab's tasks first, then what is left of the others'.
  void update_slab(int t, int64_t s, int kc, const double* pack, NextSlabPrefetch& prefetch) {
    const size_t ps = static_cast<size_t>(kc) * kLanes;
    const size_t ld = sh_.fp;
    for (int k = 0; k < nt_; ++k) {
      const int range = (t + k) % nt_;
      const size_t begin = range_begin_[range], end = range_begin_[range + 1];
      std::atomic<size_t>& next = next_task_[static_cast<size_t>(s) * nt_ + range];
      for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < end;) {
        if (k == 0) prefetch.upto(i - begin + 1, end - begin);
        const Task& task = list_.tasks[i];
        const double* b = pack + task.q * ps;
        double* c = g_ + static_cast<size_t>(task.q) * kLanes * ld;
        for (int tile = task.t0; tile < task.t1; ++tile) {
          // Row packets that exist, and in XᵀX only those reaching the upper triangle.
          int packets = std::min(kRowPackets, x_panels_ - tile * kRowPackets);
          if (task.q < x_panels_) packets = std::min(packets, task.q - tile * kRowPackets + 1);
          tile_update(packets, pack + static_cast<size_t>(tile) * kRowPackets * ps, ps, b, kc,
                      c + static_cast<size_t>(tile) * kRowTile, ld);
        }
      }
    }
  }

  const Shape sh_;
  const TaskList& list_;
  const int nt_;
  const bool fused_check_;
  const int n_panels_, x_panels_, n_groups_;
  const int64_t n_slabs_;
  const size_t slab_size_;
  std::vector<size_t> range_begin_;
  std::vector<std::atomic<size_t>> next_task_;  // [slab][range]: the next task of the range
  std::vector<std::atomic<int>> next_group_;    // [slab]: the next group of panels to pack
  double* const packs_;
  double* const g_;
  Barrier barrier_;
  std::atomic<int64_t> bad_slab_{kNone};
};

}  // namespace

template <typename T>
void RidgeStats::accumulate(const T* x, const double* y, int64_t r, int threads, bool check_finite) const {
  // When the rows outweigh the statistics, values are checked as they are packed and a bad
  // one restores a copy of the statistics; otherwise one pass checks them first.
  const bool fused_check = check_finite && static_cast<double>(r) * f_ >= static_cast<double>(fp_) * w_;
  if (check_finite && !fused_check) {
    if (!all_finite(x, static_cast<size_t>(r) * f_, threads) || !all_finite(y, static_cast<size_t>(r) * o_, 1)) {
      throw_first_non_finite(x, y, r, f_, o_);
    }
  }
  const TaskList list = make_tasks(fp_, w_);
  // Threads come from the shared pool (thread_pool.h): at most the free ones, so that
  // concurrent calls together never exceed the cores; the sums do not depend on how many.
  WorkerLease lease(threads_worth(list, r, threads));
  const int nt = lease.size();
  AlignedVec& packs = caller_pack_buffer(SlabWork<T>::buffer_size(r, w_, nt));
  ReleaseLarge release_large{packs};
  std::vector<double> backup;
  if (fused_check) backup = g_;
  SlabWork<T> work({x, y, r, f_, o_, fp_, w_}, list, nt, fused_check, packs.data(), g_.data());
  lease.run([&work](int t) { work.run(t); });
  if (work.failed()) {
    g_ = std::move(backup);
    throw_first_non_finite(x, y, r, f_, o_);
  }
}

void RidgeStats::merge(const RidgeStats& other) {
  if (other.f_ != f_ || other.o_ != o_) {
    throw Error(kShape, "cannot merge statistics of " + std::to_string(other.f_) + "×" + std::to_string(other.o_) +
                            " into " + std::to_string(f_) + "×" + std::to_string(o_));
  }
  if (other.rows_only_ != rows_only_)
    throw Error(kInvalidArg, "cannot merge a row collector with accumulated statistics");
  spectrum_.reset();
  if (keep_rows_ && other.keep_rows_ && (rows_only_ || rows_ + other.rows_ <= f_)) {
    rx_.insert(rx_.end(), other.rx_.begin(), other.rx_.end());
    ry_.insert(ry_.end(), other.ry_.begin(), other.ry_.end());
    sums_valid_ = false;
  } else {
    materialize();
    other.materialize();
    for (size_t i = 0; i < g_.size(); ++i) g_[i] += other.g_[i];
    drop_rows();
  }
  rows_ += other.rows_;
}

void RidgeStats::reset() {
  sums_valid_ = false;
  spectrum_.reset();
  rows_ = 0;
  rx_.clear();
  ry_.clear();
  keep_rows_ = true;
}

std::vector<double> RidgeStats::xtx() const {
  materialize();
  const size_t f = f_, ld = fp_;
  std::vector<double> full(f * f);
  for (size_t j = 0; j < f; ++j)
    for (size_t i = 0; i <= j; ++i) {
      const double v = g_[j * ld + i];
      full[i * f + j] = v;
      full[j * f + i] = v;
    }
  return full;
}

std::vector<double> RidgeStats::xty() const {
  materialize();
  const size_t f = f_, o = o_, ld = fp_;
  std::vector<double> out(f * o);
  for (size_t k = 0; k < o; ++k)
    for (size_t i = 0; i < f; ++i) out[i * o + k] = g_[(fp_ + k) * ld + i];
  return out;
}

void RidgeStats::set(const double* xtx, const double* xty, int64_t rows) {
  require_sums(rows_only_);
  spectrum_.reset();
  drop_rows();
  const size_t f = f_, o = o_, ld = fp_;
  g_.assign(static_cast<size_t>(fp_) * w_, 0.0);
  sums_valid_ = true;
  for (size_t j = 0; j < f; ++j)
    for (size_t i = 0; i < f; ++i) g_[j * ld + i] = xtx[j * f + i];
  for (size_t k = 0; k < o; ++k)
    for (size_t i = 0; i < f; ++i) g_[(fp_ + k) * ld + i] = xty[i * o + k];
  rows_ = rows;
}

namespace {

std::vector<double> to_row_major(const MatD& m) {
  std::vector<double> out(static_cast<size_t>(m.rows()) * m.cols());
  Eigen::Map<RowMatD>(out.data(), m.rows(), m.cols()) = m;
  return out;
}

void check_lambda(double lambda) {
  if (!(lambda >= 0.0) || !std::isfinite(lambda)) {
    throw Error(kInvalidArg, "ridge must be a finite number >= 0, got " + std::to_string(lambda));
  }
}

}  // namespace

std::vector<double> RidgeStats::solve_cholesky(double lambda) const {
  check_lambda(lambda);
  materialize();
  // The upper triangle straight from the statistics: LLT<Upper> reads nothing else, so no
  // mirrored f×f copy is made.
  Eigen::Map<const MatD, 0, Eigen::OuterStride<>> G(g_.data(), f_, f_, Eigen::OuterStride<>(fp_));
  MatD A = G.triangularView<Eigen::Upper>();
  A.diagonal().array() += lambda;
  Eigen::LLT<MatD, Eigen::Upper> llt(A);
  if (llt.info() != Eigen::Success) {
    throw Error(kSingular, "XᵀX + λI is not positive definite (λ = " + std::to_string(lambda) + ", " +
                               std::to_string(rows_) + " rows for " + std::to_string(f_) +
                               " features); increase ridge or add data");
  }
  const MatD B = Eigen::Map<const MatD, 0, Eigen::OuterStride<>>(g_.data() + static_cast<size_t>(fp_) * fp_, f_, o_,
                                                                 Eigen::OuterStride<>(fp_));
  MatD W = llt.solve(B);
  if (!W.allFinite()) throw Error(kSingular, "the ridge solution is not finite; increase ridge");
  return to_row_major(W);
}

// The factorisations behind every λ. Primal (XᵀX space): one Householder tridiagonalisation
// XᵀX = Q T Qᵀ, then per λ one tridiagonal LDLᵀ solve, W(λ) = Q (T + λI)⁻¹ QᵀXᵀY — the
// eigenvectors of XᵀX are never formed (forming them took two thirds of a full
// eigendecomposition's time). Dual (Gram space, fewer kept rows r than features): K = X Xᵀ
// once, then per λ one r×r Cholesky, α(λ) = (K + λI)⁻¹Y and W(λ) = Xᵀα(λ) — the same
// solutions by the push-through identity Xᵀ(X Xᵀ + λI)⁻¹ = (XᵀX + λI)⁻¹Xᵀ, for r³/3 flops
// per λ instead of an f×f eigenproblem.
struct RidgeStats::Spectrum {
  bool dual = false;
  Eigen::Tridiagonalization<MatD> tri;  // primal: Q (Householder vectors) and T
  Eigen::VectorXd s;                    // primal: eigenvalues of T (values only)
  MatD c;                               // primal: QᵀXᵀY, f × o
  MatD k;                               // dual: X Xᵀ, r × r (lower triangle)
  double scale = 0;                     // the largest eigenvalue of XᵀX (and of X Xᵀ)
  // XᵀX + λI is singular to working precision. In the dual space XᵀX has f − r zero
  // eigenvalues, so the test is λ itself; a failed Cholesky (or LDLᵀ pivot) is singular too.
  bool singular(double lambda) const {
    const double tiny = 1e-13 * scale;
    return dual ? lambda <= tiny : s.minCoeff() + lambda <= tiny;
  }
  // Coefficients in the basis (primal: Q, dual: the rows Xᵀ); empty if singular.
  MatD coefficients(double lambda, const double* y, int64_t rows, int outputs) const {
    if (!dual) return tridiagonal_solve(lambda);
    MatD a = k;
    a.diagonal().array() += lambda;
    Eigen::LLT<MatD, Eigen::Lower> llt(a);
    if (llt.info() != Eigen::Success) return MatD();
    MatD alpha = llt.solve(Eigen::Map<const RowMatD>(y, rows, outputs).cast<double>().eval());
    if (!alpha.allFinite()) return MatD();
    return alpha;
  }
  // (T + λI)⁻¹ QᵀXᵀY by LDLᵀ without pivoting (backward stable for a positive definite
  // tridiagonal matrix); a pivot ≤ 0 means not positive definite: empty.
  MatD tridiagonal_solve(double lambda) const {
    const Eigen::VectorXd& d = tri.diagonal();
    const Eigen::VectorXd& e = tri.subDiagonal();
    const Eigen::Index n = d.size();
    Eigen::VectorXd pivot(n), l(std::max<Eigen::Index>(n - 1, 0));
    MatD z = c;
    pivot(0) = d(0) + lambda;
    if (!(pivot(0) > 0)) return MatD();
    for (Eigen::Index i = 1; i < n; ++i) {
      l(i - 1) = e(i - 1) / pivot(i - 1);
      pivot(i) = d(i) + lambda - l(i - 1) * e(i - 1);
      if (!(pivot(i) > 0)) return MatD();
      z.row(i) -= l(i - 1) * z.row(i - 1);
    }
    z.row(n - 1) /= pivot(n - 1);
    for (Eigen::Index i = n - 2; i >= 0; --i) z.row(i) = z.row(i) / pivot(i) - l(i) * z.row(i + 1);
    if (!z.allFinite()) return MatD();
    return z;
  }
  // Primal coefficients as readout weights: Q z.
  MatD weights(const MatD& coef) const { return tri.matrixQ() * coef; }
};

namespace {

// The largest eigenvalue of a symmetric positive semi-definite matrix (lower triangle) by
// power iteration: only the scale of the singularity threshold, so 1e-6 is plenty.
double largest_eigenvalue(const MatD& k) {
  const Eigen::Index n = k.rows();
  Eigen::VectorXd v = Eigen::VectorXd::Ones(n) / std::sqrt(static_cast<double>(n));
  double estimate = 0;
  for (int it = 0; it < 200; ++it) {
    Eigen::VectorXd w = k.selfadjointView<Eigen::Lower>() * v;
    const double next = v.dot(w);
    const double norm = w.norm();
    if (norm == 0) return 0;
    v = w / norm;
    if (std::abs(next - estimate) <= 1e-6 * std::abs(next)) return next;
    estimate = next;
  }
  return estimate;
}

}  // namespace

std::shared_ptr<const RidgeStats::Spectrum> RidgeStats::decompose() const {
  if (spectrum_) return spectrum_;
  auto made = std::make_shared<Spectrum>();
  Spectrum& sp = *made;
  if (keep_rows_ && rows_ > 0 && rows_ < f_) {
    sp.dual = true;
    const Eigen::Map<const RowMatD> X(rx_.data(), rows_, f_);
    sp.k = MatD::Zero(rows_, rows_);
    sp.k.selfadjointView<Eigen::Lower>().rankUpdate(X);  // X Xᵀ, one triangle
    sp.scale = std::max(largest_eigenvalue(sp.k), 1e-300);
  } else {
    materialize();
    Eigen::Map<const MatD, 0, Eigen::OuterStride<>> G(g_.data(), f_, f_, Eigen::OuterStride<>(fp_));
    sp.tri.compute(MatD(G.selfadjointView<Eigen::Upper>()));
    Eigen::SelfAdjointEigenSolver<MatD> values;
    values.computeFromTridiagonal(sp.tri.diagonal(), sp.tri.subDiagonal(), Eigen::EigenvaluesOnly);
    if (values.info() != Eigen::Success) throw Error(kNoConvergence, "the eigenvalues of XᵀX did not converge");
    sp.c =
        sp.tri.matrixQ().adjoint() * Eigen::Map<const MatD, 0, Eigen::OuterStride<>>(
                                         g_.data() + static_cast<size_t>(fp_) * fp_, f_, o_, Eigen::OuterStride<>(fp_));
    sp.s = values.eigenvalues();
    sp.scale = std::max(std::abs(sp.s.maxCoeff()), 1e-300);
  }
  spectrum_ = made;
  return made;
}

namespace {

[[noreturn]] void throw_singular(double lambda) {
  throw Error(kSingular, "XᵀX + λI is singular for λ = " + std::to_string(lambda) + "; increase ridge");
}

}  // namespace

// Calls emit(i, coefficients) for each non-singular λ, with coefficients in the spectrum's
// basis; a singular λ throws, or with skip_singular calls skipped(i).
template <typename Emit, typename Skip>
void RidgeStats::for_each_lambda(const std::vector<double>& lambdas, bool skip_singular, Emit emit,
                                 Skip skipped) const {
  for (double l : lambdas) check_lambda(l);
  const Spectrum& sp = *decompose();
  for (size_t i = 0; i < lambdas.size(); ++i) {
    MatD coef;
    if (!sp.singular(lambdas[i])) coef = sp.coefficients(lambdas[i], ry_.data(), rows_, o_);
    if (coef.size() == 0) {
      if (!skip_singular) throw_singular(lambdas[i]);
      skipped(i);
      continue;
    }
    emit(i, sp, coef);
  }
}

std::vector<double> RidgeStats::solve_sweep(const std::vector<double>& lambdas, bool skip_singular) const {
  std::vector<double> out(lambdas.size() * f_ * o_, std::numeric_limits<double>::quiet_NaN());
  const size_t block = static_cast<size_t>(f_) * o_;
  for_each_lambda(
      lambdas, skip_singular,
      [&](size_t i, const Spectrum& sp, const MatD& coef) {
        const MatD W =
            sp.dual ? MatD(Eigen::Map<const RowMatD>(rx_.data(), rows_, f_).transpose() * coef) : sp.weights(coef);
        Eigen::Map<RowMatD>(out.data() + i * block, f_, o_) = W;
      },
      [](size_t) {});
  return out;
}

std::vector<double> RidgeStats::predict_sweep(const RidgeStats& queries, const std::vector<double>& lambdas,
                                              bool skip_singular) const {
  if (queries.f_ != f_)
    throw Error(kShape, "the query rows have " + std::to_string(queries.f_) + " features, these statistics " +
                            std::to_string(f_));
  if (!queries.keep_rows_) throw Error(kState, "the query statistics no longer hold their rows: use a row collector");
  const int64_t rq = queries.rows_;
  const Eigen::Map<const RowMatD> Xq(queries.rx_.data(), rq, f_);
  const size_t block = static_cast<size_t>(rq) * o_;
  std::vector<double> out(lambdas.size() * block, std::numeric_limits<double>::quiet_NaN());
  // Dual: the queries in the basis once (Xq Xᵀ), then each λ costs rq·r·o. Primal: each λ's
  // weights Q z (f²·o), then Xq W (rq·f·o).
  MatD z;
  for_each_lambda(
      lambdas, skip_singular,
      [&](size_t i, const Spectrum& sp, const MatD& coef) {
        if (rq == 0) return;
        if (!sp.dual) {
          Eigen::Map<RowMatD>(out.data() + i * block, rq, o_) = Xq * sp.weights(coef);
          return;
        }
        if (z.size() == 0) z = Xq * Eigen::Map<const RowMatD>(rx_.data(), rows_, f_).transpose();
        Eigen::Map<RowMatD>(out.data() + i * block, rq, o_) = z * coef;
      },
      [](size_t) {});
  return out;
}

namespace {

// Counting instead of returning at the first bad value keeps the loop branch-free, so it
// vectorises and runs at memory speed.
template <typename T>
bool range_finite(const T* p, size_t n) {
  constexpr size_t kBlock = 4096;
  for (size_t i0 = 0; i0 < n; i0 += kBlock) {
    const size_t i1 = std::min(n, i0 + kBlock);
    int bad = 0;
    for (size_t i = i0; i < i1; ++i) bad |= !(std::abs(p[i]) <= std::numeric_limits<T>::max());
    if (bad) return false;
  }
  return true;
}

template <typename T>
bool all_finite_impl(const T* p, size_t n, int threads) {
  const int nt = static_cast<int>(std::max<size_t>(1, std::min<size_t>(threads, n >> 20)));
  if (nt == 1) return range_finite(p, n);
  WorkerLease lease(nt);
  const int m = lease.size();
  std::vector<char> ok(m, 1);
  lease.run([&](int t) { ok[t] = range_finite(p + n * t / m, n * (t + 1) / m - n * t / m); });
  return std::all_of(ok.begin(), ok.end(), [](char c) { return c != 0; });
}

}  // namespace

bool all_finite(const double* p, size_t n, int threads) {
  return all_finite_impl(p, n, threads);
}
bool all_finite(const float* p, size_t n, int threads) {
  return all_finite_impl(p, n, threads);
}

}  // namespace ran
