// The CNN's steps besides its matrix products, on the blas backend (src/blas/packed-cnn.model.ts):
// patches for the convolutions' sgemms (im2col / col2im) and bias + ReLU + 2x2 max pool fused
// into one pass, forward and backward. Written in JS these cost more than the step's products;
// here they are plain C++ whose channel loops the compiler vectorises (binding.gyp's
// -fno-trapping-math lets GCC turn the pool's float compares into vector selects), so they
// build anywhere.
// Layouts are NHWC; convolutions 'valid', stride 1.
#include "conv-kernels.h"

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "napi-args.h"

namespace lrsweep {
namespace {

bool Ints(const Napi::CallbackInfo& info, std::initializer_list<std::pair<size_t, const char*>> args, int64_t* out) {
  for (const auto& [i, name] : args) {
    if (!ReadInt(info.Env(), info[i], name, out++)) return false;
  }
  return true;
}

bool Int32s(const Napi::Env& env, const Napi::Value& v, const char* name, int32_t** data, size_t* length) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    Napi::TypeError::New(env, std::string(name) + " must be an Int32Array").ThrowAsJavaScriptException();
    return false;
  }
  auto arr = v.As<Napi::Int32Array>();
  *data = arr.Data();
  *length = arr.ElementLength();
  return true;
}

bool Enough(const Napi::Env& env, const char* name, size_t length, int64_t need) {
  if (need <= static_cast<int64_t>(length)) return true;
  Napi::RangeError::New(env, std::string(name) + " needs " + std::to_string(need) + " values, its array has " +
                                 std::to_string(length))
      .ThrowAsJavaScriptException();
  return false;
}

// Rows of a few to a few dozen floats: a plain loop beats a memcpy call at these lengths.
inline void Copy(float* __restrict dst, const float* __restrict src, int64_t n) {
  for (int64_t i = 0; i < n; i++) dst[i] = src[i];
}
inline void Add(float* __restrict dst, const float* __restrict src, int64_t n) {
  for (int64_t i = 0; i < n; i++) dst[i] += src[i];
}

// im2col for a kernel size and channel count known at compile time.
template <int64_t K, int64_t C>
void Im2colFixed(const float* x, int64_t ldx, int64_t n, int64_t h, int64_t w, float* __restrict out) {
  const int64_t oh = h - K + 1, ow = w - K + 1;
  for (int64_t s = 0; s < n; s++) {
    for (int64_t i = 0; i < oh; i++) {
      for (int64_t j = 0; j < ow; j++) {
        const float* __restrict src = x + ((s * h + i) * w + j) * ldx;
        for (int64_t di = 0; di < K; di++) {
          for (int64_t dj = 0; dj < K; dj++) {
            for (int64_t e = 0; e < C; e++) *out++ = src[(di * w + dj) * ldx + e];
          }
        }
      }
    }
  }
}

// col2im for a kernel size and channel count known at compile time.
template <int64_t K, int64_t C>
void Col2imFixed(const float* __restrict in, int64_t n, int64_t h, int64_t w, int64_t ldx, float* __restrict out) {
  const int64_t oh = h - K + 1, ow = w - K + 1;
  for (int64_t s = 0; s < n; s++) {
    for (int64_t i = 0; i < oh; i++) {
      for (int64_t j = 0; j < ow; j++) {
        float* dst = out + ((s * h + i) * w + j) * ldx;
        for (int64_t di = 0; di < K; di++) {
          for (int64_t dj = 0; dj < K; dj++, in += C) {
            for (int64_t e = 0; e < C; e++) dst[(di * w + dj) * ldx + e] += in[e];
          }
        }
      }
    }
  }
}

