// Histogram tree grower: a line-by-line counterpart of src/compute/kernels/trees/js/grow.ts.
#include "tree_grow.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <new>

#include "parallel.h"
#include "tree_grow_kernels.h"
#include "tree_median_split.h"
#include "tree_pool.h"
#include "tree_random_split.h"

namespace mlsweep {

GrowParams unpackGrowParams(const double* p) {
  GrowParams g;
  g.mode = static_cast<int>(p[0]);
  g.nClasses = static_cast<int>(p[1]);
  g.maxDepth = static_cast<int>(p[2]);
  g.maxLeaves = static_cast<int>(p[3]);
  g.minSamplesSplit = p[4];
  g.minSamplesLeaf = p[5];
  g.minChildWeight = p[6];
  g.minGain = p[7];
  g.lambdaL1 = p[8];
  g.lambdaL2 = p[9];
  g.maxFeatures = static_cast<int>(p[10]);
  g.randomSplits = p[11] != 0;
  g.seed = static_cast<uint32_t>(p[12]);
  return g;
}

namespace {

// Below this many row-feature cells a node's histograms are built on one thread (the
// pool's workers spin between nodes, so nodes of a few thousand rows still gain).
constexpr int64_t kParallelCells = 1 << 15;

// A histogram buffer, aligned to a cache line: gradient mode's 32-byte slots then never
// straddle two lines (operator new aligns to 16 bytes only, so every other slot would, and
// a split load and store costs the histogram kernel about 10%).
struct FreeAligned {
  void operator()(double* p) const { ::operator delete[](p, std::align_val_t{64}); }
};
using HistBuffer = std::unique_ptr<double[], FreeAligned>;

HistBuffer newHistBuffer(size_t n) {
  double* p = static_cast<double*>(::operator new[](n * sizeof(double), std::align_val_t{64}));
  std::fill(p, p + n, 0.0);
  return HistBuffer(p);
}

// Entries past the rows in the partition's second buffer: the vector partition writes 16
// at a time (tree_grow_kernels.h's partitionAvx512).
constexpr int64_t kPartitionSlack = 16;

// Histogram buffers kept between trees on the same thread (boosting grows one tree
// after another): reusing them avoids page faults on fresh allocations.
constexpr size_t kPoolKeep = 64;
thread_local std::vector<HistBuffer> tlsPool;
thread_local size_t tlsPoolSize = 0;

// The row buffers of a tree, kept between trees on the same thread for the same reason:
// a boosting round's tree would otherwise take a megabyte or more of fresh pages.
struct RowBuffers {
  std::vector<int32_t> rows, tmp;
  std::vector<double> ordered;
};
thread_local RowBuffers tlsRows;

// The buffers of one split search: the present slots of a feature, category keys, and
// the left and right statistics of a candidate. One per thread searching features.
struct Scan {
  std::vector<double> L, R, keys;
  std::vector<int32_t> present;
  // gradient mode's numeric scan, for up to 4 features at a time (one buffer of `stride`
  // entries each): the left side (G, H, count) after each present slot and the slot, and
  // the gains of the splits there without and with the missing rows on the left (padded
  // to whole vectors)
  size_t stride;
  std::vector<double> cg, ch, cc, gainA, gainB;
  std::vector<int32_t> cslot;
  Scan(int D, int maxSlots)
      : L(D, 0.0), R(D, 0.0), keys(maxSlots, 0.0), present(maxSlots, 0), stride(maxSlots + 4), cg(4 * stride, 0.0),
        ch(4 * stride, 0.0), cc(4 * stride, 0.0), gainA(4 * stride, 0.0), gainB(4 * stride, 0.0),
        cslot(4 * stride, 0) {}
};

// What prefixSlots found for one feature: its present slots, and the node's missing rows.
struct Listed {
  int n = 0;
  bool missing = false;
  double mG = 0, mH = 0, mC = 0;
};

// A split and, in gradient mode, the statistics (G, H, count) of its left side as the
// scan summed them: the children's totals (grow.ts does the same), so no pass over the
// rows is needed to sum them.
struct Choice : SplitChoice {
  double left[3] = {0, 0, 0};
};

struct GNode : Choice {
  int id;
  int64_t begin, end;
  int depth;
  std::vector<double> totals;
  HistBuffer hist;
};

// n features in groups of up to `most`, as many groups as a multiple of the threads and as
// even as can be: every thread gets about the same number of features, and each pass over a
// node's rows still serves several features. Group g is features [first(g), first(g) + count(g)).
struct FeatureGroups {
  int groups, size, extra;
  FeatureGroups(int n, int threads, int most)
      : groups(threads * ((n + threads * most - 1) / (threads * most))), size(n / groups), extra(n % groups) {}
  int first(int g) const { return g * size + std::min(g, extra); }
  int count(int g) const { return size + (g < extra ? 1 : 0); }
};

class Grower {
 public:
  Grower(const GrowData& d, const GrowParams& p, Tree& out)
      : d_(d), p_(p), out_(out), rng_(p.seed) {
    scalar_ = p.mode == kModeGradient || p.mode == kModeAbsolute;
    K_ = scalar_ ? 1 : p.nClasses;
    gradient_ = p.mode == kModeGradient;
    // gradient mode pads each slot to 4 doubles (G, H, count, 0): one slot is one aligned
    // 32-byte vector, added in one operation per row and feature (tree_grow_kernels.h)
    D_ = gradient_ ? 4 : scalar_ ? 3 : p.nClasses + 2;
    W_ = scalar_ ? 1 : p.nClasses;
    C_ = W_ + 1;
    slotOff_.assign(d.nCols + 1, 0);
    int maxSlots = 1;
    for (int f = 0; f < d.nCols; f++) {
      slotOff_[f + 1] = slotOff_[f] + d.nBins[f] + 1;
      maxSlots = std::max(maxSlots, d.nBins[f] + 1);
    }
    totalSlots_ = slotOff_[d.nCols];
    // the rule of grow.ts for which nodes get histograms counts the slots the features need,
    // whatever their layout here
    const int neededSlots = totalSlots_;
    // gradient mode: 256 slots per feature (the kernel indexes them by bin value directly)
    // unless that more than doubles the histograms (features of few bins), else a table of
    // where each bin value's slot is (tree_grow_kernels.h)
    direct_ = gradient_ && 256 * d.nCols <= 2 * totalSlots_;
    if (direct_) {
      for (int f = 0; f <= d.nCols; f++) slotOff_[f] = 256 * f;
      totalSlots_ = slotOff_[d.nCols];
    } else if (gradient_) {
      slotTable_.resize(static_cast<size_t>(d.nCols) * 256);
      for (int f = 0; f < d.nCols; f++)
        for (int b = 0; b < 256; b++)
          slotTable_[f * 256 + b] = (slotOff_[f] + (b == 255 || b > d.nBins[f] ? d.nBins[f] : b)) * 4;
    }
    rows_.swap(tlsRows.rows);
    tmp_.swap(tlsRows.tmp);
    ordered_.swap(tlsRows.ordered);
    rows_.assign(d.rows, d.rows + d.nUsedRows);
    tmp_.resize(d.nUsedRows + kPartitionSlack);
    if (gradient_) ordered_.reserve(static_cast<size_t>(d.nUsedRows) * 2);
    full_ = p.maxFeatures >= d.nFeatures;
    // absolute mode searches rows, not histograms: no node is dense (the rule: grow.ts)
    const int64_t quarterSlots = 4 * static_cast<int64_t>(std::max(d.nCols, 1));
    denseMinRows_ = p.mode == kModeAbsolute ? std::numeric_limits<int64_t>::max()
                                            : (neededSlots + quarterSlots - 1) / quarterSlots;
    scratch_.assign(static_cast<size_t>(maxSlots) * D_, 0);
    // one past the slots: sparseHist writes an entry past the last new slot
    touched_.assign(maxSlots + 1, 0);
    for (int t = 0; t < std::max(d.nThreads, 1); t++) scans_.emplace_back(D_, maxSlots);
    if (p.mode == kModeAbsolute) {
      median_ = std::make_unique<MedianSplitter>(d, p, rows_, maxSlots);
      sideOfRow_.assign(d.nRows, 0);
    }
    out_ = Tree();
    out_.nOut = K_;
    const size_t histSize = static_cast<size_t>(totalSlots_) * D_;
    if (tlsPoolSize == histSize) pool_.swap(tlsPool);
    tlsPool.clear();
  }

