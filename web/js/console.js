// console.js — the agent console: log in (session cookie + CSRF token), the
// queue nearest deadline first, a case with its whole history, and the desk
// actions: reply (with templates), note, hand-over, final answer.
import { api, apiAll, ApiError, errorText } from './api.js';
import { Directory, caseSummary, chainHead, levelText, timeline } from './caseview.js';
import { dateTime, timeLeft } from './format.js';
import { has, initI18n, localName, onLangChange, t } from './i18n.js';
import { busy, el, say } from './ui.js';

const $ = (id) => document.getElementById(id);
const CSRF_KEY = 'ombud.csrf';
const dir = new Directory();
const state = { me: null, org: null, queue: [], caseData: null, templates: null, note: null };

function csrf() {
	return sessionStorage.getItem(CSRF_KEY) || '';
}

function orgPath(suffix) {
	return `/v1/orgs/${encodeURIComponent(state.org)}${suffix}`;
}

/* A cookie-authenticated write: always with the session's CSRF token. An
 * expired session sends the agent back to the login form. */
async function post(path, body) {
	try {
		return await api('POST', path, { body, headers: { 'X-CSRF-Token': csrf() } });
	} catch (e) {
		if (e instanceof ApiError && (e.code === 'unauthorized' || e.code === 'csrf')) sessionLost();
		throw e;
	}
}

/* ---- session ---- */

function showLogin(message) {
	$('desk').hidden = true;
	$('login-section').hidden = false;
	say($('login-error'), message || '', 'error');
}

function sessionLost() {
	sessionStorage.removeItem(CSRF_KEY);
	state.me = null;
	showLogin(t('login.expired'));
}

async function login(ev) {
	ev.preventDefault();
	const name = $('login-name').value.trim(), password = $('login-password').value;
	if (!name || !password) {
		(name ? $('login-password') : $('login-name')).focus();
		return say($('login-error'), t('form.required', { field: t(name ? 'field.password' : 'field.login') }), 'error');
	}
	await busy(ev.target.querySelector('button[type=submit]'), async () => {
		try {
			const r = await api('POST', '/v1/auth/login', { body: { login: name, password } });
			sessionStorage.setItem(CSRF_KEY, r.csrf);
			$('login-password').value = '';
			await enterDesk(r.me);
		} catch (e) {
			say($('login-error'), e.code === 'unauthorized' ? t('login.wrong') : errorText(e), 'error');
		}
	});
}

async function logout() {
	try {
		await post('/v1/auth/logout', {});
	} catch {
		/* the session may be gone already */
	}
	sessionStorage.removeItem(CSRF_KEY);
	state.me = null;
	state.caseData = null;
	$('case-section').hidden = true;
	showLogin();
}

/* The organisations whose desk this account serves: its own company, or for
 * a vendor every company whose queue answers (the API has no list of the
 * clients a vendor acts for). */
async function servedOrgs(me) {
	if (me.org.kind !== 'vendor') return [me.org.code];
	const tries = await Promise.all(dir.companies().map(async (o) => {
		try {
			await api('GET', `/v1/orgs/${encodeURIComponent(o.code)}/queue`);
			return o.code;
		} catch {
			return null;
		}
	}));
	return tries.filter(Boolean);
}

function renderWho() {
	const me = state.me;
	if (!me) return;
	$('who').textContent = t('desk.signed_in', {
		code: me.staff_code, role: has('role.' + me.role) ? t('role.' + me.role) : me.role, org: dir.orgName(me.org.code),
	});
}

async function enterDesk(me) {
	state.me = me;
	$('login-section').hidden = true;
	$('desk').hidden = false;
	renderWho();
	const orgs = await servedOrgs(me);
	const select = $('desk-org');
	select.replaceChildren(...orgs.map((code) => el('option', { value: code }, dir.orgName(code))));
	state.org = orgs[0] || me.org.code;
	await Promise.all([loadQueue(), loadHelpers()]);
}

/* ---- the queue ---- */

function dueOf(item) {
	return item.answer_due || item.final_due;
}

/* The deadline a queue item waits on: its answer deadline, else the final one. */
function deadlineName(q) {
	const kind = q.answer_due ? q.deadline : q.final_due ? 'final_answer' : '';
	return has('deadline.' + kind) ? t('deadline.' + kind) : kind || t('deadline.none');
}

