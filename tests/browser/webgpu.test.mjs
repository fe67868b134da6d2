// WebGPU in headless Chromium (a software adapter, SwiftShader, on machines without a GPU): the
// fused recurrence kernels against their references, training with the same numbers as the CPU,
// launches per batch, `auto`'s choice, and the CPU fallback when WebGPU cannot start.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { serveDist, launch, openApp, byId, waitForState, cpuBackend } from './harness.mjs';

// Hidden sizes that reach every layout of the kernels: one unit; the default; 4H = 256 (one
// column per unit, a full workgroup); 4H just over 256 (units share columns, two partial sums
// per cell); larger; the largest allowed (more cells than units, one partial sum).
const HIDDEN = [1, 50, 64, 65, 200, 512];
// Small enough for the software adapter, large enough to train through several batches.
const SAMPLE_RUN = 'window=20&layers=2&units=16&epochs=2&batch=64&horizon=3';
// The reference shape (window 100, 3×LSTM(50), batch 64) on a generated file of 253 rows: at
// split 65 exactly one training batch of 64 windows. Launches per training batch measured
// 2026-11-28 on SwiftShader: 58 (before the fused kernels: 19,665). The bound catches a
// regression towards per-step dispatch on any adapter, with room for a few launches more.
const REFERENCE_RUN = 'epochs=1&horizon=1';
const MAX_LAUNCHES_PER_BATCH = 80;

