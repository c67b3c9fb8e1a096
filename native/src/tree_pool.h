// A persistent pool for the tree grower's per-node parallel loops (boosting builds each
// node's feature histograms in parallel): starting threads for every node costs about
// as much as a mid-sized node's work. One loop runs at a time; a second caller (another
// fit on another thread) runs its loop inline instead of waiting.
//
// Nodes follow each other within tens of microseconds while a tree grows, about the time
// a thread blocked on a condition variable takes to wake up; so workers spin for a while
// (kSpin checks, some 50 microseconds) before they block, and the caller spins likewise
// while it waits for them to finish.
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
    {
      std::lock_guard<std::mutex> lk(m_);
      while (static_cast<int>(workers_.size()) < helpers) {
        const int id = static_cast<int>(workers_.size());
        workers_.emplace_back([this, id] { loop(id); });
      }
      body_ = &body;
      n_ = n;
      wanted_ = helpers;
      active_.store(helpers, std::memory_order_relaxed);
      next_.store(0, std::memory_order_relaxed);
      // publishes the fields above to workers that spin on the generation
      generation_.fetch_add(1, std::memory_order_release);
    }
    start_.notify_all();
    for (int i = next_.fetch_add(1); i < n; i = next_.fetch_add(1)) body(i);
    for (int spin = 0; spin < kSpin && active_.load(std::memory_order_acquire) != 0; spin++) relax();
    if (active_.load(std::memory_order_acquire) == 0) return;
    std::unique_lock<std::mutex> lk(m_);
    done_.wait(lk, [this] { return active_.load(std::memory_order_acquire) == 0; });
  }

 private:
  static constexpr int kSpin = 20000;
  std::mutex runLock_;
  std::mutex m_;
  std::condition_variable start_, done_;
  std::vector<std::thread> workers_;
  std::atomic<uint64_t> generation_{0};
  const std::function<void(int)>* body_ = nullptr;
  int n_ = 0;
  int wanted_ = 0;
  std::atomic<int> active_{0};
  std::atomic<int> next_{0};

  static inline void relax() {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#else
    std::this_thread::yield();
#endif
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
      if (id >= wanted_) continue;
      const std::function<void(int)>* body = body_;
      const int n = n_;
      for (int i = next_.fetch_add(1); i < n; i = next_.fetch_add(1)) (*body)(i);
      if (active_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        // the caller may be blocked: wake it under the lock so the wake-up is not lost
        std::lock_guard<std::mutex> lk(m_);
        done_.notify_one();
      }
    }
  }
};

}  // namespace mlsweep
