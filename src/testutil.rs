//! What the native tests share: the bundled sample, a small quick model, a learnable series and
//! a training host that records what it is told. One place, instead of helpers exported from
//! other modules' test blocks. The sample needs no `model` feature (the parser's tests use it);
//! the rest serve the training tests and need it.

#[cfg(feature = "model")]
use crate::training::Settings;
#[cfg(feature = "model")]
use crate::training::report::EpochReport;
#[cfg(feature = "model")]
use crate::training::shares::{Helpers, NoHelpers};
#[cfg(feature = "model")]
use crate::training::trainer::TrainingHost;

/// The bundled sample, `public/sample/IBM.csv`: oldest first.
pub fn ibm_sample() -> Vec<u8> {
    let path = format!("{}/public/sample/IBM.csv", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The bundled sample, parsed.
pub fn sample_table() -> crate::data::Table {
    crate::data::parse::parse_csv(&ibm_sample()).expect("the bundled sample parses")
}

/// A host that records reports and asks to stop after `stop_after` batches (or pieces of the
/// bands' calibration).
#[cfg(feature = "model")]
#[derive(Default)]
pub struct RecordingHost<H = NoHelpers> {
    pub reports: Vec<EpochReport>,
    pub batches: usize,
    pub stop_after: Option<usize>,
    pub helpers: H,
    /// The worker counts `worker_lost` was told of.
    pub lost: Vec<usize>,
    /// The bands' calibration progress it was told, (done, total) origins ...
    pub calibrating: Vec<(usize, usize)>,
    /// ... and after how many of those reports it asks to stop.
    pub stop_calibrating_after: Option<usize>,
    /// What the host answers when asked for launches (a fixed count: nothing launches here).
    pub launches: Option<u64>,
}

#[cfg(feature = "model")]
impl<H: Helpers> TrainingHost for RecordingHost<H> {
    type Helpers = H;
    fn helpers(&mut self) -> &mut H {
        &mut self.helpers
    }
    fn worker_lost(&mut self, workers: usize, _error: &crate::training::TrainError) {
        self.lost.push(workers);
    }
    fn report(&mut self, epoch: &EpochReport) {
        self.reports.push(epoch.clone());
    }
    fn calibrating(&mut self, done: usize, total: usize) {
        self.calibrating.push((done, total));
    }
    fn stop_requested(&self) -> bool {
        self.stop_after.is_some_and(|n| self.batches >= n)
            || self.stop_calibrating_after.is_some_and(|n| self.calibrating.len() >= n)
    }
    async fn pause(&mut self) {
        self.batches += 1;
    }
    fn launches(&self) -> Option<u64> {
        self.launches
    }
}

/// A rising sine: a series a small model can learn in a few epochs.
#[cfg(feature = "model")]
pub fn sine_prices(n: usize) -> Vec<f64> {
    (0..n).map(|i| 100.0 + 10.0 * (i as f64 / 6.0).sin() + i as f64 * 0.1).collect()
}

/// A small model (window 12, two layers of 8 units) that trains in moments.
#[cfg(feature = "model")]
pub fn small_settings() -> Settings {
    Settings {
        window: 12,
        layers: 2,
        units: 8,
        epochs: 8,
        batch: 16,
        lr: 0.01,
        ..Settings::default()
    }
}
