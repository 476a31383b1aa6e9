"""Call screening through the real binary: the SIP proxy's check (with a
retransmission) and event batches, blocks recorded and listed, lifts, the
allowlist, a number holder's appeal, evidence as JSON and HTML, warnings
to the callees of a voice-phishing number, a restart that keeps the
engine's state, and the FTC complaint file as consumer reports."""
import base64
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), '../data')
FTC = os.path.join(DATA, 'ftc-dnc-complaints-2021-07-08', 'dnc_complaint_numbers_2021-07-08.csv')

FRAUD = '010-9999-0001'          # on the confirmed-fraud list
FRAUD_ALLOWED = '010-9999-0002'  # on it too, then allowlisted by an operator
FRAUD_UNLISTED = '010-9999-0003'  # on it too, allowlisted by mistake, then taken off
REGISTRY = ('number,holder,kind,trunk,daily_cap,valid_from,valid_to\n'
            '01099990001,KNPA,confirmed_fraud,,,,\n'
            '01099990002,KNPA,confirmed_fraud,,,,\n'
            '01099990003,KNPA,confirmed_fraud,,,,\n')


def e164(national):
    return '+82' + national.replace('-', '')[1:]


def prepare_screening(server):
    server.add_user('KA', 'k.scr', 'screener', 'carrier')
    server.add_user('KA', 'k.admin', 'admin', 'carrier')
    server.add_user('RA', 'r.reg', 'regulator', 'regulator')
    server.add_user('PA', 'p.inv', 'investigator', 'police')
    server.add_user('HB', 'h.agent', 'agent', 'company')
    path = os.path.join(server.dir, 'registry.csv')
    with open(path, 'w') as f:
        f.write(REGISTRY)
    server.extra += ['--set', 'screen.registry_file=' + path, '--set', 'screen.max_callers=100000']


