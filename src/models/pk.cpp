// pk_1cmt, pk_2cmt: linear compartmental pharmacokinetics with a population layer, and
// optional pharmacodynamics on top.
//
// States (amounts, mg): depot, central, peripheral, the AUC of the central concentration
// (mg*h/L) and the PD response R:
//   d depot/dt = -KA depot
//   d A1/dt    = KA depot - (CL/V1) A1 - (Q/V1) A1 + (Q/V2) A2 + infusion rate
//   d A2/dt    = (Q/V1) A1 - (Q/V2) A2
//   d AUC/dt   = A1 / V1
//   d R/dt     = indirect response (Dayneka et al. 1993), f = EMAX C^HILL / (EC50^HILL + C^HILL):
//                I kin (1 - f) - kout R;  II kin - kout (1 - f) R;
//                III kin (1 + f) - kout R; IV kin - kout (1 + f) R;  kin = E0 KOUT, R(0) = E0
// or a direct effect E = E0 + EMAX C^HILL / (EC50^HILL + C^HILL) (pd: emax).
// pk_1cmt is the same system with Q = 0 (V1 = V). Oral doses enter the depot times F after
// the lag time; IV doses enter the central compartment. Endpoints over the exposure window
// [exposure_start_h, exposure_end_h]: AUC (exact integral), Cmax and Cmin (over the
// observation grid every observe_every_h inside the window; a concentration at a dose time
// includes that dose); the biomarker change E(biomarker_time_h) - E0. Solved in closed form
// (superposition, default; not for indirect responses) or by ODE integration (dopri5 or
// cvode_bdf), which tests cross-check against each other.
// Stored per patient: the individual parameters this configuration uses and every eta
// (individual_parameter_names), taken from the computation of the outcomes; with
// `observations`, the concentration before residual error (concentration_ipred) after the
// recorded one.

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/error.hpp"
#include "models/model.hpp"
#include "models/pk_closed_form.hpp"
#include "models/pk_grid.hpp"
#include "models/population.hpp"
#include "rng/stream.hpp"
#include "solvers/dopri5.hpp"
#include "solvers/ode.hpp"

namespace silico::models {
namespace {

enum Index { kCl, kV1, kQ, kV2, kKa, kF, kE0, kEmax, kEc50, kKout, kParameters };

/// Pharmacodynamics on top of the PK: none, direct sigmoid Emax, or one of the four
/// indirect-response models of Dayneka, Garg & Jusko (J Pharmacokinet Biopharm 1993).
enum class Pd { kNone, kEmax, kIdrInhibitProduction, kIdrInhibitLoss, kIdrStimulateProduction, kIdrStimulateLoss };

constexpr bool indirect(Pd pd) { return pd != Pd::kNone && pd != Pd::kEmax; }

/// Sigmoid drug effect C^h / (C50^h + C^h), in [0, 1).
inline double saturation(double c, double c50, double hill) {
  if (c <= 0.0) return 0.0;
  const double ch = std::pow(c, hill);
  return ch / (std::pow(c50, hill) + ch);
}

class PkRhs final : public solvers::OdeRhs {
 public:
  /// Rate constants from the patient's parameters: the right-hand side then costs no
  /// division (it is called thousands of times per patient).
  void set(double cl, double v1, double q, double v2, double ka) {
    ka_ = ka, k10_ = cl / v1, k12_ = q / v1, k21_ = q / v2, inverse_v1_ = 1.0 / v1;
  }
  double infusion_mg_per_h = 0.0;
  Pd pd = Pd::kNone;
  double emax = 0, ec50 = 1, hill = 1, kin = 0, kout = 0;

