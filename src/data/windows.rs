//! The chronological split and the sliding windows a sequence model learns from.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::scaling::MinMaxScaler;

/// Fewest training windows and test targets a run needs to mean anything.
const MIN_TRAIN_WINDOWS: usize = 10;
const MIN_TEST_TARGETS: usize = 5;

/// Where the min-max scaler learns its range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scaling {
    /// Training part only: the honest choice, nothing about the test period leaks in.
    TrainOnly,
    /// All rows, as the reference notebook does; offered to compare with it.
    All,
}

/// A target series scaled and split, from which windows are cut on demand.
///
/// Row `t` is a target when it has `window` rows before it: training targets are the rows
/// `window..train_end`, test targets all rows from `train_end`, whose windows may reach back into
/// the training part so that no test day is lost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prepared {
    pub prices: Vec<f64>,
    pub scaled: Vec<f32>,
    pub scaler: MinMaxScaler,
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
pub fn check_length(rows: usize, window: usize, split_percent: u32) -> Result<(), String> {
    let needed = min_rows(window, split_percent);
    if rows >= needed {
        return Ok(());
    }
    Err(format!(
        "only {rows} rows after cleaning, but window {window} with a {split_percent}/{} split needs at least {needed} rows \
         ({MIN_TRAIN_WINDOWS} training windows, a fifth of the training part to calibrate the forecast bands, and \
         {MIN_TEST_TARGETS} test days); use a smaller window or a longer history",
        100 - split_percent
    ))
}

fn train_len(rows: usize, split_percent: u32) -> usize {
    rows * split_percent as usize / 100
}

impl Prepared {
    /// Splits and scales `prices`, or says how many rows the settings need.
    pub fn new(prices: &[f64], window: usize, split_percent: u32, scaling: Scaling) -> Result<Self, String> {
        check_length(prices.len(), window, split_percent)?;
        Ok(Self::split_at(prices, window, train_len(prices.len(), split_percent), scaling))
    }

    /// Like [`Prepared::new`] with a scaler fitted before (a loaded model's), so the model sees
    /// the numbers it was trained on.
    pub fn with_scaler(prices: &[f64], window: usize, split_percent: u32, scaler: MinMaxScaler) -> Result<Self, String> {
        check_length(prices.len(), window, split_percent)?;
        Ok(Self::scaled_with(prices, window, train_len(prices.len(), split_percent), scaler))
    }

    /// Splits `prices` so that the rows before `train_end` train, scaling as `scaling` says.
    fn split_at(prices: &[f64], window: usize, train_end: usize, scaling: Scaling) -> Self {
        let scaler = match scaling {
            Scaling::TrainOnly => MinMaxScaler::fit(&prices[..train_end]),
            Scaling::All => MinMaxScaler::fit(prices),
        };
        Self::scaled_with(prices, window, train_end, scaler)
    }

    fn scaled_with(prices: &[f64], window: usize, train_end: usize, scaler: MinMaxScaler) -> Self {
        let scaled = prices.iter().map(|&p| scaler.scale(p) as f32).collect();
        Self { prices: prices.to_vec(), scaled, scaler, window, train_end }
    }

    /// The expanding-window folds of a backtest: the test part is cut into `folds` consecutive
    /// blocks, and fold i trains on every row before block i and is tested on block i.
    pub fn folds(&self, folds: usize, scaling: Scaling) -> Result<Vec<Prepared>, String> {
        let test_days = self.prices.len() - self.train_end;
        let block = test_days / folds.max(1);
        if block < MIN_TEST_TARGETS {
            return Err(format!(
                "the test part has {test_days} days: a {folds}-fold backtest needs at least {} ({MIN_TEST_TARGETS} per fold); use fewer folds",
                folds * MIN_TEST_TARGETS
            ));
        }
        Ok((0..folds)
            .map(|i| {
                let start = self.train_end + i * block;
                let end = if i + 1 == folds { self.prices.len() } else { start + block };
                Self::split_at(&self.prices[..end], self.window, start, scaling)
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

    /// The scaled windows before each target, flattened row-major as `[targets, window]`.
    pub fn inputs(&self, targets: Range<usize>) -> Vec<f32> {
        targets.flat_map(|t| self.scaled[t - self.window..t].iter().copied()).collect()
    }

    /// The scaled targets themselves.
    pub fn targets(&self, targets: Range<usize>) -> Vec<f32> {
        self.scaled[targets].to_vec()
    }

    /// The last `window` scaled values: where a forecast starts from.
    pub fn last_window(&self) -> &[f32] {
        &self.scaled[self.prices.len() - self.window..]
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
        assert_eq!(data.last_window(), &data.scaled[37..40]);
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
        assert!(error.starts_with("the test part has 30 days: a 7-fold backtest needs at least 35"), "{error}");
    }

    #[test]
    fn too_short_series_says_how_many_rows_are_needed() {
        let needed = min_rows(100, 65);
        assert_eq!(needed, 211, "137 training rows: 110 fitted (100 + 10 windows), 27 to calibrate");
        let error = Prepared::new(&prices(16), 100, 65, Scaling::TrainOnly).unwrap_err();
        assert!(error.starts_with("only 16 rows after cleaning"), "{error}");
        assert!(error.contains("at least 211 rows"), "{error}");
        assert!(Prepared::new(&prices(needed), 100, 65, Scaling::TrainOnly).is_ok());
    }
}
