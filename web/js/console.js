// console.js — the agent console: log in (session.js), the queue nearest
// deadline first (filtered: mine, due soon, missed, about the center), a case
// with its whole history, and the desk actions: reply (with templates,
// checked by the server before sending so a repeat is seen in time), note,
// hand-over, final answer. Protection and the managers' view: protection.js.
import { api, apiAll, errorText } from './api.js';
import { Directory, caseSummary, chainHead, levelText, timeline } from './caseview.js';
import { dateTime, timeLeft } from './format.js';
import { has, initI18n, localName, onLangChange, t } from './i18n.js';
import { HANDLERS, REVIEWERS, forgetTeam, loadTeam, renderTeam, wireProtection } from './protection.js';
import { get, logout, post, startSession } from './session.js';
import { busy, el, say } from './ui.js';

const $ = (id) => document.getElementById(id);
const dir = new Directory();
const state = { me: null, org: null, queue: [], caseData: null, templates: null, note: null, draft: null };
const SOON_MS = 24 * 60 * 60 * 1000;

function orgPath(suffix) {
	return `/v1/orgs/${encodeURIComponent(state.org)}${suffix}`;
}

/* A case's route with the purpose the reader chose: every answer with the
 * case's personal data is logged with it (docs/privacy.md). */
function casePath(receipt, suffix = '') {
	const path = orgPath(`/cases/${encodeURIComponent(receipt)}${suffix}`);
	return `${path}${path.includes('?') ? '&' : '?'}purpose=${encodeURIComponent($('read-purpose').value)}`;
}

/* Back to the login form: forget who was signed in and what was open. */
function leaveDesk() {
	$('desk').hidden = true;
	$('case-section').hidden = true;
	state.me = null;
	state.caseData = null;
	forgetTeam();
}

/* The organisations whose desk this account serves: its own company, or
 * the companies a vendor acts for (GET /v1/me lists them). */
function servedOrgs(me) {
	return me.org.kind === 'vendor' ? me.acts_for || [] : [me.org.code];
}

function ownPath(suffix) {
	return `/v1/orgs/${encodeURIComponent(state.me.org.code)}${suffix}`;
}

function renderWho() {
	const me = state.me;
	if (!me) return;
	$('who').textContent = t('desk.signed_in', {
		code: me.staff_code, role: has('role.' + me.role) ? t('role.' + me.role) : me.role, org: dir.orgName(me.org.code),
	});
}

