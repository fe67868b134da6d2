//! The training loop: Adam on MSE over shuffled mini-batches, cooperative so a browser worker
//! can report progress and honour Stop between batches.

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams};
use burn::tensor::{Device, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use super::rng::SeededRng;
use super::settings::Settings;
use crate::data::windows::Prepared;
use crate::model::predict::predict;
use crate::model::StackedLstm;

/// Mixed into the seed for batch order, so it is not the same stream as the initial weights.
const SHUFFLE_SALT: u64 = 0x0005_EED0_FBA7_C4E5;

/// What the trainer tells its host after each epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochReport {
    pub epoch: usize,
    pub epochs: usize,
    /// Mean squared error on the scaled training targets.
    pub train_loss: f64,
    /// Mean squared error on the scaled test targets.
    pub val_loss: f64,
    /// `(i, k)` while fold i of a k-fold backtest trains; `None` for the main run.
    pub fold: Option<(usize, usize)>,
}

/// Why training ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StopReason {
    Finished,
    /// The person pressed Stop; the model trained so far is kept.
    Stopped,
}

/// Where the training loop runs: a browser worker or a test.
#[allow(async_fn_in_trait)]
pub trait TrainingHost {
    fn report(&mut self, epoch: &EpochReport);
    fn stop_requested(&self) -> bool;
    /// Gives the event loop a turn between batches (so a Stop message can arrive).
    async fn pause(&mut self);
}

/// The outcome of a training loop.
pub struct Trained {
    /// Inference copy of the model (no autodiff).
    pub model: StackedLstm,
    pub epochs_done: usize,
    pub stop: StopReason,
}

/// Trains a fresh model on `data` with `settings` on an autodiff `device`.
///
/// Fails if the loss stops being finite, naming the epoch and suggesting a lower learning rate.
pub async fn train(device: &Device, data: &Prepared, settings: &Settings, host: &mut impl TrainingHost) -> Result<Trained, String> {
    device.seed(settings.seed);
    let mut model = StackedLstm::new(settings.model_shape(), settings.seed, device);
    let mut optimizer = AdamConfig::new().with_epsilon(1e-7).init();
    let inference_device = device.clone().without_autodiff();
    let window = data.window;
    let inputs = data.inputs(data.train_targets());
    let targets = data.targets(data.train_targets());
    let val_inputs = data.inputs(data.test_targets());
    let val_targets = data.targets(data.test_targets());
    let mut order: Vec<usize> = (0..targets.len()).collect();
    let mut rng = SeededRng::new(settings.seed ^ SHUFFLE_SALT);
    let mut stop = StopReason::Finished;
    let mut epochs_done = 0;

    for epoch in 1..=settings.epochs {
        rng.shuffle(&mut order);
        let mut loss_sum = Tensor::<1>::zeros([1], device);
        let mut seen = 0;
        for batch in order.chunks(settings.batch) {
            seen += batch.len();
            let x: Vec<f32> = batch.iter().flat_map(|&i| inputs[i * window..(i + 1) * window].iter().copied()).collect();
            let y: Vec<f32> = batch.iter().map(|&i| targets[i]).collect();
            let x = Tensor::<3>::from_data(TensorData::new(x, [batch.len(), window, 1]), device);
            let y = Tensor::<2>::from_data(TensorData::new(y, [batch.len(), 1]), device);
            let loss = (model.forward(x) - y).powi_scalar(2).mean();
            loss_sum = loss_sum + loss.clone().detach().mul_scalar(batch.len() as f64);
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            model = optimizer.step(settings.lr, model, grads);
            if host.stop_requested() {
                stop = StopReason::Stopped;
                break;
            }
            host.pause().await;
        }
        let train_loss = loss_sum.into_scalar_async::<f32>().await.map_err(|e| format!("reading the loss failed: {e:?}"))? as f64
            / seen as f64;
        check_finite(train_loss, epoch, settings.lr)?;
        let predictions = predict(&model.valid(), &val_inputs, window, &inference_device).await?;
        let val_loss = mse(&predictions, &val_targets);
        epochs_done = epoch;
        host.report(&EpochReport { epoch, epochs: settings.epochs, train_loss, val_loss, fold: None });
        if stop == StopReason::Stopped {
            break;
        }
    }
    Ok(Trained { model: model.valid(), epochs_done, stop })
}

