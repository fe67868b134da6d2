//! The training loop: Adam on MSE over shuffled mini-batches, cooperative so a browser worker
//! can report progress and honour Stop between batches.

use burn::module::Module;
use burn::optim::ModuleOptimizer;
use burn::tensor::{Device, Tensor};

use super::adam::FusedAdam;
use super::error::TrainError;
pub use super::host::TrainingHost;
use super::report::{BatchProgress, EpochReport, Launches, StopReason};
use super::settings::Settings;
use super::shares::{
    Examples, Helper, add_flat_gradients, flat_gradients, flat_parameters, share_gradients,
};
use crate::data::windows::Prepared;
use crate::model::error::ModelError;
use crate::model::predict::predict;
use crate::model::{StackedLstm, is_cpu};
use crate::rng::SeededRng;

/// Mixed into the seed for batch order, so it is not the same stream as the initial weights.
const SHUFFLE_SALT: u64 = 0x0005_EED0_FBA7_C4E5;

/// The outcome of a training loop.
pub struct Trained {
    /// Inference copy of the model (no autodiff).
    pub model: StackedLstm,
    pub epochs_done: usize,
    pub stop: StopReason,
}

/// What trains a model: its optimiser and the examples its batches are cut from.
struct Learner<'a> {
    optimizer: ModuleOptimizer,
    examples: Examples<'a>,
    device: Device,
    lr: f64,
    /// On the CPU every batch is two shares (see [shares](super::shares)) ...
    in_shares: bool,
    /// ... the second computed by the host's helper when it has one.
    helped: bool,
}

impl<'a> Learner<'a> {
    /// A fresh model for `settings` on an autodiff `device` and what trains it; the host's
    /// helper (if any) gets a copy of the model.
    fn new(
        device: &Device,
        data: &'a Prepared,
        settings: &Settings,
        host: &mut impl TrainingHost,
    ) -> (StackedLstm, Self) {
        device.seed(settings.seed);
        let model = StackedLstm::new(settings.model_shape(), settings.seed, device);
        let examples = Examples {
            series: &data.scaled[..data.fit_end() * data.width()],
            window: data.window,
            width: data.width(),
        };
        let in_shares = is_cpu(device);
        // Dropout masks come from each worker's own random stream: with dropout the trainer
        // computes both shares, so a seed gives the same run on one core or two.
        let helped = in_shares
            && settings.dropout == 0.0
            && host.helper().begin(settings.model_shape(), examples, &flat_parameters(&model));
        let optimizer = FusedAdam::init();
        (
            model,
            Self {
                optimizer,
                examples,
                device: device.clone(),
                lr: settings.lr,
                in_shares,
                helped,
            },
        )
    }

    /// One optimiser step of `model` on the examples `batch`; returns the stepped model and the
    /// batch's summed squared error (on WebGPU not yet read back, so that batches queue without
    /// waiting for each other).
    async fn step(
        &mut self,
        model: StackedLstm,
        batch: &[usize],
        host: &mut impl TrainingHost,
    ) -> Result<(StackedLstm, Tensor<1>), TrainError> {
        let (examples, device) = (self.examples, &self.device);
        let (gradients, squared_error) = if self.in_shares {
            let (first, second) = batch.split_at(batch.len().div_ceil(2));
            let remote = self.helped && !second.is_empty();
            if remote {
                host.helper().start(second, batch.len());
            }
            let mine = share_gradients(&model, examples, first, batch.len(), device);
            let mut error = read_scalar(mine.squared_error).await?;
            let (other, other_error) = match (second.is_empty(), remote) {
                (true, _) => (Vec::new(), 0.0),
                (false, true) => host.helper().finish().await?,
                (false, false) => {
                    let share = share_gradients(&model, examples, second, batch.len(), device);
                    (
                        flat_gradients(&model, &share.gradients),
                        read_scalar(share.squared_error).await?,
                    )
                }
            };
            error += other_error;
            let gradients = if other.is_empty() {
                mine.gradients
            } else {
                add_flat_gradients(&model, mine.gradients, &other)
            };
            (gradients, Tensor::<1>::zeros([1], device).add_scalar(error))
        } else {
            let whole = share_gradients(&model, examples, batch, batch.len(), device);
            (whole.gradients, whole.squared_error)
        };
        let model = self.optimizer.step(self.lr, model, gradients);
        if self.helped {
            host.helper().sync(&flat_parameters(&model));
        }
        Ok((model, squared_error))
    }
}

