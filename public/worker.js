// Loads the app's wasm module inside a module Worker and hands control to Rust's worker_main.
import init, { worker_main } from './stocklstm.js';

await init({ module_or_path: new URL('./stocklstm_bg.wasm', import.meta.url) });
worker_main();
