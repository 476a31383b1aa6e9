// The message catalogues: Korean and English have the same keys, no empty
// message, every key the pages name exists, and no text lives in code.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { WEB_ROOT, catalogue } from './harness.mjs';

const { ko, en } = catalogue;
const files = (dir, ext) => fs.readdirSync(path.join(WEB_ROOT, dir)).filter((f) => f.endsWith(ext)).map((f) => path.join(WEB_ROOT, dir, f));
const html = files('.', '.html');
const js = files('js', '.js');

test('Korean and English have the same keys and no empty message', () => {
	assert.deepEqual(Object.keys(ko).sort(), Object.keys(en).sort());
	for (const [name, cat] of Object.entries(catalogue))
		for (const [k, v] of Object.entries(cat)) assert.ok(typeof v === 'string' && v.trim(), `${name}: ${k} is empty`);
	for (const k of Object.keys(ko)) {
		const holes = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
		assert.deepEqual(holes(ko[k]), holes(en[k]), `${k}: the same placeholders in both languages`);
	}
});

test('every key named in markup and code is in the catalogue', () => {
	const named = new Set();
	for (const f of html) {
		const s = fs.readFileSync(f, 'utf8');
		for (const m of s.matchAll(/data-i18n="([^"]+)"/g)) named.add(m[1]);
		for (const m of s.matchAll(/data-i18n-attr="([^"]+)"/g))
			for (const pair of m[1].split(';')) named.add(pair.split(':')[1].trim());
	}
	for (const f of js)
		for (const m of fs.readFileSync(f, 'utf8').matchAll(/\bt\('([a-z_.]+[a-z_])'/g)) named.add(m[1]);
	assert.ok(named.size > 100, `found ${named.size} keys`);
	for (const k of named) assert.ok(k in ko, `${k} is missing from the catalogues`);
	// the values the API enumerates, shown through prefixed keys
	const enums = {
		role: ['customer', 'system', 'agent', 'supervisor', 'practitioner', 'manager', 'complaints', 'admin'],
		status: ['open', 'answered', 'closed', 'referred'],
		channel: ['web', 'phone', 'visit', 'email'],
		event: ['opened', 'message', 'note', 'assigned', 'demand', 'deadline_missed', 'escalated', 'dispute', 'accepted',
			'final_answer', 'referral', 'closed', 'reopened'],
		cause: ['demand', 'deadline', 'dispute', 'repeat', 'about_center'],
		deadline: ['first_answer', 'responsible_contact', 'level_answer', 'final_answer'],
		reply_class: ['human', 'template', 'automatic'],
		level: ['L1', 'L2', 'L3', 'L4', 'L5'],
		error: ['bad_json', 'invalid', 'unauthorized', 'forbidden', 'csrf', 'not_found', 'no_route', 'method_not_allowed',
			'exists', 'too_large', 'rate_limited', 'store_error', 'unavailable', 'conflict'],
	};
	for (const [prefix, values] of Object.entries(enums))
		for (const v of values) assert.ok(`${prefix}.${v}` in ko, `${prefix}.${v} is missing`);
});

test('no text in code: scripts hold no Hangul, pages no text outside the catalogue', () => {
	for (const f of js) assert.doesNotMatch(fs.readFileSync(f, 'utf8'), /[\uAC00-\uD7A3]/, `${f} holds Korean text`);
	for (const f of html) {
		const body = fs.readFileSync(f, 'utf8').replace(/<script[\s\S]*?<\/script>/g, '');
		const texts = [...body.matchAll(/>([^<]+)</g)].map((m) => m[1].trim()).filter(Boolean);
		assert.deepEqual(texts.filter((s) => s !== 'ombud'), [], `${path.basename(f)} holds text of its own`);
		assert.doesNotMatch(body, /<style|style=|<script(?![^>]*\bsrc=)/, `${path.basename(f)}: no inline styles or scripts (CSP)`);
	}
});
