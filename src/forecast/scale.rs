//! What a forecast's miss is measured in: percent of the forecast (or price units), in units
//! of the recent volatility at the origin, so a band widens in turbulent times and narrows in
//! calm ones.

use serde::{Deserialize, Serialize};

/// Daily moves up to an origin whose root mean square is its recent volatility (about three
/// months of trading days).
pub const VOLATILITY_DAYS: usize = 60;

/// The least volatility a score is divided by, so a flat stretch cannot make a miss infinite.
const MIN_VOLATILITY: f64 = 1e-9;

/// What an error is measured in: percent of the forecast for prices (a band's width follows the
/// price level, as stock moves do), price units for a series with zero or negative values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorScale {
    Relative,
    Absolute,
}

impl ErrorScale {
    /// Relative for a series whose every value is positive, else absolute.
    pub fn for_series(values: &[f64]) -> Self {
        if values.iter().all(|v| *v > 0.0) { Self::Relative } else { Self::Absolute }
    }

    /// The size of the miss of `forecast` by `actual`, in units of the origin's `volatility`
    /// (the conformity score).
    pub(super) fn score(self, actual: f64, forecast: f64, volatility: f64) -> f64 {
        let miss = match self {
            Self::Relative => (actual / forecast - 1.0).abs(),
            Self::Absolute => (actual - forecast).abs(),
        };
        miss / volatility
    }

    /// A band half-width in price units around `forecast` from a quantile of scores, at an
    /// origin of `volatility`.
    pub(super) fn half_width(self, forecast: f64, quantile: f64, volatility: f64) -> f64 {
        match self {
            Self::Relative => forecast.abs() * quantile * volatility,
            Self::Absolute => quantile * volatility,
        }
    }

    /// The recent volatility at row `origin` of `actual`: the root mean square of the daily
    /// moves (log returns, or changes in price units) over the [`VOLATILITY_DAYS`] days up to
    /// it, fewer near the start; 1 at the first row, which has none.
    pub fn volatility(self, actual: &[f64], origin: usize) -> f64 {
        let days = (origin + 1).saturating_sub(VOLATILITY_DAYS).max(1)..origin + 1;
        if days.is_empty() {
            return 1.0;
        }
        let moves = days.clone().map(|t| match self {
            Self::Relative => (actual[t] / actual[t - 1]).ln(),
            Self::Absolute => actual[t] - actual[t - 1],
        });
        (moves.map(|m| m * m).sum::<f64>() / days.len() as f64).sqrt().max(MIN_VOLATILITY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volatility_is_the_root_mean_square_of_recent_daily_moves() {
        let prices = [1.0, 2.0, 1.0, 4.0];
        assert_eq!(ErrorScale::Absolute.volatility(&prices, 0), 1.0, "no move yet");
        assert_eq!(ErrorScale::Absolute.volatility(&prices, 3), (11.0f64 / 3.0).sqrt());
        assert!((ErrorScale::Relative.volatility(&prices, 1) - 2f64.ln()).abs() < 1e-12);
        let long: Vec<f64> = (0..200)
            .map(|i| if i < 100 { 10.0 * (i % 2) as f64 } else { (i % 2) as f64 })
            .collect();
        assert_eq!(
            ErrorScale::Absolute.volatility(&long, 199),
            1.0,
            "only the last {VOLATILITY_DAYS} moves count"
        );
        assert_eq!(ErrorScale::Absolute.volatility(&[5.0; 9], 8), MIN_VOLATILITY, "a flat stretch");
    }
}
