//! The training loop: Adam on MSE over shuffled mini-batches, cooperative so a browser worker
//! can report progress and honour Stop between batches.

use burn::module::Module;
use burn::optim::ModuleOptimizer;
use burn::tensor::{Device, Tensor};

use super::adam::FusedAdam;
use super::error::TrainError;
pub use super::host::TrainingHost;
use super::report::{BatchProgress, EarlyStop, EpochReport, Launches, StopReason};
use super::settings::Settings;
use super::shares::{
    Examples, FlatShare, Helpers, ShareJob, flat_parameters, flat_share, gradients_from_flat,
    share_gradients, split_batch, sum_shares,
};
use crate::data::windows::Prepared;
use crate::model::error::ModelError;
use crate::model::predict::predict;
use crate::model::{StackedLstm, is_cpu};
use crate::rng::SeededRng;
use early::EarlyStopping;

mod early;

/// Mixed into the seed for batch order, so it is not the same stream as the initial weights.
const SHUFFLE_SALT: u64 = 0x0005_EED0_FBA7_C4E5;

/// The outcome of a training loop.
pub struct Trained {
    /// Inference copy of the model (no autodiff).
    pub model: StackedLstm,
    pub epochs_done: usize,
    pub stop: StopReason,
    /// What early stopping did, with `patience=`.
    pub early_stop: Option<EarlyStop>,
    /// The host's helpers still working at the end, holding the trained weights: they share
    /// the bands' calibration.
    pub helpers: Vec<usize>,
}

/// What trains a model: its optimiser and the examples its batches are cut from.
struct Learner<'a> {
    optimizer: ModuleOptimizer,
    examples: Examples<'a>,
    device: Device,
    lr: f64,
    /// Seeds each batch share's dropout masks.
    seed: u64,
    /// On the CPU every batch is [`SHARES`](super::shares::SHARES) shares ...
    in_shares: bool,
    /// ... spread over the trainer and these of the host's helpers (the ones still working).
    helpers: Vec<usize>,
}

impl<'a> Learner<'a> {
    /// A fresh model for `settings` on an autodiff `device` and what trains it; on the CPU the
    /// host's helpers (as many as `settings.workers` asks for, less the trainer) get a copy of it.
    fn new(
        device: &Device,
        data: &'a Prepared,
        settings: &Settings,
        host: &mut impl TrainingHost,
    ) -> (StackedLstm, Self) {
        let model = StackedLstm::new(settings.model_shape(), settings.seed, device);
        let examples = Examples {
            series: &data.scaled[..data.fit_end * data.width()],
            window: data.window,
            width: data.width(),
        };
        let in_shares = is_cpu(device);
        // One worker asks nothing of the helpers (a backtest's other folds may be using them).
        let wanted = settings.workers.map_or(usize::MAX, |workers| workers - 1);
        let helpers = if in_shares && wanted > 0 {
            let parameters = flat_parameters(&model);
            (0..host.helpers().begin(wanted, settings.model_shape(), examples, &parameters))
                .collect()
        } else {
            Vec::new()
        };
        let optimizer = FusedAdam::init();
        (
            model,
            Self {
                optimizer,
                examples,
                device: device.clone(),
                lr: settings.lr,
                seed: settings.seed,
                in_shares,
                helpers,
            },
        )
    }

    /// One optimiser step of `model` on the examples `batch`, batch number `number` of `epoch`;
    /// returns the stepped model and the batch's summed squared error (on WebGPU not yet read
    /// back, so that batches queue without waiting for each other).
    async fn step(
        &mut self,
        model: StackedLstm,
        batch: &[usize],
        (epoch, number): (usize, usize),
        host: &mut impl TrainingHost,
    ) -> Result<(StackedLstm, Tensor<1>), TrainError> {
        let jobs = split_batch(batch, self.seed, epoch, number);
        let (gradients, squared_error) = if self.in_shares {
            let (gradient, error) = self.shares(&model, &jobs, batch.len(), host).await?;
            (
                gradients_from_flat(&model, &gradient),
                Tensor::<1>::zeros([1], &self.device).add_scalar(error),
            )
        } else {
            // One pass on WebGPU, its dropout masks the first share's stream.
            let masks = jobs.first().map_or(0, |job| job.masks);
            let whole = ShareJob { indices: batch.to_vec(), masks };
            let share = share_gradients(&model, self.examples, &whole, batch.len(), &self.device);
            (share.gradients, share.squared_error)
        };
        let model = self.optimizer.step(self.lr, model, gradients);
        if !self.helpers.is_empty() {
            host.helpers().sync(&flat_parameters(&model));
        }
        Ok((model, squared_error))
    }

