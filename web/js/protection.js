// protection.js — the console's protection of agents (docs/protection.md):
// on the open case, flag an abusive contact, warn the customer, end the
// contact (the case goes on with another handler), ask for a complaint
// dossier; for the agent, a break or counselling; for managers and
// supervisors, their staff's incidents to review, requests, dossiers and
// breaks. Routes: the case's organisation for the contact, the agent's
// employer for the rest.
import { apiAll, errorText } from './api.js';
import { levelText } from './caseview.js';
import { dateTime } from './format.js';
import { has, t } from './i18n.js';
import { post } from './session.js';
import { busy, el, say } from './ui.js';

export const HANDLERS = ['agent', 'supervisor', 'practitioner', 'manager', 'complaints'];
export const REVIEWERS = ['manager', 'supervisor'];

const $ = (id) => document.getElementById(id);
/* What the console lends: who is signed in, the open case's paths, its own
 * organisation's paths, and what to redraw once a contact ended. */
const ctx = { me: () => null, casePath: () => '', receipt: () => '', ownPath: () => '', afterEnd: async () => {} };
let team = null; // {incidents, requests, dossiers}

/* ---- protection: on the case's contact, and for the agent ---- */

async function protectStep(button, fn) {
	say($('protect-status'), '');
	await busy(button, async () => {
		try {
			say($('protect-status'), await fn(), 'ok');
		} catch (e) {
			say($('protect-status'), e.code === 'conflict' && has('protect.conflict.' + button.id)
				? t('protect.conflict.' + button.id) : errorText(e), 'error');
		}
	});
}

function contactState(r) {
	return t('protect.contact_state', { given: r.warnings_given, required: r.warnings_required })
		+ ' ' + t(r.may_end ? 'protect.may_end' : 'protect.may_not_end');
}

async function flagIncident(ev) {
	ev.preventDefault();
	const text = $('incident-text').value.trim();
	if (!text) {
		$('incident-text').setAttribute('aria-invalid', 'true');
		$('incident-text').focus();
		return say($('protect-status'), t('form.required', { field: t('field.incident_text') }), 'error');
	}
	$('incident-text').removeAttribute('aria-invalid');
	const body = { kind: $('incident-kind').value, text };
	const ref = $('incident-recording').value.trim();
	if (ref) body.recording_ref = ref;
	await protectStep(ev.target.querySelector('button[type=submit]'), async () => {
		const r = await post(ctx.casePath('/incidents'), body);
		ev.target.reset();
		return t('protect.flagged', { id: r.id, kind: t('incident.kind.' + r.kind), status: t('incident.status.' + r.status) });
	});
}

async function warnContact() {
	await protectStep($('warn-button'), async () => contactState(await post(ctx.casePath('/warnings'), {})));
}

async function endContact() {
	await protectStep($('end-button'), async () => {
		const r = await post(ctx.casePath('/end-contact'), {});
		await ctx.afterEnd();
		return t('protect.ended', { code: r.handed_over_to.staff_code, level: levelText(r.handed_over_to.level) });
	});
}

async function requestDossier() {
	await protectStep($('dossier-button'), async () => {
		const r = await post(ctx.ownPath('/dossiers'), { receipt: ctx.receipt() });
		const link = $('dossier-link');
		link.replaceChildren(el('a', { href: ctx.ownPath(`/dossiers/${r.id}?format=html`), target: '_blank', rel: 'noopener' },
			t('protect.dossier_open', { id: r.id })));
		link.hidden = false;
		return t('protect.dossier_done', { id: r.id });
	});
}

async function askForCare(ev) {
	ev.preventDefault();
	const kind = $('care-kind').value;
	const words = $('care-text').value.trim();
	await busy(ev.target.querySelector('button[type=submit]'), async () => {
		try {
			await post(ctx.ownPath('/counselling'), { text: t('care.request_text', { kind: t('care.kind.' + kind), text: words || '-' }) });
			ev.target.reset();
			say($('care-status'), t('care.done.' + kind), 'ok');
			await loadTeam();
		} catch (e) {
			say($('care-status'), errorText(e), 'error');
		}
	});
}

/* ---- managers and supervisors: their staff's incidents, requests, breaks ---- */

