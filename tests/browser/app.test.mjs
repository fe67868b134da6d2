// The app end to end in headless Chromium on burn's CPU backend: sample, upload, train, stop,
// bad input. WebGPU runs are in webgpu.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { browserSession, TINY, openApp, byId, waitForState, repo, cpuBackend } from './harness.mjs';

const app = browserSession();

// The bundled sample (IBM 2000-03-01 to 2013-03-01, 3270 rows), and the same rows newest first,
// as NSE, Nasdaq.com and Alpha Vantage write them.
const sample = join(repo, 'public', 'sample', 'IBM.csv');
async function newestFirst() {
  const [header, ...rows] = (await readFile(sample, 'utf8')).trim().split('\n');
  return { name: 'ibm-newest-first.csv', mimeType: 'text/csv', buffer: Buffer.from([header, ...rows.reverse()].join('\n')) };
}

async function readMetric(page, id) {
  const text = (await byId(page, id).innerText()).trim();
  assert.match(text, /^\d+(\.\d+)?$/, `${id} is a plain decimal number, got "${text}"`);
  return Number(text);
}

/** Share of the canvas' pixels that are not white: 0 for a blank chart. */
async function inkShare(page, id) {
  return page.locator(`[data-testid="${id}"]`).evaluate((canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240) ink++;
    return ink / (data.length / 4);
  });
}

test('loads the bundled sample under a sub-path and draws it', async () => {
  const { page, problems } = await openApp(app.context, app.server.url);
  assert.equal(await waitForState(page, ['idle', 'error'], 60_000), 'idle');
  const summary = await byId(page, 'dataset-summary').innerText();
  assert.match(summary, /3,270 daily rows, Mon–Fri/);
  assert.match(summary, /2000-03-01/);
  assert.match(summary, /2013-03-01/);
  assert.equal(await byId(page, 'error').isVisible(), false);
  assert.ok(await inkShare(page, 'chart') > 0.02, 'the price chart is drawn');
  assert.deepEqual(problems, []);
  await page.close();
});