async function enterDesk(me) {
	// login answers who without the vendor's clients: ask the server
	state.me = me.org.kind === 'vendor' && !me.acts_for ? await api('GET', '/v1/me') : me;
	me = state.me;
	$('desk').hidden = false;
	renderWho();
	$('care-section').hidden = !HANDLERS.includes(me.role);
	$('team-section').hidden = !REVIEWERS.includes(me.role);
	$('admin-link').hidden = me.role !== 'admin';
	const orgs = servedOrgs(me);
	const select = $('desk-org');
	select.replaceChildren(...orgs.map((code) => el('option', { value: code }, dir.orgName(code))));
	state.org = orgs[0] || me.org.code;
	await Promise.all([loadQueue(), loadHelpers(), loadTeam()]);
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

/* Whether a queue item passes the chosen filter at nowMs. */
function passes(q, filter, nowMs) {
	const due = dueOf(q);
	switch (filter) {
	case 'mine': return q.mine;
	case 'soon': return Boolean(due) && new Date(due).getTime() - nowMs <= SOON_MS && new Date(due).getTime() >= nowMs;
	case 'missed': return q.deadlines_missed > 0 || (Boolean(due) && new Date(due).getTime() < nowMs);
	case 'center': return q.about_center;
	default: return true;
	}
}

function queueFlags(q) {
	const flags = [];
	if (q.mine) flags.push(t('queue.flag.mine'));
	if (q.deadlines_missed) flags.push(t('queue.flag.missed', { n: q.deadlines_missed }));
	if (q.about_center) flags.push(t('queue.flag.center'));
	return flags.join(' · ');
}

function renderQueue() {
	const body = $('queue').querySelector('tbody');
	const now = Date.now();
	const filter = $('queue-filter').value;
	const shown = state.queue.filter((q) => passes(q, filter, now));
	const labels = ['queue.col.receipt', 'queue.col.subject', 'queue.col.level', 'queue.col.deadline', 'queue.col.due', 'queue.col.left',
		'queue.col.flags'].map((k) => t(k));
	body.replaceChildren(...shown.map((q) => {
		const due = dueOf(q);
		const left = due ? timeLeft(due, now) : null;
		const cells = [
			el('button', { type: 'button', class: 'link', onclick: () => openCase(q.receipt) }, q.receipt),
			q.subject,
			levelText(q.level),
			deadlineName(q),
			due ? el('time', { datetime: due }, dateTime(due)) : t('deadline.none'),
			left ? el('span', { class: left.overdue ? 'left overdue' : 'left' }, left.text) : '',
			queueFlags(q),
		];
		return el('tr', { dataset: { receipt: q.receipt } }, cells.map((c, i) => el('td', { dataset: { label: labels[i] } }, c)));
	}));
	$('queue-caption').textContent = filter === 'all' ? t('queue.caption', { n: state.queue.length, org: dir.orgName(state.org) })
		: t('queue.caption_filtered', { n: shown.length, total: state.queue.length, org: dir.orgName(state.org) });
	say($('queue-status'), shown.length ? '' : t('queue.empty'), 'info');
}

async function loadQueue() {
	try {
		const r = await get(orgPath('/queue?limit=100'));
		// nearest deadline first, whatever order the page of items came in
		state.queue = r.items.slice().sort((a, b) => new Date(dueOf(a) || 8.64e15) - new Date(dueOf(b) || 8.64e15));
		renderQueue();
	} catch (e) {
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
	if (state.caseData?.receipt !== receipt) {
		state.draft = null;
		say($('protect-status'), '');
		$('dossier-link').hidden = true;
	}
	try {
		state.caseData = await api('GET', casePath(receipt));
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
	$('draft-check-button').disabled = closed;
	$('protect-section').hidden = !HANDLERS.includes(state.me?.role);
	renderDraft();
	say($('case-status'), state.note ? state.note() : closed ? t('console.case_closed') : '', 'ok');
	$('case-section').hidden = false;
}

/* Runs a desk action on the open case and shows its result. */
async function deskAction(form, suffix, body, done) {
	say($('case-error'), '');
	const ok = await busy(form.querySelector('button[type=submit]'), async () => {
		try {
			state.caseData = await post(casePath(state.caseData.receipt, suffix), body);
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

/* ---- the repeat warning: the server checks a draft before it is sent ---- */

function draftBody() {
	const text = $('reply-text').value.trim();
	const template_id = chosenTemplate();
	if (!text) return null;
	return template_id ? { text, template_id } : { text };
}

function draftKey(body) {
	return `${state.caseData?.receipt} ${JSON.stringify(body)}`;
}

/* What the server says the draft would count as; cached per text. */
async function checkDraft() {
	const body = draftBody();
	if (!body || !state.caseData) {
		state.draft = null;
		renderDraft();
		return null;
	}
	const key = draftKey(body);
	if (state.draft?.key === key) return state.draft.verdict;
	const verdict = await post(orgPath(`/cases/${encodeURIComponent(state.caseData.receipt)}/draft-check`), body);
	state.draft = { key, verdict };
	renderDraft();
	return verdict;
}

/* The verdict in words; a repeat is a warning the agent must confirm. */
function renderDraft() {
	const box = $('draft-verdict');
	const body = draftBody();
	const d = state.draft && body && state.draft.key === draftKey(body) ? state.draft.verdict : null;
	$('draft-confirm-field').hidden = !d?.repeated_answer;
	if (!d) {
		box.hidden = true;
		box.replaceChildren();
		return;
	}
	const deadline = d.deadline && has('deadline.' + d.deadline) ? t('deadline.' + d.deadline) : '';
	let kind, lines;
	if (d.repeated_answer) {
		kind = 'repeat';
		lines = [t('draft.repeat', { pct: Math.round(Math.max(d.similar.answer_score, d.similar.template_score) * 100) }),
			t('draft.repeat_no_deadline'), d.climbs ? t('draft.climbs', { level: levelText(d.level_after) }) : null];
	} else if (d.reply_class !== 'human') {
		kind = 'template';
		lines = [t('draft.template')];
	} else if (d.below_level) {
		kind = 'below';
		lines = [t('draft.below_level', { level: levelText(state.caseData.level) })];
	} else if (d.meets_deadline) {
		kind = 'ok';
		lines = [t('draft.meets', { kind: deadline })];
	} else {
		kind = 'none';
		lines = [t('draft.no_deadline_running')];
	}
	box.dataset.verdict = kind;
	box.className = kind === 'ok' || kind === 'none' ? 'draft msg' : 'draft warning';
	if (kind === 'ok' || kind === 'none') box.dataset.kind = 'ok';
	else delete box.dataset.kind;
	box.replaceChildren(...lines.filter(Boolean).map((line) => el('p', {}, line)));
	box.hidden = false;
}

let draftTimer = null;
function draftSoon() {
	clearTimeout(draftTimer);
	renderDraft(); // a changed text hides the old verdict at once
	draftTimer = setTimeout(() => checkDraft().catch(() => null), 500);
}

async function sendReply(form) {
	const text = needText($('reply-text'));
	if (!text) return;
	let verdict = null;
	try {
		verdict = await checkDraft();
	} catch (e) {
		return say($('case-error'), errorText(e), 'error');
	}
	if (verdict?.repeated_answer && !$('draft-confirm').checked) {
		say($('case-error'), t('draft.confirm_needed'), 'error');
		$('draft-confirm').focus();
		return;
	}
	const template_id = chosenTemplate();
	state.draft = null;
	await deskAction(form, '/replies', template_id ? { text, template_id } : { text }, () => {
		const last = state.caseData.events.filter((e) => e.kind === 'message').pop();
		return t('reply.done', { cls: has('reply_class.' + last?.reply_class) ? t('reply_class.' + last.reply_class) : '' })
			+ (last?.repeated_answer ? ' ' + t('event.repeated_answer') : '');
	});
}

function wire() {
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
		draftSoon();
	});
	$('reply-form').addEventListener('submit', (ev) => {
		ev.preventDefault();
		sendReply(ev.target);
	});
	$('reply-text').addEventListener('input', draftSoon);
	$('draft-check-button').addEventListener('click', (ev) => busy(ev.target, () => checkDraft().catch((e) =>
		say($('case-error'), errorText(e), 'error'))));
	$('queue-filter').addEventListener('change', renderQueue);
	wireProtection({
		me: () => state.me,
		casePath: (suffix) => casePath(state.caseData.receipt, suffix),
		receipt: () => state.caseData.receipt,
		ownPath,
		afterEnd: async () => {
			state.caseData = await api('GET', casePath(state.caseData.receipt));
			await renderCase();
			await loadQueue();
		},
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
			renderTeam();
			redraws.push(loadHelpers());
		}
		return Promise.all(redraws);
	});
	await startSession(enterDesk, leaveDesk);
	document.body.dataset.ready = 'true';
}

main();