  ~Grower() {
    const size_t histSize = static_cast<size_t>(totalSlots_) * D_;
    if (pool_.size() > kPoolKeep) pool_.resize(kPoolKeep);
    tlsPool.swap(pool_);
    tlsPoolSize = histSize;
    rows_.swap(tlsRows.rows);
    tmp_.swap(tlsRows.tmp);
    ordered_.swap(tlsRows.ordered);
  }

  void grow(int32_t* leafOfRow) {
    std::vector<std::unique_ptr<GNode>> nodes;
    nodes.push_back(createNode(0, static_cast<int64_t>(rows_.size()), 0));
    GNode* root = nodes.back().get();
    if (full_ && isDense(*root)) {
      root->hist = takeHist();
      buildHist(root->hist.get(), root->begin, root->end);
    }
    findSplit(*root);
    if (p_.maxLeaves > 0) {
      std::vector<GNode*> candidates;
      if (root->feature >= 0) candidates.push_back(root);
      for (int leaves = 1; leaves < p_.maxLeaves && !candidates.empty(); leaves++) {
        size_t best = 0;
        for (size_t i = 1; i < candidates.size(); i++) {
          GNode* c = candidates[i];
          GNode* b = candidates[best];
          if (c->gain > b->gain || (c->gain == b->gain && c->id < b->id)) best = i;
        }
        GNode* node = candidates[best];
        candidates.erase(candidates.begin() + best);
        split(*node, nodes);
        GNode* l = nodes[nodes.size() - 2].get();
        GNode* r = nodes[nodes.size() - 1].get();
        if (l->feature >= 0) candidates.push_back(l);
        if (r->feature >= 0) candidates.push_back(r);
      }
    } else {
      std::vector<GNode*> stack{root};
      while (!stack.empty()) {
        GNode* node = stack.back();
        stack.pop_back();
        if (node->feature < 0) continue;
        split(*node, nodes);
        GNode* l = nodes[nodes.size() - 2].get();
        GNode* r = nodes[nodes.size() - 1].get();
        stack.push_back(r);
        stack.push_back(l);
        // a split node's statistics are no longer needed
        node->totals.clear();
        node->totals.shrink_to_fit();
        node->cats.clear();
      }
    }
    for (auto& n : nodes) release(*n);
    if (leafOfRow) {
      for (auto& n : nodes) {
        if (out_.feature[n->id] >= 0) continue;
        for (int64_t i = n->begin; i < n->end; i++) leafOfRow[rows_[i]] = n->id;
      }
    }
  }

 private:
  const GrowData& d_;
  const GrowParams& p_;
  Tree& out_;
  Mulberry32 rng_;
  int K_, D_, W_, C_;
  bool gradient_;
  bool scalar_;  // gradient and absolute modes: one scalar statistic per row rather than classes
  std::unique_ptr<MedianSplitter> median_;  // absolute mode: the median-based split search
  std::vector<uint8_t> sideOfRow_;
  std::vector<int> slotOff_;
  bool direct_ = false;             // gradient mode: see the constructor
  std::vector<int32_t> slotTable_;  // gradient mode without direct_
  int totalSlots_;
  std::vector<int32_t> rows_, tmp_;
  bool full_;
  int64_t denseMinRows_;  // nodes with fewer rows get no histograms
  std::vector<double> scratch_, ordered_;
  std::vector<int32_t> orderedLabel_;
  std::vector<int32_t> touched_;
  std::vector<int32_t> featurePool_;  // the random feature order of a node's search
  std::vector<Scan> scans_;  // scans_[0] for serial searches, one per thread in parallel ones
  std::vector<Choice> perFeature_;
  std::vector<HistBuffer> pool_;

  bool isDense(const GNode& n) const { return n.end - n.begin >= denseMinRows_; }

  void release(GNode& n) {
    if (n.hist) pool_.push_back(std::move(n.hist));
  }

  // A histogram buffer for buildHist. Gradient mode zeroes each feature's slots just before
  // adding its rows (buildHist), where they are still in the core's cache for the adds; the
  // slots of features this tree does not search are zeroed here, never read but defined.
  HistBuffer takeHist() {
    const size_t n = static_cast<size_t>(totalSlots_) * D_;
    if (pool_.empty()) return newHistBuffer(n);
    HistBuffer h = std::move(pool_.back());
    pool_.pop_back();
    if (!gradient_ || d_.nFeatures < d_.nCols) std::fill(h.get(), h.get() + n, 0.0);
    return h;
  }

  // A node over rows_[begin, end); `totals` given (gradient mode's children) or summed.
  std::unique_ptr<GNode> createNode(int64_t begin, int64_t end, int depth, const double* totals = nullptr) {
    auto node = std::make_unique<GNode>();
    node->id = out_.nNodes();
    node->begin = begin;
    node->end = end;
    node->depth = depth;
    node->totals.assign(D_, 0.0);
    if (totals)
      std::copy(totals, totals + 3, node->totals.begin());
    else
      sumRows(node->totals.data(), begin, end);
    const double* t = node->totals.data();
    out_.feature.push_back(-1);
    out_.threshold.push_back(0);
    out_.missingLeft.push_back(0);
    out_.left.push_back(-1);
    out_.right.push_back(-1);
    out_.catIndex.push_back(-1);
    out_.gain.push_back(0);
    out_.cover.push_back(t[W_]);
    if (median_) {
      out_.value.push_back(median_->median(begin, end));
    } else if (p_.mode == kModeGradient) {
      out_.value.push_back(leafValue(t[0], t[1]));
    } else {
      for (int k = 0; k < K_; k++) out_.value.push_back(t[W_] > 0 ? t[k] / t[W_] : 0);
    }
    return node;
  }

