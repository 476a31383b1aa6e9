// admin.js — an organisation's administration (docs/api.md, "Administration"):
// departments, categories and their departments, staff joining and leaving,
// vendor contracts, deadlines and holidays, the signing key, and the audit
// trail of every change. For the admin of the organisation only.
import { apiAll, errorText } from './api.js';
import { dateTime } from './format.js';
import { has, initI18n, localName, onLangChange, t } from './i18n.js';
import { get, logout, post, send, startSession } from './session.js';
import { busy, el, say } from './ui.js';

const $ = (id) => document.getElementById(id);
const ROLES = { company: ['agent', 'practitioner', 'manager', 'complaints', 'admin'], vendor: ['agent', 'supervisor', 'admin'] };
const state = { me: null, orgs: new Map(), depts: [], cats: [], staff: [], contracts: [], keys: [], audit: [] };

function label(prefix, value) {
	return has(`${prefix}.${value}`) ? t(`${prefix}.${value}`) : value;
}

function row(table, values) {
	const names = [...$(table).querySelectorAll('thead th')].map((th) => th.textContent);
	return el('tr', {}, values.map((v, i) => el('td', { dataset: { label: names[i] || '' } }, v)));
}

function fill(table, rows) {
	$(table).querySelector('tbody').replaceChildren(...rows);
}

function options(select, items, selected) {
	$(select).replaceChildren(...items.map(([value, text]) => el('option', { value, selected: value === selected }, text)));
}

const org = () => state.me.org.code;
const path = (p) => `/v1/orgs/${org()}${p}`;

/* Runs a change, says what happened in the section, reloads everything it touches. */
async function change(section, button, fn, done) {
	await busy(button, async () => {
		try {
			await fn();
			say($(`${section}-status`), t(done), 'ok');
			await load();
		} catch (e) {
			say($(`${section}-status`), errorText(e), 'error');
		}
	});
}

/* ---- loading and drawing ---- */

async function load() {
	const [depts, cats, staff, contracts, audit] = await Promise.all([
		apiAll(path('/departments')), get(path('/categories')), apiAll(path('/staff')),
		state.me.org.kind === 'company' ? get(path('/vendor-contracts')) : { items: [] }, apiAll(path('/audit'))]);
	const desk = await get(path('/desk-settings'));
	const today = new Date().toISOString().slice(0, 10);
	const heads = await get(`/v1/orgs/${org()}/heads?day=${today}`);
	Object.assign(state, { depts, cats: cats.items, staff, contracts: contracts.items, audit: audit.reverse(), keys: heads.keys, desk });
	render();
}

function render() {
	const deptChoices = state.depts.map((d) => [d.code, `${d.code} — ${localName(d)}`]);
	fill('depts', state.depts.map((d) => row('depts', [d.code, localName(d), d.contact_line, d.manager_title])));
	options('dept-edit-code', deptChoices, $('dept-edit-code').value);
	options('cat-dept', deptChoices, $('cat-dept').value);
	options('cat-move-dept', deptChoices, $('cat-move-dept').value);
	options('staff-dept', [['', t('admin.no_dept')], ...deptChoices], $('staff-dept').value);
	options('staff-role', (ROLES[state.me.org.kind] || ['admin']).map((r) => [r, label('role', r)]), $('staff-role').value);
	fill('cats', state.cats.map((c) => row('cats', [c.code, localName(c), c.dept, c.about_center ? t('admin.yes') : ''])));
	options('cat-move-code', state.cats.map((c) => [c.code, `${c.code} — ${localName(c)}`]), $('cat-move-code').value);
	fill('staff', state.staff.map((s) => row('staff', [s.staff_code, s.login, label('role', s.role), s.dept,
		s.active ? t('admin.active') : t('admin.left', { at: dateTime(s.left) }),
		s.active && s.staff_code !== state.me.staff_code
			? el('button', { type: 'button', 'aria-label': t('admin.leave_for', { code: s.staff_code }), onclick: (ev) => leaveStaff(ev.target, s) }, t('admin.leave'))
			: ''])));
	const list = (v) => (v === 'all' ? t('admin.all') : v.join(', '));
	fill('contracts', state.contracts.map((c) => row('contracts', [c.vendor, list(c.categories), list(c.agents),
		el('button', { type: 'button', 'aria-label': t('admin.end_for', { vendor: c.vendor }), onclick: (ev) => endContract(ev.target, c.vendor) }, t('admin.end'))])));
	const d = state.desk;
	$('desk-first').value = d.first_answer_hours;
	$('desk-responsible').value = d.responsible_contact_hours;
	$('desk-l2').value = d.level_answer_hours.L2;
	$('desk-l3').value = d.level_answer_hours.L3;
	$('desk-l4').value = d.level_answer_hours.L4;
	$('desk-final').value = d.final_answer_days;
	$('desk-business').checked = d.business_hours;
	$('desk-week').value = d.week.join(', ');
	$('desk-holidays').value = d.holidays.map((h) => `${h.date} ${h.name}`.trim()).join('\n');
	fill('keys', state.keys.map((k) => row('keys', [String(k.id), el('code', {}, k.public_key), dateTime(k.valid_from),
		k.valid_until ? dateTime(k.valid_until) : t('admin.current')])));
	const json = (v) => el('code', {}, v === null ? '—' : JSON.stringify(v));
	fill('audit', state.audit.map((a) => row('audit', [dateTime(a.at), a.by, a.action, a.target, json(a.before), json(a.after)])));
}

