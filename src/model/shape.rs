//! The sizes that define a model: shared by the page (settings, model files) and the worker.

use serde::{Deserialize, Serialize};

/// The sizes that define a model, kept with results so a run can be described and rebuilt.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ModelShape {
    pub features: usize,
    pub layers: usize,
    pub units: usize,
    pub dropout: f64,
    /// Predict the change from the window's last value, on inputs taken relative to it, instead
    /// of the price level itself (see `StackedLstm::forward`).
    pub predict_change: bool,
}
