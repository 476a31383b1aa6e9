// The admin of a bank on /admin.html: reaches it from the console, adds a
// department, a category it owns and a staff member, marks the staff member
// as left (their session stops), makes a vendor contract, sets the deadlines
// and holidays, rotates the signing key, and reads each change in the audit
// trail; every write goes with the session's CSRF token.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Server, catalogue, launch, shot, visit } from './harness.mjs';

const ko = catalogue.ko;
let server, browser, page;

before(async () => {
	server = await new Server().start();
	browser = await launch();
	page = await browser.page();
	page.on('dialog', (d) => d.accept());
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

async function submit(form) {
	await page.locator(`#${form} button[type=submit]`).click();
}

async function status(section, text) {
	await page.locator(`#${section}-status[data-kind=ok]`).filter({ hasText: text }).waitFor();
}

test('an admin sets up and keeps the organisation from the admin page', async (t) => {
	await t.test('the console links the admin page for the admin', async () => {
		await visit(page, server.base + '/console.html');
		await page.getByLabel(ko['field.login']).fill('hb.admin');
		await page.getByLabel(ko['field.password']).fill(server.accounts['hb.admin']);
		await page.getByRole('button', { name: ko['login.submit'], exact: true }).click();
		await page.getByRole('link', { name: ko['console.admin_link'] }).click();
		await page.locator('#admin').waitFor();
		await page.locator('#depts tbody tr').first().waitFor();
	});

	await t.test('a department, a category it owns and a staff member', async () => {
		await page.getByLabel(ko['admin.field.code']).first().fill('FX');
		await page.locator('#dept-name').fill('외환부');
		await page.locator('#dept-contact').fill('02-3700-1500');
		await submit('dept-add');
		await status('depts', ko['admin.done.added']);
		await page.locator('#depts tbody tr', { hasText: 'FX' }).waitFor();
		await page.locator('#cat-code').fill('FXQ');
		await page.locator('#cat-name').fill('환전 문의');
		await page.locator('#cat-dept').selectOption('FX');
		await submit('cat-add');
		await status('cats', ko['admin.done.added']);
		const cats = (await server.api('GET', '/v1/orgs/HB/categories')).items;
		assert.equal(cats.find((c) => c.code === 'FXQ').dept, 'FX');
		await page.getByLabel(ko['admin.field.login']).fill('hb.fx');
		await page.getByLabel(ko['admin.field.password']).fill('fx-password-2026');
		await page.locator('#staff-role').selectOption('practitioner');
		await page.locator('#staff-dept').selectOption('FX');
		await submit('staff-add');
		await status('staff', ko['admin.done.added']);
		await page.locator('#staff tbody tr', { hasText: 'hb.fx' }).waitFor();
	});

	await t.test('the staff member leaves and their session stops at once', async () => {
		const token = (await server.api('POST', '/v1/auth/login', { body: { login: 'hb.fx', password: 'fx-password-2026' } })).token;
		const row = page.locator('#staff tbody tr', { hasText: 'hb.fx' });
		await row.getByRole('button', { name: ko['admin.leave'] }).click();
		await status('staff', ko['admin.done.leave']);
		const resp = await fetch(server.base + '/v1/me', { headers: { Authorization: 'Bearer ' + token } });
		assert.equal(resp.status, 401);
		await row.filter({ hasText: ko['admin.leave'] }).waitFor({ state: 'detached' });
	});

	await t.test('a vendor contract, the deadlines and holidays', async () => {
		await page.locator('#contract-vendor').fill('CC');
		await page.locator('#contract-cats').fill('CARD, CENTER');
		await page.locator('#contract-agents').fill('');
		await submit('contract-put');
		await status('contracts', ko['admin.done.saved']);
		await page.locator('#contracts tbody tr', { hasText: 'CARD, CENTER' }).waitFor();
		await page.locator('#desk-first').fill('12');
		await page.locator('#desk-holidays').fill('2026-12-25 성탄절');
		await submit('desk-put');
		await status('desk', ko['admin.done.saved']);
		const admin = await server.login('hb.admin');
		const desk = await server.api('GET', '/v1/orgs/HB/desk-settings', { token: admin });
		assert.equal(desk.first_answer_hours, 12);
		assert.deepEqual(desk.holidays, [{ date: '2026-12-25', name: '성탄절' }]);
	});

	await t.test('key rotation, and the audit trail shows each change', async () => {
		await page.locator('#key-rotate').click();
		await status('keys', ko['admin.done.rotated']);
		// the list is drawn again after the rotation: wait for both keys, old and new
		await page.waitForFunction(() => document.querySelectorAll('#keys tbody tr').length >= 2);
		assert.equal(await page.locator('#keys tbody tr', { hasText: ko['admin.current'] }).count(), 1);
		for (const action of ['dept.create', 'category.create', 'staff.create', 'staff.leave', 'contract.put', 'desk.settings', 'key.rotate'])
			await page.locator('#audit tbody tr', { hasText: action }).first().waitFor();
		const leave = page.locator('#audit tbody tr', { hasText: 'staff.leave' }).first();
		assert.match(await leave.textContent(), /"active":false/);
		await shot(page, 'admin', { keep: 'admin' });
	});

	await t.test('in English too', async () => {
		await page.locator('[data-lang-switch]').click();
		await page.locator('body[data-lang=en]').waitFor();
		assert.equal(await page.locator('#audit-title').textContent(), catalogue.en['admin.audit.title']);
	});
});
