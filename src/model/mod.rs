//! The stacked LSTM, built from burn modules.

pub mod init;
pub mod lstm;
pub mod file;
pub mod network;
pub mod predict;
pub mod recurrence;

pub use lstm::LstmLayer;
pub use network::{ModelShape, StackedLstm};
