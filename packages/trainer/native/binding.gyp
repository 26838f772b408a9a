{
  "targets": [
    {
      "target_name": "lrsweep_blas",
      "sources": ["src/addon.cc", "src/sgemm.cc", "src/optimizer-steps.cc", "src/elementwise.cc", "src/conv-kernels.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-trapping-math"]
    }
  ]
}