  /// Depot, central, peripheral, AUC, and the response R only for an indirect response.
  std::size_t size() const override { return indirect(pd) ? 5 : 4; }
  void operator()(double, const double* y, double* dydt) const override {
    const double absorbed = ka_ * y[0];
    const double to_peripheral = k12_ * y[1];
    const double from_peripheral = k21_ * y[2];
    dydt[0] = -absorbed;
    dydt[1] = absorbed - k10_ * y[1] - to_peripheral + from_peripheral + infusion_mg_per_h;
    dydt[2] = to_peripheral - from_peripheral;
    dydt[3] = y[1] * inverse_v1_;
    if (!indirect(pd)) return;
    // Indirect response: the fifth state is the response R, with R(0) = kin / kout.
    const double f = emax * saturation(y[1] * inverse_v1_, ec50, hill);
    switch (pd) {
      case Pd::kIdrInhibitProduction: dydt[4] = kin * (1.0 - f) - kout * y[4]; break;
      case Pd::kIdrInhibitLoss: dydt[4] = kin - kout * (1.0 - f) * y[4]; break;
      case Pd::kIdrStimulateProduction: dydt[4] = kin * (1.0 + f) - kout * y[4]; break;
      default: dydt[4] = kin - kout * (1.0 + f) * y[4]; break;
    }
  }

 private:
  double ka_ = 1, k10_ = 1, k12_ = 0, k21_ = 0, inverse_v1_ = 1;
};

/// One event of the integration schedule: a dose into a compartment or an infusion-rate change.
struct Event {
  double time_h;
  int compartment;  // 0 depot, 1 central, -1 infusion rate change
  double amount;    // mg, or mg/h for rate changes
};

enum class Solver { kClosedForm, kDopri5, kCvode };

/// What `observations` may record.
const VariableInfo kConcentration{
    "concentration", "mg/L",
    "central concentration under the assigned arm, with the residual error"};

class Pk final : public Model {
 public:
  Pk(const ParamValues& v, const TrialContext& trial, bool two_compartment)
      : two_compartment_(two_compartment),
        lag_h_(v.number("lag_h")),
        window_start_(v.number("exposure_start_h")),
        window_end_(v.number("exposure_end_h")),
        every_h_(v.number("observe_every_h")),
        tolerances_{v.number("rtol"), v.number("atol")} {
    const char* names[kParameters] = {"CL", two_compartment ? "V1" : "V", "Q", "V2", "KA", "F",
                                      "E0", "EMAX", "EC50", "KOUT"};
    std::vector<PopulationParameter> parameters;
    for (int i = 0; i < kParameters; ++i) {
      const auto found = v.population.find(names[i]);
      parameters.push_back(found != v.population.end() ? found->second : PopulationParameter{names[i], 0.0, {}});
    }
    const auto omega = v.omega.find("omega");
    population_ = Population(parameters, omega != v.omega.end() ? omega->second : RandomEffects{});
    const std::string& pd = v.choices.at("pd");
    pd_ = pd == "emax" ? Pd::kEmax
          : pd == "idr_inhibit_production" ? Pd::kIdrInhibitProduction
          : pd == "idr_inhibit_loss" ? Pd::kIdrInhibitLoss
          : pd == "idr_stimulate_production" ? Pd::kIdrStimulateProduction
          : pd == "idr_stimulate_loss" ? Pd::kIdrStimulateLoss
                                       : Pd::kNone;
    hill_ = v.number("HILL");
    biomarker_time_h_ = v.number("biomarker_time_h");
    const std::string& solver = v.choices.at("solver");
    solver_ = solver == "dopri5" ? Solver::kDopri5 : solver == "cvode_bdf" ? Solver::kCvode : Solver::kClosedForm;
    if (!(window_end_ > window_start_)) throw UserError("exposure_end_h must be greater than exposure_start_h");
    if (idr() && solver_ == Solver::kClosedForm) {
      throw UserError("indirect-response PD has no closed form: choose solver dopri5 or cvode_bdf");
    }
    if (pd_ == Pd::kIdrInhibitProduction || pd_ == Pd::kIdrInhibitLoss) {
      const auto& emax = v.population.at("EMAX");
      if (emax.typical > 1.0) {
        throw UserError("EMAX is the maximal inhibition of an inhibitory indirect response: at most 1");
      }
      // A log-normal factor or a covariate factor could push a patient's Imax above 1 (a
      // negative production or loss rate): not allowed rather than clamped.
      const bool varies = !emax.factors.empty() ||
                          (omega != v.omega.end() &&
                           std::find(omega->second.names.begin(), omega->second.names.end(), "EMAX") !=
                               omega->second.names.end());
      if (varies) throw UserError("EMAX of an inhibitory indirect response must be the same for every patient (at most 1)");
    }
    // Every grid point is solved for every patient and arm: a window of 10^308 h (a typo)
    // must be an error in `silico check`, not an allocation of all memory.
    constexpr double kMaxGridPoints = 1e6;
    if (!((window_end_ - window_start_) / every_h_ <= kMaxGridPoints)) {
      throw UserError("exposure_start_h to exposure_end_h every observe_every_h gives more than 1000000 "
                      "observation points");
    }
    // Grid points by index, not by accumulation, so they fall exactly on round times.
    for (std::size_t k = 0;; ++k) {
      const double t = window_start_ + static_cast<double>(k) * every_h_;
      if (t > window_end_) break;
      grid_.push_back(t);
    }
    if (grid_.back() < window_end_) grid_.push_back(window_end_);
    for (const auto& regimen : trial.regimens) doses_.push_back(dose_events(regimen));
    // The recorded concentration, at the spec's times in days; the model runs in hours.
    for (const auto& o : trial.observations) {
      if (o.variable != kConcentration.name) {
        throw std::logic_error("pk cannot record " + o.variable);
      }
      trajectory_days_ = o.times_days;
      for (const double t : o.times_days) trajectory_times_.push_back(24.0 * t);
    }
    residual_ = {v.number("residual_additive"), v.number("residual_proportional")};
    // The stored individual parameters: those this configuration uses (pk_1cmt's Q and V2
    // are placeholders; E0, EMAX and EC50 only with PD, KOUT only for an indirect
    // response), then every eta.
    for (int i = 0; i < kParameters; ++i) {
      const bool used = i == kQ || i == kV2 ? two_compartment_
                        : i == kE0 || i == kEmax || i == kEc50 ? pd_ != Pd::kNone
                        : i == kKout ? idr()
                                     : true;
      if (!used) continue;
      stored_.push_back(i);
      parameter_names_.push_back(names[i]);
    }
    for (const auto& name : population_.random_effect_names()) parameter_names_.push_back("eta_" + name);
  }

