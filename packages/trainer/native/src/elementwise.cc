// The MLP's loops between its matrix products, over every trial of a pack in one call: in JS
// they cost about a third of a packed step's CPU time (bias rows, ReLU and its mask, softmax).
// Trial t's block of a stacked array starts at t * rows * cols; the results are those of the
// JS loops they replace (the softmax works in double, as JS did).
#include "elementwise.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "napi-args.h"

namespace lrsweep {
namespace {

bool ReadFloat64(const Napi::Env& env, const Napi::Value& v, const char* name, double** data, size_t* length) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    Napi::TypeError::New(env, std::string(name) + " must be a Float64Array").ThrowAsJavaScriptException();
    return false;
  }
  auto arr = v.As<Napi::Float64Array>();
  *data = arr.Data();
  *length = arr.ElementLength();
  return true;
}

bool Room(const Napi::Env& env, const char* name, int64_t need, size_t length) {
  if (need <= static_cast<int64_t>(length)) return true;
  Napi::RangeError::New(env, std::string(name) + " needs " + std::to_string(need) + " values, its array has " + std::to_string(length))
      .ThrowAsJavaScriptException();
  return false;
}

// broadcastRows(dst, src, rows, cols, count): every row of dst's block t is src's row t (a
// trial's biases, before the product adds input @ W with beta = 1).
Napi::Value BroadcastRows(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Matrix dst, src;
  int64_t rows, cols, count;
  if (info.Length() != 5 || !ReadMatrix(env, info[0], "dst", &dst) || !ReadMatrix(env, info[1], "src", &src) ||
      !ReadInt(env, info[2], "rows", &rows) || !ReadInt(env, info[3], "cols", &cols) || !ReadInt(env, info[4], "count", &count)) {
    if (!env.IsExceptionPending()) Napi::TypeError::New(env, "expected 5 arguments").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!Room(env, "dst", count * rows * cols, dst.length) || !Room(env, "src", count * cols, src.length)) return env.Undefined();
  for (int64_t t = 0; t < count; t++) {
    for (int64_t r = 0; r < rows; r++) std::memcpy(dst.data + (t * rows + r) * cols, src.data + t * cols, cols * sizeof(float));
  }
  return env.Undefined();
}

