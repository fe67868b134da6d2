//! What the training loop needs from where it runs (a browser worker or a test): a place to
//! report epochs and progress, a way to hear Stop, a turn for the event loop, the fellow CPU
//! workers, and the GPU launches counted so far.

use super::error::TrainError;
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
}
