// oversight.js — the regulator's and the carrier's page: telemarketing cases
// by business with the fine a confirmation would carry, confirm or dismiss,
// the sanctions and fines; a number as the screening engine holds it now;
// recorded call-screening blocks with their evidence packets, blocking and
// lifting (screeners), the allowlist (screeners change it), and number
// holders' appeals.
import { apiAll, errorText } from './api.js';
import { dateTime, krw, phone } from './format.js';
import { has, initI18n, localName, onLangChange, t } from './i18n.js';
import { get, logout, post, startSession } from './session.js';
import { busy, el, say } from './ui.js';

const $ = (id) => document.getElementById(id);
const state = { me: null, orgs: new Map(), cases: [], sanctions: [], number: null, blocks: [], allowlist: [], appeals: [] };

const can = {
	tm: (me) => me.role === 'regulator',
	readScreen: (me) => me.role === 'regulator' || me.role === 'screener',
	actScreen: (me) => me.role === 'screener',
};

function label(prefix, value) {
	return has(`${prefix}.${value}`) ? t(`${prefix}.${value}`) : value;
}

function cells(table, values) {
	const names = [...$(table).querySelectorAll('thead th')].map((th) => th.textContent);
	return values.map((v, i) => el('td', { dataset: { label: names[i] || '' }, class: $(table).querySelectorAll('thead th')[i]?.className || null }, v));
}

/* False when one of inputs is empty: the first such is marked, focused and
 * named in the status line statusId. */
function filled(statusId, inputs) {
	for (const input of inputs) {
		if (input.value.trim()) {
			input.removeAttribute('aria-invalid');
			continue;
		}
		input.setAttribute('aria-invalid', 'true');
		input.focus();
		say($(statusId), t('form.required', { field: input.labels[0].textContent }), 'error');
		return false;
	}
	return true;
}

async function shown(statusEl, fn) {
	try {
		say($(statusEl), await fn(), 'ok');
		return true;
	} catch (e) {
		say($(statusEl), errorText(e), 'error');
		return false;
	}
}

/* ---- telemarketing: cases by business, decisions, sanctions ---- */

async function loadTm() {
	const [cases, sanctions] = await Promise.all([get('/v1/tm/cases'), apiAll('/v1/tm/sanctions')]);
	state.cases = cases.items;
	state.sanctions = sanctions;
	renderTm();
}

function decideControls(c) {
	const id = `decide-${c.business.id}`;
	const reason = el('input', { id, 'aria-label': t('tm.reason_for', { name: c.business.name }), placeholder: t('tm.reason_placeholder') });
	const decide = (outcome) => async (ev) => {
		const why = reason.value.trim();
		if (!why) {
			reason.setAttribute('aria-invalid', 'true');
			reason.focus();
			return say($('tm-status'), t('form.required', { field: t('tm.col.reason') }), 'error');
		}
		await busy(ev.target, () => shown('tm-status', async () => {
			const d = await post(`/v1/tm/cases/${c.business.id}/decisions`, { outcome, reason: why });
			await loadTm();
			return d.sanction ? t('tm.confirmed', { name: c.business.name, order: d.sanction.order, fine: krw(d.sanction.fine_krw) })
				: t('tm.dismissed', { name: c.business.name, n: d.reports });
		}));
	};
	return el('div', { class: 'decide' }, reason, el('span', { class: 'inline' },
		el('button', { type: 'button', class: 'primary', onclick: decide('confirm') }, t('tm.confirm')),
		el('button', { type: 'button', onclick: decide('dismiss') }, t('tm.dismiss'))));
}

