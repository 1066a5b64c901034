#pragma once
/// @file
/// @brief Closed-form (superposition) concentrations of linear 1- and 2-compartment
/// pharmacokinetic models, for any sequence of IV bolus, IV infusion and first-order oral
/// doses. Pure functions; used as the exact path of pk_1cmt/pk_2cmt and to verify the
/// ODE path. Units: amounts in mg, volumes in L, clearances in L/h, times in h, so
/// concentrations are in mg/L.
///
/// Every term is a product of non-negative factors (exponentials, expm1 ratios), never a
/// difference of exponentials, so there is no cancellation far past a dose and no 0/0
/// when ka equals an elimination rate (ka == k, ka == alpha or ka == beta give the
/// t*exp(-k*t) limits exactly).
///
/// Preconditions (validated once, up front, by the spec layer; not re-checked here):
/// cl > 0, v > 0 (v1, v2 > 0), q >= 0 (q == 0 reduces 2-cmt to 1-cmt with V = V1),
/// ka > 0, bioavailability >= 0, lag >= 0, amounts >= 0, infusion duration > 0, finite
/// dose times. Doses need not be sorted.

#include <span>
#include <vector>

namespace silico::models::pk {

enum class Route { kIvBolus, kIvInfusion, kOral };

struct Dose {
  double time_h = 0.0;
  double amount_mg = 0.0;
  Route route = Route::kIvBolus;
  double duration_h = 0.0;  ///< infusion only (> 0): constant rate amount/duration
};

/// Oral absorption: first order with rate ka, bioavailability F and lag time (oral doses
/// only; IV doses are not affected). An oral dose given at time s acts from s + lag.
struct Absorption {
  double ka_per_h = 1.0;
  double bioavailability = 1.0;
  double lag_h = 0.0;
};

struct OneCompartment {
  double cl_L_per_h = 1.0;
  double v_L = 10.0;
  Absorption absorption;
};

struct TwoCompartment {
  double cl_L_per_h = 1.0;  ///< elimination from the central compartment
  double v1_L = 10.0;       ///< central volume
  double q_L_per_h = 1.0;   ///< inter-compartmental clearance
  double v2_L = 20.0;       ///< peripheral volume
  Absorption absorption;
};

/// Hybrid (macro) constants of a 2-compartment model: after a unit bolus into the central
/// compartment, C(t) = a * exp(-alpha t) + b * exp(-beta t), with alpha + beta =
/// k10 + k12 + k21, alpha * beta = k10 * k21 (k10 = CL/V1, k12 = Q/V1, k21 = Q/V2),
/// a = (alpha - k21) / (V1 (alpha - beta)), b = (k21 - beta) / (V1 (alpha - beta)),
/// so a + b = 1/V1.
struct TwoCompartmentMacro {
  double alpha_per_h = 0.0;
  double beta_per_h = 0.0;
  double a_per_L = 0.0;  ///< coefficient of exp(-alpha t) per mg dosed
  double b_per_L = 0.0;  ///< coefficient of exp(-beta t) per mg dosed
};

/// Computed without cancellation (beta = k10 k21 / alpha; the smaller of alpha - k21 and
/// k21 - beta from their product k12 k21), so it stays accurate when beta << alpha.
TwoCompartmentMacro macro_constants(const TwoCompartment& model);

/// Central concentration at time t (mg/L), summing every dose given at or before t (a
/// bolus given exactly at t counts: concentrations are right-continuous).
double concentration(const OneCompartment& model, std::span<const Dose> doses, double t_h);
double concentration(const TwoCompartment& model, std::span<const Dose> doses, double t_h);

/// Exact AUC of the central concentration over [t0, t1] (mg*h/L): each term integrated
/// analytically. t1 may be +infinity (AUC to infinity); t0 > t1 gives -auc(t1, t0).
double auc(const OneCompartment& model, std::span<const Dose> doses, double t0_h, double t1_h);
double auc(const TwoCompartment& model, std::span<const Dose> doses, double t0_h, double t1_h);

}  // namespace silico::models::pk
