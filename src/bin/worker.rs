//! The training worker's binary: burn, the model, training, evaluation and the forecast.
//! `public/worker.js` loads it in a module Worker and calls `worker_main` (or `helper_main` in
//! a helper CPU worker), which the library's `worker` module exports.

#[cfg(target_arch = "wasm32")]
fn main() {
    // Referencing the worker module here is what links its exports into this binary.
    stocklstm::worker::run_static_constructors_once();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "stocklstm_worker runs in the browser's training worker: use the README's serve command (scripts/serve)"
    );
}