function renderQueue() {
	const body = $('queue').querySelector('tbody');
	const now = Date.now();
	const labels = ['queue.col.receipt', 'queue.col.subject', 'queue.col.level', 'queue.col.deadline', 'queue.col.due', 'queue.col.left'].map((k) => t(k));
	body.replaceChildren(...state.queue.map((q) => {
		const due = dueOf(q);
		const left = due ? timeLeft(due, now) : null;
		const cells = [
			el('button', { type: 'button', class: 'link', onclick: () => openCase(q.receipt) }, q.receipt),
			q.subject,
			levelText(q.level),
			deadlineName(q),
			due ? el('time', { datetime: due }, dateTime(due)) : t('deadline.none'),
			left ? el('span', { class: left.overdue ? 'left overdue' : 'left' }, left.text) : '',
		];
		return el('tr', { dataset: { receipt: q.receipt } }, cells.map((c, i) => el('td', { dataset: { label: labels[i] } }, c)));
	}));
	$('queue-caption').textContent = t('queue.caption', { n: state.queue.length, org: dir.orgName(state.org) });
	say($('queue-status'), state.queue.length ? '' : t('queue.empty'), 'info');
}

async function loadQueue() {
	try {
		const r = await api('GET', orgPath('/queue'));
		// nearest deadline first, whatever order the page of items came in
		state.queue = r.items.slice().sort((a, b) => new Date(dueOf(a) || 8.64e15) - new Date(dueOf(b) || 8.64e15));
		renderQueue();
	} catch (e) {
		if (e.code === 'unauthorized') return sessionLost();
		say($('queue-status'), errorText(e), 'error');
	}
}

/* ---- helpers for the forms: templates, departments, staff codes ---- */

async function loadHelpers() {
	state.templates = null;
	try {
		state.templates = (await api('GET', orgPath('/templates'))).items;
	} catch {
		/* no list of templates: the agent may still give a template's number */
	}
	renderTemplates();
	const depts = await apiAll(orgPath('/departments')).catch(() => []);
	$('dept-list').replaceChildren(...depts.map((d) => el('li', {},
		t('assign.dept_line', { name: localName(d), code: d.code, line: d.contact_line, title: d.manager_title }))));
	const staff = await apiAll(orgPath('/staff')).catch(() => []);
	$('staff-codes').replaceChildren(...staff.filter((s) => s.active).map((s) =>
		el('option', { value: s.staff_code }, t('assign.staff_option', { role: has('role.' + s.role) ? t('role.' + s.role) : s.role, dept: s.dept || '-' }))));
}

function renderTemplates() {
	const have = Array.isArray(state.templates);
	$('template-pick').hidden = !have;
	$('template-number').hidden = have;
	if (!have) return;
	const select = $('reply-template');
	const keep = select.value;
	select.replaceChildren(el('option', { value: '' }, t('reply.no_template')),
		...state.templates.map((tp) => el('option', { value: String(tp.id) }, tp.title)));
	select.value = keep;
}

function chosenTemplate() {
	const raw = state.templates ? $('reply-template').value : $('reply-template-id').value;
	const id = Number.parseInt(raw, 10);
	return Number.isInteger(id) && id > 0 ? id : undefined;
}

/* ---- a case ---- */

async function openCase(receipt) {
	say($('case-error'), '');
	try {
		state.caseData = await api('GET', orgPath(`/cases/${encodeURIComponent(receipt)}`));
		state.note = null;
		await renderCase();
		$('case-section-title').focus();
	} catch (e) {
		$('case-section').hidden = false;
		say($('case-error'), e.code === 'not_found' ? t('lookup.not_found') : errorText(e), 'error');
	}
}

async function renderCase() {
	const c = state.caseData;
	if (!c) return;
	await dir.loadDepts(c);
	$('case-section-title').textContent = t('console.case_title_receipt', { receipt: c.receipt });
	$('case-summary').replaceChildren(caseSummary(c, dir, { staff: true }));
	$('case-timeline').replaceChildren(timeline(c, dir));
	$('case-chain').replaceChildren(chainHead(c));
	const closed = c.status === 'closed' || c.status === 'referred';
	for (const id of ['reply-form', 'assign-form', 'final-form'])
		for (const control of $(id).elements) control.disabled = closed;
	say($('case-status'), state.note ? state.note() : closed ? t('console.case_closed') : '', 'ok');
	$('case-section').hidden = false;
}

