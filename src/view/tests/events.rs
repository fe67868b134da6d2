//! The worker's messages.

use super::*;
use crate::data::parse::ParseOptions;
use crate::protocol::{FromWorker, ToWorker};
use crate::training::BatchProgress;
use crate::training::speed::SpeedMeasurement;
use crate::view::history::data_key;
use crate::view::{Command, Download, NoticeKind, Phase, Status};

#[test]
fn a_view_starts_without_data_and_a_load_reads_with_the_settings_bars_and_last() {
    let mut view = RunView::new(settings());
    assert_eq!(view.phase(), Phase::NoData);
    assert!(view.dataset().is_none());
    view.setting_changed("last", "50");
    let commands = view.load_started();
    assert_eq!(view.phase(), Phase::Loading);
    assert_eq!((view.status(), view.status_text().as_str()), (Status::Loading, "Loading…"));
    let reshape = view.settings().reshape();
    assert_eq!(reshape.last, Some(50));
    assert_eq!(commands, [Command::ReadData(ParseOptions { reshape, ..Default::default() })]);
}

#[test]
fn a_parsed_table_is_shown_ready_to_train_and_its_runs_are_read() {
    let mut view = RunView::new(settings());
    view.load_started();
    let load = view.next_load();
    view.parse_progress(37.4);
    assert_eq!(view.status_text(), "Loading… 37% of the file read");
    let commands = view.receive(FromWorker::Parsed {
        file_name: "a.csv".into(),
        table: table(),
        seconds: 0.5,
        memory_bytes: 2e6,
        options: ParseOptions::default(),
        load,
    });
    assert_eq!(view.phase(), Phase::Loaded);
    assert_eq!((view.status(), view.status_text().as_str()), (Status::Idle, "Ready: press Train."));
    assert_eq!(view.parse_percent(), None);
    let shown = view.dataset().unwrap();
    assert_eq!((shown.file_name.as_str(), shown.memory_bytes), ("a.csv", Some(2e6)));
    let key = data_key("a.csv", &table());
    assert_eq!(commands, [Command::DataLoaded, Command::ReadRuns { key }]);
}

#[test]
fn answers_to_a_replaced_load_are_dropped() {
    let mut view = RunView::new(settings());
    view.load_started();
    let replaced = view.next_load();
    let latest = view.next_load();
    assert!(view.parse_failed(replaced, "old.csv", "bad").is_empty());
    assert!(view.parsed(replaced, dataset("old.csv")).is_empty());
    assert_eq!((view.phase(), view.notice()), (Phase::Loading, None));
    assert!(!view.parsed(latest, dataset("new.csv")).is_empty());
    assert_eq!(view.dataset().unwrap().file_name, "new.csv");
}

#[test]
fn a_file_that_does_not_parse_fails_with_its_name() {
    let mut view = RunView::new(settings());
    view.load_started();
    let load = view.next_load();
    view.parse_progress(50.0);
    let commands = view.receive(FromWorker::ParseFailed {
        file_name: "x.csv".into(),
        message: "the file is empty".into(),
        load,
    });
    assert!(commands.is_empty());
    assert_eq!((view.phase(), view.status()), (Phase::Failed, Status::Error));
    assert_eq!(view.parse_percent(), None);
    let notice = view.notice().unwrap();
    assert_eq!(notice.kind, NoticeKind::Failure);
    assert_eq!(notice.text, "x.csv was not loaded: the file is empty");
    assert_eq!(view.status_text(), "Something was rejected: see the message above.");
}

#[test]
fn epochs_fill_the_history_and_the_last_one_starts_the_work_after_training() {
    let mut view = training();
    assert_eq!((view.phase(), view.epoch()), (Phase::Training, (0, 3)));
    assert!(
        view.receive(FromWorker::Epoch { report: report(1, 3, None), seconds: 2.0 }).is_empty()
    );
    assert_eq!((view.epoch(), view.seconds(), view.history().len()), ((1, 3), 2.0, 1));
    assert!((view.progress() - 100.0 / 3.0).abs() < 1e-9);
    assert_eq!(view.eta().as_deref(), Some("2.00 s/epoch, about 4s left"));
    view.epoch_done(report(2, 3, None), 4.0);
    assert_eq!(view.phase(), Phase::Training);
    view.epoch_done(report(3, 3, None), 6.0);
    assert_eq!(view.phase(), Phase::Finishing);
    assert_eq!((view.status(), view.status_text().as_str()), (Status::Training, "Training…"));
    assert!(view.is_training() && view.is_busy());
}

