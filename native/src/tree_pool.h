// A persistent pool for the tree grower's per-node parallel loops (boosting builds each
// node's feature histograms in parallel): starting threads for every node costs about
// as much as a mid-sized node's work. One loop runs at a time; a second caller (another
// fit on another thread) runs its loop inline instead of waiting.
//
// Nodes follow each other within tens of microseconds while a tree grows, about the time
// a thread blocked on a condition variable takes to wake up; so workers spin for a while
// (kSpin checks, some 50 microseconds) before they block, and the caller spins likewise
// while it waits for the loop's items to finish.
//
// The caller waits for the items, not for every worker: a worker the OS has not
// scheduled yet (a busy machine, more runnable threads than cores) leaves its share to
// the caller instead of holding the loop up for a time slice. The loop lives on the
// caller's stack; a worker announces itself (inside_) before it looks at the current
// loop, and the caller, once the items are done, withdraws the loop and waits only for
// workers already inside, which are running.
#pragma once
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace mlsweep {

class TreeWorkerPool {
 public:
  // The process-wide pool. Never destroyed: its idle workers end with the process.
  static TreeWorkerPool& shared() {
    static TreeWorkerPool* pool = new TreeWorkerPool();
    return *pool;
  }

  // Runs body(i) for i in [0, n) on the calling thread and up to threads - 1 workers.
  void run(int n, int threads, const std::function<void(int)>& body) {
    const int helpers = std::min(threads, n) - 1;
    std::unique_lock<std::mutex> busy(runLock_, std::try_to_lock);
    if (helpers <= 0 || !busy.owns_lock()) {
      for (int i = 0; i < n; i++) body(i);
      return;
    }
    Loop loop(&body, n);
    {
      std::lock_guard<std::mutex> lk(m_);
      while (static_cast<int>(workers_.size()) < helpers) {
        const int id = static_cast<int>(workers_.size());
        workers_.emplace_back([this, id] { this->loop(id); });
      }
      wanted_.store(helpers, std::memory_order_relaxed);
      current_.store(&loop, std::memory_order_seq_cst);
      // wakes workers that spin on the generation or wait for it under m_
      generation_.fetch_add(1, std::memory_order_release);
    }
    start_.notify_all();
    work(loop);
    for (int spin = 0; spin < kSpin && loop.finished.load(std::memory_order_acquire) != n; spin++) relax();
    if (loop.finished.load(std::memory_order_acquire) != n) {
      std::unique_lock<std::mutex> lk(m_);
      done_.wait(lk, [&loop, n] { return loop.finished.load(std::memory_order_acquire) == n; });
    }
    // withdraw the loop; a worker that announced itself before this may still read it
    current_.store(nullptr, std::memory_order_seq_cst);
    for (int spin = 0; inside_.load(std::memory_order_seq_cst) != 0; spin++) {
      if (spin < kSpin) relax();
      else std::this_thread::yield();
    }
  }

 private:
  static constexpr int kSpin = 20000;

  // One parallel loop: its items are claimed in order and counted as they finish.
  struct Loop {
    Loop(const std::function<void(int)>* b, int count) : body(b), n(count) {}
    const std::function<void(int)>* body;
    int n;
    std::atomic<int> next{0};
    std::atomic<int> finished{0};
  };

  std::mutex runLock_;
  std::mutex m_;
  std::condition_variable start_, done_;
  std::vector<std::thread> workers_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<Loop*> current_{nullptr};
  std::atomic<int> inside_{0};
  std::atomic<int> wanted_{0};

  static inline void relax() {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#else
    std::this_thread::yield();
#endif
  }

  // Runs the loop's items until none is left; the one finishing the last wakes the caller.
  void work(Loop& l) {
    for (int i = l.next.fetch_add(1); i < l.n; i = l.next.fetch_add(1)) {
      (*l.body)(i);
      if (l.finished.fetch_add(1, std::memory_order_acq_rel) + 1 == l.n) {
        // the caller may be blocked: wake it under the lock so the wake-up is not lost
        std::lock_guard<std::mutex> lk(m_);
        done_.notify_one();
      }
    }
  }

  void loop(int id) {
    uint64_t seen = 0;
    for (;;) {
      uint64_t g = generation_.load(std::memory_order_acquire);
      for (int spin = 0; spin < kSpin && g == seen; spin++) {
        relax();
        g = generation_.load(std::memory_order_acquire);
      }
      if (g == seen) {
        std::unique_lock<std::mutex> lk(m_);
        start_.wait(lk, [&] { return generation_.load(std::memory_order_acquire) != seen; });
        g = generation_.load(std::memory_order_acquire);
      }
      seen = g;
      if (id >= wanted_.load(std::memory_order_relaxed)) continue;
      inside_.fetch_add(1, std::memory_order_seq_cst);
      // the loop of generation g, a later one, or none (already withdrawn)
      Loop* l = current_.load(std::memory_order_seq_cst);
      if (l != nullptr) work(*l);
      inside_.fetch_sub(1, std::memory_order_seq_cst);
    }
  }
};

}  // namespace mlsweep
