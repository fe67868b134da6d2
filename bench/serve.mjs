// What the benchmarks share: the reference data set's path, a server for the built app, the
// bench folder and the data (cross-origin isolated, so TensorFlow.js' wasm backend may use
// threads, its best case), and a cap on each measurement (BENCH_CAP_S, default 300 s).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, join, extname, normalize } from 'node:path';
import { existsSync } from 'node:fs';
import { dist, repo } from '../tests/browser/harness.mjs';

export const cap = Number(process.env.BENCH_CAP_S ?? 300);
// The reference data set is not in the repository (no licence to ship it): BENCH_DATA names it,
// by default the copy beside the repository.
export const nse = process.env.BENCH_DATA ?? join(repo, '..', 'shared', 'data', 'NSE-TATAGLOBAL.csv');
if (!existsSync(nse)) {
  console.error(`bench: the reference data set ${nse} is missing: set BENCH_DATA to the path of NSE-TATAGLOBAL.csv ` +
    '(Tata Global Beverages, NSE daily, 2010-07-21 to 2018-09-28, the data set of the stacked-LSTM notebooks)');
  process.exit(2);
}
const roots = { '/app/': dist, '/bench/': join(repo, 'bench'), '/data/': dirname(nse) };
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

export const server = createServer(async (req, res) => {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const prefix = Object.keys(roots).find((p) => path.startsWith(p));
  let file = prefix && normalize(path.slice(prefix.length));
  if (file === '' || file === '.') file = 'index.html';
  try {
    const body = await readFile(join(roots[prefix], file));
    res.writeHead(200, {
      'content-type': types[extname(file)] ?? 'application/octet-stream',
      'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp',
    }).end(body);
  } catch { res.writeHead(404).end(); }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
export const base = `http://127.0.0.1:${server.address().port}`;

// The timer is unref'd so that a finished benchmark exits without waiting out the cap.
export const capped = (promise) => Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve(null), cap * 1000).unref())]);
