// Extra inputs (the `features` multi-select) and measured band coverage, in headless Chromium
// on burn's CPU backend. The UTF-16 and epoch fixtures are in app.test.mjs' fixture table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { browserSession, TINY, openApp, byId, waitForState, repo } from './harness.mjs';

const env = browserSession();

const sample = join(repo, 'public', 'sample', 'IBM.csv');

/** The bundled sample without the columns named in `drop`, as an upload. */
async function sampleWithout(drop, name) {
  const lines = (await readFile(sample, 'utf8')).trim().split(/\r?\n/).map((l) => l.split(','));
  const keep = lines[0].map((_, i) => i).filter((i) => !drop.includes(lines[0][i].trim()));
  const text = lines.map((cells) => keep.map((i) => cells[i]).join(',')).join('\n');
  return { name, mimeType: 'text/csv', buffer: Buffer.from(text) };
}

async function train(page) {
  await byId(page, 'train-button').click();
  assert.equal(await waitForState(page, ['done', 'error'], 300_000), 'done', await byId(page, 'error').innerText());
}

/** The coverage line's four attributes, each a plain percent from 0 to 100. */
async function coverage(page) {
  const line = byId(page, 'coverage');
  const values = {};
  for (const key of ['cov80-1', 'cov95-1', 'cov80-h', 'cov95-h']) {
    const text = await line.getAttribute(`data-${key}`);
    assert.match(text ?? '', /^\d+(\.\d+)?$/, `data-${key} is a plain number, got "${text}"`);
    values[key] = Number(text);
    assert.ok(values[key] >= 0 && values[key] <= 100, `data-${key} = ${text}`);
  }
  return values;
}

test('the coverage line states how often the bands held the price, 1 bar and h bars ahead', async () => {
  const { page, problems } = await openApp(env.context, `${env.server.url}?${TINY}`);
  await waitForState(page, ['idle'], 60_000);
  await train(page);
  const values = await coverage(page);
  assert.ok(values['cov95-1'] >= values['cov80-1'] && values['cov95-h'] >= values['cov80-h'], JSON.stringify(values));
  assert.match(await byId(page, 'coverage').innerText(),
    /^80% band held the price on \d+% of test bars \(1 daily bar ahead\), \d+% \(5 daily bars ahead\); 95% band: \d+%, \d+%\.$/);
  assert.match(await byId(page, 'bands-method').textContent(), /split-conformal.*held out/);
  assert.equal(await byId(page, 'inputs-method').count(), 0, 'no extra inputs, no note about them');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a backtest reports band coverage for every fold', async () => {
  const { page } = await openApp(env.context, `${env.server.url}?${TINY}&backtest=on&folds=3`);
  await waitForState(page, ['idle'], 60_000);
  await train(page);
  const folds = await byId(page, 'backtest-coverage').locator('li').allInnerTexts();
  assert.equal(folds.length, 3);
  for (const [i, text] of folds.entries()) {
    assert.match(text, new RegExp(`^Fold ${i + 1}: 80% band held the price on \\d+% of its test bars`));
  }
  await page.close();
});

test('extra inputs are chosen in the multi-select and kept in the link', async () => {
  const { page } = await openApp(env.context, `${env.server.url}?${TINY}`);
  await waitForState(page, ['idle'], 60_000);
  const select = byId(page, 'features');
  assert.equal(await select.evaluate((s) => s.multiple), true);
  const options = await select.locator('option').allInnerTexts();
  assert.deepEqual(options, ['Open', 'High', 'Low', 'Close', 'Volume', 'return', 'logvolume', 'rsi14', 'macd', 'sma_ratio20', 'ema_ratio12', 'bb_pos20'],
    'every column but the target, the derived ones and the indicators');
  assert.deepEqual(await select.evaluate((s) => [...s.selectedOptions].length), 0, 'none by default');
  await select.selectOption(['High', 'logvolume', 'rsi14']);
  await page.waitForFunction(() => /features=High%2Clogvolume%2Crsi14/.test(location.search));
  await page.close();
});