/// Trains a fresh model on `data` with `settings` on an autodiff `device`.
///
/// On the CPU every batch is computed as two shares (see [shares](super::shares)), the second by the host's
/// helper when it has one; on WebGPU a batch is one pass. Fails if the loss stops being finite,
/// naming the epoch and suggesting a lower learning rate.
pub async fn train(
    device: &Device,
    data: &Prepared,
    settings: &Settings,
    host: &mut impl TrainingHost,
) -> Result<Trained, TrainError> {
    let (mut model, mut learner) = Learner::new(device, data, settings, host);
    let inference_device = device.clone().without_autodiff();
    let val_inputs = data.inputs(data.test_targets());
    let val_targets = data.targets(data.test_targets());
    let mut order: Vec<usize> = (0..learner.examples.len()).collect();
    let mut rng = SeededRng::new(settings.seed ^ SHUFFLE_SALT);
    let mut stop = StopReason::Finished;
    let mut epochs_done = 0;

    for epoch in 1..=settings.epochs {
        rng.shuffle(&mut order);
        let mut squared_error = Tensor::<1>::zeros([1], device);
        let mut seen = 0;
        let epoch_start = host.launches();
        let mut batch_launches = Vec::new();
        let batches = order.len().div_ceil(settings.batch);
        for (done, batch) in order.chunks(settings.batch).enumerate() {
            seen += batch.len();
            let batch_start = host.launches();
            let (stepped, error) = learner.step(model, batch, host).await?;
            (model, squared_error) = (stepped, squared_error + error);
            if let (Some(start), Some(end)) = (batch_start, host.launches()) {
                batch_launches.push(end - start);
            }
            host.progress(&BatchProgress {
                epoch,
                epochs: settings.epochs,
                batch: done + 1,
                batches,
                fold: None,
            });
            if host.stop_requested() {
                stop = StopReason::Stopped;
                break;
            }
            host.pause().await;
        }
        let train_loss = read_scalar(squared_error).await? / (seen * data.width()) as f64;
        check_finite(train_loss, epoch, settings.lr)?;
        let predictions =
            predict(&model.valid(), &val_inputs, data.window, &inference_device).await?;
        let val_loss = mse(&predictions, &val_targets);
        epochs_done = epoch;
        let launches = epoch_start.zip(host.launches()).map(|(start, end)| Launches {
            per_batch: median(&mut batch_launches),
            per_epoch: end - start,
        });
        host.report(&EpochReport {
            epoch,
            epochs: settings.epochs,
            train_loss,
            val_loss,
            fold: None,
            launches,
        });
        if stop == StopReason::Stopped {
            break;
        }
    }
    Ok(Trained { model: model.valid(), epochs_done, stop })
}

/// Seconds per training batch of `settings`' shape on `device`, for choosing a backend: one
/// warm-up batch (shader compilation, first allocations) untimed, then `batches` timed, their
/// error read back so that queued GPU work is inside the time. `clock` gives milliseconds.
pub async fn seconds_per_batch(
    device: &Device,
    data: &Prepared,
    settings: &Settings,
    host: &mut impl TrainingHost,
    batches: usize,
    clock: impl Fn() -> f64,
) -> Result<f64, TrainError> {
    let (mut model, mut learner) = Learner::new(device, data, settings, host);
    let all: Vec<usize> = (0..learner.examples.len()).collect();
    if all.is_empty() {
        return Err(TrainError::NothingToTime);
    }
    let mut chunks = all.chunks(settings.batch).cycle();
    let mut error;
    (model, error) = learner.step(model, chunks.next().unwrap_or_default(), host).await?;
    read_scalar(error).await?;
    let started = clock();
    let mut squared_error = Tensor::<1>::zeros([1], device);
    for _ in 0..batches {
        (model, error) = learner.step(model, chunks.next().unwrap_or_default(), host).await?;
        squared_error = squared_error + error;
    }
    read_scalar(squared_error).await?;
    Ok((clock() - started) / 1000.0 / batches.max(1) as f64)
}

async fn read_scalar(value: Tensor<1>) -> Result<f64, TrainError> {
    Ok(value.into_scalar_async::<f32>().await.map_err(|e| ModelError::readback("the loss", e))?
        as f64)
}

/// Turns a non-finite loss into the message the page shows.
fn check_finite(loss: f64, epoch: usize, lr: f64) -> Result<(), TrainError> {
    if loss.is_finite() {
        return Ok(());
    }
    Err(TrainError::Diverged { loss, epoch, lr })
}

/// The middle value (the upper one of an even count), 0 for none.
fn median(values: &mut [u64]) -> u64 {
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or(0)
}

fn mse(predicted: &[f32], actual: &[f32]) -> f64 {
    predicted.iter().zip(actual).map(|(p, a)| ((p - a) as f64).powi(2)).sum::<f64>()
        / actual.len() as f64
}

#[cfg(test)]
mod tests;