/* ---- changes ---- */

function value(id) {
	return $(id).value.trim();
}

function optional(id) {
	return value(id) || undefined;
}

async function leaveStaff(button, s) {
	if (!window.confirm(t('admin.leave_confirm', { code: s.staff_code }))) return;
	await change('staff', button, () => post(path(`/staff/${s.staff_code}/leave`), {}), 'admin.done.leave');
}

async function endContract(button, vendor) {
	if (!window.confirm(t('admin.end_confirm', { vendor }))) return;
	await change('contracts', button, () => send('DELETE', path(`/vendor-contracts/${vendor}`)), 'admin.done.saved');
}

/* "all", or a comma-separated list of codes. */
function codes(id) {
	const v = value(id);
	return v === '' || v.toLowerCase() === 'all' ? 'all' : v.split(',').map((c) => c.trim()).filter(Boolean);
}

function wire(form, section, fn, done) {
	$(form).addEventListener('submit', (ev) => {
		ev.preventDefault();
		change(section, ev.submitter || ev.target.querySelector('button[type=submit]'), fn, done);
	});
}

function wireForms() {
	wire('dept-add', 'depts', () => post(path('/departments'), { code: value('dept-code'), name: value('dept-name'),
		contact_line: optional('dept-contact'), manager_title: optional('dept-manager') }), 'admin.done.added');
	wire('dept-edit', 'depts', () => send('PATCH', path(`/departments/${value('dept-edit-code')}`),
		{ contact_line: $('dept-edit-contact').value.trim(), manager_title: optional('dept-edit-manager') }), 'admin.done.saved');
	wire('cat-add', 'cats', () => post(path('/categories'), { code: value('cat-code'), name: value('cat-name'),
		dept: value('cat-dept'), about_center: $('cat-center').checked }), 'admin.done.added');
	wire('cat-move', 'cats', () => send('PATCH', path(`/categories/${value('cat-move-code')}`), { dept: value('cat-move-dept') }),
		'admin.done.saved');
	wire('staff-add', 'staff', async () => {
		await post(path('/staff'), { login: value('staff-login'), password: $('staff-password').value,
			role: value('staff-role'), dept: optional('staff-dept') });
		$('staff-password').value = '';
	}, 'admin.done.added');
	wire('contract-put', 'contracts', () => send('PUT', path(`/vendor-contracts/${value('contract-vendor')}`),
		{ categories: codes('contract-cats'), agents: codes('contract-agents') }), 'admin.done.saved');
	wire('desk-put', 'desk', () => {
		const n = (id) => Number(value(id));
		const holidays = $('desk-holidays').value.split('\n').map((l) => l.trim()).filter(Boolean)
			.map((l) => ({ date: l.slice(0, 10), name: l.slice(10).trim() }));
		return send('PUT', path('/desk-settings'), { first_answer_hours: n('desk-first'), responsible_contact_hours: n('desk-responsible'),
			level_answer_hours: { L2: n('desk-l2'), L3: n('desk-l3'), L4: n('desk-l4') }, final_answer_days: n('desk-final'),
			business_hours: $('desk-business').checked, week: value('desk-week').split(',').map((d) => d.trim()), holidays });
	}, 'admin.done.saved');
	$('key-rotate').addEventListener('click', (ev) => {
		if (window.confirm(t('admin.keys.confirm'))) change('keys', ev.target, () => post(path('/keys/rotate'), {}), 'admin.done.rotated');
	});
	$('audit-refresh').addEventListener('click', (ev) => change('audit', ev.target, async () => {}, 'admin.done.loaded'));
}

/* ---- the page ---- */

function renderWho() {
	const me = state.me, o = state.orgs.get(me.org.code);
	$('who').textContent = t('desk.signed_in', { code: me.staff_code, role: label('role', me.role),
		org: o ? t('actor.org_named', { name: localName(o), code: me.org.code }) : me.org.code });
}

async function enter(me) {
	state.me = me;
	say($('page-error'), '');
	if (me.role !== 'admin') {
		$('admin').hidden = false;
		renderWho();
		for (const s of $('admin').querySelectorAll('section:not(.who)')) s.hidden = true;
		return say($('page-error'), t('admin.not_for_role'), 'error');
	}
	for (const s of $('admin').querySelectorAll('section')) s.hidden = false;
	$('contracts-section').hidden = me.org.kind !== 'company';
	$('admin').hidden = false;
	renderWho();
	try {
		await load();
	} catch (e) {
		say($('page-error'), errorText(e), 'error');
	}
}

function leave() {
	$('admin').hidden = true;
	state.me = null;
}

async function main() {
	await initI18n();
	$('logout').addEventListener('click', logout);
	wireForms();
	for (const o of await apiAll('/v1/orgs').catch(() => [])) state.orgs.set(o.code, o);
	onLangChange(() => {
		if (!state.me || state.me.role !== 'admin' || !state.desk) return;
		renderWho();
		render();
	});
	await startSession(enter, leave);
	document.body.dataset.ready = 'true';
}

main();