function renderTm() {
	$('tm-cases').querySelector('tbody').replaceChildren(...state.cases.map((c) => el('tr', { dataset: { business: c.business.id } },
		cells('tm-cases', [
			t('tm.business_named', { name: c.business.name, org: c.business.org || '-' }),
			t('tm.reports_count', { n: c.reports, prima: c.prima_facie }),
			c.violations.map((v) => label('violation', v)).join(', ') || t('tm.no_violation'),
			dateTime(c.last_filed),
			t('tm.fine_order', { fine: krw(c.fine_if_confirmed.amount_krw), order: c.fine_if_confirmed.order }),
			decideControls(c),
		]))));
	if (!state.cases.length) say($('tm-status'), t('tm.no_cases'), 'info');
	$('tm-sanctions').querySelector('tbody').replaceChildren(...state.sanctions.map((s) => el('tr', { dataset: { sanction: s.id } },
		cells('tm-sanctions', [s.business.name, String(s.order), krw(s.fine_krw), s.reason, dateTime(s.decided), String(s.reports), String(s.answers)]))));
}

/* ---- screening: blocks, evidence, lifting ---- */

function evidenceLink(number) {
	return el('a', { href: `/v1/screen/numbers/${encodeURIComponent(number)}/evidence?format=html`, target: '_blank', rel: 'noopener' },
		t('blocks.evidence_open'));
}

/* One number as the engine holds it now (GET /v1/screen/numbers/{number}). */
function renderNumber() {
	const n = state.number;
	if (!n) return;
	const lines = [el('p', {}, el('strong', {}, phone(n.number)), ' — ', t(`numstate.state.${n.state}`))];
	if (n.counts) {
		const c = n.counts;
		lines.push(el('p', {}, t('numstate.seen', { first: dateTime(n.first_seen), last: dateTime(n.last_seen) })),
			el('p', {}, t('numstate.counts', { m1: c.attempts_1m, m10: c.attempts_10m, m60: c.attempts_60m,
				callees: c.distinct_callees, ends: c.ends, answered: c.answered, short: c.short_calls })));
	}
	const last = n.evidence?.timeline?.at(-1);
	if (last) {
		lines.push(el('p', {}, t('numstate.last', { verdict: t(`numstate.verdict.${last.verdict}`), score: last.score,
			reasons: last.reasons.map((r) => label('reason', r)).join(', ') })));
	}
	if (n.evidence || n.recorded_block) lines.push(el('p', {}, evidenceLink(n.number)));
	$('numstate-result').replaceChildren(...lines);
}

async function lookUpNumber(ev) {
	ev.preventDefault();
	if (!filled('numstate-status', [$('numstate-number')])) return;
	const number = $('numstate-number').value.trim();
	await busy(ev.target.querySelector('button[type=submit]'), async () => {
		try {
			state.number = await get(`/v1/screen/numbers/${encodeURIComponent(number)}`);
			say($('numstate-status'), '');
			renderNumber();
		} catch (e) {
			state.number = null;
			$('numstate-result').replaceChildren();
			say($('numstate-status'), errorText(e), 'error');
		}
	});
}

async function loadBlocks() {
	state.blocks = await apiAll(`/v1/screen/blocks?state=${$('blocks-state').value}`);
	renderBlocks();
}

/* A reason box and a button that runs act(reason) once a reason is given;
 * what came of it is said in the status line statusId. */
function withReason(statusId, { label, placeholder, field, button, act }) {
	const reason = el('input', { 'aria-label': label, placeholder });
	return el('div', { class: 'decide' }, reason, el('button', { type: 'button', onclick: async (ev) => {
		const why = reason.value.trim();
		if (!why) {
			reason.setAttribute('aria-invalid', 'true');
			reason.focus();
			return say($(statusId), t('form.required', { field }), 'error');
		}
		await busy(ev.target, () => shown(statusId, () => act(why)));
	} }, button));
}

function liftControls(b) {
	if (b.lifted || !can.actScreen(state.me)) return b.lifted ? t('blocks.lifted_by', { code: b.lifted.by, reason: b.lifted.reason }) : '';
	return withReason('blocks-status', {
		label: t('blocks.lift_reason_for', { number: phone(b.number) }), placeholder: t('blocks.lift_placeholder'),
		field: t('blocks.col.lift'), button: t('blocks.lift'),
		act: async (why) => {
			await post(`/v1/screen/blocks/${encodeURIComponent(b.number)}/lift`, { reason: why });
			await loadBlocks();
			return t('blocks.lifted', { number: phone(b.number) });
		},
	});
}

