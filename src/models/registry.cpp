#include <algorithm>
#include <stdexcept>

#include "models/model.hpp"

namespace silico::models {

namespace {
// Function-local static: safe to use from other translation units' static initialisers.
std::vector<ModelFactory>& registry() {
  static std::vector<ModelFactory> factories;
  return factories;
}
}  // namespace

const char* to_string(OutputType type) {
  switch (type) {
    case OutputType::kContinuous: return "continuous";
    case OutputType::kTimeToEvent: return "time_to_event";
    case OutputType::kBinary: return "binary";
  }
  return "";
}

bool detail::register_model(ModelFactory factory) {
  auto& factories = registry();
  const auto same_name = [&](const ModelFactory& f) { return f.name == factory.name; };
  if (std::any_of(factories.begin(), factories.end(), same_name)) {
    throw std::logic_error("model registered twice: " + factory.name);
  }
  factories.push_back(std::move(factory));
  return true;
}

const ModelFactory* find_model(const std::string& name) {
  for (const auto& factory : registry()) {
    if (factory.name == name) return &factory;
  }
  return nullptr;
}

std::vector<std::string> model_names() {
  std::vector<std::string> names;
  for (const auto& factory : registry()) names.push_back(factory.name);
  std::sort(names.begin(), names.end());
  return names;
}

double linear_predictor(const std::vector<CovariateEffect>& effects,
                        std::span<const double> covariates) {
  double eta = 0.0;
  for (const auto& effect : effects) {
    eta += effect.per_unit * (covariates[effect.covariate] - effect.reference);
  }
  return eta;
}

}  // namespace silico::models
