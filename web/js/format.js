// format.js — dates in Asia/Seoul, time left to a deadline, Korean phone
// numbers and figures, in the current language.
import { currentLang, t } from './i18n.js';

const ZONE = 'Asia/Seoul';
const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function locale() {
	return currentLang() === 'en' ? 'en-GB' : 'ko-KR';
}

/* "2026. 11. 29. 00:11" or "29 Nov 2026, 00:11", with the zone named by the catalogue; "" for null. */
export function dateTime(iso) {
	if (!iso) return '';
	const fmt = new Intl.DateTimeFormat(locale(), {
		timeZone: ZONE, year: 'numeric', month: currentLang() === 'en' ? 'short' : '2-digit', day: '2-digit',
		hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
	});
	return t('time.in_seoul', { time: fmt.format(new Date(iso)) });
}

/* A <time> element showing iso in Asia/Seoul. */
export function timeEl(iso) {
	const el = document.createElement('time');
	el.dateTime = iso;
	el.textContent = dateTime(iso);
	return el;
}

function span(ms) {
	const d = Math.floor(ms / DAY), h = Math.floor((ms % DAY) / HOUR), m = Math.floor((ms % HOUR) / MINUTE);
	const parts = [];
	if (d) parts.push(t('unit.days', { n: d }));
	if (h) parts.push(t('unit.hours', { n: h }));
	if (!d && (m || !h)) parts.push(t('unit.minutes', { n: m }));
	return parts.join(' ');
}

/* {text, overdue} for the time from now until iso. */
export function timeLeft(iso, nowMs = Date.now()) {
	const ms = new Date(iso).getTime() - nowMs;
	return ms >= 0 ? { text: t('time.left', { span: span(ms) }), overdue: false }
		: { text: t('time.overdue', { span: span(-ms) }), overdue: true };
}

/* Korean numbers in their usual written form: 010-1234-5678, 02-123-4567,
 * 031-123-4567, 1588-1234. Anything else is returned as it was given. */
export function phone(text) {
	let d = String(text).replace(/[\s().-]/g, '');
	if (/^\+82\d+$/.test(d)) d = '0' + d.slice(3).replace(/^0/, '');
	if (!/^\d+$/.test(d)) return text;
	let m;
	if ((m = /^(02)(\d{3,4})(\d{4})$/.exec(d))) return m.slice(1).join('-');
	if ((m = /^(01[016789])(\d{3,4})(\d{4})$/.exec(d))) return m.slice(1).join('-');
	if ((m = /^(0[3-7]\d)(\d{3,4})(\d{4})$/.exec(d))) return m.slice(1).join('-');
	if ((m = /^(1[5-9]\d{2})(\d{4})$/.exec(d))) return m.slice(1).join('-');
	return text;
}

export function isEmail(text) {
	return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text);
}

/* A contact as customers write it: an e-mail address, or a phone number
 * shown in its Korean form. */
export function contact(text) {
	return isEmail(text) ? text : phone(text);
}

export function isPhone(text) {
	return phone(text) !== text || /^0\d{1,2}-\d{3,4}-\d{4}$|^1\d{3}-\d{4}$/.test(text);
}

/* A figure: integers as they are, fractions to one decimal; null as a dash. */
export function number(value, digits = 1) {
	if (value === null || value === undefined) return t('figures.none');
	return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(value);
}

/* A KRW amount with separators, as the catalogue writes it (money.krw). */
export function krw(value) {
	return t('money.krw', { n: new Intl.NumberFormat(locale(), { maximumFractionDigits: 0 }).format(value) });
}
