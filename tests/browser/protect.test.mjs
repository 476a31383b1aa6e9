// The agent story's hard part: cc.agent (a vendor's agent for the bank) sees,
// before sending, that a reply would count as a repeat (and that after a
// dispute it would make the case climb); flags an abusive contact, warns the
// customer, ends the contact so the case goes on with another handler, asks
// for a dossier and a break; then the supervisor cc.super confirms the
// incident and gives the break.
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
}

// the demo's template, and nearly the same words typed by hand
const TEMPLATE = '고객님, 카드 분실 신고는 홈페이지나 앱에서 24시간 가능합니다. 추가 문의는 고객센터로 연락 주십시오.';
const NEARLY_THE_SAME = '고객님, 카드 분실 신고는 홈페이지나 앱에서 24시간 가능합니다. 궁금한 점은 고객센터로 연락 주십시오.';
const NEW_ANSWER = '고객님, 확인해 보니 가맹점이 승인을 두 번 요청했습니다. 한 건은 이미 취소되어 3영업일 안에 카드 대금에서 빠집니다.';

test('the agent story: repeat warning, abuse, ending the contact', async (t) => {
	const hbAgent = await server.login('hb.agent');
	const opened = await server.openCase({ subject: '이중 결제', text: '같은 금액이 두 번 결제되었습니다.' });
	const receipt = opened.receipt;
	const customer = { 'X-Access-Code': opened.access_code };
	// a template answer first: delivered, but the first-answer deadline keeps running
	await server.api('POST', `/v1/orgs/HB/cases/${receipt}/replies`, { token: hbAgent, body: { text: TEMPLATE, template_id: 1 } });

	await t.test('a nearly identical answer is flagged as a repeat before it is sent', async () => {
		await logIn('cc.agent');
		await page.locator(`#queue tbody tr[data-receipt="${receipt}"]`).waitFor();
		await page.getByRole('button', { name: receipt, exact: true }).click();
		await page.locator('.case-summary').waitFor();
		assert.ok((await page.textContent('.timeline .event[data-kind=opened]')).includes('같은 금액이 두 번'), 'the opening text is shown');
		await page.getByLabel(ko['field.reply_text'], { exact: true }).fill(NEARLY_THE_SAME);
		const verdict = page.locator('#draft-verdict[data-verdict=repeat]');
		await verdict.waitFor();
		const text = await verdict.textContent();
		assert.ok(text.includes(ko['draft.repeat_no_deadline']), text);
		assert.ok(!text.includes('{'), 'every placeholder filled');
		await shot(page, 'console-repeat-warning', { keep: 'console' });
		// sending is held back until the agent confirms the repeat
		await page.getByRole('button', { name: ko['reply.submit'], exact: true }).click();
		await page.getByText(ko['draft.confirm_needed']).waitFor();
		const seen = await server.api('GET', `/v1/cases/${receipt}`, { headers: customer });
		assert.equal(seen.events.filter((e) => e.kind === 'message' && e.actor.role !== 'customer').length, 1, 'nothing was sent');
	});

	await t.test('a new answer is told that it meets the deadline, and does', async () => {
		await page.getByLabel(ko['field.reply_text'], { exact: true }).fill(NEW_ANSWER);
		await page.locator('#draft-verdict[data-verdict=ok]').waitFor();
		assert.equal(await page.isVisible('#draft-confirm-field'), false);
		await page.getByRole('button', { name: ko['reply.submit'], exact: true }).click();
		await page.getByText(ko['reply.done'].replace('{cls}', ko['reply_class.human'])).waitFor();
		const seen = await server.api('GET', `/v1/cases/${receipt}`, { headers: customer });
		const last = seen.events.filter((e) => e.kind === 'message').pop();
		assert.equal(last.text, NEW_ANSWER);
		assert.equal(last.repeated_answer, undefined);
		assert.equal(last.deadline_met.in_time, true);
	});

	await t.test('after a dispute, the warning says the case would climb', async () => {
		const disputed = await server.api('POST', `/v1/cases/${receipt}/dispute`, { headers: customer, body: { text: '납득이 안 됩니다.' } });
		assert.equal(disputed.level, 'L2');
		await page.getByLabel(ko['queue.open_receipt']).fill(receipt);
		await page.getByRole('button', { name: ko['queue.open'], exact: true }).click();
		await page.locator('.case-summary .level[data-level=L2]').waitFor();
		await page.getByLabel(ko['field.reply_text'], { exact: true }).fill(NEW_ANSWER);
		await page.getByRole('button', { name: ko['draft.check'], exact: true }).click();
		const verdict = page.locator('#draft-verdict[data-verdict=repeat]');
		await verdict.waitFor();
		const climbs = ko['draft.climbs'].split('{level}')[0];
		assert.ok((await verdict.textContent()).includes(climbs), await verdict.textContent());
		assert.ok((await verdict.textContent()).includes('L3'));
		await page.getByLabel(ko['field.reply_text'], { exact: true }).fill('');
	});

	await t.test('flags verbal abuse, warns, then ends the contact; another handler takes the case', async () => {
		await page.getByLabel(ko['field.kind']).selectOption('verbal_abuse');
		await page.getByLabel(ko['field.incident_text']).fill('야 이 멍청한 것아, 너 같은 게 무슨 상담이야');
		await page.getByLabel(ko['field.recording_ref']).fill('REC-20261128-0042');
		await page.getByRole('button', { name: ko['protect.flag'], exact: true }).click();
		await page.locator('#protect-status[data-kind=ok]').waitFor();
		assert.ok((await page.textContent('#protect-status')).includes(ko['incident.kind.verbal_abuse']));
		// verbal abuse needs one warning before the contact may end
		await page.getByRole('button', { name: ko['protect.end'], exact: true }).click();
		await page.getByText(ko['protect.conflict.end-button']).waitFor();
		await page.getByRole('button', { name: ko['protect.warn'], exact: true }).click();
		await page.getByText(ko['protect.may_end']).waitFor();
		const warnings = (await server.api('GET', '/v1/test/outbox?limit=100')).items.filter((m) => m.ref === receipt && m.recipient === '010-1234-5678');
		assert.ok(warnings.length >= 1, 'the warning went to the customer through the outbox');
		await page.getByRole('button', { name: ko['protect.end'], exact: true }).click();
		await page.locator('#protect-status[data-kind=ok]', { hasText: ko['protect.ended'].split('{code}')[0] }).waitFor();
		const status = await page.textContent('#protect-status');
		assert.match(status, /HB-[A-Z]{3}-\d{4}|CC-[A-Z]{3}-\d{4}/, status);
		const handed = page.locator('.timeline .event[data-kind=assigned] .assignee').last();
		await handed.waitFor();
		const code = /([A-Z0-9]+-[A-Z]{3}-\d{4})/.exec(status)[1];
		assert.ok((await handed.textContent()).includes(code), 'the hand-over names who took over');
		assert.notEqual(code, 'CC-AGT-0001');
		const seen = await server.api('GET', `/v1/cases/${receipt}`, { headers: customer });
		assert.equal(seen.status, 'open', 'the case goes on');
		assert.equal(seen.events.filter((e) => e.kind === 'assigned').pop().detail, `assignee=${code}`);
	});

	await t.test('asks for a complaint dossier and a break', async () => {
		await page.getByRole('button', { name: ko['protect.dossier'], exact: true }).click();
		const link = page.locator('#dossier-link a');
		await link.waitFor();
		const href = await link.getAttribute('href');
		const dossier = await page.evaluate(async (u) => (await fetch(u, { credentials: 'same-origin' })).text(), href);
		assert.ok(dossier.includes('야 이 멍청한 것아'), 'the dossier quotes the words verbatim');
		assert.ok(dossier.includes('REC-20261128-0042'));
		await shot(page, 'console-protect');
		await page.getByLabel(ko['field.care_kind'], { exact: true }).selectOption('break');
		await page.getByLabel(ko['field.care_text'], { exact: true }).fill('폭언 통화 뒤라 잠시 쉬고 싶습니다.');
		await page.getByRole('button', { name: ko['care.submit'], exact: true }).click();
		await page.getByText(ko['care.done.break']).waitFor();
	});

	await t.test('the supervisor confirms the incident and gives the break', async () => {
		await logIn('cc.super');
		const row = page.locator('#incidents tbody tr').first();
		await row.waitFor();
		assert.ok((await row.textContent()).includes('CC-AGT-0001'));
		assert.ok((await row.textContent()).includes(ko['incident.status.pending']));
		const request = page.locator('#counselling-list li[data-request]').first();
		assert.ok((await request.textContent()).includes('잠시 쉬고 싶습니다'));
		assert.ok((await request.textContent()).includes(ko['care.kind.break']));
		const dossier = page.locator('#dossier-list li[data-dossier] a').first();
		assert.ok((await dossier.textContent()).includes('CC-AGT-0001'), 'the supervisor finds the agent\'s dossier');
		const packet = await page.evaluate(async (u) => (await fetch(u, { credentials: 'same-origin' })).text(), await dossier.getAttribute('href'));
		assert.ok(packet.includes('야 이 멍청한 것아'));
		await row.getByRole('button', { name: ko['incident.confirm'], exact: true }).click();
		await page.locator('#incidents tbody tr .status[data-status=confirmed]').first().waitFor();
		await page.getByLabel(ko['field.agent']).fill('CC-AGT-0001');
		await page.getByLabel(ko['field.minutes']).fill('20');
		await page.getByRole('button', { name: ko['team.give_break'], exact: true }).click();
		const given = ko['team.break_given'].replace('{code}', 'CC-AGT-0001').replace('{minutes}', '20');
		await page.locator('#team-status[data-kind=ok]', { hasText: given }).waitFor();
		await shot(page, 'console-team');
		const sup = await server.login('cc.super');
		const incidents = await server.api('GET', '/v1/orgs/CC/incidents', { token: sup });
		assert.equal(incidents.items[0].status, 'confirmed');
		assert.equal(incidents.items[0].reviewed.by, 'CC-SUP-0002');
		const figures = await server.api('GET', '/v1/orgs/CC/protection-figures');
		assert.equal(figures.breaks, 1);
		assert.equal(figures.contacts_ended, 1);
		assert.equal(figures.dossiers, 1);
	});

	assert.deepEqual(browser.errors, [], 'no script errors or missing messages');
});
