// Scaling over CPU workers on the reference settings (NSE-TATAGLOBAL, window 100, 3×LSTM(50),
// batch 64): seconds of the second epoch with dropout 0 and 0.2, and of the bands' calibration
// after training (default 30-bar horizon, from the first "Calibrating bands" to the result), for
// 1, 2, 3, … workers (BENCH_WORKERS, default 1 up to the machine's cores, at least 3), beside
// TensorFlow.js' wasm backend at the same thread counts (the page is cross-origin isolated, so it
// may use threads). Prints a Markdown table for docs/benchmark.md and the README.
//
// Run from the repository root after `trunk build`: `node bench/workers.mjs`.
import { availableParallelism, cpus } from 'node:os';
import { basename } from 'node:path';
import { launch, openApp, byId, waitForState } from '../tests/browser/harness.mjs';
import { base, nse, capped, server } from './serve.mjs';

const cores = availableParallelism();
const counts = (process.env.BENCH_WORKERS ?? '').split(',').filter(Boolean).map(Number);
const workers = counts.length ? counts : Array.from({ length: Math.max(3, cores) }, (_, i) => i + 1);

/** Seconds of the second epoch and of the calibration with `count` workers and `dropout`. */
async function ours(context, count, dropout) {
  const { page } = await openApp(context, `${base}/app/?backend=cpu&epochs=2&workers=${count}&dropout=${dropout}`);
  await waitForState(page, ['idle'], 60_000);
  await byId(page, 'csv-input').setInputFiles(nse);
  await page.waitForFunction(() => document.querySelector('[data-testid="dataset-summary"]').innerText.includes('2,035 daily rows'));
  await byId(page, 'train-button').click();
  const epochDone = (e) => page.waitForFunction(
    (e) => parseInt(document.querySelector('[data-testid="epoch"]').innerText, 10) >= e, e, { timeout: 0, polling: 'raf' });
  await capped(epochDone(1));
  const secondStarted = Date.now();
  const second = (await capped(epochDone(2))) ? (Date.now() - secondStarted) / 1000 : undefined;
  const calibrating = await capped(page.waitForFunction(
    () => document.querySelector('[data-testid="status"]').innerText.startsWith('Calibrating bands'), null, { timeout: 0, polling: 'raf' }));
  const calibrationStarted = Date.now();
  const done = calibrating && (await capped(waitForState(page, ['done', 'error'], 0)));
  const calibration = done === 'done' ? (Date.now() - calibrationStarted) / 1000 : undefined;
  const backend = await byId(page, 'backend').innerText();
  await page.close();
  return { second, calibration, backend };
}

/** Seconds of TensorFlow.js wasm's second epoch on `threads` threads, and the threads it used. */
async function tfjs(context, threads) {
  const { page } = await openApp(context, `${base}/bench/tfjs.html`);
  const isolated = await page.evaluate(() => crossOriginIsolated);
  const result = await capped(page.evaluate(([url, t]) => window.runEpochs('wasm', url, 2, t), [`/data/${basename(nse)}`, threads])
    .catch((e) => ({ error: String(e) })));
  await page.close();
  return { second: result?.seconds?.[1], threads: result?.threads, isolated, error: result?.error };
}

const show = (seconds) => (seconds === undefined ? '—' : seconds.toFixed(2));
const context = await launch();
const rows = [];
for (const count of workers) {
  const plain = await ours(context, count, 0);
  const dropped = await ours(context, count, 0.2);
  const peer = await tfjs(context, count);
  rows.push({ count, plain, dropped, peer });
  console.error(`${count} workers: ${show(plain.second)} s/epoch, dropout ${show(dropped.second)}, calibration ${show(plain.calibration)} s ` +
    `(${plain.backend}); TF.js wasm ${show(peer.second)} s on ${peer.threads ?? '?'} threads${peer.error ? ` (${peer.error.slice(0, 80)})` : ''}`);
}
await context.close();
server.close();

console.log(`Machine: ${cores} logical cores (${cpus()[0]?.model ?? 'unknown CPU'}), headless Chromium; reference settings, second epoch.\n`);
console.log('| workers | s/epoch | s/epoch, dropout 0.2 | calibration after training (s) | backend shown | TF.js wasm s/epoch (threads asked, reported) |');
console.log('|---|---|---|---|---|---|');
for (const { count, plain, dropped, peer } of rows) {
  const threads = `${count} asked, ${peer.threads ?? '?'} reported${peer.isolated ? '' : ', page not isolated'}`;
  console.log(`| ${count} | ${show(plain.second)} | ${show(dropped.second)} | ${show(plain.calibration)} | ${plain.backend} | ${show(peer.second)} (${threads}) |`);
}
const one = rows.find((r) => r.count === 1);
for (const r of rows.filter((r) => r.count > 1 && one)) {
  const ratio = (a, b) => (a && b ? (a / b).toFixed(2) : 'n/a');
  console.log(`${r.count} workers vs 1: epoch ${ratio(one.plain.second, r.plain.second)}× faster, with dropout ${ratio(one.dropped.second, r.dropped.second)}×, calibration ${ratio(one.plain.calibration, r.plain.calibration)}×`);
}