  void sumRows(double* out, int64_t begin, int64_t end) const {
    if (scalar_) {
      // summed in registers: through out[] every add would wait on the previous store
      double g = out[0], h = out[1];
      const int32_t* rows = rows_.data();
      const double* grad = d_.grad;
      const double* hess = d_.hess;
      for (int64_t i = begin; i < end; i++) {
        const int32_t r = rows[i];
        g += grad[r];
        h += hess[r];
      }
      out[0] = g;
      out[1] = h;
    } else if (K_ == 2) {
      // two classes in registers too: each row adds its weight to its class and +0 to the
      // other, which changes nothing (the sums are never -0)
      double w0 = out[0], w1 = out[1], total = out[2];
      const int32_t* rows = rows_.data();
      const int32_t* label = d_.label;
      const double* hess = d_.hess;
      for (int64_t i = begin; i < end; i++) {
        const int32_t r = rows[i];
        const double w = hess[r];
        const bool second = label[r] != 0;
        w0 += second ? 0.0 : w;
        w1 += second ? w : 0.0;
        total += w;
      }
      out[0] = w0;
      out[1] = w1;
      out[2] = total;
    } else {
      for (int64_t i = begin; i < end; i++) {
        const int32_t r = rows_[i];
        out[d_.label[r]] += d_.hess[r];
        out[W_] += d_.hess[r];
      }
    }
    out[C_] = static_cast<double>(end - begin);
  }

  double thresholdL1(double G) const {
    const double a = p_.lambdaL1;
    return G > a ? G - a : (G < -a ? G + a : 0.0);
  }

  double leafValue(double G, double H) const {
    const double t = thresholdL1(G);
    const double denom = H + p_.lambdaL2;
    return denom > 0 ? -t / denom : 0.0;
  }

  double score(const double* s) const {
    if (p_.mode == kModeGradient) return gradientScore(s[0], s[1]);
    return classScore(s, K_, p_.mode == kModeEntropy);
  }

  // score() of the class modes for a side of K classes (their weights, then the total at s[K]).
  static double classScore(const double* s, int K, bool entropy) {
    const double total = s[K];
    if (!(total > 0)) return 0.0;
    double acc = 0;
    if (entropy) {
      for (int k = 0; k < K; k++) {
        const double w = s[k];
        if (w > 0) acc += w * std::log(w);
      }
      return acc - total * std::log(total);
    }
    for (int k = 0; k < K; k++) acc += s[k] * s[k];
    return acc / total;
  }

  // Class modes: the node's labels and weights gathered once in row order, for the
  // row-by-row histograms of its features (a forest's nodes read them for every feature
  // they draw; gathered, each pass reads them in sequence).
  void orderClasses(int64_t begin, int64_t end) {
    const size_t n = static_cast<size_t>(end - begin);
    orderedLabel_.resize(n);
    ordered_.resize(n);
    for (int64_t i = begin; i < end; i++) {
      const int32_t r = rows_[i];
      orderedLabel_[i - begin] = d_.label[r];
      ordered_[i - begin] = d_.hess[r];
    }
  }

  // Gradient mode: the node's (g, h) pairs gathered once in row order, so that each
  // feature's pass reads them sequentially (LightGBM's ordered gradients).
  // On several threads each gathers a contiguous share of the rows.
  void orderGradients(int64_t begin, int64_t end, int threads = 1) {
    ordered_.resize(static_cast<size_t>(end - begin) * 2);
    auto gather = [&](int64_t from, int64_t to) {
      double* o = ordered_.data() + 2 * (from - begin);
      for (int64_t i = from; i < to; i++) {
        const int32_t r = rows_[i];
        o[0] = d_.grad[r];
        o[1] = d_.hess[r];
        o += 2;
      }
    };
    if (threads <= 1) return gather(begin, end);
    const int64_t n = end - begin;
    TreeWorkerPool::shared().run(threads, threads,
                                 [&](int t) { gather(begin + n * t / threads, begin + n * (t + 1) / threads); });
  }

  // Class modes: one feature's histogram of class weights and counts.
  void accumulate(double* h, int f, int base, int64_t begin, int64_t end) const {
    const int nb = d_.nBins[f];
    const uint8_t* col = d_.bins + static_cast<int64_t>(f) * d_.nRows;
    const int32_t* rows = rows_.data();
    const int D = D_;
    for (int64_t i = begin; i < end; i++) {
      const int32_t r = rows[i];
      const int b = col[r];
      double* s = h + static_cast<size_t>(base + (b == 255 ? nb : b)) * D;
      const double w = d_.hess[r];
      s[d_.label[r]] += w;
      s[D - 2] += w;
      s[D - 1] += 1;
    }
  }

  // Gradient mode, up to kGroup features per pass over the rows (tree_grow_kernels.h): each
  // row's gradient pair is read once for the group. Each feature's slots still receive the
  // rows in order, so the sums are those of one feature at a time (and of grow.ts).
  static constexpr int kGroup = 4;

  template <int G>
  void accumulateGradientGroup(double* h, const int32_t* fs, int64_t begin, int64_t end) const {
    HistGroup<G> hg;
    for (int g = 0; g < G; g++) {
      const int f = fs[g];
      hg.col[g] = d_.bins + static_cast<int64_t>(f) * d_.nRows;
      hg.slot[g] = direct_ ? nullptr : slotTable_.data() + static_cast<size_t>(f) * 256;
      hg.base[g] = slotOff_[f] * 4;
    }
    // the root on every row: rows are 0..n-1, read everything in order
    if (end - begin == d_.nRows)
      accumulateHistGroup<G>(h, hg, nullptr, nullptr, d_.grad, d_.hess, end);
    else
      accumulateHistGroup<G>(h, hg, rows_.data() + begin, ordered_.data(), nullptr, nullptr, end - begin);
  }

  // The root on every row with the counts given (GrowData::binCounts): groups of up to
  // kRootGroup features (tree_grow_kernels.h's rootPairs), each summed into pair slots and
  // then written out as 4-double slots with the counts. Every slot is written: no zeroing.
  static constexpr int kRootGroup = 5;

  void buildRoot(double* h, int threads) {
    const double* counts = d_.binCounts;
    const FeatureGroups fg(d_.nFeatures, threads, kRootGroup);
    TreeWorkerPool::shared().run(fg.groups, threads, [&](int gi) {
      const int first = fg.first(gi);
      const int count = fg.count(gi);
      if (count == 0) return;
      thread_local std::vector<double> pairs;
      pairs.assign(static_cast<size_t>(count) * 512, 0.0);
      double* pp[kRootGroup];
      const uint8_t* cols[kRootGroup];
      for (int k = 0; k < count; k++) {
        pp[k] = pairs.data() + static_cast<size_t>(k) * 512;
        cols[k] = d_.bins + static_cast<int64_t>(d_.features[first + k]) * d_.nRows;
      }
      switch (count) {
        case 5: rootPairs<5>(pp, cols, d_.grad, d_.hess, d_.nRows); break;
        case 4: rootPairs<4>(pp, cols, d_.grad, d_.hess, d_.nRows); break;
        case 3: rootPairs<3>(pp, cols, d_.grad, d_.hess, d_.nRows); break;
        case 2: rootPairs<2>(pp, cols, d_.grad, d_.hess, d_.nRows); break;
        default: rootPairs<1>(pp, cols, d_.grad, d_.hess, d_.nRows); break;
      }
      for (int k = 0; k < count; k++) {
        const int f = d_.features[first + k];
        double* dst = h + static_cast<size_t>(slotOff_[f]) * 4;
        const double* src = pp[k];
        const double* c = counts + static_cast<size_t>(f) * 256;
        for (int b = 0; b < 256; b++) {
          dst[4 * b] = src[2 * b];
          dst[4 * b + 1] = src[2 * b + 1];
          dst[4 * b + 2] = c[b];
          dst[4 * b + 3] = 0;
        }
      }
    });
  }