// im2col(x, ldx, n, h, w, c, k, cols): cols[(s, i, j), (di, dj, ch)] = x[s, i + di, j + dj, ch]
// for the (h-k+1) x (w-k+1) output positions, pixel p's c channels read at x[p * ldx ..]
// (ldx > c: one trial's channels of a packed layer). A row is k*k*c long, in the [k, k, c, out]
// filters' order, so a convolution is cols @ W[k*k*c, out] and lands in NHWC.
Napi::Value Im2col(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Matrix x, cols;
  int64_t d[6];  // ldx, n, h, w, c, k
  if (info.Length() != 8 || !ReadMatrix(env, info[0], "x", &x) ||
      !Ints(info, {{1, "ldx"}, {2, "n"}, {3, "h"}, {4, "w"}, {5, "c"}, {6, "k"}}, d) ||
      !ReadMatrix(env, info[7], "cols", &cols)) {
    if (!env.IsExceptionPending()) Napi::TypeError::New(env, "expected 8 arguments").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const int64_t ldx = d[0], n = d[1], h = d[2], w = d[3], c = d[4], k = d[5], oh = h - k + 1, ow = w - k + 1;
  if (oh < 1 || ow < 1 || ldx < c) {
    Napi::RangeError::New(env, oh < 1 || ow < 1 ? "the kernel is larger than the image" : "ldx is smaller than c")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!Enough(env, "x", x.length, (n * h * w - 1) * ldx + c) || !Enough(env, "cols", cols.length, n * oh * ow * k * k * c)) {
    return env.Undefined();
  }
  // The CNN's shapes (3x3 over 1, 8 or 16 channels) get fully unrolled copies: these patch rows
  // are only 9-144 floats, where loop and call overhead otherwise cost as much as the copying.
  if (k == 3 && c == 1) {
    Im2colFixed<3, 1>(x.data, ldx, n, h, w, cols.data);
  } else if (k == 3 && c == 8) {
    Im2colFixed<3, 8>(x.data, ldx, n, h, w, cols.data);
  } else if (k == 3 && c == 16) {
    Im2colFixed<3, 16>(x.data, ldx, n, h, w, cols.data);
  } else {
    float* out = cols.data;
    for (int64_t s = 0; s < n; s++) {
      for (int64_t i = 0; i < oh; i++) {
        for (int64_t j = 0; j < ow; j++) {
          for (int64_t di = 0; di < k; di++) {
            const float* row = x.data + ((s * h + i + di) * w + j) * ldx;
            for (int64_t dj = 0; dj < k; dj++, out += c) Copy(out, row + dj * ldx, c);
          }
        }
      }
    }
  }
  return env.Undefined();
}

// col2im(cols, n, h, w, c, k, dx, ldx): the adjoint of im2col. Each pixel's c channels of dx
// (ldx apart) are zeroed, then every patch entry is added back onto the pixel it came from
// (the input gradient of a convolution, from dcols = dz @ W^T).
Napi::Value Col2im(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Matrix cols, dx;
  int64_t d[5];  // n, h, w, c, k
  int64_t ldx;
  if (info.Length() != 8 || !ReadMatrix(env, info[0], "cols", &cols) ||
      !Ints(info, {{1, "n"}, {2, "h"}, {3, "w"}, {4, "c"}, {5, "k"}}, d) || !ReadMatrix(env, info[6], "dx", &dx) ||
      !ReadInt(env, info[7], "ldx", &ldx)) {
    if (!env.IsExceptionPending()) Napi::TypeError::New(env, "expected 8 arguments").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const int64_t n = d[0], h = d[1], w = d[2], c = d[3], k = d[4], oh = h - k + 1, ow = w - k + 1;
  if (oh < 1 || ow < 1 || ldx < c) {
    Napi::RangeError::New(env, oh < 1 || ow < 1 ? "the kernel is larger than the image" : "ldx is smaller than c")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const int64_t pixels = n * h * w;
  if (!Enough(env, "dx", dx.length, (pixels - 1) * ldx + c) || !Enough(env, "cols", cols.length, n * oh * ow * k * k * c)) {
    return env.Undefined();
  }
  const float* in = cols.data;
  float* out = dx.data;
  if (ldx == c) {
    std::memset(out, 0, pixels * c * sizeof(float));
  } else {
    for (int64_t p = 0; p < pixels; p++) std::memset(out + p * ldx, 0, c * sizeof(float));
  }
  if (k == 3 && c == 8) {
    Col2imFixed<3, 8>(in, n, h, w, ldx, out);
  } else if (k == 3 && c == 16) {
    Col2imFixed<3, 16>(in, n, h, w, ldx, out);
  } else {
    for (int64_t s = 0; s < n; s++) {
      for (int64_t i = 0; i < oh; i++) {
        for (int64_t j = 0; j < ow; j++) {
          for (int64_t di = 0; di < k; di++) {
            for (int64_t dj = 0; dj < k; dj++, in += c) Add(out + ((s * h + i + di) * w + j + dj) * ldx, in, c);
          }
        }
      }
    }
  }
  return env.Undefined();
}

inline float Masked(uint32_t bits, bool keep) {
  bits &= -static_cast<uint32_t>(keep);
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// One window's gradient for c channels: each of the 4 elements gets dout where argmax names it,
// else 0. A function of its own with restrict pointers so GCC vectorises it; bit masks, not
// selects of floats (which GCC 12 leaves as branches).
void PoolGradWindow(const float* __restrict g, const int32_t* __restrict at, float* __restrict z0,
                    float* __restrict z1, float* __restrict z2, float* __restrict z3, float* __restrict db,
                    int64_t c) {
  for (int64_t ch = 0; ch < c; ch++) {
    uint32_t v;
    std::memcpy(&v, g + ch, sizeof v);
    const int32_t a = at[ch];
    const float f0 = Masked(v, a == 0), f1 = Masked(v, a == 1), f2 = Masked(v, a == 2), f3 = Masked(v, a == 3);
    z0[ch] = f0;
    z1[ch] = f1;
    z2[ch] = f2;
    z3[ch] = f3;
    db[ch] += (f0 + f1) + (f2 + f3);
  }
}

// maxpool2x2(relu(z + bias)) of c channels, z's rows `ldz` apart; see biasReluPool.
void PoolForward(const float* z, int64_t ldz, int64_t n, int64_t h, int64_t w, int64_t c, const float* __restrict bp,
                 float* __restrict op, int32_t* __restrict ap) {
  const int64_t ph = h / 2, pw = w / 2;
  const float nanValue = std::numeric_limits<float>::quiet_NaN();
  for (int64_t s = 0; s < n; s++) {
    for (int64_t i = 0; i < ph; i++) {
      for (int64_t j = 0; j < pw; j++, op += c, ap += c) {
        const float* __restrict z0 = z + ((s * h + 2 * i) * w + 2 * j) * ldz;
        const float* __restrict z1 = z0 + ldz;
        const float* __restrict z2 = z0 + w * ldz;
        const float* __restrict z3 = z2 + ldz;
        for (int64_t ch = 0; ch < c; ch++) {
          // The bias is added before comparing, as tfjs does: rounding can make two sums tie.
          const float v0 = z0[ch] + bp[ch], v1 = z1[ch] + bp[ch], v2 = z2[ch] + bp[ch], v3 = z3[ch] + bp[ch];
          float best = v0;
          int32_t at = 0;
          at = v1 > best ? 1 : at;
          best = v1 > best ? v1 : best;
          at = v2 > best ? 2 : at;
          best = v2 > best ? v2 : best;
          at = v3 > best ? 3 : at;
          best = v3 > best ? v3 : best;
          const bool nan = (v0 != v0) | (v1 != v1) | (v2 != v2) | (v3 != v3);
          const bool live = best > 0;
          op[ch] = nan ? nanValue : live ? best : 0.0f;
          ap[ch] = live && !nan ? at : -1;
        }
      }
    }
  }
}

// The gradient of PoolForward for c channels; see biasReluPoolBackward.
void PoolBackward(const float* g, const int32_t* ap, int64_t n, int64_t h, int64_t w, int64_t c, float* dz,
                  int64_t ldz, float* db) {
  const int64_t ph = h / 2, pw = w / 2;
  // An odd last row or column is in no window: only then do some elements need zeroing apart.
  if (h % 2 || w % 2) {
    for (int64_t r = 0; r < n * h * w; r++) std::memset(dz + r * ldz, 0, c * sizeof(float));
  }
  for (int64_t ch = 0; ch < c; ch++) db[ch] = 0;
  for (int64_t s = 0; s < n; s++) {
    for (int64_t i = 0; i < ph; i++) {
      for (int64_t j = 0; j < pw; j++, g += c, ap += c) {
        float* z0 = dz + ((s * h + 2 * i) * w + 2 * j) * ldz;
        PoolGradWindow(g, ap, z0, z0 + ldz, z0 + w * ldz, z0 + (w + 1) * ldz, db, c);
      }
    }
  }
}

// biasReluPool(z, ldz, n, h, w, c, bias, out, argmax, groups, groupStride):
// out = maxpool2x2(relu(z + bias)), 'valid' (an odd last row/column is dropped), z holding
// n*h*w rows of groups*c channels `ldz` apart. Channel group q (q*c.. of z and bias) lands in
// out and argmax from q*groupStride on, NHWC with c channels: packed trials' first layer
// pools every trial's channels of one wide product in one call, each into its own array.
// argmax gets, per output, which of the window's 4 elements (row-major) it came from, the first
// maximum as tfjs picks it, or -1 where the output is 0 (ReLU'd: no gradient). A NaN anywhere
// in a window gives NaN, so a diverging trial still shows in its loss. The channel loop is
// branch-free so the compiler vectorises it.
Napi::Value BiasReluPool(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Matrix z, bias, out;
  int32_t* arg;
  size_t argLength;
  int64_t d[5];  // ldz, n, h, w, c
  int64_t g[2];  // groups, groupStride
  if (info.Length() != 11 || !ReadMatrix(env, info[0], "z", &z) ||
      !Ints(info, {{1, "ldz"}, {2, "n"}, {3, "h"}, {4, "w"}, {5, "c"}}, d) || !ReadMatrix(env, info[6], "bias", &bias) ||
      !ReadMatrix(env, info[7], "out", &out) || !Int32s(env, info[8], "argmax", &arg, &argLength) ||
      !Ints(info, {{9, "groups"}, {10, "groupStride"}}, g)) {
    if (!env.IsExceptionPending()) Napi::TypeError::New(env, "expected 11 arguments").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const int64_t ldz = d[0], n = d[1], h = d[2], w = d[3], c = d[4], groups = g[0], stride = g[1];
  const int64_t outs = n * (h / 2) * (w / 2) * c;
  if (ldz < groups * c || (groups > 1 && stride < outs)) {
    Napi::RangeError::New(env, ldz < groups * c ? "ldz is smaller than groups * c" : "groupStride is smaller than a group's output")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (groups == 0 || n * h * w == 0) return env.Undefined();
  const int64_t need = (groups - 1) * stride + outs;
  if (!Enough(env, "z", z.length, (n * h * w - 1) * ldz + groups * c) || !Enough(env, "bias", bias.length, groups * c) ||
      !Enough(env, "out", out.length, need) || !Enough(env, "argmax", argLength, need)) {
    return env.Undefined();
  }
  for (int64_t q = 0; q < groups; q++) {
    PoolForward(z.data + q * c, ldz, n, h, w, c, bias.data + q * c, out.data + q * stride, arg + q * stride);
  }
  return env.Undefined();
}

// biasReluPoolBackward(dout, argmax, n, h, w, c, dz, ldz, dbias, groups, groupStride): the
// gradient of biasReluPool, group q's dout and argmax read from q*groupStride on. Every element
// of dz's n*h*w rows x groups*c channels (ldz apart) is written: an output's gradient where that
// output came from, else 0; dbias = the column sums of dz.
Napi::Value BiasReluPoolBackward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Matrix dout, dz, dbias;
  int32_t* arg;
  size_t argLength;
  int64_t d[4];  // n, h, w, c
  int64_t ldz;
  int64_t g[2];  // groups, groupStride
  if (info.Length() != 11 || !ReadMatrix(env, info[0], "dout", &dout) || !Int32s(env, info[1], "argmax", &arg, &argLength) ||
      !Ints(info, {{2, "n"}, {3, "h"}, {4, "w"}, {5, "c"}}, d) || !ReadMatrix(env, info[6], "dz", &dz) ||
      !ReadInt(env, info[7], "ldz", &ldz) || !ReadMatrix(env, info[8], "dbias", &dbias) ||
      !Ints(info, {{9, "groups"}, {10, "groupStride"}}, g)) {
    if (!env.IsExceptionPending()) Napi::TypeError::New(env, "expected 11 arguments").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const int64_t n = d[0], h = d[1], w = d[2], c = d[3], groups = g[0], stride = g[1];
  const int64_t outs = n * (h / 2) * (w / 2) * c, rows = n * h * w;
  if (ldz < groups * c || (groups > 1 && stride < outs)) {
    Napi::RangeError::New(env, ldz < groups * c ? "ldz is smaller than groups * c" : "groupStride is smaller than a group's output")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (groups == 0 || rows == 0) return env.Undefined();
  const int64_t need = (groups - 1) * stride + outs;
  if (!Enough(env, "dz", dz.length, (rows - 1) * ldz + groups * c) || !Enough(env, "dbias", dbias.length, groups * c) ||
      !Enough(env, "dout", dout.length, need) || !Enough(env, "argmax", argLength, need)) {
    return env.Undefined();
  }
  for (int64_t q = 0; q < groups; q++) {
    PoolBackward(dout.data + q * stride, arg + q * stride, n, h, w, c, dz.data + q * c, ldz, dbias.data + q * c);
  }
  return env.Undefined();
}

}  // namespace

void RegisterConvKernels(Napi::Env env, Napi::Object exports) {
  exports.Set("im2col", Napi::Function::New(env, Im2col, "im2col"));
  exports.Set("col2im", Napi::Function::New(env, Col2im, "col2im"));
  exports.Set("biasReluPool", Napi::Function::New(env, BiasReluPool, "biasReluPool"));
  exports.Set("biasReluPoolBackward", Napi::Function::New(env, BiasReluPoolBackward, "biasReluPoolBackward"));
}

}  // namespace lrsweep
