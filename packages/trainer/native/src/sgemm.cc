// A register-blocked, cache-packed sgemm in the GotoBLAS/BLIS layout: op(B) is copied in
// panels of KC rows x NR columns and op(A) in panels of MR rows x KC columns, so the inner
// micro-kernel streams both from contiguous, aligned memory whatever the transposes and
// leading dimensions were, and keeps an MR x NR tile of C in registers over KC steps.
//
// The micro-kernels for AVX-512 and AVX2 carry `target` attributes and are picked at load with
// __builtin_cpu_supports, so one build runs on any x86-64; elsewhere (aarch64, ...) only the
// portable kernel is compiled, plain loops the compiler vectorises for the target.
#include "sgemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>

#if defined(__x86_64__) || defined(_M_X64)
#define LRSWEEP_X86 1
#include <immintrin.h>
#endif

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

// Writes an mr x nr tile held in `t` (row stride NR) into C with alpha and beta.
template <int64_t NR>
inline void StoreTile(const float* t, float* c, int64_t ldc, int64_t mr, int64_t nr, float alpha, float beta) {
  for (int64_t i = 0; i < mr; i++) {
    float* row = c + i * ldc;
    if (beta == 0) {
      for (int64_t j = 0; j < nr; j++) row[j] = alpha * t[i * NR + j];
    } else {
      for (int64_t j = 0; j < nr; j++) row[j] = alpha * t[i * NR + j] + beta * row[j];
    }
  }
}

// Portable: a 4 x 8 tile in 8 four-float vectors (GCC/Clang vector extensions, which compile
// to SSE2 on baseline x86-64 and NEON on aarch64); 11 live registers fit even SSE2's 16.
constexpr int64_t kPortableMr = 4, kPortableNr = 8;
typedef float Float4 __attribute__((vector_size(16)));
void KernelPortable(int64_t kc, const float* __restrict a, const float* __restrict b, float* c, int64_t ldc,
                    int64_t mr, int64_t nr, float alpha, float beta) {
  Float4 acc[kPortableMr][2] = {};
  for (int64_t p = 0; p < kc; p++) {
    Float4 b0, b1;
    std::memcpy(&b0, b, sizeof b0);
    std::memcpy(&b1, b + 4, sizeof b1);
#pragma GCC unroll 4
    for (int i = 0; i < kPortableMr; i++) {
      acc[i][0] += a[i] * b0;
      acc[i][1] += a[i] * b1;
    }
    a += kPortableMr;
    b += kPortableNr;
  }
  float t[kPortableMr * kPortableNr];
  std::memcpy(t, acc, sizeof t);
  StoreTile<kPortableNr>(t, c, ldc, mr, nr, alpha, beta);
}

#if LRSWEEP_X86
// AVX2 + FMA: a 6 x 16 tile is 12 ymm accumulators, plus 2 for B and 1 broadcast of 16 registers.
constexpr int64_t kAvx2Mr = 6, kAvx2Nr = 16;
__attribute__((target("avx2,fma"))) void KernelAvx2(int64_t kc, const float* __restrict a, const float* __restrict b,
                                                     float* c, int64_t ldc, int64_t mr, int64_t nr, float alpha,
                                                     float beta) {
  __m256 acc[kAvx2Mr][2];
#pragma GCC unroll 6
  for (int i = 0; i < kAvx2Mr; i++) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
  for (int64_t p = 0; p < kc; p++) {
    const __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
#pragma GCC unroll 6
    for (int i = 0; i < kAvx2Mr; i++) {
      const __m256 ai = _mm256_broadcast_ss(a + i);
      acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
    }
    a += kAvx2Mr;
    b += kAvx2Nr;
  }
  const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
  if (mr == kAvx2Mr && nr == kAvx2Nr) {
#pragma GCC unroll 6
    for (int i = 0; i < kAvx2Mr; i++) {
      float* row = c + i * ldc;
      __m256 r0 = _mm256_mul_ps(va, acc[i][0]), r1 = _mm256_mul_ps(va, acc[i][1]);
      if (beta != 0) {
        r0 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(row), r0);
        r1 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(row + 8), r1);
      }
      _mm256_storeu_ps(row, r0);
      _mm256_storeu_ps(row + 8, r1);
    }
    return;
  }
  alignas(32) float t[kAvx2Mr * kAvx2Nr];
#pragma GCC unroll 6
  for (int i = 0; i < kAvx2Mr; i++) {
    _mm256_store_ps(t + i * kAvx2Nr, acc[i][0]);
    _mm256_store_ps(t + i * kAvx2Nr + 8, acc[i][1]);
  }
  StoreTile<kAvx2Nr>(t, c, ldc, mr, nr, alpha, beta);
}