  void accumulateGradient(double* h, const int32_t* fs, int count, int64_t begin, int64_t end) const {
    switch (count) {
      case 4: return accumulateGradientGroup<4>(h, fs, begin, end);
      case 3: return accumulateGradientGroup<3>(h, fs, begin, end);
      case 2: return accumulateGradientGroup<2>(h, fs, begin, end);
      default: return accumulateGradientGroup<1>(h, fs, begin, end);
    }
  }

  void buildHist(double* h, int64_t begin, int64_t end) {
    const int n = d_.nFeatures;
    const int threads = (end - begin) * n >= kParallelCells ? d_.nThreads : 1;
    if (p_.mode == kModeGradient) {
      if (end - begin == d_.nRows && direct_ && d_.binCounts) {
        buildRoot(h, threads);
        moveMissingSlots(h);
        return;
      }
      // the gather shared out only where each share is thousands of rows
      if (end - begin < d_.nRows) orderGradients(begin, end, end - begin >= 8192 ? threads : 1);
      const FeatureGroups fg(n, threads, kGroup);
      TreeWorkerPool::shared().run(fg.groups, threads, [&](int gi) {
        const int first = fg.first(gi);
        const int count = fg.count(gi);
        for (int k = 0; k < count; k++) {
          const int f = d_.features[first + k];
          std::fill(h + static_cast<size_t>(slotOff_[f]) * 4, h + static_cast<size_t>(slotOff_[f + 1]) * 4, 0.0);
        }
        if (count > 0) accumulateGradient(h, d_.features + first, count, begin, end);
      });
      if (direct_) moveMissingSlots(h);
      return;
    }
    TreeWorkerPool::shared().run(n, threads, [&](int i) {
      const int f = d_.features[i];
      accumulate(h, f, slotOff_[f], begin, end);
    });
  }


  // Direct layout: the kernel adds missing values (bin 255) to each feature's last slot;
  // the rest of the grower reads them in slot nb, after the value bins, as grow.ts does.
  // Slot nb is empty until then (bins are below nb), so moving is exact.
  void moveMissingSlots(double* h) const {
    for (int i = 0; i < d_.nFeatures; i++) {
      const int f = d_.features[i];
      const int nb = d_.nBins[f];
      if (nb >= 255) continue;
      double* s = h + static_cast<size_t>(slotOff_[f]) * 4;
      std::copy(s + 255 * 4, s + 256 * 4, s + nb * 4);
      std::fill(s + 255 * 4, s + 256 * 4, 0.0);
    }
  }

  bool canSplit(const GNode& node) const {
    const double n = static_cast<double>(node.end - node.begin);
    if (n < p_.minSamplesSplit || n < 2 * p_.minSamplesLeaf) return false;
    if (p_.maxDepth > 0 && node.depth >= p_.maxDepth) return false;
    if (!scalar_) {
      int nonEmpty = 0;
      for (int k = 0; k < K_; k++)
        if (node.totals[k] > 0) nonEmpty++;
      if (nonEmpty <= 1) return false;
    }
    return true;
  }

  void findSplit(GNode& node) {
    node.gain = -std::numeric_limits<double>::infinity();
    node.feature = -1;
    if (canSplit(node)) {
      const double scoreP =
          median_ ? median_->prepare(node.begin, node.end, out_.value[node.id]) : score(node.totals.data());
      // absolute mode splits as scikit-learn does (see grow.ts)
      const bool pure = median_ && !(scoreP > std::numeric_limits<double>::epsilon() * node.totals[W_]);
      if (!pure) searchFeatures(node, scoreP);
      const double tol = 1e-12 * std::fabs(scoreP);
      const bool ok = median_ ? node.gain >= p_.minGain - tol : node.gain > tol && node.gain >= p_.minGain;
      if (!ok) node.feature = -1;
    }
    if (node.feature < 0) release(node);
  }

  // Examines every feature, or maxFeatures non-constant ones drawn at random.
  void searchFeatures(GNode& node, double scoreP) {
    // random splits draw in feature order: searched by one thread
    const bool parallel = d_.nThreads > 1 && d_.nFeatures >= 2 * kMinFeaturesPerThread && !p_.randomSplits;
    // Gradient mode searches on one thread whatever nThreads: its vector search of four
    // features at a time takes a few microseconds a node, less than handing out the
    // features costs. Boosting, 100 rounds of depth 6, 2 threads, median of 5 fits: 10k x
    // 20 0.111 s (0.150 s searching in parallel; 1 thread 0.106 s); 100k x 20 0.504 s
    // (0.528); 10k x 50 0.275 s (0.332); 10k x 100 0.575 s (0.605); 5k x 300 1.339 s (1.463).
    if (full_ && node.hist && gradient_) {
      searchHistInFours(node, scans_[0], node.hist.get(), node.totals.data(), 0, d_.nFeatures, scoreP);
      return;
    }
    if (full_ && node.hist && parallel) {
      searchInParallel(node, scoreP);
      return;
    }
    // a node without histograms in gradient mode: its (g, h) pairs gathered once for
    // every feature's sparseHist
    if (gradient_ && !node.hist) orderGradients(node.begin, node.end);
    // and in the class modes its labels and weights
    if (!scalar_ && !node.hist) orderClasses(node.begin, node.end);
    if (full_) {
      for (int i = 0; i < d_.nFeatures; i++) examine(node, d_.features[i], scoreP);
      return;
    }
    featurePool_.assign(d_.features, d_.features + d_.nFeatures);
    std::vector<int32_t>& pool = featurePool_;
    const int n = d_.nFeatures;
    int visited = 0;
    for (int i = 0; i < n && visited < p_.maxFeatures; i++) {
      const int j = i + static_cast<int>(std::floor(rng_.uniform() * (n - i)));
      const int f = pool[j];
      pool[j] = pool[i];
      pool[i] = f;
      if (examine(node, f, scoreP)) visited++;
    }
  }

  // Histogram search over contiguous runs of features, one per thread, each feature's
  // best into perFeature_; then the features in order, a later one winning only with a
  // strictly larger gain: the split a serial search picks (and grow.ts), whatever the
  // thread count. No random draws happen here (randomSplits is excluded).
  static constexpr int kMinFeaturesPerThread = 4;

  void searchInParallel(GNode& node, double scoreP) {
    const int n = d_.nFeatures;
    const int threads = std::min(d_.nThreads, n / kMinFeaturesPerThread);
    perFeature_.assign(n, Choice());
    const double* h = node.hist.get();
    const double* totals = node.totals.data();
    TreeWorkerPool::shared().run(threads, threads, [&](int t) {
      Scan& sc = scans_[t];
      for (int i = t * n / threads; i < (t + 1) * n / threads; i++) {
        const int f = d_.features[i];
        evaluateHist(perFeature_[i], totals, sc, f, h, scoreP);
      }
    });
    for (int i = 0; i < n; i++) {
      if (perFeature_[i].gain > node.gain) static_cast<Choice&>(node) = std::move(perFeature_[i]);
    }
  }

