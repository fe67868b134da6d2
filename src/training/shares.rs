//! A CPU batch's gradient as the sum of a fixed number of shares, so that any number of workers
//! can compute it and the numbers do not depend on how many did.
//!
//! WebAssembly in a worker runs on one core. On the CPU backend the trainer splits every batch
//! into [`SHARES`] shares (fewer for a batch of fewer windows), whatever the number of workers:
//! share `s` goes to worker `s mod workers` (worker 0 is the trainer itself, the others
//! [`Helpers`] with their own copy of the model). Each share's gradient comes back flat, and the
//! trainer adds them in share order, so a run gives the same numbers, bit for bit, on one core or
//! eight. A share's dropout masks come from a stream seeded by (seed, epoch, batch, share): the
//! same wherever the share is computed.

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::tensor::{Device, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use super::backtest::FoldResult;
use super::error::TrainError;
use super::settings::Settings;
use crate::data::windows::Prepared;
use crate::forecast::recursive::{Origins, scaled_paths};
use crate::model::{ModelShape, StackedLstm};
use crate::rng::SeededRng;

/// Shares a CPU batch is split into. Eight lets up to eight workers share a batch, and costs a
/// single worker little: see `docs/benchmark.md` (workers) for the measurement.
pub const SHARES: usize = 8;

/// Mixed into the seed for dropout masks, so they are not the stream of the weights or the order.
const MASK_SALT: u64 = 0x00D2_0B0A_5EED_3A5C;

/// The examples a batch draws from, cut from a series of rows of `width` inputs on demand:
/// example `i` is the window of rows `i..i + window` and its target the row `i + window` (no
/// copy of every window).
#[derive(Debug, Clone, Copy)]
pub struct Examples<'a> {
    /// Row-major `[rows, width]`.
    pub series: &'a [f32],
    pub window: usize,
    pub width: usize,
}

impl Examples<'_> {
    /// How many examples the series holds.
    pub fn len(&self) -> usize {
        (self.series.len() / self.width).saturating_sub(self.window)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One share of a batch, as the trainer hands it to whoever computes it: its examples and the
/// seed of its dropout masks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareJob {
    pub indices: Vec<usize>,
    pub masks: u64,
}

/// Batch number `batch` of `epoch` (`examples`, in order) as its shares: up to [`SHARES`]
/// contiguous runs of nearly equal length, each with its masks' seed drawn from `seed`.
pub fn split_batch(examples: &[usize], seed: u64, epoch: usize, batch: usize) -> Vec<ShareJob> {
    let count = SHARES.min(examples.len());
    (0..count)
        .map(|share| {
            let (from, to) = (share * examples.len() / count, (share + 1) * examples.len() / count);
            let mut stream = SeededRng::new(seed ^ MASK_SALT);
            for part in [epoch, batch, share] {
                stream = SeededRng::new(stream.next_u64() ^ part as u64);
            }
            ShareJob { indices: examples[from..to].to_vec(), masks: stream.next_u64() }
        })
        .collect()
}

/// What one share of a batch contributes: its gradient and its summed squared error.
pub struct Share {
    pub gradients: GradientsParams,
    /// Σ (prediction − target)² over the share's windows, not yet read back from the device.
    pub squared_error: Tensor<1>,
}

/// The gradient of the share `job` of a batch of `batch_len` windows: of its squared errors
/// summed and divided by `batch_len`, so the shares' gradients add up to the batch's mean.
pub fn share_gradients(
    model: &StackedLstm,
    examples: Examples,
    job: &ShareJob,
    batch_len: usize,
    device: &Device,
) -> Share {
    let Examples { series, window, width } = examples;
    let indices = &job.indices;
    let rows = |from: usize, to: usize| series[from * width..to * width].iter().copied();
    let x: Vec<f32> = indices.iter().flat_map(|&i| rows(i, i + window)).collect();
    let y: Vec<f32> = indices.iter().flat_map(|&i| rows(i + window, i + window + 1)).collect();
    let x = Tensor::<3>::from_data(TensorData::new(x, [indices.len(), window, width]), device);
    let y = Tensor::<2>::from_data(TensorData::new(y, [indices.len(), width]), device);
    let predictions = model.forward_training(x, &mut SeededRng::new(job.masks));
    let squared_error = (predictions - y).powi_scalar(2).sum();
    let loss = squared_error.clone().div_scalar(batch_len as f64);
    Share {
        gradients: GradientsParams::from_grads(loss.backward(), model),
        squared_error: squared_error.detach(),
    }
}