test('uploads a newest-first CSV, trains on the CPU and shows metrics, baseline and forecast', async () => {
  const { page, problems } = await openApp(app.context, `${app.server.url}?${TINY}`);
  await waitForState(page, ['idle'], 60_000);
  await byId(page, 'csv-input').setInputFiles(await newestFirst());
  await page.waitForFunction(() => document.querySelector('[data-testid="dataset-summary"]').innerText.includes('ibm-newest-first.csv'));
  const summary = await byId(page, 'dataset-summary').innerText();
  assert.match(summary, /3,270 daily rows, Mon–Fri/);
  assert.match(summary, /2000-03-01/);
  assert.match(summary, /2013-03-01/);
  assert.match(summary, /newest-first: reversed/);
  await byId(page, 'train-button').click();
  assert.equal(await waitForState(page, ['done', 'error'], 300_000), 'done');
  assert.equal(await byId(page, 'backend').innerText(), cpuBackend);
  assert.equal(await byId(page, 'epoch').innerText(), '2/2');
  for (const id of ['metric-train-rmse', 'metric-test-rmse', 'metric-test-mae', 'metric-test-mape', 'metric-naive-rmse']) {
    const value = await readMetric(page, id);
    assert.ok(Number.isFinite(value) && value > 0, `${id} = ${value}`);
  }
  // The naive baseline on all 1145 test days of this file (Adj Close), computed independently.
  assert.ok(Math.abs((await readMetric(page, 'metric-naive-rmse')) - 1.6886) < 1e-4);
  const rows = await byId(page, 'forecast').locator('tbody tr').allInnerTexts();
  assert.equal(rows.length, 5);
  assert.match(rows[0], /^2013-03-04\s+\d+\.\d+\s+\d+\.\d+ – \d+\.\d+\s+\d+\.\d+ – \d+\.\d+$/);
  const direction = await readMetric(page, 'metric-test-direction');
  assert.ok(direction >= 0 && direction <= 100, `direction ${direction}`);
  assert.ok(await inkShare(page, 'loss-chart') > 0.01, 'the loss chart is drawn');
  assert.match(await page.locator('.verdict').innerText(), /The model (beat|matched|did not beat) the naive baseline on the test part/);
  assert.match(page.url(), /window=10&split=65&layers=1&units=8/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a CSV dropped on the data panel is loaded', async () => {
  const { page } = await openApp(app.context, app.server.url);
  await waitForState(page, ['idle'], 60_000);
  const transfer = await page.evaluateHandle(() => {
    const data = new DataTransfer();
    const rows = Array.from({ length: 200 }, (_, i) => `${new Date(Date.UTC(2021, 0, 1 + i)).toISOString().slice(0, 10)},${100 + i}`);
    data.items.add(new File([`Date,Close\n${rows.join('\n')}\n`], 'dropped.csv', { type: 'text/csv' }));
    return data;
  });
  await page.locator('.panel.data').dispatchEvent('drop', { dataTransfer: transfer });
  await page.waitForFunction(() => document.querySelector('[data-testid="dataset-summary"]').innerText.includes('dropped.csv'));
  assert.match(await byId(page, 'dataset-summary').innerText(), /200 daily rows, 7 days a week, 2021-01-01 to 2021-07-19/);
  await page.close();
});

test('a link can name the CSV to load, and an unreachable one is explained', async () => {
  const { page } = await openApp(app.context, `${app.server.url}?window=20&csv=sample%2FIBM.csv`);
  await waitForState(page, ['idle', 'error'], 60_000);
  assert.match(await byId(page, 'dataset-summary').innerText(), /IBM\.csv: 3,270 daily rows/);
  assert.match(page.url(), /window=20&.*&csv=sample%2FIBM\.csv$/);
  await page.close();
  const refused = await openApp(app.context, `${app.server.url}?csv=${encodeURIComponent('http://127.0.0.1:9/prices.csv')}`);
  assert.equal(await waitForState(refused.page, ['idle', 'error'], 60_000), 'error');
  assert.match(await byId(refused.page, 'error').innerText(), /http:\/\/127\.0\.0\.1:9\/prices\.csv could not be fetched .*CORS/);
  await refused.page.close();
});

test('a file listing several tickers lets the person pick one', async () => {
  const { page } = await openApp(app.context, app.server.url);
  await waitForState(page, ['idle'], 60_000);
  await byId(page, 'csv-input').setInputFiles(join(repo, 'tests', 'fixtures', 'tickers.csv'));
  await page.waitForFunction(() => document.querySelector('[data-testid="dataset-summary"]').innerText.includes('ticker AAPL'));
  assert.match(await byId(page, 'dataset-summary').innerText(), /3 daily rows, Mon–Fri, 2023-01-03 to 2023-01-05/);
  await byId(page, 'ticker-select').selectOption('MSFT');
  await page.waitForFunction(() => document.querySelector('[data-testid="dataset-summary"]').innerText.includes('ticker MSFT'));
  assert.equal(await waitForState(page, ['idle', 'error'], 10_000), 'idle');
  await page.close();
});

test('dates that fit both orders are flagged and the person can choose', async () => {
  const { page } = await openApp(app.context, app.server.url);
  await waitForState(page, ['idle'], 60_000);
  const path = join(app.scratch, 'ambiguous.csv');
  await writeFile(path, 'Date,Close\n01/02/2020,1\n02/02/2020,2\n03/02/2020,3\n');
  await byId(page, 'csv-input').setInputFiles(path);
  await page.waitForFunction(() => document.querySelector('[data-testid="dataset-summary"]').innerText.includes('ambiguous.csv'));
  assert.match(await byId(page, 'dataset-summary').innerText(), /2020-01-02 to 2020-03-02[\s\S]*no date proves the order/);
  await byId(page, 'day-order-select').selectOption('day/month/year');
  await page.waitForFunction(() => document.querySelector('[data-testid="dataset-summary"]').innerText.includes('2020-02-01 to 2020-02-03'));
  assert.equal(await byId(page, 'day-order-select').inputValue(), 'day/month/year');
  await page.close();
});

test('every exporter fixture loads in the page without editing', async () => {
  const expected = {
    'yahoo.csv': /4 daily rows, Mon–Fri, 2023-01-03 to 2023-01-09, target column 'Adj Close'/,
    'nasdaq.csv': /5 daily rows, Mon–Fri, 2023-01-03 to 2023-01-09, target column 'Close\/Last'/,
    'investing.csv': /3 daily rows, Mon–Fri, 2018-09-26 to 2018-09-28, target column 'Price'/,
    'investing-numeric-dates.csv': /3 daily rows, Mon–Fri, 2018-09-13 to 2018-09-28, target column 'Price'/,
    'stooq.csv': /3 daily rows, Mon–Fri, 2023-01-03 to 2023-01-05, target column 'Close'/,
    'kaggle.csv': /3 daily rows, Mon–Fri, 2017-11-08 to 2017-11-10, target column 'Close'/,
    'alphavantage.csv': /3 daily rows, Mon–Fri, 2023-01-03 to 2023-01-05, target column 'close'/,
    'nse.csv': /3 daily rows, Mon–Fri, 2018-09-26 to 2018-09-28, target column 'Close'/,
    'bse.csv': /3 daily rows, Mon–Fri, 2018-09-26 to 2018-09-28, target column 'Close Price'/,
    'european.csv': /3 daily rows, Mon–Fri, 2018-09-26 to 2018-09-28, target column 'Schlusskurs'/,
    'tab-separated.tsv': /2 daily rows, Mon–Fri, 2023-01-03 to 2023-01-04, target column 'Close'/,
    'bom-crlf-summary.csv': /3 daily rows, Mon–Fri, 2023-01-03 to 2023-01-05, target column 'Close'/,
    'tickers.csv': /3 daily rows, Mon–Fri, 2023-01-03 to 2023-01-05, target column 'Close'/,
    'excel-unicode-text.txt': /4 daily rows, Mon–Fri, 2023-01-03 to 2023-01-06, target column 'Close'/,
    'api-epoch-ms.csv': /3 daily rows, Mon–Fri, 2023-01-03 to 2023-01-05[\s\S]*read as Unix epoch milliseconds/,
    'api-epoch-seconds.csv': /3 daily rows, Mon–Fri, 2023-01-03 to 2023-01-05, target column 'close'[\s\S]*read as Unix epoch seconds/,
    // Bar sizes and calendars: exchange, broker and data-vendor layouts (tests/fixtures/README.md).
    'binance-btcusdt-1h.csv': /504 hourly bars, 24 h, 7 days a week, 2025-01-01 00:00 to 2025-01-21 23:00, target column 'Close'[\s\S]*no header row/,
    'cryptodatadownload-btc-daily.csv': /121 daily rows, 7 days a week, 2024-01-01 to 2024-04-30, target column 'close'[\s\S]*line above the header skipped/,
    'mt4-eurusd-h1.csv': /300 hourly bars, 24 h Mon–Fri, 2018-01-22 04:00 to 2018-02-07 15:00/,
    'yfinance-spy-5m.csv': /780 5-minute bars, 09:30–15:55 Mon–Fri[\s\S]*offsets -05:00 and -04:00 seen/,
    'coingecko-shib-daily.csv': /400 daily rows, 7 days a week, 2023-12-01 to 2025-01-03, target column 'price'/,
    'yahoo-weekly.csv': /261 weekly rows \(Mondays\), 2020-01-06 to 2024-12-30/,
    'yahoo-monthly.csv': /120 monthly rows \(month-start\)/,
    'fred-quarterly.csv': /100 quarterly rows \(quarter-start\)/,
    'fred-annual.csv': /40 yearly rows \(year-start\)/,
  };
  const { page } = await openApp(app.context, app.server.url);
  await waitForState(page, ['idle'], 60_000);
  for (const [name, summary] of Object.entries(expected)) {
    await byId(page, 'csv-input').setInputFiles(join(repo, 'tests', 'fixtures', name));
    await page.waitForFunction((n) => document.querySelector('[data-testid="dataset-summary"]').innerText.includes(n), name);
    assert.equal(await waitForState(page, ['idle', 'error'], 10_000), 'idle', name);
    assert.match(await byId(page, 'dataset-summary').innerText(), summary, name);
  }
  await page.close();
});

test('the same link and data give the same metrics', async () => {
  const metricsOnce = async () => {
    const { page } = await openApp(app.context, `${app.server.url}?${TINY}&seed=7`);
    await waitForState(page, ['idle'], 60_000);
    await byId(page, 'train-button').click();
    assert.equal(await waitForState(page, ['done', 'error'], 300_000), 'done');
    const values = await Promise.all(['metric-train-rmse', 'metric-test-rmse'].map((id) => byId(page, id).innerText()));
    await page.close();
    return values;
  };
  assert.deepEqual(await metricsOnce(), await metricsOnce());
});

test('the results can be kept: link, CSV with the shown indicators and chart PNG with its panes', async () => {
  await app.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const { page } = await openApp(app.context, `${app.server.url}?${TINY}&rsi=14`);
  await waitForState(page, ['idle'], 60_000);
  await byId(page, 'train-button').click();
  assert.equal(await waitForState(page, ['done', 'error'], 300_000), 'done');
  await byId(page, 'copy-link').click();
  await page.waitForFunction(() => document.querySelector('.share .note').innerText.length > 0);
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), page.url());
  const [csv] = await Promise.all([page.waitForEvent('download'), byId(page, 'export-csv').click()]);
  assert.equal(csv.suggestedFilename(), 'stocklstm-results.csv');
  const lines = (await readFile(await csv.path(), 'utf8')).trim().split('\n');
  assert.equal(lines[0], 'date,actual,fit_train,fit_test,forecast,low_80,high_80,low_95,high_95,rsi_14');
  assert.equal(lines.length, 1 + 3270 + 5 + 3, 'header, rows, forecast days, band coverage');
  assert.match(lines[14], /^2000-03-20,[\d.]+,[\d.]+,{7}$/, 'RSI 14 undefined on the first 14 bars');
  assert.match(lines[15], /^2000-03-21,[\d.]+,[\d.]+,{7}\d+\.\d{4}$/);
  assert.match(lines[1 + 3270 + 4], /^2013-03-08,,,,\d+\.\d{4},.*,$/);
  assert.equal(lines.at(-3), 'band coverage (% of bars inside),1 daily bar ahead,5 daily bars ahead');
  assert.match(lines.at(-1), /^test part 95%,\d+\.\d,\d+\.\d$/);
  const [png] = await Promise.all([page.waitForEvent('download'), byId(page, 'export-png').click()]);
  const bytes = await readFile(await png.path());
  assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], 'a PNG file');
  // The PNG is the whole canvas, down to the lowest pane's bottom.
  const height = bytes.readUInt32BE(20);
  assert.equal(height, await byId(page, 'chart').evaluate((c) => c.height));
  assert.ok(Number(await byId(page, 'rsi-pane').getAttribute('data-bottom')) <= height);
  await page.close();
});

