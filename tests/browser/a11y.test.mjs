// Every control of every page has a name a screen reader can say (a label,
// aria-label or aria-labelledby; a button its text), with the pages drawn as
// their users see them: the console with a case open, the oversight page
// with a block, an appeal and a telemarketing case in its tables.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Server, catalogue, launch, visit } from './harness.mjs';

const ko = catalogue.ko;
let server, browser, page;

before(async () => {
	server = await new Server().start();
	browser = await launch();
	page = await browser.page();
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

/* The controls on screen that have no accessible name, as "tag#id". */
function unnamed() {
	return page.evaluate(() => [...document.querySelectorAll('input, select, textarea, button, a[href]')]
		.filter((c) => c.offsetParent !== null || c.getClientRects().length)
		.filter((c) => {
			if (c.getAttribute('aria-label')?.trim() || c.getAttribute('aria-labelledby')) return false;
			if (c.labels && [...c.labels].some((l) => l.textContent.trim())) return false;
			if ((c.tagName === 'BUTTON' || c.tagName === 'A') && c.textContent.trim()) return false;
			return true;
		})
		.map((c) => `${c.tagName.toLowerCase()}#${c.id || c.name || '?'}`));
}

async function logIn(url, login) {
	await visit(page, server.base + url);
	await page.getByLabel(ko['field.login'], { exact: true }).fill(login);
	await page.getByLabel(ko['field.password'], { exact: true }).fill(server.accounts[login]);
	await page.getByRole('button', { name: ko['login.submit'], exact: true }).click();
}

test('every control has a name', async () => {
	const c = await server.openCase();
	for (const url of ['/', '/figures.html', '/report.html', '/console.html', '/oversight.html']) {
		await visit(page, server.base + url);
		assert.deepEqual(await unnamed(), [], url);
	}
	await page.context().clearCookies();
	await logIn('/console.html', 'cc.super');
	await page.getByRole('button', { name: c.receipt, exact: true }).waitFor();
	await page.getByRole('button', { name: c.receipt, exact: true }).click();
	await page.locator('.case-summary').waitFor();
	assert.deepEqual(await unnamed(), [], 'the console with a case');

	const tm = await server.login('tm1.caller');
	await server.api('POST', '/v1/orgs/TM1/tm/business', { token: tm, body: { name: '다온텔레마케팅', registration_id: 'R-1', contact: '02-555-0199' } });
	await server.api('POST', '/v1/orgs/TM1/tm/numbers', { token: tm, body: { number: '02-555-0100' } });
	await server.api('POST', '/v1/test/clock', { body: { advance_ms: 3600000 } });
	const now = (await server.api('POST', '/v1/test/clock', { body: { advance_ms: 0 } })).now_ms;
	await server.api('POST', '/v1/tm/reports', { body: { caller: '02-555-0100', callee: '010-2000-0001',
		call_time: new Date(now - 60000).toISOString(), reason: 'no_source_disclosed' } });
	const screener = await server.login('dt.screen');
	await server.api('POST', '/v1/screen/blocks', { token: screener, body: { number: '070-4000-1234', reason: 'test' } });
	await page.getByRole('button', { name: ko['login.logout'], exact: true }).click();
	for (const login of ['fsr.officer', 'dt.screen']) {
		await logIn('/oversight.html', login);
		await page.locator('#oversight').waitFor();
		await page.locator(login === 'dt.screen' ? '#blocks tbody tr' : '#tm-cases tbody tr').first().waitFor();
		assert.deepEqual(await unnamed(), [], `oversight as ${login}`);
		await page.getByRole('button', { name: ko['login.logout'], exact: true }).click();
	}
	assert.deepEqual(browser.errors, [], 'no script errors or missing messages');
});
