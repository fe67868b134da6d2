//! The browser entry point: the page mounts the app; the same wasm loaded in the training
//! worker does nothing here and waits for `worker_main`.

#[cfg(target_arch = "wasm32")]
fn main() {
    stocklstm::worker::run_static_constructors_once();
    console_error_panic_hook::set_once();
    if web_sys::window().is_some() {
        stocklstm::ui::mount();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("stocklstm runs in the browser: use the README's serve command (trunk serve)");
}
