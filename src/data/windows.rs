//! The chronological split and the sliding windows a sequence model learns from.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::prepare_error::PrepareError;
use super::scaling::MinMaxScaler;

/// Fewest training windows and test targets a run needs to mean anything.
pub const MIN_TRAIN_WINDOWS: usize = 10;
pub const MIN_TEST_TARGETS: usize = 5;

/// Where the min-max scaler learns its range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scaling {
    /// Training part only: the honest choice, nothing about the test period leaks in.
    TrainOnly,
    /// All rows, as the reference notebook does; offered to compare with it.
    All,
}

/// A target series and any extra inputs, scaled and split, from which windows are cut on demand.
///
/// Row `t` is a target when it has `window` rows before it: training targets are the rows
/// `window..train_end`, test targets all rows from `train_end`, whose windows may reach back into
/// the training part so that no test day is lost. Each row holds [`Prepared::width`] inputs,
/// the target first; the model predicts the next row of all of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prepared {
    pub prices: Vec<f64>,
    /// The extra inputs' values (kept to re-split for backtest folds).
    pub extra: Vec<Vec<f64>>,
    /// Row-major `[rows, width]`.
    pub scaled: Vec<f32>,
    /// The target's scaler.
    pub scaler: MinMaxScaler,
    pub extra_scalers: Vec<MinMaxScaler>,
    pub window: usize,
    pub train_end: usize,
}

/// The training part's last rows held out from fitting, to calibrate the forecast bands on days
/// the model never fitted: one part in this many.
const CALIBRATION_SHARE: usize = 5;

/// Rows of a training part of `train` rows that the model fits (the rest calibrate the bands).
fn fit_len(train: usize) -> usize {
    train - train / CALIBRATION_SHARE
}

/// How many rows `window` and a `split_percent` training share need at least.
pub fn min_rows(window: usize, split_percent: u32) -> usize {
    (1..)
        .find(|&n| {
            let train = train_len(n, split_percent);
            fit_len(train) >= window + MIN_TRAIN_WINDOWS && n - train >= MIN_TEST_TARGETS
        })
        .expect("some length always suffices")
}

/// Says how many rows are needed when `rows` are too few for `window` and the split.
pub fn check_length(rows: usize, window: usize, split_percent: u32) -> Result<(), PrepareError> {
    let needed = min_rows(window, split_percent);
    if rows >= needed {
        return Ok(());
    }
    Err(PrepareError::TooFewRows { rows, window, split: split_percent, needed })
}

/// The rows of the training part of `rows` rows split at `split_percent`.
pub fn train_len(rows: usize, split_percent: u32) -> usize {
    rows * split_percent as usize / 100
}

impl Prepared {
    /// Splits and scales `prices` alone, or says how many rows the settings need.
    pub fn new(
        prices: &[f64],
        window: usize,
        split_percent: u32,
        scaling: Scaling,
    ) -> Result<Self, PrepareError> {
        Self::with_inputs(prices, Vec::new(), window, split_percent, scaling)
    }

    /// Splits and scales `prices` with `extra` inputs (each as long as `prices`), each input
    /// min-max scaled on its own.
    pub fn with_inputs(
        prices: &[f64],
        extra: Vec<Vec<f64>>,
        window: usize,
        split_percent: u32,
        scaling: Scaling,
    ) -> Result<Self, PrepareError> {
        check_length(prices.len(), window, split_percent)?;
        Ok(Self::split_at(prices, extra, window, train_len(prices.len(), split_percent), scaling))
    }

    /// Like [`Prepared::with_inputs`] with scalers fitted before (a loaded model's, the target's
    /// first), so the model sees the numbers it was trained on.
    pub fn with_scalers(
        prices: &[f64],
        extra: Vec<Vec<f64>>,
        window: usize,
        split_percent: u32,
        scalers: &[MinMaxScaler],
    ) -> Result<Self, PrepareError> {
        check_length(prices.len(), window, split_percent)?;
        Ok(Self::scaled_with(
            prices,
            extra,
            window,
            train_len(prices.len(), split_percent),
            scalers,
        ))
    }

