// report.js — for people without an account: report an unwanted
// telemarketing call and follow the report with its receipt number and
// access code; appeal a block on one's own number after proving it with a
// one-time code sent to that number.
import { api, errorText } from './api.js';
import { dateTime, krw, phone } from './format.js';
import { has, initI18n, onLangChange, t } from './i18n.js';
import { busy, dl, el, say } from './ui.js';

const $ = (id) => document.getElementById(id);
let shown = null; // the report on screen
let appealId = null;

function label(prefix, value) {
	return has(`${prefix}.${value}`) ? t(`${prefix}.${value}`) : value;
}

function required(input, field, target) {
	if (input.value.trim()) {
		input.removeAttribute('aria-invalid');
		return true;
	}
	input.setAttribute('aria-invalid', 'true');
	input.focus();
	say(target, t('form.required', { field: t(field) }), 'error');
	return false;
}

/* A datetime-local value read as Seoul time (UTC+9, no summer time), in
 * UTC as the API takes it. */
function seoulIso(value) {
	return new Date(`${value}:00+09:00`).toISOString();
}

/* ---- a report ---- */

async function fileReport(ev) {
	ev.preventDefault();
	const err = $('report-error');
	say(err, '');
	const checks = [['report-caller', 'field.caller'], ['report-callee', 'field.callee'], ['report-time', 'field.call_time']];
	for (const [id, field] of checks) if (!required($(id), field, err)) return;
	const body = {
		caller: $('report-caller').value.trim(), callee: $('report-callee').value.trim(),
		call_time: seoulIso($('report-time').value), reason: $('report-reason').value,
	};
	const text = $('report-text').value.trim();
	if (text) body.text = text;
	await busy(ev.target.querySelector('button[type=submit]'), async () => {
		try {
			const r = await api('POST', '/v1/tm/reports', { body });
			$('report-number').textContent = r.receipt;
			$('report-code').textContent = r.access_code;
			$('report-receipt').hidden = false;
			$('follow-receipt').value = r.receipt;
			$('follow-code').value = r.access_code;
			ev.target.reset();
			shown = r;
			renderReport();
			$('report-receipt-title').focus();
		} catch (e) {
			say(err, errorText(e), 'error');
		}
	});
}

async function followReport(ev) {
	ev.preventDefault();
	const err = $('follow-error');
	say(err, '');
	if (!required($('follow-receipt'), 'field.receipt', err) || !required($('follow-code'), 'field.access_code', err)) return;
	const receipt = $('follow-receipt').value.trim().toUpperCase();
	await busy(ev.target.querySelector('button[type=submit]'), async () => {
		try {
			shown = await api('GET', `/v1/tm/reports/${encodeURIComponent(receipt)}`,
				{ headers: { 'X-Access-Code': $('follow-code').value.trim().toUpperCase() } });
			renderReport();
			$('report-view-title').focus();
		} catch (e) {
			say(err, e.code === 'not_found' ? t('report.not_found') : errorText(e), 'error');
		}
	});
}

function renderReport() {
	if (!shown) return;
	const r = shown;
	const ev = r.evidence || {};
	$('report-view-title').textContent = t('report.view_title_receipt', { receipt: r.receipt });
	$('report-facts').replaceChildren(dl([
		['report.status', el('strong', { class: 'status', dataset: { status: r.status } }, label('report.status', r.status))],
		['report.status_means', t('report.status_means.' + r.status)],
		['field.caller', phone(r.caller)],
		['field.call_time', dateTime(r.call_time)],
		['report.filed', dateTime(r.filed)],
		['field.report_reason', label('report.reason', r.reason)],
		['report.business', r.business ? r.business.name : t('report.unregistered')],
		['report.violations', ev.violations?.length ? ev.violations.map((v) => label('violation', v)).join(', ') : t('tm.no_violation')],
		['report.disclosure', t(ev.disclosure_logged ? 'report.yes' : 'report.no')],
		['report.sanction', r.sanction ? t('tm.fine_order', { fine: krw(r.sanction.fine_krw), order: r.sanction.order }) : null],
		['report.answer', r.answer || null],
		['field.report_text', r.text || null],
	], 'facts'));
	$('report-view').hidden = false;
}

/* ---- an appeal against a block on one's own number ---- */

async function sendAppealCode(ev) {
	ev.preventDefault();
	const status = $('appeal-status');
	if (!required($('appeal-number'), 'field.my_number', status)) return;
	await busy(ev.target.querySelector('button[type=submit]'), async () => {
		try {
			const r = await api('POST', '/v1/screen/appeals', { body: { number: $('appeal-number').value.trim() } });
			appealId = r.id;
			$('appeal-confirm-form').hidden = false;
			say(status, t('appeal.sent', { number: phone($('appeal-number').value.trim()) }), 'ok');
			$('appeal-otp').focus();
		} catch (e) {
			say(status, e.code === 'conflict' ? t('appeal.not_blocked') : errorText(e), 'error');
		}
	});
}

async function confirmAppeal(ev) {
	ev.preventDefault();
	const status = $('appeal-status');
	if (!/^\d{6}$/.test($('appeal-otp').value.trim())) {
		$('appeal-otp').setAttribute('aria-invalid', 'true');
		$('appeal-otp').focus();
		return say(status, t('lost.otp_format'), 'error');
	}
	if (!required($('appeal-statement'), 'field.statement', status)) return;
	await busy(ev.target.querySelector('button[type=submit]'), async () => {
		try {
			const r = await api('POST', `/v1/screen/appeals/${appealId}/confirm`,
				{ body: { one_time_code: $('appeal-otp').value.trim(), statement: $('appeal-statement').value.trim() } });
			ev.target.reset();
			ev.target.hidden = true;
			say(status, t('appeal.filed', { id: r.id, number: phone(r.number) }), 'ok');
		} catch (e) {
			say(status, e.code === 'not_found' ? t('lost.wrong_code') : errorText(e), 'error');
		}
	});
}

async function main() {
	await initI18n();
	$('report-form').addEventListener('submit', fileReport);
	$('follow-form').addEventListener('submit', followReport);
	$('appeal-form').addEventListener('submit', sendAppealCode);
	$('appeal-confirm-form').addEventListener('submit', confirmAppeal);
	for (const id of ['report-caller', 'report-callee', 'appeal-number'])
		$(id).addEventListener('blur', (ev) => { ev.target.value = phone(ev.target.value.trim()); });
	onLangChange(renderReport);
	document.body.dataset.ready = 'true';
}

main();