  // Searches feature f for a better split of the node; false when f is constant there.
  bool examine(GNode& node, int f, double scoreP) {
    if (median_) return median_->examine(node, f, scoreP, rng_);
    const double* h = node.hist.get();
    const double* totals = node.totals.data();
    Scan& sc = scans_[0];
    if (h) return evaluateHist(node, totals, sc, f, h, scoreP);
    const int m = sparseHist(f, node.begin, node.end);
    const bool constant = fastGradient(f) ? !scanPresent(node, sc, totals, f, m, scoreP)
                                          : !evaluate(node, totals, sc, f, scratch_.data(), 0, m, scoreP);
    clearTouched(m);
    return !constant;
  }

  // evaluate() on the node's histograms of feature f.
  bool evaluateHist(Choice& best, const double* totals, Scan& sc, int f, const double* h, double scoreP) {
    const int base = slotOff_[f];
    if (fastGradient(f)) return scanGradient(best, sc, totals, f, h, base, scoreP);
    return evaluate(best, totals, sc, f, h, base, presentSlots(sc, h, base, d_.nBins[f]), scoreP);
  }

  int presentSlots(Scan& sc, const double* h, int base, int nb) const {
    int m = 0;
    for (int s = 0; s <= nb; s++)
      if (h[static_cast<size_t>(base + s) * D_ + C_] > 0) sc.present[m++] = s;
    return m;
  }

  // Feature f's histogram of the node's rows[begin, end) into scratch_, its m present slots
  // listed in ascending order in scans_[0].present; returns m. searchFeatures gathered the
  // rows' statistics in row order (orderGradients, orderClasses).
  int sparseHist(int f, int64_t begin, int64_t end) {
    const int nb = d_.nBins[f];
    const uint8_t* col = d_.bins + static_cast<int64_t>(f) * d_.nRows;
    int m;
    if (gradient_)
      m = sparseGradient(col, nb, begin, end);
    else if (D_ == 4)
      m = sparseClasses<4>(col, nb, begin, end);
    else
      m = sparseClasses<0>(col, nb, begin, end);
    return listPresent(nb, m);
  }

  // The row loops of sparseHist. Each row's slot is listed in touched_ when the row is its
  // first (written every time, counted only then: a branch there mispredicts on every new
  // slot), and everything the loop reads is in locals, so that the stores to touched_ and
  // the slots do not make the compiler reload them. The adds are grow.ts's, in its order.
  int sparseGradient(const uint8_t* col, int nb, int64_t begin, int64_t end) {
    double* scratch = scratch_.data();
    int32_t* touched = touched_.data();
    const int32_t* rows = rows_.data() + begin;
    const double* pair = ordered_.data();
    const int64_t n = end - begin;
    int m = 0;
    for (int64_t i = 0; i < n; i++) {
      const int b = col[rows[i]];
      const int slot = b == 255 ? nb : b;
      double* s = scratch + static_cast<size_t>(slot) * 4;
      const double count = s[2];
      touched[m] = slot;
      m += count == 0;
      s[0] += pair[2 * i];
      s[1] += pair[2 * i + 1];
      s[2] = count + 1;
    }
    return m;
  }

  // Class modes; FixedD is D_ where it is known at compile time (two classes), else 0.
  template <int FixedD>
  int sparseClasses(const uint8_t* col, int nb, int64_t begin, int64_t end) {
    const int D = FixedD > 0 ? FixedD : D_;
    const int W = D - 2, C = D - 1;
    double* scratch = scratch_.data();
    int32_t* touched = touched_.data();
    const int32_t* rows = rows_.data() + begin;
    const double* weight = ordered_.data();
    const int32_t* label = orderedLabel_.data();
    const int64_t n = end - begin;
    int m = 0;
    for (int64_t i = 0; i < n; i++) {
      const int b = col[rows[i]];
      const int slot = b == 255 ? nb : b;
      double* s = scratch + static_cast<size_t>(slot) * D;
      const double count = s[C];
      touched[m] = slot;
      m += count == 0;
      const double w = weight[i];
      s[label[i]] += w;
      s[W] += w;
      s[C] = count + 1;
    }
    return m;
  }

  // The m slots sparseHist touched, ascending, into scans_[0].present; returns m.
  int listPresent(int nb, int m) {
    int32_t* present = scans_[0].present.data();
    // more than a few touched slots: one branch-free pass over the feature's slots beats
    // sorting them (100-tree forest, 100k x 20: 2.9 s passing over from 65 touched slots,
    // 2.75 s from 17, 2.65 s from 7; here from 9 of 256 slots, from 2 of 32)
    if (32 * m > nb + 1) {
      const double* scratch = scratch_.data();
      const size_t D = D_, C = C_;
      int k = 0;
      for (int slot = 0; slot <= nb; slot++) {
        present[k] = slot;
        k += scratch[slot * D + C] > 0;
      }
      return k;
    }
    std::sort(touched_.begin(), touched_.begin() + m);
    std::copy(touched_.begin(), touched_.begin() + m, present);
    return m;
  }

  // Zeroes the m slots sparseHist listed; 4-double slots (gradient mode, two classes) as
  // two vector stores each rather than a call to memset.
  void clearTouched(int m) {
    if (D_ == 4) return clearSlots<4>(m);
    clearSlots<0>(m);
  }

  template <int FixedD>
  void clearSlots(int m) {
    const int D = FixedD > 0 ? FixedD : D_;
    double* scratch = scratch_.data();
    const int32_t* present = scans_[0].present.data();
    for (int i = 0; i < m; i++) {
      double* s = scratch + static_cast<size_t>(present[i]) * D;
      if (FixedD > 0) {
        for (int k = 0; k < FixedD; k++) s[k] = 0.0;
      } else {
        std::fill(s, s + D, 0.0);
      }
    }
  }

  // Scans feature f's histogram (slots from `base` of `h`, the m present slots listed in
  // sc.present) for splits better than `best`; false when f is constant in the node.
  bool evaluate(Choice& best, const double* totals, Scan& sc, int f, const double* h, int base, int m,
                double scoreP) {
    if (m <= 1) return false;
    if (d_.categorical[f])
      evaluateCategorical(best, totals, sc, f, h, base, m, scoreP);
    else
      evaluateNumeric(best, totals, sc, f, h, base, m, scoreP);
    return true;
  }

  void addSlot(double* L, const double* h, size_t s) const {
    for (int k = 0; k < D_; k++) L[k] += h[s + k];
  }

  // Gain of the split whose left side is sc.L, or -infinity when a child is too small.
  double candidateGain(Scan& sc, const double* totals, double scoreP) const {
    double* L = sc.L.data();
    double* R = sc.R.data();
    for (int k = 0; k < D_; k++) R[k] = totals[k] - L[k];
    if (L[C_] < p_.minSamplesLeaf || R[C_] < p_.minSamplesLeaf) return -std::numeric_limits<double>::infinity();
    if (L[W_] < p_.minChildWeight || R[W_] < p_.minChildWeight) return -std::numeric_limits<double>::infinity();
    return score(L) + score(R) - scoreP;
  }