    /// Splits the inputs so that the rows before `train_end` train, scaling as `scaling` says.
    fn split_at(
        prices: &[f64],
        extra: Vec<Vec<f64>>,
        window: usize,
        train_end: usize,
        scaling: Scaling,
    ) -> Self {
        let fit = |values: &[f64]| match scaling {
            Scaling::TrainOnly => MinMaxScaler::fit(&values[..train_end]),
            Scaling::All => MinMaxScaler::fit(values),
        };
        let scalers: Vec<MinMaxScaler> =
            std::iter::once(prices).chain(extra.iter().map(Vec::as_slice)).map(fit).collect();
        Self::scaled_with(prices, extra, window, train_end, &scalers)
    }

    fn scaled_with(
        prices: &[f64],
        extra: Vec<Vec<f64>>,
        window: usize,
        train_end: usize,
        scalers: &[MinMaxScaler],
    ) -> Self {
        let columns: Vec<&[f64]> =
            std::iter::once(prices).chain(extra.iter().map(Vec::as_slice)).collect();
        let scaled = (0..prices.len())
            .flat_map(|row| {
                columns
                    .iter()
                    .zip(scalers)
                    .map(move |(column, scaler)| scaler.scale(column[row]) as f32)
            })
            .collect();
        Self {
            prices: prices.to_vec(),
            extra,
            scaled,
            scaler: scalers[0],
            extra_scalers: scalers[1..].to_vec(),
            window,
            train_end,
        }
    }

    /// Inputs per row: the target and the extra inputs.
    pub fn width(&self) -> usize {
        1 + self.extra.len()
    }

    /// Every input's scaler, the target's first.
    pub fn scalers(&self) -> Vec<MinMaxScaler> {
        std::iter::once(self.scaler).chain(self.extra_scalers.iter().copied()).collect()
    }

    /// The expanding-window folds of a backtest: the test part is cut into `folds` consecutive
    /// blocks, and fold i trains on every row before block i and is tested on block i.
    pub fn folds(&self, folds: usize, scaling: Scaling) -> Result<Vec<Prepared>, PrepareError> {
        let test_rows = self.prices.len() - self.train_end;
        let block = test_rows / folds.max(1);
        if block < MIN_TEST_TARGETS {
            return Err(PrepareError::TooFewForFolds { test_rows, folds });
        }
        Ok((0..folds)
            .map(|i| {
                let start = self.train_end + i * block;
                let end = if i + 1 == folds { self.prices.len() } else { start + block };
                let extra = self.extra.iter().map(|values| values[..end].to_vec()).collect();
                Self::split_at(&self.prices[..end], extra, self.window, start, scaling)
            })
            .collect())
    }

    /// Rows of the training part: the model fits those before [`Prepared::fit_end`].
    pub fn train_targets(&self) -> Range<usize> {
        self.window..self.train_end
    }

    /// Where the rows the model fits end: the training part's last fifth (from here to
    /// `train_end`) is the calibration block, predicted but never fitted, on which the forecast
    /// bands are calibrated.
    pub fn fit_end(&self) -> usize {
        fit_len(self.train_end)
    }

    /// Rows the model is judged on: every row after the training part.
    pub fn test_targets(&self) -> Range<usize> {
        self.train_end..self.prices.len()
    }

    /// The scaled windows before each target, flattened row-major as `[targets, window, width]`.
    pub fn inputs(&self, targets: Range<usize>) -> Vec<f32> {
        let width = self.width();
        targets
            .flat_map(|t| self.scaled[(t - self.window) * width..t * width].iter().copied())
            .collect()
    }

