// ui.js — small DOM helpers shared by the pages.
import { t } from './i18n.js';

/* el('p', {class: 'x', dataset: {k: 'v'}}, 'text', child, ...): children are
 * strings (as text, never HTML) or nodes; null and false are skipped. */
export function el(tag, attrs = {}, ...children) {
	const node = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs)) {
		if (v === null || v === undefined || v === false) continue;
		if (k === 'dataset') Object.assign(node.dataset, v);
		else if (k === 'class') node.className = v;
		else if (k === 'text') node.textContent = v;
		else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
		else node.setAttribute(k, v === true ? '' : v);
	}
	for (const c of children.flat()) {
		if (c === null || c === undefined || c === false) continue;
		node.append(c instanceof Node ? c : String(c));
	}
	return node;
}

/* Shows a message in a status or alert element (role set in markup). */
export function say(target, text, kind = 'info') {
	target.textContent = text;
	target.dataset.kind = kind;
	target.hidden = !text;
}

/* Copies text; where the clipboard is refused, selects the text instead so
 * the reader can copy it by hand. Returns whether it was copied. */
export async function copyText(text, fallbackNode) {
	try {
		await navigator.clipboard.writeText(text);
		return true;
	} catch {
		if (fallbackNode) {
			const range = document.createRange();
			range.selectNodeContents(fallbackNode);
			const sel = getSelection();
			sel.removeAllRanges();
			sel.addRange(range);
		}
		return false;
	}
}

/* Offers a Blob as a file download. */
export function saveBlob(blob, filename) {
	const url = URL.createObjectURL(blob);
	const a = el('a', { href: url, download: filename, hidden: true });
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 60000);
}

/* A button that is busy (disabled) while fn runs. */
export async function busy(button, fn) {
	button.disabled = true;
	button.setAttribute('aria-busy', 'true');
	try {
		return await fn();
	} finally {
		button.disabled = false;
		button.removeAttribute('aria-busy');
	}
}

/* A description list from [key, value] pairs; values are text or nodes. */
export function dl(pairs, cls) {
	const list = el('dl', { class: cls });
	for (const [key, value] of pairs) {
		if (value === null || value === undefined || value === '') continue;
		list.append(el('dt', {}, t(key)), el('dd', {}, value));
	}
	return list;
}