#[test]
fn the_bands_calibration_has_its_own_phase_progress_and_eta() {
    let mut view = training();
    view.epoch_done(report(3, 3, None), 6.0);
    let calibrating = |done, seconds| FromWorker::Calibrating { done, total: 1000, seconds };
    assert!(view.receive(calibrating(0, 0.0)).is_empty());
    assert_eq!((view.phase(), view.progress(), view.eta()), (Phase::Calibrating, 0.0, None));
    assert_eq!(view.title_prefix().as_deref(), Some("Calibrating 0%"));
    view.receive(calibrating(250, 5.0));
    assert_eq!(view.status(), Status::Training, "Stop stays enabled");
    assert!(view.is_training());
    assert_eq!(view.status_text(), "Calibrating bands… 250 of 1,000 origins");
    assert_eq!(view.progress(), 25.0);
    assert_eq!(view.eta().as_deref(), Some("about 15s left"));
    assert_eq!(view.title_prefix().as_deref(), Some("Calibrating 25%"));
    view.done(result(false));
    assert_eq!((view.phase(), view.title_prefix()), (Phase::Done, None));
    // A backtest's folds train after the main model's calibration.
    let mut view = loaded();
    view.setting_changed("backtest", "on");
    view.train_started();
    view.epoch_done(report(3, 3, None), 6.0);
    view.receive(calibrating(1000, 9.0));
    view.epoch_done(report(1, 3, Some((1, 3))), 1.0);
    assert_eq!(view.phase(), Phase::Training);
    assert_eq!(view.status_text(), "Backtest: fold 1/3, epoch 1/3…");
    // A loaded model's calibration is part of loading it.
    let mut view = loaded();
    view.receive(calibrating(10, 1.0));
    assert_eq!(view.phase(), Phase::Loaded);
}

#[test]
fn batches_move_the_progress_bar_within_an_epoch() {
    let mut view = training();
    let progress = BatchProgress { epoch: 2, epochs: 4, batch: 1, batches: 2, fold: None };
    view.receive(FromWorker::Progress { progress });
    assert_eq!(view.progress(), 37.5);
}

#[test]
fn a_backtest_s_folds_are_told_and_its_last_fold_ends_training() {
    let mut view = loaded();
    view.setting_changed("backtest", "on");
    view.setting_changed("folds", "2");
    view.train_started();
    view.epoch_done(report(3, 3, None), 6.0);
    assert_eq!(view.phase(), Phase::Training, "the folds still train");
    assert!((view.progress() - 100.0 / 3.0).abs() < 1e-9);
    view.epoch_done(report(3, 3, Some((1, 2))), 1.0);
    assert_eq!(view.phase(), Phase::Training);
    assert_eq!(view.status_text(), "Backtest: fold 1/2, epoch 3/3…");
    assert_eq!((view.epoch(), view.history().len()), ((3, 3), 1), "folds leave the main run's");
    view.epoch_done(report(3, 3, Some((2, 2))), 1.0);
    assert_eq!(view.phase(), Phase::Finishing);
    view.done(result(false));
    assert_eq!(view.backtest_epoch(), None);
}

#[test]
fn a_result_is_shown_done_and_recorded() {
    let mut view = training();
    view.epoch_done(report(3, 3, None), 6.0);
    let commands = view.receive(FromWorker::Done { result: result(false) });
    assert_eq!(commands, [Command::RecordRun { from_model_file: false }]);
    assert_eq!((view.phase(), view.status()), (Phase::Done, Status::Done));
    assert_eq!((view.status_text().as_str(), view.progress()), ("Done.", 100.0));
    assert_eq!(view.result().map(|r| **r == result(false)), Some(true));
    assert_eq!(view.eta(), None);
    let number = view.result_number().expect("a result is shown");
    // The same numbers again are still a new run: the chart tells them apart by its number.
    view.receive(FromWorker::Done { result: result(false) });
    assert_eq!(view.result_number(), Some(number + 1));
}

#[test]
fn a_stopped_run_ends_stopped_with_the_epochs_done() {
    let mut view = training();
    view.epoch_done(report(1, 3, None), 2.0);
    assert_eq!(view.stop_pressed(), [Command::Send(ToWorker::Stop)]);
    let mut stopped = result(true);
    stopped.epochs_done = 1;
    view.done(stopped);
    assert_eq!((view.phase(), view.status()), (Phase::Stopped, Status::Done));
    assert_eq!(view.status_text(), "Stopped early: results are for the model trained so far.");
    assert_eq!(view.epoch(), (1, 3));
    assert!(!view.is_training());
}

