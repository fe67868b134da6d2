//! The stacked LSTM, built from burn modules (with the `model` feature; the page binary only
//! sees the model's shape and the kernel check's result type).

#[cfg(feature = "model")]
pub mod error;
#[cfg(feature = "model")]
pub mod init;
#[cfg(feature = "model")]
pub mod lstm;
#[cfg(feature = "model")]
pub mod network;
#[cfg(feature = "model")]
pub mod predict;
pub mod recurrence;
pub mod shape;

#[cfg(feature = "model")]
pub use lstm::{LstmLayer, Recurrence};
#[cfg(feature = "model")]
pub use network::StackedLstm;
pub use shape::ModelShape;

#[cfg(feature = "model")]
use burn::tensor::Device;

/// Whether `device` (with or without autodiff) is burn's CPU backend, whose tensors read back
/// synchronously: what lets a batch be split between workers (`training::shares`).
#[cfg(feature = "model")]
pub fn is_cpu(device: &Device) -> bool {
    device.clone().without_autodiff() == Device::flex()
}