// The AVX2 tile reading op(A)(i, p) = a[i * rowStride + p * stepStride] in place, for the
// narrow products (see KernelAvx512DirectA below).
__attribute__((target("avx2,fma"))) void KernelAvx2DirectA(int64_t kc, const float* a, int64_t rowStride,
                                                            int64_t stepStride, const float* __restrict b, float* c,
                                                            int64_t ldc, int64_t mr, int64_t nr, float alpha,
                                                            float beta) {
  const float* rows[kAvx2Mr];
  for (int i = 0; i < kAvx2Mr; i++) rows[i] = a + (i < mr ? i : 0) * rowStride;
  __m256 acc[kAvx2Mr][2];
#pragma GCC unroll 6
  for (int i = 0; i < kAvx2Mr; i++) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
  for (int64_t p = 0, at = 0; p < kc; p++, at += stepStride) {
    const __m256 b0 = _mm256_load_ps(b + kAvx2Nr * p), b1 = _mm256_load_ps(b + kAvx2Nr * p + 8);
#pragma GCC unroll 6
    for (int i = 0; i < kAvx2Mr; i++) {
      const __m256 ai = _mm256_broadcast_ss(rows[i] + at);
      acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
    }
  }
  alignas(32) float t[kAvx2Mr * kAvx2Nr];
#pragma GCC unroll 6
  for (int i = 0; i < kAvx2Mr; i++) {
    _mm256_store_ps(t + i * kAvx2Nr, acc[i][0]);
    _mm256_store_ps(t + i * kAvx2Nr + 8, acc[i][1]);
  }
  StoreTile<kAvx2Nr>(t, c, ldc, mr, nr, alpha, beta);
}

// AVX-512: an 8 x 32 tile is 16 zmm accumulators (of 32), enough independent FMAs to cover
// their latency. Products at most 16 wide (the MLP's 10-class layer) use a 16 x 16 tile
// instead, which wastes less of each vector on padding. Ragged edges use masked loads and
// stores, which never touch masked-out memory.
template <int MR, int NV>
__attribute__((target("avx512f"))) void KernelAvx512(int64_t kc, const float* __restrict a,
                                                      const float* __restrict b, float* c, int64_t ldc, int64_t mr,
                                                      int64_t nr, float alpha, float beta) {
  __m512 acc[MR][NV];
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++) {
#pragma GCC unroll 2
    for (int v = 0; v < NV; v++) acc[i][v] = _mm512_setzero_ps();
  }
  for (int64_t p = 0; p < kc; p++) {
    __m512 bv[NV];
#pragma GCC unroll 2
    for (int v = 0; v < NV; v++) bv[v] = _mm512_load_ps(b + 16 * v);
#pragma GCC unroll 16
    for (int i = 0; i < MR; i++) {
      const __m512 ai = _mm512_set1_ps(a[i]);
#pragma GCC unroll 2
      for (int v = 0; v < NV; v++) acc[i][v] = _mm512_fmadd_ps(ai, bv[v], acc[i][v]);
    }
    a += MR;
    b += 16 * NV;
  }
  __mmask16 mask[NV];
#pragma GCC unroll 2
  for (int v = 0; v < NV; v++) {
    const int64_t left = nr - 16 * v;
    mask[v] = left >= 16 ? 0xFFFF : left <= 0 ? 0 : static_cast<__mmask16>((1u << left) - 1);
  }
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++) {
    if (i >= mr) break;
    float* row = c + i * ldc;
#pragma GCC unroll 2
    for (int v = 0; v < NV; v++) {
      __m512 r = _mm512_mul_ps(va, acc[i][v]);
      if (beta != 0) r = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mask[v], row + 16 * v), r);
      _mm512_mask_storeu_ps(row + 16 * v, mask[v], r);
    }
  }
}

// The narrow products (the 10-class layer) skip packing A, which cost more than their
// arithmetic: each step broadcasts op(A)(i, p) = a[i * rowStride + p * stepStride] in place.
// Rows past mr read row 0 again (never outside A); their results are not stored.
template <int MR>
__attribute__((target("avx512f"))) void KernelAvx512DirectA(int64_t kc, const float* a, int64_t rowStride,
                                                             int64_t stepStride, const float* __restrict b, float* c,
                                                             int64_t ldc, int64_t mr, int64_t nr, float alpha,
                                                             float beta) {
  const float* rows[MR];
  for (int i = 0; i < MR; i++) rows[i] = a + (i < mr ? i : 0) * rowStride;
  __m512 acc[MR];
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++) acc[i] = _mm512_setzero_ps();
  for (int64_t p = 0, at = 0; p < kc; p++, at += stepStride) {
    const __m512 bv = _mm512_load_ps(b + 16 * p);
#pragma GCC unroll 16
    for (int i = 0; i < MR; i++) acc[i] = _mm512_fmadd_ps(_mm512_set1_ps(rows[i][at]), bv, acc[i]);
  }
  const __mmask16 mask = nr >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << nr) - 1);
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++) {
    if (i >= mr) break;
    float* row = c + i * ldc;
    __m512 r = _mm512_mul_ps(va, acc[i]);
    if (beta != 0) r = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mask, row), r);
    _mm512_mask_storeu_ps(row, mask, r);
  }
}
#endif

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
