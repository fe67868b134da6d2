// Seconds per epoch on the reference settings (NSE-TATAGLOBAL, window 100, 3×LSTM(50), batch 64,
// 1222 training windows, validation on the 713 test windows): StockLSTM on CPU and WebGPU,
// TensorFlow.js 4.22 on wasm, webgl and webgpu, all in the same headless Chromium, plus
// StockLSTM natively. Each epoch is capped (BENCH_CAP_S, default 300 s): a capped epoch is
// reported as "> cap". On WebGPU it also prints GPU kernel launches per training batch and per
// epoch (as the page counts them), and one training batch of the reference shape with the fused
// kernels and without them (burn ops step by step, burn's Adam: the WebGPU path before 2026-11-28).
//
// Run from the repository root after `trunk build`: `node bench/run.mjs` (see the README).
import { execFileSync } from 'node:child_process';
import { basename } from 'node:path';
import { launch, openApp, byId, waitForState, repo } from '../tests/browser/harness.mjs';
import { base, nse, cap, capped, server } from './serve.mjs';

// BENCH_ONLY (a regular expression over run names) runs a subset, e.g. BENCH_ONLY='CPU|wasm'.
const only = new RegExp(process.env.BENCH_ONLY ?? '.');

// Epochs timed per run (BENCH_EPOCHS, default 2): the first includes start-up (device, shaders,
// wasm tier-up); the second is what every further epoch of a long run costs.
const EPOCHS = Number(process.env.BENCH_EPOCHS ?? 2);

async function ours(context, backend) {
  const { page } = await openApp(context, `${base}/app/?backend=${backend}&epochs=${EPOCHS}`);
  await waitForState(page, ['idle'], 60_000);
  await byId(page, 'csv-input').setInputFiles(nse);
  await page.waitForFunction(() => document.querySelector('[data-testid="dataset-summary"]').innerText.includes('2,035 daily rows'));
  const seconds = [];
  let last = Date.now();
  await byId(page, 'train-button').click();
  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    const done = await capped(page.waitForFunction(
      (e) => parseInt(document.querySelector('[data-testid="epoch"]').innerText, 10) >= e, epoch, { timeout: 0, polling: 'raf' }));
    if (!done) break;
    seconds.push((Date.now() - last) / 1000);
    last = Date.now();
  }
  const name = await byId(page, 'backend').innerText();
  const counted = byId(page, 'gpu-launches');
  const launches = (await counted.count()) ? { batch: Number(await counted.innerText()), epoch: Number(await counted.getAttribute('data-per-epoch')) } : undefined;
  await page.close();
  return { seconds, launches, note: `backend shown: ${name}` };
}

// One WebGPU training batch of the reference shape without and with the fused kernels, asked of
// a fresh worker of the app (the worker's diagnostics message).
async function batchCosts(context) {
  const { page } = await openApp(context, `${base}/app/`);
  const settings = { target: null, window: 100, split: 65, layers: 3, units: 50, dropout: 0, epochs: 1, batch: 64, lr: 0.001,
    horizon: 30, seed: 42, scaling: 'TrainOnly', predict: 'Change', backtest: false, folds: 3, backend: 'WebGpu' };
  const reply = await capped(page.evaluate(async (settings) => {
    const worker = new Worker('./worker.js', { type: 'module' });
    const next = (kinds) => new Promise((resolve) => worker.addEventListener('message', function listen(event) {
      const reply = JSON.parse(typeof event.data === 'string' ? event.data : event.data.json);
      if (kinds.includes(reply.kind)) { worker.removeEventListener('message', listen); resolve(reply); }
    }));
    await next(['ready']);
    worker.postMessage({ json: JSON.stringify({ kind: 'count_launches', settings }) });
    return next(['launches_counted', 'failed', 'crashed']);
  }, settings));
  await page.close();
  return reply?.rows ?? [];
}

