// caseview.js — a case as customers and staff read it: the summary with its
// deadlines, the whole timeline (who wrote each entry: role, organisation,
// department, staff code) and the signed chain head.
import { api, apiAll } from './api.js';
import { has, localName, t } from './i18n.js';
import { contact, dateTime, timeEl, timeLeft } from './format.js';
import { dl, el } from './ui.js';

/* Organisation and department names, looked up once (public routes). */
export class Directory {
	constructor() {
		this.orgs = new Map();
		this.depts = new Map();
		this.categories = new Map();
	}

	async load() {
		for (const o of await apiAll('/v1/orgs')) this.orgs.set(o.code, o);
		return this;
	}

	companies() {
		return [...this.orgs.values()].filter((o) => o.kind === 'company');
	}

	/* Loads the departments of every organisation a case mentions. */
	async loadDepts(caseData) {
		const codes = new Set([caseData.org, ...caseData.events.map((e) => e.actor.org).filter(Boolean)]);
		await this.loadCategories(caseData.org).catch(() => null);
		await Promise.all([...codes].filter((c) => !this.depts.has(c)).map(async (c) => {
			const m = new Map();
			try {
				for (const d of await apiAll(`/v1/orgs/${encodeURIComponent(c)}/departments`))
					m.set(d.code, d);
			} catch {
				/* names are a courtesy: codes still show */
			}
			this.depts.set(c, m);
		}));
	}

	/* The categories of an organisation (cached), as GET .../categories lists them. */
	async loadCategories(org) {
		if (!this.categories.has(org))
			this.categories.set(org, (await api('GET', `/v1/orgs/${encodeURIComponent(org)}/categories`)).items);
		return this.categories.get(org);
	}

	categoryName(org, code) {
		const c = (this.categories.get(org) || []).find((x) => x.code === code);
		return c ? localName(c) : code;
	}

	orgName(code) {
		const o = this.orgs.get(code);
		return o ? t('actor.org_named', { name: localName(o), code }) : code;
	}

	deptName(org, code) {
		const d = this.depts.get(org)?.get(code);
		return d ? localName(d) : code;
	}
}

function label(prefix, value) {
	return has(`${prefix}.${value}`) ? t(`${prefix}.${value}`) : value;
}

export function levelText(level) {
	return t('level.named', { level, name: label('level', level) });
}

/* Who wrote an entry, as customers must see it: role, organisation,
 * department, staff code (and the name only where the API gives one). */
export function actorNode(actor, dir) {
	const parts = [el('span', { class: 'role' }, label('role', actor.role))];
	if (actor.org) parts.push(el('span', { class: 'org' }, dir.orgName(actor.org)));
	if (actor.dept) parts.push(el('span', { class: 'dept' }, dir.deptName(actor.org, actor.dept)));
	if (actor.staff_code)
		parts.push(el('span', { class: 'staff-code' }, t('actor.staff_code', { code: actor.staff_code })));
	if (actor.name) parts.push(el('span', { class: 'staff-name' }, actor.name));
	return el('p', { class: 'actor', dataset: { role: actor.role } }, parts);
}

function deadlineRow(d, nowMs) {
	if (!d) return el('span', { class: 'muted' }, t('deadline.none'));
	const left = timeLeft(d.due, nowMs);
	return el('span', { class: 'deadline', dataset: { kind: d.kind, level: d.level } },
		el('span', { class: 'deadline-kind' }, label('deadline', d.kind)), ' · ',
		el('span', { class: 'deadline-level' }, d.level), ' · ', timeEl(d.due), ' ',
		el('span', { class: left.overdue ? 'left overdue' : 'left' }, t('paren', { text: left.text })));
}

/* The case's summary: what it is about, where it stands, its deadlines. */
export function caseSummary(c, dir, { staff = false, nowMs = Date.now() } = {}) {
	const flags = [];
	if (c.awaiting_responsible) flags.push(el('li', { class: 'flag' }, t('case.flag.awaiting_responsible')));
	if (c.dispute_open) flags.push(el('li', { class: 'flag' }, t('case.flag.dispute_open')));
	if (c.about_center) flags.push(el('li', { class: 'flag' }, t('case.flag.about_center')));
	const org = dir.orgs.get(c.org);
	return el('section', { class: 'case-summary', 'aria-labelledby': 'case-title' },
		el('h3', { id: 'case-title' }, t('case.title', { receipt: c.receipt })),
		dl([
			['case.subject', c.subject ?? t('privacy.erased')],
			['case.org', org ? localName(org) : c.org],
			['case.category', dir.categoryName(c.org, c.category)],
			staff ? ['case.name', c.name ?? t('privacy.erased')] : null,
			staff ? ['case.contact', c.contact === null ? t('privacy.erased') : contact(c.contact)] : null,
			['case.channel', label('channel', c.channel)],
			['case.level', el('strong', { class: 'level', dataset: { level: c.level } }, levelText(c.level))],
			['case.status', el('span', { class: 'status', dataset: { status: c.status } }, label('status', c.status))],
			['case.deadline_answer', deadlineRow(c.deadlines.answer, nowMs)],
			['case.deadline_final', deadlineRow(c.deadlines.final, nowMs)],
		].filter(Boolean), 'facts'),
		flags.length ? el('ul', { class: 'flags' }, flags) : null);
}

