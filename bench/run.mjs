// Seconds per epoch on the reference settings (NSE-TATAGLOBAL, window 100, 3×LSTM(50), batch 64,
// 1222 training windows): StockLSTM on CPU and WebGPU, TensorFlow.js 4.22 on wasm, webgl and
// webgpu, all in the same headless Chromium, plus StockLSTM natively. Each run is capped
// (BENCH_CAP_S, default 300 s): a capped run is reported as "> cap".
//
// Run from the repository root after `trunk build`: `node bench/run.mjs` (see the README).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join, extname, normalize } from 'node:path';
import { launch, openApp, byId, waitForState, dist, repo, sharedData } from '../tests/browser/harness.mjs';

const cap = Number(process.env.BENCH_CAP_S ?? 300);
// BENCH_ONLY (a regular expression over run names) runs a subset, e.g. BENCH_ONLY='CPU|wasm'.
const only = new RegExp(process.env.BENCH_ONLY ?? '.');
const nse = join(sharedData, 'NSE-TATAGLOBAL.csv');
const roots = { '/app/': dist, '/bench/': join(repo, 'bench'), '/data/': sharedData };
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

// Cross-origin isolation lets TensorFlow.js' wasm backend use threads, as in its best case.
const server = createServer(async (req, res) => {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const prefix = Object.keys(roots).find((p) => path.startsWith(p));
  let file = prefix && normalize(path.slice(prefix.length));
  if (file === '' || file === '.') file = 'index.html';
  try {
    const body = await readFile(join(roots[prefix], file));
    res.writeHead(200, {
      'content-type': types[extname(file)] ?? 'application/octet-stream',
      'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp',
    }).end(body);
  } catch { res.writeHead(404).end(); }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const capped = (promise) => Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve(null), cap * 1000))]);

async function ours(context, backend) {
  const { page } = await openApp(context, `${base}/app/?backend=${backend}`);
  await waitForState(page, ['idle'], 60_000);
  await byId(page, 'csv-input').setInputFiles(nse);
  await page.waitForFunction(() => document.querySelector('[data-testid="dataset-summary"]').innerText.includes('2035 rows'));
  const started = Date.now();
  await byId(page, 'train-button').click();
  const done = await capped(page.waitForFunction(
    () => /^[1-9]/.test(document.querySelector('[data-testid="epoch"]').innerText), null, { timeout: 0, polling: 250 }));
  const seconds = done ? (Date.now() - started) / 1000 : null;
  const name = await byId(page, 'backend').innerText();
  await page.close();
  return { seconds, note: `backend shown: ${name}` };
}

async function tfjs(context, backend) {
  const { page } = await openApp(context, `${base}/bench/tfjs.html`);
  const result = await capped(page.evaluate(([b, url]) => window.runEpoch(b, url), [backend, '/data/NSE-TATAGLOBAL.csv'])
    .catch((e) => ({ error: String(e) })));
  await page.close();
  if (result?.error) return { seconds: null, note: result.error.slice(0, 80) };
  return { seconds: result?.seconds ?? null, note: result ? `${result.windows} windows, ${result.validation} validation windows` : '' };
}

function native() {
  const out = execFileSync('cargo', ['run', '-q', '--example', 'reference', '--', nse, 'epochs=1'], { cwd: repo, encoding: 'utf8' });
  return { seconds: Number(out.match(/([\d.]+) s\/epoch/)[1]), note: 'burn flex, dev profile (deps optimised)' };
}

const rows = [];
const record = async (name, measure) => {
  if (!only.test(name)) return;
  const r = await measure();
  rows.push({ name, ...r });
  console.error(`${name}: ${r.seconds === null ? `> ${cap} s (capped)` : `${r.seconds.toFixed(1)} s`} ${r.note}`);
};
for (const webgpu of [false, true]) {
  const context = await launch({ webgpu });
  if (webgpu) {
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

const best = (prefix) => Math.min(...rows.filter((r) => r.name.startsWith(prefix) && r.seconds !== null && !r.name.includes('native')).map((r) => r.seconds));
console.log(`| run | seconds for the first epoch | note |\n|---|---|---|`);
for (const r of rows) console.log(`| ${r.name} | ${r.seconds === null ? `> ${cap} (capped)` : r.seconds.toFixed(1)} | ${r.note} |`);
const ratio = best('TensorFlow.js') / best('StockLSTM');
console.log(`\nbest StockLSTM in the browser vs best TensorFlow.js: ${Number.isFinite(ratio) ? ratio.toFixed(1) : 'n/a'}× faster`);
