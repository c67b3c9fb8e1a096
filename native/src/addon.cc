// The N-API surface of the native backend. Each exported function takes typed arrays
// that TypeScript allocated and fills them in place (zero copy); shapes were validated
// on the TypeScript side, and are re-checked here where a mistake would touch memory.
#include <napi.h>

#include <thread>
#include <vector>

#include "binning.h"
#include "napi_util.h"
#include "parallel.h"

namespace mlsweep {

void InitTrees(Napi::Env env, Napi::Object exports);  // addon_trees.cc
void InitLinear(Napi::Env env, Napi::Object exports);  // addon_linear.cc

namespace {

struct BinningArgs {
  const double* data;
  int64_t nRows;
  int nCols;
  int maxBins;
  int64_t sampleSize;
  uint32_t seed;
  int nThreads;
  BinEdgesView edges;
  uint8_t* out;  // may be null: fit only
};

// Arguments: data, nRows, nCols, maxBins, sampleSize, seed, nThreads, categorical,
// nBins, otherBin, edges, out (Uint8Array or null).
BinningArgs readBinningArgs(const Napi::CallbackInfo& info) {
  BinningArgs a{};
  size_t dataLen = 0;
  a.data = typedData<double>(info, 0, napi_float64_array, "data", &dataLen);
  a.nRows = intArg(info, 1);
  a.nCols = static_cast<int>(intArg(info, 2));
  a.maxBins = static_cast<int>(intArg(info, 3));
  a.sampleSize = intArg(info, 4);
  a.seed = static_cast<uint32_t>(info[5].As<Napi::Number>().Int64Value());
  a.nThreads = static_cast<int>(intArg(info, 6));
  size_t catLen = 0, nBinsLen = 0, otherLen = 0, edgesLen = 0;
  a.edges.nCols = a.nCols;
  a.edges.categorical = typedData<uint8_t>(info, 7, napi_uint8_array, "categorical", &catLen);
  a.edges.nBins = typedData<int32_t>(info, 8, napi_int32_array, "nBins", &nBinsLen);
  a.edges.otherBin = typedData<int32_t>(info, 9, napi_int32_array, "otherBin", &otherLen);
  a.edges.edges = typedData<double>(info, 10, napi_float64_array, "edges", &edgesLen);
  a.out = nullptr;
  size_t outLen = 0;
  if (!info[11].IsNull() && !info[11].IsUndefined()) {
    a.out = typedData<uint8_t>(info, 11, napi_uint8_array, "out", &outLen);
  }
  const size_t cells = static_cast<size_t>(a.nRows) * static_cast<size_t>(a.nCols);
  if (dataLen != cells || catLen != static_cast<size_t>(a.nCols) || nBinsLen != catLen || otherLen != catLen ||
      edgesLen != catLen * kMaxValueBins || (a.out && outLen != cells) || a.maxBins < 2 ||
      a.maxBins > kMaxValueBins) {
    throw Napi::RangeError::New(info.Env(), "binning: buffer sizes do not match the matrix shape");
  }
  return a;
}

void runBinning(const BinningArgs& a, bool fit) {
  if (fit) {
    std::vector<int32_t> rows;
    const bool sampled = a.nRows > a.sampleSize;
    if (sampled) {
      rows.resize(a.sampleSize);
      sampleIndices(a.nRows, a.sampleSize, a.seed, rows.data());
    }
    fitBinEdges(a.data, a.nRows, sampled ? rows.data() : nullptr, sampled ? a.sampleSize : a.nRows, a.maxBins,
                a.edges, a.nThreads);
  }
  if (a.out) applyBins(a.data, a.nRows, a.edges, a.out, a.nThreads);
}

// binSync(args..., fit: boolean): fit edges (when fit) then map to bins (when out given).
Napi::Value BinSync(const Napi::CallbackInfo& info) {
  BinningArgs a = readBinningArgs(info);
  runBinning(a, info[12].ToBoolean());
  return info.Env().Undefined();
}

class BinWorker : public Napi::AsyncWorker {
 public:
  BinWorker(Napi::Env env, BinningArgs args, bool fit, std::vector<Napi::ObjectReference> keep)
      : Napi::AsyncWorker(env), args_(args), fit_(fit), keep_(std::move(keep)), deferred_(env) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override { runBinning(args_, fit_); }
  void OnOK() override { deferred_.Resolve(Env().Undefined()); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  BinningArgs args_;
  bool fit_;
  std::vector<Napi::ObjectReference> keep_;  // keeps the typed arrays alive while the thread runs
  Napi::Promise::Deferred deferred_;
};

// binAsync: same arguments as binSync; the work runs on the libuv pool and the
// returned promise settles on the main thread.
Napi::Value BinAsync(const Napi::CallbackInfo& info) {
  BinningArgs a = readBinningArgs(info);
  std::vector<Napi::ObjectReference> keep;
  for (size_t i : {0, 7, 8, 9, 10, 11}) {
    if (info[i].IsObject()) keep.push_back(Napi::Persistent(info[i].As<Napi::Object>()));
  }
  auto* worker = new BinWorker(info.Env(), a, info[12].ToBoolean(), std::move(keep));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("threads", Napi::Number::New(info.Env(), resolveThreads(0)));
  o.Set("napiVersion", Napi::Number::New(info.Env(), NAPI_VERSION));
#if defined(__clang__)
  o.Set("compiler", Napi::String::New(info.Env(), "clang " __clang_version__));
#elif defined(__GNUC__)
  o.Set("compiler", Napi::String::New(info.Env(), "gcc " __VERSION__));
#else
  o.Set("compiler", Napi::String::New(info.Env(), "unknown"));
#endif
  return o;
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("binSync", Napi::Function::New(env, BinSync));
  exports.Set("binAsync", Napi::Function::New(env, BinAsync));
  exports.Set("info", Napi::Function::New(env, Info));
  InitTrees(env, exports);
  InitLinear(env, exports);
  return exports;
}

}  // namespace mlsweep

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return mlsweep::Init(env, exports); }

NODE_API_MODULE(mlsweep, InitAddon)
