//! The training loop's tests: learning, the helper giving the same run, stopping, timing
//! batches, counting launches, a diverging loss.
use super::*;
use crate::data::windows::Scaling;
use crate::testutil::{RecordingHost, sine_prices, small_settings};
use crate::training::shares::{HelperModel, NoHelper};

#[test]
fn loss_decreases_on_a_learnable_series() {
    let data = Prepared::new(&sine_prices(200), 12, 75, Scaling::TrainOnly).unwrap();
    let mut host = RecordingHost::<NoHelper>::default();
    let trained =
        pollster::block_on(train(&Device::flex().autodiff(), &data, &small_settings(), &mut host))
            .unwrap();
    assert_eq!(trained.epochs_done, 8);
    assert_eq!(trained.stop, StopReason::Finished);
    let losses: Vec<f64> = host.reports.iter().map(|r| r.train_loss).collect();
    assert_eq!(losses.len(), 8);
    assert!(losses[7] < losses[0] * 0.5, "loss should fall: {losses:?}");
    assert!(host.reports.iter().all(|r| r.val_loss.is_finite()));
}

/// A helper in the same thread, doing what the browser's second worker does.
#[derive(Default)]
pub(crate) struct InProcessHelper {
    model: Option<HelperModel>,
    started: Option<(Vec<usize>, usize)>,
    pub shares: usize,
}

impl Helper for InProcessHelper {
    fn begin(
        &mut self,
        shape: crate::model::ModelShape,
        examples: Examples,
        parameters: &[f32],
    ) -> bool {
        self.model = Some(HelperModel::new(shape, examples, parameters));
        true
    }
    fn start(&mut self, indices: &[usize], batch_len: usize) {
        self.started = Some((indices.to_vec(), batch_len));
    }
    async fn finish(&mut self) -> Result<(Vec<f32>, f64), TrainError> {
        let out_of_turn = |what: &str| TrainError::Helper(what.to_string());
        let (indices, batch_len) =
            self.started.take().ok_or_else(|| out_of_turn("finish before start"))?;
        self.shares += 1;
        let model = self.model.as_ref().ok_or_else(|| out_of_turn("finish before begin"))?;
        Ok(model.gradients(&indices, batch_len))
    }
    fn sync(&mut self, parameters: &[f32]) {
        self.model.as_mut().expect("sync after begin").sync(parameters);
    }
}

/// A second worker changes nothing in the numbers: the same losses and weights, bit for bit,
/// as computing both shares of every batch in one place.
#[test]
fn a_helper_gives_the_same_run_as_none() {
    let data = Prepared::new(&sine_prices(120), 12, 75, Scaling::TrainOnly).unwrap();
    let settings = Settings { epochs: 3, ..small_settings() };
    let device = Device::flex().autodiff();
    let mut alone = RecordingHost::<NoHelper>::default();
    let alone_model =
        pollster::block_on(train(&device, &data, &settings, &mut alone)).unwrap().model;
    let mut helped = RecordingHost::<InProcessHelper>::default();
    let helped_model =
        pollster::block_on(train(&device, &data, &settings, &mut helped)).unwrap().model;
    assert_eq!(
        helped.helper.shares,
        3 * 4,
        "4 batches of up to 16 (60 fitted windows) in 3 epochs, each with a second share"
    );
    assert_eq!(alone.reports, helped.reports);
    assert_eq!(flat_parameters(&alone_model), flat_parameters(&helped_model));
}

#[test]
fn stop_keeps_the_model_trained_so_far() {
    let data = Prepared::new(&sine_prices(200), 12, 75, Scaling::TrainOnly).unwrap();
    let mut host = RecordingHost::<NoHelper> { stop_after: Some(12), ..Default::default() };
    let trained =
        pollster::block_on(train(&Device::flex().autodiff(), &data, &small_settings(), &mut host))
            .unwrap();
    assert_eq!(trained.stop, StopReason::Stopped);
    assert_eq!(
        trained.epochs_done, 2,
        "7 batches per epoch (108 fitted windows): stop lands in epoch 2"
    );
    assert_eq!(host.reports.len(), 2);
}

/// Timing batches warms up once, then reads the clock around the timed batches only.
#[test]
fn batches_are_timed_after_a_warm_up() {
    let data = Prepared::new(&sine_prices(200), 12, 75, Scaling::TrainOnly).unwrap();
    let reads = std::cell::Cell::new(0.0);
    let clock = || {
        reads.set(reads.get() + 1.0);
        1000.0 * reads.get()
    };
    let mut host = RecordingHost::<NoHelper>::default();
    let seconds = pollster::block_on(seconds_per_batch(
        &Device::flex().autodiff(),
        &data,
        &small_settings(),
        &mut host,
        4,
        clock,
    ))
    .unwrap();
    assert_eq!(reads.get(), 2.0, "the clock is read before and after the timed batches");
    assert_eq!(seconds, 0.25, "one second over four batches");
    let mut helped = RecordingHost::<InProcessHelper>::default();
    pollster::block_on(seconds_per_batch(
        &Device::flex().autodiff(),
        &data,
        &small_settings(),
        &mut helped,
        2,
        || 0.0,
    ))
    .unwrap();
    assert_eq!(helped.helper.shares, 3, "the CPU is timed with its second worker, as it trains");
}

/// Launch counts reach the report only where the host counts them.
#[test]
fn launches_are_reported_where_the_host_counts_them() {
    let data = Prepared::new(&sine_prices(60), 12, 75, Scaling::TrainOnly).unwrap();
    let settings = Settings { epochs: 1, ..small_settings() };
    let device = Device::flex().autodiff();
    let mut uncounted = RecordingHost::<NoHelper>::default();
    pollster::block_on(train(&device, &data, &settings, &mut uncounted)).unwrap();
    assert_eq!(uncounted.reports[0].launches, None);
    let mut counted = RecordingHost::<NoHelper> { launches: Some(7), ..Default::default() };
    pollster::block_on(train(&device, &data, &settings, &mut counted)).unwrap();
    assert_eq!(
        counted.reports[0].launches,
        Some(Launches { per_batch: 0, per_epoch: 0 }),
        "the CPU launches no kernels"
    );
    assert_eq!(median(&mut [9, 1, 5, 5]), 5);
    assert_eq!(median(&mut [3]), 3);
    assert_eq!(median(&mut []), 0);
}

#[test]
fn a_non_finite_loss_stops_training_with_advice() {
    assert_eq!(check_finite(0.5, 3, 0.1), Ok(()));
    let error = check_finite(f64::NAN, 3, 0.1).unwrap_err();
    assert!(matches!(error, TrainError::Diverged { epoch: 3, lr: 0.1, .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "training diverged: the loss became NaN in epoch 3; try a lower learning rate (now 0.1)"
    );
    assert!(check_finite(f64::INFINITY, 1, 0.1).is_err());
}