    /// The batch's shares `jobs` (of `batch_len` windows) summed in share order: share `s`
    /// computed by worker `s mod workers`, the trainer being worker 0. A helper that fails is
    /// dropped for the rest of the run and its shares computed here, the host told once.
    async fn shares(
        &mut self,
        model: &StackedLstm,
        jobs: &[ShareJob],
        batch_len: usize,
        host: &mut impl TrainingHost,
    ) -> Result<FlatShare, TrainError> {
        let workers = 1 + self.helpers.len();
        let numbers = |worker: usize| (worker..jobs.len()).step_by(workers);
        let picked = |worker: usize| numbers(worker).map(|s| jobs[s].clone()).collect::<Vec<_>>();
        for (i, &helper) in self.helpers.iter().enumerate() {
            let mine = picked(i + 1);
            if !mine.is_empty() {
                host.helpers().start(helper, &mine, batch_len);
            }
        }
        let compute =
            |job: &ShareJob| flat_share(model, self.examples, job, batch_len, &self.device);
        let mut shares: Vec<Option<FlatShare>> = vec![None; jobs.len()];
        for s in numbers(0) {
            shares[s] = Some(compute(&jobs[s]));
        }
        for (i, helper) in self.helpers.clone().into_iter().enumerate() {
            let theirs: Vec<usize> = numbers(i + 1).collect();
            if theirs.is_empty() {
                continue;
            }
            match host.helpers().finish(helper).await {
                Ok(done) => theirs.iter().zip(done).for_each(|(&s, share)| shares[s] = Some(share)),
                Err(error) => {
                    self.helpers.retain(|h| *h != helper);
                    host.worker_lost(1 + self.helpers.len(), &error);
                    theirs.iter().for_each(|&s| shares[s] = Some(compute(&jobs[s])));
                }
            }
        }
        Ok(sum_shares(&shares.into_iter().flatten().collect::<Vec<_>>()))
    }
}

/// Trains a fresh model on `data` with `settings` on an autodiff `device`.
///
/// On the CPU every batch is computed as shares (see [shares](super::shares)), spread over the
/// trainer and the host's helpers; on WebGPU a batch is one pass. The loss on the validation
/// block is reported after each epoch; with `patience` it stops training once it has not
/// improved for that many epochs, and the model returned is the best epoch's (the helpers
/// given its weights). Fails if the loss stops being finite, naming the epoch and suggesting a
/// lower learning rate.
pub async fn train(
    device: &Device,
    data: &Prepared,
    settings: &Settings,
    host: &mut impl TrainingHost,
) -> Result<Trained, TrainError> {
    let (mut model, mut learner) = Learner::new(device, data, settings, host);
    let inference_device = device.clone().without_autodiff();
    let validation = data.validation_targets();
    let val_inputs = data.inputs(validation.clone());
    let val_targets = data.targets(validation.clone());
    let mut early = settings.patience.filter(|_| !validation.is_empty()).map(EarlyStopping::new);
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
            let (stepped, error) = learner.step(model, batch, (epoch, done), host).await?;
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
        let val_loss = if validation.is_empty() {
            None
        } else {
            let model = model.valid();
            Some(mse(
                &predict(&model, &val_inputs, data.window, &inference_device).await?,
                &val_targets,
            ))
        };
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
        if let (Some(early), Some(loss)) = (early.as_mut(), val_loss)
            && early.should_stop(epoch, loss, &model)
        {
            stop = StopReason::EarlyStopped;
            break;
        }
    }
    let (model, early_stop) = match early {
        Some(early) => early.finish(model, epochs_done, settings.epochs),
        None => (model, None),
    };
    if early_stop.is_some() && !learner.helpers.is_empty() {
        host.helpers().sync(&flat_parameters(&model));
    }
    Ok(Trained { model: model.valid(), epochs_done, stop, early_stop, helpers: learner.helpers })
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
    (model, error) = learner.step(model, chunks.next().unwrap_or_default(), (0, 0), host).await?;
    read_scalar(error).await?;
    let started = clock();
    let mut squared_error = Tensor::<1>::zeros([1], device);
    for number in 1..=batches {
        (model, error) =
            learner.step(model, chunks.next().unwrap_or_default(), (0, number), host).await?;
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
