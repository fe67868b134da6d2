//! The N-day recursive forecast: each predicted day becomes input for the next.

pub mod export;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::data::dates::next_business_day;
use crate::data::windows::Prepared;
use crate::model::StackedLstm;
use crate::model::predict::predict;

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

/// Forecasts `horizon` days past the end of the data, feeding each prediction back in.
pub async fn recursive_forecast(
    model: &StackedLstm,
    data: &Prepared,
    last_date: Option<NaiveDate>,
    horizon: usize,
    device: &burn::tensor::Device,
) -> Result<Vec<ForecastDay>, String> {
    let mut window = data.last_window().to_vec();
    let mut days = Vec::with_capacity(horizon);
    for (step, date) in forecast_dates(last_date, horizon).into_iter().enumerate() {
        let next = predict(model, &window, data.window, device).await?[0];
        window.remove(0);
        window.push(next);
        let value = data.scaler.unscale(next as f64);
        days.push(ForecastDay { step: step + 1, date, value, half_width_80: 0.0, half_width_95: 0.0 });
    }
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::windows::Scaling;
    use crate::model::ModelShape;

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

    #[test]
    fn forecast_has_one_finite_value_per_day() {
        let device = burn::tensor::Device::flex();
        let prices: Vec<f64> = (0..60).map(|i| 50.0 + (i as f64 / 5.0).sin()).collect();
        let data = Prepared::new(&prices, 8, 80, Scaling::TrainOnly).unwrap();
        let model = StackedLstm::new(ModelShape { features: 1, layers: 1, units: 4, dropout: 0.0, predict_change: true }, 1, &device);
        let days = pollster::block_on(recursive_forecast(&model, &data, None, 5, &device)).unwrap();
        assert_eq!(days.len(), 5);
        assert_eq!(days.iter().map(|d| d.step).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5]);
        assert!(days.iter().all(|d| d.value.is_finite()));
    }
}
