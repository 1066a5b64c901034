#include "spec/method_schema.hpp"

#include <algorithm>
#include <deque>
#include <stdexcept>
#include <utility>

namespace silico::spec {

namespace {
// Function-local static: safe to use from other translation units' static initialisers.
std::deque<MethodSchema>& registry() {  // stable addresses
  static std::deque<MethodSchema> schemas;
  return schemas;
}
}  // namespace

bool MethodSchema::applies_to(models::OutputType type) const {
  return std::find(endpoint_types.begin(), endpoint_types.end(), type) != endpoint_types.end();
}

bool MethodSchema::reads(std::string_view option) const {
  return std::find(options.begin(), options.end(), option) != options.end();
}

void register_method_schema(MethodSchema schema) {
  if (find_method_schema(schema.name) != nullptr) {
    throw std::logic_error("analysis method schema registered twice: " + schema.name);
  }
  registry().push_back(std::move(schema));
}

const MethodSchema* find_method_schema(std::string_view name) {
  for (const auto& s : registry()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::vector<const MethodSchema*> method_schemas() {
  std::vector<const MethodSchema*> out;
  for (const auto& s : registry()) out.push_back(&s);
  std::sort(out.begin(), out.end(), [](const MethodSchema* a, const MethodSchema* b) { return a->name < b->name; });
  return out;
}

std::vector<const MethodSchema*> method_schemas_for(models::OutputType type) {
  std::vector<const MethodSchema*> defaults, others;
  for (const MethodSchema* m : method_schemas()) {
    if (m->applies_to(type)) (m->default_order >= 0 ? defaults : others).push_back(m);
  }
  std::stable_sort(defaults.begin(), defaults.end(),
                   [](const MethodSchema* a, const MethodSchema* b) { return a->default_order < b->default_order; });
  defaults.insert(defaults.end(), others.begin(), others.end());
  return defaults;
}

}  // namespace silico::spec
