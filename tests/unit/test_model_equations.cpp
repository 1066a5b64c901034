// Every registered model states its equations for the validation report, and they name
// every parameter a spec must give: an equations text that drifted from the schema (a
// renamed or added parameter) fails here.
#include <gtest/gtest.h>

#include <cctype>
#include <sstream>
#include <string>

#include "models/model.hpp"

namespace silico::models {
namespace {

/// Whether `name` occurs in `text` as a whole word (so "V" is not found in "V1" or "KOUT").
bool names(const std::string& text, const std::string& name) {
  const auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (auto at = text.find(name); at != std::string::npos; at = text.find(name, at + 1)) {
    const bool starts = at == 0 || !word(text[at - 1]);
    const bool ends = at + name.size() == text.size() || !word(text[at + name.size()]);
    if (starts && ends) return true;
  }
  return false;
}

TEST(ModelEquations, WholeWordsOnly) {
  EXPECT_TRUE(names("C = A1 / V;", "V"));
  EXPECT_FALSE(names("C = A1 / V1", "V"));
  EXPECT_FALSE(names("slope_sd z1", "slope"));
  EXPECT_TRUE(names("slope_i = slope + b1_i", "slope"));
}

TEST(ModelEquations, EveryModelHasADescriptionAndEquationsNamingItsRequiredAndPerArmParameters) {
  const auto models = model_names();
  ASSERT_GE(models.size(), 7u);  // weibull_ph, survival, linear_change, disease_progression, pk_1cmt, pk_2cmt, tgi
  for (const auto& name : models) {
    const ModelFactory* model = find_model(name);
    ASSERT_NE(model, nullptr) << name;
    EXPECT_FALSE(model->description.empty()) << name;
    ASSERT_FALSE(model->equations.empty()) << name;
    for (const auto& p : model->schema) {
      if (p.required) {
        EXPECT_TRUE(names(model->equations, p.name)) << name << " does not name " << p.name;
      }
      // The arms' own parameters carry the treatment effect: each is named per arm a.
      if (p.kind == ParamKind::kPerArm) {
        EXPECT_TRUE(names(model->equations, p.name + "_a")) << name << " does not name " << p.name << "_a";
      }
    }
  }
}

TEST(ModelEquations, OneNamedEquationALineThatFitsAPrintedPage) {
  // The report prints them in a monospace block on A4: 92 characters fit a line.
  for (const auto& name : model_names()) {
    const std::string& text = find_model(name)->equations;
    EXPECT_EQ(text.back(), '\n') << name;
    std::istringstream lines(text);
    std::string line;
    for (bool first = true; std::getline(lines, line); first = false) {
      EXPECT_LE(line.size(), 92u) << name << ": " << line;
      if (first) {
        EXPECT_NE(line.front(), ' ') << name << ": the first line names its equation";
      }
    }
  }
}

TEST(ModelEquations, PkStatesTheSystemOfItsCompartments) {
  const std::string one = find_model("pk_1cmt")->equations;
  const std::string two = find_model("pk_2cmt")->equations;
  EXPECT_NE(one.find("d A1/dt = KA depot - (CL/V) A1 + infusion rate\n"), std::string::npos);
  EXPECT_EQ(one.find("A2"), std::string::npos);
  EXPECT_NE(two.find("d A1/dt = KA depot - (CL/V1) A1 - (Q/V1) A1 + (Q/V2) A2 + infusion rate\n"), std::string::npos);
  EXPECT_NE(two.find("d A2/dt = (Q/V1) A1 - (Q/V2) A2\n"), std::string::npos);
  for (const char* pd : {"idr_inhibit_production", "idr_inhibit_loss", "idr_stimulate_production",
                         "idr_stimulate_loss", "emax"}) {
    EXPECT_TRUE(names(one, pd)) << pd;
    EXPECT_TRUE(names(two, pd)) << pd;
  }
}

}  // namespace
}  // namespace silico::models