function renderBlocks() {
	$('blocks').querySelector('tbody').replaceChildren(...state.blocks.map((b) => el('tr', { dataset: { number: b.number, block: b.id } },
		cells('blocks', [
			el('strong', {}, phone(b.number)),
			b.reasons.map((r) => label('reason', r)).join(', ') + (b.note ? ` — ${b.note}` : ''),
			b.set_by === 'engine' ? t('blocks.engine') : b.set_by,
			t('blocks.period', { from: dateTime(b.from), until: dateTime(b.until) }),
			el('span', { class: 'status', dataset: { state: b.lifted ? 'lifted' : 'running' } }, t(b.lifted ? 'blocks.state.lifted' : 'blocks.state.running_one')),
			evidenceLink(b.number),
			liftControls(b),
		]))));
	if (!state.blocks.length) say($('blocks-status'), t('blocks.none'), 'info');
}

async function blockNumber(ev) {
	ev.preventDefault();
	const number = $('block-number').value.trim(), reason = $('block-reason').value.trim();
	if (!filled('blocks-status', [$('block-number'), $('block-reason')])) return;
	await busy(ev.target.querySelector('button[type=submit]'), () => shown('blocks-status', async () => {
		const b = await post('/v1/screen/blocks', { number, reason, voice_phishing: $('block-phishing').checked });
		ev.target.reset();
		await loadBlocks();
		return t('blocks.blocked', { number: phone(b.number), until: dateTime(b.until) });
	}));
}

/* ---- the allowlist ---- */

async function loadAllowlist() {
	state.allowlist = await apiAll('/v1/screen/allowlist');
	renderAllowlist();
}

function removeControls(a) {
	if (!can.actScreen(state.me)) return '';
	return withReason('allow-status', {
		label: t('allow.remove_reason_for', { number: phone(a.number) }), placeholder: t('allow.remove_placeholder'),
		field: t('allow.col.remove'), button: t('allow.remove'),
		act: async (why) => {
			await post(`/v1/screen/allowlist/${encodeURIComponent(a.number)}/remove`, { reason: why });
			await loadAllowlist();
			return t('allow.removed', { number: phone(a.number) });
		},
	});
}

function renderAllowlist() {
	$('allowlist').querySelector('tbody').replaceChildren(...state.allowlist.map((a) => el('tr', { dataset: { number: a.number } },
		cells('allowlist', [el('strong', {}, phone(a.number)), a.reason, t('allow.added_by', { code: a.added_by, at: dateTime(a.added) }),
			removeControls(a)]))));
	if (!state.allowlist.length) say($('allow-status'), t('allow.none'), 'info');
}

async function allowNumber(ev) {
	ev.preventDefault();
	const number = $('allow-number').value.trim(), reason = $('allow-reason').value.trim();
	if (!filled('allow-status', [$('allow-number'), $('allow-reason')])) return;
	await busy(ev.target.querySelector('button[type=submit]'), () => shown('allow-status', async () => {
		const a = await post('/v1/screen/allowlist', { number, reason });
		ev.target.reset();
		await loadAllowlist();
		return t('allow.added', { number: phone(a.number) });
	}));
}

/* ---- appeals by number holders ---- */

async function loadAppeals() {
	state.appeals = await apiAll(`/v1/screen/appeals?status=${$('appeals-status-filter').value}`);
	renderAppeals();
}

