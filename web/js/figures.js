// figures.js — the public figures of every company: a chosen figure month by
// month and compared across organisations (charts by Chart.js, from npm,
// served from node_modules under /vendor/), one table with a column per
// organisation, each organisation's CSV, and the months as one CSV.
import { api, apiAll, errorText } from './api.js';
import { number } from './format.js';
import { currentLang, initI18n, localName, onLangChange, t } from './i18n.js';
import { el, saveBlob, say } from './ui.js';

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

const MONTHS = 6;          // months charted when no period is chosen
const MAX_MONTHS = 24;
/* Distinct on white and in grey (contrast >= 3:1 against the page). */
const COLOURS = ['#0a4fa8', '#b35c00', '#1a6b32', '#8e1b6b', '#4a5560', '#a4161a'];

let companies = [];
let results = []; // [{org, figures}] in the order of companies
let months = [];  // [{from, to, label}]
let series = [];  // [{org, points: [figures or null per month]}]
const charts = {};

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

function figuresOf(org, params) {
	const p = new URLSearchParams(params).toString();
	return api('GET', `/v1/orgs/${encodeURIComponent(org.code)}/figures${p ? '?' + p : ''}`);
}

function day(d) {
	return d.toISOString().slice(0, 10);
}

/* Calendar months (UTC, as the API counts days) covering [from, to): the
 * chosen period, or the last MONTHS months up to the API's "to". */
function monthsOf(from, to, chosen) {
	const end = new Date(to + 'T00:00:00Z');
	let start = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - (end.getUTCDate() === 1 ? MONTHS : MONTHS - 1), 1));
	if (chosen) start = new Date(Date.UTC(Number(from.slice(0, 4)), Number(from.slice(5, 7)) - 1, 1));
	const list = [];
	for (let m = start; m < end && list.length < MAX_MONTHS; m = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1))) {
		const next = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1));
		list.push({ from: day(m), to: day(next), label: day(m).slice(0, 7) });
	}
	return list;
}

async function loadSeries() {
	const first = results.find((r) => r.figures)?.figures;
	if (!first) {
		months = [];
		series = [];
		return;
	}
	const chosen = Boolean($('period-from').value);
	months = monthsOf(first.from, first.to, chosen);
	series = await Promise.all(results.map(async ({ org }) => ({
		org,
		points: await Promise.all(months.map((m) => figuresOf(org, { from: m.from, to: m.to }).catch(() => null))),
	})));
}

async function load() {
	say($('page-error'), '');
	results = await Promise.all(companies.map(async (org) => {
		try {
			return { org, figures: await figuresOf(org, query()) };
		} catch (e) {
			say($('page-error'), errorText(e), 'error');
			return { org, figures: null };
		}
	}));
	render();
	await loadSeries();
	renderCharts();
}

/* ---- charts ---- */

function isPct(key) {
	return ROWS.some(([k, pct]) => k === key && pct);
}

function shownValue(key, v) {
	if (v === null || v === undefined) return t('figures.none');
	return isPct(key) ? t('figures.pct', { n: number(v) }) : number(v, key.endsWith('hours') ? 2 : 1);
}

function renderFigureChoice() {
	const select = $('chart-figure');
	const keep = select.value || 'opened';
	select.replaceChildren(...ROWS.map(([key]) => el('option', { value: key }, t('figures.row.' + key))));
	select.value = keep;
}

function chartOptions(key) {
	return {
		animation: false, responsive: true, maintainAspectRatio: false, locale: currentLang() === 'en' ? 'en-GB' : 'ko-KR',
		scales: { y: { beginAtZero: true, ...(isPct(key) ? { max: 100 } : {}), ticks: { precision: 0 } } },
		plugins: { legend: { position: 'bottom' } },
	};
}

function draw(id, config, label) {
	charts[id]?.destroy();
	const canvas = $(id);
	canvas.setAttribute('aria-label', label);
	charts[id] = new window.Chart(canvas, config);
}

function renderCharts() {
	const key = $('chart-figure').value;
	const name = t('figures.row.' + key);
	$('trend-caption').textContent = t('figures.trend_caption', { figure: name });
	$('compare-caption').textContent = t('figures.compare_caption', { figure: name, period: $('figures-period').textContent });
	renderTrendTable(key);
	if (typeof window.Chart !== 'function') {
		say($('chart-status'), t('figures.charts_unavailable'), 'error');
		return;
	}
	const Chart = window.Chart;
	Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
	Chart.defaults.color = '#14171a';
	const value = (f) => (f ? pick(f, key) ?? null : null);
	draw('trend-chart', {
		type: 'line',
		data: {
			labels: months.map((m) => m.label),
			datasets: series.map((s, i) => ({
				label: localName(s.org), data: s.points.map(value), borderColor: COLOURS[i % COLOURS.length],
				backgroundColor: COLOURS[i % COLOURS.length], spanGaps: true, tension: 0,
			})),
		},
		options: chartOptions(key),
	}, t('figures.trend_label', { figure: name, values: series.map((s) => `${localName(s.org)} ${s.points.map((p) => shownValue(key, value(p))).join(', ')}`).join('; ') }));
	draw('compare-chart', {
		type: 'bar',
		data: {
			labels: results.map((r) => localName(r.org)),
			datasets: [{ label: name, data: results.map((r) => value(r.figures)), backgroundColor: results.map((r, i) => COLOURS[i % COLOURS.length]) }],
		},
		options: { ...chartOptions(key), plugins: { legend: { display: false } } },
	}, t('figures.compare_label', { figure: name, values: results.map((r) => `${localName(r.org)} ${shownValue(key, value(r.figures))}`).join(', ') }));
}

function renderTrendTable(key) {
	const table = $('trend-table');
	table.querySelector('thead').replaceChildren(el('tr', {}, el('th', { scope: 'col' }, t('figures.col.month')),
		series.map((s) => el('th', { scope: 'col', class: 'num', dataset: { org: s.org.code } }, localName(s.org)))));
	table.querySelector('tbody').replaceChildren(...months.map((m, i) => el('tr', { dataset: { month: m.label } },
		el('th', { scope: 'row' }, m.label),
		series.map((s) => el('td', { class: 'num', dataset: { org: s.org.code } }, shownValue(key, s.points[i] ? pick(s.points[i], key) : null))))));
}

/* Every figure of every organisation, month by month, as one CSV (RFC 4180). */
function trendCsv() {
	const cell = (v) => (v === null || v === undefined ? '' : /[",\r\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
	const lines = [['org', 'from', 'to', ...ROWS.map(([key]) => key)].join(',')];
	for (const s of series)
		months.forEach((m, i) => lines.push([s.org.code, m.from, m.to, ...ROWS.map(([key]) => (s.points[i] ? pick(s.points[i], key) : null))].map(cell).join(',')));
	return lines.join('\r\n') + '\r\n';
}

async function main() {
	await initI18n();
	$('period-form').addEventListener('submit', (ev) => {
		ev.preventDefault();
		load();
	});
	renderFigureChoice();
	$('chart-figure').addEventListener('change', renderCharts);
	$('trend-csv').addEventListener('click', () => saveBlob(new Blob([trendCsv()], { type: 'text/csv' }), 'figures-by-month.csv'));
	try {
		companies = (await apiAll('/v1/orgs')).filter((o) => o.kind === 'company');
		await load();
	} catch (e) {
		say($('page-error'), errorText(e), 'error');
	}
	onLangChange(() => {
		render();
		renderFigureChoice();
		renderCharts();
	});
	document.body.dataset.ready = 'true';
}

main();
