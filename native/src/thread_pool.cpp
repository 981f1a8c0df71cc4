#include "thread_pool.h"

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "ran_error.h"

namespace ran {

namespace {

// True on a thread that holds a compute slot (a pool thread, or a caller inside run()).
thread_local bool t_computing = false;
// Caller slots held by this thread's live leases. A lease taken while another is alive on
// the same thread (e.g. a merge of ridge statistics after a run, before the run's lease
// ends) must not wait for a second slot: the first may hold the last one.
thread_local int t_caller_slots = 0;

int threads_from_environment() {
  const char* env = std::getenv("RAN_THREADS");
  if (env != nullptr && *env != '\0') {
    char* end = nullptr;
    const long n = std::strtol(env, &end, 10);
    if (end != nullptr && *end == '\0' && n >= 1 && n <= 1024) return static_cast<int>(n);
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

// Slots: `size` may compute at once; a lease's caller takes one (waiting if need be), its
// helpers take free ones only. Helpers run on pool threads, of which there are size - 1:
// every helper slot is held by a lease with a caller, so at most size - 1 helper tasks
// exist, and each finds a pool thread idle — workers that wait for each other never wait
// for a thread that is not there.
class Pool {
 public:
  Pool() { resize(threads_from_environment()); }

  int size() {
    std::lock_guard<std::mutex> lock(mu_);
    return size_;
  }

  void resize(int threads) {
    std::lock_guard<std::mutex> lock(mu_);
    free_ += threads - size_;
    size_ = threads;
    while (static_cast<int>(started_) < size_ - 1) {
      std::thread(&Pool::serve, this).detach();  // lives as long as the process
      ++started_;
    }
    slots_cv_.notify_all();
  }

  // Returns the number of helper slots taken (0 … extra); takes the caller's slot first.
  int acquire(bool caller, int extra) {
    std::unique_lock<std::mutex> lock(mu_);
    if (caller) {
      slots_cv_.wait(lock, [&] { return free_ > 0; });
      --free_;
    }
    const int helpers = std::max(0, std::min(extra, std::min(free_, size_ - 1)));
    free_ -= helpers;
    peak_ = std::max(peak_, size_ - free_);
    return helpers;
  }

  int take_peak() {
    std::lock_guard<std::mutex> lock(mu_);
    const int p = peak_;
    peak_ = size_ - free_;
    return p;
  }

  void release(int slots) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      free_ += slots;
    }
    slots_cv_.notify_all();
  }

  void submit(std::function<void()> task) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      tasks_.push_back(std::move(task));
    }
    tasks_cv_.notify_one();
  }

 private:
  void serve() {
    t_computing = true;
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lock(mu_);
        tasks_cv_.wait(lock, [&] { return !tasks_.empty(); });
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
  }

  std::mutex mu_;
  std::condition_variable slots_cv_, tasks_cv_;
  int size_ = 0, free_ = 0, peak_ = 0;
  size_t started_ = 0;
  std::deque<std::function<void()>> tasks_;
};

// Never destroyed: detached pool threads may still wait on it while the process exits.
Pool& pool() {
  static Pool* p = new Pool();
  return *p;
}

}  // namespace

int pool_size() {
  return pool().size();
}

void set_pool_size(int threads) {
  if (threads < 1 || threads > 1024) throw Error(kInvalidArg, "the thread pool size must be an integer in [1, 1024]");
  pool().resize(threads);
}

int take_pool_peak() {
  return pool().take_peak();
}

WorkerLease::WorkerLease(int wanted) {
  holds_caller_slot_ = !t_computing && t_caller_slots == 0;
  size_ = 1 + pool().acquire(holds_caller_slot_, std::max(0, wanted - 1));
  if (holds_caller_slot_) ++t_caller_slots;
}

WorkerLease::~WorkerLease() {
  if (holds_caller_slot_) --t_caller_slots;
  pool().release(size_ - 1 + (holds_caller_slot_ ? 1 : 0));
}

void WorkerLease::run(const std::function<void(int)>& fn) {
  std::mutex mu;
  std::condition_variable cv;
  int running = size_ - 1;
  std::exception_ptr error;
  for (int i = 1; i < size_; ++i) {
    pool().submit([&, i] {
      std::exception_ptr e;
      try {
        fn(i);
      } catch (...) {
        e = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(mu);
      if (e && !error) error = e;
      if (--running == 0) cv.notify_all();
    });
  }
  const bool was_computing = t_computing;
  t_computing = true;
  std::exception_ptr own;
  try {
    fn(0);
  } catch (...) {
    own = std::current_exception();
  }
  t_computing = was_computing;
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return running == 0; });
  if (own) std::rethrow_exception(own);
  if (error) std::rethrow_exception(error);
}

}  // namespace ran
