//! Native tests of the run view: each event's and action's effect on the phase and the fields,
//! the notice rules, and the commands returned.

mod actions;
mod events;
mod notice;
mod runs;
mod search;

use chrono::{Days, NaiveDate};

use super::{Backend, Dataset, RunView};
use crate::data::Table;
use crate::data::parse::{ParseOptions, parse_csv};
use crate::evaluation::Metrics;
use crate::forecast::bands::Coverage;
use crate::training::{EpochReport, RunResult, Settings};

/// Rows of the test table.
const ROWS: usize = 80;

/// A daily table of `ROWS` closes.
fn table() -> Table {
    let first = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let mut csv = String::from("Date,Close\n");
    for i in 0..ROWS {
        let date = first + Days::new(i as u64);
        csv += &format!("{date},{}\n", 100 + i % 7);
    }
    parse_csv(csv.as_bytes()).expect("the test table parses")
}

fn dataset(file_name: &str) -> Dataset {
    Dataset {
        file_name: file_name.into(),
        table: table(),
        seconds: 0.01,
        memory_bytes: None,
        options: ParseOptions::default(),
    }
}

/// Settings that fit the test table: a short window and three epochs.
fn settings() -> Settings {
    let mut settings = Settings::default();
    settings.set("window", "10").unwrap();
    settings.set("epochs", "3").unwrap();
    settings
}

/// A view with the test table loaded.
fn loaded() -> RunView {
    let mut view = RunView::new(settings());
    view.load_started();
    view.shown(dataset("a.csv"));
    view
}

/// A view training on the test table.
fn training() -> RunView {
    let mut view = loaded();
    view.train_started();
    view
}

/// A view training on WebGPU.
fn training_on_webgpu() -> RunView {
    let mut view = training();
    view.backend_chosen(Backend { name: "WebGPU (adapter)".into(), note: "faster".into() });
    view
}

fn report(epoch: usize, epochs: usize, fold: Option<(usize, usize)>) -> EpochReport {
    EpochReport { epoch, epochs, train_loss: 0.1, val_loss: Some(0.2), fold, launches: None }
}

/// A run's result on the test table: three epochs, the last twenty rows fitted.
fn result(stopped: bool) -> RunResult {
    let metrics = Metrics { rmse: 1.0, mae: 0.8, mape: 0.9 };
    RunResult {
        epochs_done: 3,
        stopped,
        early_stop: None,
        search: None,
        train: metrics,
        test: metrics,
        test_direction: Some(55.0),
        naive: Metrics { rmse: 1.5, mae: 1.0, mape: 1.1 },
        train_start: 10,
        train_fit: vec![101.0; 50],
        test_start: ROWS - 20,
        test_fit: vec![102.0; 20],
        forecast: Vec::new(),
        coverage: Coverage { horizon: 30, one_day: None, horizon_days: None },
        backtest: None,
        notes: Vec::new(),
    }
}

/// A view showing a finished run's result.
fn finished() -> RunView {
    let mut view = training();
    for epoch in 1..=3 {
        view.epoch_done(report(epoch, 3, None), 2.0 * epoch as f64);
    }
    view.done(result(false));
    view
}
