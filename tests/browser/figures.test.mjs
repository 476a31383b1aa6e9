// The public figures page shows, for every company, the same numbers the
// API returns: in the table, in the charts over time and across
// organisations (Chart.js), in each company's CSV and in the months' CSV.
import assert from 'node:assert/strict';
import fs from 'node:fs';
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

/* The Chart.js chart drawn on a canvas: labels and each dataset's data. */
function chartData(canvasId) {
	return page.evaluate((id) => {
		const chart = window.Chart.getChart(document.getElementById(id));
		return chart ? { labels: chart.data.labels, sets: chart.data.datasets.map((d) => ({ label: d.label, data: d.data })) } : null;
	}, canvasId);
}

const DAY_MS = 24 * 3600 * 1000;

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
	// the second company, and a later month for both
	const nr = (fields) => server.api('POST', '/v1/orgs/NR/cases', { body: { category: 'CARD', name: '김영희', contact: 'yh@example.com',
		subject: '포인트 소멸', text: '포인트가 사라졌습니다.', ...fields } });
	const n1 = await nr();
	await server.api('POST', `/v1/cases/${n1.receipt}/demand`, { body: {}, headers: { 'X-Access-Code': n1.access_code } });
	await server.api('POST', '/v1/test/clock', { body: { advance_ms: 40 * DAY_MS } });
	await server.openCase({ subject: '다음 달 문의' });
	await nr({ subject: '다음 달 문의' });
	await nr({ subject: '다음 달 문의 2' });

	const orgs = (await server.api('GET', '/v1/orgs')).items.filter((o) => o.kind === 'company');
	assert.deepEqual(orgs.map((o) => o.code), ['HB', 'NR']);
	await visit(page, server.base + '/figures.html');
	const columns = await page.locator('#figures thead th[data-org]').evaluateAll((ths) => ths.map((th) => th.dataset.org));
	assert.deepEqual(columns, orgs.map((o) => o.code));
	await page.waitForFunction(() => window.Chart?.getChart(document.getElementById('trend-chart')));

	const rows = await page.locator('#figures tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.key));
	assert.ok(rows.length >= 20, 'every figure has a row');
	for (const org of orgs) {
		const api = await server.api('GET', `/v1/orgs/${org.code}/figures`);
		assert.equal(api.opened, { HB: 4, NR: 3 }[org.code]);
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
	await shot(page, 'figures');

	// the charts: month by month, and across organisations, as the API counts
	const trend = await chartData('trend-chart');
	assert.ok(trend.labels.length >= 2 && trend.labels.every((l) => /^\d{4}-\d{2}$/.test(l)), trend.labels.join());
	assert.deepEqual(trend.sets.map((d) => d.label), ['한빛은행', '누리카드']);
	const monthly = {};
	for (const [i, org] of orgs.entries()) {
		monthly[org.code] = [];
		for (const label of trend.labels) {
			const [y, m] = label.split('-').map(Number);
			const to = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
			const f = await server.api('GET', `/v1/orgs/${org.code}/figures?from=${label}-01&to=${to}`);
			monthly[org.code].push(f);
			assert.equal(trend.sets[i].data[trend.labels.indexOf(label)], f.opened, `${org.code} ${label}`);
		}
	}
	assert.deepEqual(trend.sets.map((d) => d.data.filter((v) => v > 0).length), [2, 2], 'two months with cases each');
	const compare = await chartData('compare-chart');
	assert.deepEqual(compare.sets[0].data, [4, 3]);
	await page.getByLabel(catalogue.ko['field.chart_figure']).selectOption('demands');
	await page.waitForFunction(() => window.Chart.getChart(document.getElementById('compare-chart')).data.datasets[0].label !== '접수');
	assert.deepEqual((await chartData('compare-chart')).sets[0].data, [1, 1]);
	assert.ok((await page.getAttribute('#compare-chart', 'aria-label')).includes('누리카드 1'), 'the chart is described in words');
	assert.deepEqual((await chartData('trend-chart')).sets.map((d) => d.data), orgs.map((o) => monthly[o.code].map((f) => f.demands)));
	await shot(page, 'figures-charts', { keep: 'figures' });

	// the months as one CSV
	const [download] = await Promise.all([page.waitForEvent('download'),
		page.getByRole('button', { name: catalogue.ko['figures.trend_csv'], exact: true }).click()]);
	const lines = fs.readFileSync(await download.path(), 'utf8').trim().split('\r\n').map((l) => l.split(','));
	const [head, ...body] = lines;
	assert.deepEqual(head.slice(0, 4), ['org', 'from', 'to', 'opened']);
	assert.equal(body.length, orgs.length * trend.labels.length);
	for (const row of body) {
		const f = monthly[row[0]][trend.labels.indexOf(row[1].slice(0, 7))];
		assert.equal(row[head.indexOf('opened')], String(f.opened));
		assert.equal(row[head.indexOf('repeated_answers')], String(f.repeated_answers));
	}

	// a period with nothing in it
	await page.fill('#period-from', '2020-01-01');
	await page.fill('#period-to', '2020-02-01');
	await page.getByRole('button', { name: catalogue.ko['figures.apply'], exact: true }).click();
	await page.locator('#figures-period', { hasText: '2020-01-01' }).waitFor();
	assert.equal(shown(await page.textContent('#figures tbody tr[data-key="opened"] td[data-org="HB"]')), 0);
	assert.ok((await page.getAttribute('#csv-links a[data-org="HB"]', 'href')).includes('from=2020-01-01'));
	assert.deepEqual(browser.errors, [], 'no script errors or missing messages');
});
