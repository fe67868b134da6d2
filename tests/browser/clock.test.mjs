// Bar sizes and calendars in headless Chromium: hourly FX, a monthly history and a year of
// 1-minute bars load with their frequency shown, train, and forecast on their own clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { browserSession, TINY, openApp, byId, waitForState, repo } from './harness.mjs';

const env = browserSession();
const fixture = (name) => join(repo, 'tests', 'fixtures', name);

/** Uploads `path` and waits until the summary names `name`. */
async function upload(page, path, name) {
  await byId(page, 'csv-input').setInputFiles(path);
  await page.waitForFunction((n) => document.querySelector('[data-testid="dataset-summary"]').innerText.includes(n), name);
  assert.equal(await waitForState(page, ['idle', 'error'], 60_000), 'idle', await byId(page, 'error').innerText());
}

/** The summary's frequency and trading week, as the page contract gives them. */
async function clock(page) {
  const summary = byId(page, 'dataset-summary');
  return { frequency: await summary.getAttribute('data-frequency'), week: await summary.getAttribute('data-week') };
}

/** Trains and returns the forecast table's rows as arrays of cells. */
async function forecastRows(page) {
  await byId(page, 'train-button').click();
  assert.equal(await waitForState(page, ['done', 'error'], 300_000), 'done', await byId(page, 'error').innerText());
  const rows = byId(page, 'forecast').locator('tbody tr');
  return Promise.all((await rows.all()).map((row) => row.locator('td').allInnerTexts()));
}

test('hourly FX and a monthly history are detected and forecast on their own clock', async () => {
  const { page, problems } = await openApp(env.context, `${env.server.url}?${TINY}`);
  await waitForState(page, ['idle'], 60_000);

  await upload(page, fixture('pandas-eurusd-1h.csv'), 'pandas-eurusd-1h.csv');
  assert.deepEqual(await clock(page), { frequency: '1h', week: '5' });
  assert.match(await byId(page, 'dataset-summary').innerText(), /5,000 hourly bars, 24 h Mon–Fri, 2017-04-19 08:00 to 2018-02-07 15:00/);
  assert.equal(await byId(page, 'horizon-span').innerText(), '5 hourly bars ≈ 0.2 trading days');
  let rows = await forecastRows(page);
  assert.deepEqual(rows.slice(0, 2).map((r) => r[0]), ['2018-02-07 16:00', '2018-02-07 17:00']);
  // EUR/USD keeps its pips: five decimals in the forecast and its bands.
  assert.match(rows[0][1], /^1\.\d{5}$/);
  assert.match(rows[0][2], /^1\.\d{5} – 1\.\d{5}$/);
  assert.equal(await page.locator('thead th').filter({ hasText: 'Time' }).count(), 1);
  assert.match(await byId(page, 'coverage').innerText(), /of test bars \(1 hourly bar ahead\), \d+% \(5 hourly bars ahead\)/);
  assert.match(await byId(page, 'holiday-note').innerText(), /holidays are not predicted/);
  // The chart counts bars (no empty nights or weekends) and reads them as stamps: after the run
  // it shows the test part through the last forecast bar.
  await page.waitForFunction(() => /\.\.2018-02-07 20:00$/.test(document.querySelector('[data-testid="chart"]').dataset.range));

  await upload(page, fixture('btc-usd-monthly-month-end.csv'), 'btc-usd-monthly-month-end.csv');
  assert.deepEqual(await clock(page), { frequency: '1M', week: null });
  assert.match(await byId(page, 'dataset-summary').innerText(), /156 monthly rows \(month-end\), 2012-01-31 to 2024-12-31/);
  rows = await forecastRows(page);
  assert.deepEqual(rows.slice(0, 2).map((r) => r[0]), ['2025-01-31', '2025-02-28']);
  assert.deepEqual(problems, []);
  await page.close();
});

