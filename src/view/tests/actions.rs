//! A person's actions.

use std::sync::Arc;

use super::*;
use crate::data::dates::DayOrder;
use crate::data::parse::ParseOptions;
use crate::protocol::ToWorker;
use crate::view::{Action, Command, NoticeKind, Phase, Status};

fn failure(view: &RunView) -> Option<&str> {
    view.notice().filter(|n| n.kind == NoticeKind::Failure).map(|n| n.text.as_str())
}

#[test]
fn a_setting_is_applied_and_bars_or_last_parse_the_data_again() {
    let mut view = loaded();
    assert!(view.act(Action::SetSetting { key: "seed", value: "7".into() }).is_empty());
    assert_eq!((view.settings().seed, view.phase()), (7, Phase::Loaded));
    let commands = view.act(Action::SetSetting { key: "last", value: "40".into() });
    assert_eq!(view.phase(), Phase::Loading);
    let options = ParseOptions { reshape: view.settings().reshape(), ..Default::default() };
    assert_eq!(commands, [Command::Send(ToWorker::Reparse { options, load: 1 })]);
}

#[test]
fn every_accepted_write_replaces_the_settings_and_a_refusal_keeps_them() {
    let mut view = loaded();
    let before = Arc::clone(view.settings());
    view.setting_changed("lr", "0.0010");
    assert!(!Arc::ptr_eq(&before, view.settings()), "the form shows the value as held");
    assert_eq!(**view.settings(), *before, "an equal value");
    let before = Arc::clone(view.settings());
    view.setting_changed("lr", "-3");
    assert!(Arc::ptr_eq(&before, view.settings()), "the typed value stays in the form");
}

#[test]
fn bars_without_data_change_only_the_setting() {
    let mut view = RunView::new(settings());
    assert!(view.setting_changed("bars", "1w").is_empty());
    assert_eq!((view.phase(), view.settings().reshape().bars.is_some()), (Phase::NoData, true));
}

#[test]
fn a_ticker_or_a_day_order_parses_the_shown_file_again_as_a_new_load() {
    let mut view = loaded();
    let ticker = view.act(Action::ChooseTicker("MSFT".into()));
    let options = ParseOptions { ticker: Some("MSFT".into()), ..Default::default() };
    assert_eq!(ticker, [Command::Send(ToWorker::Reparse { options, load: 1 })]);
    assert_eq!(view.status(), Status::Loading);
    let order = view.act(Action::ChooseDayOrder(DayOrder::DayFirst));
    let options = ParseOptions { day_order: Some(DayOrder::DayFirst), ..Default::default() };
    assert_eq!(order, [Command::Send(ToWorker::Reparse { options, load: 2 })]);
}

#[test]
fn training_needs_data_that_fits_the_settings() {
    let mut view = RunView::new(settings());
    assert!(view.act(Action::Train).is_empty());
    assert_eq!((view.phase(), failure(&view)), (Phase::Failed, Some("load a CSV file first")));
    let mut view = loaded();
    view.setting_changed("window", "1000");
    assert!(view.train_started().is_empty());
    let expected = view.settings().check(&table()).unwrap_err().to_string();
    assert_eq!((view.phase(), failure(&view)), (Phase::Failed, Some(expected.as_str())));
}

#[test]
fn train_starts_afresh_and_sends_the_settings() {
    let mut view = finished();
    view.backend_chosen(Backend { name: "CPU".into(), note: "n".into() });
    let commands = view.act(Action::Train);
    assert_eq!(commands, [Command::Train { settings: settings(), gpu_failed: None }]);
    assert_eq!((view.phase(), view.status()), (Phase::Training, Status::Training));
    assert_eq!((view.result(), view.backend()), (None, None));
    assert_eq!((view.epoch(), view.seconds(), view.progress()), ((0, 3), 0.0, 0.0));
    assert!(view.history().is_empty());
    assert!(view.act(Action::Train).is_empty(), "not twice");
}

#[test]
fn stop_and_save_are_sent_to_the_worker() {
    let mut view = loaded();
    assert!(view.act(Action::Stop).is_empty(), "nothing to stop");
    view.train_started();
    assert_eq!(view.act(Action::Stop), [Command::Send(ToWorker::Stop)]);
    assert_eq!(view.act(Action::SaveModel), [Command::Send(ToWorker::SaveModel)]);
}

#[test]
fn no_file_is_loaded_while_a_load_or_a_run_is_under_way() {
    let mut view = training();
    assert!(view.act(Action::LoadData).is_empty());
    assert_eq!(view.phase(), Phase::Training);
    let mut view = loaded();
    view.load_started();
    assert!(view.load_started().is_empty());
}

#[test]
fn a_model_file_is_read_only_with_data_loaded() {
    let mut view = RunView::new(settings());
    assert!(view.act(Action::LoadModel).is_empty());
    assert_eq!(failure(&view), Some("load a CSV file first, then the model to use on it"));
    let mut view = loaded();
    assert_eq!(view.act(Action::LoadModel), [Command::ReadModelFile]);
    assert_eq!(view.status(), Status::Loading);
}

#[test]
fn results_are_exported_as_csv_once_there_are_some() {
    let mut view = loaded();
    assert!(view.act(Action::ExportResults).is_empty());
    let mut view = finished();
    let [Command::Download(download)] = &view.act(Action::ExportResults)[..] else {
        panic!("one download")
    };
    assert_eq!((download.name, download.mime), ("stocklstm-results.csv", "text/csv"));
    assert_eq!(download.failure, "the CSV could not be exported");
    assert!(download.text.lines().count() > 1);
}

#[test]
fn refusals_and_failures_from_the_page_are_notices() {
    let mut view = loaded();
    assert!(view.act(Action::Refuse("the price chart could not be drawn: x".into())).is_empty());
    assert_eq!((view.phase(), view.notice().unwrap().kind), (Phase::Loaded, NoticeKind::Setting));
    view.act(Action::Fail("a.csv could not be read".into()));
    assert_eq!((view.phase(), failure(&view)), (Phase::Failed, Some("a.csv could not be read")));
}
