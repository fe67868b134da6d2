// Loads the training worker's wasm (burn, the model, training: a binary of its own, which the
// page never downloads) inside a module Worker and hands control to Rust: worker_main for the
// training worker, helper_main for the helper CPU workers it starts (`worker.js?role=helper`).
import init, { worker_main, helper_main } from './stocklstm_worker.js';

// A panic inside wasm (a trap) surfaces here and leaves this worker unusable: the page replaces
// it with a new one.
const report = (what) => postMessage(JSON.stringify({ kind: 'crashed', message: what }));
// Handled here (preventDefault), so the page hears of it once, as this message.
self.addEventListener('error', (event) => { event.preventDefault(); report(event.message); });
self.addEventListener('unhandledrejection', (event) => { event.preventDefault(); report(String(event.reason)); });

if (new URL(import.meta.url).searchParams.get('role') === 'helper') {
  // The training worker sends its compiled module as the first message: no second compile.
  const module = await new Promise((resolve) => self.addEventListener('message', (e) => resolve(e.data), { once: true }));
  await init({ module_or_path: module });
  helper_main();
} else {
  const module = await WebAssembly.compileStreaming(fetch(new URL('./stocklstm_worker_bg.wasm', import.meta.url)));
  await init({ module_or_path: module });
  // Helper workers compute shares of every CPU batch; the training worker starts them as runs
  // ask, each handed the compiled module (no second compile).
  const spawnHelper = () => {
    const helper = new Worker(new URL('./worker.js?role=helper', import.meta.url), { type: 'module' });
    helper.postMessage(module);
    return helper;
  };
  worker_main(spawnHelper, navigator.hardwareConcurrency || 1);
}
