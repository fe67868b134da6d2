//! The expanding-window backtest: a fresh model trained on everything before each block of the
//! test part and tested on it, with the spread of test RMSE for the model and the naive
//! baseline, and the bands' coverage on each block.

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use super::error::TrainError;
use super::host::InnerHost;
use super::report::StopReason;
use super::result::Backtest;
use super::run::calibrate;
use super::settings::Settings;
use super::shares::Helpers;
use super::trainer::{TrainingHost, train};
use crate::data::windows::Prepared;
use crate::evaluation::{metrics, naive_predictions, spread};
use crate::forecast::coverage::Coverage;

/// What one fold contributes to the backtest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FoldResult {
    pub model_rmse: f64,
    pub naive_rmse: f64,
    pub coverage: Coverage,
    /// Stop came while it trained: it is the last fold counted.
    pub stopped: bool,
}

/// Trains a fresh model on `fold` and tests it there; `None` if Stop came while its bands were
/// calibrated. What a helper worker runs for a fold of its own.
pub async fn fold_result(
    fold: &Prepared,
    settings: &Settings,
    device: &Device,
    host: &mut impl TrainingHost,
) -> Result<Option<FoldResult>, TrainError> {
    let trained = train(device, fold, settings, host).await?;
    let inference = device.clone().without_autodiff();
    let horizon = settings.horizon;
    let calibrated =
        calibrate(&trained.model, fold, horizon, &inference, host, &trained.helpers).await?;
    let Some(calibrated) = calibrated else { return Ok(None) };
    let actual = &fold.prices[fold.test_targets()];
    let naive = naive_predictions(&fold.prices, fold.test_targets());
    Ok(Some(FoldResult {
        model_rmse: metrics(actual, &calibrated.test_paths[0]).rmse,
        naive_rmse: metrics(actual, &naive).rmse,
        coverage: calibrated.coverage,
        stopped: trained.stop == StopReason::Stopped,
    }))
}

/// Retrains a fresh model on each expanding-window fold and reports the spread of test RMSE for
/// the model and the naive baseline. With `helpers` (the host's, still working) the folds train
/// concurrently, a round of one fold per worker, each fold on one worker (its numbers are the
/// same as on all of them: see [shares](super::shares)), reported in fold order; without, one
/// after another on every worker. Stopping ends the backtest with the folds done so far (the
/// helpers asked to stop theirs too).
pub async fn backtest(
    data: &Prepared,
    settings: &Settings,
    device: &Device,
    host: &mut impl TrainingHost,
    helpers: &[usize],
) -> Result<Backtest, TrainError> {
    let folds = data.folds(settings.folds, settings.scaling)?;
    let mut helpers = if folds.len() > 1 { helpers.to_vec() } else { Vec::new() };
    let alone = Settings { workers: Some(1), ..settings.clone() };
    let fold_settings = if helpers.is_empty() { settings } else { &alone };
    let mut results = Vec::new();
    let mut next = 0;
    'rounds: while next < folds.len() {
        let round: Vec<usize> = (next..(next + 1 + helpers.len()).min(folds.len())).collect();
        let theirs: Vec<(usize, usize)> =
            helpers.iter().copied().zip(round[1..].to_vec()).collect();
        for &(helper, i) in &theirs {
            host.helpers().start_fold(helper, &folds[i], fold_settings);
        }
        let mut fold_host = InnerHost {
            inner: &mut *host,
            fold: Some((round[0] + 1, folds.len())),
            deadline: None,
        };
        let mut done =
            vec![fold_result(&folds[round[0]], fold_settings, device, &mut fold_host).await?];
        if host.stop_requested() {
            host.helpers().stop_folds();
        }
        for (helper, i) in theirs {
            match host.helpers().finish_fold(helper).await {
                Ok(result) => done.push(result),
                Err(error) => {
                    helpers.retain(|h| *h != helper);
                    host.worker_lost(1 + helpers.len(), &error);
                    let mut fold_host = InnerHost {
                        inner: &mut *host,
                        fold: Some((i + 1, folds.len())),
                        deadline: None,
                    };
                    done.push(fold_result(&folds[i], fold_settings, device, &mut fold_host).await?);
                }
            }
        }
        for result in done {
            let Some(result) = result else { break 'rounds };
            let stopped = result.stopped;
            results.push(result);
            if stopped {
                break 'rounds;
            }
        }
        next += round.len();
    }
    let rmse = |pick: fn(&FoldResult) -> f64| spread(&results.iter().map(pick).collect::<Vec<_>>());
    Ok(Backtest {
        folds: results.len(),
        model_rmse: rmse(|r| r.model_rmse),
        naive_rmse: rmse(|r| r.naive_rmse),
        coverage: results.iter().map(|r| r.coverage).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::InProcessHelpers;
    use crate::testutil::{RecordingHost, sample_table, small_settings};
    use crate::training::run::run;
    use crate::training::shares::NoHelpers;

    /// With helpers the folds train concurrently, one per worker, and the backtest is the
    /// sequential one, bit for bit, reported in fold order.
    #[test]
    fn folds_in_parallel_give_the_sequential_backtest() {
        let table = sample_table();
        let settings =
            Settings { epochs: 1, horizon: 2, backtest: true, folds: 3, ..small_settings() };
        let device = Device::flex().autodiff();
        let one = Settings { workers: Some(1), ..settings.clone() };
        let sequential = pollster::block_on(run(
            &table,
            &one,
            &device,
            &mut RecordingHost::<NoHelpers>::default(),
        ))
        .unwrap()
        .result;
        let three = Settings { workers: Some(3), ..settings };
        let mut host = RecordingHost { helpers: InProcessHelpers::new(2), ..Default::default() };
        let parallel = pollster::block_on(run(&table, &three, &device, &mut host)).unwrap().result;
        assert_eq!(parallel.backtest, sequential.backtest);
        assert_eq!(host.helpers.folds, [1, 1], "folds 2 and 3 on the helpers");
        let folds: Vec<_> = host.reports.iter().map(|r| r.fold).collect();
        assert_eq!(folds, [None, Some((1, 3))], "the trainer reports its own fold");
    }

    #[test]
    fn a_backtest_retrains_per_fold_and_reports_the_spread() {
        let table = sample_table();
        let settings =
            Settings { epochs: 1, horizon: 2, backtest: true, folds: 3, ..small_settings() };
        let mut host = RecordingHost::<NoHelpers>::default();
        let result =
            pollster::block_on(run(&table, &settings, &Device::flex().autodiff(), &mut host))
                .unwrap()
                .result;
        let backtest = result.backtest.unwrap();
        assert_eq!(backtest.folds, 3);
        assert!(backtest.model_rmse.mean > 0.0 && backtest.naive_rmse.mean > 0.0);
        assert!(backtest.naive_rmse.std > 0.0, "the folds cover different periods");
        let folds: Vec<_> = host.reports.iter().map(|r| r.fold).collect();
        assert_eq!(folds, vec![None, Some((1, 3)), Some((2, 3)), Some((3, 3))]);
    }
}
