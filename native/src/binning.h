// Quantile binning of a column-major feature matrix into uint8 bins. The rules are
// documented in src/compute/kernels/binning/edges.ts; this file and
// src/compute/kernels/binning/js.ts implement them identically.
#pragma once
#include <cstdint>

namespace mlsweep {

constexpr int kMissingBin = 255;
constexpr int kMaxValueBins = 255;

struct BinEdgesView {
  int nCols;
  const uint8_t* categorical;  // nCols
  int32_t* nBins;              // nCols
  int32_t* otherBin;           // nCols
  double* edges;               // nCols * kMaxValueBins
};

// Sampled row indices, drawn exactly as sampleIndices() in src/compute/rng.ts.
void sampleIndices(int64_t n, int64_t k, uint32_t seed, int32_t* out);

void fitBinEdges(const double* data, int64_t nRows, const int32_t* rows, int64_t nSample,
                 int maxBins, BinEdgesView edges, int nThreads);

void applyBins(const double* data, int64_t nRows, BinEdgesView edges, uint8_t* out, int nThreads);

// out[c * 256 + b] = the rows whose bin in column c is b, for a column-major bin matrix.
void countBins(const uint8_t* bins, int64_t nRows, int nCols, double* out);

}  // namespace mlsweep
