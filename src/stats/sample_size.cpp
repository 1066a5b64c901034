/// @file
/// @brief schoenfeld_events(): required number of events for a log-rank test.

#include <cmath>
#include <stdexcept>

#include <boost/math/distributions/normal.hpp>

#include "stats/design.hpp"

namespace silico::stats {

double schoenfeld_events(double hazard_ratio, double alpha, double power, double allocation) {
  if (!(std::isfinite(hazard_ratio) && hazard_ratio > 0.0) || hazard_ratio == 1.0) {
    throw std::invalid_argument(
        "schoenfeld_events: hazard_ratio must be finite, positive and different from 1");
  }
  if (!(alpha > 0.0 && alpha < 1.0)) {
    throw std::invalid_argument("schoenfeld_events: alpha must be in (0, 1)");
  }
  if (!(power > 0.0 && power < 1.0)) {
    throw std::invalid_argument("schoenfeld_events: power must be in (0, 1)");
  }
  if (!(allocation > 0.0 && allocation < 1.0)) {
    throw std::invalid_argument("schoenfeld_events: allocation must be in (0, 1)");
  }
  const boost::math::normal standard;
  // Upper quantiles through complement(): no 1 - x cancellation for small alpha or beta.
  const double z_alpha = boost::math::quantile(boost::math::complement(standard, alpha / 2.0));
  const double z_beta = boost::math::quantile(boost::math::complement(standard, 1.0 - power));
  const double z_sum = z_alpha + z_beta;
  // power <= alpha/2 makes the sum <= 0: the formula would then return the events for
  // another power (squares hide the sign), so refuse it.
  if (!(z_sum > 0.0)) {
    throw std::invalid_argument("schoenfeld_events: power must exceed alpha/2");
  }
  const double log_hr = std::log(hazard_ratio);
  return z_sum * z_sum / (allocation * (1.0 - allocation) * log_hr * log_hr);
}

}  // namespace silico::stats
