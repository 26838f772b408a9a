// A register-blocked, cache-packed sgemm in the GotoBLAS/BLIS layout: op(B) is copied in
// panels of KC rows x NR columns and op(A) in panels of MR rows x KC columns, so the inner
// micro-kernel streams both from contiguous, aligned memory whatever the transposes and
// leading dimensions were, and keeps an MR x NR tile of C in registers over KC steps.
//
// The micro-kernels (sgemm-micro-kernels.h) for AVX-512 and AVX2 carry `target` attributes and
// are picked at load with __builtin_cpu_supports, so one build runs on any x86-64; elsewhere
// (aarch64, ...) only the portable kernel is compiled.
#include "sgemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "sgemm-micro-kernels.h"

namespace lrsweep {
namespace {

// One micro-kernel call: C[0:mr, 0:nr] = alpha * (Apanel @ Bpanel) + beta * C over kc steps,
// where Apanel holds MR floats per step and Bpanel NR floats per step (zero-padded past mr/nr).
using MicroKernel = void (*)(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int64_t mr,
                             int64_t nr, float alpha, float beta);

// A micro-kernel reading op(A)(i, p) in place at a[i * rowStride + p * stepStride] instead of
// from a packed panel.
using DirectAKernel = void (*)(int64_t kc, const float* a, int64_t rowStride, int64_t stepStride, const float* b,
                               float* c, int64_t ldc, int64_t mr, int64_t nr, float alpha, float beta);

// Copies a block of op(A) or op(B) into micro-panels (see PackA, PackB below).
using Pack = void (*)(bool trans, const float* x, int64_t ld, int64_t r0, int64_t rows, int64_t c0, int64_t cols,
                      float* out);

struct Kernels {
  const char* name;
  int64_t mr, nr;
  // Block sizes: a KC x NR panel of B stays in L1 while the MR-row panels of A (MC x KC, in L2)
  // pass it; a KC x NC block of B lives in L2/L3.
  int64_t kc, mc, nc;
  MicroKernel kernel;
  Pack packA, packB;  // PackA<mr>, PackB<nr>
  // Where set, used instead of packing A (the narrow kernels only).
  DirectAKernel directA = nullptr;
  // Used instead for products at most 16 columns wide: there NR = 32 would be mostly padding,
  // and packing A costs as much as the arithmetic.
  const Kernels* narrow = nullptr;
};

// op(A)[i0:i0+mc, p0:p0+kc] as ceil(mc/MR) panels, each kc steps of MR floats; rows past mc
// are 0. MR is a constant so the per-step copies compile to a few vector moves: packing costs
// as much as the arithmetic in the thin products (k = 64, or n = 10).
template <int64_t MR>
void PackA(bool trans, const float* a, int64_t lda, int64_t i0, int64_t mc, int64_t p0, int64_t kc, float* out) {
  for (int64_t ir = 0; ir < mc; ir += MR, out += MR * kc) {
    const int64_t rows = std::min(MR, mc - ir);
    if (trans) {  // op(A)(i, p) = a[p * lda + i]: each step's MR values are contiguous
      for (int64_t p = 0; p < kc; p++) {
        const float* src = a + (p0 + p) * lda + i0 + ir;
        float* dst = out + p * MR;
        if (rows == MR) {
          std::memcpy(dst, src, MR * sizeof(float));
        } else {
          for (int64_t i = 0; i < MR; i++) dst[i] = i < rows ? src[i] : 0.0f;
        }
      }
    } else if (rows == MR) {  // op(A)(i, p) = a[i * lda + p]: MR rows read side by side, steps written whole
      const float* src = a + (i0 + ir) * lda + p0;
      for (int64_t p = 0; p < kc; p++) {
        float* dst = out + p * MR;
#pragma GCC unroll 16
        for (int64_t i = 0; i < MR; i++) dst[i] = src[i * lda + p];
      }
    } else {
      for (int64_t i = 0; i < MR; i++) {
        const float* src = a + (i0 + ir + i) * lda + p0;
        for (int64_t p = 0; p < kc; p++) out[p * MR + i] = i < rows ? src[p] : 0.0f;
      }
    }
  }
}

// op(B)[p0:p0+kc, j0:j0+nc] as ceil(nc/NR) panels, each kc steps of NR floats; columns past nc are 0.
template <int64_t NR>
void PackB(bool trans, const float* b, int64_t ldb, int64_t p0, int64_t kc, int64_t j0, int64_t nc, float* out) {
  for (int64_t jr = 0; jr < nc; jr += NR, out += NR * kc) {
    const int64_t cols = std::min(NR, nc - jr);
    if (trans) {  // op(B)(p, j) = b[j * ldb + p]: read each column of op(B) contiguously
      for (int64_t j = 0; j < NR; j++) {
        const float* src = b + (j0 + jr + j) * ldb + p0;
        for (int64_t p = 0; p < kc; p++) out[p * NR + j] = j < cols ? src[p] : 0.0f;
      }
    } else {
      for (int64_t p = 0; p < kc; p++) {
        const float* src = b + (p0 + p) * ldb + j0 + jr;
        float* dst = out + p * NR;
        if (cols == NR) {
          std::memcpy(dst, src, NR * sizeof(float));
        } else {
          for (int64_t j = 0; j < NR; j++) dst[j] = j < cols ? src[j] : 0.0f;
        }
      }
    }
  }
}

using namespace micro;  // the kernels and their tile sizes

// PackB (not transposed) of the rows rowsOfB[p0 .. p0+kc) of B: op(B)'s row p is B's row
// rowsOfB[p], so a product skips the rows its A has no nonzero column for.
template <int64_t NR>
void PackBRowsOf(const float* b, int64_t ldb, const int32_t* rowsOfB, int64_t p0, int64_t kc, int64_t j0, int64_t nc,
                 float* out) {
  for (int64_t jr = 0; jr < nc; jr += NR, out += NR * kc) {
    const int64_t cols = std::min(NR, nc - jr);
    for (int64_t p = 0; p < kc; p++) {
      const float* src = b + rowsOfB[p0 + p] * ldb + j0 + jr;
      float* dst = out + p * NR;
      if (cols == NR) {
        std::memcpy(dst, src, NR * sizeof(float));
      } else {
        for (int64_t j = 0; j < NR; j++) dst[j] = j < cols ? src[j] : 0.0f;
      }
    }
  }
}

void PackBRows(int64_t nr, const float* b, int64_t ldb, const int32_t* rowsOfB, int64_t p0, int64_t kc, int64_t j0,
               int64_t nc, float* out) {
  switch (nr) {
    case 8: return PackBRowsOf<8>(b, ldb, rowsOfB, p0, kc, j0, nc, out);
    case 16: return PackBRowsOf<16>(b, ldb, rowsOfB, p0, kc, j0, nc, out);
    case 32: return PackBRowsOf<32>(b, ldb, rowsOfB, p0, kc, j0, nc, out);
    default: std::abort();  // every wide kernel's NR is listed above
  }
}

// The largest MR x NR of the wide kernels (AVX-512's 8 x 32): the tile an indexed C goes through.
constexpr int64_t kMaxTile = 8 * 32;


const Kernels kPortable = {"portable", kPortableMr, kPortableNr, 256, 128, 4096, KernelPortable, PackA<kPortableMr>, PackB<kPortableNr>};
#if LRSWEEP_X86
const Kernels kAvx2Narrow = {"avx2", kAvx2Mr, kAvx2Nr, 256, 120, 4096, KernelAvx2, PackA<kAvx2Mr>, PackB<kAvx2Nr>, KernelAvx2DirectA};
const Kernels kAvx2 = {"avx2", kAvx2Mr, kAvx2Nr, 256, 120, 4096, KernelAvx2, PackA<kAvx2Mr>, PackB<kAvx2Nr>, nullptr, &kAvx2Narrow};
const Kernels kAvx512Narrow = {"avx512", 16, 16, 256, 128, 4096, KernelAvx512<16, 1>, PackA<16>, PackB<16>, KernelAvx512DirectA<16>};
const Kernels kAvx512 = {"avx512", 8, 32, 256, 128, 4096, KernelAvx512<8, 2>, PackA<8>, PackB<32>, nullptr, &kAvx512Narrow};
#endif

const Kernels* Best() {
#if LRSWEEP_X86
  // __builtin_cpu_supports also checks that the OS saves the wider registers.
  if (__builtin_cpu_supports("avx512f")) return &kAvx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return &kAvx2;
#endif
  return &kPortable;
}

const Kernels* active = Best();

// Packing buffers, grown on demand and kept: a training step calls sgemm a few times per layer,
// and allocating per call would cost more than the smaller products.
struct Buffer {
  std::unique_ptr<float, decltype(&std::free)> data{nullptr, &std::free};
  size_t size = 0;
  float* Get(size_t floats) {
    if (floats > size) {
      const size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;
      data.reset(static_cast<float*>(std::aligned_alloc(64, bytes)));
      if (!data) std::abort();
      size = floats;
    }
    return data.get();
  }
};

void ScaleC(int64_t m, int64_t n, float beta, float* c, int64_t ldc) {
  for (int64_t i = 0; i < m; i++) {
    float* row = c + i * ldc;
    if (beta == 0) {
      std::fill(row, row + n, 0.0f);
    } else if (beta != 1) {
      for (int64_t j = 0; j < n; j++) row[j] *= beta;
    }
  }
}

}  // namespace

void Sgemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
           const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0 || alpha == 0) return ScaleC(m, n, beta, c, ldc);
  const Kernels& K = n <= 16 && active->narrow ? *active->narrow : *active;
  thread_local Buffer bufA, bufB;
  // Split K into equal blocks no longer than KC, so no block is a short remainder.
  const int64_t kBlocks = (k + K.kc - 1) / K.kc;
  const int64_t kcMax = ((k + kBlocks - 1) / kBlocks + 7) / 8 * 8;
  const int64_t ncMax = std::min(K.nc, (n + K.nr - 1) / K.nr * K.nr);
  const int64_t mcMax = std::min(K.mc, (m + K.mr - 1) / K.mr * K.mr);
  float* pb = bufB.Get(static_cast<size_t>(kcMax * ncMax));
  float* pa = bufA.Get(static_cast<size_t>(kcMax * mcMax));
  for (int64_t j0 = 0; j0 < n; j0 += K.nc) {
    const int64_t nc = std::min(K.nc, n - j0);
    for (int64_t p0 = 0; p0 < k; p0 += kcMax) {
      const int64_t kc = std::min(kcMax, k - p0);
      // The first K block applies beta; later ones add to what it wrote.
      const float blockBeta = p0 == 0 ? beta : 1.0f;
      K.packB(transB, b, ldb, p0, kc, j0, nc, pb);
      for (int64_t i0 = 0; i0 < m; i0 += K.mc) {
        const int64_t mc = std::min(K.mc, m - i0);
        const bool direct = K.directA != nullptr;
        if (!direct) K.packA(transA, a, lda, i0, mc, p0, kc, pa);
        // op(A)(i, p) is a[i * lda + p], or a[p * lda + i] when transposed.
        const int64_t rowStride = transA ? 1 : lda, stepStride = transA ? lda : 1;
        for (int64_t jr = 0; jr < nc; jr += K.nr) {
          const float* bp = pb + (jr / K.nr) * K.nr * kc;
          for (int64_t ir = 0; ir < mc; ir += K.mr) {
            if (direct) {
              K.directA(kc, a + (i0 + ir) * rowStride + p0 * stepStride, rowStride, stepStride, bp, c + (i0 + ir) * ldc + j0 + jr, ldc,
                        std::min(K.mr, mc - ir), std::min(K.nr, nc - jr), alpha, blockBeta);
              continue;
            }
            K.kernel(kc, pa + (ir / K.mr) * K.mr * kc, bp, c + (i0 + ir) * ldc + j0 + jr, ldc,
                     std::min(K.mr, mc - ir), std::min(K.nr, nc - jr), alpha, blockBeta);
          }
        }
      }
    }
  }
}

