//! The page's binary: mounts the app (leptos) over the static shell in `index.html`. It holds no
//! model: burn and training are in the worker's binary (`src/bin/worker.rs`), which only
//! `public/worker.js` loads.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    stocklstm::ui::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("stocklstm runs in the browser: use the README's serve command (scripts/serve)");
}