export async function loadTeam() {
	const me = ctx.me();
	if (!me || !REVIEWERS.includes(me.role)) return;
	try {
		const [incidents, requests, dossiers, staff] = await Promise.all([apiAll(ctx.ownPath('/incidents')), apiAll(ctx.ownPath('/counselling')),
			apiAll(ctx.ownPath('/dossiers')), apiAll(ctx.ownPath('/staff')).catch(() => [])]);
		team = { incidents, requests, dossiers };
		$('own-staff-codes').replaceChildren(...staff.filter((s) => s.active && s.staff_code !== ctx.me().staff_code)
			.map((s) => el('option', { value: s.staff_code }, has('role.' + s.role) ? t('role.' + s.role) : s.role)));
		renderTeam();
	} catch (e) {
		say($('team-status'), errorText(e), 'error');
	}
}

export function renderTeam() {
	if (!team) return;
	const labels = ['id', 'agent', 'receipt', 'kind', 'at', 'status', 'text', 'review'].map((k) => t('incident.col.' + k));
	const rows = team.incidents.slice().reverse().map((i) => {
		const decide = i.status === 'pending' && i.agent !== ctx.me().staff_code
			? el('span', { class: 'inline' },
				el('button', { type: 'button', onclick: (ev) => review(ev.target, i.id, 'confirm') }, t('incident.confirm')),
				el('button', { type: 'button', onclick: (ev) => review(ev.target, i.id, 'reject') }, t('incident.reject')))
			: i.reviewed ? t('incident.reviewed_by', { code: i.reviewed.by }) : '';
		const cells = [String(i.id), i.agent, i.receipt, t('incident.kind.' + i.kind), dateTime(i.at),
			el('span', { class: 'status', dataset: { status: i.status } }, t('incident.status.' + i.status)),
			el('span', { class: 'quote' }, i.text), decide];
		return el('tr', { dataset: { incident: i.id } }, cells.map((c, n) => el('td', { dataset: { label: labels[n] } }, c)));
	});
	$('incidents').querySelector('tbody').replaceChildren(...rows);
	if (!rows.length) say($('team-status'), t('team.no_incidents'), 'info');
	$('counselling-list').replaceChildren(...(team.requests.length ? team.requests.slice().reverse().map((c) =>
		el('li', { dataset: { request: c.id } }, t('team.request_line', { code: c.agent, at: dateTime(c.at), text: c.text })))
		: [el('li', { class: 'muted' }, t('team.no_requests'))]));
	$('dossier-list').replaceChildren(...(team.dossiers.length ? team.dossiers.slice().reverse().map((d) =>
		el('li', { dataset: { dossier: d.id } }, el('a', { href: ctx.ownPath(`/dossiers/${d.id}?format=html`), target: '_blank', rel: 'noopener' },
			t('team.dossier_line', { id: d.id, code: d.agent, receipt: d.receipt, at: dateTime(d.created) }))))
		: [el('li', { class: 'muted' }, t('team.no_dossiers'))]));
}

async function review(button, id, decision) {
	await busy(button, async () => {
		try {
			await post(ctx.ownPath(`/incidents/${id}/review`), { decision });
			say($('team-status'), t('incident.reviewed.' + decision, { id }), 'ok');
		} catch (e) {
			say($('team-status'), errorText(e), 'error');
		}
	});
	await loadTeam();
}

async function giveBreak(ev) {
	ev.preventDefault();
	const agent = $('break-agent').value.trim().toUpperCase();
	const minutes = Number.parseInt($('break-minutes').value, 10);
	if (!/^[A-Z0-9]+-[A-Z]{3}-\d{4}$/.test(agent)) {
		$('break-agent').setAttribute('aria-invalid', 'true');
		$('break-agent').focus();
		return say($('team-status'), t('assign.invalid'), 'error');
	}
	$('break-agent').removeAttribute('aria-invalid');
	await busy(ev.target.querySelector('button[type=submit]'), async () => {
		try {
			const r = await post(ctx.ownPath('/breaks'), { agent, minutes });
			say($('team-status'), t('team.break_given', { code: r.agent, minutes: r.minutes }), 'ok');
		} catch (e) {
			say($('team-status'), errorText(e), 'error');
		}
	});
}

export function forgetTeam() {
	team = null;
}

export function wireProtection(context) {
	Object.assign(ctx, context);
	$('incident-form').addEventListener('submit', flagIncident);
	$('warn-button').addEventListener('click', warnContact);
	$('end-button').addEventListener('click', endContact);
	$('dossier-button').addEventListener('click', requestDossier);
	$('care-form').addEventListener('submit', askForCare);
	$('break-form').addEventListener('submit', giveBreak);
}
