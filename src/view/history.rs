//! The Runs table: each finished run's settings and figures, kept per data set so that changing
//! a setting and training again can be compared side by side, restored or drawn over later runs.
//! What the view does with the table on a person's action is in [`super::runs`].

use serde::{Deserialize, Serialize};

use crate::data::Table;
use crate::evaluation::Metrics;
use crate::evaluation::verdict::verdict;
use crate::training::{RunResult, Settings};

/// Runs kept per data set; the oldest unpinned ones go first.
pub const KEPT: usize = 30;

/// One finished run as the Runs table shows and keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// Unique within the data set's table: when it finished, in milliseconds.
    pub id: u64,
    /// When it finished, as the person's clock showed it (`YYYY-MM-DD HH:MM`).
    pub finished: String,
    pub settings: Settings,
    pub backend: String,
    /// `None` for a model loaded from a file, which did not train here.
    pub seconds_per_epoch: Option<f64>,
    pub epochs_done: usize,
    pub train_rmse: f64,
    pub test: Metrics,
    pub direction: Option<f64>,
    pub naive_rmse: f64,
    pub verdict: String,
    /// Evaluated from a loaded model file rather than trained.
    pub from_model_file: bool,
    /// Drawn over the chart as a dashed line.
    pub pinned: bool,
    /// The test fit and forecast as (x, price) points, thinned: what pinning draws.
    pub line: Vec<(f64, f64)>,
}

/// What a run's record is made from besides its result.
pub struct RunContext {
    pub id: u64,
    pub finished: String,
    pub backend: String,
    pub seconds_per_epoch: Option<f64>,
    pub from_model_file: bool,
    pub line: Vec<(f64, f64)>,
}

impl RunRecord {
    /// The record of `result`, trained (or loaded) with `settings`.
    pub fn new(settings: &Settings, result: &RunResult, context: RunContext) -> Self {
        RunRecord {
            id: context.id,
            finished: context.finished,
            settings: settings.clone(),
            backend: context.backend,
            seconds_per_epoch: context.seconds_per_epoch,
            epochs_done: result.epochs_done,
            train_rmse: result.train.rmse,
            test: result.test,
            direction: result.test_direction,
            naive_rmse: result.naive.rmse,
            verdict: verdict(result.test.rmse, result.naive.rmse),
            from_model_file: context.from_model_file,
            pinned: false,
            line: context.line,
        }
    }

    /// The settings that differ from the defaults, as `key=value` (what tells runs apart).
    pub fn changed_settings(&self) -> String {
        let defaults = Settings::default().to_query();
        let defaults: Vec<&str> = defaults.split('&').collect();
        let changed: Vec<String> = self
            .settings
            .to_query()
            .split('&')
            .filter(|pair| !defaults.contains(pair))
            .map(str::to_string)
            .collect();
        if changed.is_empty() { "defaults".into() } else { changed.join(", ") }
    }
}

/// The storage key of a data set's runs: its file name, row count and date range, so the same
/// file loaded again finds its runs and another file does not.
pub fn data_key(file_name: &str, table: &Table) -> String {
    let range = table
        .stamp_range()
        .map(|(first, last)| format!("{first}..{last}"))
        .unwrap_or_else(|| "undated".into());
    format!("stocklstm.runs:{file_name}|{}|{range}", table.len())
}

/// Adds `record` newest first, dropping the oldest unpinned runs beyond [`KEPT`].
pub fn add(runs: &mut Vec<RunRecord>, record: RunRecord) {
    runs.insert(0, record);
    while runs.len() > KEPT {
        match runs.iter().rposition(|r| !r.pinned) {
            Some(oldest) => runs.remove(oldest),
            None => runs.pop().expect("more than KEPT runs"),
        };
    }
}

