// Errors raised by the kernels; the N-API layer turns them into JavaScript errors that
// carry `code`, so that callers can branch on a stable string instead of a message.
#pragma once
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>

namespace ran {

class Error : public std::runtime_error {
 public:
  Error(std::string code, const std::string& message) : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

inline const char* kInvalidArg = "ERR_RAN_INVALID_ARG";
inline const char* kShape = "ERR_RAN_SHAPE";
inline const char* kNotFinite = "ERR_RAN_NOT_FINITE";
inline const char* kSingular = "ERR_RAN_SINGULAR";
inline const char* kTooLarge = "ERR_RAN_TOO_LARGE";
inline const char* kAborted = "ERR_RAN_ABORTED";
inline const char* kBusy = "ERR_RAN_BUSY";
inline const char* kState = "ERR_RAN_STATE";
inline const char* kNoConvergence = "ERR_RAN_NO_CONVERGENCE";

// ERR_RAN_NOT_FINITE in the wording of lib/errors.ts, the value printed as JavaScript does:
// "`x` must be finite, found NaN at [3, 1]".
[[noreturn]] inline void throw_not_finite(const std::string& name, double value, const int64_t* at, int dims) {
  std::string s = "`" + name + "` must be finite, found " +
                  (std::isnan(value) ? "NaN"
                   : value > 0       ? "Infinity"
                                     : "-Infinity") +
                  " at [";
  for (int k = 0; k < dims; ++k) s += (k ? ", " : "") + std::to_string(at[k]);
  throw Error(kNotFinite, s + "]");
}

}  // namespace ran