/// A share's flat gradient (in [`flat_parameters`] order) and its summed squared error, read
/// back: what crosses between workers.
pub type FlatShare = (Vec<f32>, f64);

/// The trainer's fellow CPU workers, each with its own copy of the model. CPU backend only:
/// parameters and gradients are read synchronously.
#[allow(async_fn_in_trait)]
pub trait Helpers {
    /// Hands up to `wanted` helpers a fresh model (`shape`, flat `parameters`) and the examples
    /// of a training run; returns how many took it (0: the trainer computes every share).
    fn begin(
        &mut self,
        wanted: usize,
        shape: ModelShape,
        examples: Examples,
        parameters: &[f32],
    ) -> usize;
    /// Starts helper `helper` (below what `begin` returned) on `jobs` of a batch of `batch_len`.
    fn start(&mut self, helper: usize, jobs: &[ShareJob], batch_len: usize);
    /// Helper `helper`'s started jobs, in their order. An error means the helper is gone: the
    /// trainer computes its jobs itself and gives it no more.
    async fn finish(&mut self, helper: usize) -> Result<Vec<FlatShare>, TrainError>;
    /// The model's parameters changed (flat, in [`flat_parameters`] order).
    fn sync(&mut self, parameters: &[f32]);
    /// Starts helper `helper` on the recursive forecast of `steps` rows from each of `origins`,
    /// with the model as last synced: a piece of the bands' calibration.
    fn start_paths(&mut self, helper: usize, origins: &Origins, steps: usize);
    /// Those paths, scaled, one vector per step (see [`scaled_paths`]). An error means the
    /// helper is gone, as for [`finish`](Self::finish).
    async fn finish_paths(&mut self, helper: usize) -> Result<Vec<Vec<f32>>, TrainError>;
    /// Starts helper `helper` on a whole backtest fold, trained and tested there with
    /// `settings` (see [`fold_result`](super::backtest::fold_result)).
    fn start_fold(&mut self, helper: usize, fold: &Prepared, settings: &Settings);
    /// That fold's result (`None`: stopped before it had one). An error means the helper is
    /// gone, as for [`finish`](Self::finish).
    async fn finish_fold(&mut self, helper: usize) -> Result<Option<FoldResult>, TrainError>;
    /// Asks every helper to stop the fold it trains.
    fn stop_folds(&mut self);
}

/// No fellow workers: the trainer computes every share.
#[derive(Debug, Default)]
pub struct NoHelpers;

impl Helpers for NoHelpers {
    fn begin(&mut self, _: usize, _: ModelShape, _: Examples, _: &[f32]) -> usize {
        0
    }
    fn start(&mut self, _: usize, _: &[ShareJob], _: usize) {}
    async fn finish(&mut self, _: usize) -> Result<Vec<FlatShare>, TrainError> {
        Err(TrainError::Helper("internal error: no helper worker was started".into()))
    }
    fn sync(&mut self, _: &[f32]) {}
    fn start_paths(&mut self, _: usize, _: &Origins, _: usize) {}
    async fn finish_paths(&mut self, _: usize) -> Result<Vec<Vec<f32>>, TrainError> {
        Err(TrainError::Helper("internal error: no helper worker was started".into()))
    }
    fn start_fold(&mut self, _: usize, _: &Prepared, _: &Settings) {}
    async fn finish_fold(&mut self, _: usize) -> Result<Option<FoldResult>, TrainError> {
        Err(TrainError::Helper("internal error: no helper worker was started".into()))
    }
    fn stop_folds(&mut self) {}
}

/// A helper's side: its copy of the model and the run's examples.
#[derive(Clone)]
pub struct HelperModel {
    model: StackedLstm,
    series: Vec<f32>,
    window: usize,
    width: usize,
    device: Device,
}

impl HelperModel {
    /// A copy of the trainer's model (same `shape`, `parameters`) on the CPU with autodiff.
    pub fn new(shape: ModelShape, examples: Examples, parameters: &[f32]) -> Self {
        let device = Device::flex().autodiff();
        let model = with_flat_parameters(StackedLstm::new(shape, 0, &device), parameters);
        Self {
            model,
            series: examples.series.to_vec(),
            window: examples.window,
            width: examples.width,
            device,
        }
    }

