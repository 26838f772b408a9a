// The micro-kernels of sgemm.cc: each keeps an MR x NR tile of C in registers over kc steps of
// a packed A panel (MR floats a step) and a packed B panel (NR floats a step, zero-padded past
// nr), then writes C[0:mr, 0:nr] = alpha * tile + beta * C (beta = 0 never reads C). The
// "DirectA" ones read A in place instead of from a packed panel. Included by sgemm.cc only.
#pragma once

#include <cstdint>
#include <cstring>

#if defined(__x86_64__) || defined(_M_X64)
#define LRSWEEP_X86 1
#include <immintrin.h>
#endif

namespace lrsweep {
namespace micro {

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
inline void KernelPortable(int64_t kc, const float* __restrict a, const float* __restrict b, float* c, int64_t ldc,
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
__attribute__((target("avx2,fma"))) inline void KernelAvx2(int64_t kc, const float* __restrict a, const float* __restrict b,
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
__attribute__((target("avx2,fma"))) inline void KernelAvx2DirectA(int64_t kc, const float* a, int64_t rowStride,
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

}  // namespace micro
}  // namespace lrsweep