/* Runs a desk action on the open case and shows its result. */
async function deskAction(form, suffix, body, done) {
	say($('case-error'), '');
	const ok = await busy(form.querySelector('button[type=submit]'), async () => {
		try {
			state.caseData = await post(orgPath(`/cases/${encodeURIComponent(state.caseData.receipt)}${suffix}`), body);
			state.note = done;
			return true;
		} catch (e) {
			say($('case-error'), errorText(e), 'error');
			return false;
		}
	});
	if (ok) {
		form.reset();
		renderTemplates();
	}
	await renderCase();
	await loadQueue();
}

function needText(textarea) {
	const text = textarea.value.trim();
	if (!text) {
		textarea.setAttribute('aria-invalid', 'true');
		textarea.focus();
		say($('case-error'), t('form.required', { field: t('field.' + textarea.id.replace('-', '_')) }), 'error');
		return null;
	}
	textarea.removeAttribute('aria-invalid');
	return text;
}

function wire() {
	$('login-form').addEventListener('submit', login);
	$('logout').addEventListener('click', logout);
	$('queue-refresh').addEventListener('click', loadQueue);
	$('desk-org').addEventListener('change', (ev) => {
		state.org = ev.target.value;
		loadQueue();
		loadHelpers();
	});
	$('open-receipt-form').addEventListener('submit', (ev) => {
		ev.preventDefault();
		const r = $('open-receipt').value.trim().toUpperCase();
		if (r) openCase(r);
	});
	$('reply-template').addEventListener('change', (ev) => {
		const tp = (state.templates || []).find((x) => String(x.id) === ev.target.value);
		if (tp) $('reply-text').value = tp.body;
	});
	$('reply-form').addEventListener('submit', (ev) => {
		ev.preventDefault();
		const text = needText($('reply-text'));
		if (!text) return;
		const template_id = chosenTemplate();
		deskAction(ev.target, '/replies', template_id ? { text, template_id } : { text }, () => {
			const last = state.caseData.events.filter((e) => e.kind === 'message').pop();
			return t('reply.done', { cls: has('reply_class.' + last?.reply_class) ? t('reply_class.' + last.reply_class) : '' })
				+ (last?.repeated_answer ? ' ' + t('event.repeated_answer') : '');
		});
	});
	$('note-form').addEventListener('submit', (ev) => {
		ev.preventDefault();
		const text = needText($('note-text'));
		if (text) deskAction(ev.target, '/notes', { text }, () => t('note.done'));
	});
	$('assign-form').addEventListener('submit', (ev) => {
		ev.preventDefault();
		const input = $('assign-to');
		const assignee = input.value.trim().toUpperCase();
		if (!/^[A-Z0-9]+-[A-Z]{3}-\d{4}$/.test(assignee)) {
			input.setAttribute('aria-invalid', 'true');
			input.focus();
			return say($('case-error'), t('assign.invalid'), 'error');
		}
		input.removeAttribute('aria-invalid');
		deskAction(ev.target, '/assign', { assignee }, () => t('assign.done', { code: assignee }));
	});
	$('final-form').addEventListener('submit', (ev) => {
		ev.preventDefault();
		const text = needText($('final-text'));
		if (text) deskAction(ev.target, '/final-answer', { text }, () => t('final.done'));
	});
}

async function main() {
	await initI18n();
	wire();
	try {
		await dir.load();
	} catch (e) {
		say($('page-error'), errorText(e), 'error');
	}
	onLangChange(() => {
		renderWho();
		const select = $('desk-org');
		for (const o of select.options) o.textContent = dir.orgName(o.value);
		const redraws = [renderCase()];
		if (state.me) {
			renderQueue();
			redraws.push(loadHelpers());
		}
		return Promise.all(redraws);
	});
	// A session cookie alone cannot write: without this tab's CSRF token, log in again.
	let me = null;
	if (csrf()) me = await api('GET', '/v1/me').catch(() => null);
	if (me && me.staff_code) await enterDesk(me);
	else showLogin();
	document.body.dataset.ready = 'true';
}

main();
