// api.js — calls to ombud's HTTP API from the pages: JSON in and out, the
// session cookie sent with every call, errors as ApiError with the API's
// stable code and field, shown through the catalogue.
import { has, t } from './i18n.js';

export class ApiError extends Error {
	constructor(status, code, message, field) {
		super(message);
		this.status = status;
		this.code = code;
		this.field = field;
	}
}

/* method, path; options: body (an object, sent as JSON), headers. */
export async function api(method, path, { body, headers = {} } = {}) {
	const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json', ...headers } };
	if (body !== undefined) {
		init.body = JSON.stringify(body);
		init.headers['Content-Type'] = 'application/json';
	}
	let resp;
	try {
		resp = await fetch(path, init);
	} catch (e) {
		throw new ApiError(0, 'network', e.message);
	}
	const text = await resp.text();
	let json = null;
	try {
		json = text ? JSON.parse(text) : null;
	} catch {
		/* not JSON: reported below by status */
	}
	if (!resp.ok) {
		const err = (json && json.error) || {};
		throw new ApiError(resp.status, err.code || 'unknown', err.message || text, err.field);
	}
	return json;
}

/* The raw body of a GET as a Blob (downloads that need a header). */
export async function apiBlob(path, headers = {}) {
	const resp = await fetch(path, { credentials: 'same-origin', headers });
	if (!resp.ok) throw new ApiError(resp.status, resp.status === 404 ? 'not_found' : 'unknown', resp.statusText);
	return resp.blob();
}

/* The error in the reader's language: what went wrong, and which field. */
export function errorText(err) {
	const code = err instanceof ApiError ? err.code : 'unknown';
	const what = has('error.' + code) ? t('error.' + code) : t('error.unknown');
	if (err instanceof ApiError && err.field)
		return t('error.with_field', { what, field: has('field.' + err.field) ? t('field.' + err.field) : err.field });
	return what;
}

/* Every item of a paginated list (GET path?limit=100&after=...). */
export async function apiAll(path) {
	const items = [];
	let after = null;
	do {
		const sep = path.includes('?') ? '&' : '?';
		const page = await api('GET', `${path}${sep}limit=100${after !== null ? `&after=${after}` : ''}`);
		items.push(...page.items);
		after = page.next_after ?? null;
	} while (after !== null);
	return items;
}