  std::vector<std::string> individual_parameter_names() const override { return parameter_names_; }

  void simulate(const PatientKey& key, std::span<const double> covariates, std::size_t assigned_arm,
                std::span<ArmOutcome> potential, std::span<ArmOutcome> observed) const override {
    simulate_with_parameters(key, covariates, assigned_arm, potential, observed, {});
  }

  void simulate_with_parameters(const PatientKey& key, std::span<const double> covariates, std::size_t assigned_arm,
                                std::span<ArmOutcome> potential, std::span<ArmOutcome> observed,
                                std::span<double> parameters) const override {
    double p[kParameters];
    double eta[kMaxRandomEffects];
    individual(key, covariates, p, std::span<double>(eta, population_.random_effects()));
    // Written before solving, so a patient whose solver fails still has them (the
    // simulator then stores NaN, as for its outcomes).
    if (!parameters.empty()) {
      for (std::size_t j = 0; j < stored_.size(); ++j) parameters[j] = p[stored_[j]];
      std::copy_n(eta, population_.random_effects(), parameters.begin() + static_cast<std::ptrdiff_t>(stored_.size()));
    }
    const std::size_t arms = doses_.size();
    std::uint64_t evaluations = 0;
    thread_local std::vector<double> concentrations;
    concentrations.resize(grid_.size());
    for (std::size_t a = 0; a < arms; ++a) {
      const Solution s = solve(p, doses_[a], grid_, concentrations, true);
      evaluations += s.rhs_evaluations;
      const auto [low, high] = std::minmax_element(concentrations.begin(), concentrations.end());
      potential[0 * arms + a] = {s.auc, 1};
      potential[1 * arms + a] = {*high, 1};
      potential[2 * arms + a] = {*low, 1};
      potential[4 * arms + a] = {s.biomarker - p[kE0], 1};
    }
    for (std::size_t a = 0; a < arms; ++a) potential[3 * arms + a] = {static_cast<double>(evaluations), 1};
    for (std::size_t o = 0; o < 5; ++o) observed[o] = potential[o * arms + assigned_arm];
  }

  /// The recorded concentration, then its individual prediction (before residual error)
  /// at the same times.
  std::vector<TrajectoryInfo> trajectories() const override {
    if (trajectory_times_.empty()) return {};
    return {{kConcentration.name, kConcentration.unit, trajectory_days_},
            {kConcentration.name + "_ipred", kConcentration.unit, trajectory_days_, kConcentration.name}};
  }

