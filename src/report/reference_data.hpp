#pragma once
/// @file
/// @brief Small published data sets whose analyses are printed in R's documentation and
/// tests, for `silico verify` to recompute. Values as distributed with R.

#include <cstdint>
#include <vector>

namespace silico::report::reference {

/// R `sleep` (Cushny & Peebles 1905, as in Student 1908): extra hours of sleep, 10
/// patients per drug.
inline const std::vector<double> kSleepGroup1{0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
inline const std::vector<double> kSleepGroup2{1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};

/// R `cars` (Ezekiel 1930): speed (mph) and stopping distance (ft) of 50 cars.
inline const std::vector<double> kCarsSpeed{4,  4,  7,  7,  8,  9,  10, 10, 10, 11, 11, 12, 12, 12, 12, 13, 13,
                                            13, 13, 14, 14, 14, 14, 15, 15, 15, 16, 16, 17, 17, 17, 18, 18, 18,
                                            18, 19, 19, 19, 20, 20, 20, 20, 20, 22, 23, 24, 24, 24, 24, 25};
inline const std::vector<double> kCarsDist{2,  10, 4,  22, 16, 10, 18, 26, 34, 17, 28, 14, 20, 24, 28, 26, 34,
                                           34, 46, 26, 36, 60, 80, 20, 26, 54, 32, 40, 32, 40, 50, 42, 56, 76,
                                           84, 36, 46, 68, 32, 48, 52, 56, 64, 66, 54, 70, 92, 93, 120, 85};

/// R `mtcars` (Henderson & Velleman 1981): weight (1000 lb) and manual transmission, in
/// the data set's row order (Mazda RX4 ... Volvo 142E).
inline const std::vector<double> kMtcarsWeight{2.620, 2.875, 2.320, 3.215, 3.440, 3.460, 3.570, 3.190,
                                               3.150, 3.440, 3.440, 4.070, 3.730, 3.780, 5.250, 5.424,
                                               5.345, 2.200, 1.615, 1.835, 2.465, 3.520, 3.435, 3.840,
                                               3.845, 1.935, 2.140, 1.513, 3.170, 2.770, 3.570, 2.780};
inline const std::vector<std::int8_t> kMtcarsManual{1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                                    0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1};

/// R survival `aml` (Miller 1981, Survival Analysis): weeks to relapse, maintained and
/// non-maintained chemotherapy; event 0 = censored.
inline const std::vector<double> kAmlMaintainedTime{9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161};
inline const std::vector<std::int8_t> kAmlMaintainedEvent{1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0};
inline const std::vector<double> kAmlNonmaintainedTime{5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45};
inline const std::vector<std::int8_t> kAmlNonmaintainedEvent{1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1};

}  // namespace silico::report::reference
