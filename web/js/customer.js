// customer.js — the customer's page: open a case, keep its receipt number
// and access code, read it back, and act on it (demand the responsible
// person, dispute, accept, write, re-open, download, verify).
import { api, apiBlob, errorText } from './api.js';
import { Directory, caseSummary, chainHead, hasStaffAnswer, levelText, timeline } from './caseview.js';
import { dateTime, isEmail, isPhone, phone } from './format.js';
import { initI18n, localName, onLangChange, t } from './i18n.js';
import { busy, copyText, el, say, saveBlob } from './ui.js';

const $ = (id) => document.getElementById(id);
const dir = new Directory();
let current = null; // {receipt, code, data}: the case on screen
let note = null; // () => text of the last action's outcome, redrawn on a language change

function caseHeaders() {
	return { 'X-Access-Code': current.code };
}

function casePath(suffix = '') {
	return `/v1/cases/${encodeURIComponent(current.receipt)}${suffix}`;
}

/* ---- opening a case ---- */

function fillOrgs() {
	const select = $('open-org');
	const keep = select.value;
	select.replaceChildren(...dir.companies().map((o) => el('option', { value: o.code }, localName(o))));
	if (keep) select.value = keep;
}

async function fillCategories() {
	const select = $('open-category');
	const org = $('open-org').value;
	if (!org) return;
	const keep = select.value;
	const cats = await dir.loadCategories(org);
	select.replaceChildren(...cats.map((c) => el('option', { value: c.code }, localName(c))));
	if (keep && cats.some((c) => c.code === keep)) select.value = keep;
}

/* The first missing or malformed field, with its message; null when fine. */
function checkFields(form, ids) {
	for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
	for (const id of ids) {
		const input = $(id);
		if (!input.value.trim()) return { input, text: t('form.required', { field: t('field.' + input.name) }) };
	}
	return null;
}

function invalid(problem, target) {
	problem.input.setAttribute('aria-invalid', 'true');
	problem.input.focus();
	say(target, problem.text, 'error');
}

async function openCase(ev) {
	ev.preventDefault();
	const form = ev.target;
	const err = $('open-error');
	say(err, '');
	const problem = checkFields(form, ['open-org', 'open-category', 'open-name', 'open-contact', 'open-subject', 'open-text']);
	if (problem) return invalid(problem, err);
	const contactInput = $('open-contact');
	const contactValue = contactInput.value.trim();
	if (!isEmail(contactValue) && !isPhone(contactValue))
		return invalid({ input: contactInput, text: t('form.contact_invalid') }, err);
	const body = {
		category: $('open-category').value,
		name: $('open-name').value.trim(),
		contact: isEmail(contactValue) ? contactValue : phone(contactValue),
		subject: $('open-subject').value.trim(),
		text: $('open-text').value.trim(),
	};
	await busy(form.querySelector('button[type=submit]'), async () => {
		try {
			const data = await api('POST', `/v1/orgs/${encodeURIComponent($('open-org').value)}/cases`, { body });
			showReceipt(data.receipt, data.access_code);
			current = { receipt: data.receipt, code: data.access_code, data };
			note = null;
			form.reset();
			fillOrgs();
			await fillCategories();
			await renderCase();
			$('receipt-title').focus();
		} catch (e) {
			say(err, errorText(e), 'error');
		}
	});
}

function showReceipt(receipt, code) {
	$('receipt-number').textContent = receipt;
	$('receipt-code').textContent = code;
	$('lookup-receipt').value = receipt;
	$('lookup-code').value = code;
	$('receipt-section').hidden = false;
}

async function copy(outputId) {
	const node = $(outputId);
	const ok = await copyText(node.textContent, node);
	say($('copy-status'), t(ok ? 'receipt.copied' : 'receipt.copy_by_hand'), ok ? 'ok' : 'info');
}

/* ---- reading a case ---- */