  void considerNumeric(Choice& best, const double* totals, Scan& sc, int f, int t, bool missingLeft,
                       bool missingSeen, double scoreP) const {
    const double gain = candidateGain(sc, totals, scoreP);
    if (!(gain > best.gain)) return;
    best.gain = gain;
    best.feature = f;
    best.threshold = t;
    best.missingLeft = missingSeen ? missingLeft : sc.L[C_] >= sc.R[C_];
    best.categorical = false;
    keepLeft(best, sc);
  }

  // Gradient mode: the left side's statistics of a new best split, its children's totals.
  void keepLeft(Choice& best, const Scan& sc) const {
    if (gradient_) std::copy(sc.L.begin(), sc.L.begin() + 3, best.left);
  }

  double gradientScore(double G, double H) const {
    const double t = thresholdL1(G);
    const double denom = H + p_.lambdaL2;
    return denom > 0 ? (t * t) / denom : 0.0;
  }

  // Gradient mode on a numeric feature without random splits: the hot loop of boosting.
  bool fastGradient(int f) const { return gradient_ && !d_.categorical[f] && !p_.randomSplits; }

  // The numeric scan of gradient mode (fastGradient): false when f is constant in the node.
  bool scanGradient(Choice& best, Scan& sc, const double* t, int f, const double* h, int base, double scoreP) const {
    Listed listed;
    prefixSlots<1>(sc, h, &base, d_.nBins[f], &listed);
    return pickSplit(best, sc, 0, listed, t, f, scoreP);
  }

  // scanGradient on a node without histograms: feature f's m present slots in scratch_,
  // listed in sc.present by sparseHist (few for a small node), rather than all its slots.
  bool scanPresent(Choice& best, Scan& sc, const double* t, int f, int m, double scoreP) const {
    const int nb = d_.nBins[f];
    const double* h = scratch_.data();
    Listed listed;
    listed.missing = m > 0 && sc.present[m - 1] == nb;
    if (listed.missing) {
      const double* ms = h + static_cast<size_t>(nb) * 4;
      listed.mG = ms[0], listed.mH = ms[1], listed.mC = ms[2];
    }
    double GL = 0, HL = 0, CL = 0;
    const int nv = listed.missing ? m - 1 : m;
    for (int i = 0; i < nv; i++) {
      const double* x = h + static_cast<size_t>(sc.present[i]) * 4;
      GL += x[0];
      HL += x[1];
      CL += x[2];
      sc.cg[i] = GL, sc.ch[i] = HL, sc.cc[i] = CL, sc.cslot[i] = sc.present[i];
    }
    listed.n = nv;
    for (int k = nv; k < ((nv + 3) & ~3); k++) sc.cg[k] = sc.ch[k] = sc.cc[k] = 0.0;
    return pickSplit(best, sc, 0, listed, t, f, scoreP);
  }

  // The left side (G, H, count) after each present slot of G features of nb value bins
  // each (slots from bases[g] of h), in order, into the scan's buffers g: the prefix sums
  // of evaluateNumeric's scan. The loop adds every slot, an absent one's (G, H) as +0 (a
  // histogram made by subtraction may hold rounding residue where its count is 0; the
  // sums are never -0, so adding +0 changes nothing) and keeps the sums after present
  // ones, without branches; the G sums' additions overlap instead of each waiting on the
  // last.
  template <int G>
  void prefixSlots(Scan& sc, const double* h, const int* bases, int nb, Listed* out) const {
    const double* hs[G];
    double* cg[G];
    double* ch[G];
    double* cc[G];
    int32_t* cs[G];
    double GL[G], HL[G], CL[G];
    int n[G];
    for (int g = 0; g < G; g++) {
      hs[g] = h + static_cast<size_t>(bases[g]) * 4;
      const double* ms = hs[g] + static_cast<size_t>(nb) * 4;
      out[g].missing = ms[2] > 0;
      out[g].mG = ms[0], out[g].mH = ms[1], out[g].mC = ms[2];
      cg[g] = sc.cg.data() + g * sc.stride;
      ch[g] = sc.ch.data() + g * sc.stride;
      cc[g] = sc.cc.data() + g * sc.stride;
      cs[g] = sc.cslot.data() + g * sc.stride;
      GL[g] = HL[g] = CL[g] = 0;
      n[g] = 0;
    }
    for (int b = 0; b < nb; b++) {
      for (int g = 0; g < G; g++) {
        const double* x = hs[g] + static_cast<size_t>(b) * 4;
        const bool present = x[2] > 0;
        GL[g] += present ? x[0] : 0.0;
        HL[g] += present ? x[1] : 0.0;
        CL[g] += x[2];
        cg[g][n[g]] = GL[g], ch[g][n[g]] = HL[g], cc[g][n[g]] = CL[g], cs[g][n[g]] = b;
        n[g] += present;
      }
    }
    for (int g = 0; g < G; g++) {
      out[g].n = n[g];
      for (int k = n[g]; k < ((n[g] + 3) & ~3); k++) cg[g][k] = ch[g][k] = cc[g][k] = 0.0;
    }
  }

  // Gradient mode's numeric split after slot `threshold` as the new best: its left side is
  // (GL, HL, CL), plus the missing rows (mG, mH, mC) when withMissing; without missing rows
  // in the node, they go to the side of more rows (of `totalC`).
  static void takeNumeric(Choice& best, double gain, int f, int threshold, double GL, double HL, double CL,
                          bool withMissing, bool missing, double mG, double mH, double mC, double totalC) {
    best.gain = gain;
    best.feature = f;
    best.threshold = threshold;
    best.categorical = false;
    best.left[0] = withMissing ? GL + mG : GL;
    best.left[1] = withMissing ? HL + mH : HL;
    best.left[2] = withMissing ? CL + mC : CL;
    best.missingLeft = missing ? withMissing : CL >= totalC - CL;
  }

  // The splits of one feature listed by prefixSlots (buffer g), in evaluateNumeric's order:
  // after each present value but the last (which counts only when missing rows exist),
  // each also with the missing rows on the left. Their gains are computed together
  // (tree_grow_kernels.h); the first strictly better one than `best` wins. False when f
  // is constant in the node.
  bool pickSplit(Choice& best, Scan& sc, int g, const Listed& listed, const double* t, int f, double scoreP) const {
    const int n = listed.n;
    const bool missing = listed.missing;
    if (n + (missing ? 1 : 0) <= 1) return false;
    const size_t at = g * sc.stride;
    const double* cg = sc.cg.data() + at;
    const double* ch = sc.ch.data() + at;
    const double* cc = sc.cc.data() + at;
    double* gainA = sc.gainA.data() + at;
    double* gainB = sc.gainB.data() + at;
    const int nA = missing ? n : n - 1;
    const int nB = missing ? n - 1 : 0;
    GainInputs in{t[0], t[1], t[2], p_.minSamplesLeaf, p_.minChildWeight, p_.lambdaL1, p_.lambdaL2, scoreP, 0, 0, 0};
    candidateGains(cg, ch, cc, nA, in, gainA);
    if (nB > 0) {
      in.addG = listed.mG, in.addH = listed.mH, in.addC = listed.mC;
      candidateGains(cg, ch, cc, nB, in, gainB);
    }
    for (int k = 0; k < nA; k++) {
      for (int side = 0; side < 2 && (side == 0 || k < nB); side++) {
        const double gain = side == 0 ? gainA[k] : gainB[k];
        if (!(gain > best.gain)) continue;
        const bool withMissing = side == 1;
        takeNumeric(best, gain, f, sc.cslot[at + k], cg[k], ch[k], cc[k], withMissing, missing, listed.mG, listed.mH,
                    listed.mC, t[2]);
      }
    }
    return true;
  }

