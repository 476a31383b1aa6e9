// Without accounts and with them: a consumer reports an unwanted
// telemarketing call and follows the report; the regulator confirms the
// business's case and sees the sanction with its fine; the consumer then sees
// the fine on the report. A carrier's operator blocks a number with its
// evidence and looks the number up; the number's holder appeals after a
// one-time code to the number; the operator lifts the block from the
// appeal. The operator allowlists a number and takes it off again.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Server, catalogue, launch, shot, visit } from './harness.mjs';

const ko = catalogue.ko;
const HOUR_MS = 3600 * 1000;
const TM_NUMBER = '02-555-0100';
const BLOCKED = '070-4000-1234';
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

async function logIn(login) {
	await visit(page, server.base + '/oversight.html');
	if (await page.isVisible('#oversight')) {
		await page.getByRole('button', { name: ko['login.logout'], exact: true }).click();
		await page.locator('#login-section').waitFor();
	}
	await page.getByLabel(ko['field.login']).fill(login);
	await page.getByLabel(ko['field.password']).fill(server.accounts[login]);
	await page.getByRole('button', { name: ko['login.submit'], exact: true }).click();
	await page.locator('#oversight').waitFor();
}

/* The server's clock now, as a datetime-local value in Seoul, minutes ago. */
async function seoulLocal(minutesAgo) {
	const now = (await server.api('POST', '/v1/test/clock', { body: { advance_ms: 0 } })).now_ms;
	return new Date(now - minutesAgo * 60000 + 9 * HOUR_MS).toISOString().slice(0, 16);
}

async function lastSms(recipient) {
	const items = (await server.api('GET', '/v1/test/outbox?limit=100')).items.filter((m) => m.channel === 'sms' && m.recipient === recipient);
	return items.pop();
}