// gatherRows(dst, src, indices, offset, rows, cols): dst's row r = src's row indices[offset + r],
// rows of `cols` floats: a minibatch in its epoch's order (in JS, a subarray per row).
Napi::Value GatherRows(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Matrix dst, src;
  int64_t offset, rows, cols;
  if (info.Length() != 6 || !ReadMatrix(env, info[0], "dst", &dst) || !ReadMatrix(env, info[1], "src", &src) ||
      !ReadInt(env, info[3], "offset", &offset) || !ReadInt(env, info[4], "rows", &rows) || !ReadInt(env, info[5], "cols", &cols)) {
    if (!env.IsExceptionPending()) Napi::TypeError::New(env, "expected 6 arguments").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!info[2].IsTypedArray() || info[2].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    Napi::TypeError::New(env, "indices must be an Int32Array").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto indices = info[2].As<Napi::Int32Array>();
  if (!Room(env, "indices", offset + rows, indices.ElementLength()) || !Room(env, "dst", rows * cols, dst.length)) {
    return env.Undefined();
  }
  const int64_t srcRows = cols > 0 ? static_cast<int64_t>(src.length) / cols : 0;
  const int32_t* idx = indices.Data() + offset;
  for (int64_t r = 0; r < rows; r++) {
    if (idx[r] < 0 || idx[r] >= srcRows) {
      Napi::RangeError::New(env, "index " + std::to_string(idx[r]) + " is outside src's " + std::to_string(srcRows) + " rows")
          .ThrowAsJavaScriptException();
      return env.Undefined();
    }
  }
  for (int64_t r = 0; r < rows; r++) std::memcpy(dst.data + r * cols, src.data + idx[r] * cols, cols * sizeof(float));
  return env.Undefined();
}

// relu(x, length): x = max(x, 0) in place over the first `length` values; NaN stays NaN, so a
// diverging trial still shows in its loss.
Napi::Value Relu(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Matrix x;
  int64_t n;
  if (info.Length() != 2 || !ReadMatrix(env, info[0], "x", &x) || !ReadInt(env, info[1], "length", &n)) {
    if (!env.IsExceptionPending()) Napi::TypeError::New(env, "expected 2 arguments").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!Room(env, "x", n, x.length)) return env.Undefined();
  float* __restrict p = x.data;
  for (int64_t i = 0; i < n; i++) p[i] = p[i] < 0 ? 0.0f : p[i];
  return env.Undefined();
}

// reluMask(delta, act, length): delta = 0 where act (a ReLU output) is not > 0: ReLU's
// derivative, since a ReLU output is > 0 exactly where its input was.
Napi::Value ReluMask(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Matrix delta, act;
  int64_t n;
  if (info.Length() != 3 || !ReadMatrix(env, info[0], "delta", &delta) || !ReadMatrix(env, info[1], "act", &act) ||
      !ReadInt(env, info[2], "length", &n)) {
    if (!env.IsExceptionPending()) Napi::TypeError::New(env, "expected 3 arguments").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!Room(env, "delta", n, delta.length) || !Room(env, "act", n, act.length)) return env.Undefined();
  float* __restrict d = delta.data;
  const float* __restrict a = act.data;
  for (int64_t i = 0; i < n; i++) d[i] = a[i] > 0 ? d[i] : 0.0f;
  return env.Undefined();
}

// softmaxCrossEntropy(logits, y, rows, classes, count, lossSum, correct, dLogits?): for each
// trial t (logits block t, the one-hot `y` shared by all), adds the summed cross-entropy of
// its rows to lossSum[t] and the rows whose first maximal logit is the label (tf.argMax's tie
// rule) to correct[t]; with dLogits, writes (softmax - y) / rows into its block t.
Napi::Value SoftmaxCrossEntropy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Matrix logits, y, grad{nullptr, 0};
  int64_t rows, classes, count;
  double *lossSum, *correct;
  size_t lossLen, correctLen;
  if (info.Length() != 8 || !ReadMatrix(env, info[0], "logits", &logits) || !ReadMatrix(env, info[1], "y", &y) ||
      !ReadInt(env, info[2], "rows", &rows) || !ReadInt(env, info[3], "classes", &classes) ||
      !ReadInt(env, info[4], "count", &count) || !ReadFloat64(env, info[5], "lossSum", &lossSum, &lossLen) ||
      !ReadFloat64(env, info[6], "correct", &correct, &correctLen)) {
    if (!env.IsExceptionPending()) Napi::TypeError::New(env, "expected 8 arguments").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const bool wantGrad = !info[7].IsUndefined() && !info[7].IsNull();
  if (wantGrad && !ReadMatrix(env, info[7], "dLogits", &grad)) return env.Undefined();
  const int64_t block = rows * classes;
  if (classes < 1 || !Room(env, "logits", count * block, logits.length) || !Room(env, "y", block, y.length) ||
      !Room(env, "lossSum", count, lossLen) || !Room(env, "correct", count, correctLen) ||
      (wantGrad && !Room(env, "dLogits", count * block, grad.length))) {
    if (!env.IsExceptionPending()) Napi::RangeError::New(env, "classes must be at least 1").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const double scale = 1.0 / static_cast<double>(rows);
  for (int64_t t = 0; t < count; t++) {
    const float* z = logits.data + t * block;
    float* dz = wantGrad ? grad.data + t * block : nullptr;
    double sumLoss = 0;
    int64_t hits = 0;
    for (int64_t r = 0; r < rows; r++) {
      const float* zr = z + r * classes;
      const float* yr = y.data + r * classes;
      double max = zr[0];
      int64_t argmax = 0, label = 0;
      for (int64_t c = 1; c < classes; c++) {
        if (zr[c] > max) max = zr[c], argmax = c;
        if (yr[c] > yr[label]) label = c;
      }
      double sum = 0;
      for (int64_t c = 0; c < classes; c++) sum += std::exp(zr[c] - max);
      const double logSum = std::log(sum);
      for (int64_t c = 0; c < classes; c++) {
        const double logP = zr[c] - max - logSum;
        sumLoss -= yr[c] * logP;
        if (dz) dz[r * classes + c] = static_cast<float>((std::exp(logP) - yr[c]) * scale);
      }
      if (argmax == label) hits++;
    }
    lossSum[t] += sumLoss;
    correct[t] += static_cast<double>(hits);
  }
  return env.Undefined();
}

// nonzeroColumns(x, rows, cols, columns, compact): the columns of x (rows x cols) with a nonzero
// (or NaN) in some row, increasing, into `columns`, and x restricted to them (rows x count)
// into `compact`; returns count. An input batch's all-zero columns contribute nothing to the
// first layer's products, so they skip them (sgemmRows).
Napi::Value NonzeroColumns(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Matrix x, compact;
  int64_t rows, cols;
  if (info.Length() != 5 || !ReadMatrix(env, info[0], "x", &x) || !ReadInt(env, info[1], "rows", &rows) ||
      !ReadInt(env, info[2], "cols", &cols) || !ReadMatrix(env, info[4], "compact", &compact)) {
    if (!env.IsExceptionPending()) Napi::TypeError::New(env, "expected 5 arguments").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!info[3].IsTypedArray() || info[3].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    Napi::TypeError::New(env, "columns must be an Int32Array").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto columns = info[3].As<Napi::Int32Array>();
  if (!Room(env, "x", rows * cols, x.length) || !Room(env, "columns", cols, columns.ElementLength()) ||
      !Room(env, "compact", rows * cols, compact.length)) {
    return env.Undefined();
  }
  thread_local std::vector<uint8_t> litBuffer;
  thread_local std::vector<int64_t> runs;  // (start column, length) of consecutive nonzero columns
  litBuffer.assign(static_cast<size_t>(cols), 0);
  uint8_t* __restrict lit = litBuffer.data();
  for (int64_t r = 0; r < rows; r++) {
    const float* __restrict row = x.data + r * cols;
    for (int64_t p = 0; p < cols; p++) lit[p] |= static_cast<uint8_t>(row[p] != 0.0f);  // NaN != 0
  }
  int32_t* idx = columns.Data();
  int64_t count = 0;
  runs.clear();
  for (int64_t p = 0; p < cols; p++) {
    if (!lit[p]) continue;
    if (count > 0 && idx[count - 1] == p - 1) {
      runs.back()++;
    } else {
      runs.push_back(p);
      runs.push_back(1);
    }
    idx[count++] = static_cast<int32_t>(p);
  }
  // Nonzero columns come in runs (an image's rows of ink): copy each run whole.
  for (int64_t r = 0; r < rows; r++) {
    const float* row = x.data + r * cols;
    float* out = compact.data + r * count;
    for (size_t i = 0; i < runs.size(); i += 2) {
      std::memcpy(out, row + runs[i], static_cast<size_t>(runs[i + 1]) * sizeof(float));
      out += runs[i + 1];
    }
  }
  return Napi::Number::New(env, static_cast<double>(count));
}

}  // namespace

void RegisterElementwise(Napi::Env env, Napi::Object exports) {
  exports.Set("broadcastRows", Napi::Function::New(env, BroadcastRows, "broadcastRows"));
  exports.Set("gatherRows", Napi::Function::New(env, GatherRows, "gatherRows"));
  exports.Set("relu", Napi::Function::New(env, Relu, "relu"));
  exports.Set("reluMask", Napi::Function::New(env, ReluMask, "reluMask"));
  exports.Set("nonzeroColumns", Napi::Function::New(env, NonzeroColumns, "nonzeroColumns"));
  exports.Set("softmaxCrossEntropy", Napi::Function::New(env, SoftmaxCrossEntropy, "softmaxCrossEntropy"));
}

}  // namespace lrsweep
