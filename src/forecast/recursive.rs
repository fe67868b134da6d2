//! The recursive forecast: each predicted day becomes input for the next. Forecasts from many
//! origins (every day of a held-out block, to calibrate and measure the bands) run as one batch
//! per step.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::ForecastDay;
use crate::data::derived::DerivedTracker;
use crate::data::scaling::MinMaxScaler;
use crate::data::stamp::Stamp;
use crate::data::windows::Prepared;
use crate::model::StackedLstm;
use crate::model::error::ModelError;
use crate::model::predict::predict;

/// Forecasts `steps` days from every origin in `origins` (the last known row of each), feeding
/// each predicted day back in (every input the network predicts; the indicator inputs
/// recomputed from the path): `paths[k - 1][i]` is the price forecast for row `origins.start + i
/// + k`. Every step is one batched prediction over all origins.
pub async fn forecast_paths(
    model: &StackedLstm,
    data: &Prepared,
    origins: Range<usize>,
    steps: usize,
    device: &burn::tensor::Device,
) -> Result<Vec<Vec<f64>>, ModelError> {
    let scaled =
        scaled_paths(model, Origins::of(data, origins), data.window, steps, device).await?;
    Ok(unscale_paths(data, &scaled))
}

/// Where forecasts start: the windows that end at each origin (flat `[n, window, inputs]`) and
/// the state there of the inputs a forecast recomputes from its own path.
#[derive(Debug, Clone, PartialEq)]
pub struct Origins {
    pub windows: Vec<f32>,
    pub recompute: Recompute,
}

impl Origins {
    /// The starts of forecasts from every origin in `origins` (the last known row of each).
    pub fn of(data: &Prepared, origins: Range<usize>) -> Self {
        assert!(
            origins.start + 1 >= data.window && origins.end <= data.prices.len(),
            "every origin has a whole window"
        );
        let windows = data.inputs(origins.start + 1..origins.end + 1);
        Self { windows, recompute: Recompute::at(data, origins) }
    }
}

/// The indicator inputs (see [`crate::data::derived`]) a forecast recomputes at each step from
/// the price it predicted, instead of taking the network's guess at them: so the forecast never
/// uses a value it could not have had.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recompute {
    /// The target's scaler, to read the predicted price.
    target: MinMaxScaler,
    /// Each recomputed input's place in a row and its scaler.
    columns: Vec<(usize, MinMaxScaler)>,
    /// Per origin, each column's indicator after the origin's row.
    trackers: Vec<Vec<DerivedTracker>>,
}

impl Recompute {
    /// The derived inputs of `data` at each origin of `origins`.
    fn at(data: &Prepared, origins: Range<usize>) -> Self {
        let columns =
            data.derived.iter().map(|&(column, _)| (column, data.extra_scalers[column - 1]));
        let mut trackers: Vec<DerivedTracker> = data
            .derived
            .iter()
            .map(|&(_, input)| DerivedTracker::after(input, &data.prices[..origins.start]))
            .collect();
        let per_origin = if trackers.is_empty() {
            Vec::new()
        } else {
            origins
                .map(|origin| {
                    for tracker in &mut trackers {
                        tracker.push(data.prices[origin]);
                    }
                    trackers.clone()
                })
                .collect()
        };
        Self { target: data.scaler, columns: columns.collect(), trackers: per_origin }
    }

    /// Replaces the recomputed inputs of `next` (one predicted row per origin, `width` inputs
    /// each) with their indicators fed the predicted price.
    fn apply(&mut self, next: &mut [f32], width: usize) {
        for (row, trackers) in next.chunks_mut(width).zip(&mut self.trackers) {
            let price = self.target.unscale(row[0] as f64);
            for ((column, scaler), tracker) in self.columns.iter().zip(trackers) {
                row[*column] = scaler.scale(tracker.push(price)) as f32;
            }
        }
    }
}

/// The recursive forecast of `steps` rows after each of `origins`, scaled: `paths[k - 1]` holds
/// every input's value `k` rows ahead, flat `[n, inputs]`. What a helper worker computes for its
/// piece of the origins.
pub async fn scaled_paths(
    model: &StackedLstm,
    origins: Origins,
    window: usize,
    steps: usize,
    device: &burn::tensor::Device,
) -> Result<Vec<Vec<f32>>, ModelError> {
    let Origins { mut windows, mut recompute } = origins;
    let width = model.features();
    let mut paths = Vec::with_capacity(steps);
    for step in 0..steps {
        // The next day of every input, fed back in: the window drops its first day and gains it.
        let mut next = predict(model, &windows, window, device).await?;
        recompute.apply(&mut next, width);
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
    use crate::data::derived::Derived;
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

    /// The indicator inputs of a forecast are recomputed from its own path at every step: each
    /// equals the indicator of the real prices up to the origin followed by the predicted ones,
    /// and prices after the origin change nothing.
    #[test]
    fn indicator_inputs_follow_the_forecast_path() {
        let device = burn::tensor::Device::flex();
        let prices: Vec<f64> = (0..90).map(|i| 50.0 + (i as f64 / 4.0).sin() * 3.0).collect();
        let inputs = [Derived::Rsi14, Derived::BbPos20];
        let extra = inputs.iter().map(|d| d.values(&prices)).collect();
        let data = Prepared::with_inputs(&prices, extra, 8, 70, Scaling::TrainOnly)
            .unwrap()
            .with_derived(vec![(1, Derived::Rsi14), (2, Derived::BbPos20)]);
        let shape =
            ModelShape { features: 3, layers: 1, units: 4, dropout: 0.0, predict_change: true };
        let model = StackedLstm::new(shape, 3, &device);
        let (origins, steps) = (70..73, 5);
        let paths = pollster::block_on(scaled_paths(
            &model,
            Origins::of(&data, origins.clone()),
            8,
            steps,
            &device,
        ))
        .unwrap();
        for (i, origin) in origins.clone().enumerate() {
            let predicted = paths.iter().map(|step| data.scaler.unscale(step[i * 3] as f64));
            let path: Vec<f64> = prices[..=origin].iter().copied().chain(predicted).collect();
            for (column, input) in [(1, inputs[0]), (2, inputs[1])] {
                let expected = input.values(&path);
                let scaler = data.extra_scalers[column - 1];
                for (k, step) in paths.iter().enumerate() {
                    let want = scaler.scale(expected[origin + 1 + k]) as f32;
                    assert_eq!(step[i * 3 + column], want, "origin {origin}, step {}", k + 1);
                }
            }
        }
        let mut later = prices.clone();
        later[80] += 10.0;
        let extra = inputs.iter().map(|d| d.values(&later)).collect();
        let changed = Prepared::with_inputs(&later, extra, 8, 70, Scaling::TrainOnly)
            .unwrap()
            .with_derived(data.derived.clone());
        let again = pollster::block_on(scaled_paths(
            &model,
            Origins::of(&changed, origins),
            8,
            steps,
            &device,
        ))
        .unwrap();
        assert_eq!(again, paths, "a price after the origins changes no forecast from them");
    }
}
