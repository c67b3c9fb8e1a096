{
  "targets": [
    {
      "target_name": "mlsweep",
      "sources": ["src/addon.cc", "src/binning.cc", "src/addon_trees.cc", "src/boosting_kernels.cc", "src/tree_grow.cc", "src/tree_forest.cc", "src/tree_median_split.cc", "src/addon_linear.cc", "src/linear_kernels.cc", "src/knn_search.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O3", "-ffp-contract=off"],
      "ldflags": ["-pthread"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "OTHER_CPLUSPLUSFLAGS": ["-O3"]
      },
      "msvs_settings": { "VCCLCompilerTool": { "ExceptionHandling": 1 } }
    }
  ]
}
