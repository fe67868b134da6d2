//! The expanding-window backtest: a fresh model trained on everything before each block of the
//! test part and tested on it, with the spread of test RMSE for the model and the naive
//! baseline, and the bands' coverage on each block.

use burn::tensor::Device;

use super::error::TrainError;
use super::report::{BatchProgress, EpochReport, StopReason};
use super::result::Backtest;
use super::run::calibrate;
use super::settings::Settings;
use super::trainer::{TrainingHost, train};
use crate::data::windows::Prepared;
use crate::evaluation::{metrics, naive_predictions, spread};

/// Passes the trainer's reports on, marked with the backtest fold they belong to.
struct FoldHost<'a, H> {
    inner: &'a mut H,
    fold: (usize, usize),
}

impl<H: TrainingHost> TrainingHost for FoldHost<'_, H> {
    type Helpers = H::Helpers;
    fn helpers(&mut self) -> &mut H::Helpers {
        self.inner.helpers()
    }
    fn worker_lost(&mut self, workers: usize, error: &TrainError) {
        self.inner.worker_lost(workers, error)
    }
    fn report(&mut self, epoch: &EpochReport) {
        self.inner.report(&EpochReport { fold: Some(self.fold), ..epoch.clone() });
    }
    fn progress(&mut self, progress: &BatchProgress) {
        self.inner.progress(&BatchProgress { fold: Some(self.fold), ..*progress });
    }
    fn stop_requested(&self) -> bool {
        self.inner.stop_requested()
    }
    async fn pause(&mut self) {
        self.inner.pause().await
    }
    fn launches(&self) -> Option<u64> {
        self.inner.launches()
    }
}

/// Retrains a fresh model on each expanding-window fold and reports the spread of test RMSE for
/// the model and the naive baseline. Stopping ends the backtest with the folds done so far.
pub async fn backtest(
    data: &Prepared,
    settings: &Settings,
    device: &Device,
    host: &mut impl TrainingHost,
) -> Result<Backtest, TrainError> {
    let folds = data.folds(settings.folds, settings.scaling)?;
    let inference = device.clone().without_autodiff();
    let (mut model_rmse, mut naive_rmse, mut coverage) = (Vec::new(), Vec::new(), Vec::new());
    for (i, fold) in folds.iter().enumerate() {
        let mut fold_host = FoldHost { inner: &mut *host, fold: (i + 1, folds.len()) };
        let trained = train(device, fold, settings, &mut fold_host).await?;
        // A fold's calibration is part of the fold's share of the progress bar (the fold host
        // passes no calibration progress on); Stop during it ends the backtest without the fold.
        let Some(calibrated) = calibrate(
            &trained.model,
            fold,
            settings.horizon,
            &inference,
            &mut fold_host,
            &trained.helpers,
        )
        .await?
        else {
            break;
        };
        let actual = &fold.prices[fold.test_targets()];
        model_rmse.push(metrics(actual, &calibrated.test_paths[0]).rmse);
        coverage.push(calibrated.coverage);
        naive_rmse
            .push(metrics(actual, &naive_predictions(&fold.prices, fold.test_targets())).rmse);
        if trained.stop == StopReason::Stopped {
            break;
        }
    }
    Ok(Backtest {
        folds: model_rmse.len(),
        model_rmse: spread(&model_rmse),
        naive_rmse: spread(&naive_rmse),
        coverage,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{RecordingHost, sample_table, small_settings};
    use crate::training::run::run;
    use crate::training::shares::NoHelpers;

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