  void trajectory(const PatientKey& key, std::span<const double> covariates, std::size_t arm,
                  std::span<double> all) const override {
    double p[kParameters];
    individual(key, covariates, p);
    const std::size_t points = trajectory_times_.size();
    const std::span<double> out = all.first(points);
    solve(p, doses_[arm], trajectory_times_, out, false);
    std::copy(out.begin(), out.end(), all.begin() + static_cast<std::ptrdiff_t>(points));  // ipred
    // Residual error on each observation: two normals per time point from the patient's
    // residual stream, the same under every arm.
    if (residual_.additive_sd == 0.0 && residual_.proportional_sd == 0.0) return;  // no error to draw
    rng::Stream stream({key.seed, key.replicate, key.patient, rng::Purpose::kResidual, 0});
    for (double& c : out) {
      const double z_proportional = stream.normal();
      const double z_additive = stream.normal();
      c = with_residual(c, residual_, z_proportional, z_additive);
    }
  }

 private:
  struct Solution {
    double auc = 0.0;
    double biomarker = 0.0;  ///< PD response at biomarker_time_h (E0 without PD)
    std::uint64_t rhs_evaluations = 0;
  };

  bool idr() const { return indirect(pd_); }

  /// Closed-form concentrations on a sorted grid, carried forward mode by mode when
  /// possible (O(doses + times)), else summed over the doses at each time; and the AUC
  /// over the exposure window when `window_auc` (else 0).
  template <typename Compartments>
  double fill(const Compartments& m, const std::vector<pk::Dose>& doses, const std::vector<double>& grid,
              std::span<double> out, bool window_auc) const {
    const pk::AucWindow window{window_start_, window_end_};
    if (pk::grid_supported(m, doses)) return pk::grid_concentrations(m, doses, grid, out, window_auc ? &window : nullptr);
    for (std::size_t k = 0; k < grid.size(); ++k) out[k] = pk::concentration(m, doses, grid[k]);
    return window_auc ? pk::auc(m, doses, window_start_, window_end_) : 0.0;
  }

  /// Direct effect of concentration c.
  double direct_effect(const double* p, double c) const {
    return pd_ == Pd::kEmax ? p[kE0] + p[kEmax] * saturation(c, p[kEc50], hill_) : p[kE0];
  }

  void individual(const PatientKey& key, std::span<const double> covariates, double* p,
                  std::span<double> eta = {}) const {
    population_.individual(key, covariates, std::span<double>(p, kParameters), eta);
    if (!two_compartment_) p[kQ] = 0.0, p[kV2] = 1.0;
  }

  /// Central concentrations at `grid` (right-continuous: a dose at a grid time counts),
  /// and the AUC over the exposure window when `window_auc`.
  Solution solve(const double* p, const std::vector<pk::Dose>& doses, const std::vector<double>& grid,
                 std::span<double> concentrations, bool window_auc) const {
    if (solver_ == Solver::kClosedForm) {
      const pk::Absorption absorption{p[kKa], p[kF], lag_h_};
      Solution s;
      s.biomarker = p[kE0];
      if (two_compartment_) {
        const pk::TwoCompartment m{p[kCl], p[kV1], p[kQ], p[kV2], absorption};
        s.auc = fill(m, doses, grid, concentrations, window_auc);
        if (pd_ == Pd::kEmax) s.biomarker = direct_effect(p, pk::concentration(m, doses, biomarker_time_h_));
      } else {
        const pk::OneCompartment m{p[kCl], p[kV1], absorption};
        s.auc = fill(m, doses, grid, concentrations, window_auc);
        if (pd_ == Pd::kEmax) s.biomarker = direct_effect(p, pk::concentration(m, doses, biomarker_time_h_));
      }
      return s;
    }
    return integrate(p, doses, grid, concentrations, window_auc);
  }