/** A CSV of `rows` business days of prices that wander up and down. */
function wanderingPrices(rows) {
  const lines = ['Date,Close'];
  let price = 100;
  const day = new Date(Date.UTC(2020, 0, 1));
  for (let i = 0; i < rows; i++) {
    while ([0, 6].includes(day.getUTCDay())) day.setUTCDate(day.getUTCDate() + 1);
    price *= 1 + 0.02 * Math.sin(i * 12.9898);
    lines.push(`${day.toISOString().slice(0, 10)},${price.toFixed(2)}`);
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return Buffer.from(lines.join('\n'));
}

let server;
let gpu;
before(async () => {
  server = await serveDist('/');
  gpu = await launch({ webgpu: true });
});
after(async () => {
  await gpu?.close();
  server?.close();
});

/** Sends a diagnostics message to a fresh worker of the app and returns its answer. */
async function askWorker(page, message, answer) {
  return page.evaluate(async ([message, answer]) => {
    const worker = new Worker('./worker.js', { type: 'module' });
    const next = (kinds) => new Promise((resolve) => {
      worker.addEventListener('message', function listen(event) {
        const reply = JSON.parse(typeof event.data === 'string' ? event.data : event.data.json);
        if (kinds.includes(reply.kind)) {
          worker.removeEventListener('message', listen);
          resolve(reply);
        }
      });
    });
    await next(['ready']);
    worker.postMessage({ json: JSON.stringify(message) });
    const reply = await next([answer, 'failed', 'crashed']);
    worker.terminate();
    return reply;
  }, [message, answer]);
}

/** Opens the app with `query`, loads `file` (else keeps the bundled sample) and trains. */
async function train(context, query, file) {
  const { page, problems } = await openApp(context, `${server.url}?${query}`);
  assert.equal(await waitForState(page, ['idle', 'error'], 60_000), 'idle');
  if (file) {
    await byId(page, 'csv-input').setInputFiles(file);
    await page.waitForFunction((name) => document.querySelector('[data-testid="dataset-summary"]').innerText.includes(name), file.name);
  }
  await byId(page, 'train-button').click();
  assert.equal(await waitForState(page, ['done', 'error'], 900_000), 'done', await byId(page, 'error').innerText());
  const metrics = {};
  for (const id of ['metric-train-rmse', 'metric-test-rmse', 'metric-test-mae', 'metric-test-mape', 'metric-naive-rmse']) {
    metrics[id] = Number(await byId(page, id).innerText());
    assert.ok(Number.isFinite(metrics[id]) && metrics[id] > 0, `${id} = ${metrics[id]}`);
  }
  return { page, problems, metrics, backend: await byId(page, 'backend').innerText(), note: await byId(page, 'backend-note').innerText() };
}

test('the fused WebGPU recurrence matches the step-by-step path and the CPU kernel', async () => {
  const { page } = await openApp(gpu, server.url);
  const reply = await askWorker(page, { kind: 'check_recurrence', hidden: HIDDEN }, 'recurrence_checked');
  assert.equal(reply.kind, 'recurrence_checked', JSON.stringify(reply));
  console.log(`adapter: ${reply.adapter}`);
  assert.deepEqual(reply.rows.map((r) => r.hidden), HIDDEN);
  for (const row of reply.rows) {
    for (const against of ['against_step_by_step', 'against_cpu']) {
      const d = row[against];
      console.log(`hidden ${row.hidden}, ${against}: outputs ${d.outputs}, input gradients ${d.input_grads}, weight gradients ${d.weight_grads}`);
      // NaN arrives as null, which fails these comparisons.
      assert.ok(d.outputs !== null && d.outputs <= 1e-5, `hidden ${row.hidden} ${against}: outputs differ by ${d.outputs}`);
      assert.ok(d.input_grads !== null && d.input_grads <= 1e-4, `hidden ${row.hidden} ${against}: input gradients differ by ${d.input_grads}`);
      assert.ok(d.weight_grads !== null && d.weight_grads <= 1e-4, `hidden ${row.hidden} ${against}: weight gradients differ by ${d.weight_grads}`);
    }
  }
  await page.close();
});

test('trains on WebGPU with the CPU\'s numbers, counts launches, and saves the model', async () => {
  const run = await train(gpu, `${SAMPLE_RUN}&backend=webgpu`);
  assert.match(run.backend, /^WebGPU \(.+\)$/);
  assert.equal(run.note, 'WebGPU, as the settings ask');
  assert.deepEqual(run.problems, []);
  const launches = Number(await byId(run.page, 'gpu-launches').innerText());
  assert.ok(Number.isInteger(launches) && launches > 0, `launches per batch: ${launches}`);
  // Saving reads the weights back asynchronously, as WebGPU requires.
  const [download] = await Promise.all([run.page.waitForEvent('download'), byId(run.page, 'save-model').click()]);
  const saved = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.ok(saved.record.length > 1000, 'the WebGPU-trained model was saved');
  await run.page.close();

  const cpu = await train(gpu, `${SAMPLE_RUN}&backend=cpu`);
  assert.equal(cpu.backend, cpuBackend);
  assert.equal(await byId(cpu.page, 'gpu-launches').count(), 0, 'launches are counted on WebGPU only');
  await cpu.page.close();
  for (const [id, value] of Object.entries(run.metrics)) {
    const relative = Math.abs(value - cpu.metrics[id]) / cpu.metrics[id];
    assert.ok(relative <= 1e-3, `${id}: WebGPU ${value} vs CPU ${cpu.metrics[id]} (${relative.toExponential(1)} relative)`);
  }
});

test('one training batch of the reference shape takes a bounded number of GPU launches', async () => {
  const file = { name: 'walk.csv', mimeType: 'text/csv', buffer: wanderingPrices(253) };
  const run = await train(gpu, `${REFERENCE_RUN}&backend=webgpu`, file);
  const launches = Number(await byId(run.page, 'gpu-launches').innerText());
  console.log(`launches per training batch at the reference shape: ${launches}`);
  assert.ok(launches > 0 && launches <= MAX_LAUNCHES_PER_BATCH, `${launches} launches per batch (bound ${MAX_LAUNCHES_PER_BATCH})`);
  await run.page.close();
});

/**
 * Opens the app on WebGPU and starts a long run, keeping hold of the training worker's GPU
 * devices (wrapping `requestDevice` before the worker asks for one), and waits for its first
 * epoch. Returns the page and the worker.
 */
async function midRunOnWebGpu() {
  const { page, problems } = await openApp(gpu, `${server.url}?${SAMPLE_RUN}&epochs=40&backend=webgpu`);
  assert.equal(await waitForState(page, ['idle', 'error'], 60_000), 'idle');
  const worker = page.workers().find((w) => !w.url().includes('role=helper'));
  await worker.evaluate(() => {
    const request = GPUAdapter.prototype.requestDevice;
    GPUAdapter.prototype.requestDevice = async function (...args) {
      const device = await request.apply(this, args);
      (self.stocklstmDevices ??= []).push(device);
      return device;
    };
  });
  await byId(page, 'train-button').click();
  await page.waitForFunction(() => parseInt(document.querySelector('[data-testid="epoch"]').innerText, 10) >= 1, null, { timeout: 600_000 });
  return { page, problems, worker };
}

/** Trains one more epoch with backend=auto: the page is usable, and on the CPU. */
async function trainAgainOnAuto(page) {
  await page.locator('[data-setting="backend"]').selectOption('auto');
  await page.locator('[data-setting="epochs"]').fill('1');
  await page.locator('[data-setting="epochs"]').dispatchEvent('change');
  await byId(page, 'train-button').click();
  assert.equal(await waitForState(page, ['done', 'error'], 300_000), 'done', await byId(page, 'error').innerText());
  assert.equal(await byId(page, 'backend').innerText(), cpuBackend);
  return byId(page, 'backend-note').innerText();
}

test('a GPU device lost mid-run ends the run with a message, and auto then trains on the CPU', async () => {
  const { page, worker } = await midRunOnWebGpu();
  await worker.evaluate(() => self.stocklstmDevices.forEach((device) => device.destroy()));
  assert.equal(await waitForState(page, ['done', 'error'], 300_000), 'error');
  const message = await byId(page, 'error').innerText();
  assert.match(message, /^WebGPU stopped working during the run \(.+\); from now on runs with backend 'auto' train on the CPU/);
  assert.match(await trainAgainOnAuto(page), /^WebGPU unavailable \(it stopped working in an earlier run: .+\): training on the CPU$/);
  await page.close();
});

test('a crashed worker is replaced, the data loaded again, and the next run trains', async () => {
  const { page, worker } = await midRunOnWebGpu();
  // What a panic in wasm looks like to the page: an uncaught error in the worker.
  await worker.evaluate(() => setTimeout(() => { throw new Error('simulated crash'); }));
  // The page reloads the sample itself in milliseconds: wait for the message, not the state.
  await page.waitForFunction(() => /crashed/.test(document.querySelector('[data-testid="error"]').innerText), null, { timeout: 60_000 });
  assert.match(await byId(page, 'error').innerText(), /^the run was ended: the training worker crashed \(.*simulated crash.*\); it was restarted and the data loaded again; from now on runs with backend 'auto' train on the CPU/);
  assert.equal(await waitForState(page, ['idle'], 60_000), 'idle');
  assert.match(await byId(page, 'dataset-summary').innerText(), /3,270 daily rows/);
  assert.match(await byId(page, 'error').innerText(), /training worker crashed/, 'the message stands over the reload');
  assert.match(await trainAgainOnAuto(page), /^WebGPU unavailable \(it failed in an earlier run on this page: .*simulated crash.*\): training on the CPU$/);
  await page.close();
});

test('auto trains on the CPU, and says why, when WebGPU is a software adapter', async () => {
  const run = await train(gpu, `${SAMPLE_RUN}&epochs=1&backend=auto`);
  assert.equal(run.backend, cpuBackend);
  assert.match(run.note, /^WebGPU here is a software adapter \(.+\), no GPU: training on the CPU$/);
  await run.page.close();
});

test('falls back to the CPU, and says so, when WebGPU cannot start', async () => {
  const context = await launch({ webgpu: false });
  try {
    const run = await train(context, `${SAMPLE_RUN}&epochs=1&backend=auto`);
    assert.equal(run.backend, cpuBackend);
    assert.match(run.note, /^WebGPU unavailable \(.+\): training on the CPU$/);
    await run.page.close();
  } finally {
    await context.close();
  }
});
