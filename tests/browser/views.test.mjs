// The rungs above the agent: the card practitioner sees what was handed to
// them and what is due soon; after a missed deadline the card manager finds
// the case under "missed a deadline"; the complaints office finds the
// complaint about the customer center itself.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Server, catalogue, launch, shot, visit } from './harness.mjs';

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

async function logIn(login) {
	await visit(page, server.base + '/console.html');
	if (await page.isVisible('#desk')) {
		await page.getByRole('button', { name: ko['login.logout'], exact: true }).click();
		await page.locator('#login-section').waitFor();
	}
	await page.getByLabel(ko['field.login']).fill(login);
	await page.getByLabel(ko['field.password']).fill(server.accounts[login]);
	await page.getByRole('button', { name: ko['login.submit'], exact: true }).click();
	await page.locator('#desk').waitFor();
	await page.locator('#queue-caption:not(:empty)').waitFor();
}

async function shown() {
	return page.locator('#queue tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.receipt));
}

async function filterBy(value) {
	await page.getByLabel(ko['queue.filter'], { exact: true }).selectOption(value);
}

test('practitioner, manager and complaints office', async (t) => {
	const demand = async (fields) => {
		const c = await server.openCase(fields);
		await server.api('POST', `/v1/cases/${c.receipt}/demand`, { headers: { 'X-Access-Code': c.access_code }, body: {} });
		return c;
	};
	const handed = await demand({ subject: '한도 상향 요청' });
	const pooled = await demand({ subject: '연회비 문의' });
	const agent = await server.login('hb.agent');
	await server.api('POST', `/v1/orgs/HB/cases/${handed.receipt}/assign`, { token: agent, body: { assignee: 'HB-PRC-0003' } });

	await t.test('the practitioner: handed to me, and due within a day', async () => {
		await logIn('hb.card');
		assert.deepEqual((await shown()).sort(), [handed.receipt, pooled.receipt].sort(), 'the department\'s L2 cases');
		await filterBy('mine');
		assert.deepEqual(await shown(), [handed.receipt]);
		assert.ok((await page.textContent(`#queue tr[data-receipt="${handed.receipt}"]`)).includes(ko['queue.flag.mine']));
		await filterBy('soon');
		assert.deepEqual((await shown()).sort(), [handed.receipt, pooled.receipt].sort(), 'the responsible-contact deadlines run 24 hours');
		await filterBy('missed');
		assert.deepEqual(await shown(), []);
		assert.equal(await page.textContent('#queue-status'), ko['queue.empty']);
		assert.equal(await page.isVisible('#team-section'), false, 'a practitioner reviews no one');
	});

	await t.test('the manager: what missed its deadline climbed to them', async () => {
		await server.api('POST', '/v1/test/clock', { body: { advance_ms: 25 * HOUR_MS } });
		await logIn('hb.cardlead');
		assert.deepEqual((await shown()).sort(), [handed.receipt, pooled.receipt].sort());
		await filterBy('missed');
		assert.deepEqual((await shown()).sort(), [handed.receipt, pooled.receipt].sort());
		const row = await page.textContent(`#queue tr[data-receipt="${pooled.receipt}"]`);
		assert.ok(row.includes(ko['queue.flag.missed'].replace('{n}', '1')), row);
		assert.ok(row.includes('L3'));
		const caption = ko['queue.caption_filtered'].replace('{total}', '2').replace('{n}', '2').split('{org}')[1];
		assert.ok((await page.textContent('#queue-caption')).endsWith(caption));
		assert.equal(await page.isVisible('#team-section'), true, 'a manager reviews their staff');
		await shot(page, 'console-manager', { keep: 'console-manager' });
		const lead = await server.login('hb.cardlead');
		const api = (await server.api('GET', '/v1/orgs/HB/queue?limit=100', { token: lead })).items;
		assert.deepEqual(api.filter((q) => q.deadlines_missed > 0).map((q) => q.receipt).sort(), (await shown()).sort());
	});

	await t.test('the complaints office: complaints about the customer center', async () => {
		const center = await server.openCase({ category: 'CENTER', subject: '상담원이 전화를 끊었습니다' });
		await logIn('hb.cpo');
		await filterBy('center');
		assert.deepEqual(await shown(), [center.receipt]);
		assert.ok((await page.textContent(`#queue tr[data-receipt="${center.receipt}"]`)).includes(ko['queue.flag.center']));
		await filterBy('all');
		assert.ok((await shown()).length >= 3, 'the complaints office sees every level');
	});

	assert.deepEqual(browser.errors, [], 'no script errors or missing messages');
});