test('an expanding-window backtest reports the spread of RMSE for model and baseline', async () => {
  const { page } = await openApp(app.context, `${app.server.url}?${TINY}&backtest=on&folds=3`);
  await waitForState(page, ['idle'], 60_000);
  await byId(page, 'train-button').click();
  assert.equal(await waitForState(page, ['done', 'error'], 300_000), 'done', await byId(page, 'error').innerText());
  assert.ok((await readMetric(page, 'metric-backtest-rmse')) > 0);
  assert.ok((await readMetric(page, 'metric-backtest-naive-rmse')) > 0);
  assert.match(await page.locator('.backtest').innerText(), /3 expanding-window folds/);
  assert.equal(await byId(page, 'epoch').innerText(), '2/2', 'fold epochs do not replace the main run\'s');
  await page.close();
});

test('with dropout the CPU trains on every worker (each share draws its own masks)', async () => {
  const { page } = await openApp(app.context, `${app.server.url}?${TINY}&dropout=0.2`);
  await waitForState(page, ['idle'], 60_000);
  await byId(page, 'train-button').click();
  assert.equal(await waitForState(page, ['done', 'error'], 300_000), 'done', await byId(page, 'error').innerText());
  assert.equal(await byId(page, 'backend').innerText(), cpuBackend);
  assert.ok((await readMetric(page, 'metric-test-rmse')) > 0);
  await page.close();
});

