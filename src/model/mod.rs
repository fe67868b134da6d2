//! The stacked LSTM, built from burn modules.

pub mod init;
pub mod lstm;
pub mod file;
pub mod network;
pub mod predict;
pub mod recurrence;

pub use lstm::{LstmLayer, Recurrence};
pub use network::{ModelShape, StackedLstm};

use burn::tensor::Device;

/// Whether `device` (with or without autodiff) is burn's CPU backend, whose tensors read back
/// synchronously: what lets a batch be split between two workers (`training::shares`).
pub fn is_cpu(device: &Device) -> bool {
    device.clone().without_autodiff() == Device::flex()
}