class ScreenTest(harness.ServerTest):
    @classmethod
    def prepare(cls, server):
        prepare_screening(server)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.tok = {login: s.login(login) for login in ('k.scr', 'k.admin', 'r.reg', 'p.inv', 'h.agent')}
        cls.seq = 0

    # -- helpers --

    def call_id(self):
        type(self).seq += 1
        return 'call-%s-%d' % (self.id().rsplit('.', 1)[1][:20], self.seq)

    def check(self, caller, callee='010-7000-0001', origin='domestic', call_id=None, token=None, **extra):
        body = dict(call_id=call_id or self.call_id(), caller=caller, callee=callee, origin=origin, trunk='KT-GW1',
                    **extra)
        return self.server.request('POST', '/v1/screen/check', body, token=token or self.tok['k.scr'])

    def sweep(self):
        r = self.server.request('POST', '/v1/test/clock', {'advance_ms': 0})
        self.assertEqual(r.status, 200, r)
        return r.json['now_ms']

    def number(self, n, token=None):
        return self.server.request('GET', '/v1/screen/numbers/' + n, token=token or self.tok['k.scr'])

    def outbox(self):
        msgs, after = [], 0
        while True:
            page = self.server.request('GET', '/v1/test/outbox?limit=100&after=%d' % after).json['items']
            if not page:
                return msgs
            msgs += page
            after = page[-1]['id']

    def operator_block(self, number, **extra):
        r = self.server.request('POST', '/v1/screen/blocks', dict(number=number, reason='경찰 요청 / police request',
                                **extra), token=self.tok['k.scr'])
        self.assertEqual(r.status, 201, r)
        return r.json

    # -- the check --

    def test_ordinary_call_allowed(self):
        r = self.check('010-5555-0001')
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json['verdict'], 'allow')
        self.assertEqual(r.json['score'], 0)
        self.assertEqual(r.json['reasons'], [])

    def test_spoofed_domestic_number_from_abroad_blocked_on_first_call(self):
        r = self.check('010-5555-0002', origin='international')
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json['verdict'], 'block')
        self.assertIn('spoofed_domestic_cli', r.json['reasons'])
        # the presented number belongs to an innocent subscriber: its record is untouched
        self.assertEqual(self.number('010-5555-0002').json['state'], 'unknown')

    def test_retransmitted_check_same_answer_counted_once(self):
        cid = self.call_id()
        first = self.check('010-5555-0003', call_id=cid)
        again = self.check('010-5555-0003', call_id=cid)
        self.assertEqual(first.status, 200, first)
        for key in ('verdict', 'score', 'reasons'):
            self.assertEqual(first.json[key], again.json[key])
        self.assertFalse(first.json['repeated'])
        self.assertTrue(again.json['repeated'])
        state = self.number('010-5555-0003')
        self.assertEqual(state.status, 200, state)
        self.assertEqual(state.json['counts']['attempts'], 1, state)
        self.check('010-5555-0003')
        self.assertEqual(self.number('010-5555-0003').json['counts']['attempts'], 2)

    def test_check_answer_is_json_with_the_call_id_as_sent(self):
        # the answer is written straight into a buffer, not dumped from an
        # object: a call_id that JSON must escape comes back as sent
        cid = 'q"\\/한 ' + self.call_id()
        r = self.check(FRAUD, call_id=cid, origin='international')
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers['Content-Type'], 'application/json; charset=utf-8')
        self.assertIsNotNone(r.json, r.raw)
        self.assertEqual(r.json['call_id'], cid)
        self.assertEqual(sorted(r.json), ['call_id', 'reasons', 'repeated', 'score', 'verdict'])
        self.assertEqual(r.json['verdict'], 'block')
        self.assertIsInstance(r.json['score'], int)
        self.assertGreaterEqual(len(r.json['reasons']), 2, r.raw)
        self.assertIn('confirmed_fraud', r.json['reasons'])
        self.assertIs(r.json['repeated'], False)

    def test_emergency_callee_never_blocked(self):
        r = self.check(FRAUD, callee='112')
        self.assertEqual(r.json['verdict'], 'allow', r)
        self.assertIn('emergency', r.json['reasons'])

    def test_check_field_errors(self):
        r = self.server.request('POST', '/v1/screen/check', {'call_id': 'x', 'caller': '010-1', 'callee': '010-7000-0001'},
                                token=self.tok['k.scr'])
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.json['error']['field'], 'caller')
        r = self.check('010-5555-0004', origin='moon')
        self.assertEqual(r.json['error']['field'], 'origin')

    def test_api_keys_need_their_scope(self):
        def key(scopes):
            r = self.server.request('POST', '/v1/orgs/KA/api-keys', {'name': 'proxy', 'scopes': scopes},
                                    token=self.tok['k.admin'])
            self.assertEqual(r.status, 201, r)
            return r.json['key']
        proxy, feeder = key('screen.check'), key('screen.ingest')
        self.assertEqual(self.check('010-5555-0005', token=proxy).status, 200)
        self.assertEqual(self.check('010-5555-0005', token=feeder).status, 403)
        r = self.server.request('POST', '/v1/screen/events', raw=b'', token=proxy)
        self.assertEqual(r.status, 403, r)
        r = self.server.request('POST', '/v1/screen/events', raw=b'', token=feeder)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.check('010-5555-0005', token=self.tok['h.agent']).status, 403)

    def test_api_key_as_basic_password_and_nothing_else(self):
        r = self.server.request('POST', '/v1/orgs/KA/api-keys', {'name': 'kamailio', 'scopes': 'screen.check'},
                                token=self.tok['k.admin'])
        self.assertEqual(r.status, 201, r)
        body = {'call_id': self.call_id(), 'caller': '010-5555-0006', 'callee': '010-7000-0001',
                'origin': 'domestic', 'trunk': 'KT-GW1'}

        def basic(user, password):
            cred = base64.b64encode(('%s:%s' % (user, password)).encode()).decode()
            return self.server.request('POST', '/v1/screen/check', body, headers={'Authorization': 'Basic ' + cred})
        ok = basic('kamailio', r.json['key'])
        self.assertEqual(ok.status, 200, ok)
        self.assertEqual(ok.json['verdict'], 'allow')
        self.assertEqual(basic('kamailio', r.json['key'] + 'x').status, 401)
        # a staff session is no API key, whatever header carries it
        session = basic('k.scr', self.tok['k.scr'])
        self.assertEqual(session.status, 401, session)
        self.assertIn('API keys only', session.json['error']['message'])

    # -- events --

    def test_ingest_ndjson_reports_bad_lines_and_takes_the_rest(self):
        now = self.sweep()
        lines = [
            '{"ts_ms": %d, "call_id": "nd-1", "event": "attempt", "caller": "010-5555-0010", '
            '"callee": "010-7000-0010", "origin": "domestic", "trunk": "SKT-1", "cell": "C-77"}' % now,
            '{"ts_ms": %d, "call_id": "nd-2", "event": "attempt", "caller": ' % now,
            '{"ts_ms": %d, "call_id": "nd-1", "event": "end", "caller": "010-5555-0010", "callee": "010-7000-0010", '
            '"origin": "domestic", "trunk": "SKT-1", "duration_ms": 42000, "answered": 1}' % (now + 42000),
            '{"ts_ms": %d, "call_id": "nd-3", "event": "hangup", "caller": "010-5555-0010", '
            '"callee": "010-7000-0011", "origin": "domestic", "trunk": "SKT-1"}' % now,
        ]
        r = self.server.request('POST', '/v1/screen/events', raw=('\n'.join(lines) + '\n').encode(),
                                token=self.tok['k.scr'], headers={'Content-Type': 'application/x-ndjson'})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json['lines'], r.json['attempts'], r.json['ends'], r.json['bad']), (4, 1, 1, 2), r)
        self.assertEqual([e['line'] for e in r.json['errors']], [2, 4], r)
        state = self.number('010-5555-0010').json
        self.assertEqual(state['counts']['attempts'], 1, state)
        self.assertEqual(state['counts']['answered'], 1, state)

    def test_ingest_body_limit(self):
        # declared larger than 4 MiB: refused before a byte of it is read
        conn = http.client.HTTPConnection('127.0.0.1', self.server.port, timeout=30)
        conn.putrequest('POST', '/v1/screen/events')
        conn.putheader('Authorization', 'Bearer ' + self.tok['k.scr'])
        conn.putheader('Content-Length', str(4 * 1024 * 1024 + 1))
        conn.endheaders()
        resp = conn.getresponse()
        self.assertEqual(resp.status, 413)
        self.assertIn(b'too_large', resp.read())
        conn.close()

    # -- blocks --

    def test_confirmed_fraud_block_recorded_and_listed(self):
        r = self.check(FRAUD)
        self.assertEqual(r.json['verdict'], 'block', r)
        self.assertIn('confirmed_fraud', r.json['reasons'])
        self.sweep()
        for who in ('k.scr', 'r.reg'):
            blocks = self.server.request('GET', '/v1/screen/blocks', token=self.tok[who])
            self.assertEqual(blocks.status, 200, blocks)
            mine = [b for b in blocks.json['items'] if b['number'] == e164(FRAUD)]
            self.assertEqual(len(mine), 1, blocks)
            self.assertIn('confirmed_fraud', mine[0]['reasons'])
            self.assertEqual(mine[0]['set_by'], 'engine')
        self.assertEqual(self.server.request('GET', '/v1/screen/blocks', token=self.tok['p.inv']).status, 403)
        state = self.number(FRAUD, token=self.tok['p.inv']).json
        self.assertEqual(state['state'], 'blocked', state)
        self.assertIsNotNone(state['recorded_block'])

    def test_operator_block_then_lift(self):
        n = '010-5555-0020'
        block = self.operator_block(n)
        self.assertEqual(block['number'], e164(n))
        self.assertEqual(block['reasons'], ['operator_block'])
        self.assertRegex(block['set_by'], r'^KA-')
        r = self.check(n)
        self.assertEqual(r.json['verdict'], 'block', r)
        self.assertIn('operator_block', r.json['reasons'])
        lifted = self.server.request('POST', '/v1/screen/blocks/%s/lift' % n, {'reason': '번호 주인 확인 / holder verified'},
                                     token=self.tok['k.scr'])
        self.assertEqual(lifted.status, 200, lifted)
        self.assertIsNone(lifted.json['recorded_block'], lifted)
        self.assertEqual(self.check(n).json['verdict'], 'allow')
        everything = self.server.request('GET', '/v1/screen/blocks?state=all&limit=100', token=self.tok['k.scr']).json
        mine = [b for b in everything['items'] if b['number'] == e164(n)]
        self.assertEqual(mine[0]['lifted']['reason'], '번호 주인 확인 / holder verified')
        again = self.server.request('POST', '/v1/screen/blocks/%s/lift' % n, {'reason': 'twice'}, token=self.tok['k.scr'])
        self.assertEqual(again.status, 404, again)
        running = self.server.request('GET', '/v1/screen/blocks', token=self.tok['k.scr']).json
        self.assertNotIn(e164(n), [b['number'] for b in running['items']])

    def test_allowlist_overrides_confirmed_fraud(self):
        self.assertEqual(self.check(FRAUD_ALLOWED).json['verdict'], 'block')
        r = self.server.request('POST', '/v1/screen/allowlist', {'number': FRAUD_ALLOWED, 'reason': 'list error'},
                                token=self.tok['k.scr'])
        self.assertEqual(r.status, 201, r)
        got = self.check(FRAUD_ALLOWED).json
        self.assertEqual(got['verdict'], 'allow', got)
        self.assertIn('allowlisted', got['reasons'])
        listed = self.server.request('GET', '/v1/screen/allowlist', token=self.tok['r.reg']).json
        self.assertIn(e164(FRAUD_ALLOWED), [a['number'] for a in listed['items']])
        self.assertEqual(self.number(FRAUD_ALLOWED).json['state'], 'allowlisted')

    def test_allowlist_entry_removed(self):
        n = FRAUD_UNLISTED
        self.assertEqual(self.check(n).json['verdict'], 'block')
        r = self.server.request('POST', '/v1/screen/allowlist', {'number': n, 'reason': 'mistake'}, token=self.tok['k.scr'])
        self.assertEqual(r.status, 201, r)
        self.assertIsNone(r.json['removed'])
        self.assertEqual(self.check(n).json['verdict'], 'allow')
        path = '/v1/screen/allowlist/%s/remove' % n
        r = self.server.request('POST', path, {'reason': 'x'}, token=self.tok['r.reg'])
        self.assertEqual(r.status, 403, r)  # a regulator reads the list, a screener changes it
        r = self.server.request('POST', path, {}, token=self.tok['k.scr'])
        self.assertEqual((r.status, r.json['error']['field']), (400, 'reason'), r)
        r = self.server.request('POST', path, {'reason': '경찰 목록 확인 / police list confirmed'}, token=self.tok['k.scr'])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json['number'], e164(n))
        self.assertEqual(r.json['remove_reason'], '경찰 목록 확인 / police list confirmed')
        self.assertIsNotNone(r.json['removed'])
        self.assertEqual(self.check(n).json['verdict'], 'block')
        listed = self.server.request('GET', '/v1/screen/allowlist', token=self.tok['r.reg']).json
        self.assertNotIn(e164(n), [a['number'] for a in listed['items']])
        again = self.server.request('POST', path, {'reason': 'twice'}, token=self.tok['k.scr'])
        self.assertEqual((again.status, again.json['error']['field']), (404, 'number'), again)

    # -- appeals --

    def test_appeal_with_one_time_code_then_lifted(self):
        n = '010-5555-0030'
        not_blocked = self.server.request('POST', '/v1/screen/appeals', {'number': '010-5555-0031'})
        self.assertEqual(not_blocked.status, 409, not_blocked)
        self.operator_block(n)
        opened = self.server.request('POST', '/v1/screen/appeals', {'number': n})
        self.assertEqual(opened.status, 202, opened)
        aid = opened.json['id']
        sms = [m for m in self.outbox() if m['ref'] == 'appeal-%d' % aid]
        self.assertEqual(len(sms), 1, sms)
        self.assertEqual((sms[0]['channel'], sms[0]['recipient']), ('sms', e164(n)))
        code = re.search(r'\b(\d{6})\b', sms[0]['body']).group(1)
        wrong = '000000' if code != '000000' else '111111'
        bad = self.server.request('POST', '/v1/screen/appeals/%d/confirm' % aid,
                                  {'one_time_code': wrong, 'statement': '제 번호입니다'})
        self.assertEqual(bad.status, 404, bad)
        ok = self.server.request('POST', '/v1/screen/appeals/%d/confirm' % aid,
                                 {'one_time_code': code, 'statement': '제 가게 번호입니다 / my shop\'s number'})
        self.assertEqual(ok.status, 200, ok)
        self.assertEqual(ok.json['status'], 'open')
        reused = self.server.request('POST', '/v1/screen/appeals/%d/confirm' % aid,
                                     {'one_time_code': code, 'statement': 'again'})
        self.assertEqual(reused.status, 404, reused)
        for who in ('k.scr', 'r.reg'):
            listed = self.server.request('GET', '/v1/screen/appeals?status=open', token=self.tok[who])
            self.assertEqual(listed.status, 200, listed)
            mine = [a for a in listed.json['items'] if a['id'] == aid]
            self.assertEqual(mine[0]['evidence'], '/v1/screen/numbers/%s/evidence' % e164(n))
        notices = [m for m in self.outbox() if m['ref'] == 'appeal-%d' % aid and m['channel'] == 'staff']
        self.assertGreaterEqual(len(notices), 2, notices)  # the screener and the regulator
        ev = self.server.request('GET', mine[0]['evidence'], token=self.tok['r.reg'])
        self.assertEqual(ev.status, 200, ev)
        self.assertEqual(self.server.request('POST', '/v1/screen/appeals/%d/decide' % aid, {'lift': True, 'reason': 'x'},
                                             token=self.tok['r.reg']).status, 403)
        decided = self.server.request('POST', '/v1/screen/appeals/%d/decide' % aid,
                                      {'lift': True, 'reason': '소상공인 번호 확인'}, token=self.tok['k.scr'])
        self.assertEqual(decided.status, 200, decided)
        self.assertEqual(decided.json['status'], 'lifted')
        self.assertRegex(decided.json['decision']['by'], r'^KA-')
        self.assertEqual(self.check(n).json['verdict'], 'allow')
        twice = self.server.request('POST', '/v1/screen/appeals/%d/decide' % aid, {'lift': False, 'reason': 'x'},
                                    token=self.tok['k.scr'])
        self.assertEqual(twice.status, 409, twice)
        told = [m for m in self.outbox() if m['ref'] == 'appeal-%d' % aid and m['channel'] == 'sms']
        self.assertEqual(len(told), 2, told)  # the code, then the decision

    # -- evidence and the victims' warning --

    def test_evidence_json_html_and_victims_warned(self):
        v = '010-5555-0040'
        callees = ['010-7100-%04d' % i for i in range(25)]
        ids = []
        for callee in callees:
            ids.append(self.call_id())
            self.check(v, callee=callee, call_id=ids[-1])
        state = self.number(v).json
        self.assertEqual(state['state'], 'watched', state)  # volume and fan-out: warned, never blocked
        now = self.sweep()
        ends = ''.join('{"ts_ms": %d, "call_id": "%s", "event": "end", "caller": "%s", "callee": "%s", '
                       '"origin": "domestic", "trunk": "KT-GW1", "duration_ms": %d, "answered": %d}\n'
                       % (now, cid, v, callee, 90000 if i < 2 else 0, 1 if i < 2 else 0)
                       for i, (cid, callee) in enumerate(zip(ids, callees)))
        r = self.server.request('POST', '/v1/screen/events', raw=ends.encode(), token=self.tok['k.scr'])
        self.assertEqual((r.json['ends'], r.json['ends_unknown'], r.json['bad']), (25, 0, 0), r)
        block = self.operator_block(v, voice_phishing=True)
        warned = [m for m in self.outbox() if m['ref'] == 'screen-block-%d' % block['id']]
        self.assertEqual(sorted(m['recipient'] for m in warned), sorted(e164(c) for c in callees[:2]), warned)
        self.assertIn('112', warned[0]['body'])
        doc = self.server.request('GET', '/v1/screen/numbers/%s/evidence' % v, token=self.tok['p.inv'])
        self.assertEqual(doc.status, 200, doc)
        self.assertEqual(doc.json['kind'], 'evidence')
        sections = {s['key']: s for s in doc.json['sections']}
        self.assertEqual(sections['number']['fields']['number'], e164(v))
        self.assertEqual(int(sections['number']['fields']['attempts']), 25)
        self.assertEqual(sorted(row['callee'] for row in sections['victims']['rows']), sorted(e164(c) for c in callees[:2]))
        self.assertIn({'kind': 'trunk', 'name': 'KT-GW1'}, sections['places']['rows'])
        verdicts = [row['verdict'] for row in sections['timeline']['rows']]
        self.assertIn('warn', verdicts)
        self.assertEqual(verdicts[-1], 'block')
        html = self.server.request('GET', '/v1/screen/numbers/%s/evidence?format=html' % v, token=self.tok['r.reg'])
        self.assertEqual(html.status, 200, html)
        self.assertTrue(html.raw.lower().startswith('<!doctype html>'), html.raw[:100])
        self.assertIn(e164(v), html.raw)
        self.assertIn('operator_block', html.raw)
        self.assertEqual(self.server.request('GET', '/v1/screen/numbers/010-5555-0099/evidence',
                                             token=self.tok['r.reg']).status, 404)
        self.assertEqual(self.server.request('GET', '/v1/screen/numbers/%s/evidence' % v,
                                             token=self.tok['h.agent']).status, 403)


