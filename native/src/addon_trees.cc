// N-API surface of the tree learners: growTree / growTreeAsync (one tree, the boosting
// step), growForest / growForestAsync (forests, trees in parallel) and predictTrees.
// The TypeScript side (src/compute/kernels/trees/native.ts) validates shapes; sizes that would
// touch memory out of bounds are re-checked here.
#include <napi.h>

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "binning.h"
#include "boosting_kernels.h"
#include "fdlibm_exp.h"
#include "napi_util.h"
#include "parallel.h"
#include "tree_forest.h"
#include "tree_grow.h"

namespace mlsweep {
namespace {

template <typename T>
Napi::Value copyOut(Napi::Env env, const std::vector<T>& v);

template <>
Napi::Value copyOut(Napi::Env env, const std::vector<int32_t>& v) {
  auto a = Napi::Int32Array::New(env, v.size());
  std::copy(v.begin(), v.end(), a.Data());
  return a;
}
template <>
Napi::Value copyOut(Napi::Env env, const std::vector<uint8_t>& v) {
  auto a = Napi::Uint8Array::New(env, v.size());
  std::copy(v.begin(), v.end(), a.Data());
  return a;
}
template <>
Napi::Value copyOut(Napi::Env env, const std::vector<uint32_t>& v) {
  auto a = Napi::Uint32Array::New(env, v.size());
  std::copy(v.begin(), v.end(), a.Data());
  return a;
}
template <>
Napi::Value copyOut(Napi::Env env, const std::vector<double>& v) {
  auto a = Napi::Float64Array::New(env, v.size());
  std::copy(v.begin(), v.end(), a.Data());
  return a;
}

Napi::Object treeToJs(Napi::Env env, const Tree& t) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("nNodes", Napi::Number::New(env, t.nNodes()));
  o.Set("nOut", Napi::Number::New(env, t.nOut));
  o.Set("feature", copyOut(env, t.feature));
  o.Set("threshold", copyOut(env, t.threshold));
  o.Set("missingLeft", copyOut(env, t.missingLeft));
  o.Set("left", copyOut(env, t.left));
  o.Set("right", copyOut(env, t.right));
  o.Set("catIndex", copyOut(env, t.catIndex));
  o.Set("catBits", copyOut(env, t.catBits));
  o.Set("value", copyOut(env, t.value));
  o.Set("gain", copyOut(env, t.gain));
  o.Set("cover", copyOut(env, t.cover));
  return o;
}

// Typed-array arguments are kept alive while a worker thread reads them.
std::vector<Napi::ObjectReference> keepAlive(const Napi::CallbackInfo& info, size_t n) {
  std::vector<Napi::ObjectReference> keep;
  for (size_t i = 0; i < n; i++) {
    if (info[i].IsTypedArray()) keep.push_back(Napi::Persistent(info[i].As<Napi::Object>()));
  }
  return keep;
}

void checkShape(const Napi::CallbackInfo& info, bool ok, const char* what) {
  if (!ok) throw Napi::RangeError::New(info.Env(), std::string("trees: ") + what);
}

// True when lo <= a[i] < hi for every i < n: 32-bit comparisons whose results are or-ed,
// a loop the compiler vectorizes (the per-row arrays of every boosting round are checked
// this way). Bounds outside 32 bits are clamped, which changes no answer.
bool allInRange(const int32_t* a, size_t n, int64_t lo, int64_t hi) {
  if (hi <= lo) return n == 0;
  constexpr int64_t kMin = std::numeric_limits<int32_t>::min(), kMax = std::numeric_limits<int32_t>::max();
  const int32_t low = static_cast<int32_t>(std::max(lo, kMin));
  const int32_t high = static_cast<int32_t>(std::min(hi - 1, kMax));  // the largest allowed
  int32_t bad = 0;
  for (size_t i = 0; i < n; i++) bad |= static_cast<int32_t>(a[i] < low) | static_cast<int32_t>(a[i] > high);
  return bad == 0;
}

// Reads bins, nRows, nCols, nBins, categorical from arguments 0..4.
GrowData readBinned(const Napi::CallbackInfo& info) {
  GrowData d{};
  size_t binsLen = 0, nBinsLen = 0, catLen = 0;
  d.bins = typedData<uint8_t>(info, 0, napi_uint8_array, "bins", &binsLen);
  d.nRows = intArg(info, 1);
  d.nCols = static_cast<int>(intArg(info, 2));
  d.nBins = typedData<int32_t>(info, 3, napi_int32_array, "nBins", &nBinsLen);
  d.categorical = typedData<uint8_t>(info, 4, napi_uint8_array, "categorical", &catLen);
  checkShape(info,
             binsLen == static_cast<size_t>(d.nRows) * d.nCols && nBinsLen == static_cast<size_t>(d.nCols) &&
                 catLen == nBinsLen,
             "bins do not match the matrix shape");
  for (int f = 0; f < d.nCols; f++) checkShape(info, d.nBins[f] >= 0 && d.nBins[f] <= 255, "nBins out of range");
  return d;
}

const int32_t* readFeatures(const Napi::CallbackInfo& info, size_t index, GrowData& d) {
  size_t len = 0;
  const int32_t* features = typedData<int32_t>(info, index, napi_int32_array, "features", &len);
  checkShape(info, allInRange(features, len, 0, d.nCols), "bad feature index");
  d.features = features;
  d.nFeatures = static_cast<int>(len);
  return features;
}

GrowParams readParams(const Napi::CallbackInfo& info, size_t index) {
  size_t len = 0;
  const double* p = typedData<double>(info, index, napi_float64_array, "params", &len);
  checkShape(info, len == 13, "params must hold 13 numbers");
  GrowParams g = unpackGrowParams(p);
  checkShape(info, g.mode >= 0 && g.mode <= kModeAbsolute && g.nClasses >= 1, "bad mode or class count");
  return g;
}

// The optional value edges (BinEdges.edges, nCols x 255) at argument `index`.
void readEdges(const Napi::CallbackInfo& info, size_t index, GrowData& d) {
  if (info[index].IsNull() || info[index].IsUndefined()) return;
  size_t len = 0;
  d.edges = typedData<double>(info, index, napi_float64_array, "edges", &len);
  checkShape(info, len == static_cast<size_t>(d.nCols) * 255, "edges must have nCols x 255 entries");
}

struct TreeCall {
  GrowData data;
  GrowParams params;
  int32_t* leafOfRow;
};

// growTree(bins, nRows, nCols, nBins, categorical, grad, hess, label, rows, features, params,
//          nThreads, leafOfRow | null, binCounts | null, edges | null)
TreeCall readTreeCall(const Napi::CallbackInfo& info) {
  TreeCall c{};
  c.data = readBinned(info);
  size_t gradLen = 0, hessLen = 0, labelLen = 0, rowsLen = 0;
  c.data.grad = typedData<double>(info, 5, napi_float64_array, "grad", &gradLen);
  c.data.hess = typedData<double>(info, 6, napi_float64_array, "hess", &hessLen);
  c.data.label = typedData<int32_t>(info, 7, napi_int32_array, "label", &labelLen);
  c.data.rows = typedData<int32_t>(info, 8, napi_int32_array, "rows", &rowsLen);
  c.data.nUsedRows = static_cast<int64_t>(rowsLen);
  readFeatures(info, 9, c.data);
  c.params = readParams(info, 10);
  c.data.nThreads = static_cast<int>(intArg(info, 11));
  c.leafOfRow = nullptr;
  if (!info[12].IsNull() && !info[12].IsUndefined()) {
    size_t len = 0;
    c.leafOfRow = typedData<int32_t>(info, 12, napi_int32_array, "leafOfRow", &len);
    checkShape(info, len == static_cast<size_t>(c.data.nRows), "leafOfRow must have nRows entries");
  }
  if (!info[13].IsNull() && !info[13].IsUndefined()) {
    size_t len = 0;
    c.data.binCounts = typedData<double>(info, 13, napi_float64_array, "binCounts", &len);
    checkShape(info, len == static_cast<size_t>(c.data.nCols) * 256, "binCounts must have nCols x 256 entries");
  }
  readEdges(info, 14, c.data);
  const size_t n = static_cast<size_t>(c.data.nRows);
  // gradient and absolute modes read grad (gradients or targets), class modes labels
  const bool gradient = c.params.mode == kModeGradient || c.params.mode == kModeAbsolute;
  checkShape(info, hessLen == n && (!gradient || gradLen == n) && (gradient || labelLen == n),
             "per-row statistics must have nRows entries");
  checkShape(info, allInRange(c.data.rows, rowsLen, 0, c.data.nRows), "bad row");
  if (!gradient) checkShape(info, allInRange(c.data.label, n, 0, c.params.nClasses), "label out of range");
  return c;
}

// countBins(bins, nRows, nCols) -> Float64Array(nCols x 256): rows per bin value per column.
Napi::Value CountBins(const Napi::CallbackInfo& info) {
  size_t len = 0;
  const uint8_t* bins = typedData<uint8_t>(info, 0, napi_uint8_array, "bins", &len);
  const int64_t nRows = intArg(info, 1);
  const int nCols = static_cast<int>(intArg(info, 2));
  checkShape(info, nRows >= 0 && nCols >= 0 && len == static_cast<size_t>(nRows) * nCols,
             "bins do not match the matrix shape");
  Napi::Float64Array out = Napi::Float64Array::New(info.Env(), static_cast<size_t>(nCols) * 256);
  countBins(bins, nRows, nCols, out.Data());
  return out;
}

Napi::Value GrowTreeSync(const Napi::CallbackInfo& info) {
  TreeCall c = readTreeCall(info);
  Tree t;
  growTree(c.data, c.params, t, c.leafOfRow);
  return treeToJs(info.Env(), t);
}

class TreeWorker : public Napi::AsyncWorker {
 public:
  TreeWorker(Napi::Env env, TreeCall call, std::vector<Napi::ObjectReference> keep)
      : Napi::AsyncWorker(env), call_(call), keep_(std::move(keep)), deferred_(env) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override { growTree(call_.data, call_.params, tree_, call_.leafOfRow); }
  void OnOK() override { deferred_.Resolve(treeToJs(Env(), tree_)); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  TreeCall call_;
  Tree tree_;
  std::vector<Napi::ObjectReference> keep_;
  Napi::Promise::Deferred deferred_;
};

Napi::Value GrowTreeAsync(const Napi::CallbackInfo& info) {
  TreeCall c = readTreeCall(info);
  auto* worker = new TreeWorker(info.Env(), c, keepAlive(info, 15));
  Napi::Promise p = worker->Promise();
  worker->Queue();
  return p;
}

// growForest(bins, nRows, nCols, nBins, categorical, target, weight, label, features, params,
//            nThreads, nTrees, seed, bootstrapSamples, oobSum | null, oobCount | null,
//            balancedSubsample, edges | null)
ForestArgs readForestCall(const Napi::CallbackInfo& info) {
  ForestArgs a{};
  a.data = readBinned(info);
  size_t targetLen = 0, weightLen = 0, labelLen = 0;
  a.target = typedData<double>(info, 5, napi_float64_array, "target", &targetLen);
  a.weight = typedData<double>(info, 6, napi_float64_array, "weight", &weightLen);
  a.data.label = typedData<int32_t>(info, 7, napi_int32_array, "label", &labelLen);
  readFeatures(info, 8, a.data);
  a.params = readParams(info, 9);
  a.data.nThreads = static_cast<int>(intArg(info, 10));
  a.nTrees = static_cast<int>(intArg(info, 11));
  a.seed = static_cast<uint32_t>(info[12].As<Napi::Number>().Int64Value());
  a.bootstrapSamples = intArg(info, 13);
  a.oobSum = nullptr;
  a.oobCount = nullptr;
  const size_t n = static_cast<size_t>(a.data.nRows);
  // gradient and absolute modes read targets, class modes labels
  const bool gradient = a.params.mode == kModeGradient || a.params.mode == kModeAbsolute;
  checkShape(info, weightLen == n && (!gradient || targetLen == n) && (gradient || labelLen == n),
             "per-row arrays must have nRows entries");
  if (!gradient) {
    for (size_t i = 0; i < n; i++)
      checkShape(info, a.data.label[i] >= 0 && a.data.label[i] < a.params.nClasses, "label out of range");
  }
  if (!info[14].IsNull() && !info[14].IsUndefined()) {
    size_t sumLen = 0, countLen = 0;
    a.oobSum = typedData<double>(info, 14, napi_float64_array, "oobSum", &sumLen);
    a.oobCount = typedData<double>(info, 15, napi_float64_array, "oobCount", &countLen);
    const size_t nOut = gradient ? 1 : static_cast<size_t>(a.params.nClasses);
    checkShape(info, sumLen == n * nOut && countLen == n, "oob buffers do not match the shape");
  }
  checkShape(info, a.nTrees >= 0 && a.bootstrapSamples >= 0, "bad tree or sample count");
  a.balancedSubsample = info[16].ToBoolean().Value();
  checkShape(info, !a.balancedSubsample || !gradient, "balancedSubsample needs a class mode");
  readEdges(info, 17, a.data);
  return a;
}

Napi::Value treesToJs(Napi::Env env, const std::vector<Tree>& trees) {
  Napi::Array arr = Napi::Array::New(env, trees.size());
  for (size_t i = 0; i < trees.size(); i++) arr.Set(static_cast<uint32_t>(i), treeToJs(env, trees[i]));
  return arr;
}

Napi::Value GrowForestSync(const Napi::CallbackInfo& info) {
  ForestArgs a = readForestCall(info);
  std::vector<Tree> trees;
  growForest(a, trees);
  return treesToJs(info.Env(), trees);
}

class ForestWorker : public Napi::AsyncWorker {
 public:
  ForestWorker(Napi::Env env, ForestArgs args, std::vector<Napi::ObjectReference> keep)
      : Napi::AsyncWorker(env), args_(args), keep_(std::move(keep)), deferred_(env) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override { growForest(args_, trees_); }
  void OnOK() override { deferred_.Resolve(treesToJs(Env(), trees_)); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  ForestArgs args_;
  std::vector<Tree> trees_;
  std::vector<Napi::ObjectReference> keep_;
  Napi::Promise::Deferred deferred_;
};

Napi::Value GrowForestAsync(const Napi::CallbackInfo& info) {
  ForestArgs a = readForestCall(info);
  auto* worker = new ForestWorker(info.Env(), a, keepAlive(info, 18));
  Napi::Promise p = worker->Promise();
  worker->Queue();
  return p;
}

template <typename T>
const T* field(Napi::Env env, Napi::Object o, const char* name, napi_typedarray_type type, size_t expected) {
  Napi::Value v = o.Get(name);
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type) {
    throw Napi::TypeError::New(env, std::string("tree field '") + name + "' has the wrong type");
  }
  Napi::TypedArray a = v.As<Napi::TypedArray>();
  if (expected != static_cast<size_t>(-1) && a.ElementLength() != expected) {
    throw Napi::RangeError::New(env, std::string("tree field '") + name + "' has the wrong length");
  }
  return reinterpret_cast<const T*>(static_cast<const uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset());
}

// The trees of a forest read once into views over their typed arrays and checked node by
// node. Reading and checking cost O(nodes) (a 100-tree forest: ~10^5 nodes, ~0.5 ms), far
// more than scoring one row (~5 us), so a server's one-row requests use a prepared forest.
struct PreparedForest {
  std::vector<TreeView> views;
  int nCols = 0;
  int nOut = 1;
};

// One tree of TypeScript's TreeArrays as a view over its typed arrays, checked node by node
// (`what` names the calling function in errors).
TreeView readTreeView(const Napi::CallbackInfo& info, Napi::Object o, int nCols, const char* what) {
  Napi::Env env = info.Env();
  const size_t n = static_cast<size_t>(o.Get("nNodes").As<Napi::Number>().Int64Value());
  TreeView v{};
  v.nOut = static_cast<int>(o.Get("nOut").As<Napi::Number>().Int32Value());
  v.nNodes = static_cast<int64_t>(n);
  v.feature = field<int32_t>(env, o, "feature", napi_int32_array, n);
  v.threshold = field<int32_t>(env, o, "threshold", napi_int32_array, n);
  v.left = field<int32_t>(env, o, "left", napi_int32_array, n);
  v.right = field<int32_t>(env, o, "right", napi_int32_array, n);
  v.catIndex = field<int32_t>(env, o, "catIndex", napi_int32_array, n);
  v.missingLeft = field<uint8_t>(env, o, "missingLeft", napi_uint8_array, n);
  v.catBits = field<uint32_t>(env, o, "catBits", napi_uint32_array, static_cast<size_t>(-1));
  const size_t catWords = o.Get("catBits").As<Napi::TypedArray>().ElementLength();
  v.value = field<double>(env, o, "value", napi_float64_array, n * v.nOut);
  auto check = [&](bool ok, const char* problem) {
    if (!ok) checkShape(info, false, (std::string(what) + ": " + problem).c_str());
  };
  check(n > 0, "empty tree");
  for (size_t j = 0; j < n; j++) {
    const bool internal = v.feature[j] >= 0;
    check(v.catIndex[j] < 0 || static_cast<size_t>(v.catIndex[j] + 1) * 8 <= catWords, "category set out of range");
    check(v.feature[j] < nCols && (!internal || (v.left[j] > 0 && static_cast<size_t>(v.left[j]) < n &&
                                                 v.right[j] > 0 && static_cast<size_t>(v.right[j]) < n)),
          "malformed tree");
  }
  return v;
}

void readForest(const Napi::CallbackInfo& info, Napi::Array arr, int nCols, PreparedForest& forest) {
  forest.nCols = nCols;
  forest.views.clear();
  for (uint32_t i = 0; i < arr.Length(); i++) {
    TreeView v = readTreeView(info, arr.Get(i).As<Napi::Object>(), nCols, "predictTrees");
    checkShape(info, i == 0 || v.nOut == forest.nOut, "predictTrees: trees with different outputs");
    forest.nOut = v.nOut;
    forest.views.push_back(v);
  }
}

// Where a call's scoring arguments are: predictTrees and predictPrepared order them apart.
struct ScoreArgIndex {
  size_t bins, nRows, nCols, scales, out, nThreads;
};

// Scores with a read forest after checking the call's arguments against it.
void predictForest(const Napi::CallbackInfo& info, const PreparedForest& forest, const ScoreArgIndex& at) {
  size_t binsLen = 0, scalesLen = 0, outLen = 0;
  const uint8_t* bins = typedData<uint8_t>(info, at.bins, napi_uint8_array, "bins", &binsLen);
  const int64_t nRows = intArg(info, at.nRows);
  const int nCols = static_cast<int>(intArg(info, at.nCols));
  const double* scales = typedData<double>(info, at.scales, napi_float64_array, "scales", &scalesLen);
  double* out = typedData<double>(info, at.out, napi_float64_array, "out", &outLen);
  const int nThreads = static_cast<int>(intArg(info, at.nThreads));
  checkShape(info,
             nCols == forest.nCols && binsLen == static_cast<size_t>(nRows) * nCols &&
                 scalesLen == forest.views.size(),
             "predictTrees: bins or scales do not match");
  checkShape(info, forest.views.empty() || outLen == static_cast<size_t>(nRows) * forest.nOut,
             "predictTrees: out has the wrong size");
  predictTrees(bins, nRows, forest.views, scales, out, nThreads);
}

// predictTrees(bins, nRows, nCols, trees, scales, out, nThreads)
Napi::Value PredictTrees(const Napi::CallbackInfo& info) {
  PreparedForest forest;
  readForest(info, info[3].As<Napi::Array>(), static_cast<int>(intArg(info, 2)), forest);
  predictForest(info, forest, {0, 1, 2, 4, 5, 6});
  return info.Env().Undefined();
}

// prepareTrees(trees, nCols): a handle for predictPrepared. The handle points into the
// trees' typed arrays without holding them: the caller keeps it only as long as it keeps
// the trees array it came from, unchanged (trees/native.ts caches it in a WeakMap keyed by
// that array, so both die together).
Napi::Value PrepareTrees(const Napi::CallbackInfo& info) {
  auto* forest = new PreparedForest();
  try {
    readForest(info, info[0].As<Napi::Array>(), static_cast<int>(intArg(info, 1)), *forest);
  } catch (...) {
    delete forest;
    throw;
  }
  return Napi::External<PreparedForest>::New(info.Env(), forest,
                                             [](Napi::Env, PreparedForest* f) { delete f; });
}

// predictPrepared(handle, bins, nRows, nCols, scales, out, nThreads)
Napi::Value PredictPrepared(const Napi::CallbackInfo& info) {
  if (!info[0].IsExternal()) throw Napi::TypeError::New(info.Env(), "predictPrepared: not a prepared forest");
  predictForest(info, *info[0].As<Napi::External<PreparedForest>>().Data(), {1, 2, 3, 4, 5, 6});
  return info.Env().Undefined();
}

}  // namespace

// logLossGradients(y, F, w, g, h, exp | null): binary log loss gradients and hessians,
// p = 1 / (1 + exp(-F)), g = w (p - y), h = w p (1 - p), with exp as Math.exp computes it
// (boosting_kernels.h): the same values as the boosting kernel's js implementation. With
// `exp` given, only fills it with exp(F[i]) (for the tests).
Napi::Value LogLossGradients(const Napi::CallbackInfo& info) {
  size_t n = 0, nF = 0, nW = 0, nG = 0, nH = 0;
  const double* y = typedData<double>(info, 0, napi_float64_array, "y", &n);
  const double* F = typedData<double>(info, 1, napi_float64_array, "F", &nF);
  const double* w = typedData<double>(info, 2, napi_float64_array, "w", &nW);
  double* g = typedData<double>(info, 3, napi_float64_array, "g", &nG);
  double* h = typedData<double>(info, 4, napi_float64_array, "h", &nH);
  checkShape(info, nF >= n && nW >= n && nG >= n && nH >= n, "logLossGradients: arrays shorter than y");
  if (info.Length() > 5 && info[5].IsTypedArray()) {
    size_t nE = 0;
    double* e = typedData<double>(info, 5, napi_float64_array, "exp", &nE);
    checkShape(info, nE >= nF, "logLossGradients: exp shorter than F");
    for (size_t i = 0; i < nF; i++) e[i] = fdlibmExp(F[i]);
    return info.Env().Undefined();
  }
  logLossGradients(y, F, w, g, h, static_cast<int64_t>(n));
  return info.Env().Undefined();
}

// addTreeScores(tree, leafOfRow | null, bins, nRows, nCols, scale, F, nOut, column):
// F[r * nOut + column] += scale * the value of row r's leaf (boosting_kernels.h).
Napi::Value AddTreeScores(const Napi::CallbackInfo& info) {
  const int64_t nRows = intArg(info, 3);
  const int nCols = static_cast<int>(intArg(info, 4));
  const TreeView tree = readTreeView(info, info[0].As<Napi::Object>(), nCols, "addTreeScores");
  checkShape(info, tree.nOut == 1, "addTreeScores: the tree must have one output");
  const int32_t* leafOfRow = nullptr;
  if (!info[1].IsNull()) {
    size_t nLeaf = 0;
    leafOfRow = typedData<int32_t>(info, 1, napi_int32_array, "leafOfRow", &nLeaf);
    checkShape(info, nLeaf == static_cast<size_t>(nRows), "addTreeScores: leafOfRow must have nRows entries");
    checkShape(info, allInRange(leafOfRow, nLeaf, std::numeric_limits<int32_t>::min(), tree.nNodes),
               "addTreeScores: leafOfRow names a node the tree lacks");
  }
  size_t binsLen = 0, fLen = 0;
  const uint8_t* bins = typedData<uint8_t>(info, 2, napi_uint8_array, "bins", &binsLen);
  const double scale = info[5].As<Napi::Number>().DoubleValue();
  double* F = typedData<double>(info, 6, napi_float64_array, "F", &fLen);
  const int nOut = static_cast<int>(intArg(info, 7));
  const int column = static_cast<int>(intArg(info, 8));
  checkShape(info, binsLen == static_cast<size_t>(nRows) * nCols, "addTreeScores: bins do not match nRows x nCols");
  checkShape(info, nOut >= 1 && column >= 0 && column < nOut && fLen == static_cast<size_t>(nRows) * nOut,
             "addTreeScores: F must hold nRows x nOut scores and column be below nOut");
  addTreeScores(tree, leafOfRow, bins, nRows, scale, F, nOut, column);
  return info.Env().Undefined();
}

void InitTrees(Napi::Env env, Napi::Object exports) {
  exports.Set("logLossGradients", Napi::Function::New(env, LogLossGradients));
  exports.Set("addTreeScores", Napi::Function::New(env, AddTreeScores));
  exports.Set("countBins", Napi::Function::New(env, CountBins));
  exports.Set("growTree", Napi::Function::New(env, GrowTreeSync));
  exports.Set("growTreeAsync", Napi::Function::New(env, GrowTreeAsync));
  exports.Set("growForest", Napi::Function::New(env, GrowForestSync));
  exports.Set("growForestAsync", Napi::Function::New(env, GrowForestAsync));
  exports.Set("predictTrees", Napi::Function::New(env, PredictTrees));
  exports.Set("prepareTrees", Napi::Function::New(env, PrepareTrees));
  exports.Set("predictPrepared", Napi::Function::New(env, PredictPrepared));
}

}  // namespace mlsweep
