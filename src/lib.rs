//! StockLSTM: train a stacked LSTM on a stock-price CSV inside a browser tab.
//!
//! The crate is laid out as the pipeline a run goes through:
//! [`data`] (CSV in, cleaned table, scaling, windows) → [`model`] (the stacked LSTM) →
//! [`training`] (settings, the training loop) → [`evaluation`] (metrics beside the naive
//! baseline) → [`forecast`] (recursive multi-day forecast). Everything up to here is plain Rust
//! and tested natively; [`worker`], [`ui`] and [`chart`] are the thin browser layer.

pub mod data;
pub mod evaluation;
pub mod forecast;
pub mod model;
pub mod protocol;
pub mod training;

#[cfg(target_arch = "wasm32")]
pub mod chart;
#[cfg(target_arch = "wasm32")]
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod worker;
