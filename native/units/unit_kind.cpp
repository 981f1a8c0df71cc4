#include "unit_kind.h"

#include "ran_error.h"

namespace ran {

const std::vector<const UnitKind*>& unit_kinds() {
  static const std::vector<const UnitKind*> kinds = {&tanh_units(), &attention_units(), &memory_units()};
  return kinds;
}

int find_unit_kind(const std::string& name) {
  const auto& kinds = unit_kinds();
  for (size_t i = 0; i < kinds.size(); ++i)
    if (name == kinds[i]->name) return static_cast<int>(i);
  return -1;
}

UnitOption int_option(const char* key, int min, int max, int fallback, bool required,
                      void (*set)(Population&, double)) {
  UnitOption o;
  o.type = UnitOption::Type::Int;
  o.key = key;
  o.min = min;
  o.max = max;
  o.fallback = fallback;
  o.required = required;
  o.set = set;
  return o;
}

UnitOption number_option(const char* key, double fallback, void (*set)(Population&, double)) {
  UnitOption o;
  o.type = UnitOption::Type::Number;
  o.key = key;
  o.fallback = fallback;
  o.set = set;
  return o;
}

UnitOption bool_option(const char* key, bool fallback, void (*set)(Population&, double)) {
  UnitOption o;
  o.type = UnitOption::Type::Bool;
  o.key = key;
  o.fallback = fallback ? 1 : 0;
  o.set = set;
  return o;
}

UnitOption choice_option(const char* key, std::vector<std::string> choices, void (*set)(Population&, double)) {
  UnitOption o;
  o.type = UnitOption::Type::Choice;
  o.key = key;
  o.choices = std::move(choices);
  o.set = set;
  return o;
}

UnitOption weights_option(const char* key, size_t (*count)(const Population&),
                          std::vector<float>& (*weights)(Population&)) {
  UnitOption o;
  o.type = UnitOption::Type::Weights;
  o.key = key;
  o.count = count;
  o.weights = weights;
  return o;
}

void require_units(bool ok, const std::string& what) {
  if (!ok) throw Error(kInvalidArg, what);
}

void require_count(const std::vector<float>& v, size_t expected, const std::string& name) {
  if (v.size() != expected) {
    // The addon's wording (native/addon/args.h).
    throw Error(kShape,
                "`" + name + "` must hold " + std::to_string(expected) + " values, got " + std::to_string(v.size()));
  }
}

}  // namespace ran