/// The Runs table as CSV, newest first, one row per run.
pub fn runs_csv(runs: &[RunRecord]) -> String {
    let mut out = String::from(
        "finished,settings,link_query,backend,seconds_per_epoch,epochs,train_rmse,test_rmse,test_mae,test_mape,direction_percent,naive_rmse,verdict,from_model_file\n",
    );
    let number = |v: f64| format!("{v:.6}");
    let optional = |v: Option<f64>| v.map(number).unwrap_or_default();
    for run in runs {
        let fields = [
            run.finished.clone(),
            run.changed_settings(),
            run.settings.to_query(),
            run.backend.clone(),
            optional(run.seconds_per_epoch),
            run.epochs_done.to_string(),
            number(run.train_rmse),
            number(run.test.rmse),
            number(run.test.mae),
            number(run.test.mape),
            optional(run.direction),
            number(run.naive_rmse),
            run.verdict.clone(),
            run.from_model_file.to_string(),
        ];
        out += &fields.iter().map(|f| quoted(f)).collect::<Vec<_>>().join(",");
        out.push('\n');
    }
    out
}

/// A CSV field, quoted when it holds a comma, quote or line break.
fn quoted(field: &str) -> String {
    if field.contains([',', '"', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::parse::parse_csv;

    fn record(id: u64, test_rmse: f64) -> RunRecord {
        let metrics = |rmse| Metrics { rmse, mae: 1.0, mape: 2.0 };
        let result = RunResult {
            epochs_done: 3,
            stopped: false,
            early_stop: None,
            search: None,
            train: metrics(0.5),
            test: metrics(test_rmse),
            test_direction: Some(51.0),
            naive: metrics(2.0),
            train_start: 0,
            train_fit: vec![],
            test_start: 0,
            test_fit: vec![],
            forecast: vec![],
            coverage: crate::forecast::bands::Coverage {
                horizon: 2,
                one_day: None,
                horizon_days: None,
            },
            backtest: None,
            notes: Vec::new(),
        };
        let settings = Settings { epochs: 3, seed: id, ..Settings::default() };
        let context = RunContext {
            id,
            finished: "2026-11-28 13:00".into(),
            backend: "CPU".into(),
            seconds_per_epoch: Some(1.5),
            from_model_file: false,
            line: vec![],
        };
        RunRecord::new(&settings, &result, context)
    }

    #[test]
    fn a_record_carries_the_figures_and_what_changed() {
        let run = record(7, 1.0);
        assert_eq!(run.changed_settings(), "epochs=3, seed=7");
        assert_eq!(
            run.verdict,
            "The model beat the naive baseline on the test part: RMSE 50.0% lower."
        );
        assert_eq!(
            (run.train_rmse, run.test.rmse, run.naive_rmse, run.direction),
            (0.5, 1.0, 2.0, Some(51.0))
        );
        let defaults = RunRecord { settings: Settings::default(), ..run };
        assert_eq!(defaults.changed_settings(), "defaults");
    }

    #[test]
    fn newest_first_and_pinned_runs_outlive_old_ones() {
        let mut runs = Vec::new();
        add(&mut runs, RunRecord { pinned: true, ..record(1, 1.0) });
        for id in 2..=(KEPT as u64 + 5) {
            add(&mut runs, record(id, 1.0));
        }
        assert_eq!(runs.len(), KEPT);
        assert_eq!(runs[0].id, KEPT as u64 + 5, "newest first");
        assert_eq!(runs.last().unwrap().id, 1, "the pinned first run is kept");
    }

    #[test]
    fn csv_has_a_row_per_run_with_quoted_text() {
        let csv = runs_csv(&[record(2, 3.0), record(1, 1.0)]);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("finished,settings,"));
        assert!(lines[1].starts_with("2026-11-28 13:00,\"epochs=3, seed=2\","), "{}", lines[1]);
        assert!(lines[1].contains(",3.000000,1.000000,2.000000,51.000000,2.000000,"));
        assert!(lines[1].ends_with(",false"));
    }

    #[test]
    fn data_key_tells_files_apart_by_name_rows_and_dates() {
        let table = parse_csv(b"Date,Close\n2024-01-02,1\n2024-01-03,2\n").unwrap();
        assert_eq!(data_key("a.csv", &table), "stocklstm.runs:a.csv|2|2024-01-02..2024-01-03");
        let undated = parse_csv(b"Close\n1\n2\n3\n").unwrap();
        assert_eq!(data_key("a.csv", &undated), "stocklstm.runs:a.csv|3|undated");
    }
}
