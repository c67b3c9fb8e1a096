// Which vector instruction sets the kernels may use, decided once per process from the CPU.
// MLSWEEP_NATIVE_NO_AVX512=1 in the environment turns the AVX-512 paths off, so that the
// AVX2/AVX paths every other x86-64 CPU takes can be tested on a machine that has AVX-512
// (test/compute/isa-fallback.test.ts); the results are the same bit for bit either way.
#pragma once
#include <cstdlib>
#include <cstring>

namespace mlsweep {

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// AVX-512 F, DQ and VL: every AVX-512 kernel here needs no more.
inline bool cpuHasAvx512() {
  static const bool has = [] {
    const char* off = std::getenv("MLSWEEP_NATIVE_NO_AVX512");
    if (off != nullptr && std::strcmp(off, "1") == 0) return false;
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl");
  }();
  return has;
}
#else
inline bool cpuHasAvx512() { return false; }
#endif

}  // namespace mlsweep
