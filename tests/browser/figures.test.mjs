// The public figures page shows, for every company, the same numbers the
// API returns, and links each company's CSV.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Server, catalogue, launch, shot, visit } from './harness.mjs';

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

/* A shown figure as a number: "1,234" -> 1234, "66.7%" -> 66.7, "—" -> null. */
function shown(text) {
	const s = text.replace(/[,%\s]/g, '');
	return s === catalogue.ko['figures.none'] ? null : Number(s);
}

function pick(figures, key) {
	const v = key.split('.').reduce((o, k) => (o == null ? undefined : o[k]), figures);
	return v === undefined && key === 'not_closed' ? figures.closed?.not_closed : v;
}

test('the figures page shows the numbers the API returns', async () => {
	// some activity: three cases, one demand, two answers (one late-level), one dispute
	const agent = await server.login('cc.agent');
	const card = await server.login('hb.card');
	const a = await server.openCase();
	const b = await server.openCase({ category: 'LOAN', subject: '대출 상환' });
	await server.openCase({ category: 'CENTER', subject: '상담원이 전화를 끊었습니다' });
	await server.api('POST', `/v1/cases/${a.receipt}/demand`, { body: {}, headers: { 'X-Access-Code': a.access_code } });
	await server.api('POST', `/v1/orgs/HB/cases/${a.receipt}/replies`, { token: card, body: { text: '카드사업부 실무 담당자입니다. 확인 후 환불했습니다.' } });
	await server.api('POST', `/v1/orgs/HB/cases/${b.receipt}/replies`, { token: agent, body: { text: '상환 일정표를 보내 드렸습니다.' } });
	await server.api('POST', `/v1/cases/${b.receipt}/dispute`, { body: { text: '일정표가 틀렸습니다' }, headers: { 'X-Access-Code': b.access_code } });

	const orgs = (await server.api('GET', '/v1/orgs')).items.filter((o) => o.kind === 'company');
	await visit(page, server.base + '/figures.html');
	const columns = await page.locator('#figures thead th[data-org]').evaluateAll((ths) => ths.map((th) => th.dataset.org));
	assert.deepEqual(columns, orgs.map((o) => o.code));

	const rows = await page.locator('#figures tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.key));
	assert.ok(rows.length >= 20, 'every figure has a row');
	for (const org of orgs) {
		const api = await server.api('GET', `/v1/orgs/${org.code}/figures`);
		assert.equal(api.opened, 3);
		for (const key of rows) {
			const cell = await page.textContent(`#figures tbody tr[data-key="${key}"] td[data-org="${org.code}"]`);
			const want = pick(api, key);
			assert.notEqual(want, undefined, `the API has ${key}`);
			if (want === null) assert.equal(shown(cell), null, key);
			else assert.ok(Math.abs(shown(cell) - want) < 0.051, `${key}: page ${cell}, API ${want}`);
		}
		const href = await page.getAttribute(`#csv-links a[data-org="${org.code}"]`, 'href');
		const csv = await (await page.request.get(server.base + href)).text();
		const [header, values] = csv.trim().split(/\r?\n/).map((l) => l.split(','));
		assert.equal(values[header.indexOf('opened')], String(api.opened));
		assert.equal(values[header.indexOf('demands')], String(api.demands));
	}
	await shot(page, 'figures', { keep: 'figures' });

	// a period with nothing in it
	await page.fill('#period-from', '2020-01-01');
	await page.fill('#period-to', '2020-02-01');
	await page.getByRole('button', { name: catalogue.ko['figures.apply'], exact: true }).click();
	await page.locator('#figures-period', { hasText: '2020-01-01' }).waitFor();
	assert.equal(shown(await page.textContent('#figures tbody tr[data-key="opened"] td[data-org="HB"]')), 0);
	assert.ok((await page.getAttribute('#csv-links a[data-org="HB"]', 'href')).includes('from=2020-01-01'));
	assert.deepEqual(browser.errors, [], 'no script errors or missing messages');
});
