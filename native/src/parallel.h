// Runs body(i) for i in [0, n) on up to nThreads threads, handing out indices one at a
// time so that uneven items (columns with many distinct values) balance themselves.
#pragma once
#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace mlsweep {

inline int resolveThreads(int requested) {
  if (requested > 0) return requested;
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

template <typename Body>
void parallelFor(int n, int nThreads, Body body) {
  int threads = std::min(resolveThreads(nThreads), n);
  if (threads <= 1) {
    for (int i = 0; i < n; i++) body(i);
    return;
  }
  std::atomic<int> next{0};
  auto worker = [&]() {
    for (int i = next.fetch_add(1); i < n; i = next.fetch_add(1)) body(i);
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (int t = 1; t < threads; t++) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
}

}  // namespace mlsweep
