// The roofline of the histogram kernel: the best-case cost, on one core, of its inner
// operation (read a row's uint8 bin, add the row's gradient pair into that bin's slot of a
// 256-bin histogram), streaming over column-major bins as native/src/tree_grow.cc reads
// them, next to the machine's streaming read bandwidth. Built and run by
// benchmarks/histogram-roofline.ts; prints one JSON object on stdout.
//
// usage: streaming-adds [rows=1000000] [features=20] [repetitions=5]
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <emmintrin.h>

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

// Seeded xorshift: the bins are uniform over 0..255, as quantile bins of a continuous
// feature are, so consecutive rows rarely hit the same slot (no store-forwarding chains
// beyond what real data has).
uint64_t next(uint64_t& s) {
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  return s;
}

// Keeps the compiler from dropping a loop whose result is otherwise unused.
volatile double sink = 0;

// G features per pass over the rows: each row's (g, h) pair, packed, is read once for the
// G features (the learner's grouping is 4). Histograms hold (g, h) per bin, or with
// Count (g, h, count) as the learner's do, to show what its third slot costs.
template <int G, bool Count = false>
void passes(const uint8_t* bins, const double* gh, int64_t n, int nf, double* hist) {
  for (int f0 = 0; f0 + G <= nf; f0 += G) {
    const uint8_t* col[G];
    double* h[G];
    for (int g = 0; g < G; g++) {
      col[g] = bins + static_cast<int64_t>(f0 + g) * n;
      h[g] = hist + static_cast<size_t>(f0 + g) * 768;
    }
    for (int64_t r = 0; r < n; r++) {
      const double gv = gh[2 * r];
      const double hv = gh[2 * r + 1];
      for (int g = 0; g < G; g++) {
        double* s = h[g] + (Count ? 3 : 2) * col[g][r];
        s[0] += gv;
        s[1] += hv;
        if (Count) s[2] += 1;
      }
    }
  }
}

// The learner's own operation at the root (native/src/tree_grow_kernels.h histLoop, its
// direct layout): gradients and hessians from two arrays, slots of (g, h, count, 0) added
// as one 4-lane vector, 256 slots per feature indexed by the bin value (bin 255, missing,
// in the last). gh holds g in [0, n) and h in [n, 2n).
typedef double Slot4 __attribute__((vector_size(32), aligned(8), __may_alias__));

template <int G>
void learnerPasses(const uint8_t* bins, const double* gh, int64_t n, int nf, double* hist) {
  const double* grad = gh;
  const double* hess = gh + n;
  for (int f0 = 0; f0 + G <= nf; f0 += G) {
    const uint8_t* col[G];
    double* h[G];
    for (int g = 0; g < G; g++) {
      col[g] = bins + static_cast<int64_t>(f0 + g) * n;
      h[g] = hist + static_cast<size_t>(f0 + g) * 1024;
    }
    for (int64_t r = 0; r < n; r++) {
      const Slot4 v = {grad[r], hess[r], 1.0, 0.0};
      for (int g = 0; g < G; g++) *reinterpret_cast<Slot4*>(h[g] + 4 * col[g][r]) += v;
    }
  }
}

// The root's operation (native/src/tree_grow_kernels.h rootPairs): each row's (g, h) as one
// 16-byte vector added to its bin's pair slot, G features per pass, 256 pairs per feature.
template <int G>
void pairPasses(const uint8_t* bins, const double* gh, int64_t n, int nf, double* hist) {
  const double* grad = gh;
  const double* hess = gh + n;
  for (int f0 = 0; f0 + G <= nf; f0 += G) {
    const uint8_t* col[G];
    double* h[G];
    for (int g = 0; g < G; g++) {
      col[g] = bins + static_cast<int64_t>(f0 + g) * n;
      h[g] = hist + static_cast<size_t>(f0 + g) * 512;
    }
    for (int64_t r = 0; r < n; r++) {
      const __m128d v = _mm_set_pd(hess[r], grad[r]);
      for (int g = 0; g < G; g++) {
        double* s = h[g] + 2 * col[g][r];
        _mm_storeu_pd(s, _mm_add_pd(_mm_loadu_pd(s), v));
      }
    }
  }
}

