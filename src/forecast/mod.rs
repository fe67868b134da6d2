//! The N-day forecast's days, dates and bands (the recursive forecast itself, which runs the
//! model, is in [`recursive`] with the `model` feature).

pub mod export;
#[cfg(feature = "model")]
pub mod recursive;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::data::dates::next_business_day;

/// One forecast day. `date` is absent when the data had no dates; `step` counts from 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastDay {
    pub step: usize,
    pub date: Option<NaiveDate>,
    pub value: f64,
    /// Half-widths of the 80% and 95% prediction intervals (see [`add_intervals`]).
    pub half_width_80: f64,
    pub half_width_95: f64,
}

/// How the forecast's bands are made, as the page states it.
pub const INTERVAL_METHOD: &str = "Bands: the 80th and 95th percentiles of the model's one-day absolute errors on the test part, \
     widened by √h for day h (errors assumed to add up like a random walk).";

/// Sets each day's interval from one-day error quantiles `q80` and `q95`, widened by √step.
pub fn add_intervals(days: &mut [ForecastDay], q80: f64, q95: f64) {
    for day in days {
        let widen = (day.step as f64).sqrt();
        day.half_width_80 = q80 * widen;
        day.half_width_95 = q95 * widen;
    }
}

/// The business days after `last`, one per forecast step.
pub fn forecast_dates(last: Option<NaiveDate>, horizon: usize) -> Vec<Option<NaiveDate>> {
    let mut date = last;
    (0..horizon)
        .map(|_| {
            date = date.map(next_business_day);
            date
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forecast_dates_continue_on_business_days() {
        let friday = NaiveDate::from_ymd_opt(2018, 9, 28);
        let dates = forecast_dates(friday, 3);
        let expected: Vec<_> = [(10, 1), (10, 2), (10, 3)].iter().map(|&(m, d)| NaiveDate::from_ymd_opt(2018, m, d)).collect();
        assert_eq!(dates, expected);
        assert_eq!(forecast_dates(None, 2), vec![None, None]);
    }

    #[test]
    fn intervals_widen_with_the_square_root_of_the_step() {
        let day = |step| ForecastDay { step, date: None, value: 1.0, half_width_80: 0.0, half_width_95: 0.0 };
        let mut days = vec![day(1), day(4)];
        add_intervals(&mut days, 2.0, 3.0);
        assert_eq!((days[0].half_width_80, days[0].half_width_95), (2.0, 3.0));
        assert_eq!((days[1].half_width_80, days[1].half_width_95), (4.0, 6.0));
    }
}
