//! StockLSTM: train a stacked LSTM on a stock-price CSV inside a browser tab.
//!
//! The crate is laid out as the pipeline a run goes through:
//! [`data`] (CSV in, cleaned table, scaling, windows) → [`model`] (the stacked LSTM) →
//! [`training`] (settings, the training loop) → [`evaluation`] (metrics beside the naive
//! baseline) → [`forecast`] (recursive multi-bar forecast). Everything up to here is plain Rust
//! and tested natively, and so is [`view`], the page's state (phases, notice, the worker's
//! messages and the person's actions); `worker`, `ui` and the drawing half of `chart` are the
//! thin browser layer.
//!
//! Two wasm binaries are built from this crate: the page (`page` feature: `ui`, `chart`, the
//! parser, settings and protocol types, no burn) and the training worker (`model` feature:
//! burn, the model, training, `worker`), which only `public/worker.js` loads.

pub mod chart;
pub mod data;
pub mod evaluation;
pub mod forecast;
pub mod model;
pub mod protocol;
pub mod query;
#[cfg(test)]
pub(crate) mod testutil;
pub mod training;
#[cfg(all(target_arch = "wasm32", feature = "page"))]
pub mod ui;
pub mod view;
#[cfg(all(target_arch = "wasm32", feature = "model"))]
pub mod worker;
