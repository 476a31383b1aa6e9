// The agent story: cc.agent (a vendor's agent acting for the bank) logs in,
// finds a new case in the queue with its time left, opens it and answers;
// the customer then sees the answer under the vendor's name and staff code.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Server, catalogue, launch, shot, visit } from './harness.mjs';

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

test('the agent story', async (t) => {
	const opened = await server.openCase({ category: 'LOAN', name: '김민수', contact: 'minsu@example.com',
		subject: '대출 이자 문의', text: '이자가 지난달보다 많이 나왔습니다.' });
	const later = await server.openCase({ subject: '카드 분실', text: '카드를 잃어버렸습니다.' });
	const receipt = opened.receipt;

	await t.test('a wrong password is refused, the right one logs in', async () => {
		await visit(page, server.base + '/console.html');
		await page.getByLabel(ko['field.login']).fill('cc.agent');
		await page.getByLabel(ko['field.password']).fill('not-the-password');
		await page.getByRole('button', { name: ko['login.submit'], exact: true }).click();
		await page.getByText(ko['login.wrong']).waitFor();
		await page.getByLabel(ko['field.password']).fill(server.accounts['cc.agent']);
		await page.getByRole('button', { name: ko['login.submit'], exact: true }).click();
		await page.locator('#desk').waitFor();
		assert.ok((await page.textContent('#who')).includes('CC-AGT-0001'));
		assert.ok(await page.evaluate(() => sessionStorage.getItem('ombud.csrf')?.startsWith('csrf_')), 'the CSRF token is kept for this tab');
		assert.equal(await page.evaluate(() => document.cookie), '', 'the session cookie is HttpOnly');
		assert.equal(await page.inputValue('#desk-org'), 'HB', 'the vendor serves the bank');
	});

	await t.test('the queue shows the case, nearest deadline first, with the time left', async () => {
		const row = page.locator(`#queue tbody tr[data-receipt="${receipt}"]`);
		await row.waitFor();
		const receipts = await page.locator('#queue tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.receipt));
		assert.deepEqual(receipts, [receipt, later.receipt]);
		const text = await row.textContent();
		assert.ok(text.includes('대출 이자 문의'));
		assert.ok(text.includes(ko['deadline.first_answer']));
		assert.match(await row.locator('.left').textContent(), /^23시간 5\d분 남음$/);
		await shot(page, 'console-queue');
	});

	await t.test('opens the case with its history and answers it', async () => {
		await page.getByRole('button', { name: receipt, exact: true }).click();
		await page.locator('.case-summary').waitFor();
		assert.ok((await page.textContent('.case-summary')).includes('minsu@example.com'), 'staff see the contact');
		assert.equal(await page.locator('.timeline .event').count(), 1);
		assert.ok(await page.isVisible('#template-pick'), 'the templates come from GET /v1/orgs/{org}/templates');
		await page.getByLabel(ko['field.reply_text'], { exact: true }).fill('고객님, 변동금리가 이번 달부터 0.25%p 올라 이자가 늘었습니다. 내역서를 이메일로 보내 드렸습니다.');
		await page.getByRole('button', { name: ko['reply.submit'], exact: true }).click();
		const answer = page.locator('.timeline .event[data-kind=message]');
		await answer.waitFor();
		const actor = await answer.locator('.actor').textContent();
		for (const part of [ko['role.agent'], '콜코리아 고객센터 (CC)', 'CC-AGT-0001']) assert.ok(actor.includes(part), actor);
		assert.equal(await page.textContent('#case-status'), ko['reply.done'].replace('{cls}', ko['reply_class.human']));
		const seen = await server.api('GET', `/v1/cases/${receipt}`, { headers: { 'X-Access-Code': opened.access_code } });
		const msg = seen.events.find((e) => e.kind === 'message');
		assert.equal(msg.actor.staff_code, 'CC-AGT-0001');
		assert.equal(msg.deadline_met.in_time, true);
		assert.equal(seen.status, 'answered');
	});

	await t.test('adds an internal note the customer cannot read', async () => {
		await page.getByLabel(ko["field.note_text"], { exact: true }).fill('고객이 금리 인하 요구권을 물어볼 수 있음');
		await page.getByRole('button', { name: ko['note.submit'], exact: true }).click();
		await page.locator('.timeline .event[data-kind=note] .event-text').waitFor();
		assert.ok((await page.textContent('.timeline .event[data-kind=note]')).includes('금리 인하'));
		const seen = await server.api('GET', `/v1/cases/${receipt}`, { headers: { 'X-Access-Code': opened.access_code } });
		assert.equal(seen.events.find((e) => e.kind === 'note').text_hidden, true);
		await shot(page, 'console-case');
	});

	await t.test('stays logged in after a reload, and logs out', async () => {
		await visit(page, server.base + '/console.html');
		await page.locator('#desk').waitFor();
		assert.equal(await page.isVisible('#login-section'), false);
		await page.getByRole('button', { name: ko['login.logout'], exact: true }).click();
		await page.locator('#login-section').waitFor();
		assert.equal(await page.evaluate(() => sessionStorage.getItem('ombud.csrf')), null);
		const me = await page.evaluate(async () => (await fetch('/v1/me', { credentials: 'same-origin' })).status);
		assert.equal(me, 401, 'the session ended on the server');
	});

	assert.deepEqual(browser.errors, [], 'no script errors or missing messages');
});
