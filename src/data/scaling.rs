//! Min-max scaling into [0, 1], as the reference notebook does, fitted where the settings say.

use serde::{Deserialize, Serialize};

/// Maps prices into [0, 1] with the range seen when fitting; values outside it (a test period
/// that climbs above the training high) map outside [0, 1], which the model must extrapolate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MinMaxScaler {
    pub min: f64,
    pub max: f64,
}

impl MinMaxScaler {
    /// Fits on `values`; a flat series gets a unit range so scaling stays finite.
    pub fn fit(values: &[f64]) -> Self {
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if min < max { Self { min, max } } else { Self { min, max: min + 1.0 } }
    }

    /// Price → model units.
    pub fn scale(&self, value: f64) -> f64 {
        (value - self.min) / (self.max - self.min)
    }

    /// Model units → price, for metrics and charts in the price's own units.
    pub fn unscale(&self, value: f64) -> f64 {
        value * (self.max - self.min) + self.min
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_maps_the_fitted_range_to_unit_interval() {
        let scaler = MinMaxScaler::fit(&[10.0, 30.0, 20.0]);
        assert_eq!(scaler.scale(10.0), 0.0);
        assert_eq!(scaler.scale(30.0), 1.0);
        assert_eq!(scaler.scale(40.0), 1.5);
        for value in [10.0, 12.345, 30.0, 55.5] {
            assert!((scaler.unscale(scaler.scale(value)) - value).abs() < 1e-12);
        }
    }

    #[test]
    fn flat_series_stays_finite() {
        let scaler = MinMaxScaler::fit(&[5.0, 5.0]);
        assert_eq!(scaler.scale(5.0), 0.0);
        assert_eq!(scaler.unscale(0.0), 5.0);
    }
}