    /// The scaled target rows themselves (every input), `[targets, width]`.
    pub fn targets(&self, targets: Range<usize>) -> Vec<f32> {
        let width = self.width();
        self.scaled[targets.start * width..targets.end * width].to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prices(n: usize) -> Vec<f64> {
        (0..n).map(|i| 100.0 + i as f64).collect()
    }

    #[test]
    fn windows_hold_the_previous_values_and_lose_no_test_target() {
        let data = Prepared::new(&prices(40), 3, 75, Scaling::All).unwrap();
        assert_eq!(data.train_targets(), 3..30);
        assert_eq!(data.fit_end(), 24, "the last 6 of 30 training rows calibrate");
        assert_eq!(data.test_targets(), 30..40);
        let first_test_window: Vec<f32> = data.inputs(30..31);
        assert_eq!(first_test_window, data.scaled[27..30].to_vec());
        assert_eq!(data.inputs(3..5), [&data.scaled[0..3], &data.scaled[1..4]].concat());
        assert_eq!(data.targets(3..5), data.scaled[3..5].to_vec());
    }

    /// Extra inputs sit beside the target in every row, each scaled on its own training range,
    /// and backtest folds carry them.
    #[test]
    fn extra_inputs_are_scaled_each_on_its_own_and_interleaved() {
        let volume: Vec<f64> = (0..40).map(|i| 1000.0 * (i % 4) as f64).collect();
        let data =
            Prepared::with_inputs(&prices(40), vec![volume], 3, 75, Scaling::TrainOnly).unwrap();
        assert_eq!(data.width(), 2);
        assert_eq!(
            data.scalers(),
            vec![MinMaxScaler { min: 100.0, max: 129.0 }, MinMaxScaler { min: 0.0, max: 3000.0 }]
        );
        assert_eq!(data.scaled[2..4], [(1.0f64 / 29.0) as f32, (1.0f64 / 3.0) as f32]);
        assert_eq!(data.inputs(3..4), data.scaled[0..6].to_vec());
        assert_eq!(data.targets(3..5), data.scaled[6..10].to_vec());
        let loaded =
            Prepared::with_scalers(&prices(40), data.extra.clone(), 3, 75, &data.scalers())
                .unwrap();
        assert_eq!(loaded, data);
        let folds =
            Prepared::with_inputs(&prices(100), vec![prices(100)], 5, 70, Scaling::TrainOnly)
                .unwrap()
                .folds(3, Scaling::TrainOnly)
                .unwrap();
        assert_eq!((folds[0].extra[0].len(), folds[0].extra_scalers[0].max), (80, 169.0));
    }

    #[test]
    fn train_only_scaling_ignores_the_test_period() {
        let data = Prepared::new(&prices(40), 3, 75, Scaling::TrainOnly).unwrap();
        assert_eq!(data.scaler, MinMaxScaler { min: 100.0, max: 129.0 });
        assert_eq!(data.scaled[29], 1.0);
        assert!(data.scaled[39] > 1.0, "test prices above the training high scale above 1");
        let all = Prepared::new(&prices(40), 3, 75, Scaling::All).unwrap();
        assert_eq!(all.scaler, MinMaxScaler { min: 100.0, max: 139.0 });
    }

    #[test]
    fn backtest_folds_expand_over_the_test_part() {
        let data = Prepared::new(&prices(100), 5, 70, Scaling::TrainOnly).unwrap();
        let folds = data.folds(3, Scaling::TrainOnly).unwrap();
        let spans: Vec<_> = folds.iter().map(|f| (f.train_end, f.prices.len())).collect();
        assert_eq!(spans, vec![(70, 80), (80, 90), (90, 100)]);
        assert_eq!(folds[1].test_targets(), 80..90);
        assert_eq!(folds[2].scaler, MinMaxScaler { min: 100.0, max: 189.0 });
        let error = data.folds(7, Scaling::TrainOnly).unwrap_err();
        assert_eq!(error, PrepareError::TooFewForFolds { test_rows: 30, folds: 7 });
    }

    #[test]
    fn too_short_series_says_how_many_rows_are_needed() {
        let needed = min_rows(100, 65);
        assert_eq!(
            needed, 211,
            "137 training rows: 110 fitted (100 + 10 windows), 27 to calibrate"
        );
        let error = Prepared::new(&prices(16), 100, 65, Scaling::TrainOnly).unwrap_err();
        assert_eq!(
            error,
            PrepareError::TooFewRows { rows: 16, window: 100, split: 65, needed: 211 }
        );
        assert!(Prepared::new(&prices(needed), 100, 65, Scaling::TrainOnly).is_ok());
    }
}
