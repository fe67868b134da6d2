//! Why the worker could not do what the page asked. Errors from the layers below keep their own
//! sentences; this only adds the worker's own (no file yet, no model yet, WebGPU). They become
//! text in one place each, where the worker posts `FromWorker::Failed { message }`: the message
//! is a `String` because it crosses to the page.

use std::fmt;

use crate::model::error::ModelError;
use crate::training::TrainError;

#[derive(Debug)]
pub enum WorkerError {
    /// Train or LoadModel before a file was parsed.
    NoTable,
    /// SaveModel before a run finished.
    NoModel,
    /// WebGPU could not start, for this reason (the browser's or wgpu's words, from JavaScript).
    NoWebGpu(String),
    /// The settings ask for WebGPU, which could not start, for this reason.
    WebGpuAskedFor(String),
    /// WebGPU stopped working during a run, which failed with this error.
    WebGpuStopped(TrainError),
    Train(TrainError),
    Model(ModelError),
    /// The trained model could not be written as JSON.
    Json(serde_json::Error),
}

impl fmt::Display for WorkerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoTable => f.write_str("load a CSV file first"),
            Self::NoModel => f.write_str("no model has been trained yet"),
            Self::NoWebGpu(reason) => f.write_str(reason),
            Self::WebGpuAskedFor(reason) => write!(
                f,
                "WebGPU could not be started ({reason}); set the backend to 'auto' or 'cpu'"
            ),
            Self::WebGpuStopped(error) => write!(
                f,
                "WebGPU stopped working during the run ({error}); from now on runs with backend \
                 'auto' train on the CPU (reload the page to try WebGPU again)"
            ),
            Self::Train(error) => error.fmt(f),
            Self::Model(error) => error.fmt(f),
            Self::Json(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for WorkerError {}

impl From<TrainError> for WorkerError {
    fn from(error: TrainError) -> Self {
        Self::Train(error)
    }
}

impl From<ModelError> for WorkerError {
    fn from(error: ModelError) -> Self {
        Self::Model(error)
    }
}

impl From<serde_json::Error> for WorkerError {
    fn from(error: serde_json::Error) -> Self {
        Self::Json(error)
    }
}
