// Shared set-up for the browser tests: a static server for dist/ and headless Debian Chromium.
import { createServer } from 'node:http';
import { readFile, mkdtemp } from 'node:fs/promises';
import { before, after } from 'node:test';
import { tmpdir, availableParallelism } from 'node:os';
import { join, extname, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repo = join(here, '..', '..');
export const dist = process.env.STOCKLSTM_DIST ?? join(repo, 'dist');
// What the page names the CPU backend here with `workers=auto`: a worker per core, up to the 8
// shares a batch is cut into.
const cores = Math.min(availableParallelism(), 8);
export const cpuBackend = cores === 1 ? 'CPU (1 worker)' : `CPU (${cores} workers)`;

const types = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.csv': 'text/csv', '.md': 'text/plain', '.png': 'image/png',
};

/** Serves dist/ on 127.0.0.1 (a secure context, as WebGPU requires) under `prefix`. */
export async function serveDist(prefix = '/') {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!path.startsWith(prefix)) { res.writeHead(404).end(); return; }
    let file = normalize(path.slice(prefix.length)) || 'index.html';
    if (file.endsWith('/') || file === '.') file = join(file, 'index.html');
    try {
      const body = await readFile(join(dist, file));
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}${prefix}`, close: () => server.close() };
}

/** Headless Chromium with the flags this machine needs; `webgpu` adds the unsafe-WebGPU switch. */
export async function launch({ webgpu = false } = {}) {
  const userDataDir = await mkdtemp(join(tmpdir(), 'stocklstm-chromium-'));
  const args = [
    '--headless', '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader',
  ];
  if (webgpu) args.push('--enable-unsafe-webgpu');
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args,
    viewport: { width: 1400, height: 1000 },
  });
  return context;
}

/** Opens the app and collects console errors and uncaught exceptions. */
export async function openApp(context, url) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(url);
  return { page, problems };
}

export const byId = (page, id) => page.locator(`[data-testid="${id}"]`);

/** Waits until the status element's data-state is one of `states`, and returns it. */
export async function waitForState(page, states, timeout) {
  await page.waitForFunction(
    (wanted) => wanted.includes(document.querySelector('[data-testid="status"]')?.dataset.state),
    states, { timeout, polling: 200 });
  return byId(page, 'status').getAttribute('data-state');
}

/** A small, quick CPU run for tests that need results, not a good model. */
export const TINY = 'window=10&epochs=2&layers=1&units=8&horizon=5&backend=cpu';

/**
 * Serves dist/ under `/stocklstm/` and starts Chromium before a test file's tests, with a scratch
 * folder for generated files, and closes them after: `server`, `context` and `scratch` are set
 * on the returned object once the tests run.
 */
export function browserSession() {
  const session = {};
  before(async () => {
    session.server = await serveDist('/stocklstm/');
    session.context = await launch();
    session.scratch = await mkdtemp(join(tmpdir(), 'stocklstm-files-'));
  });
  after(async () => {
    await session.context?.close();
    session.server?.close();
  });
  return session;
}