test('telemarketing reports and call-screening blocks, from both sides', async (t) => {
	const tm = await server.login('tm1.caller');
	await server.api('POST', '/v1/orgs/TM1/tm/business', { token: tm, body: { name: '다온텔레마케팅', registration_id: '2026-서울-0417', contact: '02-555-0199' } });
	await server.api('POST', '/v1/orgs/TM1/tm/numbers', { token: tm, body: { number: TM_NUMBER, daily_cap: 500 } });
	await server.api('POST', '/v1/test/clock', { body: { advance_ms: HOUR_MS } });
	let report;

	await t.test('a consumer reports a call that did not say where it got the number', async () => {
		await visit(page, server.base + '/report.html');
		await page.getByLabel(ko['field.caller']).fill(TM_NUMBER);
		await page.getByLabel(ko['field.callee']).fill('01020000001');
		await page.getByLabel(ko['field.call_time']).fill(await seoulLocal(5));
		await page.getByLabel(ko['field.report_reason']).selectOption('no_source_disclosed');
		await page.getByLabel(ko['field.report_text']).fill('어디서 제 번호를 알았는지 말하지 않았습니다.');
		await page.getByRole('button', { name: ko['report.submit'], exact: true }).click();
		await page.locator('#report-receipt').waitFor();
		report = { receipt: await page.textContent('#report-number'), code: await page.textContent('#report-code') };
		assert.match(report.receipt, /^RPT-\d{4}-\d{7}$/);
		const facts = await page.textContent('#report-facts');
		assert.ok(facts.includes('다온텔레마케팅'), facts);
		assert.ok(facts.includes(ko['violation.no_disclosure']), facts);
		assert.ok(facts.includes('02-555-0100'), 'the number in its Korean form');
		const api = await server.api('GET', `/v1/tm/reports/${report.receipt}`, { headers: { 'X-Access-Code': report.code } });
		assert.equal(api.callee, '+821020000001');
		assert.equal(api.status, 'open');
		await shot(page, 'report', { keep: 'report' });
	});

	await t.test('the regulator confirms the business\'s case: one sanction, 7,500,000 KRW', async () => {
		await logIn('fsr.officer');
		assert.equal(await page.isVisible('#block-form'), false, 'a regulator reads blocks but does not set them');
		assert.equal(await page.isVisible('#allow-form'), false, 'nor changes the allowlist');
		assert.equal(await page.isVisible('#allow-section'), true);
		const row = page.locator('#tm-cases tbody tr').first();
		await row.waitFor();
		assert.ok((await row.textContent()).includes('7,500,000원'), await row.textContent());
		await row.getByRole('button', { name: ko['tm.confirm'], exact: true }).click();
		await page.locator('#tm-status[data-kind=error]').waitFor(); // a decision needs its reason
		await row.getByRole('textbox').fill('정보 출처 미고지 확인');
		await row.getByRole('button', { name: ko['tm.confirm'], exact: true }).click();
		await page.locator('#tm-status[data-kind=ok]').waitFor();
		const sanction = page.locator('#tm-sanctions tbody tr').first();
		await sanction.waitFor();
		const text = await sanction.textContent();
		for (const part of ['다온텔레마케팅', '7,500,000원', '정보 출처 미고지 확인']) assert.ok(text.includes(part), text);
		assert.equal(await page.locator('#tm-cases tbody tr').count(), 0, 'nothing left undecided');
		await shot(page, 'oversight-regulator');
	});

	await t.test('the consumer follows the report and sees the fine', async () => {
		await visit(page, server.base + '/report.html');
		await page.getByRole('textbox', { name: ko['field.receipt'] }).fill(report.receipt);
		await page.getByRole('textbox', { name: ko['field.access_code'] }).fill(report.code);
		await page.getByRole('button', { name: ko['report.follow'], exact: true }).click();
		await page.locator('#report-facts .status[data-status=confirmed]').waitFor();
		assert.ok((await page.textContent('#report-facts')).includes('7,500,000원'));
		await page.getByRole('textbox', { name: ko['field.access_code'] }).fill('WRONGCODE1');
		await page.getByRole('button', { name: ko['report.follow'], exact: true }).click();
		await page.getByText(ko['report.not_found']).waitFor();
	});

	await t.test('the carrier blocks a number; the evidence packet opens', async () => {
		await logIn('dt.screen');
		assert.equal(await page.isVisible('#tm-section'), false, 'telemarketing is the regulator\'s');
		assert.ok((await page.textContent('#who')).includes('데모텔레콤 (DT)'), await page.textContent('#who'));
		await page.getByLabel(ko['field.number']).fill(BLOCKED);
		await page.getByLabel(ko['field.block_reason']).fill('경찰 수사 요청');
		await page.getByLabel(ko['blocks.voice_phishing']).check();
		await page.getByRole('button', { name: ko['blocks.submit'], exact: true }).click();
		const row = page.locator('#blocks tbody tr[data-number="+827040001234"]');
		await row.waitFor();
		assert.ok((await row.textContent()).includes('070-4000-1234'));
		assert.ok((await row.textContent()).includes(ko['reason.operator_block']));
		const href = await row.getByRole('link').getAttribute('href');
		const packet = await page.evaluate(async (u) => { const r = await fetch(u, { credentials: 'same-origin' }); return [r.status, await r.text()]; }, href);
		assert.equal(packet[0], 200);
		assert.ok(packet[1].includes('+827040001234') && packet[1].includes('경찰 수사 요청'));
		const lookUp = async (number) => {
			await page.getByLabel(ko['numstate.number']).fill(number);
			await page.getByRole('button', { name: ko['numstate.submit'], exact: true }).click();
		};
		await lookUp('');
		await page.locator('#numstate-status[data-kind=error]').waitFor(); // the number is asked for
		await lookUp(BLOCKED);
		await page.getByText(ko['numstate.state.blocked']).waitFor();
		assert.ok((await page.textContent('#numstate-result')).includes('070-4000-1234'));
		await page.locator('#numstate-result a').waitFor(); // its evidence packet
		await lookUp('010-1234-5678');
		await page.getByText(ko['numstate.state.unknown']).waitFor();
		await lookUp('12');
		await page.locator('#numstate-status[data-kind=error]').waitFor();
		assert.equal(await page.textContent('#numstate-result'), '');
	});

	await t.test('the holder appeals with a one-time code sent to the number', async () => {
		await visit(page, server.base + '/report.html');
		await page.getByLabel(ko['field.my_number']).fill('02-555-0999');
		await page.getByRole('button', { name: ko['appeal.send'], exact: true }).click();
		await page.getByText(ko['appeal.not_blocked']).waitFor();
		await page.getByLabel(ko['field.my_number']).fill(BLOCKED);
		await page.getByRole('button', { name: ko['appeal.send'], exact: true }).click();
		await page.locator('#appeal-confirm-form').waitFor();
		const code = /\b(\d{6})\b/.exec((await lastSms('+827040001234')).body)[1];
		await page.getByLabel(ko['field.one_time_code']).fill(code === '000000' ? '111111' : '000000');
		await page.getByLabel(ko['field.statement']).fill('가게 대표번호입니다');
		await page.getByRole('button', { name: ko['appeal.confirm'], exact: true }).click();
		await page.getByText(ko['lost.wrong_code']).waitFor();
		await page.getByLabel(ko['field.one_time_code']).fill(code);
		await page.getByRole('button', { name: ko['appeal.confirm'], exact: true }).click();
		await page.locator('#appeal-status[data-kind=ok]').waitFor();
		assert.ok((await page.textContent('#appeal-status')).includes('070-4000-1234'));
	});

	await t.test('the carrier lifts the block from the appeal', async () => {
		await logIn('dt.screen');
		const row = page.locator('#appeals tbody tr').first();
		await row.waitFor();
		assert.ok((await row.textContent()).includes('가게 대표번호입니다'));
		await shot(page, 'oversight-carrier', { keep: 'oversight' });
		await row.getByRole('textbox').fill('사업자 확인');
		await row.getByRole('button', { name: ko['appeals.lift'], exact: true }).click();
		await page.locator('#appeals-status[data-kind=ok]').waitFor();
		await page.locator('#blocks tbody tr[data-number="+827040001234"]').waitFor({ state: 'detached' });
		const screener = await server.login('dt.screen');
		const all = (await server.api('GET', '/v1/screen/blocks?state=all', { token: screener })).items;
		assert.equal(all.find((b) => b.number === '+827040001234').lifted.reason, '사업자 확인');
		assert.ok((await lastSms('+827040001234')).body.length > 0, 'the holder is told by text');
		await page.getByLabel(ko['blocks.show'], { exact: true }).selectOption('all');
		await page.locator('#blocks tbody tr[data-number="+827040001234"] .status[data-state=lifted]').waitFor();
	});

	await t.test('the carrier allowlists a number, then takes it off with a reason', async () => {
		await logIn('dt.screen');
		await page.getByLabel(ko['allow.number']).fill('1588-1234');
		await page.getByLabel(ko['allow.reason']).fill('카드사 대표번호');
		await page.getByRole('button', { name: ko['allow.submit'], exact: true }).click();
		const row = page.locator('#allowlist tbody tr[data-number="+8215881234"]');
		await row.waitFor();
		assert.ok((await row.textContent()).includes('카드사 대표번호'), await row.textContent());
		await row.getByRole('button', { name: ko['allow.remove'], exact: true }).click();
		await page.locator('#allow-status[data-kind=error]').waitFor(); // a removal needs its reason
		await row.getByRole('textbox').fill('기관 등록부에 회선과 함께 등록함');
		await row.getByRole('button', { name: ko['allow.remove'], exact: true }).click();
		await page.locator('#allow-status[data-kind=ok]').waitFor();
		await row.waitFor({ state: 'detached' });
		const screener = await server.login('dt.screen');
		assert.deepEqual((await server.api('GET', '/v1/screen/allowlist', { token: screener })).items, []);
	});

	assert.deepEqual(browser.errors, [], 'no script errors or missing messages');
});
