//! The training loop's tests: learning, any number of workers giving the same run, stopping, timing
//! batches, counting launches, a diverging loss.
use super::*;
use crate::data::windows::Scaling;
use crate::testutil::{InProcessHelpers, RecordingHost, sine_prices, small_settings};
use crate::training::report::EpochReport;
use crate::training::shares::NoHelpers;

#[test]
fn loss_decreases_on_a_learnable_series() {
    let data = Prepared::new(&sine_prices(200), 12, 75, Scaling::TrainOnly).unwrap();
    let mut host = RecordingHost::<NoHelpers>::default();
    let trained =
        pollster::block_on(train(&Device::flex().autodiff(), &data, &small_settings(), &mut host))
            .unwrap();
    assert_eq!(trained.epochs_done, 8);
    assert_eq!(trained.stop, StopReason::Finished);
    let losses: Vec<f64> = host.reports.iter().map(|r| r.train_loss).collect();
    assert_eq!(losses.len(), 8);
    assert!(losses[7] < losses[0] * 0.5, "loss should fall: {losses:?}");
    assert!(host.reports.iter().all(|r| r.val_loss.is_some_and(f64::is_finite)));
}

/// With `patience`, training stops once the validation loss has not improved for that many
/// epochs and the model has the best epoch's weights (its validation loss is the lowest
/// reported); the epochs before the stop are those of a run without it, and the helpers are
/// given the kept weights.
#[test]
fn early_stopping_restores_the_best_weights() {
    let data = Prepared::new(&sine_prices(200), 12, 75, Scaling::TrainOnly).unwrap();
    let settings = Settings { epochs: 60, lr: 0.05, ..small_settings() };
    let device = Device::flex().autodiff();
    let mut full = RecordingHost::<NoHelpers>::default();
    pollster::block_on(train(&device, &data, &settings, &mut full)).unwrap();
    let patient = Settings { patience: Some(3), workers: Some(2), ..settings };
    let mut host = RecordingHost { helpers: InProcessHelpers::new(1), ..Default::default() };
    let trained = pollster::block_on(train(&device, &data, &patient, &mut host)).unwrap();
    let early = trained.early_stop.expect("patience was on");
    let losses: Vec<f64> = host.reports.iter().map(|r| r.val_loss.unwrap()).collect();
    let best = losses.iter().copied().fold(f64::INFINITY, f64::min);
    assert_eq!(trained.stop, StopReason::EarlyStopped, "{losses:?}");
    assert_eq!(early.stopped_epoch, trained.epochs_done);
    assert_eq!(early.stopped_epoch - early.best_epoch, 3);
    assert!(early.stopped_epoch < 60);
    assert_eq!(losses[early.best_epoch - 1], best);
    assert!(losses[early.best_epoch..].iter().all(|&l| l >= best));
    assert_eq!(host.reports[..], full.reports[..trained.epochs_done], "the same epochs until then");
    let inputs = data.inputs(data.validation_targets());
    let kept = pollster::block_on(predict(&trained.model, &inputs, 12, &Device::flex())).unwrap();
    assert_eq!(mse(&kept, &data.targets(data.validation_targets())), best);
    assert_eq!(host.helpers.synced, Some(flat_parameters(&trained.model)));
    assert_eq!(
        early.sentence(),
        format!(
            "stopped at epoch {} of 60, best epoch {} (no better validation loss in 3 epochs; the best epoch's weights kept)",
            early.stopped_epoch, early.best_epoch
        )
    );
}

/// One run's epoch reports and trained weights with `workers` workers (the trainer and
/// `workers - 1` in-process helpers, helper `fails` crashing on its second batch).
fn run_with(
    workers: usize,
    dropout: f64,
    fails: Option<usize>,
) -> (Vec<EpochReport>, Vec<f32>, InProcessHelpers, Vec<usize>) {
    let data = Prepared::new(&sine_prices(120), 12, 75, Scaling::TrainOnly).unwrap();
    let settings = Settings { epochs: 3, dropout, workers: Some(workers), ..small_settings() };
    let mut host =
        RecordingHost { helpers: InProcessHelpers::new(7).failing(fails), ..Default::default() };
    let device = Device::flex().autodiff();
    let trained = pollster::block_on(train(&device, &data, &settings, &mut host)).unwrap();
    (host.reports, flat_parameters(&trained.model), host.helpers, host.lost)
}