class ScreenSimBoxRelease(harness.ServerTest):
    """A line that looked like a SIM of a box and was blocked for it, then
    called from a third cell, is a handset on the move (a box does not
    move): the engine ends the block and the store records the lift, so a
    restart or another node does not set it again."""

    @classmethod
    def prepare(cls, server):
        prepare_screening(server)

    def clock(self, advance_ms):
        r = self.server.request('POST', '/v1/test/clock', {'advance_ms': advance_ms})
        self.assertEqual(r.status, 200, r)
        return r.json['now_ms']

    def events(self, lines):
        r = self.server.request('POST', '/v1/screen/events', raw=('\n'.join(lines) + '\n').encode(),
                                token=self.tok, headers={'Content-Type': 'application/x-ndjson'})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json['bad'], 0, r)

    def failed_call(self, caller, callee, cell, ts):
        """A call attempted at ts and unanswered 20 s later, as the proxy reports it."""
        call = {'call_id': 'c%d' % self.n, 'caller': caller, 'callee': callee, 'origin': 'domestic',
                'trunk': 'MSC-7', 'cell': cell}
        self.n += 1
        r = self.server.request('POST', '/v1/screen/check', dict(call, ts_ms=ts), token=self.tok)
        self.assertEqual(r.status, 200, r)
        end = dict(call, event='end', ts_ms=ts + 20000, duration_ms=0, answered=0)
        self.events([json.dumps(end)])
        return r.json

    def test_block_ends_when_the_line_moves(self):
        self.tok, self.n = self.server.login('k.scr'), 0
        line = '010-5555-0707'
        now = self.clock(0)
        self.failed_call(line, '010-6000-0001', 'BOX-CELL', now)  # before the box shows
        self.failed_call(line, '010-6000-0002', 'BOX-CELL', now + 60000)
        now = self.clock(120000)
        for rnd in range(6):  # 24 new SIMs a round, two failed calls in three at most
            for sim in range(24):
                self.failed_call('010-7%03d-%04d' % (rnd // 3, sim), '010-6100-%04d' % (rnd * 100 + sim),
                                 'BOX-CELL', now + sim * 10000)
            now = self.clock(24 * 10000)
        first = self.failed_call(line, '010-6000-0003', 'BOX-CELL', now)
        self.assertEqual(first['verdict'], 'block', first)
        self.assertIn('simbox_cell', first['reasons'])
        now = self.clock(60000)
        blocks = self.server.request('GET', '/v1/screen/blocks', token=self.tok).json['items']
        self.assertIn(e164(line), [b['number'] for b in blocks])
        second = self.failed_call(line, '010-6000-0004', 'CELL-2', now)  # a box on a border uses two
        self.assertEqual(second['verdict'], 'block', second)
        self.assertIn('blocked', second['reasons'])
        third = self.failed_call(line, '010-6000-0005', 'CELL-3', now + 60000)
        self.assertNotEqual(third['verdict'], 'block', third)
        self.clock(120000)
        everything = self.server.request('GET', '/v1/screen/blocks?state=all&limit=100', token=self.tok).json
        mine = [b for b in everything['items'] if b['number'] == e164(line)]
        self.assertEqual(len(mine), 1, mine)
        self.assertEqual(mine[0]['lifted']['by'], 'engine', mine)
        self.assertIn('third cell', mine[0]['lifted']['reason'])
        running = self.server.request('GET', '/v1/screen/blocks', token=self.tok).json['items']
        self.assertNotIn(e164(line), [b['number'] for b in running])


class ScreenRestart(unittest.TestCase):
    """SIGTERM saves the engine; the next start restores it. Without the
    snapshot, recorded blocks come back from the store."""

    def test_restart_keeps_blocks_and_state(self):
        server = harness.Server()
        try:
            prepare_screening(server)
            server.start()
            tok = server.login('k.scr')
            blocked, seen = '010-5555-0050', '010-5555-0051'
            r = server.request('POST', '/v1/screen/blocks', {'number': blocked, 'reason': 'police'}, token=tok)
            self.assertEqual(r.status, 201, r)
            body = {'call_id': 'keep-1', 'caller': seen, 'callee': '010-7000-0001', 'origin': 'domestic', 'trunk': 'T'}
            self.assertEqual(server.request('POST', '/v1/screen/check', body, token=tok).json['verdict'], 'allow')
            self.assertEqual(server.stop(), 0, server.log())
            self.assertTrue(os.path.exists(server.file + '.screen'))
            server.start()
            tok = server.login('k.scr')
            again = server.request('POST', '/v1/screen/check', body, token=tok).json
            self.assertTrue(again['repeated'], again)  # the engine's memory of the call came back
            got = server.request('GET', '/v1/screen/numbers/' + blocked, token=tok).json
            self.assertEqual(got['state'], 'blocked', got)
            self.assertTrue(got['evidence']['block']['operator'], got)
            check = dict(body, call_id='keep-2', caller=blocked)
            self.assertEqual(server.request('POST', '/v1/screen/check', check, token=tok).json['verdict'], 'block')
            self.assertEqual(server.request('GET', '/v1/screen/numbers/' + seen, token=tok).json['counts']['attempts'], 1)
            # a damaged snapshot (one byte changed) is set aside, not half-read;
            # the recorded block is set again from the store
            self.assertEqual(server.stop(), 0, server.log())
            with open(server.file + '.screen', 'r+b') as f:
                f.seek(os.path.getsize(server.file + '.screen') // 2)
                byte = f.read(1)
                f.seek(-1, os.SEEK_CUR)
                f.write(bytes([byte[0] ^ 0x40]))
            server.start()
            self.assertTrue(os.path.exists(server.file + '.screen.unusable'))
            self.assertIn('snapshot truncated or corrupt', server.log())
            tok = server.login('k.scr')
            check = dict(body, call_id='keep-damaged', caller=blocked)
            self.assertEqual(server.request('POST', '/v1/screen/check', check, token=tok).json['verdict'], 'block')
            self.assertEqual(server.request('GET', '/v1/screen/numbers/' + seen, token=tok).json['state'], 'unknown')
            # a lost snapshot: the same
            self.assertEqual(server.stop(), 0, server.log())
            os.unlink(server.file + '.screen')
            server.start()
            tok = server.login('k.scr')
            check = dict(body, call_id='keep-3', caller=blocked)
            self.assertEqual(server.request('POST', '/v1/screen/check', check, token=tok).json['verdict'], 'block')
            self.assertIn('restored=0', server.log())
        except AssertionError:
            print('\n--- server log (tail) ---\n' + server.log())
            raise
        finally:
            server.cleanup()


class FtcComplaints(unittest.TestCase):
    """The real FTC Do-Not-Call complaint file as consumer reports: every
    unusable row is reported with its line number, the rest are loaded."""

    def test_ftc_file_counts_and_line_numbers(self):
        with tempfile.TemporaryDirectory() as d:
            events = os.path.join(d, 'events.csv')
            with open(events, 'w') as f:
                f.write('ts_ms,call_id,event,caller,callee,origin,trunk\n')
            p = subprocess.run([harness.BIN, 'screen', 'replay', '--events', events, '--verdicts',
                                os.path.join(d, 'verdicts.csv'), '--reports', FTC, '--reports-format', 'ftc',
                                '--config', self.small_config(d)], capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('%s: 14034 rows, 13136 loaded, 898 unusable' % FTC, p.stderr)
        bad = re.findall(r'^%s:(\d+): (.+)$' % re.escape(FTC), p.stderr, re.M)
        self.assertEqual(len(bad), 898)
        reasons = {}
        for line, reason in bad:
            reasons[reason] = reasons.get(reason, 0) + 1
        self.assertEqual(reasons.get('empty Company_Phone_Number'), 669, reasons)
        self.assertIn(('5', 'Company_Phone_Number has not 10 digits'), bad)
        self.assertIn(('33', 'empty Company_Phone_Number'), bad)
        lines = [int(line) for line, _ in bad]
        self.assertEqual(lines, sorted(lines))
        self.assertLessEqual(max(lines), 14035)  # header + 14,034 rows

    @staticmethod
    def small_config(d):
        path = os.path.join(d, 'engine.conf')
        with open(path, 'w') as f:
            f.write('max_callers = 100000\npending_calls = 65536\n')
        return path


class RulesReloadTest(harness.ServerTest):
    """SIGHUP reads screen.config again: the next check is judged by the new
    rules; a file that does not validate leaves the rules in force."""

    @classmethod
    def prepare(cls, server):
        server.add_user('KA', 'k.scr', 'screener', 'carrier')
        cls.rules = os.path.join(server.dir, 'rules.conf')
        cls.write_rules('# defaults\n')
        server.extra += ['--set', 'screen.config=' + cls.rules, '--set', 'screen.max_callers=100000']

    @classmethod
    def write_rules(cls, text):
        with open(cls.rules, 'w') as f:
            f.write(text)

    def check(self, n):
        body = dict(call_id='reload-%d' % n, caller='010-6600-0001', callee='010-7000-%04d' % (n * 37 % 10000),
                    origin='domestic', trunk='KT-GW1')
        r = self.server.request('POST', '/v1/screen/check', body, token=self.token)
        self.assertEqual(r.status, 200, r)
        return r.json

    def hup_until(self, what, test):
        self.server.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while not test():
            self.assertLess(time.monotonic(), deadline, what)
            time.sleep(0.05)

    def test_sighup_swaps_the_rules(self):
        self.token = self.server.login('k.scr')
        for n in range(12):  # twelve calls in a minute: volume, 30 points, below a warning
            v = self.check(n)
        self.assertEqual((v['verdict'], v['score']), ('allow', 30), v)
        self.assertIn('volume_unregistered', v['reasons'])
        self.write_rules('warn_score = 25\n')
        calls = iter(range(12, 1000))
        self.hup_until('the new rules in force', lambda: self.check(next(calls))['verdict'] == 'warn')
        self.assertIn('screen rules reloaded', self.server.log())
        self.write_rules('warn_score = 25\nblock_score = 20\n')
        self.hup_until('the refusal logged', lambda: 'screen rules not reloaded' in self.server.log())
        self.assertIn('warn_score must be below block_score', self.server.log())
        self.assertEqual(self.check(next(calls))['verdict'], 'warn', 'the rules in force stay')
        self.assertEqual(self.server.proc.poll(), None)


if __name__ == '__main__':
    harness.main()
