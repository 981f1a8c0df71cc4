# node-gyp build of the native addon: the same sources, defines, include directories and
# compiler flags as CMakeLists.txt (the primary build, cmake-js). Not published: package.json
# keeps "gypfile": false so npm never runs `node-gyp rebuild` on install.
#
# Build (local Node headers, no download), in a scratch copy so that it does not clobber the
# cmake-js build in ./build:   scripts/build-gyp.sh        (-> build-gyp/Release/)
# CPU target:                  scripts/build-gyp.sh -- -Dran_arch=native
#
# `sources` is listed explicitly; scripts/check-gyp.js (run by scripts/build-gyp.sh and
# .ci/run) fails if it differs from native/{src,units,addon,bench}/*.cpp on disk, or if
# the defines differ from CMakeLists.txt.
{
  "variables": {
    # value of -march (CMake: RAN_ARCH); the default is a portable level, not "native"
    "ran_arch%": "x86-64-v2",
    # 1: libstdc++ linked into the addon, as the prebuilt binaries are (CMake: RAN_STATIC_RUNTIME)
    "ran_static_runtime%": 0
  },
  "targets": [
    {
      "target_name": "recurrent_attention",
      "sources": [
        "native/src/draw.cpp",
        "native/src/network.cpp",
        "native/src/network_spec.cpp",
        "native/src/ridge.cpp",
        "native/src/spectral.cpp",
        "native/src/thread_pool.cpp",
        "native/units/attention.cpp",
        "native/units/memory.cpp",
        "native/units/tanh.cpp",
        "native/units/unit_kind.cpp",
        "native/addon/addon.cpp",
        "native/addon/args.cpp",
        "native/addon/async_job.cpp",
        "native/addon/network_wrap.cpp",
        "native/addon/random_wrap.cpp",
        "native/addon/ridge_wrap.cpp",
        "native/bench/gemm_ceiling.cpp"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "native/include",
        "native/units",
        "native/addon",
        "native/bench",
        "native/vendor/eigen"
      ],
      "defines": [
        "NAPI_VERSION=9",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS",
        "EIGEN_DONT_PARALLELIZE",
        "EIGEN_MPL2_ONLY",
        "RAN_VARIANT=\"<(ran_arch)\""
      ],
      # CMake's Release configuration defines NDEBUG (Eigen's assertions off); common.gypi does not.
      "configurations": {
        "Release": { "defines": ["NDEBUG"] }
      },
      # common.gypi turns off C++ exceptions and RTTI; the addon needs exceptions
      # (NAPI_CPP_EXCEPTIONS) and the CMake build has both on.
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags": [
        "-O3",
        "-march=<(ran_arch)",
        "-fno-math-errno",
        "-ffp-contract=off",
        "-Wall",
        "-Wextra",
        "-Wno-unused-parameter",
        "-Wno-maybe-uninitialized"
      ],
      # C++17: common.gypi already passes -std=gnu++17, which is also what CMake passes for
      # CMAKE_CXX_STANDARD 17 (extensions on by default).
      "cflags_cc": [
        "-fexceptions",
        "-frtti",
        # Eigen as a system include directory (CMake: SYSTEM), so -Wall -Wextra stay quiet
        # about it; GCC then ignores the -I of the same directory from include_dirs.
        "-isystem", "<(module_root_dir)/native/vendor/eigen"
      ],
      "conditions": [
        ["ran_static_runtime==1", {
          "ldflags": ["-static-libstdc++", "-Wl,--exclude-libs,ALL", "-Wl,--gc-sections"]
        }]
      ],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "GCC_ENABLE_CPP_RTTI": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "MACOSX_DEPLOYMENT_TARGET": "11.0",
        "OTHER_CPLUSPLUSFLAGS": ["-O3", "-fno-math-errno", "-ffp-contract=off"]
      },
      "msvs_settings": {
        "VCCLCompilerTool": {
          "ExceptionHandling": 1,
          "AdditionalOptions": ["/std:c++17", "/O2"]
        }
      }
    }
  ]
}