async function lookUp(ev) {
	ev.preventDefault();
	const err = $('lookup-error');
	say(err, '');
	const problem = checkFields(ev.target, ['lookup-receipt', 'lookup-code']);
	if (problem) return invalid(problem, err);
	const receipt = $('lookup-receipt').value.trim().toUpperCase();
	const code = $('lookup-code').value.trim().toUpperCase();
	await busy(ev.target.querySelector('button[type=submit]'), async () => {
		try {
			const data = await api('GET', `/v1/cases/${encodeURIComponent(receipt)}`, { headers: { 'X-Access-Code': code } });
			current = { receipt, code, data };
			note = null;
			await renderCase();
			$('case-section-title').focus();
		} catch (e) {
			say(err, e.code === 'not_found' ? t('lookup.not_found') : errorText(e), 'error');
		}
	});
}

/* ---- a lost access code: a one-time code to the case's contact ---- */

async function sendOneTimeCode(ev) {
	ev.preventDefault();
	const receipt = $('lost-receipt').value.trim().toUpperCase();
	if (!receipt) return invalid({ input: $('lost-receipt'), text: t('form.required', { field: t('lost.receipt') }) }, $('lost-status'));
	await busy(ev.target.querySelector('button[type=submit]'), async () => {
		try {
			await api('POST', `/v1/cases/${encodeURIComponent(receipt)}/one-time-code`, { body: {} });
			$('lost-code-form').hidden = false;
			say($('lost-status'), t('lost.sent'), 'ok');
			$('lost-otp').focus();
		} catch (e) {
			say($('lost-status'), errorText(e), 'error');
		}
	});
}

/* The one-time code for a new access code; the case opens with it at once. */
async function exchangeOneTimeCode(ev) {
	ev.preventDefault();
	const receipt = $('lost-receipt').value.trim().toUpperCase();
	const code = $('lost-otp').value.trim();
	if (!/^\d{6}$/.test(code)) return invalid({ input: $('lost-otp'), text: t('lost.otp_format') }, $('lost-status'));
	await busy(ev.target.querySelector('button[type=submit]'), async () => {
		try {
			const r = await api('POST', `/v1/cases/${encodeURIComponent(receipt)}/access-code`, { body: { one_time_code: code } });
			$('lookup-receipt').value = r.receipt;
			$('lookup-code').value = r.access_code;
			say($('lost-status'), t('lost.done', { code: r.access_code }), 'ok');
			ev.target.reset();
			$('lookup-form').requestSubmit();
		} catch (e) {
			say($('lost-status'), e.code === 'not_found' ? t('lost.wrong_code') : errorText(e), 'error');
		}
	});
}

async function renderCase() {
	if (!current) return;
	const c = current.data;
	await dir.loadDepts(c);
	$('case-summary').replaceChildren(caseSummary(c, dir));
	$('case-timeline').replaceChildren(timeline(c, dir));
	$('case-chain').replaceChildren(chainHead(c));
	const closed = c.status === 'closed' || c.status === 'referred';
	const answered = hasStaffAnswer(c);
	$('demand').disabled = closed;
	$('dispute').disabled = closed || !answered;
	$('dispute-text').disabled = closed || !answered;
	$('dispute-hint').hidden = answered || closed;
	$('accept').disabled = closed;
	$('message').disabled = closed;
	$('message-text').disabled = closed;
	$('reopen-box').hidden = c.status !== 'closed';
	say($('action-status'), note ? note() : '', 'ok');
	$('case-section').hidden = false;
	await renderReferral(c);
	await renderPrivacy(c);
}

/* ---- privacy: who read my data, consents, export, erasure ---- */

const CONSENT_WORDING = '2026-11'; // the version of the consent texts in the catalogues

