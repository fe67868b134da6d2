// Finding settings in headless Chromium: the settings search's leaderboard (four trials on the
// sample, ranked, the best chosen, trained and tested, a row applied to the form and the
// address), early stopping's epochs, and the refusals of out-of-range search settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSession, TINY, openApp, byId, waitForState } from './harness.mjs';

const app = browserSession();

/** The leaderboard's rows as the page's contract gives them. */
async function leaderboard(page) {
  return byId(page, 'search-row').evaluateAll((rows) => rows.map((row) => ({
    number: Number(row.dataset.number),
    rung: Number(row.dataset.rung),
    val: row.dataset.valRmse === '' ? null : Number(row.dataset.valRmse),
    naive: row.dataset.valNaive === '' ? null : Number(row.dataset.valNaive),
    settings: row.dataset.settings,
    best: row.querySelector('[data-testid="search-best"]') !== null,
  })));
}

test('search=on&trials=4 ranks four trials, trains and tests the best, and Apply puts a row in the form', async () => {
  const query = `${TINY}&last=800&search=on&trials=4`;
  const { page, problems } = await openApp(app.context, `${app.server.url}?${query}`);
  await waitForState(page, ['idle'], 60_000);
  assert.match(await byId(page, 'search-cost').innerText(), /^The search trains 4 × 1 epochs, then 2 × 2 epochs on each of its 2 folds/);
  assert.match(await byId(page, 'blocks').innerText(), /^Blocks, oldest first: fit 364 rows · validation 52 · calibration 104 · test 280$/);
  await byId(page, 'train-button').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="status"]').innerText.startsWith('Searching settings: '), null, { timeout: 120_000, polling: 50 });
  assert.match(await page.title(), /^Searching \d+% · StockLSTM$/);
  assert.equal(await waitForState(page, ['done', 'error'], 600_000), 'done');

  const rows = await leaderboard(page);
  assert.deepEqual(rows.map((r) => r.number).sort(), [1, 2, 3, 4]);
  const scored = rows.filter((r) => r.val !== null);
  assert.ok(scored.length >= 1, 'a trial scored');
  for (const row of scored) {
    assert.ok(row.val > 0 && row.naive > 0, JSON.stringify(row));
    assert.match(row.settings, /(^|&)window=\d+&/);
  }
  // Best first: higher rungs first, then lower validation RMSE; the chosen row is the first.
  for (let i = 1; i < scored.length; i++) {
    const [a, b] = [scored[i - 1], scored[i]];
    assert.ok(a.rung > b.rung || (a.rung === b.rung && a.val <= b.val), `${JSON.stringify(a)} before ${JSON.stringify(b)}`);
  }
  assert.deepEqual(rows.map((r) => r.best), rows.map((_, i) => i === 0));
  assert.match(await byId(page, 'search-summary').innerText(), /^4 trials in \d+ s, ranked by validation RMSE on 2 walk-forward folds \(rows 313–364, rows 365–416\)/);
  assert.match(await byId(page, 'metric-test-rmse').innerText(), /^\d+\.\d+$/);
  // The run is the best's settings, trained for the epochs it chose, and joins the Runs table.
  const winner = new URLSearchParams(rows[0].settings);
  assert.equal(await byId(page, 'runs').locator('tbody tr').count(), 1);
  assert.equal(await byId(page, 'epoch').innerText(), `${winner.get('epochs')}/${winner.get('epochs')}`);

  const applied = rows[rows.length - 1];
  await byId(page, 'search-apply').nth(rows.length - 1).click();
  const wanted = new URLSearchParams(applied.settings);
  for (const key of ['window', 'units', 'layers', 'epochs']) {
    assert.equal(await page.locator(`[data-setting="${key}"]`).inputValue(), wanted.get(key), key);
  }
  await page.waitForFunction((w) => new URL(location.href).searchParams.get('window') === w, wanted.get('window'));
  const address = new URL(page.url()).searchParams;
  assert.equal(address.get('search'), 'off');
  assert.equal(address.get('units'), wanted.get('units'));
  assert.deepEqual(problems, []);
  await page.close();
});

test('patience=2 stops early, keeps the best epoch and says so', async () => {
  const { page, problems } = await openApp(app.context, `${app.server.url}?${TINY}&epochs=40&lr=0.05&patience=2`);
  await waitForState(page, ['idle'], 60_000);
  await byId(page, 'train-button').click();
  assert.equal(await waitForState(page, ['done', 'error'], 300_000), 'done');
  const early = byId(page, 'early-stop');
  const best = Number(await early.getAttribute('data-best-epoch'));
  const stopped = Number(await early.getAttribute('data-stopped-epoch'));
  assert.ok(best >= 1 && best <= stopped && stopped <= 40, `${best} ${stopped}`);
  if (stopped < 40) {
    assert.equal(stopped - best, 2);
    assert.equal(await early.innerText(), `Early stopping: stopped at epoch ${stopped} of 40, best epoch ${best} (no better validation loss in 2 epochs; the best epoch's weights kept).`);
    assert.equal(await byId(page, 'epoch').innerText(), `${stopped}/40`);
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('budget=0, budget=-5, trials=0, patience=0 and patience=abc are refused, naming the range', async () => {
  const { page } = await openApp(app.context, `${app.server.url}?budget=0&trials=0&patience=abc&split=65`);
  await waitForState(page, ['idle'], 60_000);
  const error = await byId(page, 'error').innerText();
  for (const part of [
    "budget: '0' is not valid: expected a whole number from 1 to 86400",
    "trials: '0' is not valid: expected a whole number from 1 to 1000",
    "patience: 'abc' is not valid: expected 'off' or a whole number from 1 to 1000",
  ]) {
    assert.ok(error.includes(part), `${part} in: ${error}`);
  }
  for (const [key, bad, expected] of [['budget', '-5', 'a whole number from 1 to 86400'], ['patience', '0', "'off' or a whole number from 1 to 1000"]]) {
    const input = page.locator(`[data-setting="${key}"]`);
    await input.fill(bad);
    await input.dispatchEvent('change');
    assert.equal(await byId(page, 'error').innerText(), `${key}: '${bad}' is not valid: expected ${expected}`);
  }
  await page.close();
});