  // searchFeatures over features [from, to) of a node with histograms h and totals t, into
  // `best`, 4 at a time where 4 in a row take the fast scan and have as many bins: the same
  // picks in the same order as one feature at a time.
  void searchHistInFours(Choice& best, Scan& sc, const double* h, const double* t, int from, int to, double scoreP) {
    int i = from;
    for (; i + 4 <= to; i += 4) {
      const int32_t* fs = d_.features + i;
      const int nb = d_.nBins[fs[0]];
      bool same = true;
      for (int k = 0; k < 4; k++) same = same && fastGradient(fs[k]) && d_.nBins[fs[k]] == nb;
      if (!same) {
        for (int k = 0; k < 4; k++) evaluateHist(best, t, sc, fs[k], h, scoreP);
        continue;
      }
#if MLSWEEP_HIST_AVX
      if (cpuHasAvx()) {
        pickFours(best, h, fs, nb, t, scoreP);
        continue;
      }
#endif
      const int bases[4] = {slotOff_[fs[0]], slotOff_[fs[1]], slotOff_[fs[2]], slotOff_[fs[3]]};
      Listed listed[4];
      prefixSlots<4>(sc, h, bases, nb, listed);
      for (int k = 0; k < 4; k++) pickSplit(best, sc, k, listed[k], t, fs[k], scoreP);
    }
    for (; i < to; i++) evaluateHist(best, t, sc, d_.features[i], h, scoreP);
  }

#if MLSWEEP_HIST_AVX
  // Four features of nb bins each, searched as the lanes of one vector (tree_grow_kernels.h's
  // bestOfFours), then taken as pickSplit takes them one feature after another: a lane's
  // first best candidate wins where it is strictly better than the node's best so far.
  void pickFours(Choice& node, const double* h, const int32_t* fs, int nb, const double* t, double scoreP) const {
    const double* slots[4];
    for (int g = 0; g < 4; g++) slots[g] = h + static_cast<size_t>(slotOff_[fs[g]]) * 4;
    const GainInputs in{t[0], t[1], t[2], p_.minSamplesLeaf, p_.minChildWeight, p_.lambdaL1, p_.lambdaL2, scoreP, 0, 0, 0};
    FourBest r;
    bestOfFours(slots, nb, in, r);
    for (int g = 0; g < 4; g++) {
      if (!(r.gain[g] > node.gain)) continue;
      const int bin = static_cast<int>(r.bin[g]);
      double left[3];
      prefixThrough(slots[g], bin, left);
      takeNumeric(node, r.gain[g], fs[g], bin, left[0], left[1], left[2], r.sideB[g] != 0, r.mC[g] > 0, r.mG[g],
                  r.mH[g], r.mC[g], t[2]);
    }
  }
#endif

  void evaluateNumeric(Choice& best, const double* totals, Scan& sc, int f, const double* h, int base, int m,
                       double scoreP) {
    const int32_t* present = sc.present.data();
    const int nb = d_.nBins[f];
    const bool missing = present[m - 1] == nb;
    const int nv = missing ? m - 1 : m;
    const size_t ms = static_cast<size_t>(base + nb) * D_;
    double* L = sc.L.data();
    std::fill(L, L + D_, 0.0);
    if (p_.randomSplits) {
      const int t = randomThresholdBin(present, nv, rng_, columnEdges(d_, f));
      for (int i = 0; i < nv && present[i] <= t; i++) addSlot(L, h, static_cast<size_t>(base + present[i]) * D_);
      considerNumeric(best, totals, sc, f, t, false, missing, scoreP);
      if (missing && nv >= 2) {
        addSlot(L, h, ms);
        considerNumeric(best, totals, sc, f, t, true, missing, scoreP);
      }
      return;
    }
    // only the class modes get here without random splits: gradient mode's numeric
    // features are scanned by scanGradient and scanPresent (fastGradient)
    if (D_ == 4) return scanClasses<4>(best, totals, sc, f, h, base, nv, missing, scoreP);
    scanClasses<0>(best, totals, sc, f, h, base, nv, missing, scoreP);
  }

  // The scan of evaluateNumeric in the class modes: the same candidates, sums and gains in
  // the same order as considerNumeric's, with the slot width fixed where it is known
  // (FixedD: two classes) and the left and right sides in locals there, not in sc's
  // buffers that every store might alias.
  template <int FixedD>
  void scanClasses(Choice& best, const double* totals, Scan& sc, int f, const double* h, int base, int nv,
                   bool missing, double scoreP) {
    const int D = FixedD > 0 ? FixedD : D_;
    const int W = D - 2, C = D - 1;
    const bool entropy = p_.mode == kModeEntropy;
    const double minLeaf = p_.minSamplesLeaf, minWeight = p_.minChildWeight;
    const int32_t* present = sc.present.data();
    double localL[FixedD > 0 ? FixedD : 1], localR[FixedD > 0 ? FixedD : 1];
    double* L = FixedD > 0 ? localL : sc.L.data();
    double* R = FixedD > 0 ? localR : sc.R.data();
    for (int k = 0; k < D; k++) L[k] = 0.0;
    const double* ms = h + static_cast<size_t>(base + d_.nBins[f]) * D;
    auto consider = [&](int threshold, bool missingLeft) {
      for (int k = 0; k < D; k++) R[k] = totals[k] - L[k];
      if (L[C] < minLeaf || R[C] < minLeaf || L[W] < minWeight || R[W] < minWeight) return;
      const double gain = classScore(L, W, entropy) + classScore(R, W, entropy) - scoreP;
      if (!(gain > best.gain)) return;
      best.gain = gain;
      best.feature = f;
      best.threshold = threshold;
      best.missingLeft = missing ? missingLeft : L[C] >= R[C];
      best.categorical = false;
    };
    for (int i = 0; i < nv; i++) {
      const double* s = h + static_cast<size_t>(base + present[i]) * D;
      for (int k = 0; k < D; k++) L[k] += s[k];
      if (i < nv - 1 || missing) consider(present[i], false);
      if (missing && i < nv - 1) {
        for (int k = 0; k < D; k++) L[k] += ms[k];
        consider(present[i], true);
        for (int k = 0; k < D; k++) L[k] -= ms[k];
      }
    }
  }

  int keyClass(const double* totals) const {
    int c = 0;
    for (int k = 1; k < K_; k++)
      if (totals[k] > totals[c]) c = k;
    return c;
  }

  double categoryKey(const double* h, size_t s, int c) const {
    if (p_.mode == kModeGradient) return h[s + 1] > 0 ? h[s] / h[s + 1] : 0.0;
    return h[s + W_] > 0 ? h[s + c] / h[s + W_] : 0.0;
  }

