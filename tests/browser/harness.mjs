// harness.mjs — what every browser story needs: the real ombud binary on a
// free loopback port with a fresh database and the demo data (as
// tests/blackbox/harness.py starts it), Debian's Chromium through
// playwright-core with a fresh profile, and screenshots in a temp folder.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '../..');
export const BIN = process.env.OMBUD_BIN || path.join(ROOT, 'build/ombud');
export const WEB_ROOT = path.join(ROOT, 'web');
export const CHROMIUM = process.env.OMBUD_CHROMIUM || '/usr/bin/chromium';
const START_TIMEOUT_MS = 30000;

export const catalogue = {
	ko: JSON.parse(fs.readFileSync(path.join(WEB_ROOT, 'i18n/ko.json'), 'utf8')),
	en: JSON.parse(fs.readFileSync(path.join(WEB_ROOT, 'i18n/en.json'), 'utf8')),
};

/* "login role staff_code password" lines of `ombud demo`, as {login: password}. */
function parseDemo(out) {
	const accounts = {};
	for (const line of out.split('\n')) {
		const parts = line.trim().split(/\s+/);
		if (parts.length === 4 && parts[0].includes('.') && parts[0] !== 'login') accounts[parts[0]] = parts[3];
	}
	if (Object.keys(accounts).length < 5) throw new Error('ombud demo printed no accounts:\n' + out);
	return accounts;
}

export class Server {
	async start() {
		this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ombud-browser-'));
		this.db = path.join(this.dir, 'ombud.db');
		this.logPath = path.join(this.dir, 'server.log');
		this.accounts = parseDemo(execFileSync(BIN, ['demo', '--db', this.db, '--log-level', 'warn'], { encoding: 'utf8' }));
		const portFile = path.join(this.dir, 'port');
		const log = fs.openSync(this.logPath, 'a');
		this.proc = spawn(BIN, ['serve', '--db', this.db, '--port', '0', '--port-file', portFile, '--web-root', WEB_ROOT,
			'--set', 'security.login_per_min=10000', '--set', 'security.lookup_per_min=100000',
			'--set', 'security.auth_failures_per_min=100000', '--set', 'security.login_failures_per_min=10000',
			'--test-mode'],
		{ stdio: ['ignore', log, log] });
		fs.closeSync(log);
		const deadline = Date.now() + START_TIMEOUT_MS;
		while (Date.now() < deadline) {
			if (this.proc.exitCode !== null) throw new Error('ombud exited during start:\n' + this.log());
			if (fs.existsSync(portFile)) {
				const port = Number(fs.readFileSync(portFile, 'utf8'));
				if (port) {
					this.base = `http://127.0.0.1:${port}`;
					try {
						if ((await fetch(this.base + '/healthz')).ok) return this;
					} catch {
						/* not listening yet */
					}
				}
			}
			await sleep(50);
		}
		throw new Error('ombud did not answer /healthz in time:\n' + this.log());
	}

	log() {
		try {
			return fs.readFileSync(this.logPath, 'utf8').slice(-6000);
		} catch {
			return '';
		}
	}

	/* Stops the server by its pid and removes its folder; a server that did
	 * not exit cleanly fails the story, with its log. */
	async stop() {
		if (this.proc && this.proc.exitCode === null) {
			const exited = new Promise((resolve) => this.proc.once('exit', resolve));
			this.proc.kill('SIGTERM');
			const patience = new AbortController();
			await Promise.race([exited, sleep(15000, null, { signal: patience.signal }).catch(() => null)]);
			patience.abort(); // no timer left to hold the test process open
			if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
		}
		const code = this.proc ? this.proc.exitCode : 0;
		const log = this.log();
		fs.rmSync(this.dir, { recursive: true, force: true });
		if (code !== 0) throw new Error(`ombud exited ${code ?? this.proc.signalCode}:\n${log}`);
	}

	/* A JSON call straight to the API (set-up and cross-checks, not the page). */
	async api(method, urlPath, { body, token, headers = {} } = {}) {
		const h = { ...headers };
		if (body !== undefined) h['Content-Type'] = 'application/json';
		if (token) h.Authorization = 'Bearer ' + token;
		const resp = await fetch(this.base + urlPath, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
		const text = await resp.text();
		const json = text ? JSON.parse(text) : null;
		if (!resp.ok) throw new Error(`${method} ${urlPath}: ${resp.status} ${text}`);
		return json;
	}

	async login(login) {
		return (await this.api('POST', '/v1/auth/login', { body: { login, password: this.accounts[login] } })).token;
	}

	/* Opens a case as a customer would through the API: {receipt, access_code, ...}. */
	openCase(fields = {}) {
		return this.api('POST', '/v1/orgs/HB/cases', { body: {
			category: 'CARD', name: '홍길동', contact: '010-1234-5678', subject: '카드 결제 오류',
			text: '결제가 두 번 되었습니다.', ...fields,
		} });
	}
}

/* Debian's Chromium, headless, with a fresh profile folder; the browser's own
 * time zone is not Seoul, so the pages must convert every time themselves. */
export async function launch(options = {}) {
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ombud-chromium-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
		timezoneId: 'America/New_York',
		locale: 'ko-KR',
		acceptDownloads: true,
		viewport: { width: 1280, height: 900 },
		...options,
	});
	const errors = [];
	context.on('weberror', (e) => errors.push(String(e.error())));
	context.on('console', (m) => {
		// a failed fetch is reported by the page itself; the API's 4xx answers are part of the stories
		if ((m.type() === 'error' || m.type() === 'warning') && !m.text().startsWith('Failed to load resource'))
			errors.push(`${m.type()}: ${m.text()}`);
	});
	context.on('response', (r) => {
		if (r.status() >= 400 && !new URL(r.url()).pathname.startsWith('/v1/')) errors.push(`${r.status()}: ${r.url()}`);
	});
	return {
		context,
		errors, // page errors and console errors/warnings (a missing catalogue key warns)
		async page() {
			const p = context.pages()[0] || (await context.newPage());
			return p;
		},
		async close() {
			await context.close();
			fs.rmSync(profile, { recursive: true, force: true });
		},
	};
}

/* Opens a page of ombud and waits until its script has drawn it. */
export async function visit(page, url) {
	await page.goto(url);
	await page.waitForSelector('body[data-ready=true]');
}

function shotDir() {
	if (!process.env.OMBUD_SHOTS_DIR) process.env.OMBUD_SHOTS_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'ombud-shots-'));
	fs.mkdirSync(process.env.OMBUD_SHOTS_DIR, { recursive: true });
	return process.env.OMBUD_SHOTS_DIR;
}

/* Saves a full-page screenshot under the run's temp folder; a `keep` name is
 * also copied to OMBUD_KEEP_SCREENSHOTS (docs/screenshots when refreshing them). */
export async function shot(page, name, { keep } = {}) {
	const file = path.join(shotDir(), name + '.png');
	await page.screenshot({ path: file, fullPage: true });
	if (keep && process.env.OMBUD_KEEP_SCREENSHOTS) {
		fs.mkdirSync(process.env.OMBUD_KEEP_SCREENSHOTS, { recursive: true });
		fs.copyFileSync(file, path.join(process.env.OMBUD_KEEP_SCREENSHOTS, keep + '.png'));
	}
	return file;
}

/* The hour and minute of an ISO time in Seoul, as "HH:MM". */
export function seoulHourMinute(iso) {
	return new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Seoul', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
		.format(new Date(iso));
}
