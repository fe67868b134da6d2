//! Settings of a run and the loop that trains the model.

pub mod adam;
pub mod calibration;
pub mod rng;
pub mod run;
pub mod settings;
pub mod shares;
pub mod trainer;

pub use settings::{BackendChoice, Prediction, Settings};
pub use trainer::{EpochReport, Launches, StopReason, TrainingHost, train};
