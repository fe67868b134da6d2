//! What a whole run ends with: the figures, fits, forecast and backtest the page shows, and the
//! Runs table keeps. Plain data (no `model` feature), so the page reads what the worker sends.

use serde::{Deserialize, Serialize};

use crate::evaluation::{Metrics, Spread};
use crate::forecast::ForecastDay;
use crate::forecast::bands::Coverage;
use crate::training::leaderboard::Leaderboard;
use crate::training::report::EarlyStop;

/// Everything the page shows after a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    pub epochs_done: usize,
    pub stopped: bool,
    /// What early stopping did, with `patience=`.
    #[serde(default)]
    pub early_stop: Option<EarlyStop>,
    pub train: Metrics,
    pub test: Metrics,
    /// Percent of test days whose move the model called in the right direction.
    pub test_direction: Option<f64>,
    /// The naive "tomorrow = today" baseline on the same test targets.
    pub naive: Metrics,
    /// Row of the table the first training prediction is for.
    pub train_start: usize,
    pub train_fit: Vec<f64>,
    pub test_start: usize,
    pub test_fit: Vec<f64>,
    pub forecast: Vec<ForecastDay>,
    /// How often the forecast bands held the price on the test part (1 and h days ahead).
    pub coverage: Coverage,
    /// The expanding-window backtest, when the settings asked for one.
    pub backtest: Option<Backtest>,
    /// The settings search that chose this run's settings, with `search=on`.
    #[serde(default)]
    pub search: Option<Box<Leaderboard>>,
    /// What the person should know about this result (a loaded model's other bar size).
    #[serde(default)]
    pub notes: Vec<String>,
}

/// Test RMSE over the folds of an expanding-window backtest, model and naive baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backtest {
    /// Folds completed (fewer than asked for when stopped).
    pub folds: usize,
    pub model_rmse: Spread,
    pub naive_rmse: Spread,
    /// Band coverage on each fold's test block, bands calibrated on the fold's own training part.
    pub coverage: Vec<Coverage>,
}
