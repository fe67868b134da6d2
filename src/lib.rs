//! StockLSTM: train a stacked LSTM on a stock-price CSV inside a browser tab.
//!
//! The crate is built in layers, each importing only from itself and the layers below it; the
//! modules are declared below in this order, which `tests/layers.rs` checks the code against:
//!
//! 1. the ground floor, importing nothing: [`query`] (the page's query string) and [`rng`] (the
//!    seeded generator behind initial weights and batch order);
//! 2. [`data`]: CSV in, cleaned table, scaling, windows;
//! 3. [`model`]: the stacked LSTM;
//! 4. [`evaluation`]: metrics beside the naive baseline;
//! 5. [`forecast`]: the recursive multi-bar forecast and its bands;
//! 6. [`training`]: settings, the training loop and the whole run (train, evaluate, forecast,
//!    backtest), its result and the saved model file;
//! 7. [`protocol`]: the messages between the page and the worker;
//! 8. [`chart`]: the price and loss charts;
//! 9. [`view`]: the page's state (phases, notice, the worker's messages and the person's
//!    actions, the Runs table, the results CSV);
//! 10. `ui` and `worker`: the thin browser layer, the page and the training worker.
//!
//! Everything but `ui`, `worker` and the drawing half of `chart` is plain Rust and tested
//! natively.
//!
//! Two wasm binaries are built from this crate: the page (`page` feature: `ui`, `chart`, the
//! parser, settings and protocol types, no burn) and the training worker (`model` feature:
//! burn, the model, training, `worker`), which only `public/worker.js` loads.

pub mod query;
pub mod rng;

pub mod data;

pub mod model;

pub mod evaluation;

pub mod forecast;

pub mod training;

pub mod protocol;

pub mod chart;

pub mod view;

#[cfg(all(target_arch = "wasm32", feature = "page"))]
pub mod ui;
#[cfg(all(target_arch = "wasm32", feature = "model"))]
pub mod worker;

#[cfg(test)]
pub(crate) mod testutil;