void SgemmBatchSharedA(bool transA, bool transB, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                       int64_t lda, const float* b, int64_t ldb, int64_t strideB, float beta, float* c, int64_t ldc,
                       int64_t strideC, int64_t count, const int32_t* rowsOfB, const int32_t* rowsOfC, int64_t cRows) {
  const bool indexed = rowsOfB != nullptr || rowsOfC != nullptr;
  // Listed C rows are written through a tile (below); the narrow kernels write C in place.
  const Kernels& K = n <= 16 && active->narrow && !indexed ? *active->narrow : *active;
  if (rowsOfC) {
    // beta is 0 here (the caller checks): rows no product row maps to are 0.
    for (int64_t t = 0; t < count; t++) {
      float* ct = c + t * strideC;
      for (int64_t i = 0, next = 0; i < cRows; i++) {
        if (next < m && rowsOfC[next] == i) {
          next++;
          if (k > 0 && alpha != 0) continue;
        }
        std::fill(ct + i * ldc, ct + i * ldc + n, 0.0f);
      }
    }
    if (m <= 0 || n <= 0 || k <= 0 || alpha == 0) return;
  } else if ((!indexed && (count <= 1 || K.directA)) || m <= 0 || n <= 0 || k <= 0 || alpha == 0) {
    // Nothing to share (one product; the narrow kernels read A in place), or nothing to
    // multiply (Sgemm then only scales C, never reading B).
    for (int64_t t = 0; t < count; t++) Sgemm(transA, transB, m, n, k, alpha, a, lda, b + t * strideB, ldb, beta, c + t * strideC, ldc);
    return;
  }
  thread_local Buffer bufA, bufB;
  // The same blocking as Sgemm, so every C_t gets exactly the sums a single product computes.
  const int64_t kBlocks = (k + K.kc - 1) / K.kc;
  const int64_t kcMax = ((k + kBlocks - 1) / kBlocks + 7) / 8 * 8;
  const int64_t ncMax = std::min(K.nc, (n + K.nr - 1) / K.nr * K.nr);
  const int64_t mPad = (m + K.mr - 1) / K.mr * K.mr;
  // All of op(A) packed once: the (p0, i0) block's panels start at p0 * mPad + i0 * kc.
  float* pa = bufA.Get(static_cast<size_t>(mPad * k));
  for (int64_t p0 = 0; p0 < k; p0 += kcMax) {
    const int64_t kc = std::min(kcMax, k - p0);
    for (int64_t i0 = 0; i0 < m; i0 += K.mc) K.packA(transA, a, lda, i0, std::min(K.mc, m - i0), p0, kc, pa + p0 * mPad + i0 * kc);
  }
  float* pb = bufB.Get(static_cast<size_t>(kcMax * ncMax));
  alignas(64) float tile[kMaxTile];
  for (int64_t t = 0; t < count; t++) {
    const float* bt = b + t * strideB;
    float* ct = c + t * strideC;
    for (int64_t j0 = 0; j0 < n; j0 += K.nc) {
      const int64_t nc = std::min(K.nc, n - j0);
      for (int64_t p0 = 0; p0 < k; p0 += kcMax) {
        const int64_t kc = std::min(kcMax, k - p0);
        const float blockBeta = p0 == 0 ? beta : 1.0f;
        if (rowsOfB) {
          PackBRows(K.nr, bt, ldb, rowsOfB, p0, kc, j0, nc, pb);
        } else {
          K.packB(transB, bt, ldb, p0, kc, j0, nc, pb);
        }
        for (int64_t i0 = 0; i0 < m; i0 += K.mc) {
          const int64_t mc = std::min(K.mc, m - i0);
          const float* pai = pa + p0 * mPad + i0 * kc;
          for (int64_t jr = 0; jr < nc; jr += K.nr) {
            const float* bp = pb + (jr / K.nr) * K.nr * kc;
            for (int64_t ir = 0; ir < mc; ir += K.mr) {
              const int64_t mr = std::min(K.mr, mc - ir), nr = std::min(K.nr, nc - jr);
              if (!rowsOfC) {
                K.kernel(kc, pai + ir * kc, bp, ct + (i0 + ir) * ldc + j0 + jr, ldc, mr, nr, alpha, blockBeta);
                continue;
              }
              // Product row i is C row rowsOfC[i]: through a tile, gathered when later K blocks add to it.
              const int32_t* dst = rowsOfC + i0 + ir;
              if (blockBeta != 0) {
                for (int64_t i = 0; i < mr; i++) std::memcpy(tile + i * K.nr, ct + dst[i] * ldc + j0 + jr, nr * sizeof(float));
              }
              K.kernel(kc, pai + ir * kc, bp, tile, K.nr, mr, nr, alpha, blockBeta);
              for (int64_t i = 0; i < mr; i++) std::memcpy(ct + dst[i] * ldc + j0 + jr, tile + i * K.nr, nr * sizeof(float));
            }
          }
        }
      }
    }
  }
}

const char* SgemmKernels() { return active->name; }

bool UseSgemmKernels(const char* name) {
  const Kernels* all[] = {
#if LRSWEEP_X86
      &kAvx512, &kAvx2,
#endif
      &kPortable};
  const Kernels* best = Best();
  bool reached = false;  // kernels are listed best first: only the best and those below it run here
  for (const Kernels* k : all) {
    reached = reached || k == best;
    if (reached && std::strcmp(k->name, name) == 0) {
      active = k;
      return true;
    }
  }
  return false;
}

}  // namespace lrsweep
