//! What the training loop needs from where it runs (a browser worker or a test): a place to
//! report epochs and progress, a way to hear Stop, a turn for the event loop, the second CPU
//! worker, and the GPU launches counted so far.

use super::report::{BatchProgress, EpochReport};
use super::shares::Helper;

/// Where the training loop runs: a browser worker or a test.
#[allow(async_fn_in_trait)]
pub trait TrainingHost {
    /// The second worker available for the second share of each batch (see [shares](super::shares)).
    type Helper: Helper;
    fn helper(&mut self) -> &mut Self::Helper;
    fn report(&mut self, epoch: &EpochReport);
    /// Called after each training batch, for a progress bar; hosts without one ignore it.
    fn progress(&mut self, _progress: &BatchProgress) {}
    fn stop_requested(&self) -> bool;
    /// Gives the event loop a turn between batches (so a Stop message can arrive).
    async fn pause(&mut self);
    /// GPU kernel launches issued so far, or `None` where they are not counted (the CPU).
    fn launches(&self) -> Option<u64>;
}
