// The CNN's non-product steps on the blas backend (src/blas/packed-cnn.model.ts): patches for
// the convolutions' sgemms (im2col / col2im) and bias + ReLU + 2x2 max pool fused into one
// pass, forward and backward. As JS loops these cost several times the step's products
// (~40 ms of a 64-sample step, against ~8 ms compiled); plain C++ the compiler vectorises, so
// they build everywhere. Every layout is NHWC, 'valid' 3x3-or-any-k convolutions, stride 1.
#include "conv-kernels.h"

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

// im2col(x, n, h, w, c, k, cols): cols[(s, i, j), (di, dj, ch)] = x[s, i + di, j + dj, ch] for the
// (h-k+1) x (w-k+1) output positions; a row is k*k*c long, in the [k, k, c, out] filters' order,
// so a convolution is cols @ W[k*k*c, out] and lands in NHWC.
Napi::Value Im2col(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Matrix x, cols;
  int64_t d[5];  // n, h, w, c, k
  if (info.Length() != 7 || !ReadMatrix(env, info[0], "x", &x) ||
      !Ints(info, {{1, "n"}, {2, "h"}, {3, "w"}, {4, "c"}, {5, "k"}}, d) || !ReadMatrix(env, info[6], "cols", &cols)) {
    if (!env.IsExceptionPending()) Napi::TypeError::New(env, "expected 7 arguments").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const int64_t n = d[0], h = d[1], w = d[2], c = d[3], k = d[4], oh = h - k + 1, ow = w - k + 1;
  if (oh < 1 || ow < 1) {
    Napi::RangeError::New(env, "the kernel is larger than the image").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const int64_t rowLen = k * c;  // one kernel row: k pixels side by side are contiguous in NHWC
  if (!Enough(env, "x", x.length, n * h * w * c) || !Enough(env, "cols", cols.length, n * oh * ow * k * rowLen)) {
    return env.Undefined();
  }
  const float* __restrict src = x.data;
  float* __restrict out = cols.data;
  for (int64_t s = 0; s < n; s++) {
    for (int64_t i = 0; i < oh; i++) {
      for (int64_t j = 0; j < ow; j++) {
        for (int64_t di = 0; di < k; di++) {
          std::memcpy(out, src + ((s * h + i + di) * w + j) * c, rowLen * sizeof(float));
          out += rowLen;
        }
      }
    }
  }
  return env.Undefined();
}

// col2im(cols, n, h, w, c, k, dx): the adjoint of im2col, dx = 0 then every patch entry added
// back onto the pixel it was copied from (the input gradient of a convolution from dcols).
Napi::Value Col2im(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Matrix cols, dx;
  int64_t d[5];
  if (info.Length() != 7 || !ReadMatrix(env, info[0], "cols", &cols) ||
      !Ints(info, {{1, "n"}, {2, "h"}, {3, "w"}, {4, "c"}, {5, "k"}}, d) || !ReadMatrix(env, info[6], "dx", &dx)) {
    if (!env.IsExceptionPending()) Napi::TypeError::New(env, "expected 7 arguments").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const int64_t n = d[0], h = d[1], w = d[2], c = d[3], k = d[4], oh = h - k + 1, ow = w - k + 1;
  if (oh < 1 || ow < 1) {
    Napi::RangeError::New(env, "the kernel is larger than the image").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const int64_t rowLen = k * c;
  if (!Enough(env, "dx", dx.length, n * h * w * c) || !Enough(env, "cols", cols.length, n * oh * ow * k * rowLen)) {
    return env.Undefined();
  }
  const float* __restrict in = cols.data;
  float* __restrict out = dx.data;
  std::memset(out, 0, n * h * w * c * sizeof(float));
  for (int64_t s = 0; s < n; s++) {
    for (int64_t i = 0; i < oh; i++) {
      for (int64_t j = 0; j < ow; j++) {
        for (int64_t di = 0; di < k; di++) {
          float* dst = out + ((s * h + i + di) * w + j) * c;
          for (int64_t e = 0; e < rowLen; e++) dst[e] += in[e];
          in += rowLen;
        }
      }
    }
  }
  return env.Undefined();
}

// biasReluPool(z, ldz, n, h, w, c, bias, out, argmax): out = maxpool2x2(relu(z + bias)), 'valid'
// (an odd last row/column is dropped), where z holds n*h*w rows of c channels `ldz` floats
// apart (packed trials' first layer: trial k's channels are columns k*c.. of one wide product).
// argmax gets, per output, the z row its value came from (the first maximum, tfjs's rule), or
// -1 where the output is 0 (ReLU'd: no gradient). A NaN anywhere in a window gives NaN, so a
// diverging trial still shows in its loss.
Napi::Value BiasReluPool(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Matrix z, bias, out;
  int32_t* arg;
  size_t argLength;
  int64_t d[5];  // ldz, n, h, w, c
  if (info.Length() != 9 || !ReadMatrix(env, info[0], "z", &z) ||
      !Ints(info, {{1, "ldz"}, {2, "n"}, {3, "h"}, {4, "w"}, {5, "c"}}, d) || !ReadMatrix(env, info[6], "bias", &bias) ||
      !ReadMatrix(env, info[7], "out", &out) || !Int32s(env, info[8], "argmax", &arg, &argLength)) {
    if (!env.IsExceptionPending()) Napi::TypeError::New(env, "expected 9 arguments").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const int64_t ldz = d[0], n = d[1], h = d[2], w = d[3], c = d[4], ph = h / 2, pw = w / 2;
  const int64_t outs = n * ph * pw * c;
  if (ldz < c || !Enough(env, "z", z.length, (n * h * w - 1) * ldz + c) || !Enough(env, "bias", bias.length, c) ||
      !Enough(env, "out", out.length, outs) || !Enough(env, "argmax", argLength, outs)) {
    if (!env.IsExceptionPending()) Napi::RangeError::New(env, "ldz is smaller than c").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const float* zp = z.data;
  const float* bp = bias.data;
  float* op = out.data;
  for (int64_t s = 0; s < n; s++) {
    for (int64_t i = 0; i < ph; i++) {
      for (int64_t j = 0; j < pw; j++) {
        const int64_t r00 = (s * h + 2 * i) * w + 2 * j;
        const int64_t rows[4] = {r00, r00 + 1, r00 + w, r00 + w + 1};  // row-major window order
        for (int64_t ch = 0; ch < c; ch++) {
          // The bias is added before comparing, as tfjs does: rounding can make two sums tie.
          float best = zp[rows[0] * ldz + ch] + bp[ch];
          int64_t at = rows[0];
          bool nan = best != best;
          for (int q = 1; q < 4; q++) {
            const float v = zp[rows[q] * ldz + ch] + bp[ch];
            nan |= v != v;
            if (v > best) best = v, at = rows[q];
          }
          const bool live = !nan && best > 0;
          *op++ = nan ? std::numeric_limits<float>::quiet_NaN() : live ? best : 0.0f;
          *arg++ = live ? static_cast<int32_t>(at) : -1;
        }
      }
    }
  }
  return env.Undefined();
}

// biasReluPoolBackward(dout, argmax, n, h, w, c, dz, ldz, dbias): the gradient of
// biasReluPool. dz's n*h*w rows x c channels (ldz apart) are zeroed, then each output's
// gradient is written to the z element it came from; dbias = the sum of those (the column sums
// of dz).
Napi::Value BiasReluPoolBackward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Matrix dout, dz, dbias;
  int32_t* arg;
  size_t argLength;
  int64_t d[4];  // n, h, w, c
  int64_t ldz;
  if (info.Length() != 9 || !ReadMatrix(env, info[0], "dout", &dout) || !Int32s(env, info[1], "argmax", &arg, &argLength) ||
      !Ints(info, {{2, "n"}, {3, "h"}, {4, "w"}, {5, "c"}}, d) || !ReadMatrix(env, info[6], "dz", &dz) ||
      !ReadInt(env, info[7], "ldz", &ldz) || !ReadMatrix(env, info[8], "dbias", &dbias)) {
    if (!env.IsExceptionPending()) Napi::TypeError::New(env, "expected 9 arguments").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const int64_t n = d[0], h = d[1], w = d[2], c = d[3];
  const int64_t outs = n * (h / 2) * (w / 2) * c, rows = n * h * w;
  if (ldz < c || !Enough(env, "dz", dz.length, (rows - 1) * ldz + c) || !Enough(env, "dbias", dbias.length, c) ||
      !Enough(env, "dout", dout.length, outs) || !Enough(env, "argmax", argLength, outs)) {
    if (!env.IsExceptionPending()) Napi::RangeError::New(env, "ldz is smaller than c").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  float* dzp = dz.data;
  if (ldz == c) {
    std::memset(dzp, 0, rows * c * sizeof(float));
  } else {
    for (int64_t r = 0; r < rows; r++) std::memset(dzp + r * ldz, 0, c * sizeof(float));
  }
  float* db = dbias.data;
  for (int64_t ch = 0; ch < c; ch++) db[ch] = 0;
  const float* g = dout.data;
  for (int64_t o = 0; o < outs; o += c) {
    for (int64_t ch = 0; ch < c; ch++) {
      const int32_t at = arg[o + ch];
      if (at < 0) continue;
      dzp[at * ldz + ch] = g[o + ch];
      db[ch] += g[o + ch];
    }
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