function levelChange(e) {
	if (e.level_before === e.level_after || !e.level_before) return null; // opening is not a climb
	const name = (n) => (n ? `L${n}` : t('level.none'));
	return el('p', { class: 'level-change' },
		t('event.level_change', { from: name(e.level_before), to: name(e.level_after) }),
		e.cause ? ' ' + t('paren', { text: label('cause', e.cause) }) : '');
}

function eventDetails(e) {
	const lines = [];
	if (e.deadline_set)
		lines.push(el('li', { class: 'deadline-set' }, t('event.deadline_set', { kind: label('deadline', e.deadline_set.kind) }),
			' ', timeEl(e.deadline_set.due)));
	if (e.deadline_met)
		lines.push(el('li', { class: 'deadline-met' }, t(e.deadline_met.in_time ? 'event.deadline_met_in_time'
			: 'event.deadline_met_late', { kind: label('deadline', e.deadline_met.kind) })));
	if (e.deadline_missed)
		lines.push(el('li', { class: 'deadline-missed' }, t('event.deadline_missed', { kind: label('deadline', e.deadline_missed) })));
	if (e.reply_class) lines.push(el('li', { class: 'reply-class' }, t('event.reply_class', { cls: label('reply_class', e.reply_class) })));
	if (e.repeated_answer) lines.push(el('li', { class: 'repeated' }, t('event.repeated_answer')));
	if (e.kind === 'opened' && e.detail) lines.push(el('li', {}, t('event.channel', { channel: label('channel', e.detail) })));
	const assignee = e.kind === 'assigned' && /^assignee=(.+)$/.exec(e.detail || '');
	if (assignee) lines.push(el('li', { class: 'assignee' }, t('event.assignee', { code: assignee[1] })));
	return lines.length ? el('ul', { class: 'event-details' }, lines) : null;
}

/* The whole history, oldest first, one list item per event. */
export function timeline(c, dir) {
	const list = el('ol', { class: 'timeline' });
	for (const e of c.events) {
		const said = e.kind === 'opened' ? c.text : e.text; // the opening message comes with the case
		const text = e.erased ? el('p', { class: 'event-text muted' }, t('privacy.erased'))
			: said !== undefined ? el('p', { class: 'event-text' }, said)
			: e.text_hidden ? el('p', { class: 'event-text muted' }, t('event.text_hidden')) : null;
		list.append(el('li', { class: 'event', dataset: { kind: e.kind, seq: e.seq } },
			el('p', { class: 'event-head' }, el('span', { class: 'event-kind' }, label('event', e.kind)), ' · ', timeEl(e.at)),
			actorNode(e.actor, dir), levelChange(e), eventDetails(e), text));
	}
	return el('section', { class: 'case-timeline', 'aria-labelledby': 'timeline-title' },
		el('h3', { id: 'timeline-title' }, t('case.timeline', { n: c.events.length })), list);
}

/* The signed head of the hash chain: what a customer can keep and check later. */
export function chainHead(c) {
	const h = c.head;
	return el('details', { class: 'chain-head' },
		el('summary', {}, t('chain.title', { seq: h.seq })),
		el('p', { class: 'muted' }, t('chain.about')),
		dl([
			['chain.seq', String(h.seq)],
			['chain.signed_at', dateTime(h.signed_at)],
			['chain.hash', el('code', { class: 'hex' }, h.hash)],
			['chain.signature', el('code', { class: 'hex' }, h.signature)],
			['chain.public_key', el('code', { class: 'hex' }, h.public_key || '')],
		], 'facts'));
}

/* Whether anyone on staff has answered the case (disputes need an answer). */
export function hasStaffAnswer(c) {
	return c.events.some((e) => (e.kind === 'message' || e.kind === 'final_answer') && e.actor.role !== 'customer');
}
