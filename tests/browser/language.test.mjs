// The language switch: Korean by default, English after the switch, and the
// choice remembered after a reload and on the other pages.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Server, catalogue, launch, shot, visit } from './harness.mjs';

const { ko, en } = catalogue;
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

async function texts() {
	return {
		lang: await page.getAttribute('html', 'lang'),
		h1: await page.textContent('h1'),
		title: await page.title(),
		switcher: await page.textContent('[data-lang-switch]'),
	};
}

test('Korean by default, English after the switch, remembered', async () => {
	await visit(page, server.base + '/');
	assert.deepEqual(await texts(), { lang: 'ko', h1: ko['customer.title'], title: ko['customer.page_title'], switcher: ko['lang.switch'] });
	assert.equal(await page.textContent('#open-org option:checked'), '한빛은행');
	assert.equal(await page.textContent('label[for=open-name]'), ko['field.name']);

	await page.click('[data-lang-switch]');
	await page.waitForSelector('body[data-lang=en]');
	assert.deepEqual(await texts(), { lang: 'en', h1: en['customer.title'], title: en['customer.page_title'], switcher: en['lang.switch'] });
	assert.equal(await page.textContent('#open-org option:checked'), 'Hanbit Bank', 'data names follow the language');
	assert.equal(await page.textContent('#open-category option[value=CARD]'), 'Card use and payment');
	assert.equal(await page.textContent('label[for=open-name]'), en['field.name']);

	// a case drawn by code is redrawn in the new language too
	const c = await server.openCase();
	await page.fill('#lookup-receipt', c.receipt);
	await page.fill('#lookup-code', c.access_code);
	await page.getByRole('button', { name: en['lookup.submit'], exact: true }).click();
	await page.locator('.timeline .event[data-kind=opened]').waitFor();
	assert.ok((await page.textContent('.timeline .event-kind')) === en['event.opened']);
	assert.match(await page.textContent('.timeline time'), / KST$/, 'times say they are Korean time');

	await shot(page, 'customer-en', { keep: 'customer-en' });

	await page.reload();
	await page.waitForSelector('body[data-ready=true]');
	assert.equal((await texts()).h1, en['customer.title'], 'remembered after a reload');

	for (const [url, key] of [['/report.html', 'report'], ['/oversight.html', 'oversight']]) {
		await visit(page, server.base + url);
		assert.deepEqual(await texts(), { lang: 'en', h1: en[`${key}.title`], title: en[`${key}.page_title`], switcher: en['lang.switch'] });
	}

	const legend = () => page.evaluate(() => window.Chart.getChart(document.getElementById('trend-chart')).data.datasets.map((d) => d.label));
	await visit(page, server.base + '/figures.html');
	assert.deepEqual(await texts(), { lang: 'en', h1: en['figures.title'], title: en['figures.page_title'], switcher: en['lang.switch'] });
	assert.equal(await page.textContent('#figures thead th[data-org=HB]'), 'Hanbit Bank');
	await page.waitForFunction(() => window.Chart?.getChart(document.getElementById('trend-chart')));
	assert.deepEqual(await legend(), ['Hanbit Bank', 'Nuri Card'], 'the charts speak the page\'s language');

	await page.click('[data-lang-switch]');
	await page.waitForSelector('body[data-lang=ko]');
	assert.equal((await texts()).h1, ko['figures.title']);
	assert.equal(await page.textContent('#figures thead th[data-org=HB]'), '한빛은행');
	assert.deepEqual(await legend(), ['한빛은행', '누리카드']);
	await visit(page, server.base + '/console.html');
	assert.deepEqual(await texts(), { lang: 'ko', h1: ko['console.title'], title: ko['console.page_title'], switcher: ko['lang.switch'] });
	assert.deepEqual(browser.errors, [], 'no script errors or missing messages');
});