test('a saved model loads back in a fresh page and gives the same results without training', async () => {
  const { page } = await openApp(app.context, `${app.server.url}?${TINY}&seed=3`);
  await waitForState(page, ['idle'], 60_000);
  await byId(page, 'train-button').click();
  assert.equal(await waitForState(page, ['done', 'error'], 300_000), 'done');
  const trained = await byId(page, 'metric-test-rmse').innerText();
  const [download] = await Promise.all([page.waitForEvent('download'), byId(page, 'save-model').click()]);
  assert.equal(download.suggestedFilename(), 'stocklstm-model.json');
  const modelPath = join(app.scratch, 'model.json');
  await download.saveAs(modelPath);
  await page.close();

  const fresh = await openApp(app.context, app.server.url);
  await waitForState(fresh.page, ['idle'], 60_000);
  await byId(fresh.page, 'model-input').setInputFiles(modelPath);
  assert.equal(await waitForState(fresh.page, ['done', 'error'], 60_000), 'done', await byId(fresh.page, 'error').innerText());
  assert.equal(await byId(fresh.page, 'metric-test-rmse').innerText(), trained);
  assert.match(fresh.page.url(), /window=10&.*seed=3/);
  const damaged = join(app.scratch, 'damaged.json');
  const saved = JSON.parse(await readFile(modelPath, 'utf8'));
  assert.equal(saved.format, 'stocklstm-model');
  assert.equal(saved.settings.window, 10);
  saved.record = saved.record.slice(0, saved.record.length / 2);
  await writeFile(damaged, JSON.stringify(saved));
  await byId(fresh.page, 'model-input').setInputFiles(damaged);
  assert.equal(await waitForState(fresh.page, ['error'], 60_000), 'error');
  assert.match(await byId(fresh.page, 'error').innerText(), /the model was not loaded: the model file is damaged/);
  await fresh.page.close();
});

