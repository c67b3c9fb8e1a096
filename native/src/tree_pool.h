// A persistent pool for the tree grower's per-node parallel loops (boosting builds each
// node's feature histograms in parallel): starting threads for every node costs about
// as much as a mid-sized node's work. One loop runs at a time; a second caller (another
// fit on another thread) runs its loop inline instead of waiting.
#pragma once
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

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
      active_ = helpers;
      next_.store(0);
      generation_++;
    }
    start_.notify_all();
    for (int i = next_.fetch_add(1); i < n; i = next_.fetch_add(1)) body(i);
    std::unique_lock<std::mutex> lk(m_);
    done_.wait(lk, [this] { return active_ == 0; });
  }

 private:
  std::mutex runLock_;
  std::mutex m_;
  std::condition_variable start_, done_;
  std::vector<std::thread> workers_;
  uint64_t generation_ = 0;
  const std::function<void(int)>* body_ = nullptr;
  int n_ = 0;
  int wanted_ = 0;
  int active_ = 0;
  std::atomic<int> next_{0};

  void loop(int id) {
    uint64_t seen = 0;
    std::unique_lock<std::mutex> lk(m_);
    for (;;) {
      start_.wait(lk, [&] { return generation_ != seen; });
      seen = generation_;
      if (id >= wanted_) continue;
      const std::function<void(int)>* body = body_;
      const int n = n_;
      lk.unlock();
      for (int i = next_.fetch_add(1); i < n; i = next_.fetch_add(1)) (*body)(i);
      lk.lock();
      if (--active_ == 0) done_.notify_one();
    }
  }
};

}  // namespace mlsweep
