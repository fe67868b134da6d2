//! The N-bar forecast's bars, stamps and bands (the recursive forecast itself, which runs the
//! model, is in [`recursive`] with the `model` feature).

pub mod bands;
pub mod coverage;
#[cfg(feature = "model")]
pub mod recursive;
pub mod scale;

use serde::{Deserialize, Serialize};

use crate::data::stamp::Stamp;

/// One forecast bar. `stamp` is its place on the data's clock, absent when the data has no
/// dates or no regular bar size; `step` counts from 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastDay {
    pub step: usize,
    pub stamp: Option<Stamp>,
    pub value: f64,
    /// Half-widths of the 80% and 95% prediction intervals (see [`add_intervals`]).
    pub half_width_80: f64,
    pub half_width_95: f64,
}

/// How the forecast's bands are made, as the page states it (in bars: a bar is whatever the
/// data's rows are, an hour or a day).
pub const INTERVAL_METHOD: &str = "Bands: split-conformal, per forecast bar, adapting. The last fifth of the training part is \
     held out from fitting; the model forecasts recursively from every bar of that block and of the test part, and the band \
     for bar h ahead is a quantile of its own h-bar-ahead misses known so far, in percent of the forecast (in price units \
     for a series with zero or negative values) and in units of the recent volatility (the last 60 moves from bar to bar) \
     at the bar the forecast was made; widened by √h for bars no miss has reached yet. The quantile starts at the 80th or \
     95th percentile and adapts (adaptive conformal inference, γ = 0.005): each time a test bar's band turns out to have \
     missed, its level rises by 0.005 × 0.8 (or × 0.95), and each time it held, falls by 0.005 × 0.2 (or × 0.05), so \
     bands that miss more often than they claim widen. The coverage line measures the bands as they stood at each test bar, \
     from the misses known then (at first the held-out block's alone); the bands drawn for the forecast are the same method \
     after every miss in the data.";

/// How the recursive forecast gets future values of extra inputs, as the page states it.
pub const INPUTS_METHOD: &str = "Extra inputs: the network predicts the next bar of every input (the target and each extra \
     input, all scaled on the training part), and the forecast feeds that whole predicted bar back in, so bar h uses the \
     model's own forecasts of the inputs too; indicator inputs (rsi14, macd, sma_ratio20, ema_ratio12, bb_pos20) are \
     instead recomputed at each bar from the forecast prices themselves.";

/// Sets each day's 80% and 95% half-widths from calibrated `bands`, for a forecast made at an
/// origin of `volatility`.
pub fn add_intervals(days: &mut [ForecastDay], bands: &bands::Bands, volatility: f64) {
    for day in days {
        [day.half_width_80, day.half_width_95] = bands.half_widths(day.value, day.step, volatility);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stated_method_names_the_adaptation_rate_in_use() {
        assert!(
            INTERVAL_METHOD.contains(&format!("γ = {}", bands::ADAPTATION_RATE)),
            "{INTERVAL_METHOD}"
        );
    }

    #[test]
    fn intervals_come_from_the_bands_of_each_step() {
        let day = |step| ForecastDay {
            step,
            stamp: None,
            value: 100.0,
            half_width_80: 0.0,
            half_width_95: 0.0,
        };
        let mut days = vec![day(1), day(2)];
        let bands = bands::Bands {
            scale: bands::ErrorScale::Relative,
            quantiles: vec![[0.01, 0.02], [0.03, 0.04]],
        };
        add_intervals(&mut days, &bands, 2.0);
        assert_eq!((days[0].half_width_80, days[0].half_width_95), (2.0, 4.0));
        assert_eq!((days[1].half_width_80, days[1].half_width_95), (6.0, 8.0));
    }
}
