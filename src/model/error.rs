//! Why a model could not run, be read back, saved or loaded.

use std::fmt;

use super::file::{FORMAT, VERSION};

/// What went wrong with a model or a model file.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelError {
    /// Reading `what` back from the device failed (burn's error, as it describes itself).
    Readback { what: String, detail: String },
    /// The network output NaN or infinity.
    NonFinitePredictions,
    /// Burn could not record the weights.
    Recording(String),
    /// The text is not a model file (the JSON reader's complaint).
    NotAModelFile(String),
    /// A model file of another format or version.
    OtherFormat { format: String, version: u32 },
    /// A model file whose contents do not fit together.
    Damaged(String),
    /// A model file with a scaler too few or too many for its inputs.
    ScalersMismatch { inputs: Vec<String>, scalers: usize },
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Readback { what, detail } => write!(f, "reading {what} failed: {detail}"),
            Self::NonFinitePredictions => write!(
                f,
                "the model produced non-finite predictions (NaN or infinity); try a lower learning rate"
            ),
            Self::Recording(detail) => write!(f, "the model could not be recorded: {detail}"),
            Self::NotAModelFile(detail) => {
                write!(f, "this is not a StockLSTM model file ({detail})")
            }
            Self::OtherFormat { format, version } => write!(
                f,
                "this model file is '{format}' version {version}, expected '{FORMAT}' version {VERSION}"
            ),
            Self::Damaged(why) => write!(f, "the model file is damaged: {why}"),
            Self::ScalersMismatch { inputs, scalers } => write!(
                f,
                "the model file is damaged: {} inputs ({}) but {scalers} input scalers",
                inputs.len(),
                inputs.join(", ")
            ),
        }
    }
}

impl std::error::Error for ModelError {}

impl ModelError {
    /// A failed readback of `what`, keeping burn's description of the error.
    pub fn readback(what: impl Into<String>, error: impl fmt::Debug) -> Self {
        Self::Readback { what: what.into(), detail: format!("{error:?}") }
    }
}
