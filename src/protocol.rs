//! Messages between the page and the training worker, as JSON.
//!
//! File bytes travel beside the JSON as a transferred `ArrayBuffer`, so a large file is never
//! copied into a string.

use serde::{Deserialize, Serialize};

use crate::data::Table;
use crate::data::parse::ParseOptions;
use crate::evaluation::{Metrics, Spread};
use crate::forecast::ForecastDay;
use crate::training::{EpochReport, Settings};

/// Page → worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ToWorker {
    /// Parse the file whose bytes come with the message, with the person's choices.
    Parse { file_name: String, options: ParseOptions },
    /// Parse the last file that parsed again, with other choices (another ticker or day order).
    Reparse { options: ParseOptions },
    /// Train on the table the worker parsed last (the one the page shows).
    Train { settings: Settings },
    Stop,
    /// Send the last trained model as a file.
    SaveModel,
    /// Evaluate a saved model (the file's text) on the last parsed table, without training.
    LoadModel { file: String },
}

/// Worker → page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FromWorker {
    /// The worker's wasm is loaded; messages sent before this would be lost.
    Ready,
    /// A file became a table, in `seconds`, with the worker's wasm memory (its peak, since wasm
    /// memory never shrinks) at `memory_bytes`.
    Parsed { file_name: String, table: Table, seconds: f64, memory_bytes: f64, options: ParseOptions },
    ParseFailed { file_name: String, message: String },
    /// How far parsing a large file has got, in percent of its bytes.
    ParseProgress { percent: f64 },
    /// The backend training runs on, and why it is not the one asked for, if so.
    Backend { name: String, note: Option<String> },
    Epoch { report: EpochReport, seconds: f64 },
    Done { result: RunResult },
    /// The last trained model, as the text of a model file.
    ModelSaved { file: String },
    /// A saved model evaluated on the loaded data, with the settings it was trained with.
    ModelLoaded { settings: Settings, result: RunResult },
    Failed { message: String },
}

/// Everything the page shows after a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    pub epochs_done: usize,
    pub stopped: bool,
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
    /// The expanding-window backtest, when the settings asked for one.
    pub backtest: Option<Backtest>,
}

/// Test RMSE over the folds of an expanding-window backtest, model and naive baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backtest {
    /// Folds completed (fewer than asked for when stopped).
    pub folds: usize,
    pub model_rmse: Spread,
    pub naive_rmse: Spread,
}

impl ToWorker {
    /// The message as sent through `postMessage`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("messages always serialise")
    }
}

impl FromWorker {
    /// The message as sent through `postMessage`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("messages always serialise")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_through_json() {
        let stop = ToWorker::Stop.to_json();
        assert_eq!(stop, r#"{"kind":"stop"}"#);
        assert_eq!(serde_json::from_str::<ToWorker>(&stop).unwrap(), ToWorker::Stop);
        let backend = FromWorker::Backend { name: "CPU".into(), note: Some("WebGPU unavailable".into()) };
        assert_eq!(serde_json::from_str::<FromWorker>(&backend.to_json()).unwrap(), backend);
    }
}
