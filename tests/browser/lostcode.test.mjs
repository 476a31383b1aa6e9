// A customer who lost the access code gets a one-time code at the case's
// contact, exchanges it for a new access code and reads the case with it;
// the old code stops working.
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

test('a lost access code is replaced through a one-time code to the contact', async () => {
	const opened = await server.openCase({ contact: 'lost@example.com', subject: '열람코드 분실' });
	await visit(page, server.base + '/');
	await page.getByText(ko['lost.title']).click();
	await page.getByLabel(ko['lost.receipt'], { exact: true }).fill(opened.receipt);
	await page.getByRole('button', { name: ko['lost.send'], exact: true }).click();
	await page.locator('#lost-code-form').waitFor();
	const mail = (await server.api('GET', '/v1/test/outbox?limit=100')).items.filter((m) => m.recipient === 'lost@example.com').pop();
	const code = /\b(\d{6})\b/.exec(mail.body)[1];
	await page.getByLabel(ko['field.one_time_code']).fill(code === '000000' ? '111111' : '000000');
	await page.getByRole('button', { name: ko['lost.exchange'], exact: true }).click();
	await page.getByText(ko['lost.wrong_code']).waitFor();
	await page.getByLabel(ko['field.one_time_code']).fill(code);
	await page.getByRole('button', { name: ko['lost.exchange'], exact: true }).click();
	await page.locator('.case-summary').waitFor();
	assert.ok((await page.textContent('.case-summary')).includes('열람코드 분실'));
	const fresh = await page.inputValue('#lookup-code');
	assert.match(fresh, /^[A-Z2-9]{10}$/);
	assert.notEqual(fresh, opened.access_code);
	assert.ok((await page.textContent('#lost-status')).includes(fresh), 'the new code is shown to keep');
	const old = await fetch(`${server.base}/v1/cases/${opened.receipt}`, { headers: { 'X-Access-Code': opened.access_code } });
	assert.equal(old.status, 404, 'the old access code stopped working');
	assert.deepEqual(browser.errors, [], 'no script errors or missing messages');
});