function appealControls(a) {
	if (a.decision) return t('appeals.decided', { code: a.decision.by, reason: a.decision.reason });
	if (!can.actScreen(state.me)) return '';
	const reason = el('input', { 'aria-label': t('appeals.reason_for', { id: a.id }), placeholder: t('appeals.reason_placeholder') });
	const decide = (lift) => async (ev) => {
		const why = reason.value.trim();
		if (!why) {
			reason.setAttribute('aria-invalid', 'true');
			reason.focus();
			return say($('appeals-status'), t('form.required', { field: t('appeals.col.decide') }), 'error');
		}
		await busy(ev.target, () => shown('appeals-status', async () => {
			const d = await post(`/v1/screen/appeals/${a.id}/decide`, { lift, reason: why });
			await Promise.all([loadAppeals(), loadBlocks()]);
			return t(lift ? 'appeals.lifted' : 'appeals.rejected', { id: d.id, number: phone(d.number) });
		}));
	};
	return el('div', { class: 'decide' }, reason, el('span', { class: 'inline' },
		el('button', { type: 'button', class: 'primary', onclick: decide(true) }, t('appeals.lift')),
		el('button', { type: 'button', onclick: decide(false) }, t('appeals.reject'))));
}

function renderAppeals() {
	$('appeals').querySelector('tbody').replaceChildren(...state.appeals.map((a) => el('tr', { dataset: { appeal: a.id } },
		cells('appeals', [String(a.id), phone(a.number), el('span', { class: 'quote' }, a.statement), dateTime(a.confirmed),
			el('a', { href: `${a.evidence}?format=html`, target: '_blank', rel: 'noopener' }, t('blocks.evidence_open')), appealControls(a)]))));
	if (!state.appeals.length) say($('appeals-status'), t('appeals.none'), 'info');
	else say($('appeals-status'), '');
}

/* ---- the page ---- */

function renderWho() {
	const me = state.me, org = state.orgs.get(me.org.code);
	$('who').textContent = t('desk.signed_in', { code: me.staff_code, role: label('role', me.role),
		org: org ? t('actor.org_named', { name: localName(org), code: me.org.code }) : me.org.code });
}

async function enter(me) {
	state.me = me;
	say($('page-error'), '');
	$('oversight').hidden = false;
	renderWho();
	$('tm-section').hidden = !can.tm(me);
	$('blocks-section').hidden = !can.readScreen(me);
	$('allow-section').hidden = !can.readScreen(me);
	$('appeals-section').hidden = !can.readScreen(me);
	$('block-form').hidden = !can.actScreen(me);
	$('allow-form').hidden = !can.actScreen(me);
	if (!can.tm(me) && !can.readScreen(me)) say($('page-error'), t('oversight.not_for_role'), 'error');
	try {
		await Promise.all([can.tm(me) ? loadTm() : null, can.readScreen(me) ? loadBlocks() : null,
			can.readScreen(me) ? loadAllowlist() : null, can.readScreen(me) ? loadAppeals() : null]);
	} catch (e) {
		say($('page-error'), errorText(e), 'error');
	}
}

function leave() {
	$('oversight').hidden = true;
	state.me = null;
}

async function main() {
	await initI18n();
	$('logout').addEventListener('click', logout);
	$('block-form').addEventListener('submit', blockNumber);
	$('numstate-form').addEventListener('submit', lookUpNumber);
	$('allow-form').addEventListener('submit', allowNumber);
	$('blocks-state').addEventListener('change', () => loadBlocks().catch((e) => say($('blocks-status'), errorText(e), 'error')));
	$('appeals-status-filter').addEventListener('change', () => loadAppeals().catch((e) => say($('appeals-status'), errorText(e), 'error')));
	for (const o of await apiAll('/v1/orgs').catch(() => [])) state.orgs.set(o.code, o);
	onLangChange(() => {
		if (!state.me) return;
		renderWho();
		if (can.tm(state.me)) renderTm();
		if (can.readScreen(state.me)) {
			renderNumber();
			renderBlocks();
			renderAllowlist();
			renderAppeals();
		}
	});
	await startSession(enter, leave);
	document.body.dataset.ready = 'true';
}

main();