    /// The flat gradient and squared error of each of `jobs`, shares of a batch of `batch_len`.
    pub fn gradients(&self, jobs: &[ShareJob], batch_len: usize) -> Vec<FlatShare> {
        let examples = Examples { series: &self.series, window: self.window, width: self.width };
        jobs.iter()
            .map(|job| flat_share(&self.model, examples, job, batch_len, &self.device))
            .collect()
    }

    /// Takes the trainer's parameters after an optimiser step.
    pub fn sync(&mut self, parameters: &[f32]) {
        self.model = with_flat_parameters(self.model.clone(), parameters);
    }

    /// The recursive forecast of `steps` rows from each of `origins`, scaled, by the model as
    /// last synced: the same numbers as the trainer's own [`scaled_paths`].
    pub async fn paths(&self, origins: Origins, steps: usize) -> Result<Vec<Vec<f32>>, TrainError> {
        let model = self.model.valid();
        Ok(scaled_paths(
            &model,
            origins,
            self.window,
            steps,
            &self.device.clone().without_autodiff(),
        )
        .await?)
    }
}

/// [`share_gradients`] read back flat: the same numbers whichever worker computes it.
pub fn flat_share(
    model: &StackedLstm,
    examples: Examples,
    job: &ShareJob,
    batch_len: usize,
    device: &Device,
) -> FlatShare {
    let share = share_gradients(model, examples, job, batch_len, device);
    (flat_gradients(model, &share.gradients), share.squared_error.into_scalar::<f32>() as f64)
}

/// The shares' gradients added in share order (the order fixes the rounding) and their squared
/// errors summed.
pub fn sum_shares(shares: &[FlatShare]) -> FlatShare {
    let mut total = vec![0.0f32; shares.first().map_or(0, |(g, _)| g.len())];
    let mut squared_error = 0.0;
    for (gradient, error) in shares {
        total.iter_mut().zip(gradient).for_each(|(t, g)| *t += g);
        squared_error += error;
    }
    (total, squared_error)
}

/// Every float parameter of `model` in visiting order, flattened into one vector.
pub fn flat_parameters(model: &StackedLstm) -> Vec<f32> {
    struct Collect(Vec<f32>);
    impl ModuleVisitor for Collect {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            self.0.extend(values(param.val()));
        }
    }
    let mut collect = Collect(Vec::new());
    model.visit(&mut collect);
    collect.0
}

/// `gradients` for every parameter of `model`, flattened in [`flat_parameters`] order (zeros for
/// a parameter without one).
pub fn flat_gradients(model: &StackedLstm, gradients: &GradientsParams) -> Vec<f32> {
    struct Collect<'a>(&'a GradientsParams, Vec<f32>);
    impl ModuleVisitor for Collect<'_> {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            match self.0.get::<D>(param.id) {
                Some(grad) => self.1.extend(values(grad)),
                None => self.1.extend(std::iter::repeat_n(0.0, param.val().shape().num_elements())),
            }
        }
    }
    let mut collect = Collect(gradients, Vec::new());
    model.visit(&mut collect);
    collect.1
}

/// A flat gradient (in [`flat_parameters`] order) as the optimiser takes it.
pub fn gradients_from_flat(model: &StackedLstm, flat: &[f32]) -> GradientsParams {
    struct Register<'a> {
        gradients: GradientsParams,
        flat: &'a [f32],
    }
    impl ModuleVisitor for Register<'_> {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            let value = param.val();
            let (shape, device) = (value.shape(), value.device().without_autodiff());
            let (own, rest) = self.flat.split_at(shape.num_elements());
            self.flat = rest;
            let gradient = TensorData::new(own.to_vec(), shape);
            self.gradients.register(param.id, Tensor::<D>::from_data(gradient, &device));
        }
    }
    let mut register = Register { gradients: GradientsParams::new(), flat };
    model.visit(&mut register);
    register.gradients
}

/// `model` with its parameters replaced by `flat` (in [`flat_parameters`] order).
pub fn with_flat_parameters(model: StackedLstm, flat: &[f32]) -> StackedLstm {
    struct Load<'a>(&'a [f32]);
    impl ModuleMapper for Load<'_> {
        fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
            param.map(|old| {
                let (shape, device) = (old.shape(), old.device());
                let (own, rest) = self.0.split_at(shape.num_elements());
                self.0 = rest;
                Tensor::from_data(TensorData::new(own.to_vec(), shape), &device).require_grad()
            })
        }
    }
    model.map(&mut Load(flat))
}

