//! What training tells the page: a report per epoch, and why training ended.

use serde::{Deserialize, Serialize};

/// What the trainer tells its host after each epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochReport {
    pub epoch: usize,
    pub epochs: usize,
    /// Mean squared error on the scaled training targets.
    pub train_loss: f64,
    /// Mean squared error on the scaled targets of the validation block (none when it was
    /// fitted too: a search's winner trained again).
    pub val_loss: Option<f64>,
    /// `(i, k)` while fold i of a k-fold backtest trains; `None` for the main run.
    pub fold: Option<(usize, usize)>,
    /// GPU kernel launches in this epoch, where the host counts them.
    pub launches: Option<Launches>,
}

/// GPU kernel launches in one epoch: the WebGPU path's overhead, the same on every adapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Launches {
    /// Median over the epoch's training batches (forward, backward and optimiser step).
    pub per_batch: u64,
    /// The whole epoch: every training batch and the validation pass.
    pub per_epoch: u64,
}

/// Where training is inside an epoch: sent between epoch reports so the page's progress bar
/// moves while a long epoch runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchProgress {
    /// The epoch in progress, from 1.
    pub epoch: usize,
    pub epochs: usize,
    /// Training batches done in this epoch, of `batches`.
    pub batch: usize,
    pub batches: usize,
    /// `(i, k)` while fold i of a k-fold backtest trains.
    pub fold: Option<(usize, usize)>,
}

impl BatchProgress {
    /// Where an epoch report leaves a run: that epoch done.
    pub fn after(report: &EpochReport) -> Self {
        Self { epoch: report.epoch, epochs: report.epochs, batch: 1, batches: 1, fold: report.fold }
    }

    /// Percent of the whole run done, when it trains the main model and then `folds` backtest
    /// folds (0 without a backtest), each counted as one equal share.
    pub fn percent(&self, folds: usize) -> f64 {
        let stage = self.fold.map_or(0, |(i, _)| i) as f64;
        let within_epoch = self.batch as f64 / self.batches.max(1) as f64;
        let within_stage =
            ((self.epoch.max(1) - 1) as f64 + within_epoch) / self.epochs.max(1) as f64;
        (100.0 * (stage + within_stage.clamp(0.0, 1.0)) / (1 + folds) as f64).clamp(0.0, 100.0)
    }
}

/// Why training ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StopReason {
    Finished,
    /// The validation loss stopped improving (`patience=`): the best epoch's weights are kept.
    EarlyStopped,
    /// The person pressed Stop; the model trained so far is kept.
    Stopped,
}

/// What early stopping did in a run with `patience=`: the page's "stopped at epoch 41 of 100,
/// best epoch 29".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlyStop {
    /// The epoch whose weights the model has.
    pub best_epoch: usize,
    /// The last epoch trained, of `epochs`.
    pub stopped_epoch: usize,
    pub epochs: usize,
    pub patience: usize,
}

impl EarlyStop {
    /// The results' sentence.
    pub fn sentence(&self) -> String {
        let Self { best_epoch, stopped_epoch, epochs, patience } = *self;
        if stopped_epoch < epochs {
            format!(
                "stopped at epoch {stopped_epoch} of {epochs}, best epoch {best_epoch} (no better validation loss in {patience} epochs; the best epoch's weights kept)"
            )
        } else {
            format!("trained all {epochs} epochs, best epoch {best_epoch} (its weights kept)")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_counts_batches_epochs_and_folds() {
        let at = |epoch, batch, fold| BatchProgress { epoch, epochs: 4, batch, batches: 10, fold };
        assert_eq!(at(1, 5, None).percent(0), 12.5);
        assert_eq!(at(4, 10, None).percent(0), 100.0);
        assert_eq!(at(4, 10, None).percent(3), 25.0, "the main run is one of four shares");
        assert_eq!(at(2, 0, Some((2, 3))).percent(3), 100.0 * (2.0 + 0.25) / 4.0);
        let report = EpochReport {
            epoch: 2,
            epochs: 4,
            train_loss: 0.0,
            val_loss: None,
            fold: None,
            launches: None,
        };
        assert_eq!(BatchProgress::after(&report).percent(0), 50.0);
    }
}
