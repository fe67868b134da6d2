// CPU workers in headless Chromium: a run's numbers are the same for any worker count, with
// dropout too, and a worker count out of range is refused with its range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSession, TINY, openApp, byId, waitForState } from './harness.mjs';

const app = browserSession();

/** Trains the sample with `query` and returns the backend line and the printed test RMSE. */
async function trainWith(query) {
  const { page, problems } = await openApp(app.context, `${app.server.url}?${TINY}&${query}`);
  await waitForState(page, ['idle'], 60_000);
  await byId(page, 'train-button').click();
  assert.equal(await waitForState(page, ['done', 'error'], 300_000), 'done');
  const run = {
    backend: await byId(page, 'backend').innerText(),
    rmse: (await byId(page, 'metric-test-rmse').innerText()).trim(),
    train: (await byId(page, 'metric-train-rmse').innerText()).trim(),
    backtest: (await byId(page, 'metric-backtest-rmse').count()) ? await page.locator('.backtest').innerText() : null,
  };
  assert.deepEqual(problems, []);
  await page.close();
  return run;
}

test('one, two and three workers train the same model, with dropout, to the last digit', async () => {
  const one = await trainWith('dropout=0.2&workers=1');
  assert.equal(one.backend, 'CPU (1 worker)');
  assert.match(one.rmse, /^\d+\.\d+$/);
  for (const workers of [2, 3]) {
    const other = await trainWith(`dropout=0.2&workers=${workers}`);
    assert.equal(other.backend, `CPU (${workers} workers)`);
    assert.deepEqual([other.rmse, other.train], [one.rmse, one.train], `${workers} workers`);
  }
  const plain = await trainWith('dropout=0&workers=1');
  // Printed to four decimals, one of the two may coincide.
  assert.notDeepEqual([plain.rmse, plain.train], [one.rmse, one.train], 'dropout changes the run');
});

test('a backtest\'s folds on three workers (one fold each, at once) give the one-worker backtest', async () => {
  const one = await trainWith('backtest=on&folds=3&workers=1');
  const three = await trainWith('backtest=on&folds=3&workers=3');
  assert.match(one.backtest, /3 expanding-window folds/);
  assert.deepEqual([three.backtest, three.rmse], [one.backtest, one.rmse]);
});

test('a worker count out of range is refused, naming the range', async () => {
  for (const bad of ['0', '17', 'abc']) {
    const { page } = await openApp(app.context, `${app.server.url}?workers=${bad}`);
    await waitForState(page, ['idle'], 60_000);
    const error = await byId(page, 'error').innerText();
    assert.ok(error.includes(`workers: '${bad}' is not valid: expected 'auto' or a whole number from 1 to 16`), error);
    assert.equal(await page.locator('[data-setting="workers"]').inputValue(), 'auto');
    await page.close();
  }
});

// Long enough a calibration (a 365-bar horizon from each of some 1,200 origins) that Stop lands
// inside it; Stop ends it after the piece in progress.
const CALIBRATING = 'window=10&epochs=1&layers=1&units=8&horizon=365&backend=cpu&workers=1';

test('the bands\' calibration shows its own progress, and Stop in it keeps the model', async () => {
  const { page, problems } = await openApp(app.context, `${app.server.url}?${CALIBRATING}`);
  await waitForState(page, ['idle'], 60_000);
  await byId(page, 'train-button').click();
  const originsDone = () => Number(document.querySelector('[data-testid="status"]').innerText.match(/^Calibrating bands… ([\d,]+) of [\d,]+ origins$/)?.[1].replaceAll(',', '') ?? 0);
  await page.waitForFunction(originsDone, null, { timeout: 120_000, polling: 50 });
  const first = await page.evaluate(originsDone);
  assert.match(await page.title(), /^Calibrating \d+% · StockLSTM$/);
  await page.waitForFunction(`(${originsDone})() > ${first}`, null, { timeout: 60_000, polling: 50 });
  const percent = await byId(page, 'progress').evaluate((bar) => bar.value);
  assert.ok(percent > 0 && percent < 100, `calibration progress ${percent}%`);
  assert.equal(await byId(page, 'status').getAttribute('data-state'), 'training');
  await byId(page, 'stop-button').click();
  assert.equal(await waitForState(page, ['done', 'error'], 120_000), 'done');
  assert.equal(await byId(page, 'epoch').innerText(), '1/1');
  assert.match(await byId(page, 'metric-test-rmse').innerText(), /^\d+\.\d+$/);
  assert.match(await byId(page, 'run-notes').innerText(), /Stopped while calibrating the bands/);
  const rows = await byId(page, 'forecast').locator('tbody tr').allInnerTexts();
  assert.equal(rows.length, 365);
  assert.match(rows[0], /—\s+—$/, 'no bands');
  assert.deepEqual(problems, []);
  await page.close();
});