test('once loaded, the page works offline', async () => {
  const { page, problems } = await openApp(app.context, app.server.url);
  await waitForState(page, ['idle'], 60_000);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await waitForState(page, ['idle'], 60_000);
  await app.context.setOffline(true);
  try {
    await page.reload();
    assert.equal(await waitForState(page, ['idle', 'error'], 60_000), 'idle', await byId(page, 'error').innerText());
    assert.match(await byId(page, 'dataset-summary').innerText(), /3,270 daily rows/);
  } finally {
    await app.context.setOffline(false);
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('stop ends training early and keeps the model trained so far', async () => {
  const { page } = await openApp(app.context, `${app.server.url}?window=10&epochs=500&layers=1&units=8&backend=cpu`);
  await waitForState(page, ['idle'], 60_000);
  await byId(page, 'train-button').click();
  await page.waitForFunction(() => /^[1-9]\d*\//.test(document.querySelector('[data-testid="epoch"]').innerText), null, { timeout: 120_000 });
  // Training runs in the worker: the page keeps painting frames meanwhile.
  let slowest = 0;
  for (let i = 0; i < 20; i++) {
    const started = Date.now();
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve())));
    slowest = Math.max(slowest, Date.now() - started);
  }
  assert.ok(slowest < 500, `a frame took ${slowest} ms during training`);
  assert.equal(await byId(page, 'status').getAttribute('data-state'), 'training');
  await byId(page, 'stop-button').click();
  assert.equal(await waitForState(page, ['done', 'error'], 120_000), 'done');
  const [done, total] = (await byId(page, 'epoch').innerText()).split('/').map(Number);
  assert.equal(total, 500);
  assert.ok(done >= 1 && done < 500, `stopped at ${done}`);
  assert.ok((await readMetric(page, 'metric-test-rmse')) > 0);
  assert.match(await byId(page, 'status').innerText(), /Stopped early/);
  await page.close();
});

test('bad files get a clear message and the app stays usable', async () => {
  const { page } = await openApp(app.context, app.server.url);
  await waitForState(page, ['idle'], 60_000);
  const upload = async (name, content) => {
    const path = join(app.scratch, name);
    await writeFile(path, content);
    await byId(page, 'csv-input').setInputFiles(path);
    return waitForState(page, ['idle', 'error'], 60_000);
  };
  const cases = [
    ['empty.csv', '', /empty\.csv was not loaded: the file is empty/],
    ['header.csv', 'Date,Open,Close\n', /header row but no data rows/],
    ['words.csv', 'Date,Name\n2020-01-01,a\n2020-01-02,b\n', /no numeric price column/],
    ['garbage.bin', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 0xff, 0xfe, 0]), /not a text CSV file/],
  ];
  for (const [name, content, message] of cases) {
    assert.equal(await upload(name, content), 'error', name);
    assert.equal(await byId(page, 'error').isVisible(), true, name);
    assert.match(await byId(page, 'error').innerText(), message);
  }
  // No date column: loads in file order and says so.
  const prices = Array.from({ length: 300 }, (_, i) => (100 + Math.sin(i / 5)).toFixed(2)).join('\n');
  assert.equal(await upload('nodates.csv', `Close\n${prices}\n`), 'idle');
  assert.match(await byId(page, 'dataset-summary').innerText(), /no date column found: rows are used in file order/);
  // Too short for the window: the message says how many rows are needed.
  const short = ['Date,Close', ...Array.from({ length: 16 }, (_, i) => `2018-10-${String(i + 1).padStart(2, '0')},${200 + i}`)].join('\n');
  await byId(page, 'csv-input').setInputFiles({ name: 'short.csv', mimeType: 'text/csv', buffer: Buffer.from(short) });
  await page.waitForFunction(() => document.querySelector('[data-testid="dataset-summary"]').innerText.includes('16 daily rows'));
  await byId(page, 'train-button').click();
  assert.equal(await waitForState(page, ['error'], 10_000), 'error');
  assert.match(await byId(page, 'error').innerText(), /only 16 rows after cleaning, but window 100 .* needs at least 240 rows/);
  // A good file clears the message.
  await byId(page, 'csv-input').setInputFiles(sample);
  await page.waitForFunction(() => document.querySelector('[data-testid="dataset-summary"]').innerText.includes('3,270 daily rows'));
  assert.equal(await waitForState(page, ['idle'], 10_000), 'idle');
  assert.equal(await byId(page, 'error').isVisible(), false);
  await page.close();
});

