// Privacy on the pages: the console states why it reads a case and the read
// is logged with that purpose; the customer sees who read their data, grants
// and withdraws a consent with one tick, and erases the data of a closed
// case, after which the page shows it erased and the chain still verifies.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Server, catalogue, launch, visit } from './harness.mjs';

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

test('reads logged with their purpose, consents, erasure', async (t) => {
	const opened = await server.openCase({ name: '개인정', contact: 'privacy@example.com', subject: '열람 기록 확인' });
	const { receipt, access_code: code } = opened;
	const asCustomer = { headers: { 'X-Access-Code': code } };

	await t.test('the console sends the purpose the agent chose', async () => {
		await visit(page, server.base + '/console.html');
		await page.getByLabel(ko['field.login']).fill('hb.agent');
		await page.getByLabel(ko['field.password']).fill(server.accounts['hb.agent']);
		await page.getByRole('button', { name: ko['login.submit'], exact: true }).click();
		await page.locator('#desk').waitFor();
		await page.getByLabel(ko['field.read_purpose']).selectOption('quality_review');
		await page.fill('#open-receipt', receipt);
		await page.getByRole('button', { name: ko['queue.open'], exact: true }).click();
		await page.locator('.case-summary').waitFor();
		assert.ok((await page.textContent('.case-summary')).includes('privacy@example.com'));
		const reads = await server.api('GET', `/v1/cases/${receipt}/reads`, asCustomer);
		assert.deepEqual(reads.items.map((r) => [r.by.staff_code, r.what, r.purpose]),
			[['HB-AGT-0002', 'view', 'quality_review']]);
	});

	await t.test('the customer reads the log and ticks a consent on and off', async () => {
		await visit(page, server.base + '/');
		await page.fill('#lookup-receipt', receipt);
		await page.fill('#lookup-code', code);
		await page.getByRole('button', { name: ko['lookup.submit'], exact: true }).click();
		const row = page.locator('#reads tbody tr');
		await row.first().waitFor();
		assert.equal(await row.count(), 1);
		const text = await row.textContent();
		for (const part of ['HB-AGT-0002', ko['role.agent'], ko['privacy.what.view'], ko['privacy.purpose.quality_review']])
			assert.ok(text.includes(part), text);
		const survey = page.getByLabel(ko['privacy.consent.survey']);
		await survey.check();
		await page.getByText(ko['privacy.consent_granted']).waitFor();
		let consents = await server.api('GET', `/v1/cases/${receipt}/consents`, asCustomer);
		assert.equal(consents.current.survey.granted, true);
		await survey.uncheck();
		await page.getByText(ko['privacy.consent_withdrawn']).waitFor();
		consents = await server.api('GET', `/v1/cases/${receipt}/consents`, asCustomer);
		assert.deepEqual(consents.history.map((h) => h.granted), [true, false]);
		assert.ok(await page.isDisabled('#privacy-erase'), 'an open case is not erased');
	});

	await t.test('the customer erases the data of the closed case', async () => {
		const token = await server.login('hb.agent');
		await server.api('POST', `/v1/orgs/HB/cases/${receipt}/replies`, { token, body: { text: '확인하였습니다. 처리되었습니다.' } });
		await server.api('POST', `/v1/cases/${receipt}/accept`, { ...asCustomer, body: {} });
		await page.getByRole('button', { name: ko['lookup.submit'], exact: true }).click();
		await page.waitForFunction(() => !document.querySelector('#privacy-erase').disabled);
		page.once('dialog', (d) => d.accept());
		await page.getByRole('button', { name: ko['privacy.erase'], exact: true }).click();
		await page.locator('#privacy-erased').waitFor();
		assert.ok((await page.textContent('#privacy-erased')).includes(ko['privacy.cause.request']));
		assert.ok((await page.textContent('.case-summary')).includes(ko['privacy.erased']));
		assert.ok(!(await page.textContent('#case-section')).includes('열람 기록 확인'), 'the subject is gone');
		const v = await server.api('GET', `/v1/cases/${receipt}/verify`, asCustomer);
		assert.equal(v.intact, true);
		assert.ok(await page.isDisabled('#privacy-erase'));
		assert.deepEqual(browser.errors, [], 'no script errors or missing messages');
	});
});