  Solution integrate(const double* p, const std::vector<pk::Dose>& doses, const std::vector<double>& grid,
                     std::span<double> concentrations, bool window_auc) const {
    PkRhs rhs;
    rhs.set(p[kCl], p[kV1], p[kQ], p[kV2], p[kKa]);
    rhs.pd = pd_, rhs.emax = p[kEmax], rhs.ec50 = p[kEc50], rhs.hill = hill_;
    rhs.kout = p[kKout], rhs.kin = p[kE0] * p[kKout];  // baseline R0 = kin / kout = E0
    // Per-thread buffers: no allocation per patient once they have grown.
    thread_local std::vector<Event> events;
    thread_local std::vector<double> stops;
    events.clear();
    for (const auto& d : doses) {
      switch (d.route) {
        case pk::Route::kOral: events.push_back({d.time_h + lag_h_, 0, d.amount_mg * p[kF]}); break;
        case pk::Route::kIvBolus: events.push_back({d.time_h, 1, d.amount_mg}); break;
        case pk::Route::kIvInfusion:
          events.push_back({d.time_h, -1, d.amount_mg / d.duration_h});
          events.push_back({d.time_h + d.duration_h, -1, -d.amount_mg / d.duration_h});
          break;
      }
    }
    // Already in time order unless an infusion outlasts the dosing interval; stable_sort
    // allocates a buffer, so it runs only then.
    const auto earlier = [](const Event& a, const Event& b) { return a.time_h < b.time_h; };
    if (!std::is_sorted(events.begin(), events.end(), earlier)) std::stable_sort(events.begin(), events.end(), earlier);
    stops.assign(grid.begin(), grid.end());
    for (const auto& ev : events) stops.push_back(ev.time_h);
    stops.push_back(biomarker_time_h_);
    if (window_auc) {
      stops.push_back(window_start_);
      stops.push_back(window_end_);
    }
    std::sort(stops.begin(), stops.end());
    stops.erase(std::unique(stops.begin(), stops.end()), stops.end());

    Solution s;
    // One solver per thread, method and system size, reused for every patient; made
    // again when a model with other tolerances runs on the thread.
    const std::size_t n = rhs.size();
    struct Cached {
      std::unique_ptr<solvers::OdeSolver> solver;
      solvers::Tolerances tolerances;
    };
    thread_local std::array<Cached, 4> cache;
    auto& cached = cache[(solver_ == Solver::kDopri5 ? 0 : 2) + (n == 5 ? 1 : 0)];
    if (!cached.solver || cached.tolerances.rtol != tolerances_.rtol || cached.tolerances.atol != tolerances_.atol) {
      cached.solver = solvers::make_solver_inlined<PkRhs>(
          solver_ == Solver::kDopri5 ? solvers::Method::kDormandPrince : solvers::Method::kCvodeBdf, n, tolerances_);
      cached.tolerances = tolerances_;
    }
    solvers::OdeSolver* solver = cached.solver.get();
    solver->stats = {};
    std::array<double, 5> state{};
    state[4] = p[kE0];
    const std::span<double> y(state.data(), n);
    double t = 0.0;
    std::size_t next_event = 0;
    const auto apply_events = [&](double at) {
      bool changed = false;
      while (next_event < events.size() && events[next_event].time_h <= at) {
        const auto& ev = events[next_event++];
        if (ev.compartment < 0) rhs.infusion_mg_per_h += ev.amount;
        else y[static_cast<std::size_t>(ev.compartment)] += ev.amount;
        changed = true;
      }
      return changed;
    };
    // Smooth up to the next dose or rate change: the solver may step over output times
    // there and interpolate them (dense output).
    const auto restart = [&](double at) {
      solver->reset(rhs, at, y);
      solver->set_horizon(next_event < events.size() ? events[next_event].time_h : stops.back());
    };
    apply_events(0.0);
    restart(0.0);
    double auc_start = 0.0;
    std::size_t next_grid = 0;
    for (double stop : stops) {
      if (stop > t) {
        solver->advance(stop, y);
        t = stop;
      }
      if (window_auc && t == window_start_) auc_start = y[3];
      if (window_auc && t == window_end_) s.auc = y[3] - auc_start;
      if (apply_events(t)) restart(t);
      // Right-continuous like the closed form: a dose at the biomarker time counts.
      if (t == biomarker_time_h_) s.biomarker = idr() ? y[4] : direct_effect(p, y[1] / p[kV1]);
      // Concentrations are right-continuous, as in the closed form: a bolus given at a
      // grid time counts at that time.
      while (next_grid < grid.size() && grid[next_grid] == t) concentrations[next_grid++] = y[1] / p[kV1];
    }
    s.rhs_evaluations = solver->stats.rhs_evaluations;
    return s;
  }

