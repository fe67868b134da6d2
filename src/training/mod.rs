//! Settings of a run and the loop that trains the model (the loop, Adam, the batch shares, the
//! whole run and the saved model file with the `model` feature; settings, reports, the run's
//! result and `auto`'s choice everywhere).

#[cfg(feature = "model")]
pub mod adam;
#[cfg(feature = "model")]
pub mod backtest;
pub mod chart_indicators;
#[cfg(feature = "model")]
pub mod error;
#[cfg(feature = "model")]
pub mod host;
pub mod leaderboard;
#[cfg(feature = "model")]
pub mod model_file;
pub mod registry;
pub mod report;
pub mod result;
#[cfg(feature = "model")]
pub mod run;
#[cfg(feature = "model")]
pub mod search;
pub mod settings;
#[cfg(feature = "model")]
pub mod shares;
pub mod speed;
#[cfg(feature = "model")]
pub mod trainer;

pub use chart_indicators::ChartIndicators;
#[cfg(feature = "model")]
pub use error::TrainError;
pub use report::{BatchProgress, EpochReport, Launches, StopReason};
pub use result::{Backtest, RunResult};
pub use settings::{BackendChoice, ChartStyle, Prediction, Settings};
#[cfg(feature = "model")]
pub use trainer::{TrainingHost, train};
