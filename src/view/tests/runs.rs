//! The Runs table: recording, reading, restoring, pinning, deleting and exporting runs.

use std::sync::Arc;

use super::*;
use crate::view::history::data_key;
use crate::view::{Action, Command};

fn saved(commands: &[Command]) -> Option<&Arc<Vec<crate::view::history::RunRecord>>> {
    match commands {
        [Command::SaveRuns { key, runs }] if *key == data_key("a.csv", &table()) => Some(runs),
        _ => None,
    }
}

#[test]
fn a_finished_run_is_recorded_newest_first_and_kept() {
    let mut view = finished();
    view.backend_chosen(Backend { name: "CPU (2 workers)".into(), note: String::new() });
    let commands = view.record_run(5000, "2026-01-02 03:04".into(), false);
    let runs = saved(&commands).expect("the table is kept").clone();
    assert_eq!(runs, *view.runs());
    let run = &runs[0];
    assert_eq!(
        (run.id, run.finished.as_str(), run.backend.as_str()),
        (5000, "2026-01-02 03:04", "CPU (2 workers)")
    );
    assert_eq!((run.seconds_per_epoch, run.from_model_file), (Some(2.0), false));
    assert!(!run.line.is_empty());
    view.record_run(5000, "2026-01-02 03:04".into(), true);
    let ids: Vec<u64> = view.runs().iter().map(|r| r.id).collect();
    assert_eq!(ids, [5001, 5000], "a second run in the same millisecond gets the next id");
    assert_eq!(view.runs()[0].seconds_per_epoch, None, "a model file did not train here");
}

#[test]
fn nothing_is_recorded_without_a_result() {
    let mut view = loaded();
    assert!(view.record_run(1, String::new(), false).is_empty());
    assert!(view.runs().is_empty());
}

#[test]
fn runs_are_pinned_deleted_restored_and_exported() {
    let mut view = finished();
    view.record_run(1, "t".into(), false);
    let mut other = settings();
    other.set("seed", "9").unwrap();
    view.model_loaded(other.clone(), result(false));
    view.record_run(2, "t".into(), true);
    let pinned = view.act(Action::TogglePin(1));
    assert!(saved(&pinned).unwrap().iter().any(|r| r.id == 1 && r.pinned));
    view.act(Action::RestoreRun(1));
    assert_eq!(**view.settings(), settings());
    view.act(Action::RestoreRun(99));
    assert_eq!(**view.settings(), settings(), "an unknown run restores nothing");
    let deleted = view.act(Action::DeleteRun(2));
    assert_eq!(saved(&deleted).unwrap().iter().map(|r| r.id).collect::<Vec<_>>(), [1]);
    let [Command::Download(csv)] = &view.act(Action::ExportRuns)[..] else { panic!("a download") };
    assert_eq!(
        (csv.name, csv.failure),
        ("stocklstm-runs.csv", "the Runs table could not be exported")
    );
    assert_eq!(csv.text.trim().lines().count(), 2, "a header and the one run");
}

#[test]
fn new_data_comes_with_its_own_runs() {
    let mut view = finished();
    view.record_run(1, "t".into(), false);
    let kept = view.runs().as_ref().clone();
    let commands = view.shown(dataset("b.csv"));
    assert!(view.runs().is_empty() && view.result().is_none());
    assert_eq!(commands[1], Command::ReadRuns { key: data_key("b.csv", &table()) });
    view.runs_read(kept.clone());
    assert_eq!(view.runs().as_ref(), &kept);
}