async function renderPrivacy(c) {
	$('privacy-erased').hidden = !c.erased;
	if (c.erased) say($('privacy-erased'), t('privacy.erased_at', { at: dateTime(c.erased.at), cause: t('privacy.cause.' + c.erased.cause) }), 'ok');
	$('privacy-erase').disabled = !!c.erased || (c.status !== 'closed' && c.status !== 'referred');
	for (const box of $('consents').querySelectorAll('input')) box.disabled = !!c.erased;
	try {
		const [reads, consents] = await Promise.all([
			api('GET', casePath('/reads?limit=100'), { headers: caseHeaders() }),
			api('GET', casePath('/consents'), { headers: caseHeaders() }),
		]);
		$('reads').querySelector('tbody').replaceChildren(...reads.items.map((r) => el('tr', {},
			el('td', {}, dateTime(r.at)),
			el('td', {}, `${r.by.staff_code} (${t('role.' + r.by.role)}, ${r.by.org})`),
			el('td', {}, t('privacy.what.' + r.what)),
			el('td', {}, t('privacy.purpose.' + r.purpose)))));
		$('reads-empty').hidden = reads.items.length > 0;
		for (const box of $('consents').querySelectorAll('input'))
			box.checked = !!consents.current[box.dataset.purpose]?.granted;
	} catch (e) {
		say($('privacy-status'), errorText(e), 'error');
	}
}

async function setConsent(box) {
	try {
		await api('POST', casePath('/consents'), {
			body: { purpose: box.dataset.purpose, granted: box.checked, wording_version: CONSENT_WORDING },
			headers: caseHeaders(),
		});
		say($('privacy-status'), t(box.checked ? 'privacy.consent_granted' : 'privacy.consent_withdrawn'), 'ok');
	} catch (e) {
		box.checked = !box.checked;
		say($('privacy-status'), errorText(e), 'error');
	}
}

async function exportMine() {
	try {
		const data = await api('GET', casePath('/export'), { headers: caseHeaders() });
		saveBlob(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }), `${current.receipt}-export.json`);
		say($('privacy-status'), t('downloads.saved', { file: `${current.receipt}-export.json` }), 'ok');
	} catch (e) {
		say($('privacy-status'), errorText(e), 'error');
	}
}

async function eraseMine(button) {
	if (!window.confirm(t('privacy.erase_confirm'))) return;
	await busy(button, async () => {
		try {
			await api('POST', casePath('/erasure'), { body: {}, headers: caseHeaders() });
			current.data = await api('GET', casePath(), { headers: caseHeaders() });
			note = () => t('privacy.erase_done');
		} catch (e) {
			say($('privacy-status'), errorText(e), 'error');
		}
	});
	await renderCase();
}

/* Where the customer can take the case next: the referral package once the
 * case is referred out (L5); after a final answer, the options it states. */
async function renderReferral(c) {
	const referred = c.status === 'referred';
	const final = c.events.some((e) => e.kind === 'final_answer');
	$('referral-section').hidden = !referred && !final;
	$('referral-download').hidden = !referred;
	$('referral-options').replaceChildren();
	if (!referred && !final) return;
	$('referral-lead').textContent = t(referred ? 'referral.lead_referred' : 'referral.lead_final');
	if (!referred) return;
	try {
		const pkg = await api('GET', casePath('/referral'), { headers: caseHeaders() });
		const rows = pkg.sections.find((s) => s.key === 'referral')?.rows || [];
		$('referral-options').replaceChildren(...rows.map((r) => el('li', {}, el('strong', {}, r.name), ' — ', r.contact)));
	} catch (e) {
		$('referral-lead').textContent = errorText(e);
	}
}

async function downloadReferral() {
	const status = $('download-status');
	try {
		saveBlob(await apiBlob(casePath('/referral?format=html'), caseHeaders()), `${current.receipt}-referral.html`);
		say(status, t('downloads.saved', { file: `${current.receipt}-referral.html` }), 'ok');
	} catch (e) {
		say(status, errorText(e), 'error');
	}
}

/* ---- acting on it ---- */

const outcomes = {
	demand: (c) => () => t('actions.demand_done', {
		level: levelText(c.level), due: c.deadlines.answer ? dateTime(c.deadlines.answer.due) : t('deadline.none'),
	}),
	dispute: (c) => () => t('actions.dispute_done', { level: levelText(c.level) }),
	accept: () => () => t('actions.accept_done'),
	messages: () => () => t('actions.message_done'),
	reopen: () => () => t('actions.reopen_done'),
};

