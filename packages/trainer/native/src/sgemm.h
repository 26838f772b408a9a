// The addon's own single-precision matrix product: no BLAS library needed, so `npm ci` builds
// it wherever a C++ compiler exists. Kernels are chosen at load from the CPU (AVX-512, AVX2
// with FMA, else portable C++ the compiler vectorises for the target, e.g. SSE2 or NEON).
#pragma once

#include <cstdint>

namespace lrsweep {

// C = alpha * op(A) @ op(B) + beta * C, row-major; op(A) is m x k, op(B) is k x n. As in BLAS,
// beta = 0 never reads C (so garbage or NaN there is overwritten), and alpha = 0 or k = 0 only
// scales C.
void Sgemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
           const float* b, int64_t ldb, float beta, float* c, int64_t ldc);

// `count` products sharing A: C_t = alpha * op(A) @ op(B_t) + beta * C_t, B_t = b + t * strideB,
// C_t = c + t * strideC. The same results as `count` Sgemm calls, but op(A) is packed once for
// all of them: packed trials' first layer reads one input batch (forward X @ W_t, weight
// gradient X^T @ dZ_t), and packing it per trial cost ~10% of those products.
// Optionally indexed, so the first layer skips the input columns that are 0 in every row of a
// batch (a third of MNIST's pixels in a batch of 64): with `rowsOfB` (B not transposed), op(B)'s
// row p is B's row rowsOfB[p]; with `rowsOfC` (beta must be 0, indices increasing), product
// row i is C's row rowsOfC[i] of C's `cRows` rows, and the rows not listed are set to 0.
void SgemmBatchSharedA(bool transA, bool transB, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                       int64_t lda, const float* b, int64_t ldb, int64_t strideB, float beta, float* c, int64_t ldc,
                       int64_t strideC, int64_t count, const int32_t* rowsOfB = nullptr,
                       const int32_t* rowsOfC = nullptr, int64_t cRows = 0);

// The kernels in use: "avx512", "avx2" or "portable".
const char* SgemmKernels();

// Uses the named kernels from now on; false (and no change) when the CPU lacks them or the name
// is unknown. For tests and benchmarks, which compare every path on one machine.
bool UseSgemmKernels(const char* name);

}  // namespace lrsweep
