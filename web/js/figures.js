// figures.js — the public figures of every company: one table, one column
// per organisation, and each organisation's CSV.
import { api, apiAll, errorText } from './api.js';
import { number } from './format.js';
import { initI18n, localName, onLangChange, t } from './i18n.js';
import { el, say } from './ui.js';

const $ = (id) => document.getElementById(id);

/* The rows of the table: catalogue key, path into the figures, and whether
 * it is a percentage. */
const ROWS = [
	['opened'], ['answered'], ['first_answer_in_time_pct', true],
	['closed.within_4_weeks'], ['closed.within_4_8_weeks'], ['closed.over_8_weeks'], ['not_closed'],
	['demands'], ['demands_in_time'], ['demands_in_time_pct', true],
	['time_to_first_answer.n'], ['time_to_first_answer.median_hours'], ['time_to_first_answer.p90_hours'],
	['time_to_responsible.n'], ['time_to_responsible.median_hours'], ['time_to_responsible.p90_hours'],
	['repeated_answers'],
	['escalations.demand'], ['escalations.deadline'], ['escalations.dispute'], ['escalations.repeat'], ['escalations.about_center'],
	['referred_out'], ['about_center'],
];

let companies = [];
let results = []; // [{org, figures}] in the order of companies

function pick(figures, path) {
	const value = path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), figures);
	// not_closed is listed inside "closed" by the server, beside the closing times
	return value === undefined && path === 'not_closed' ? figures.closed?.not_closed : value;
}

function query() {
	const p = new URLSearchParams();
	if ($('period-from').value) p.set('from', $('period-from').value);
	if ($('period-to').value) p.set('to', $('period-to').value);
	return p;
}

function render() {
	const table = $('figures');
	table.querySelector('thead').replaceChildren(el('tr', {},
		el('th', { scope: 'col' }, t('figures.col.figure')),
		results.map((r) => el('th', { scope: 'col', class: 'num', dataset: { org: r.org.code } }, localName(r.org)))));
	table.querySelector('tbody').replaceChildren(...ROWS.map(([key, pct]) => el('tr', { dataset: { key } },
		el('th', { scope: 'row' }, t('figures.row.' + key)),
		results.map((r) => {
			const v = r.figures ? pick(r.figures, key) : undefined;
			const text = r.figures ? (pct && v != null ? t('figures.pct', { n: number(v) }) : number(v, key.endsWith('hours') ? 2 : 1)) : t('figures.unavailable');
			return el('td', { class: 'num', dataset: { org: r.org.code } }, text);
		}))));
	const first = results.find((r) => r.figures)?.figures;
	$('figures-period').textContent = first ? t('figures.period', { from: first.from, to: first.to }) : '';
	$('csv-links').replaceChildren(...companies.map((o) => {
		const p = query();
		p.set('format', 'csv');
		return el('li', {}, el('a', { href: `/v1/orgs/${encodeURIComponent(o.code)}/figures?${p}`, download: `figures-${o.code}.csv`, dataset: { org: o.code } },
			t('figures.csv', { org: localName(o) })));
	}));
}

async function load() {
	say($('page-error'), '');
	const p = query().toString();
	results = await Promise.all(companies.map(async (org) => {
		try {
			return { org, figures: await api('GET', `/v1/orgs/${encodeURIComponent(org.code)}/figures${p ? '?' + p : ''}`) };
		} catch (e) {
			say($('page-error'), errorText(e), 'error');
			return { org, figures: null };
		}
	}));
	render();
}

async function main() {
	await initI18n();
	$('period-form').addEventListener('submit', (ev) => {
		ev.preventDefault();
		load();
	});
	try {
		companies = (await apiAll('/v1/orgs')).filter((o) => o.kind === 'company');
		await load();
	} catch (e) {
		say($('page-error'), errorText(e), 'error');
	}
	onLangChange(render);
	document.body.dataset.ready = 'true';
}

main();
