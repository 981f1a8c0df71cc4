// One process-wide pool of compute threads shared by every call — synchronous, asynchronous,
// from any worker_thread that loaded the addon — so that however many calls run at once, at
// most `pool_size()` threads compute (RAN_THREADS, default the machine's cores).
//
// A call leases workers: its own thread (waiting for a free slot when every slot is taken)
// plus as many pool threads as are free at that moment, up to what it asked for. The
// kernels give the same bits for any number of workers, so a call never waits for more
// than its first. Pool threads are started once and sleep between tasks.
#pragma once
#include <functional>

namespace ran {

class WorkerLease {
 public:
  // Leases between 1 and `wanted` workers. The calling thread is the first; if it already
  // computes for a lease (a kernel inside a kernel) or holds a live lease, it does not take
  // a second slot.
  explicit WorkerLease(int wanted);
  ~WorkerLease();
  WorkerLease(const WorkerLease&) = delete;
  WorkerLease& operator=(const WorkerLease&) = delete;

  int size() const { return size_; }
  // Runs fn(0) … fn(size() - 1) at the same time (fn(0) on the calling thread: workers may
  // wait for one another, e.g. at a barrier) and returns when all have returned; the first
  // exception thrown by any of them is rethrown here.
  void run(const std::function<void(int)>& fn);

 private:
  int size_ = 1;
  bool holds_caller_slot_ = false;
};

// Number of threads that may compute at once.
int pool_size();
// Changes it (tests; RAN_THREADS is read once, at first use). Leases held keep their workers.
void set_pool_size(int threads);
// The most slots held at once since the last call (tests check it never exceeds the size).
int take_pool_peak();

}  // namespace ran
