//! Keeping results: the link that reproduces the run, the numbers as CSV, the chart as PNG.

use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

use super::Handle;
use crate::view::Action;

/// Offers `href` as a download named `name`.
fn download(href: &str, name: &str) -> Result<(), String> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let anchor: HtmlAnchorElement =
        document.create_element("a").map_err(|_| "no anchor")?.unchecked_into();
    anchor.set_href(href);
    anchor.set_download(name);
    anchor.click();
    Ok(())
}

/// Offers `text` as a file named `name`.
pub(super) fn download_text(text: &str, name: &str, mime: &str) -> Result<(), String> {
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let parts = js_sys::Array::of1(&text.into());
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "could not make the file")?;
    let url = Url::create_object_url_with_blob(&blob).map_err(|_| "could not make the file")?;
    let outcome = download(&url, name);
    let _ = Url::revoke_object_url(&url);
    outcome
}

#[component]
pub fn ShareBar(handle: Handle, chart: NodeRef<Canvas>) -> impl IntoView {
    let copied = RwSignal::new(String::new());
    let copy_link = move |_| {
        let href = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
        wasm_bindgen_futures::spawn_local(async move {
            let Some(window) = web_sys::window() else { return };
            match JsFuture::from(window.navigator().clipboard().write_text(&href)).await {
                Ok(_) => copied.set("Link copied.".into()),
                Err(_) => copied
                    .set("The browser did not allow copying: copy the address bar instead.".into()),
            }
        });
    };
    let export_png = move |_| {
        let outcome = chart
            .get_untracked()
            .ok_or_else(|| "no chart".to_string())
            .and_then(|canvas| {
                canvas
                    .to_data_url_with_type("image/png")
                    .map_err(|_| "the canvas cannot be read".to_string())
            })
            .and_then(|url| download(&url, "stocklstm-chart.png"));
        if let Err(message) = outcome {
            handle.send(Action::Refuse(format!("the chart could not be exported: {message}")));
        }
    };
    let load_model = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
        input.set_value("");
        handle.load_model(file);
    };
    let no_result = move || handle.view.result.with(Option::is_none);
    view! {
        <div class="share">
            <button data-testid="copy-link" on:click=copy_link>"Copy link"</button>
            <button data-testid="export-csv" prop:disabled=no_result on:click=move |_| handle.send(Action::ExportResults)>"Export CSV"</button>
            <button data-testid="export-png" on:click=export_png>"Export chart PNG"</button>
            <button data-testid="save-model" prop:disabled=no_result on:click=move |_| handle.send(Action::SaveModel)>"Save model"</button>
            <label class="load-model">"Load model: "<input type="file" accept=".json,application/json" data-testid="model-input" on:change=load_model /></label>
            <span class="note">{move || copied.get()}</span>
        </div>
    }
}
