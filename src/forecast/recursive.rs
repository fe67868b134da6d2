//! The recursive forecast: each predicted day becomes input for the next. Forecasts from many
//! origins (every day of a held-out block, to calibrate and measure the bands) run as one batch
//! per step.

use std::ops::Range;

use super::ForecastDay;
use crate::data::stamp::Stamp;
use crate::data::windows::Prepared;
use crate::model::StackedLstm;
use crate::model::error::ModelError;
use crate::model::predict::predict;

/// Forecasts `steps` days from every origin in `origins` (the last known row of each), feeding
/// each predicted day (of every input: the network predicts them all) back in: `paths[k - 1][i]` is the price forecast for row
/// `origins.start + i + k`. Every step is one batched prediction over all origins.
pub async fn forecast_paths(
    model: &StackedLstm,
    data: &Prepared,
    origins: Range<usize>,
    steps: usize,
    device: &burn::tensor::Device,
) -> Result<Vec<Vec<f64>>, ModelError> {
    let windows = origin_windows(data, origins);
    let scaled = scaled_paths(model, windows, data.window, steps, device).await?;
    Ok(unscale_paths(data, &scaled))
}

/// The windows that end at each origin of `origins` (the last known row of each), flat.
pub fn origin_windows(data: &Prepared, origins: Range<usize>) -> Vec<f32> {
    assert!(
        origins.start + 1 >= data.window && origins.end <= data.prices.len(),
        "every origin has a whole window"
    );
    data.inputs(origins.start + 1..origins.end + 1)
}

/// The recursive forecast of `steps` rows after each of `windows` (flat `[n, window, inputs]`),
/// scaled: `paths[k - 1]` holds every input's prediction `k` rows ahead, flat `[n, inputs]`.
/// What a helper worker computes for its piece of the origins.
pub async fn scaled_paths(
    model: &StackedLstm,
    mut windows: Vec<f32>,
    window: usize,
    steps: usize,
    device: &burn::tensor::Device,
) -> Result<Vec<Vec<f32>>, ModelError> {
    let width = model.features();
    let mut paths = Vec::with_capacity(steps);
    for step in 0..steps {
        // The next day of every input, fed back in: the window drops its first day and gains it.
        let next = predict(model, &windows, window, device).await?;
        if step + 1 < steps {
            let rows = windows.chunks(window * width).zip(next.chunks(width));
            windows = rows.flat_map(|(w, n)| w[width..].iter().chain(n).copied()).collect();
        }
        paths.push(next);
    }
    Ok(paths)
}

/// Scaled paths (see [`scaled_paths`]) as prices: the target's prediction at each step.
pub fn unscale_paths(data: &Prepared, scaled: &[Vec<f32>]) -> Vec<Vec<f64>> {
    let width = data.width();
    scaled
        .iter()
        .map(|step| step.chunks(width).map(|row| data.scaler.unscale(row[0] as f64)).collect())
        .collect()
}

/// Forecasts one bar past the end of the data per stamp of `stamps` (the data's next bars on
/// its own clock, `None` where they are not dated); bands are left at zero for the caller.
pub async fn recursive_forecast(
    model: &StackedLstm,
    data: &Prepared,
    stamps: Vec<Option<Stamp>>,
    device: &burn::tensor::Device,
) -> Result<Vec<ForecastDay>, ModelError> {
    let last = data.prices.len() - 1;
    let paths = forecast_paths(model, data, last..last + 1, stamps.len(), device).await?;
    Ok(stamps
        .into_iter()
        .zip(paths)
        .enumerate()
        .map(|(step, (stamp, value))| ForecastDay {
            step: step + 1,
            stamp,
            value: value[0],
            half_width_80: 0.0,
            half_width_95: 0.0,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::windows::Scaling;
    use crate::model::ModelShape;

    fn setup() -> (Prepared, StackedLstm, burn::tensor::Device) {
        let device = burn::tensor::Device::flex();
        let prices: Vec<f64> = (0..60).map(|i| 50.0 + (i as f64 / 5.0).sin()).collect();
        let data = Prepared::new(&prices, 8, 80, Scaling::TrainOnly).unwrap();
        let model = StackedLstm::new(
            ModelShape { features: 1, layers: 1, units: 4, dropout: 0.0, predict_change: true },
            1,
            &device,
        );
        (data, model, device)
    }

    #[test]
    fn forecast_has_one_finite_value_per_day() {
        let (data, model, device) = setup();
        let days =
            pollster::block_on(recursive_forecast(&model, &data, vec![None; 5], &device)).unwrap();
        assert_eq!(days.len(), 5);
        assert_eq!(days.iter().map(|d| d.step).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5]);
        assert!(days.iter().all(|d| d.value.is_finite()));
    }

    /// A batch of origins gives each origin the path it would get alone, and step 1 is the
    /// one-day fit.
    #[test]
    fn batched_paths_equal_one_origin_at_a_time() {
        let (data, model, device) = setup();
        let batched =
            pollster::block_on(forecast_paths(&model, &data, 40..50, 4, &device)).unwrap();
        assert_eq!((batched.len(), batched[0].len()), (4, 10));
        for (i, origin) in (40..50).enumerate() {
            let alone =
                pollster::block_on(forecast_paths(&model, &data, origin..origin + 1, 4, &device))
                    .unwrap();
            for k in 0..4 {
                assert!(
                    (alone[k][0] - batched[k][i]).abs() < 1e-4,
                    "origin {origin}, step {}",
                    k + 1
                );
            }
        }
        let one_day =
            pollster::block_on(predict(&model, &data.inputs(41..51), 8, &device)).unwrap();
        let fit: Vec<f64> = one_day.iter().map(|v| data.scaler.unscale(*v as f64)).collect();
        assert_eq!(batched[0], fit);
    }
}
