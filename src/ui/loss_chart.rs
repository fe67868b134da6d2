//! The loss chart, with a hover readout of the epoch under the pointer and both losses.

use leptos::html::Canvas;
use leptos::prelude::*;
use web_sys::PointerEvent;

use super::Handle;
use crate::chart::crosshair::draw_crosshair;
use crate::chart::losses::draw_losses;
use crate::chart::view::{Frame, loss_readout};
use crate::view::Action;

#[component]
pub fn LossChart(handle: Handle) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let overlay = NodeRef::<Canvas>::new();
    let frame = StoredValue::new(None::<Frame>);
    let readout = RwSignal::new(None::<String>);
    let history = handle.view.history;
    Effect::new(move |_| {
        let Some(canvas) = canvas.get() else { return };
        match history.with(|history| draw_losses(&canvas, history)) {
            Ok(drawn) => frame.set_value(Some(drawn)),
            Err(message) => {
                handle.send(Action::Refuse(format!("the loss chart could not be drawn: {message}")))
            }
        }
    });
    let hover = move |event: Option<PointerEvent>| {
        let (Some(canvas), Some(overlay), Some(frame)) =
            (canvas.get_untracked(), overlay.get_untracked(), frame.get_value())
        else {
            return;
        };
        let scale = canvas.width() as f64 / canvas.client_width().max(1) as f64;
        let at = event
            .map(|e| (e.offset_x() as f64 * scale, e.offset_y() as f64 * scale))
            .filter(|&(x, y)| frame.holds(x, y));
        let text = at.and_then(|(x, _)| history.with_untracked(|h| loss_readout(h, frame.x_at(x))));
        let epoch = text.as_ref().and_then(|_| at.map(|(x, _)| frame.x_at(x).round()));
        let _ =
            draw_crosshair(&overlay, &canvas, &frame, frame.bottom, epoch.map(|x| (x, &[][..])));
        readout.set(text);
    };
    view! {
        <div class="chart-box">
            <canvas data-testid="loss-chart" node_ref=canvas width="960" height="260"
                on:pointermove=move |ev| hover(Some(ev)) on:pointerleave=move |_| hover(None)></canvas>
            <canvas class="overlay" node_ref=overlay aria-hidden="true"></canvas>
        </div>
        <p class="readout" data-testid="loss-readout" aria-live="polite">
            {move || readout.get().unwrap_or_else(|| "Hover over the loss chart to read an epoch's losses.".into())}
        </p>
    }
}
