//! Messages between the page and the training worker, as JSON.
//!
//! File bytes travel beside the JSON as a transferred `ArrayBuffer`, so a large file is never
//! copied into a string.

use serde::{Deserialize, Serialize};

use crate::data::Table;
use crate::data::parse::ParseOptions;
use crate::model::recurrence::differences::Differences;
use crate::training::leaderboard::Leaderboard;
use crate::training::speed::SpeedMeasurement;
use crate::training::{BatchProgress, EpochReport, RunResult, Settings};

/// Page → worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ToWorker {
    /// Parse the file whose bytes come with the message, with the person's choices. `shown`: the
    /// page parsed this small file itself and shows it already; keep the table for training
    /// without sending it back. `load` numbers the page's loads, so an answer to one the person
    /// has since replaced is recognised and dropped.
    Parse {
        file_name: String,
        options: ParseOptions,
        shown: bool,
        load: u64,
    },
    /// Parse the last file that parsed again, with other choices (another ticker, day order or
    /// bar size).
    Reparse {
        options: ParseOptions,
        load: u64,
    },
    /// Train on the table the worker parsed last (the one the page shows). For `backend=auto`:
    /// `known` are the backend speed measurements the page kept, `gpu_failed` why WebGPU failed
    /// in an earlier worker of this page (it then trains on the CPU).
    Train {
        settings: Settings,
        known: Vec<SpeedMeasurement>,
        gpu_failed: Option<String>,
    },
    Stop,
    /// Send the last trained model as a file.
    SaveModel,
    /// Evaluate a saved model (the file's text) on the last parsed table, without training.
    LoadModel {
        file: String,
    },
    /// Diagnostics (browser tests, benchmark): check the WebGPU recurrence kernels against the
    /// step-by-step path and the CPU kernel, for layers of these hidden sizes.
    CheckRecurrence {
        hidden: Vec<usize>,
    },
    /// Diagnostics (benchmark): kernel launches and seconds of one WebGPU training batch of
    /// `settings`' shape, without the fused kernels (recurrence, Adam) and with them.
    CountLaunches {
        settings: Settings,
    },
}

/// Worker → page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FromWorker {
    /// The worker's wasm is loaded; messages sent before this would be lost.
    Ready,
    /// A file became a table, in `seconds`, with the worker's wasm memory (its peak, since wasm
    /// memory never shrinks) at `memory_bytes`.
    Parsed {
        file_name: String,
        table: Table,
        seconds: f64,
        memory_bytes: f64,
        options: ParseOptions,
        load: u64,
    },
    /// A file the page parsed and shows itself parsed here too: training can start.
    Kept {
        file_name: String,
    },
    ParseFailed {
        file_name: String,
        message: String,
        load: u64,
    },
    /// How far parsing a large file has got, in percent of its bytes.
    ParseProgress {
        percent: f64,
    },
    /// The backend training runs on, and why.
    Backend {
        name: String,
        note: String,
    },
    /// `auto` measured both backends' speed for this model: for the page to keep.
    SpeedMeasured {
        measurement: SpeedMeasurement,
    },
    Epoch {
        report: EpochReport,
        seconds: f64,
    },
    /// Batches done inside the epoch in progress (at most a few a second).
    Progress {
        progress: BatchProgress,
    },
    /// The bands' calibration after training has forecast from `done` of `total` origins, in
    /// `seconds` (at most a few messages a second).
    Calibrating {
        done: usize,
        total: usize,
        seconds: f64,
    },
    /// The settings search's leaderboard after a trial (and once more when it is over).
    Searched {
        board: Box<Leaderboard>,
    },
    Done {
        result: RunResult,
    },
    /// The last trained model, as the text of a model file.
    ModelSaved {
        file: String,
    },
    /// A saved model evaluated on the loaded data, with the settings it was trained with.
    ModelLoaded {
        settings: Settings,
        result: RunResult,
    },
    Failed {
        message: String,
    },
    /// Posted by `worker.js` when the wasm module trapped (a panic, e.g. a GPU error it could
    /// not recover from): this worker is unusable and the page starts a new one.
    Crashed {
        message: String,
    },
    RecurrenceChecked {
        adapter: String,
        rows: Vec<RecurrenceCheck>,
    },
    LaunchesCounted {
        rows: Vec<BatchCost>,
    },
}

/// The WebGPU recurrence kernel of one hidden size against its two references.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecurrenceCheck {
    pub hidden: usize,
    /// Kernel against burn ops step by step, both on WebGPU.
    pub against_step_by_step: Differences,
    /// Kernel on WebGPU against the CPU kernel.
    pub against_cpu: Differences,
}

/// One WebGPU training batch, with or without the fused kernels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchCost {
    /// Which recurrence and optimiser ran.
    pub path: String,
    pub launches: u64,
    pub seconds: f64,
    /// The launches by kernel name, most first.
    pub kernels: Vec<(String, u64)>,
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
        let backend = FromWorker::Backend { name: "CPU".into(), note: "WebGPU unavailable".into() };
        assert_eq!(serde_json::from_str::<FromWorker>(&backend.to_json()).unwrap(), backend);
    }
}
