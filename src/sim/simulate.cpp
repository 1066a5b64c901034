#include "sim/simulate.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "sim/randomization.hpp"

namespace silico::sim {

namespace {
template <typename T>
void resize_columns(std::vector<std::vector<T>>& columns, std::size_t n, std::size_t rows) {
  columns.resize(n);
  for (auto& column : columns) column.resize(rows);
}
}  // namespace

Simulator::Simulator(const spec::TrialSpec& spec, bool record_trajectories, bool record_bookkeeping)
    : spec_(spec), cohort_(spec.cohort), record_trajectories_(record_trajectories),
      record_bookkeeping_(record_bookkeeping) {
  if (spec.trial.accrual) accrual_.emplace(*spec.trial.accrual, spec.trial.patients, spec.trial.seed);
  if (record_bookkeeping_) parameters_ = spec.model.instance->individual_parameter_names().size();
  for (const auto& output : spec.model.factory->outputs) {
    time_to_event_.push_back(output.type == models::OutputType::kTimeToEvent);
  }
}

void Simulator::simulate(std::uint64_t replicate, std::uint64_t first, std::uint64_t count,
                         Block& block) const {
  const std::size_t n = count;
  const std::size_t n_arms = spec_.arms.size();
  const std::size_t n_covariates = cohort_.covariate_count();
  const std::size_t n_outputs = spec_.model.factory->outputs.size();
  block.replicate = replicate;
  block.first = first;
  block.count = count;
  block.patient_id.resize(record_bookkeeping_ ? n : 0);
  block.arm.resize(n);
  block.screening_attempts.resize(record_bookkeeping_ ? n : 0);
  block.model_failed.assign(n, 0);
  resize_columns(block.covariates, n_covariates, n);
  resize_columns(block.parameters, parameters_, n);
  block.endpoints.resize(spec_.endpoints.size());
  for (auto& e : block.endpoints) {
    e.observed_value.resize(n);
    e.observed_event.resize(n);
    resize_columns(e.potential_value, n_arms, n);
    resize_columns(e.potential_event, n_arms, n);
  }

  block.entry_time.resize(accrual_ ? n : 0);
  if (accrual_) accrual_->entry_times(replicate, first, block.entry_time);
  assign_arms(spec_.arms, spec_.trial.randomization_block, spec_.trial.seed, replicate, first,
              block.arm);
  std::size_t points = 0;
  if (record_trajectories_) {
    for (const auto& t : spec_.model.instance->trajectories()) points += t.times_days.size();
  }
  block.trajectory_points = points;
  block.trajectory.resize(points * n);

  const models::Model& model = *spec_.model.instance;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 256),
                    [&](const tbb::blocked_range<std::size_t>& range) {
    // Per-task scratch, reused across the patients of the range.
    std::vector<double> covariates(n_covariates);
    std::vector<models::ArmOutcome> potential(n_outputs * n_arms);
    std::vector<models::ArmOutcome> observed(n_outputs);
    std::vector<double> parameters(parameters_);
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      const std::uint64_t patient = first + i;
      const std::uint32_t attempts = cohort_.generate(spec_.trial.seed, replicate, patient, covariates);
      if (record_bookkeeping_) {
        block.patient_id[i] = patient;
        block.screening_attempts[i] = attempts;
      }
      for (std::size_t j = 0; j < n_covariates; ++j) block.covariates[j][i] = covariates[j];
      const auto assigned = static_cast<std::size_t>(block.arm[i]);
      try {
        if (parameters_ > 0) {
          model.simulate_with_parameters({spec_.trial.seed, replicate, patient}, covariates, assigned, potential,
                                         observed, parameters);
        } else {
          model.simulate({spec_.trial.seed, replicate, patient}, covariates, assigned, potential, observed);
        }
        if (points > 0) {
          model.trajectory({spec_.trial.seed, replicate, patient}, covariates, assigned,
                           std::span<double>(block.trajectory).subspan(i * points, points));
        }
      } catch (const UserError&) {
        throw;
      } catch (const std::exception&) {
        // A numerical failure (e.g. an ODE solver giving up) is this patient's, not the
        // trial's: its outcomes are undefined, it is flagged, and the analyses leave it out.
        block.model_failed[i] = 1;
        const double nan = std::numeric_limits<double>::quiet_NaN();
        for (auto& o : potential) o = {nan, 0};
        for (auto& o : observed) o = {nan, 0};
        std::fill(parameters.begin(), parameters.end(), nan);
        if (points > 0) {
          std::fill_n(block.trajectory.begin() + static_cast<std::ptrdiff_t>(i * points), points, nan);
        }
      }
      for (std::size_t j = 0; j < parameters_; ++j) block.parameters[j][i] = parameters[j];
      if (!spec_.trial.dropout.empty() && !spec_.trial.dropout[assigned].empty() && block.model_failed[i] == 0) {
        // Trial-level dropout censors what is observed under the assigned arm, from entry.
        const double dropout = dropout_time(spec_.trial.dropout[assigned], spec_.trial.seed, replicate, patient);
        for (std::size_t o = 0; o < n_outputs; ++o) {
          if (time_to_event_[o] && observed[o].value > dropout) observed[o] = {dropout, 0};
        }
      }
      for (std::size_t e = 0; e < spec_.endpoints.size(); ++e) {
        const auto& endpoint = spec_.endpoints[e];
        const std::size_t output = endpoint.output;
        auto& columns = block.endpoints[e];
        const auto record = [&](const models::ArmOutcome& o, double& value, std::int8_t& event) {
          if (endpoint.responder && !std::isnan(o.value)) {
            // Binary endpoint derived from a continuous output: 1 = responder.
            const double t = endpoint.responder->threshold;
            value = (endpoint.responder->below ? o.value < t : o.value > t) ? 1.0 : 0.0;
            event = 1;
          } else {
            value = o.value;
            event = o.event;
          }
        };
        record(observed[output], columns.observed_value[i], columns.observed_event[i]);
        for (std::size_t a = 0; a < n_arms; ++a) {
          record(potential[output * n_arms + a], columns.potential_value[a][i],
                 columns.potential_event[a][i]);
        }
      }
    }
  });
}

}  // namespace silico::sim
