// Loads the app's wasm module inside a module Worker and hands control to Rust's worker_main.
import init, { worker_main } from './stocklstm.js';

// A panic inside wasm surfaces here; tell the page instead of leaving it waiting.
const report = (what) => postMessage(JSON.stringify({
  kind: 'failed',
  message: `the training worker crashed (${what}); reload the page to start again`,
}));
self.addEventListener('error', (event) => report(event.message));
self.addEventListener('unhandledrejection', (event) => report(String(event.reason)));

await init({ module_or_path: new URL('./stocklstm_bg.wasm', import.meta.url) });
worker_main();
