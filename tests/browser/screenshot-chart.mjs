// Makes docs/trader-chart.png, the README's picture of the trader's chart: the bundled sample's
// last year as candles with SMA 20 and 50, Bollinger bands, and the volume, RSI and MACD panes,
// the hover readout showing. Run after a build: `node tests/browser/screenshot-chart.mjs` (not
// part of the tests).
import { join } from 'node:path';
import { serveDist, launch, openApp, byId, waitForState, repo } from './harness.mjs';

const server = await serveDist('/');
const context = await launch();
const { page } = await openApp(context, `${server.url}?sma=20,50&bollinger=20,2&rsi=14&macd=on`);
await page.setViewportSize({ width: 1360, height: 1300 });
await waitForState(page, ['idle'], 60_000);
await byId(page, 'view-last-year').click();
const chart = byId(page, 'chart');
await chart.scrollIntoViewIfNeeded();
const box = await chart.boundingBox();
await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.3);
await page.waitForFunction(() => / · Volume /.test(document.querySelector('[data-testid="chart-readout"]').textContent));
const top = Math.max(0, box.y - 90);
await page.screenshot({ path: join(repo, 'docs', 'trader-chart.png'), clip: { x: box.x - 20, y: top, width: box.width + 40, height: box.height + 200 } });
await context.close();
server.close();