/// Turns a non-finite loss into the message the page shows.
fn check_finite(loss: f64, epoch: usize, lr: f64) -> Result<(), String> {
    if loss.is_finite() {
        return Ok(());
    }
    Err(format!("training diverged: the loss became {loss} in epoch {epoch}; try a lower learning rate (now {lr})"))
}

fn mse(predicted: &[f32], actual: &[f32]) -> f64 {
    predicted.iter().zip(actual).map(|(p, a)| ((p - a) as f64).powi(2)).sum::<f64>() / actual.len() as f64
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::data::windows::Scaling;

    /// A host that records reports and asks to stop after `stop_after` batches.
    #[derive(Default)]
    pub(crate) struct RecordingHost {
        pub reports: Vec<EpochReport>,
        pub batches: usize,
        pub stop_after: Option<usize>,
    }

    impl TrainingHost for RecordingHost {
        fn report(&mut self, epoch: &EpochReport) {
            self.reports.push(epoch.clone());
        }
        fn stop_requested(&self) -> bool {
            self.stop_after.is_some_and(|n| self.batches >= n)
        }
        async fn pause(&mut self) {
            self.batches += 1;
        }
    }

    pub(crate) fn sine_prices(n: usize) -> Vec<f64> {
        (0..n).map(|i| 100.0 + 10.0 * (i as f64 / 6.0).sin() + i as f64 * 0.1).collect()
    }

    pub(crate) fn small_settings() -> Settings {
        Settings { window: 12, layers: 2, units: 8, epochs: 8, batch: 16, lr: 0.01, ..Settings::default() }
    }

    #[test]
    fn loss_decreases_on_a_learnable_series() {
        let data = Prepared::new(&sine_prices(200), 12, 75, Scaling::TrainOnly).unwrap();
        let mut host = RecordingHost::default();
        let trained = pollster::block_on(train(&Device::flex().autodiff(), &data, &small_settings(), &mut host)).unwrap();
        assert_eq!(trained.epochs_done, 8);
        assert_eq!(trained.stop, StopReason::Finished);
        let losses: Vec<f64> = host.reports.iter().map(|r| r.train_loss).collect();
        assert_eq!(losses.len(), 8);
        assert!(losses[7] < losses[0] * 0.5, "loss should fall: {losses:?}");
        assert!(host.reports.iter().all(|r| r.val_loss.is_finite()));
    }

    #[test]
    fn stop_keeps_the_model_trained_so_far() {
        let data = Prepared::new(&sine_prices(200), 12, 75, Scaling::TrainOnly).unwrap();
        let mut host = RecordingHost { stop_after: Some(12), ..Default::default() };
        let trained = pollster::block_on(train(&Device::flex().autodiff(), &data, &small_settings(), &mut host)).unwrap();
        assert_eq!(trained.stop, StopReason::Stopped);
        assert_eq!(trained.epochs_done, 2, "9 batches per epoch: stop lands in epoch 2");
        assert_eq!(host.reports.len(), 2);
    }

    #[test]
    fn a_non_finite_loss_stops_training_with_advice() {
        assert_eq!(check_finite(0.5, 3, 0.1), Ok(()));
        let message = check_finite(f64::NAN, 3, 0.1).unwrap_err();
        assert_eq!(message, "training diverged: the loss became NaN in epoch 3; try a lower learning rate (now 0.1)");
        assert!(check_finite(f64::INFINITY, 1, 0.1).is_err());
    }
}
