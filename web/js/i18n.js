// i18n.js — the message catalogues (web/i18n/<lang>.json) and the language switch.
// Korean is the default; the choice is remembered in localStorage. Pages never
// hold text of their own: markup names keys in data-i18n (text) and
// data-i18n-attr ("attr:key;attr:key"), code calls t(key, vars).

const STORAGE_KEY = 'ombud.lang';
const LANGS = ['ko', 'en'];
const listeners = [];
let lang = 'ko';
let messages = {};

export function currentLang() {
	return lang;
}

function storedLang() {
	try {
		const l = localStorage.getItem(STORAGE_KEY);
		return LANGS.includes(l) ? l : 'ko';
	} catch {
		return 'ko'; // storage disabled: Korean, as for a first visit
	}
}

async function load(l) {
	const resp = await fetch(`/i18n/${l}.json`, { credentials: 'same-origin' });
	if (!resp.ok) throw new Error(`catalogue ${l}: HTTP ${resp.status}`);
	messages = await resp.json();
	lang = l;
	document.documentElement.lang = l;
}

/* The message for key with {name} placeholders filled from vars. A missing
 * key shows itself, so a gap in a catalogue is visible rather than silent. */
export function t(key, vars) {
	const text = messages[key];
	if (text === undefined) {
		console.warn('i18n: missing key', key);
		return key;
	}
	return vars ? text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m)) : text;
}

export function has(key) {
	return key in messages;
}

/* The local name of a record that has name and name_en. */
export function localName(rec) {
	return lang === 'en' && rec.name_en ? rec.name_en : rec.name;
}

export function applyTo(root) {
	for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
	for (const el of root.querySelectorAll('[data-i18n-attr]')) {
		for (const pair of el.dataset.i18nAttr.split(';')) {
			const [attr, key] = pair.split(':');
			el.setAttribute(attr.trim(), t(key.trim()));
		}
	}
	const title = document.querySelector('title[data-i18n]');
	if (title) document.title = title.textContent;
}

/* Called after every language change, to re-render what code drew; a
 * promise it returns is awaited before the page counts as switched. */
export function onLangChange(fn) {
	listeners.push(fn);
}

async function switchTo(l) {
	await load(l);
	try {
		localStorage.setItem(STORAGE_KEY, l);
	} catch {
		/* not remembered, still switched */
	}
	applyTo(document);
	await Promise.all(listeners.map((fn) => fn()));
	document.body.dataset.lang = l; // the page is drawn in l (tests wait on it)
}

/* Loads the remembered catalogue, fills the page and wires every
 * [data-lang-switch] button to toggle between Korean and English. */
export async function initI18n() {
	await load(storedLang());
	applyTo(document);
	document.body.dataset.lang = lang;
	for (const btn of document.querySelectorAll('[data-lang-switch]'))
		btn.addEventListener('click', () => switchTo(lang === 'ko' ? 'en' : 'ko'));
}