  void evaluateCategorical(Choice& best, const double* totals, Scan& sc, int f, const double* h, int base, int m,
                           double scoreP) {
    std::vector<int32_t> order(sc.present.begin(), sc.present.begin() + m);
    int first = 1;
    int last = m - 1;
    if (p_.randomSplits) {
      first = last = randomCategoryCut(order, rng_);
    } else {
      const int c = keyClass(totals);
      double* keys = sc.keys.data();
      for (int i = 0; i < m; i++) keys[order[i]] = categoryKey(h, static_cast<size_t>(base + order[i]) * D_, c);
      std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
        const double ka = keys[a], kb = keys[b];
        return ka < kb || (ka == kb && a < b);
      });
    }
    double* L = sc.L.data();
    std::fill(L, L + D_, 0.0);
    for (int k = 1; k <= last; k++) {
      addSlot(L, h, static_cast<size_t>(base + order[k - 1]) * D_);
      if (k < first) continue;
      const double gain = candidateGain(sc, totals, scoreP);
      if (!(gain > best.gain)) continue;
      best.gain = gain;
      best.feature = f;
      best.cats = order;
      best.categorical = true;
      best.catCount = k;
      best.missingLeft = sc.L[C_] >= sc.R[C_];
      keepLeft(best, sc);
    }
  }

  void split(GNode& node, std::vector<std::unique_ptr<GNode>>& nodes) {
    const int f = node.feature;
    const int id = node.id;
    int ci = -1;
    uint32_t bits[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    if (node.categorical) {
      const int nb = d_.nBins[f];
      bool missingSeen = false;
      for (int32_t slot : node.cats)
        if (slot == nb) missingSeen = true;
      for (int k = 0; k < node.catCount; k++) {
        const int slot = node.cats[k];
        const int bin = slot == nb ? 255 : slot;
        bits[bin >> 5] |= 1u << (bin & 31);
      }
      if (!missingSeen && node.missingLeft) bits[7] |= 1u << 31;
      ci = static_cast<int>(out_.catBits.size() / 8);
      for (uint32_t w : bits) out_.catBits.push_back(w);
    }
    const int64_t nLeft = partition(node, f, bits, ci >= 0);
    out_.feature[id] = f;
    // extra trees keep their random threshold: drawn over the node's range, empty bins included
    out_.threshold[id] = node.categorical ? 0 : p_.randomSplits ? node.threshold : gapThreshold(node, f, nLeft);
    out_.missingLeft[id] = node.missingLeft ? 1 : 0;
    out_.catIndex[id] = ci;
    out_.gain[id] = node.gain;
    // gradient mode: the children's totals are the split's sides as the scan summed them
    const double* t = node.totals.data();
    const double right[3] = {t[0] - node.left[0], t[1] - node.left[1], t[2] - node.left[2]};
    nodes.push_back(createNode(node.begin, node.begin + nLeft, node.depth + 1, gradient_ ? node.left : nullptr));
    GNode* l = nodes.back().get();
    nodes.push_back(createNode(node.begin + nLeft, node.end, node.depth + 1, gradient_ ? right : nullptr));
    GNode* r = nodes.back().get();
    out_.left[id] = l->id;
    out_.right[id] = r->id;
    if (node.hist) {
      HistBuffer parent = std::move(node.hist);
      const bool smallIsLeft = l->end - l->begin <= r->end - r->begin;
      GNode* small = smallIsLeft ? l : r;
      GNode* big = smallIsLeft ? r : l;
      // histograms serve a node's own split search and its children's: none are built for
      // children that cannot split (at the depth limit, too few rows) or are searched row by row
      const bool wantSmall = isDense(*small) && canSplit(*small);
      const bool wantBig = isDense(*big) && canSplit(*big);
      if (wantSmall || wantBig) {
        small->hist = takeHist();
        buildHist(small->hist.get(), small->begin, small->end);
        if (wantBig) {
          subtractHist(parent.get(), small->hist.get(), static_cast<size_t>(totalSlots_) * D_);
          big->hist = std::move(parent);
        }
        if (!wantSmall) release(*small);
      }
      if (parent) pool_.push_back(std::move(parent));
    }
    findSplit(*l);
    findSplit(*r);
  }

  // The threshold a numeric split keeps for values its node never saw: the middle of the
  // empty bins between the sides (grow.ts's gapThreshold, which says why). After the
  // partition, which it does not change.
  int gapThreshold(const GNode& node, int f, int64_t nLeft) const {
    const int nb = d_.nBins[f];
    const int last = node.threshold;
    int first = nb;
    if (node.hist) {
      // the node's histogram (still the parent's here) counts its rows per bin
      const double* h = node.hist.get();
      const int base = slotOff_[f];
      for (int s = last + 1; s < nb; s++) {
        if (h[static_cast<size_t>(base + s) * D_ + C_] > 0) {
          first = s;
          break;
        }
      }
    } else {
      const uint8_t* col = d_.bins + static_cast<int64_t>(f) * d_.nRows;
      // the next bin is the nearest the right side can start: most nodes stop early
      for (int64_t i = node.begin + nLeft; i < node.end && first > last + 1; i++)
        first = std::min(first, static_cast<int>(col[rows_[i]]));
    }
    return first >= nb ? nb - 1 : (last + first) / 2;
  }

  int64_t partition(const GNode& node, int f, const uint32_t* bits, bool categorical) {
    const uint8_t* col = d_.bins + static_cast<int64_t>(f) * d_.nRows;
    // the side of each bin value, looked up per row (one load instead of the tests)
    uint8_t left[256];
    for (int b = 0; b < 256; b++)
      left[b] = categorical ? ((bits[b >> 5] >> (b & 31)) & 1u) != 0
                            : (b == 255 ? node.missingLeft : b <= node.threshold);
    int32_t* rows = rows_.data();
    int32_t* tmp = tmp_.data();
    int64_t nl = node.begin;
    int64_t nr = 0;
    int64_t i = node.begin;
#if MLSWEEP_HIST_AVX
    if (!categorical && cpuHasAvx512()) {
      // the last column's last 3 rows are left to the loop below: the vector loads 4 bytes a row
      const int64_t limit = f == d_.nCols - 1 ? d_.nRows - 3 : d_.nRows;
      partitionAvx512(rows, tmp, col, node.threshold, node.missingLeft, limit, i, node.end, nl, nr);
    }
#endif
    for (; i < node.end; i++) {
      const int32_t r = rows[i];
      const int goLeft = left[col[r]];
      // branch-free: which side a row takes is data, not a pattern a predictor learns
      rows[nl] = r;
      tmp[nr] = r;
      nl += goLeft;
      nr += 1 - goLeft;
    }
    std::copy(tmp, tmp + nr, rows + nl);
    if (median_) {
      for (int64_t i = node.begin; i < nl; i++) sideOfRow_[rows_[i]] = 1;
      for (int64_t i = nl; i < node.end; i++) sideOfRow_[rows_[i]] = 0;
      median_->partition(node.begin, node.end, sideOfRow_.data());
    }
    return nl - node.begin;
  }
};

}  // namespace

void growTree(const GrowData& data, const GrowParams& params, Tree& out, int32_t* leafOfRow) {
  Grower g(data, params, out);
  g.grow(leafOfRow);
}

}  // namespace mlsweep
