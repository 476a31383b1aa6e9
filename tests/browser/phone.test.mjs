// Every page on a phone-sized screen (390x844): nothing wider than the
// screen, so there is no horizontal scrolling, with a case and a queue shown.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Server, catalogue, launch, shot, visit } from './harness.mjs';

const ko = catalogue.ko;
let server, browser, page;

before(async () => {
	server = await new Server().start();
	browser = await launch({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
	page = await browser.page();
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

async function assertNoSideways(name) {
	const { scroll, client } = await page.evaluate(() => ({
		scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
	}));
	assert.equal(client, 390, 'the layout viewport is the phone width');
	assert.ok(scroll <= client, `${name}: the page is ${scroll}px wide on a ${client}px screen`);
}

test('every page fits a 390px wide phone', async () => {
	const c = await server.openCase({ subject: '해외 결제 승인이 거절되는 이유와 한도 상향 방법을 알려 주세요 — 아주 긴 제목이 줄바꿈되는지 확인' });
	await server.api('POST', `/v1/cases/${c.receipt}/demand`, { body: {}, headers: { 'X-Access-Code': c.access_code } });

	await visit(page, server.base + '/');
	await assertNoSideways('customer page');
	await page.fill('#lookup-receipt', c.receipt);
	await page.fill('#lookup-code', c.access_code);
	await page.getByRole('button', { name: ko['lookup.submit'], exact: true }).click();
	await page.locator('.timeline .event[data-kind=escalated]').waitFor();
	await page.locator('.chain-head summary').click(); // the long hashes must wrap
	await assertNoSideways('customer case');
	await shot(page, 'phone-customer', { keep: 'phone-customer' });

	await visit(page, server.base + '/console.html');
	await page.getByLabel(ko['field.login'], { exact: true }).fill('hb.card');
	await page.getByLabel(ko['field.password'], { exact: true }).fill(server.accounts['hb.card']);
	await page.getByRole('button', { name: ko['login.submit'], exact: true }).click();
	await page.locator(`#queue tbody tr[data-receipt="${c.receipt}"]`).waitFor();
	await assertNoSideways('console queue');
	await shot(page, 'phone-console');
	await page.getByRole('button', { name: c.receipt, exact: true }).click();
	await page.locator('.case-summary').waitFor();
	await assertNoSideways('console case');

	await visit(page, server.base + '/figures.html');
	await page.locator('#figures tbody tr').first().waitFor();
	await assertNoSideways('figures');
	await shot(page, 'phone-figures');

	await visit(page, server.base + '/report.html');
	await assertNoSideways('report a call');
	await shot(page, 'phone-report');

	const screener = await server.login('dt.screen');
	await server.api('POST', '/v1/screen/blocks', { token: screener, body: { number: '070-4000-1234', reason: '경찰 수사 요청 / police request' } });
	await visit(page, server.base + '/oversight.html');
	// still signed in as the practitioner, whose role this page is not for
	await page.getByText(ko['oversight.not_for_role']).waitFor();
	await page.getByRole('button', { name: ko['login.logout'], exact: true }).click();
	await page.getByLabel(ko['field.login'], { exact: true }).fill('dt.screen');
	await page.getByLabel(ko['field.password'], { exact: true }).fill(server.accounts['dt.screen']);
	await page.getByRole('button', { name: ko['login.submit'], exact: true }).click();
	await page.locator('#blocks tbody tr[data-number="+827040001234"]').waitFor();
	await assertNoSideways('carrier blocks');
	await shot(page, 'phone-oversight');
	assert.deepEqual(browser.errors, [], 'no script errors or missing messages');
});