fn values<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
    tensor
        .into_data()
        .convert::<f32>()
        .try_into_vec::<f32>()
        .expect("parameters are f32 after convert")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(seed: u64, dropout: f64) -> StackedLstm {
        let shape = ModelShape { features: 1, layers: 2, units: 6, dropout, predict_change: true };
        StackedLstm::new(shape, seed, &Device::flex().autodiff())
    }

    /// Ten examples of window 8.
    fn series() -> Vec<f32> {
        (0..18).map(|i| ((i * 37 % 23) as f32 / 23.0).sin()).collect()
    }

    #[test]
    fn a_batch_splits_into_at_most_eight_shares_in_order() {
        let batch: Vec<usize> = (100..120).collect();
        let shares = split_batch(&batch, 1, 2, 3);
        assert_eq!(shares.len(), SHARES);
        let lengths: Vec<usize> = shares.iter().map(|s| s.indices.len()).collect();
        assert_eq!(lengths, [2, 3, 2, 3, 2, 3, 2, 3]);
        assert_eq!(shares.iter().flat_map(|s| s.indices.clone()).collect::<Vec<_>>(), batch);
        assert_eq!(split_batch(&batch[..3], 1, 2, 3).len(), 3, "one share per window at most");
        assert_eq!(split_batch(&batch, 1, 2, 3), shares, "the same masks for the same batch");
        let masks = |seed, epoch, number| split_batch(&batch, seed, epoch, number)[0].masks;
        let others = [masks(2, 2, 3), masks(1, 3, 3), masks(1, 2, 4), shares[1].masks];
        assert!(
            others.iter().all(|m| *m != shares[0].masks),
            "seed, epoch, batch, share all count"
        );
    }

    /// With and without dropout: the shares of a batch, computed apart and added in order, are
    /// its gradient (to rounding), and the same share gives the same bits twice.
    #[test]
    fn shares_add_up_to_the_whole_batch() {
        let device = Device::flex().autodiff();
        let series = series();
        let examples = Examples { series: &series, window: 8, width: 1 };
        assert_eq!(examples.len(), 10);
        let batch = [3, 7, 1, 9, 0];
        let plain = model(5, 0.0);
        let whole = ShareJob { indices: batch.to_vec(), masks: 0 };
        let (whole_flat, whole_error) = flat_share(&plain, examples, &whole, batch.len(), &device);
        let shares: Vec<FlatShare> = split_batch(&batch, 5, 1, 1)
            .iter()
            .map(|job| flat_share(&plain, examples, job, batch.len(), &device))
            .collect();
        assert_eq!(shares.len(), 5);
        let (summed, summed_error) = sum_shares(&shares);
        assert!((whole_error - summed_error).abs() < 1e-5, "squared errors add up");
        assert_eq!(whole_flat.len(), flat_parameters(&plain).len());
        assert!(whole_flat.iter().any(|g| g.abs() > 1e-4), "a real gradient");
        for (i, (a, b)) in whole_flat.iter().zip(&summed).enumerate() {
            assert!((a - b).abs() <= 1e-6 + 1e-4 * a.abs(), "gradient {i}: whole {a}, shares {b}");
        }
        let dropped = model(5, 0.5);
        let job = &split_batch(&batch, 5, 1, 1)[0];
        let twice = [0, 1].map(|_| flat_share(&dropped, examples, job, batch.len(), &device).0);
        assert_eq!(twice[0], twice[1], "a share's masks are fixed by its seed");
        let other = ShareJob { masks: job.masks + 1, ..job.clone() };
        assert_ne!(flat_share(&dropped, examples, &other, batch.len(), &device).0, twice[0]);
    }

    #[test]
    fn parameters_and_gradients_round_trip_through_flat_vectors() {
        let (source, target) = (model(1, 0.0), model(2, 0.0));
        let flat = flat_parameters(&source);
        assert_ne!(flat, flat_parameters(&target));
        let loaded = with_flat_parameters(target, &flat);
        assert_eq!(flat_parameters(&loaded), flat);
        // Still trainable: the loaded parameters get gradients.
        let job = ShareJob { indices: vec![0, 1], masks: 0 };
        let examples = Examples { series: &series(), window: 8, width: 1 };
        let (gradient, _) = flat_share(&loaded, examples, &job, 2, &Device::flex().autodiff());
        assert!(gradient.iter().any(|g| *g != 0.0));
        let registered = gradients_from_flat(&loaded, &gradient);
        assert_eq!(flat_gradients(&loaded, &registered), gradient);
    }
}
