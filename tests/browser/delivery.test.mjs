// What a first visit downloads: the page binary holds no model, the built files keep to their
// gzipped budgets, and a cold open over an emulated 10 Mbit/s link transfers each binary once.
// Timings are printed (bench/delivery.mjs, `scripts/size`), not asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dist } from './harness.mjs';
import { BUDGETS, measureSizes, measureFirstOpen } from '../../bench/delivery.mjs';

const kb = (bytes) => `${(bytes / 1000).toFixed(0)} KB`;

test('the page binary links no burn, wgpu or kernels; the worker binary does', async () => {
  const traces = /burn[-_]|cubecl|wgpu[-_]/gi;
  const page = (await readFile(join(dist, 'stocklstm_bg.wasm'))).toString('latin1');
  const worker = (await readFile(join(dist, 'stocklstm_worker_bg.wasm'))).toString('latin1');
  assert.deepEqual([...new Set(page.match(traces) ?? [])], [], 'names of burn, cubecl or wgpu crates in the page binary');
  assert.ok((worker.match(traces) ?? []).length > 10, 'the same scan finds them in the worker binary');
});

test('the built files keep to their gzipped size budgets', async () => {
  const sizes = await measureSizes(dist);
  for (const key of ['pageWasm', 'beforeTrain', 'workerWasm']) {
    console.log(`${key}: ${kb(sizes[key])} gzipped (budget ${kb(BUDGETS[key])})`);
    assert.ok(sizes[key] <= BUDGETS[key], `${key}: ${kb(sizes[key])} over its budget of ${kb(BUDGETS[key])}`);
  }
});

test('a cold open downloads each binary once and stays within its transfer budget', async () => {
  const open = await measureFirstOpen(dist);
  console.log(`cold open at 10 Mbit/s, 40 ms: first paint ${(open.paint / 1000).toFixed(2)} s, settings usable ` +
    `${(open.usable / 1000).toFixed(2)} s, sample shown ${(open.sample / 1000).toFixed(2)} s, ${(open.transfer / 1e6).toFixed(2)} MB`);
  for (const binary of ['stocklstm_bg.wasm', 'stocklstm_worker_bg.wasm']) {
    assert.equal(open.requests.filter((r) => r.file === binary).length, 1, `${binary} downloaded once`);
  }
  assert.ok(open.transfer <= BUDGETS.coldOpenTransfer, `${(open.transfer / 1e6).toFixed(2)} MB transferred`);
});
