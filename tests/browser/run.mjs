// run.mjs — the browser suite's entry (Meson runs it): checks that Debian's
// Chromium and playwright-core are there, then runs every *.test.mjs here
// with node's own test runner, one file at a time. Without a browser the
// suite is skipped (exit 77) on a developer's machine and fails under CI=true.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.OMBUD_CHROMIUM || '/usr/bin/chromium';
const SKIP = 77; // Meson's "skipped"

function missing(what) {
	const ci = process.env.CI === 'true';
	console.error(`browser tests: ${what} is missing; run tools/deps.sh (as root)${ci ? '' : ' — skipped'}`);
	process.exit(ci ? 1 : SKIP);
}

try {
	fs.accessSync(CHROMIUM, fs.constants.X_OK);
} catch {
	missing(CHROMIUM + ' (Debian package chromium)');
}
try {
	createRequire(import.meta.url).resolve('playwright-core');
} catch {
	missing('playwright-core (npm ci at the top of the repository)');
}

const files = fs.readdirSync(here).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => path.join(here, f));
const shots = process.env.OMBUD_SHOTS_DIR || fs.mkdtempSync(path.join(os.tmpdir(), 'ombud-shots-'));
const run = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], {
	stdio: 'inherit', env: { ...process.env, OMBUD_SHOTS_DIR: shots },
});
console.log(`browser tests: screenshots in ${shots}`);
process.exit(run.status ?? 1);
