//! Why a model could not run, be read back, saved or loaded.

use std::fmt;

/// What a model file says it is, and the version of the layout this code reads: written into
/// every saved model (`training::model_file`) and named when a file of another is refused.
pub const FORMAT: &str = "stocklstm-model";
pub const VERSION: u32 = 1;

/// What went wrong with a model or a model file.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelError {
    /// Reading `what` back from the device failed (burn's error, as it describes itself).
    Readback { what: String, detail: String },
    /// The network output NaN or infinity.
    NonFinitePredictions,
    /// Backpropagation left no gradient for `of` (the recurrence check's inputs or weights).
    NoGradient { of: &'static str },
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
            Self::NoGradient { of } => write!(f, "no gradient for the {of}"),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The page shows these sentences as they are (the file's own refusals are checked beside
    /// the file, in `training/model_file.rs`).
    #[test]
    fn messages_say_what_failed_and_what_to_try() {
        assert_eq!(
            ModelError::NonFinitePredictions.to_string(),
            "the model produced non-finite predictions (NaN or infinity); try a lower learning rate"
        );
        assert_eq!(
            ModelError::readback("the loss", "DeviceLost").to_string(),
            "reading the loss failed: \"DeviceLost\""
        );
        assert_eq!(ModelError::NoGradient { of: "bias" }.to_string(), "no gradient for the bias");
        assert_eq!(
            ModelError::NotAModelFile("expected value at line 1 column 1".into()).to_string(),
            "this is not a StockLSTM model file (expected value at line 1 column 1)"
        );
        assert_eq!(
            ModelError::Damaged("shape mismatch".into()).to_string(),
            "the model file is damaged: shape mismatch"
        );
        assert_eq!(
            ModelError::ScalersMismatch { inputs: vec!["Close".into(), "Open".into()], scalers: 1 }
                .to_string(),
            "the model file is damaged: 2 inputs (Close, Open) but 1 input scalers"
        );
    }
}