/* Posts an action; returns whether it was done. */
async function act(button, action, body = {}) {
	say($('action-error'), '');
	const ok = await busy(button, async () => {
		try {
			current.data = await api('POST', casePath('/' + action), { body, headers: caseHeaders() });
			note = outcomes[action](current.data);
			return true;
		} catch (e) {
			say($('action-error'), errorText(e), 'error');
			return false;
		}
	});
	await renderCase(); // after busy(), so the buttons end as the case allows
	return ok;
}

async function download(format) {
	const status = $('download-status');
	try {
		const blob = await apiBlob(casePath('/download' + (format === 'html' ? '?format=html' : '')), caseHeaders());
		saveBlob(blob, `${current.receipt}.${format}`);
		say(status, t('downloads.saved', { file: `${current.receipt}.${format}` }), 'ok');
	} catch (e) {
		say(status, errorText(e), 'error');
	}
}

async function verify() {
	const status = $('download-status');
	try {
		const v = await api('GET', casePath('/verify'), { headers: caseHeaders() });
		say(status, v.intact ? t('verify.intact', { events: v.events, heads: v.signed_heads })
			: t('verify.broken', { fault: v.fault }), v.intact ? 'ok' : 'error');
	} catch (e) {
		say(status, errorText(e), 'error');
	}
}

function wire() {
	$('open-org').addEventListener('change', () => fillCategories().catch((e) => say($('open-error'), errorText(e), 'error')));
	$('open-contact').addEventListener('blur', (ev) => {
		const v = ev.target.value.trim();
		if (v && !isEmail(v)) ev.target.value = phone(v);
	});
	$('open-form').addEventListener('submit', openCase);
	$('lookup-form').addEventListener('submit', lookUp);
	$('lost-send-form').addEventListener('submit', sendOneTimeCode);
	$('lost-code-form').addEventListener('submit', exchangeOneTimeCode);
	$('copy-receipt').addEventListener('click', () => copy('receipt-number'));
	$('copy-code').addEventListener('click', () => copy('receipt-code'));
	$('demand').addEventListener('click', (ev) => act(ev.currentTarget, 'demand'));
	$('accept').addEventListener('click', (ev) => act(ev.currentTarget, 'accept'));
	$('reopen').addEventListener('click', (ev) => act(ev.currentTarget, 'reopen'));
	$('dispute-form').addEventListener('submit', (ev) => {
		ev.preventDefault();
		const text = $('dispute-text').value.trim();
		act($('dispute'), 'dispute', text ? { text } : {}).then((ok) => { if (ok) $('dispute-text').value = ''; });
	});
	$('message-form').addEventListener('submit', (ev) => {
		ev.preventDefault();
		const text = $('message-text').value.trim();
		if (!text) return invalid({ input: $('message-text'), text: t('form.required', { field: t('field.message_text') }) }, $('action-error'));
		act($('message'), 'messages', { text }).then((ok) => { if (ok) $('message-text').value = ''; });
	});
	$('download-json').addEventListener('click', () => download('json'));
	$('download-html').addEventListener('click', () => download('html'));
	$('verify').addEventListener('click', verify);
	$('referral-download').addEventListener('click', downloadReferral);
	for (const box of $('consents').querySelectorAll('input')) box.addEventListener('change', () => setConsent(box));
	$('privacy-export').addEventListener('click', exportMine);
	$('privacy-erase').addEventListener('click', (ev) => eraseMine(ev.currentTarget));
}

async function main() {
	await initI18n();
	wire();
	try {
		await dir.load();
		fillOrgs();
		await fillCategories();
	} catch (e) {
		say($('page-error'), errorText(e), 'error');
	}
	onLangChange(() => {
		fillOrgs();
		return Promise.all([fillCategories().catch(() => null), renderCase()]);
	});
	document.body.dataset.ready = 'true';
}

main();
