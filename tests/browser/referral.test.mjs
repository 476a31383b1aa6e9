// Where a customer goes next: a case the company let run out at every level
// is referred out (L5), and the customer's page lists the outside bodies and
// gives the referral package; after a final answer the page points to the
// options the answer states.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { Server, catalogue, launch, visit } from './harness.mjs';

const ko = catalogue.ko;
const HOUR_MS = 3600 * 1000;
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

async function lookUp(c) {
	await visit(page, server.base + '/');
	await page.fill('#lookup-receipt', c.receipt);
	await page.fill('#lookup-code', c.access_code);
	await page.getByRole('button', { name: ko['lookup.submit'], exact: true }).click();
	await page.locator('.case-summary').waitFor();
}

test('the outward referral options, after L5 and after a final answer', async () => {
	const ignored = await server.openCase({ subject: '아무도 답하지 않음' });
	const answered = await server.openCase({ subject: '최종 답변을 받음' });
	for (const c of [ignored, answered])
		await server.api('POST', `/v1/cases/${c.receipt}/demand`, { body: {}, headers: { 'X-Access-Code': c.access_code } });
	const lead = await server.login('hb.cardlead');
	await server.api('POST', `/v1/orgs/HB/cases/${answered.receipt}/final-answer`, { token: lead,
		body: { text: '이중 결제는 취소되었고 3영업일 안에 환불됩니다.' } });
	for (const hours of [25, 73, 73]) await server.api('POST', '/v1/test/clock', { body: { advance_ms: hours * HOUR_MS } });

	await lookUp(ignored);
	await page.locator('#referral-section').waitFor();
	assert.equal(await page.textContent('#referral-lead'), ko['referral.lead_referred']);
	const options = await page.locator('#referral-options li').allTextContents();
	assert.ok(options.some((o) => o.includes('금융감독원') && o.includes('1332')), options.join(' | '));
	assert.equal(options.length, 3, 'every option of the organisation');
	const [download] = await Promise.all([page.waitForEvent('download'),
		page.getByRole('button', { name: ko['referral.download'], exact: true }).click()]);
	const html = fs.readFileSync(await download.path(), 'utf8');
	assert.ok(html.includes('www.epeople.go.kr') && html.includes(ignored.receipt));

	await lookUp(answered);
	await page.locator('#referral-section').waitFor();
	assert.equal(await page.textContent('#referral-lead'), ko['referral.lead_final']);
	assert.equal(await page.isVisible('#referral-download'), false, 'no package before L5');
	assert.ok((await page.textContent('.timeline .event[data-kind=final_answer]')).includes('1332'), 'the final answer states the options');
	assert.deepEqual(browser.errors, [], 'no script errors or missing messages');
});