#[test]
fn a_loaded_model_is_done_with_its_settings_and_the_data_s_bars_and_last() {
    let mut view = loaded();
    view.setting_changed("last", "70");
    view.setting_refused("refused".into());
    let mut model = Settings::default();
    model.set("units", "7").unwrap();
    model.set("last", "20").unwrap();
    let commands = view.receive(FromWorker::ModelLoaded { settings: model, result: result(false) });
    assert_eq!(commands, [Command::RecordRun { from_model_file: true }]);
    assert_eq!((view.phase(), view.status_text().as_str()), (Phase::Done, "Done."));
    assert_eq!((view.settings().units, view.settings().last), (7, Some(70)));
    let backend = view.backend().unwrap();
    assert_eq!(backend.name, "CPU");
    assert_eq!(backend.note, "a saved model, evaluated without training");
    assert_eq!((view.notice(), view.epoch(), view.progress()), (None, (0, 0), 100.0));
    assert!(view.history().is_empty());
}

#[test]
fn a_saved_model_is_offered_as_a_download() {
    let mut view = finished();
    let commands = view.receive(FromWorker::ModelSaved { file: "{}".into() });
    let download = Download {
        text: "{}".into(),
        name: "stocklstm-model.json",
        mime: "application/json",
        failure: "the model could not be saved",
    };
    assert_eq!(commands, [Command::Download(download)]);
}

#[test]
fn backends_and_speed_measurements_are_passed_on() {
    let mut view = training();
    view.receive(FromWorker::Backend { name: "CPU".into(), note: "WebGPU unavailable".into() });
    assert_eq!(view.backend().map(|b| b.note.as_str()), Some("WebGPU unavailable"));
    let measurement = SpeedMeasurement {
        adapter: "gpu".into(),
        shape: "1x50".into(),
        cpu_seconds_per_batch: 0.1,
        gpu_seconds_per_batch: 0.05,
    };
    let commands = view.receive(FromWorker::SpeedMeasured { measurement: measurement.clone() });
    assert_eq!(commands, [Command::KeepSpeed(measurement)]);
    for quiet in [FromWorker::Ready, FromWorker::Kept { file_name: "a.csv".into() }] {
        assert!(view.receive(quiet).is_empty());
    }
    assert_eq!(view.phase(), Phase::Training);
}

#[test]
fn a_failed_run_fails_with_the_worker_s_message() {
    let mut view = training();
    assert!(view.receive(FromWorker::Failed { message: "the loss diverged".into() }).is_empty());
    assert_eq!((view.phase(), view.status()), (Phase::Failed, Status::Error));
    assert_eq!(view.notice().map(|n| n.text.as_str()), Some("the loss diverged"));
}

#[test]
fn a_crash_on_webgpu_restarts_the_worker_and_sends_auto_to_the_cpu() {
    let mut view = training_on_webgpu();
    let commands = view.receive(FromWorker::Crashed { message: "device lost".into() });
    assert_eq!(commands, [Command::RestartWorker(ParseOptions::default())]);
    assert_eq!((view.phase(), view.status()), (Phase::Failed, Status::Error));
    let notice = view.notice().unwrap();
    assert_eq!(notice.kind, NoticeKind::Crash);
    assert_eq!(
        notice.text,
        "the run was ended: the training worker crashed (device lost); it was restarted and the data loaded again; \
         from now on runs with backend 'auto' train on the CPU (reload the page to try WebGPU again)"
    );
    assert_eq!(view.gpu_failed(), Some("device lost"));
    view.shown(dataset("a.csv"));
    let train = view.train_started();
    let gpu_failed = Some("device lost".to_string());
    assert_eq!(train, [Command::Train { settings: settings(), gpu_failed }]);
}

#[test]
fn a_crash_off_webgpu_keeps_auto_as_it_was_and_reloads_with_the_same_choices() {
    let mut view = loaded();
    view.reparse(|o| o.ticker = Some("MSFT".into()));
    let mut chosen = ParseOptions { ticker: Some("MSFT".into()), ..Default::default() };
    view.shown(Dataset { options: chosen.clone(), ..dataset("a.csv") });
    let commands = view.worker_crashed("unreachable");
    assert_eq!(commands, [Command::RestartWorker(chosen.clone())]);
    assert_eq!(view.gpu_failed(), None);
    assert!(view.notice().unwrap().text.ends_with("it was restarted and the data loaded again"));
    chosen.ticker = None;
    assert_eq!(RunView::new(settings()).worker_crashed("x"), [Command::RestartWorker(chosen)]);
}
