// Absolute-error split search: a line-by-line counterpart of src/compute/kernels/trees/js/median-split.ts.
#include "tree_median_split.h"

#include <algorithm>
#include <cmath>

#include "tree_random_split.h"

namespace mlsweep {

double medianOfSorted(const int32_t* order, int64_t begin, int64_t end, const double* values,
                      const double* weights) {
  double total = 0;
  for (int64_t i = begin; i < end; i++) total += weights[order[i]];
  const double half = total / 2;
  double cum = 0;
  for (int64_t i = begin; i < end; i++) {
    cum += weights[order[i]];
    if (cum >= half) {
      if (cum == half && i + 1 < end) return (values[order[i]] + values[order[i + 1]]) / 2;
      return values[order[i]];
    }
  }
  return end > begin ? values[order[end - 1]] : 0.0;
}

MedianSplitter::MedianSplitter(const GrowData& data, const GrowParams& params, const std::vector<int32_t>& rows,
                               int maxSlots)
    : d_(data), p_(params), y_(data.grad), w_(data.hess), order_(rows) {
  const double* y = y_;
  std::sort(order_.begin(), order_.end(), [y](int32_t a, int32_t b) { return y[a] < y[b] || (y[a] == y[b] && a < b); });
  const size_t n = rows.size();
  tmp_.resize(n);
  ys_.resize(n);
  ws_.resize(n);
  fw_.assign(n + 1, 0.0);
  fs_.assign(n + 1, 0.0);
  bySlot_.resize(n);
  slotCount_.assign(maxSlots, 0);
  slotStart_.assign(maxSlots, 0);
  slotFill_.assign(maxSlots, 0);
  present_.assign(maxSlots, 0);
  seq_.assign(maxSlots, 0);
  slotWeight_.assign(maxSlots, 0.0);
  keys_.assign(maxSlots, 0.0);
  fwd_.assign(maxSlots, 0.0);
  fwdM_.assign(maxSlots, 0.0);
  bwd_.assign(maxSlots, 0.0);
  bwdM_.assign(maxSlots, 0.0);
}

double MedianSplitter::median(int64_t begin, int64_t end) const {
  return medianOfSorted(order_.data(), begin, end, y_, w_);
}

double MedianSplitter::prepare(int64_t begin, int64_t end, double center) {
  const int64_t n = end - begin;
  double cost = 0;
  double weight = 0;
  for (int64_t i = 0; i < n; i++) {
    const int32_t r = order_[begin + i];
    ys_[i] = y_[r] - center;
    ws_[i] = w_[r];
    cost += ws_[i] * std::fabs(ys_[i]);
    weight += ws_[i];
  }
  int64_t top = 1;
  while (top * 2 <= n) top *= 2;
  n_ = n;
  top_ = top;
  begin_ = begin;
  nodeWeight_ = weight;
  return cost;
}

bool MedianSplitter::examine(SplitChoice& best, int f, double parentCost, Mulberry32& rng) {
  const int nb = d_.nBins[f];
  const int m = bucket(d_.bins + static_cast<int64_t>(f) * d_.nRows, nb);
  if (m <= 1) return false;
  if (d_.categorical[f] == 1)
    examineCategorical(best, f, m, parentCost, rng);
  else
    examineNumeric(best, f, nb, m, parentCost, rng);
  return true;
}

void MedianSplitter::partition(int64_t begin, int64_t end, const uint8_t* left) {
  int64_t nl = begin;
  int64_t nr = 0;
  for (int64_t i = begin; i < end; i++) {
    const int32_t r = order_[i];
    if (left[r] == 1)
      order_[nl++] = r;
    else
      tmp_[nr++] = r;
  }
  std::copy(tmp_.begin(), tmp_.begin() + nr, order_.begin() + nl);
}

int MedianSplitter::bucket(const uint8_t* col, int nb) {
  std::fill(slotCount_.begin(), slotCount_.begin() + nb + 1, 0);
  std::fill(slotWeight_.begin(), slotWeight_.begin() + nb + 1, 0.0);
  const int32_t* order = order_.data() + begin_;
  for (int64_t i = 0; i < n_; i++) {
    const int b = col[order[i]];
    const int s = b == 255 ? nb : b;
    slotCount_[s]++;
    slotWeight_[s] += ws_[i];
  }
  int m = 0;
  int32_t start = 0;
  for (int s = 0; s <= nb; s++) {
    if (slotCount_[s] > 0) present_[m++] = s;
    slotStart_[s] = start;
    slotFill_[s] = start;
    start += slotCount_[s];
  }
  for (int64_t i = 0; i < n_; i++) {
    const int b = col[order[i]];
    bySlot_[slotFill_[b == 255 ? nb : b]++] = static_cast<int32_t>(i);
  }
  return m;
}

void MedianSplitter::examineNumeric(SplitChoice& best, int f, int nb, int m, double parentCost, Mulberry32& rng) {
  const bool missing = present_[m - 1] == nb;
  const int nv = missing ? m - 1 : m;
  int cut = -1;
  int t = 0;
  if (p_.randomSplits) {
    t = randomThresholdBin(present_.data(), nv, rng, columnEdges(d_, f));
    cut = 0;
    while (cut + 1 < nv && present_[cut + 1] <= t) cut++;
  }
  // the passes go as far as the cuts read (see median-split.ts)
  const int fwdLen = cut >= 0 ? cut + 1 : (missing ? nv : nv - 1);
  const int bwdLen = nv - 1 - std::max(cut, 0);
  for (int i = 0; i < nv; i++) seq_[i] = present_[nv - 1 - i];
  pass(present_.data(), fwdLen, -1, fwd_.data());
  pass(seq_.data(), bwdLen, -1, bwd_.data());
  if (missing) {
    pass(present_.data(), fwdLen, nb, fwdM_.data());
    pass(seq_.data(), bwdLen, nb, bwdM_.data());
  }
  const double onlyMissing = missing ? costOf(nb) : 0.0;
  const double mC = missing ? slotCount_[nb] : 0.0;
  const double mW = missing ? slotWeight_[nb] : 0.0;
  double CL = 0;
  double WL = 0;
  for (int i = 0; i < nv; i++) {
    const int s = present_[i];
    CL += slotCount_[s];
    WL += slotWeight_[s];
    if (cut >= 0 && i != cut) continue;
    const int threshold = cut >= 0 ? t : s;
    // costs of the suffix after bin i, without and with the missing rows
    const double right = i < nv - 1 ? bwd_[nv - 2 - i] : 0.0;
    const double rightM = i < nv - 1 ? bwdM_[nv - 2 - i] : onlyMissing;
    if (i < nv - 1 || missing) {
      const double gain = parentCost - fwd_[i] - (missing ? rightM : right);
      consider(best, f, threshold, false, missing, CL, WL, gain, parentCost);
    }
    if (missing && i < nv - 1) {
      const double gain = parentCost - fwdM_[i] - right;
      consider(best, f, threshold, true, missing, CL + mC, WL + mW, gain, parentCost);
    }
  }
}

void MedianSplitter::examineCategorical(SplitChoice& best, int f, int m, double parentCost, Mulberry32& rng) {
  std::vector<int32_t> order(present_.begin(), present_.begin() + m);
  int first = 1;
  int last = m - 1;
  if (p_.randomSplits) {
    first = last = randomCategoryCut(order, rng);
  } else {
    // categories ordered by their own weighted median, then scanned as bins are
    for (int i = 0; i < m; i++) keys_[order[i]] = slotMedian(order[i]);
    std::sort(order.begin(), order.end(), [this](int32_t a, int32_t b) {
      const double ka = keys_[a], kb = keys_[b];
      return ka < kb || (ka == kb && a < b);
    });
  }
  // as far as the cuts read: the first `last` categories, the suffixes from `first` on
  for (int i = 0; i < m; i++) seq_[i] = order[m - 1 - i];
  pass(order.data(), last, -1, fwd_.data());
  pass(seq_.data(), m - first, -1, bwd_.data());
  double CL = 0;
  double WL = 0;
  for (int k = 1; k <= last; k++) {
    CL += slotCount_[order[k - 1]];
    WL += slotWeight_[order[k - 1]];
    if (k < first) continue;
    const double gain = parentCost - fwd_[k - 1] - bwd_[m - 1 - k];
    if (!admissible(CL, WL) || !better(gain, best.gain, parentCost)) continue;
    best.gain = gain;
    best.feature = f;
    best.threshold = 0;
    best.cats = order;
    best.categorical = true;
    best.catCount = k;
    best.missingLeft = CL >= static_cast<double>(n_) - CL;
  }
}

void MedianSplitter::consider(SplitChoice& best, int f, int threshold, bool missingLeft, bool missingSeen, double CL,
                              double WL, double gain, double parentCost) const {
  if (!admissible(CL, WL) || !better(gain, best.gain, parentCost)) return;
  best.gain = gain;
  best.feature = f;
  best.threshold = threshold;
  best.missingLeft = missingSeen ? missingLeft : CL >= static_cast<double>(n_) - CL;
  best.categorical = false;
}

// Beats the best by more than rounding: the first of tied splits wins (see median-split.ts).
bool MedianSplitter::better(double gain, double best, double parentCost) {
  return gain > best + 1e-12 * parentCost;
}

bool MedianSplitter::admissible(double CL, double WL) const {
  const double CR = static_cast<double>(n_) - CL;
  const double WR = nodeWeight_ - WL;
  return CL >= p_.minSamplesLeaf && CR >= p_.minSamplesLeaf && WL >= p_.minChildWeight && WR >= p_.minChildWeight;
}

double MedianSplitter::slotMedian(int s) const {
  const int64_t begin = slotStart_[s];
  return medianOfSorted(bySlot_.data(), begin, begin + slotCount_[s], ys_.data(), ws_.data());
}

void MedianSplitter::pass(const int32_t* seq, int len, int first, double* out) {
  reset();
  if (first >= 0) addSlot(first);
  for (int k = 0; k < len; k++) {
    addSlot(seq[k]);
    out[k] = cost();
  }
}

double MedianSplitter::costOf(int s) {
  reset();
  addSlot(s);
  return cost();
}

void MedianSplitter::reset() {
  std::fill(fw_.begin(), fw_.begin() + n_ + 1, 0.0);
  std::fill(fs_.begin(), fs_.begin() + n_ + 1, 0.0);
  W_ = 0;
  S_ = 0;
}

void MedianSplitter::addSlot(int s) {
  const int64_t begin = slotStart_[s];
  const int64_t end = begin + slotCount_[s];
  double* fw = fw_.data();
  double* fs = fs_.data();
  for (int64_t k = begin; k < end; k++) {
    const int64_t i = bySlot_[k];
    const double wi = ws_[i];
    const double si = wi * ys_[i];
    W_ += wi;
    S_ += si;
    for (int64_t j = i + 1; j <= n_; j += j & -j) {
      fw[j] += wi;
      fs[j] += si;
    }
  }
}

double MedianSplitter::cost() const {
  if (!(W_ > 0)) return 0.0;
  const double half = W_ / 2;
  int64_t pos = 0;
  double aw = 0;
  double as = 0;
  for (int64_t step = top_; step > 0; step >>= 1) {
    const int64_t nx = pos + step;
    if (nx <= n_ && aw + fw_[nx] < half) {
      pos = nx;
      aw += fw_[nx];
      as += fs_[nx];
    }
  }
  if (pos >= n_) pos = n_ - 1;
  const double med = ys_[pos];
  const double c = med * aw - as + (S_ - as - med * (W_ - aw));
  return c > 0 ? c : 0.0;
}

}  // namespace mlsweep