/// The number of workers changes nothing in the numbers, with or without dropout: the same
/// losses and weights, bit for bit, for 1, 2, 3 and 8 workers, and when a helper crashes
/// mid-run.
#[test]
fn any_worker_count_gives_the_same_run() {
    for dropout in [0.0, 0.2] {
        let (reports, weights, _, _) = run_with(1, dropout, None);
        for workers in [2, 3, 8] {
            let (other_reports, other_weights, helpers, lost) = run_with(workers, dropout, None);
            assert_eq!(other_reports, reports, "{workers} workers, dropout {dropout}");
            assert!(other_weights == weights, "{workers} workers, dropout {dropout}: weights");
            // 51 fitted windows: 3 batches of 16 (8 shares each) and one of 3 (3 shares), in
            // 3 epochs.
            let theirs = |w: usize, shares: usize| (w..shares).step_by(workers).count();
            let expected: Vec<usize> =
                (1..workers).map(|w| 3 * (3 * theirs(w, 8) + theirs(w, 3))).collect();
            assert_eq!(helpers.shares, expected, "{workers} workers share the work");
            assert!(lost.is_empty());
        }
        let (crashed_reports, crashed_weights, helpers, lost) = run_with(3, dropout, Some(1));
        assert_eq!(crashed_reports, reports, "a crashed helper changes nothing");
        assert!(crashed_weights == weights);
        assert_eq!(lost, [2], "the host hears once that two workers remain");
        assert_eq!(
            helpers.shares[1], 2,
            "the crashed helper did its first batch only (shares 2 and 5)"
        );
    }
    let (with_dropout, ..) = run_with(1, 0.2, None);
    let (without, ..) = run_with(1, 0.0, None);
    assert_ne!(with_dropout, without, "dropout is applied");
}

#[test]
fn stop_keeps_the_model_trained_so_far() {
    let data = Prepared::new(&sine_prices(200), 12, 75, Scaling::TrainOnly).unwrap();
    let mut host = RecordingHost::<NoHelpers> { stop_after: Some(10), ..Default::default() };
    let trained =
        pollster::block_on(train(&Device::flex().autodiff(), &data, &small_settings(), &mut host))
            .unwrap();
    assert_eq!(trained.stop, StopReason::Stopped);
    assert_eq!(
        trained.epochs_done, 2,
        "6 batches per epoch (93 fitted windows): stop lands in epoch 2"
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
    let mut host = RecordingHost::<NoHelpers>::default();
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
    let mut helped = RecordingHost { helpers: InProcessHelpers::new(1), ..Default::default() };
    pollster::block_on(seconds_per_batch(
        &Device::flex().autodiff(),
        &data,
        &small_settings(),
        &mut helped,
        2,
        || 0.0,
    ))
    .unwrap();
    assert_eq!(
        helped.helpers.shares,
        [3 * 4],
        "the CPU is timed with its helpers, as it trains: half of 8 shares in each of 3 batches"
    );
}

/// Launch counts reach the report only where the host counts them.
#[test]
fn launches_are_reported_where_the_host_counts_them() {
    let data = Prepared::new(&sine_prices(60), 12, 75, Scaling::TrainOnly).unwrap();
    let settings = Settings { epochs: 1, ..small_settings() };
    let device = Device::flex().autodiff();
    let mut uncounted = RecordingHost::<NoHelpers>::default();
    pollster::block_on(train(&device, &data, &settings, &mut uncounted)).unwrap();
    assert_eq!(uncounted.reports[0].launches, None);
    let mut counted = RecordingHost::<NoHelpers> { launches: Some(7), ..Default::default() };
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
