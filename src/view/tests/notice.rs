//! The notice rules: what shows a notice and what clears it, by its kind.

use super::*;
use crate::protocol::FromWorker;
use crate::view::{Notice, NoticeKind, Phase};

fn kind_and_text(view: &RunView) -> Option<(NoticeKind, &str)> {
    view.notice().map(|n| (n.kind, n.text.as_str()))
}

#[test]
fn each_kind_says_what_a_load_and_an_accepted_setting_leave() {
    assert_eq!(Notice::failure("f").after_load(), None);
    assert_eq!(Notice::setting("s").after_load(), Some(Notice::setting("s")));
    assert_eq!(Notice::crash("c").after_load(), Some(Notice::failure("c")));
    assert_eq!(Notice::failure("f").after_setting_accepted(), Some(Notice::failure("f")));
    assert_eq!(Notice::setting("s").after_setting_accepted(), None);
    assert_eq!(Notice::crash("c").after_setting_accepted(), Some(Notice::crash("c")));
}

#[test]
fn a_failed_load_is_cleared_by_the_next_good_load() {
    let mut view = loaded();
    view.load_started();
    let load = view.next_load();
    view.parse_failed(load, "bad.csv", "no numeric column");
    assert_eq!(
        kind_and_text(&view),
        Some((NoticeKind::Failure, "bad.csv was not loaded: no numeric column"))
    );
    view.load_started();
    view.shown(dataset("good.csv"));
    assert_eq!((view.notice(), view.phase()), (None, Phase::Loaded));
}

#[test]
fn a_refused_setting_survives_a_load_until_a_setting_is_accepted() {
    let mut view = loaded();
    view.setting_changed("window", "0");
    let refusal = Settings::default().set("window", "0").unwrap_err().to_string();
    assert_eq!(kind_and_text(&view), Some((NoticeKind::Setting, refusal.as_str())));
    assert_eq!(view.phase(), Phase::Loaded, "a refusal leaves the phase");
    assert_eq!(view.settings().window, 10, "the setting is unchanged");
    view.load_started();
    view.shown(dataset("b.csv"));
    assert_eq!(kind_and_text(&view), Some((NoticeKind::Setting, refusal.as_str())));
    view.setting_changed("window", "12");
    assert_eq!(view.notice(), None);
}

#[test]
fn an_accepted_setting_leaves_a_failure() {
    let mut view = loaded();
    view.failed("the bundled sample could not be loaded: offline".into());
    view.setting_changed("seed", "7");
    assert_eq!(view.notice().map(|n| n.kind), Some(NoticeKind::Failure));
}

#[test]
fn a_crash_survives_the_reload_after_it_and_the_next_load_clears_it() {
    let mut view = training_on_webgpu();
    view.receive(FromWorker::Crashed { message: "simulated crash".into() });
    let text = view.notice().unwrap().text.clone();
    assert!(text.contains("training worker crashed"));
    view.shown(dataset("a.csv"));
    assert_eq!(view.phase(), Phase::Loaded);
    assert_eq!(
        kind_and_text(&view),
        Some((NoticeKind::Failure, text.as_str())),
        "told over the reload"
    );
    view.load_started();
    view.shown(dataset("b.csv"));
    assert_eq!(view.notice(), None);
}

#[test]
fn training_and_a_loaded_model_clear_any_notice() {
    let mut view = loaded();
    view.setting_refused("the chart could not be exported: no chart".into());
    view.train_started();
    assert_eq!((view.notice(), view.phase()), (None, Phase::Training));
    let mut view = loaded();
    view.failed("x.json could not be read".into());
    view.model_loaded(settings(), result(false));
    assert_eq!(view.notice(), None);
}

#[test]
fn a_refusal_after_a_failure_replaces_it() {
    let mut view = loaded();
    view.failed("load a CSV file first".into());
    view.setting_refused("the Runs table could not be kept for the next visit: full".into());
    assert_eq!(view.notice().map(|n| n.kind), Some(NoticeKind::Setting));
    assert_eq!(view.phase(), Phase::Failed);
}
