//! The chronological split and the sliding windows a sequence model learns from.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::clock::thousands;
use super::derived::Derived;
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
/// Row `t` is a target when it has `window` rows before it. The rows fall in four blocks, oldest
/// first: **fit** (`..fit_end`, the only rows the model learns from), **validation**
/// (`fit_end..validation_end`: the loss per epoch, early stopping), **calibration**
/// (`validation_end..train_end`: the forecast bands) and **test** (`train_end..`, touched once,
/// for the figures). A block's windows may reach back into the blocks before it, so that no
/// target is lost. Each row holds [`Prepared::width`] inputs, the target first; the model
/// predicts the next row of all of them.
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
    /// Where the fit block ends and the validation block begins.
    pub fit_end: usize,
    /// Where the validation block ends and the calibration block begins.
    pub validation_end: usize,
    /// Where the training part (fit, validation, calibration) ends and the test part begins.
    pub train_end: usize,
    /// The inputs that are indicators of the target, by their place in a row: a forecast
    /// recomputes those from its own path instead of taking the network's prediction.
    #[serde(default)]
    pub derived: Vec<(usize, Derived)>,
}

/// The training part's last rows held out from fitting, to calibrate the forecast bands on days
/// the model never fitted: one part in this many.
const CALIBRATION_SHARE: usize = 5;

/// The rows before the calibration block held out from fitting, to validate on (the loss per
/// epoch, early stopping, the settings search's last fold): one part of the training part in
/// this many.
const VALIDATION_SHARE: usize = 10;

/// The block boundaries `(fit_end, validation_end)` of a training part of `train` rows.
pub fn blocks(train: usize) -> (usize, usize) {
    let validation_end = train - train / CALIBRATION_SHARE;
    (validation_end - train / VALIDATION_SHARE, validation_end)
}

/// The four blocks of `rows` rows split at `split_percent`, for the form: "Blocks, oldest
/// first: fit 1,183 rows · validation 212 · calibration 425 · test 1,145".
pub fn describe_blocks(rows: usize, split_percent: u32) -> String {
    let train = train_len(rows, split_percent);
    let (fit_end, validation_end) = blocks(train);
    format!(
        "Blocks, oldest first: fit {} rows · validation {} · calibration {} · test {}",
        thousands(fit_end),
        thousands(validation_end - fit_end),
        thousands(train - validation_end),
        thousands(rows - train)
    )
}

/// Expanding walk-forward folds of the settings search, the last validating on the validation
/// block and each before it on as many rows just before.
pub const SEARCH_FOLDS: usize = 2;

/// The search's folds' validation days for `rows` rows and a `split_percent` training share,
/// oldest first: consecutive ranges of the validation block's length, the last being the
/// validation block itself, so that all of them end before the calibration block.
pub fn search_folds(rows: usize, split_percent: u32) -> Vec<Range<usize>> {
    let (fit_end, validation_end) = blocks(train_len(rows, split_percent));
    let length = validation_end - fit_end;
    (0..SEARCH_FOLDS)
        .map(|i| {
            let end = validation_end - (SEARCH_FOLDS - 1 - i) * length;
            end.saturating_sub(length)..end
        })
        .collect()
}

/// Whether the search's first fold fits `window` in `rows` rows: enough windows before its
/// validation days.
fn search_fits(rows: usize, window: usize, split_percent: u32) -> bool {
    let first = search_folds(rows, split_percent)[0].clone();
    !first.is_empty() && first.start >= window + MIN_TRAIN_WINDOWS
}

/// Says how many rows the settings search needs with `window`, and which window would fit,
/// when `rows` are too few for its folds.
pub fn check_search_length(
    rows: usize,
    window: usize,
    split_percent: u32,
) -> Result<(), PrepareError> {
    if search_fits(rows, window, split_percent) {
        return Ok(());
    }
    let needed = (rows..).find(|&n| search_fits(n, window, split_percent)).expect("some length");
    let fits = (2..window).rev().find(|&w| search_fits(rows, w, split_percent));
    Err(PrepareError::TooFewForSearch { rows, window, needed, fits })
}

