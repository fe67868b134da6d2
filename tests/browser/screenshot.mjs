// Makes docs/screenshot.png, the README's picture: a run on the bundled sample, the chart zoomed
// into the test part and forecast with the hover readout showing. Run after a build:
// `node tests/browser/screenshot.mjs` (not part of the tests).
import { join } from 'node:path';
import { serveDist, launch, openApp, byId, waitForState, repo } from './harness.mjs';

const server = await serveDist('/');
const context = await launch();
const { page } = await openApp(context, `${server.url}?window=30&epochs=15&layers=2&units=32&horizon=30&backend=cpu&seed=3`);
await page.setViewportSize({ width: 1360, height: 1180 });
await waitForState(page, ['idle'], 60_000);
await byId(page, 'train-button').click();
if (await waitForState(page, ['done', 'error'], 600_000) !== 'done') throw new Error(await byId(page, 'error').innerText());
await byId(page, 'view-test-forecast').click();
const box = await byId(page, 'chart').boundingBox();
await page.mouse.move(box.x + box.width * 0.985, box.y + box.height / 2);
await page.mouse.wheel(0, -500);
await page.waitForTimeout(300);
await page.mouse.move(box.x + box.width * 0.93, box.y + box.height / 2);
await page.waitForTimeout(300);
await page.screenshot({ path: join(repo, 'docs', 'screenshot.png'), clip: { x: 0, y: 0, width: 1360, height: 1180 } });
await context.close();
server.close();
