// The customer story: open a case, read it back by receipt number and access
// code, demand the responsible person (level L2 and the new deadline),
// dispute the answer, accept it, download the record and verify it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { Server, catalogue, launch, seoulHourMinute, shot, visit } from './harness.mjs';

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

test('the customer story', async (t) => {
	let receipt, code;

	await t.test('opens a case and shows the receipt number and access code', async () => {
		await visit(page, server.base + '/');
		assert.equal(await page.locator('h1').textContent(), ko['customer.title']);
		assert.equal(await page.locator('#open-org option:checked').textContent(), '한빛은행');
		await page.selectOption('#open-category', 'CARD');
		await page.getByLabel(ko['field.name'], { exact: true }).fill('홍길동');
		await page.getByLabel(ko['field.contact'], { exact: true }).fill('01012345678');
		await page.getByLabel(ko['field.subject'], { exact: true }).fill('카드 결제 오류');
		await page.getByLabel(ko['field.contact'], { exact: true }).blur();
		assert.equal(await page.inputValue('#open-contact'), '010-1234-5678', 'the phone number in its Korean form');
		await page.getByLabel(ko['field.text'], { exact: true }).fill('결제가 두 번 되었습니다.');
		await page.getByRole('button', { name: ko['open.submit'], exact: true }).click();
		await page.locator('#receipt-section').waitFor();
		receipt = await page.textContent('#receipt-number');
		code = await page.textContent('#receipt-code');
		assert.match(receipt, /^HB-\d{4}-\d{7}$/);
		assert.match(code, /^[A-Z0-9]{10}$/);
		assert.ok(await page.getByRole('button', { name: ko['receipt.copy_code'], exact: true }).isVisible());
		await shot(page, 'customer-receipt', { keep: 'customer-receipt' });
	});

	await t.test('reads the case back by receipt number and access code', async () => {
		await visit(page, server.base + '/');
		assert.equal(await page.isVisible('#case-section'), false);
		await page.fill('#lookup-code', 'WRONGCODE1');
		await page.fill('#lookup-receipt', receipt);
		await page.getByRole('button', { name: ko['lookup.submit'], exact: true }).click();
		await page.getByText(ko['lookup.not_found']).waitFor();
		await page.fill('#lookup-code', code.toLowerCase()); // typed in lower case: still the code
		await page.getByRole('button', { name: ko['lookup.submit'], exact: true }).click();
		await page.locator('#case-section').waitFor();
		assert.equal(await page.textContent('#case-title'), ko['case.title'].replace('{receipt}', receipt));
		assert.equal(await page.getAttribute('.case-summary .level', 'data-level'), 'L1');
		assert.equal(await page.locator('.timeline .event').count(), 1);
		assert.equal(await page.getAttribute('.timeline .event', 'data-kind'), 'opened');
		assert.ok(await page.isDisabled('#dispute'), 'nothing to dispute before an answer');
	});

	await t.test('demands the responsible person: level L2 and the new deadline', async () => {
		await page.getByRole('button', { name: ko['actions.demand'], exact: true }).click();
		await page.locator('.case-summary .level[data-level=L2]').waitFor();
		const api = await server.api('GET', `/v1/cases/${receipt}`, { headers: { 'X-Access-Code': code } });
		assert.equal(api.level, 'L2');
		assert.equal(api.deadlines.answer.kind, 'responsible_contact');
		const due = api.deadlines.answer.due;
		const status = await page.textContent('#action-status');
		assert.ok(status.includes('L2'), status);
		assert.ok(status.includes(seoulHourMinute(due)), `${status} shows ${due} in Seoul time`);
		const row = page.locator('.case-summary .deadline[data-kind=responsible_contact]');
		assert.equal(await row.locator('time').getAttribute('datetime'), due);
		assert.ok((await row.textContent()).includes(ko['deadline.responsible_contact']));
		assert.ok(await page.locator('.timeline .event[data-kind=demand]').isVisible());
		assert.ok(await page.locator('.timeline .event[data-kind=escalated]').isVisible());
	});

	await t.test('shows who answered: role, organisation, department, staff code', async () => {
		const token = await server.login('hb.card');
		await server.api('POST', `/v1/orgs/HB/cases/${receipt}/replies`, { token,
			body: { text: '고객님, 중복 결제 건은 취소 처리했습니다. 3영업일 안에 환불됩니다.' } });
		await page.getByRole('button', { name: ko['lookup.submit'], exact: true }).click();
		const answer = page.locator('.timeline .event[data-kind=message]');
		await answer.waitFor();
		const actor = await answer.locator('.actor').textContent();
		for (const part of [ko['role.practitioner'], '한빛은행 (HB)', '카드사업부', 'HB-PRC-0003'])
			assert.ok(actor.includes(part), `${actor} names ${part}`);
		assert.ok((await answer.locator('.event-text').textContent()).includes('환불'));
	});

	await t.test('disputes the answer and the case climbs', async () => {
		assert.ok(await page.isEnabled('#dispute'));
		await page.getByLabel(ko['field.dispute_text']).fill('환불이 아직 되지 않았습니다.');
		await page.getByRole('button', { name: ko['actions.dispute'], exact: true }).click();
		await page.locator('.timeline .event[data-kind=dispute]').waitFor();
		const api = await server.api('GET', `/v1/cases/${receipt}`, { headers: { 'X-Access-Code': code } });
		assert.ok(api.level > 'L2', api.level);
		assert.equal(await page.getAttribute('.case-summary .level', 'data-level'), api.level);
		assert.ok((await page.textContent('#action-status')).includes(api.level));
	});

	await t.test('downloads the record as JSON and as a printable page, and verifies it', async () => {
		const [json] = await Promise.all([page.waitForEvent('download'), page.click('#download-json')]);
		assert.equal(json.suggestedFilename(), `${receipt}.json`);
		const doc = JSON.parse(fs.readFileSync(await json.path(), 'utf8'));
		assert.equal(doc.kind, 'case');
		assert.equal(doc.sections[0].fields.receipt, receipt);
		const [html] = await Promise.all([page.waitForEvent('download'), page.click('#download-html')]);
		assert.equal(html.suggestedFilename(), `${receipt}.html`);
		assert.match(fs.readFileSync(await html.path(), 'utf8'), /^<!doctype html>/i);
		await page.click('#verify');
		// the download above left an "ok" status too: wait for the verification's own words
		const intact = ko['verify.intact'].split(':')[0];
		await page.locator('#download-status[data-kind=ok]', { hasText: intact }).waitFor();
		assert.ok((await page.textContent('#download-status')).startsWith(intact));
	});

	await t.test('accepts the answer and the case closes', async () => {
		await page.getByRole('button', { name: ko['actions.accept'], exact: true }).click();
		await page.locator('.case-summary .status[data-status=closed]').waitFor();
		assert.equal(await page.textContent('#action-status'), ko['actions.accept_done']);
		assert.ok(await page.isDisabled('#demand'));
		assert.ok(await page.isVisible('#reopen'));
		const head = await server.api('GET', `/v1/cases/${receipt}`, { headers: { 'X-Access-Code': code } });
		assert.equal(head.status, 'closed');
		await page.locator('.chain-head summary').click();
		assert.ok((await page.textContent('.chain-head')).includes(head.head.hash), 'the chain head is shown');
		await shot(page, 'customer-case', { keep: 'customer-case' });
	});

	assert.deepEqual(browser.errors, [], 'no script errors or missing messages');
});