async function tfjs(context, backend) {
  const { page } = await openApp(context, `${base}/bench/tfjs.html`);
  const result = await capped(page.evaluate(([b, url, epochs]) => window.runEpochs(b, url, epochs), [backend, `/data/${basename(nse)}`, EPOCHS])
    .catch((e) => ({ error: String(e) })));
  await page.close();
  if (result?.error) return { seconds: [], note: result.error.slice(0, 80) };
  return { seconds: result?.seconds ?? [], note: result ? `${result.windows} windows, ${result.validation} validation windows` : '' };
}

function native() {
  const out = execFileSync('cargo', ['run', '-q', '--release', '--example', 'reference', '--', nse, `epochs=${EPOCHS}`], { cwd: repo, encoding: 'utf8' });
  const perEpoch = Number(out.match(/([\d.]+) s\/epoch/)[1]);
  return { seconds: [perEpoch, perEpoch], note: 'burn flex (rayon in large matmuls), release build, no second worker; mean over the run, evaluation and forecast included' };
}

const rows = [];
let costs = [];
// An epoch not asked for (BENCH_EPOCHS=1) shows as a dash; one cut off by the cap as "> cap".
const show = (v, i = 0) => (i >= EPOCHS ? '—' : v === undefined ? `> ${cap} (capped)` : v.toFixed(2));
const count = (n) => (n === undefined ? '' : n.toLocaleString('en-US'));
const record = async (name, measure) => {
  if (!only.test(name)) return;
  const r = await measure();
  rows.push({ name, ...r });
  console.error(`${name}: ${[0, 1].map((i) => show(r.seconds[i], i)).join(' s, ')} s ${r.note}`);
};
for (const webgpu of [false, true]) {
  const context = await launch({ webgpu });
  if (webgpu) {
    if (only.test('StockLSTM, WebGPU')) costs = await batchCosts(context);
    await record('StockLSTM, WebGPU', () => ours(context, 'webgpu'));
    await record('TensorFlow.js, webgpu', () => tfjs(context, 'webgpu'));
  } else {
    await record('StockLSTM, CPU (wasm)', () => ours(context, 'cpu'));
    await record('TensorFlow.js, wasm', () => tfjs(context, 'wasm'));
    await record('TensorFlow.js, webgl', () => tfjs(context, 'webgl'));
  }
  await context.close();
}
server.close();
await record('StockLSTM, native CPU', native);

console.log(`| run | first epoch (s) | second epoch (s) | GPU launches per batch | per epoch | note |\n|---|---|---|---|---|---|`);
for (const r of rows) {
  console.log(`| ${r.name} | ${show(r.seconds[0], 0)} | ${show(r.seconds[1], 1)} | ${count(r.launches?.batch)} | ${count(r.launches?.epoch)} | ${r.note} |`);
}
if (costs.length) {
  console.log(`\nOne WebGPU training batch of the reference shape (forward, backward, Adam step, loss read back):\n`);
  console.log(`| WebGPU path | GPU launches | seconds on this adapter |\n|---|---|---|`);
  for (const c of costs) console.log(`| ${c.path} | ${count(c.launches)} | ${c.seconds.toFixed(2)} |`);
  console.log(`\nlaunches per training batch: ${(costs[0].launches / costs[1].launches).toFixed(0)}× fewer with the fused kernels`);
}
const inBrowser = (prefix, i) => rows.filter((r) => r.name.startsWith(prefix) && !r.name.includes('native') && r.seconds[i] !== undefined);
for (const [i, epoch] of [[0, 'first'], [1, 'second']]) {
  const best = (prefix) => Math.min(...inBrowser(prefix, i).map((r) => r.seconds[i]));
  const ratio = best('TensorFlow.js') / best('StockLSTM');
  console.log(`${epoch} epoch: best StockLSTM in the browser vs best TensorFlow.js: ${Number.isFinite(ratio) ? ratio.toFixed(1) : 'n/a'}× faster`);
}
