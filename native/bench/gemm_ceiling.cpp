// The machine ceiling the benchmarks report fractions of peak against (bench/run.ts,
// docs/benchmarks.md): GFLOP/s of an n×n matrix product C = A·B in float32 or float64
// through this build's own Eigen, the columns of C split over `threads`. Median time of
// repetitions run for at least `min_seconds` (at least 3 after a warm-up). A benchmark
// helper, not a kernel: it starts its own threads, outside the shared pool, so that it
// measures the machine and not the pool.
#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

#include "addon.h"
#include "args.h"
#include "gemm_ceiling.h"

namespace {

// Runs fn(0) … fn(n - 1), fn(0) on the calling thread.
template <typename F>
void run_columns(int n, const F& fn) {
  std::vector<std::thread> threads;
  for (int t = 1; t < n; ++t) threads.emplace_back(fn, t);
  fn(0);
  for (auto& th : threads) th.join();
}

template <typename Scalar>
double gemm_seconds_median(int n, int threads, double min_seconds) {
  using Mat = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  // Values in [-1, 1) from a fixed sequence: no denormals, nothing for the CPU to shortcut.
  Mat A(n, n), B(n, n), C(n, n);
  uint32_t s = 12345;
  auto next = [&s]() {
    s = s * 1664525u + 1013904223u;
    return static_cast<Scalar>((s >> 8) * (2.0 / 16777216.0) - 1.0);
  };
  for (Eigen::Index i = 0; i < A.size(); ++i) A.data()[i] = next();
  for (Eigen::Index i = 0; i < B.size(); ++i) B.data()[i] = next();
  const int nt = std::max(1, std::min(threads, n));
  auto product = [&]() {
    run_columns(nt, [&](int t) {
      const Eigen::Index c0 = static_cast<Eigen::Index>(n) * t / nt, c1 = static_cast<Eigen::Index>(n) * (t + 1) / nt;
      C.middleCols(c0, c1 - c0).noalias() = A * B.middleCols(c0, c1 - c0);
    });
  };
  using Clock = std::chrono::steady_clock;
  product();  // warm-up: page faults of C, thread start-up
  std::vector<double> times;
  double elapsed = 0;
  while (times.size() < 3 || (elapsed < min_seconds && times.size() < 1000)) {
    const auto t0 = Clock::now();
    product();
    const double dt = std::chrono::duration<double>(Clock::now() - t0).count();
    times.push_back(dt);
    elapsed += dt;
  }
  std::sort(times.begin(), times.end());
  const size_t m = times.size() / 2;
  return times.size() % 2 ? times[m] : 0.5 * (times[m - 1] + times[m]);
}

double gemm_ceiling(bool float64, int n, int threads, double min_seconds) {
  const double t = float64 ? gemm_seconds_median<double>(n, threads, min_seconds)
                           : gemm_seconds_median<float>(n, threads, min_seconds);
  return 2.0 * n * static_cast<double>(n) * n / t / 1e9;
}

}  // namespace

namespace ranjs {

// gemmCeiling({dtype, n?, threads?, minSeconds?})
Napi::Value GemmCeiling(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    Napi::Object o = ObjectArg(info, 0, "options");
    const std::vector<std::string> dtypes = {"float32", "float64"};
    const int d = ChoiceField(o, "dtype", "dtype", dtypes, -1);
    if (d < 0) InvalidArg("dtype", OneOf(dtypes), o.Env().Undefined());
    const std::string dtype = dtypes[d];
    const int n = IntField(o, "n", 1, 16384, 2048, false);
    const int threads = IntField(o, "threads", 1, 1024, 1, false);
    const double min_seconds = NumberField(o, "minSeconds", 1.0, false);
    if (!(min_seconds >= 0 && min_seconds <= 600)) {
      InvalidArg("minSeconds", "a finite number in [0, 600]", o.Get("minSeconds"));
    }
    const double bytes = 3.0 * n * n * (dtype == "float64" ? 8 : 4);
    if (bytes > MaxBytes(info.Env())) {
      Fail(ran::kTooLarge, "three " + std::to_string(n) + "×" + std::to_string(n) + " matrices need " +
                               std::to_string(bytes / 1e9) + " GB, above the memory limit");
    }
    return Napi::Number::New(info.Env(), gemm_ceiling(dtype == "float64", n, threads, min_seconds));
  });
}

}  // namespace ranjs
