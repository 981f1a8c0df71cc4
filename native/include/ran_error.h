// Errors raised by the kernels; the N-API layer turns them into JavaScript errors that
// carry `code`, so that callers can branch on a stable string instead of a message.
#pragma once
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

}  // namespace ran
