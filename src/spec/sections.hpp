#pragma once
// Internal to spec/: one reader per top-level section of a spec, each in its own
// section_<name>.cpp over the shared ReadContext. spec.cpp calls them in a fixed order:
// later sections check names against earlier ones, and that order is the order of the
// diagnostics a user sees. Adding a section is adding a file and one call there.

#include <string>

#include "spec/read_context.hpp"
#include "spec/spec.hpp"
#include "spec/yaml_reader.hpp"

namespace silico::spec::detail {

// section_trial.cpp
void read_schema_version(ReadContext& ctx, const Located& top);
void read_trial(ReadContext& ctx, const Located& top, TrialSettings& trial);
/// trial.dropout against the arms and the model's dropout_rate: after read_model.
void resolve_dropout(ReadContext& ctx, TrialSpec& spec);
void read_output(ReadContext& ctx, const Located& top, OutputSpec& output);
void read_report(ReadContext& ctx, const Located& top, ReportSpec& report);

// section_cohort.cpp: the trial's cohort (`top` the spec), or a second population's
// (`top` the mapping holding its `cohort`). True if it read without error.
bool read_cohort_section(ReadContext& ctx, const Located& top, CohortSpec& cohort);

// section_arms.cpp: true if the arms read without error.
bool read_arms(ReadContext& ctx, const Located& top, TrialSpec& spec);

// section_model.cpp: read_model checks the parameters; create_model builds the model
// once the observation schedules are read.
void read_model(ReadContext& ctx, const Located& top, TrialSpec& spec);
void create_model(ReadContext& ctx, TrialSpec& spec);

// section_observations.cpp
void read_observations(ReadContext& ctx, const Located& top, TrialSpec& spec);
Located observation_location(const ReadContext& ctx, const TrialSpec& spec, const std::string& variable,
                             std::size_t index);

// section_endpoints.cpp
void read_endpoints(ReadContext& ctx, const Located& top, TrialSpec& spec);

// section_analysis.cpp
void read_analysis(ReadContext& ctx, const Located& top, TrialSpec& spec);

// section_group_sequential.cpp: an endpoint's `group_sequential`, after its methods.
void read_group_sequential(ReadContext& ctx, const Located& at, const TrialSpec& spec, models::OutputType type,
                           EndpointAnalysis& analysis);

// section_multiplicity.cpp: analysis.multiplicity (`at`), after the endpoints' methods are
// read; `methods_ok` false when reading them (or the endpoints) found an error, so a name
// they dropped is not reported again as unknown.
void read_multiplicity(ReadContext& ctx, const Located& at, TrialSpec& spec, bool methods_ok);

// section_validation.cpp
void read_validation(ReadContext& ctx, const Located& top, TrialSpec& spec, bool check_names);
void read_report_only(ReadContext& ctx, const YAML::Node& root, StoredSpec& stored);

}  // namespace silico::spec::detail
