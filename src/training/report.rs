//! What training tells the page: a report per epoch, and why training ended.

use serde::{Deserialize, Serialize};

/// What the trainer tells its host after each epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochReport {
    pub epoch: usize,
    pub epochs: usize,
    /// Mean squared error on the scaled training targets.
    pub train_loss: f64,
    /// Mean squared error on the scaled test targets.
    pub val_loss: f64,
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

/// Why training ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StopReason {
    Finished,
    /// The person pressed Stop; the model trained so far is kept.
    Stopped,
}