test('extra inputs train, forecast, save and load; a file without them refuses the model', async () => {
  // rsi14 too: the calibration's pieces carry its trackers to the helper workers.
  const { page, problems } = await openApp(env.context, `${env.server.url}?${TINY}&features=Open,Volume,return,rsi14&seed=5`);
  await waitForState(page, ['idle'], 60_000);
  const chosen = await byId(page, 'features').evaluate((s) => [...s.selectedOptions].map((o) => o.value));
  assert.deepEqual(chosen, ['Open', 'Volume', 'return', 'rsi14']);
  await train(page);
  const rmse = await byId(page, 'metric-test-rmse').innerText();
  assert.match(rmse, /^\d+\.\d+$/);
  await coverage(page);
  assert.match(await byId(page, 'inputs-method').innerText(), /predicts the next bar of every input.*indicator inputs .* recomputed at each bar from the forecast prices/);
  const rows = await byId(page, 'forecast').locator('tbody tr').count();
  assert.equal(rows, 5);
  assert.doesNotMatch(await byId(page, 'forecast').innerText(), /NaN|inf/i);
  const [download] = await Promise.all([page.waitForEvent('download'), byId(page, 'save-model').click()]);
  const modelPath = join(env.scratch, 'features-model.json');
  await download.saveAs(modelPath);
  const saved = JSON.parse(await readFile(modelPath, 'utf8'));
  assert.deepEqual(saved.settings.features, ['Open', 'Volume', 'return', 'rsi14']);
  assert.equal(saved.input_scalers.length, 4);
  assert.deepEqual(problems, []);
  await page.close();

  const fresh = await openApp(env.context, env.server.url);
  await waitForState(fresh.page, ['idle'], 60_000);
  await byId(fresh.page, 'model-input').setInputFiles(modelPath);
  assert.equal(await waitForState(fresh.page, ['done', 'error'], 60_000), 'done', await byId(fresh.page, 'error').innerText());
  assert.equal(await byId(fresh.page, 'metric-test-rmse').innerText(), rmse);
  assert.match(fresh.page.url(), /features=Open%2CVolume%2Creturn%2Crsi14/);

  await byId(fresh.page, 'csv-input').setInputFiles(await sampleWithout(['Open'], 'no-open.csv'));
  await fresh.page.waitForFunction(() => document.querySelector('[data-testid="dataset-summary"]').innerText.includes('no-open.csv'));
  await byId(fresh.page, 'model-input').setInputFiles(modelPath);
  assert.equal(await waitForState(fresh.page, ['error'], 60_000), 'error');
  assert.match(await byId(fresh.page, 'error').innerText(), /the model was not loaded: input column 'Open' is not in this file/);
  await fresh.page.close();
});

test('unusable inputs are refused with a message naming the column, and the page stays usable', async () => {
  const { page } = await openApp(env.context, `${env.server.url}?${TINY}&features=Dividends`);
  await waitForState(page, ['idle', 'error'], 60_000);
  await byId(page, 'train-button').click();
  assert.equal(await waitForState(page, ['error'], 60_000), 'error');
  assert.match(await byId(page, 'error').innerText(), /input column 'Dividends' is not in this file/);

  // A constant column: min-max scaling would divide by its zero range.
  const lines = (await readFile(sample, 'utf8')).trim().split(/\r?\n/);
  const flat = lines.map((line, i) => `${line},${i === 0 ? 'Flat' : '5'}`).join('\n');
  await byId(page, 'csv-input').setInputFiles({ name: 'flat.csv', mimeType: 'text/csv', buffer: Buffer.from(flat) });
  await page.waitForFunction(() => document.querySelector('[data-testid="dataset-summary"]').innerText.includes('flat.csv'));
  await byId(page, 'features').selectOption(['Flat']);
  await byId(page, 'train-button').click();
  assert.equal(await waitForState(page, ['error'], 60_000), 'error');
  assert.match(await byId(page, 'error').innerText(), /input column 'Flat' is constant on the training part/);

  await byId(page, 'features').selectOption([]);
  await train(page);
  await page.close();
});