test('invalid settings in the link or the form are rejected with a message', async () => {
  const { page } = await openApp(app.context, `${app.server.url}?window=0&units=16`);
  await waitForState(page, ['idle'], 60_000);
  assert.match(await byId(page, 'error').innerText(), /window: '0' is not valid: expected a whole number from 2 to 1000/);
  assert.equal(await page.locator('[data-setting="window"]').inputValue(), '100');
  assert.equal(await page.locator('[data-setting="units"]').inputValue(), '16');
  await page.locator('[data-setting="lr"]').fill('-3');
  await page.locator('[data-setting="lr"]').dispatchEvent('change');
  assert.match(await byId(page, 'error').innerText(), /lr: '-3' is not valid/);
  assert.match(page.url(), /lr=0.001/);
  await page.locator('[data-setting="epochs"]').fill('7');
  await page.locator('[data-setting="epochs"]').dispatchEvent('change');
  assert.match(page.url(), /epochs=7/);
  assert.equal(await byId(page, 'error').isVisible(), false);
  await page.close();
});

test('a 50 MB file parses in the worker while the page stays responsive', async () => {
  const lines = ['Date,Open,High,Low,Close,Volume'];
  let day = Date.UTC(1900, 0, 1);
  let size = 0;
  while (size < 50 * 1024 * 1024) {
    const date = new Date(day).toISOString().slice(0, 10);
    const line = `${date},101.25,102.5,100.75,101.5,123456789`;
    lines.push(line);
    size += line.length + 1;
    day += 86_400_000;
  }
  const path = join(app.scratch, 'big.csv');
  await writeFile(path, lines.join('\n'));
  const { page } = await openApp(app.context, app.server.url);
  await waitForState(page, ['idle'], 60_000);
  await byId(page, 'csv-input').setInputFiles(path);
  let slowest = 0;
  let progress = [];
  while ((await byId(page, 'status').getAttribute('data-state')) === 'loading') {
    const started = Date.now();
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve())));
    slowest = Math.max(slowest, Date.now() - started);
    const text = await byId(page, 'status').innerText();
    if (/% of the file read/.test(text)) progress.push(text);
  }
  assert.ok(progress.length > 0, 'progress was shown while the file loaded');
  assert.equal(await byId(page, 'status').getAttribute('data-state'), 'idle', await byId(page, 'error').innerText());
  assert.match(await byId(page, 'dataset-summary').innerText(), new RegExp(`${(lines.length - 1).toLocaleString('en-US')} daily rows`));
  assert.ok(slowest < 800, `the page answered within ${slowest} ms while parsing`);
  const [, seconds, megabytes] = (await byId(page, 'dataset-summary').innerText()).match(/parsed in ([\d.]+) s \(worker memory (\d+) MB\)/);
  console.log(`${lines.length - 1} rows (${(size / 1e6).toFixed(1)} MB) parsed in ${seconds} s, worker memory ${megabytes} MB, slowest frame ${slowest} ms`);
  assert.ok(Number(megabytes) < 1024, 'the parse stays within its 1 GiB memory budget');
  await page.close();
});