// Best-of-reps seconds of one full histogram build (all features) with G per pass.
template <int G, bool Count = false, bool Learner = false, bool Pairs = false>
double timeHistogram(const uint8_t* bins, const double* gh, int64_t n, int nf, int reps) {
  std::vector<double> hist(static_cast<size_t>(nf) * 1024);
  double best = 1e300;
  for (int i = 0; i < reps; i++) {
    std::memset(hist.data(), 0, hist.size() * sizeof(double));
    const auto a = Clock::now();
    if (Pairs) {
      pairPasses<G>(bins, gh, n, nf, hist.data());
    } else if (Learner) {
      learnerPasses<G>(bins, gh, n, nf, hist.data());
    } else {
      passes<G, Count>(bins, gh, n, nf, hist.data());
    }
    const auto b = Clock::now();
    best = std::min(best, seconds(a, b));
    sink = sink + hist[17] + hist[hist.size() - 3];
  }
  return best;
}

// Streaming read bandwidth in bytes/s: a sum over a buffer far larger than the caches,
// with independent accumulators so that the adds never limit it.
double readBandwidth(int reps) {
  const size_t words = static_cast<size_t>(1) << 25;  // 256 MiB of uint64
  std::vector<uint64_t> buf(words);
  for (size_t i = 0; i < words; i++) buf[i] = i * 2654435761u;
  double best = 1e300;
  for (int i = 0; i < reps; i++) {
    uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
    const auto a = Clock::now();
    for (size_t j = 0; j < words; j += 8) {
      a0 += buf[j];
      a1 += buf[j + 1];
      a2 += buf[j + 2];
      a3 += buf[j + 3];
      a4 += buf[j + 4];
      a5 += buf[j + 5];
      a6 += buf[j + 6];
      a7 += buf[j + 7];
    }
    const auto b = Clock::now();
    best = std::min(best, seconds(a, b));
    sink = sink + static_cast<double>(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7);
  }
  return static_cast<double>(words * sizeof(uint64_t)) / best;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t n = argc > 1 ? std::atoll(argv[1]) : 1000000;
  const int nf = argc > 2 ? std::atoi(argv[2]) : 20;
  const int reps = argc > 3 ? std::atoi(argv[3]) : 5;
  if (n <= 0 || nf <= 0 || nf % 20 != 0 || reps <= 0) {
    std::fprintf(stderr, "streaming-adds: rows > 0, features a positive multiple of 20, repetitions > 0\n");
    return 2;
  }
  std::vector<uint8_t> bins(static_cast<size_t>(n) * nf);
  std::vector<double> gh(static_cast<size_t>(n) * 2);
  uint64_t s = 0x9e3779b97f4a7c15ull;
  for (auto& b : bins) b = static_cast<uint8_t>(next(s) >> 56);
  for (auto& v : gh) v = static_cast<double>(next(s) >> 11) * 0x1.0p-53 - 0.5;
  const double cells = static_cast<double>(n) * nf;
  const double t1 = timeHistogram<1>(bins.data(), gh.data(), n, nf, reps);
  const double t4 = timeHistogram<4>(bins.data(), gh.data(), n, nf, reps);
  const double t4c = timeHistogram<4, true>(bins.data(), gh.data(), n, nf, reps);
  const double t4l = timeHistogram<4, true, true>(bins.data(), gh.data(), n, nf, reps);
  const double t5p = timeHistogram<5, false, false, true>(bins.data(), gh.data(), n, nf, reps);
  const double bw = readBandwidth(reps);
  // Bytes read per feature-value: the bin, plus the 16-byte pair shared by G features;
  // at least the bin and 16 / features (every byte of the input read once).
  const double bytes1 = 1 + 16.0 / 1, bytes4 = 1 + 16.0 / 4, bytesOnce = 1 + 16.0 / nf;
  std::printf(
      "{\"rows\":%lld,\"features\":%d,\"repetitions\":%d,"
      "\"nsPerFeatureValue\":{\"onePerPass\":%.4f,\"fourPerPass\":%.4f,\"fourPerPassWithCount\":%.4f,\"learnerOperation\":%.4f,\"pairsFivePerPass\":%.4f},"
      "\"readBandwidthGBs\":%.3f,"
      "\"bytesPerFeatureValue\":{\"onePerPass\":%.2f,\"fourPerPass\":%.2f,\"readOnce\":%.2f},"
      "\"memoryBoundNs\":{\"onePerPass\":%.4f,\"fourPerPass\":%.4f,\"readOnce\":%.4f}}\n",
      static_cast<long long>(n), nf, reps, t1 / cells * 1e9, t4 / cells * 1e9, t4c / cells * 1e9, t4l / cells * 1e9, t5p / cells * 1e9, bw / 1e9, bytes1, bytes4,
      bytesOnce, bytes1 / bw * 1e9, bytes4 / bw * 1e9, bytesOnce / bw * 1e9);
  return 0;
}