/// How many rows `window` and a `split_percent` training share need at least: enough fitted
/// windows, a validation row and the least test targets.
pub fn min_rows(window: usize, split_percent: u32) -> usize {
    (1..)
        .find(|&n| {
            let train = train_len(n, split_percent);
            let (fit_end, validation_end) = blocks(train);
            fit_end >= window + MIN_TRAIN_WINDOWS
                && validation_end > fit_end
                && n - train >= MIN_TEST_TARGETS
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
        let (fit_end, validation_end) = blocks(train_end);
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
            fit_end,
            validation_end,
            train_end,
            derived: Vec::new(),
        }
    }

    /// These data with the inputs at `derived` (see [`Prepared::derived`]) named as indicators.
    pub fn with_derived(self, derived: Vec<(usize, Derived)>) -> Self {
        Self { derived, ..self }
    }

    /// These data with the validation block fitted too (fit and validation become one block),
    /// for a model whose epochs were chosen on the validation block before.
    pub fn without_validation(&self) -> Self {
        Self { fit_end: self.validation_end, ..self.clone() }
    }

    /// The rows before `validation.end`, fitted before `validation.start` and validated on
    /// `validation` (no calibration block, no test part): one fold of the settings search's
    /// walk-forward validation. Scaled on its own rows as `scaling` says, so nothing after
    /// `validation.end` reaches it.
    pub fn validation_fold(&self, validation: Range<usize>, scaling: Scaling) -> Self {
        let end = validation.end;
        let extra = self.extra.iter().map(|values| values[..end].to_vec()).collect();
        Self {
            fit_end: validation.start,
            validation_end: end,
            derived: self.derived.clone(),
            ..Self::split_at(&self.prices[..end], extra, self.window, end, scaling)
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
                    .with_derived(self.derived.clone())
            })
            .collect())
    }

    /// Targets of the training part (fit, validation and calibration blocks): the train fit.
    pub fn train_targets(&self) -> Range<usize> {
        self.window..self.train_end
    }

    /// Targets of the validation block, predicted but never fitted.
    pub fn validation_targets(&self) -> Range<usize> {
        self.fit_end.max(self.window)..self.validation_end
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
        assert_eq!(data.fit_end, 21, "3 of 30 training rows validate, before them");
        assert_eq!(data.validation_end, 24, "the last 6 of 30 training rows calibrate");
        assert_eq!(data.validation_targets(), 21..24);
        assert_eq!(
            describe_blocks(40, 75),
            "Blocks, oldest first: fit 21 rows · validation 3 · calibration 6 · test 10"
        );
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

    /// For every length and split a run takes, the four blocks follow each other without gaps
    /// or overlap, each of them holds rows, and the model fits only windows whose targets are
    /// in the fit block; the search's folds end where their validation does.
    #[test]
    fn the_four_blocks_never_overlap() {
        for split in [10, 50, 65, 95] {
            for window in [2, 20, 100] {
                let least = min_rows(window, split);
                for rows in [least, least + 1, least + 37, 3 * least + 5] {
                    let data = Prepared::new(&prices(rows), window, split, Scaling::All).unwrap();
                    let (fit, validation, calibration, test) = (
                        window..data.fit_end,
                        data.validation_targets(),
                        data.validation_end..data.train_end,
                        data.test_targets(),
                    );
                    assert!(fit.len() >= MIN_TRAIN_WINDOWS, "{rows} {window} {split}");
                    assert!(!validation.is_empty() && !calibration.is_empty());
                    assert!(test.len() >= MIN_TEST_TARGETS);
                    assert_eq!(
                        (fit.end, validation.end, calibration.end, test.end),
                        (validation.start, calibration.start, test.start, rows)
                    );
                }
                assert!(Prepared::new(&prices(least - 1), window, split, Scaling::All).is_err());
            }
        }
        let data = Prepared::new(&prices(200), 5, 50, Scaling::TrainOnly).unwrap();
        assert_eq!((data.fit_end, data.validation_end, data.train_end), (70, 80, 100));
        let merged = data.without_validation();
        assert_eq!((merged.fit_end, merged.validation_targets()), (80, 80..80));
        let fold = data.validation_fold(60..70, Scaling::TrainOnly);
        assert_eq!((fold.fit_end, fold.validation_end, fold.train_end), (60, 70, 70));
        assert_eq!((fold.prices.len(), fold.test_targets()), (70, 70..70));
        assert_eq!(fold.scaler, MinMaxScaler { min: 100.0, max: 169.0 });
    }

    /// The search's folds: as long as the validation block, back to back, the last one the
    /// validation block itself; a history too short for them says how many rows are needed and
    /// which window fits.
    #[test]
    fn search_folds_end_at_the_validation_block() {
        let data = Prepared::new(&prices(200), 5, 50, Scaling::TrainOnly).unwrap();
        assert_eq!(search_folds(200, 50), [60..70, 70..80]);
        assert_eq!(search_folds(200, 50)[1], data.validation_targets());
        assert_eq!(check_search_length(200, 50, 50), Ok(()));
        let short = check_search_length(200, 55, 50).unwrap_err();
        assert_eq!(
            short,
            PrepareError::TooFewForSearch { rows: 200, window: 55, needed: 212, fits: Some(50) }
        );
        assert_eq!(
            short.to_string(),
            "the settings search needs at least 212 rows with window 55 (its 2 walk-forward folds \
             each fit 10 windows before their validation days, which end before the calibration \
             block); this data has 200: window=50 would fit, or a longer history"
        );
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
            needed, 240,
            "156 training rows: 110 fitted (100 + 10 windows), 15 to validate, 31 to calibrate"
        );
        let error = Prepared::new(&prices(16), 100, 65, Scaling::TrainOnly).unwrap_err();
        assert_eq!(
            error,
            PrepareError::TooFewRows { rows: 16, window: 100, split: 65, needed: 240 }
        );
        assert!(Prepared::new(&prices(needed), 100, 65, Scaling::TrainOnly).is_ok());
    }
}
