// session.js — staff sessions for the pages that need one: the login form,
// the session cookie (HttpOnly, set by the server) with this tab's CSRF token
// for every write, logging out, and back to the form when the session ends.
// The page's markup has #login-section with #login-form, #login-name,
// #login-password and #login-error.
import { api, ApiError, errorText } from './api.js';
import { t } from './i18n.js';
import { busy, say } from './ui.js';

const CSRF_KEY = 'ombud.csrf';
const $ = (id) => document.getElementById(id);
let leave = () => {};

export function csrf() {
	return sessionStorage.getItem(CSRF_KEY) || '';
}

/* Shows the login form (with a message), hiding the signed-in part. */
export function showLogin(message) {
	leave();
	$('login-section').hidden = false;
	say($('login-error'), message || '', 'error');
}

function sessionLost() {
	sessionStorage.removeItem(CSRF_KEY);
	showLogin(t('login.expired'));
}

/* A cookie-authenticated write (POST, PUT, PATCH, DELETE): always with the
 * session's CSRF token. An expired session sends the reader back to the
 * login form. */
export async function send(method, path, body) {
	try {
		return await api(method, path, { body, headers: { 'X-CSRF-Token': csrf() } });
	} catch (e) {
		if (e instanceof ApiError && (e.code === 'unauthorized' || e.code === 'csrf')) sessionLost();
		throw e;
	}
}

export async function post(path, body) {
	return send('POST', path, body);
}

/* A read; an expired session goes back to the login form. */
export async function get(path) {
	try {
		return await api('GET', path);
	} catch (e) {
		if (e instanceof ApiError && e.code === 'unauthorized') sessionLost();
		throw e;
	}
}

export async function logout() {
	try {
		await post('/v1/auth/logout', {});
	} catch {
		/* the session may be gone already */
	}
	sessionStorage.removeItem(CSRF_KEY);
	showLogin();
}

/* Wires the login form; enter(me) draws the signed-in page, onLeave hides
 * it. Resumes this tab's session when it has one (a session cookie alone
 * cannot write: without this tab's CSRF token, log in again). */
export async function startSession(enter, onLeave) {
	leave = onLeave;
	$('login-form').addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const name = $('login-name').value.trim(), password = $('login-password').value;
		if (!name || !password) {
			(name ? $('login-password') : $('login-name')).focus();
			return say($('login-error'), t('form.required', { field: t(name ? 'field.password' : 'field.login') }), 'error');
		}
		await busy(ev.target.querySelector('button[type=submit]'), async () => {
			try {
				const r = await api('POST', '/v1/auth/login', { body: { login: name, password } });
				sessionStorage.setItem(CSRF_KEY, r.csrf);
				$('login-password').value = '';
				$('login-section').hidden = true;
				await enter(r.me);
			} catch (e) {
				say($('login-error'), e.code === 'unauthorized' ? t('login.wrong') : errorText(e), 'error');
			}
		});
	});
	const me = csrf() ? await api('GET', '/v1/me').catch(() => null) : null;
	if (me && me.staff_code) {
		$('login-section').hidden = true;
		await enter(me);
	} else {
		showLogin();
	}
}
