//! Why a run could not finish: the data did not fit the settings, the model or its file failed,
//! the bands could not be calibrated, training diverged, or a helper worker failed. Each
//! lower layer's error keeps its own message; this one only joins them.

use std::fmt;

use super::leaderboard::Outcome;
use crate::data::PrepareError;
use crate::forecast::bands::BandsError;
use crate::model::error::ModelError;

/// What ended a run (or a saved model's evaluation) without a result.
#[derive(Debug, Clone, PartialEq)]
pub enum TrainError {
    Prepare(PrepareError),
    Model(ModelError),
    Bands(BandsError),
    /// The loss became NaN or infinite in `epoch`, at learning rate `lr`.
    Diverged {
        loss: f64,
        epoch: usize,
        lr: f64,
    },
    /// The backend speed probe was given a data set without training windows.
    NothingToTime,
    /// A helper CPU worker failed (what it or JavaScript said).
    Helper(String),
    /// No trial of the settings search scored (`first`: how the best-ranked ended).
    SearchFailed {
        trials: usize,
        first: Option<Outcome>,
    },
}

impl fmt::Display for TrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Prepare(error) => error.fmt(f),
            Self::Model(error) => error.fmt(f),
            Self::Bands(error) => error.fmt(f),
            Self::Diverged { loss, epoch, lr } => write!(
                f,
                "training diverged: the loss became {loss} in epoch {epoch}; try a lower learning \
                 rate (now {lr})"
            ),
            Self::NothingToTime => write!(f, "no training windows to time"),
            Self::Helper(message) => f.write_str(message),
            Self::SearchFailed { trials, first } => {
                write!(f, "the settings search found nothing to train: ")?;
                match first {
                    Some(Outcome::Failed { reason }) => {
                        write!(f, "all {trials} trials failed (the first: {reason})")
                    }
                    _ => write!(f, "it was stopped before its first trial ended"),
                }
            }
        }
    }
}

impl std::error::Error for TrainError {}

impl From<PrepareError> for TrainError {
    fn from(error: PrepareError) -> Self {
        Self::Prepare(error)
    }
}

impl From<ModelError> for TrainError {
    fn from(error: ModelError) -> Self {
        Self::Model(error)
    }
}

impl From<BandsError> for TrainError {
    fn from(error: BandsError) -> Self {
        Self::Bands(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_error_says_what_the_layer_below_said() {
        let diverged = TrainError::Diverged { loss: f64::NAN, epoch: 3, lr: 0.5 };
        assert_eq!(
            diverged.to_string(),
            "training diverged: the loss became NaN in epoch 3; try a lower learning rate (now 0.5)"
        );
        let bands = TrainError::from(BandsError::ZeroForecast);
        assert_eq!(bands.to_string(), BandsError::ZeroForecast.to_string());
    }
}
