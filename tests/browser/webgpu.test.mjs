// Training on WebGPU (a software adapter on machines without a GPU: kept tiny) and the CPU
// fallback when WebGPU cannot start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { serveDist, launch, openApp, byId, waitForState, sharedData, cpuBackend } from './harness.mjs';

const TINY = 'window=10&epochs=2&layers=1&units=8&horizon=3';

async function trainReference(context, url) {
  const { page, problems } = await openApp(context, url);
  await waitForState(page, ['idle'], 60_000);
  await byId(page, 'csv-input').setInputFiles(join(sharedData, 'NSE-TATAGLOBAL.csv'));
  await page.waitForFunction(() => document.querySelector('[data-testid="dataset-summary"]').innerText.includes('2035 rows'));
  await byId(page, 'train-button').click();
  assert.equal(await waitForState(page, ['done', 'error'], 600_000), 'done', await byId(page, 'error').innerText());
  const metrics = {};
  for (const id of ['metric-train-rmse', 'metric-test-rmse', 'metric-test-mae', 'metric-test-mape', 'metric-naive-rmse']) {
    metrics[id] = Number(await byId(page, id).innerText());
    assert.ok(Number.isFinite(metrics[id]) && metrics[id] > 0, `${id} = ${metrics[id]}`);
  }
  const backend = await byId(page, 'backend').innerText();
  const note = await page.locator('.note').allInnerTexts();
  // Saving reads the weights back asynchronously, as WebGPU requires.
  const [download] = await Promise.all([page.waitForEvent('download'), byId(page, 'save-model').click()]);
  const saved = JSON.parse(await readFile(await download.path(), 'utf8'));
  await page.close();
  return { backend, metrics, note, problems, record: saved.record };
}

test('trains on WebGPU when the browser offers it, with the same numbers as the CPU', async () => {
  const server = await serveDist('/');
  const context = await launch({ webgpu: true });
  try {
    const gpu = await trainReference(context, `${server.url}?${TINY}&backend=webgpu`);
    assert.equal(gpu.backend, 'WebGPU');
    assert.deepEqual(gpu.problems, []);
    const cpu = await trainReference(context, `${server.url}?${TINY}&backend=cpu`);
    assert.equal(cpu.backend, cpuBackend);
    assert.ok(gpu.record.length > 1000, 'the WebGPU-trained model was saved');
    for (const [id, value] of Object.entries(gpu.metrics)) {
      assert.ok(Math.abs(value - cpu.metrics[id]) <= 0.01 * Math.max(1, value), `${id}: WebGPU ${value} vs CPU ${cpu.metrics[id]}`);
    }
  } finally {
    await context.close();
    server.close();
  }
});

test('falls back to the CPU, and says so, when WebGPU cannot start', async () => {
  const server = await serveDist('/');
  const context = await launch({ webgpu: false });
  try {
    const run = await trainReference(context, `${server.url}?${TINY}&backend=auto`);
    assert.equal(run.backend, cpuBackend);
    assert.match(run.note.join(' '), /WebGPU unavailable/);
  } finally {
    await context.close();
    server.close();
  }
});
