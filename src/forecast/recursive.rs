//! The recursive forecast: each predicted day becomes input for the next.

use chrono::NaiveDate;

use super::{ForecastDay, forecast_dates};
use crate::data::windows::Prepared;
use crate::model::StackedLstm;
use crate::model::predict::predict;

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
