//! What the training loop needs from where it runs (a browser worker or a test): a place to
//! report epochs and progress, a way to hear Stop, a turn for the event loop, the fellow CPU
//! workers, and the GPU launches counted so far.

use super::error::TrainError;
use super::leaderboard::Leaderboard;
use super::report::{BatchProgress, EpochReport};
use super::shares::Helpers;

/// Where the training loop runs: a browser worker or a test.
#[allow(async_fn_in_trait)]
pub trait TrainingHost {
    /// The fellow CPU workers that compute shares of each batch (see [shares](super::shares)).
    type Helpers: Helpers;
    fn helpers(&mut self) -> &mut Self::Helpers;
    /// A helper failed (`error`) and the run goes on with `workers` (the trainer included), with
    /// the same numbers; hosts that show the backend say so.
    fn worker_lost(&mut self, _workers: usize, _error: &TrainError) {}
    fn report(&mut self, epoch: &EpochReport);
    /// Called after each training batch, for a progress bar; hosts without one ignore it.
    fn progress(&mut self, _progress: &BatchProgress) {}
    /// The bands' calibration after training has forecast from `done` of `total` origins.
    fn calibrating(&mut self, _done: usize, _total: usize) {}
    fn stop_requested(&self) -> bool;
    /// Gives the event loop a turn between batches (so a Stop message can arrive).
    async fn pause(&mut self);
    /// GPU kernel launches issued so far, or `None` where they are not counted (the CPU).
    fn launches(&self) -> Option<u64>;
    /// Seconds on a wall clock, for the settings search's budget and its trials' times; hosts
    /// without one (tests) answer 0, and then only `trials=` ends a search.
    fn seconds(&self) -> f64 {
        0.0
    }
    /// The settings search's leaderboard after a trial.
    fn searched(&mut self, _board: &Leaderboard) {}
    /// A Stop that ended the settings search has been acted on: the best so far is trained
    /// next, and a later Stop stops that.
    fn stop_handled(&mut self) {}
}

/// The host of training inside a larger job: a backtest fold's reports marked with the fold
/// `(i, k)`, a settings search trial's (`fold: None`) kept from the page, which shows the
/// leaderboard instead, and stopped at its `deadline` (seconds on the host's clock) as by Stop.
pub struct InnerHost<'a, H> {
    pub inner: &'a mut H,
    pub fold: Option<(usize, usize)>,
    pub deadline: Option<f64>,
}

impl<H: TrainingHost> TrainingHost for InnerHost<'_, H> {
    type Helpers = H::Helpers;
    fn helpers(&mut self) -> &mut H::Helpers {
        self.inner.helpers()
    }
    fn worker_lost(&mut self, workers: usize, error: &TrainError) {
        self.inner.worker_lost(workers, error)
    }
    fn report(&mut self, epoch: &EpochReport) {
        if let Some(fold) = self.fold {
            self.inner.report(&EpochReport { fold: Some(fold), ..epoch.clone() });
        }
    }
    fn progress(&mut self, progress: &BatchProgress) {
        if let Some(fold) = self.fold {
            self.inner.progress(&BatchProgress { fold: Some(fold), ..*progress });
        }
    }
    fn stop_requested(&self) -> bool {
        self.inner.stop_requested()
            || self.deadline.is_some_and(|deadline| self.inner.seconds() >= deadline)
    }
    async fn pause(&mut self) {
        self.inner.pause().await
    }
    fn launches(&self) -> Option<u64> {
        self.inner.launches()
    }
    fn seconds(&self) -> f64 {
        self.inner.seconds()
    }
}
