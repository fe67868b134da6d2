//! The page: a thin leptos layer over the worker and the run view ([`crate::view`]). It holds
//! the view in one signal ([`Page`]), draws it, and hands components a [`Handle`]: read-only
//! slices of the view and the person's actions.

mod chart_state;
mod client;
mod data_panel;
mod loss_chart;
mod page;
mod price_chart;
mod results;
mod runs;
mod search;
mod settings_form;
mod share;
mod speeds;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::training::Settings;
use crate::view::Action;
use page::{Handle, Page, Slices};

/// Replaces the static shell in `index.html` (`#app`, what paints before any wasm arrives) with
/// the app; mounts on the body if there is no shell.
pub fn mount() {
    let shell =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app"));
    match shell.and_then(|shell| shell.dyn_into::<web_sys::HtmlElement>().ok()) {
        Some(shell) => {
            shell.set_inner_html("");
            leptos::mount::mount_to(shell, App).forget();
        }
        None => leptos::mount::mount_to_body(App),
    }
}

/// While a run is under way, the tab's title starts with the percent done ("37% · StockLSTM",
/// "Calibrating 40% · StockLSTM"), so a run in a background tab can be watched from the tab strip.
fn show_progress_in_title(view: Slices) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let title = document.title();
    Effect::new(move |_| {
        let shown = match view.title_prefix.get() {
            Some(prefix) => format!("{prefix} · StockLSTM"),
            None => title.clone(),
        };
        document.set_title(&shown);
    });
}

#[component]
fn App() -> impl IntoView {
    let query = settings_form::page_query();
    let (settings, errors) = Settings::from_query(&query);
    let data_url = crate::query::data_url(&query);
    let page = Page::new(settings);
    let handle = page.handle();
    if !errors.is_empty() {
        let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
        handle.send(Action::Refuse(format!(
            "the link's settings were not all valid, defaults kept for: {}",
            errors.join("; ")
        )));
    }
    settings_form::keep_url_in_sync(handle.view.settings, data_url.clone());
    show_progress_in_title(handle.view);
    client::start(page, data_url);
    let notice = handle.view.notice;
    view! {
        <header>
            <h1>"StockLSTM"</h1>
            <p class="tagline">"Train a stacked LSTM on a stock price history, in this tab. Your data never leaves the browser."</p>
        </header>
        <p data-testid="error" class="error" hidden=move || notice.with(Option::is_none)>
            {move || notice.with(|n| n.as_ref().map(|n| n.text.clone()).unwrap_or_default())}
        </p>
        <main>
            <aside>
                <data_panel::DataPanel handle=handle />
                <settings_form::SettingsForm handle=handle />
            </aside>
            <section class="results">
                <results::Results handle=handle />
            </section>
        </main>
    }
}