test('bars= aggregates and last= trims, kept by the link; a bar size that changes is explained', async () => {
  const { page, problems } = await openApp(env.context, `${env.server.url}?${TINY}&bars=4h`);
  await waitForState(page, ['idle'], 60_000);
  await upload(page, fixture('stooq-eurusd-1h.csv'), 'stooq-eurusd-1h.csv');
  assert.deepEqual(await clock(page), { frequency: '4h', week: '5' });
  assert.match(await byId(page, 'dataset-summary').innerText(), /300 hourly rows aggregated into \d+ 4-hour bars \(bars=4h/);
  await page.locator('[data-setting="last"]').fill('50');
  await page.locator('[data-setting="last"]').dispatchEvent('change');
  await page.waitForFunction(() => document.querySelector('[data-testid="dataset-summary"]').innerText.includes('(last=50)'));
  assert.match(page.url(), /bars=4h&last=50&/);
  // A finer bar than the data's is not applied, and the page says why.
  await page.locator('[data-setting="bars"]').selectOption('15min');
  await page.waitForFunction(() => document.querySelector('[data-testid="data-warnings"]').innerText.includes('bars=15min was not applied'));

  await page.locator('[data-setting="bars"]').selectOption('');
  await page.locator('[data-setting="last"]').fill('');
  await page.locator('[data-setting="last"]').dispatchEvent('change');
  await upload(page, fixture('mixed-daily-then-hourly.csv'), 'mixed-daily-then-hourly.csv');
  assert.deepEqual(await clock(page), { frequency: 'irregular', week: null });
  assert.match(await byId(page, 'data-warnings').innerText(), /the bar size changes part-way: daily bars, then hourly bars from 2024-01-02 09:30 \(140 rows\); set bars=1d/);
  await page.locator('[data-setting="bars"]').selectOption('1d');
  await page.waitForFunction(() => document.querySelector('[data-testid="dataset-summary"]').dataset.frequency === '1d');
  assert.equal(await byId(page, 'data-warnings').innerText(), '');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a year of 1-minute bars loads and aggregates to hours in the worker', async () => {
  const lines = ['open_time,open,high,low,close,volume'];
  const start = Date.UTC(2024, 0, 1);
  for (let minute = 0; minute < 366 * 1440; minute++) {
    const p = 40_000 + (minute % 600) + Math.sin(minute / 5000) * 500;
    lines.push(`${start + minute * 60_000},${p.toFixed(2)},${(p + 1).toFixed(2)},${(p - 1).toFixed(2)},${(p + 0.5).toFixed(2)},1.5`);
  }
  const path = join(env.scratch, 'btc-1m-2024.csv');
  await writeFile(path, lines.join('\n'));
  const { page, problems } = await openApp(env.context, `${env.server.url}?${TINY}&bars=1h`);
  await waitForState(page, ['idle'], 60_000);
  await upload(page, path, 'btc-1m-2024.csv');
  assert.deepEqual(await clock(page), { frequency: '1h', week: '7' });
  const summary = await byId(page, 'dataset-summary').innerText();
  assert.match(summary, /8,784 hourly bars, 24 h, 7 days a week, 2024-01-01 00:00 to 2024-12-31 23:00/);
  assert.match(summary, /527,040 1-minute rows aggregated into 8,784 hourly bars/);
  const [, seconds] = summary.match(/parsed in ([\d.]+) s/);
  console.log(`a year of 1-minute bars (527,040 rows, ${(lines.join('\n').length / 1e6).toFixed(1)} MB) loaded and aggregated to hours in ${seconds} s`);
  // Without bars=, the page says the file is too long to train quickly and what would help.
  await page.locator('[data-setting="bars"]').selectOption('');
  await page.waitForFunction(() => document.querySelector('[data-testid="dataset-summary"]').dataset.frequency === '1min', null, { timeout: 60_000 });
  assert.match(await byId(page, 'data-warnings').innerText(), /527,040 rows: an epoch at the default settings would take a minute or more; set bars=\S+ \(about [\d,]+ bars\) or last=5000/);
  assert.deepEqual(problems, []);
  await page.close();
});
