//! What the native tests share: the bundled sample, a small quick model, a learnable series, a
//! training host that records what it is told and helper workers in the same thread. One place, instead of helpers exported from
//! other modules' test blocks. The sample needs no `model` feature (the parser's tests use it);
//! the rest serve the training tests and need it.

#[cfg(feature = "model")]
use crate::forecast::recursive::Origins;
use crate::training::Settings;
#[cfg(feature = "model")]
use crate::training::TrainError;
#[cfg(feature = "model")]
use crate::training::report::EpochReport;
#[cfg(feature = "model")]
use crate::training::shares::{HelperModel, Helpers, NoHelpers, ShareJob};
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
    /// The settings search's leaderboards, as told after each trial.
    pub boards: Vec<crate::training::leaderboard::Leaderboard>,
    /// The clock: this many seconds pass with each batch (none: it stands at 0).
    pub seconds_per_batch: f64,
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
    fn seconds(&self) -> f64 {
        self.batches as f64 * self.seconds_per_batch
    }
    fn searched(&mut self, board: &crate::training::leaderboard::Leaderboard) {
        self.boards.push(board.clone());
    }
    fn stop_handled(&mut self) {
        self.stop_after = None;
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

/// Helpers in the same thread, doing what the browser's helper workers do; helper `fails`
/// (if any) fails on its second batch and helper `fails_paths` on its second piece of the
/// bands' calibration, as a crashed worker would.
#[cfg(feature = "model")]
#[derive(Default)]
pub struct InProcessHelpers {
    pub available: usize,
    pub fails: Option<usize>,
    pub fails_paths: Option<usize>,
    models: Vec<HelperModel>,
    started: Vec<Option<(Vec<ShareJob>, usize)>>,
    started_paths: Vec<Option<(Origins, usize)>>,
    started_folds: Vec<Option<(crate::data::windows::Prepared, Settings)>>,
    /// Shares computed, per helper ...
    pub shares: Vec<usize>,
    /// ... pieces of the bands' calibration ...
    pub pieces: Vec<usize>,
    /// ... and backtest folds.
    pub folds: Vec<usize>,
    /// The parameters last synced.
    pub synced: Option<Vec<f32>>,
}

#[cfg(feature = "model")]
impl InProcessHelpers {
    pub fn new(available: usize) -> Self {
        Self { available, ..Default::default() }
    }

    /// These helpers, helper `fails` (if any) failing on its second batch.
    pub fn failing(self, fails: Option<usize>) -> Self {
        Self { fails, ..self }
    }

    /// These helpers, helper `fails_paths` (if any) failing on its second calibration piece.
    pub fn failing_paths(self, fails_paths: Option<usize>) -> Self {
        Self { fails_paths, ..self }
    }
}

#[cfg(feature = "model")]
impl Helpers for InProcessHelpers {
    fn begin(
        &mut self,
        wanted: usize,
        shape: crate::model::ModelShape,
        examples: crate::training::shares::Examples,
        parameters: &[f32],
    ) -> usize {
        let count = wanted.min(self.available);
        self.models = (0..count).map(|_| HelperModel::new(shape, examples, parameters)).collect();
        self.started = vec![None; count];
        self.started_paths = vec![None; count];
        self.started_folds = vec![None; count];
        self.folds = vec![0; count];
        self.shares = vec![0; count];
        self.pieces = vec![0; count];
        count
    }
    fn start(&mut self, helper: usize, jobs: &[ShareJob], batch_len: usize) {
        self.started[helper] = Some((jobs.to_vec(), batch_len));
    }
    async fn finish(
        &mut self,
        helper: usize,
    ) -> Result<Vec<crate::training::shares::FlatShare>, TrainError> {
        let (jobs, batch_len) = started(&mut self.started[helper])?;
        if self.fails == Some(helper) && self.shares[helper] > 0 {
            return Err(TrainError::Helper("the helper crashed".into()));
        }
        self.shares[helper] += jobs.len();
        Ok(self.models[helper].gradients(&jobs, batch_len))
    }
    fn sync(&mut self, parameters: &[f32]) {
        self.synced = Some(parameters.to_vec());
        self.models.iter_mut().for_each(|model| model.sync(parameters));
    }
    fn start_paths(&mut self, helper: usize, origins: &Origins, steps: usize) {
        self.started_paths[helper] = Some((origins.clone(), steps));
    }
    async fn finish_paths(&mut self, helper: usize) -> Result<Vec<Vec<f32>>, TrainError> {
        let (origins, steps) = started(&mut self.started_paths[helper])?;
        if self.fails_paths == Some(helper) && self.pieces[helper] > 0 {
            return Err(TrainError::Helper("the helper crashed".into()));
        }
        self.pieces[helper] += 1;
        self.models[helper].paths(origins, steps).await
    }
    fn start_fold(
        &mut self,
        helper: usize,
        fold: &crate::data::windows::Prepared,
        settings: &Settings,
    ) {
        self.started_folds[helper] = Some((fold.clone(), settings.clone()));
    }
    async fn finish_fold(
        &mut self,
        helper: usize,
    ) -> Result<Option<crate::training::backtest::FoldResult>, TrainError> {
        let (fold, settings) = started(&mut self.started_folds[helper])?;
        self.folds[helper] += 1;
        let device = burn::tensor::Device::flex().autodiff();
        let mut alone = RecordingHost::<NoHelpers>::default();
        crate::training::backtest::fold_result(&fold, &settings, &device, &mut alone).await
    }
    fn stop_folds(&mut self) {}
}

/// What an in-process helper was started on, taken for its finish.
#[cfg(feature = "model")]
fn started<T>(slot: &mut Option<T>) -> Result<T, TrainError> {
    slot.take().ok_or_else(|| TrainError::Helper("finish before start".into()))
}
