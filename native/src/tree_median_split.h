// scikit-learn's absolute-error criterion on bins: the counterpart of
// src/compute/kernels/trees/js/median-split.ts, step for step (see there for the method).
#pragma once
#include <cstdint>
#include <limits>
#include <vector>

#include "tree_grow.h"

namespace mlsweep {

// The best split found so far at a node (none yet: gain -infinity); the grower's node
// record is one.
struct SplitChoice {
  double gain = -std::numeric_limits<double>::infinity();
  int feature = -1;
  int threshold = 0;
  bool missingLeft = false;
  std::vector<int32_t> cats;  // categorical split: slots in scan order; the first catCount go left
  bool categorical = false;
  int catCount = 0;
};

// Weighted median of values[order[begin..end)], listed in ascending value order
// (scikit-learn's rule, as medianOfSorted in src/compute/kernels/trees/leaf-median.ts).
double medianOfSorted(const int32_t* order, int64_t begin, int64_t end, const double* values,
                      const double* weights);

class MedianSplitter {
 public:
  // rows: the rows the tree is grown on; maxSlots: the most bins of a feature, plus 1.
  // Targets are read from data.grad, weights from data.hess; data and params must outlive it.
  MedianSplitter(const GrowData& data, const GrowParams& params, const std::vector<int32_t>& rows, int maxSlots);

  // The weighted median of the targets of the node on rows [begin, end).
  double median(int64_t begin, int64_t end) const;
  // Makes [begin, end) the node searched by examine(); returns its sum w * |y - center|.
  double prepare(int64_t begin, int64_t end, double center);
  // Searches feature f on the prepared node; false when it is constant there. rng draws
  // extra trees' random splits.
  bool examine(SplitChoice& best, int f, double parentCost, Mulberry32& rng);
  // Splits the node's sorted range stably: rows with left[r] == 1 first.
  void partition(int64_t begin, int64_t end, const uint8_t* left);

 private:
  const GrowData& d_;
  const GrowParams& p_;
  const double* y_;
  const double* w_;
  std::vector<int32_t> order_, tmp_;
  std::vector<double> ys_, ws_;
  int64_t n_ = 0, top_ = 0, begin_ = 0;
  double nodeWeight_ = 0;
  std::vector<double> fw_, fs_;
  double W_ = 0, S_ = 0;
  std::vector<int32_t> slotCount_, slotStart_, slotFill_, present_, seq_;
  std::vector<int32_t> bySlot_;
  std::vector<double> slotWeight_, keys_, fwd_, fwdM_, bwd_, bwdM_;

  int bucket(const uint8_t* col, int nb);
  void examineNumeric(SplitChoice& best, int f, int nb, int m, double parentCost, Mulberry32& rng);
  void examineCategorical(SplitChoice& best, int f, int m, double parentCost, Mulberry32& rng);
  void consider(SplitChoice& best, int f, int threshold, bool missingLeft, bool missingSeen, double CL, double WL,
                double gain, double parentCost) const;
  static bool better(double gain, double best, double parentCost);
  bool admissible(double CL, double WL) const;
  double slotMedian(int s) const;
  void pass(const int32_t* seq, int len, int first, double* out);
  double costOf(int s);
  void reset();
  void addSlot(int s);
  double cost() const;
};

}  // namespace mlsweep