  bool two_compartment_;
  Pd pd_ = Pd::kNone;
  double hill_ = 1.0;
  double biomarker_time_h_ = 0.0;
  double lag_h_, window_start_, window_end_, every_h_;
  solvers::Tolerances tolerances_;
  Population population_;
  Solver solver_ = Solver::kClosedForm;
  std::vector<double> grid_;
  std::vector<std::vector<pk::Dose>> doses_;  // per arm
  std::vector<double> trajectory_times_;  // h
  std::vector<double> trajectory_days_;   // the same times in days, as the spec gives them
  ResidualError residual_;
  std::vector<int> stored_;  ///< indices into the parameters of those stored, in order
  std::vector<std::string> parameter_names_;  ///< individual_parameter_names()
};

/// The system solved for each patient and arm, as the validation report states it.
std::string pk_equations(bool two_compartment) {
  std::string text =
      "depot       d depot/dt = -KA depot;  an oral dose D adds F D at its time + lag_h\n";
  if (two_compartment) {
    text +=
        "central     d A1/dt = KA depot - (CL/V1) A1 - (Q/V1) A1 + (Q/V2) A2 + infusion rate\n"
        "peripheral  d A2/dt = (Q/V1) A1 - (Q/V2) A2\n"
        "            C = A1 / V1;  IV bolus and infusion doses enter A1\n";
  } else {
    text +=
        "central     d A1/dt = KA depot - (CL/V) A1 + infusion rate\n"
        "            C = A1 / V;  IV bolus and infusion doses enter A1\n";
  }
  text +=
      "exposure    auc = integral of C over [exposure_start_h, exposure_end_h];  cmax, cmin =\n"
      "            max, min of C at exposure_start_h + k observe_every_h and exposure_end_h\n"
      "pd          f(C) = EMAX C^HILL / (EC50^HILL + C^HILL);  none: E = E0;  emax: E = E0 + f(C)\n"
      "            idr_inhibit_production    dR/dt = kin (1 - f(C)) - KOUT R\n"
      "            idr_inhibit_loss          dR/dt = kin - KOUT (1 - f(C)) R\n"
      "            idr_stimulate_production  dR/dt = kin (1 + f(C)) - KOUT R\n"
      "            idr_stimulate_loss        dR/dt = kin - KOUT (1 + f(C)) R\n"
      "            kin = E0 KOUT, R(0) = E0;  biomarker_change = E or R at biomarker_time_h - E0\n";
  text += population_equations(two_compartment ? "CL, V1, Q, V2, KA, F, E0, EMAX, EC50, KOUT"
                                               : "CL, V, KA, F, E0, EMAX, EC50, KOUT");
  text +=
      "residual    recorded y = C (1 + residual_proportional z_p) + residual_additive z_a\n";
  return text;
}

ModelFactory pk_factory(bool two_compartment) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  ModelFactory f;
  f.name = two_compartment ? "pk_2cmt" : "pk_1cmt";
  f.description = std::string(two_compartment ? "two" : "one") +
                  "-compartment linear pharmacokinetics with optional pharmacodynamics; exposure "
                  "and biomarker endpoints";
  f.equations = pk_equations(two_compartment);
  f.needs_regimen = true;
  const auto population = [&](const char* name, bool required, double typical, const char* what) {
    return ParamSchema{name, ParamKind::kPopulation, required, typical, 0.0, inf, true, what};
  };
  f.schema.push_back(population("CL", true, 0.0, "clearance in L/h, > 0"));
  if (two_compartment) {
    f.schema.push_back(population("V1", true, 0.0, "central volume in L, > 0"));
    f.schema.push_back(population("Q", true, 0.0, "inter-compartmental clearance in L/h, > 0"));
    f.schema.push_back(population("V2", true, 0.0, "peripheral volume in L, > 0"));
  } else {
    f.schema.push_back(population("V", true, 0.0, "volume of distribution in L, > 0"));
  }
  f.schema.push_back(population("KA", false, 1.0, "first-order absorption rate in 1/h, > 0 (oral doses)"));
  f.schema.push_back(population("F", false, 1.0, "oral bioavailability, > 0"));
  f.schema.push_back({"pd", ParamKind::kChoice, false, 0.0, -inf, inf, false, "pharmacodynamic model",
                      {"none", "emax", "idr_inhibit_production", "idr_inhibit_loss", "idr_stimulate_production",
                       "idr_stimulate_loss"}});
  f.schema.push_back(population("E0", false, 1.0, "baseline response (R0 = kin/kout for indirect models), > 0"));
  f.schema.push_back({"EMAX", ParamKind::kPopulation, false, 0.0, 0.0, inf, false,
                      "maximal effect: added to E0 (emax), or the fraction Imax/Smax of an indirect model"});
  f.schema.push_back(population("EC50", false, 1.0, "concentration at half-maximal effect, mg/L, > 0"));
  f.schema.push_back({"HILL", ParamKind::kNumber, false, 1.0, 0.0, inf, true, "Hill coefficient, > 0"});
  f.schema.push_back(population("KOUT", false, 1.0, "first-order loss rate of the response, 1/h, > 0"));
  f.schema.push_back({"biomarker_time_h", ParamKind::kNumber, false, 0.0, 0.0, inf, false,
                      "time of the biomarker endpoint, h"});
  f.schema.push_back({"lag_h", ParamKind::kNumber, false, 0.0, 0.0, inf, false, "oral absorption lag in h, >= 0"});
  f.schema.push_back({"omega", ParamKind::kOmega, false, 0.0, -inf, inf, false,
                      "variance-covariance of the log-normal random effects"});
  f.schema.push_back({"solver", ParamKind::kChoice, false, 0.0, -inf, inf, false, "solution method", 
                      {"closed_form", "dopri5", "cvode_bdf"}});
  f.schema.push_back({"rtol", ParamKind::kNumber, false, 1e-8, 0.0, 1e-2, true, "ODE relative tolerance"});
  f.schema.push_back({"atol", ParamKind::kNumber, false, 1e-10, 0.0, 1.0, true, "ODE absolute tolerance (mg)"});
  f.schema.push_back({"observe_every_h", ParamKind::kNumber, false, 1.0, 0.0, inf, true,
                      "spacing of the concentration grid for Cmax and Cmin, in h"});
  f.schema.push_back({"exposure_start_h", ParamKind::kNumber, true, 0.0, 0.0, inf, false,
                      "start of the exposure window in h"});
  f.schema.push_back({"exposure_end_h", ParamKind::kNumber, true, 0.0, 0.0, inf, true,
                      "end of the exposure window in h"});
  f.schema.push_back({"residual_additive", ParamKind::kNumber, false, 0.0, 0.0, inf, false,
                      "additive residual error SD of recorded concentrations, mg/L"});
  f.schema.push_back({"residual_proportional", ParamKind::kNumber, false, 0.0, 0.0, inf, false,
                      "proportional residual error SD of recorded concentrations (fraction)"});
  f.outputs = {{"auc", OutputType::kContinuous, "AUC over the exposure window, mg*h/L"},
               {"cmax", OutputType::kContinuous, "highest concentration on the window's grid, mg/L"},
               {"cmin", OutputType::kContinuous, "lowest concentration on the window's grid, mg/L"},
               {"rhs_evaluations", OutputType::kContinuous,
                "ODE right-hand-side evaluations for the patient, all arms (0 in closed form)"},
               {"biomarker_change", OutputType::kContinuous,
                "PD response at biomarker_time_h minus its baseline E0 (0 without PD)"}};
  f.variables = {kConcentration};
  if (two_compartment) {
    f.create = [](const ParamValues& v, const TrialContext& t) -> std::unique_ptr<Model> {
      return std::make_unique<Pk>(v, t, true);
    };
  } else {
    f.create = [](const ParamValues& v, const TrialContext& t) -> std::unique_ptr<Model> {
      return std::make_unique<Pk>(v, t, false);
    };
  }
  return f;
}

}  // namespace
}  // namespace silico::models

SILICO_REGISTER_MODEL(silico::models::pk_factory(false))
namespace {
[[maybe_unused]] const bool silico_pk_2cmt_registered =
    ::silico::models::detail::register_model(silico::models::pk_factory(true));
}
