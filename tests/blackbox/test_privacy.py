"""Privacy (PIPA) through the real binary: every staff read of a customer's
personal data is logged with who, when and why before the data is answered,
and the customer reads that log; a customer's data is erased on request, by
the organisation's admin on a verified request, and by the retention sweep on
the test clock, and the case's chain still verifies; an export holds the
case, its read log and consents; consents are granted and withdrawn alike."""
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_attachments import pdf_bytes  # noqa: E402

DAY_MS = 24 * 3600 * 1000


class PrivacyTest(harness.ServerTest):
    @classmethod
    def prepare(cls, server):
        cls.passwords = harness.demo_accounts(server)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tok = {login: cls.server.login(login, pw) for login, pw in cls.passwords.items()}

    def open_case(self, name='김민원', contact='010-2222-3333', subject='카드 결제 오류', category='CARD'):
        r = self.server.request('POST', '/v1/orgs/HB/cases',
                                {'category': category, 'name': name, 'contact': contact, 'subject': subject,
                                 'text': '결제가 두 번 되었습니다. 확인 부탁드립니다.'})
        self.assertEqual(r.status, 201, r)
        return r.json['receipt'], r.json['access_code']

    def customer(self, method, receipt, code, action='', body=None, raw=None):
        path = '/v1/cases/' + receipt + ('/' + action if action else '')
        if body is None and raw is None and method == 'POST':
            body = {}
        return self.server.request(method, path, body, raw=raw, headers={'X-Access-Code': code})

    def staff(self, login, method, path, body=None, headers=None):
        return self.server.request(method, path, body if body is not None or method != 'POST' else {},
                                   token=self.tok[login], headers=headers)

    def close(self, receipt, code):
        r = self.staff('hb.agent', 'POST', '/v1/orgs/HB/cases/%s/replies' % receipt,
                       {'text': '확인 결과 중복 결제가 맞아 취소하였습니다. 3영업일 안에 환불됩니다.'})
        self.assertEqual(r.status, 200, r)
        r = self.customer('POST', receipt, code, 'accept')
        self.assertEqual((r.status, r.json['status']), (200, 'closed'), r)

    def reads(self, receipt, code):
        r = self.customer('GET', receipt, code, 'reads?limit=100')
        self.assertEqual(r.status, 200, r)
        return r.json['items']

    def verify(self, receipt, code):
        r = self.customer('GET', receipt, code, 'verify')
        self.assertEqual(r.status, 200, r)
        return r.json


class ReadLog(PrivacyTest):
    def test_each_staff_read_is_logged_and_the_customer_reads_the_log(self):
        receipt, code = self.open_case()
        up = self.customer('POST', receipt, code, 'attachments?name=statement.pdf', raw=pdf_bytes('read log'))
        self.assertEqual(up.status, 201, up)
        seq = up.json['attachments'][0]['seq']
        self.assertEqual(self.reads(receipt, code), [])
        # the customer's own reads are not staff reads
        self.assertEqual(self.customer('GET', receipt, code).status, 200)
        self.assertEqual(self.reads(receipt, code), [])

        base = '/v1/orgs/HB/cases/' + receipt
        r = self.staff('hb.agent', 'GET', base + '?purpose=handling')
        self.assertEqual((r.status, r.json['name']), (200, '김민원'), r)
        r = self.staff('cc.agent', 'GET', base + '/download', headers={'X-Purpose': 'quality_review'})
        self.assertEqual(r.status, 200, r)
        r = self.staff('hb.agent', 'GET', base + '/attachments/%d' % seq)
        self.assertEqual((r.status, r.raw[:5]), (200, '%PDF-'), r)
        r = self.staff('hb.agent', 'POST', base + '/notes', {'text': '고객 확인 중'})
        self.assertEqual(r.status, 200, r)   # an action answers with the case: a read too

        # a purpose off the list is refused before anything is read or logged
        bad = self.staff('hb.agent', 'GET', base + '?purpose=curiosity')
        self.assertEqual((bad.status, bad.json['error']['field']), (400, 'purpose'), bad)
        bad = self.staff('hb.agent', 'GET', base + '/attachments/%d' % seq, headers={'X-Purpose': 'x' * 300})
        self.assertEqual(bad.status, 400, bad)
        # before anything is read: a file or a dossier that is not there is not looked for
        for path in (base + '/attachments/999', '/v1/orgs/HB/dossiers/999999'):
            bad = self.staff('hb.agent', 'GET', path + '?purpose=curiosity')
            self.assertEqual((bad.status, bad.json['error']['field']), (400, 'purpose'), (path, bad))
        # a file that is not there was not read
        self.assertEqual(self.staff('hb.agent', 'GET', base + '/attachments/999').status, 404)

        log = self.reads(receipt, code)
        got = [(x['by']['staff_code'], x['by']['role'], x['by']['org'], x['what'], x['purpose']) for x in log]
        self.assertEqual(got, [('HB-AGT-0002', 'agent', 'HB', 'view', 'handling'),
                               ('CC-AGT-0001', 'agent', 'CC', 'download', 'quality_review'),
                               ('HB-AGT-0002', 'agent', 'HB', 'attachment', 'handling'),
                               ('HB-AGT-0002', 'agent', 'HB', 'view', 'handling')])
        for x in log:
            self.assertEqual(x['receipt'], receipt)
            self.assertRegex(x['at'], r'^\d{4}-\d\d-\d\dT')
        # the log is in the store, as written before the answers went out
        rows = self.server.query('SELECT count(*) FROM case_reads r JOIN cases c ON c.id = r.case_id '
                                 'WHERE c.receipt = ?', receipt)
        self.assertEqual(rows[0][0], 4)

        self.assertEqual(self.customer('GET', receipt, 'WRONG-CODE', 'reads').status, 404)
        admin = self.staff('hb.admin', 'GET', '/v1/orgs/HB/reads?receipt=' + receipt)
        self.assertEqual(admin.status, 200, admin)
        self.assertEqual([x['id'] for x in admin.json['items']], [x['id'] for x in log])
        self.assertEqual(self.staff('hb.admin', 'GET', '/v1/orgs/HB/reads?receipt=NR-2026-0000001').status, 404)
        self.assertEqual(self.staff('hb.agent', 'GET', '/v1/orgs/HB/reads').status, 403)

    def test_consents_are_granted_and_withdrawn_alike(self):
        receipt, code = self.open_case(contact='010-5555-0001')
        self.assertEqual(self.customer('GET', receipt, code, 'consents').json['current'], {})
        steps = [('survey', True, '2026-11'), ('marketing', True, '2026-11'), ('survey', False, '2026-11')]
        for purpose, granted, wording in steps:
            r = self.customer('POST', receipt, code, 'consents',
                              {'purpose': purpose, 'granted': granted, 'wording_version': wording})
            self.assertEqual(r.status, 200, r)
        now = self.customer('GET', receipt, code, 'consents').json
        self.assertEqual({k: v['granted'] for k, v in now['current'].items()}, {'survey': False, 'marketing': True})
        self.assertEqual([(h['purpose'], h['granted']) for h in now['history']],
                         [('survey', True), ('marketing', True), ('survey', False)])
        self.assertTrue(all(h['wording_version'] == '2026-11' and h['at'] for h in now['history']))
        for body, field in [({'purpose': 'profiling', 'granted': True, 'wording_version': 'v1'}, 'purpose'),
                            ({'purpose': 'survey', 'wording_version': 'v1'}, 'granted'),
                            ({'purpose': 'survey', 'granted': True, 'wording_version': 'v 1'}, 'wording_version')]:
            r = self.customer('POST', receipt, code, 'consents', body)
            self.assertEqual((r.status, r.json['error']['field']), (400, field), r)
        self.assertEqual(self.customer('POST', receipt, 'WRONG-CODE', 'consents', steps and
                                       {'purpose': 'survey', 'granted': True, 'wording_version': 'v1'}).status, 404)
        # the organisation sees the current consent
        staff = self.staff('hb.agent', 'GET', '/v1/orgs/HB/cases/%s/consents' % receipt)
        self.assertEqual(staff.status, 200, staff)
        self.assertEqual({k: v['granted'] for k, v in staff.json['current'].items()},
                         {'survey': False, 'marketing': True})
        self.assertNotIn('history', staff.json)
        listed = lambda p: [x['receipt'] for x in self.staff('hb.admin', 'GET', '/v1/orgs/HB/consents?purpose=' + p)
                            .json['items']]
        self.assertIn(receipt, listed('marketing'))
        self.assertNotIn(receipt, listed('survey'))
        self.customer('POST', receipt, code, 'consents', {'purpose': 'survey', 'granted': True, 'wording_version': 'v2'})
        self.assertIn(receipt, listed('survey'))
        r = self.staff('hb.admin', 'GET', '/v1/orgs/HB/consents?purpose=nothing')
        self.assertEqual((r.status, r.json['error']['field']), (400, 'purpose'), r)

    def test_export_holds_the_case_its_read_log_and_consents(self):
        contact = '010-7777-1234'
        first, code = self.open_case(name='이수출', contact=contact, subject='첫 번째 민원')
        second, _ = self.open_case(name='이수출', contact='01077771234', subject='두 번째 민원', category='LOAN')
        other, _ = self.open_case(name='남남', contact='010-7777-9999')
        self.assertEqual(self.staff('hb.agent', 'GET', '/v1/orgs/HB/cases/' + first).status, 200)
        self.customer('POST', first, code, 'consents', {'purpose': 'survey', 'granted': True, 'wording_version': 'v1'})

        mine = self.customer('GET', first, code, 'export')
        self.assertEqual(mine.status, 200, mine)
        j = mine.json
        self.assertEqual((j['case']['receipt'], j['case']['name'], j['case']['contact']), (first, '이수출', contact))
        self.assertEqual(j['case']['events'][0]['kind'], 'opened')
        self.assertEqual([(x['by']['staff_code'], x['what']) for x in j['reads']], [('HB-AGT-0002', 'view')])
        self.assertTrue(j['consents']['current']['survey']['granted'])
        self.assertEqual(len(j['consents']['history']), 1)
        self.assertIsNone(j['case'].get('erased'))
        self.assertEqual(self.customer('GET', first, 'WRONG-CODE', 'export').status, 404)

        # the admin, given the contact in any spelling, gets every case of it in the organisation
        r = self.staff('hb.admin', 'POST', '/v1/orgs/HB/exports', {'contact': '+82 10-7777-1234'})
        self.assertEqual(r.status, 200, r)
        got = {c['case']['receipt']: c for c in r.json['cases']}
        self.assertEqual(set(got), {first, second})
        self.assertNotIn(other, got)
        self.assertEqual(got[second]['case']['subject'], '두 번째 민원')
        self.assertTrue(got[first]['consents']['current']['survey']['granted'])
        # the export is itself a read of each case, with its purpose
        self.assertEqual([(x['by']['staff_code'], x['what'], x['purpose']) for x in got[second]['reads']],
                         [('HB-ADM-0001', 'export', 'customer_request')])
        self.assertEqual([(x['what'], x['purpose']) for x in self.reads(first, code)],
                         [('view', 'handling'), ('export', 'customer_request')])
        r = self.staff('hb.admin', 'POST', '/v1/orgs/HB/exports?purpose=legal_request', {'contact': contact})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.reads(first, code)[-1]['purpose'], 'legal_request')
        for bad in ['', 'nobody', '***']:
            r = self.staff('hb.admin', 'POST', '/v1/orgs/HB/exports', {'contact': bad})
            self.assertEqual((r.status, r.json['error']['field']), (400, 'contact'), r)
        self.assertEqual(self.staff('hb.agent', 'POST', '/v1/orgs/HB/exports', {'contact': contact}).status, 403)


class Erasure(PrivacyTest):
    def test_erasure_on_request_leaves_the_chain_verifying(self):
        receipt, code = self.open_case(name='박삭제', contact='erase.me@example.kr', subject='지워 주세요')
        pdf = pdf_bytes('shared statement')
        self.assertEqual(self.customer('POST', receipt, code, 'attachments?name=a.pdf', raw=pdf).status, 201)
        # the same file on another customer's case: its bytes must stay for them
        other, other_code = self.open_case(name='최보존', contact='010-3333-4444')
        self.assertEqual(self.customer('POST', other, other_code, 'attachments?name=b.pdf', raw=pdf).status, 201)

        r = self.customer('POST', receipt, code, 'erasure')
        self.assertEqual(r.status, 409, r)    # still open: the customer accepts (or is answered) first
        self.close(receipt, code)
        before = self.customer('GET', receipt, code).json
        self.assertEqual(self.verify(receipt, code)['intact'], True)

        r = self.customer('POST', receipt, code, 'erasure')
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json['erased']['cause'], 'request')
        again = self.customer('POST', receipt, code, 'erasure')
        self.assertEqual((again.status, again.json['erased']['at']), (200, r.json['erased']['at']))

        after = self.customer('GET', receipt, code).json
        for field in ('name', 'contact', 'subject', 'text'):
            self.assertIsNone(after[field], field)
        self.assertEqual(after['erased']['cause'], 'request')
        self.assertEqual(after['attachments'], [])
        self.assertEqual([e['kind'] for e in after['events']], [e['kind'] for e in before['events']])
        self.assertEqual(after['head'], before['head'])
        for e in after['events']:
            self.assertNotIn('text', e)
            if e['kind'] in ('opened', 'message', 'attachment'):
                self.assertTrue(e.get('erased'), e)
        v = self.verify(receipt, code)
        self.assertEqual((v['intact'], v['fault'], v['events']), (True, 'intact', len(before['events'])))

        html = self.customer('GET', receipt, code, 'download?format=html').raw
        self.assertIn('삭제됨', html)
        self.assertNotIn('지워 주세요', html)
        staff = self.staff('hb.agent', 'GET', '/v1/orgs/HB/cases/' + receipt)
        self.assertEqual((staff.status, staff.json['name'], staff.json['erased']['cause']), (200, None, 'request'))
        self.assertEqual(self.customer('POST', receipt, code, 'reopen').status, 409)
        # a lost access code: the answer looks the same, but there is no contact to send to
        sent = self.server.query('SELECT count(*) FROM outbox WHERE ref = ?', receipt)[0][0]
        self.assertEqual(self.server.request('POST', '/v1/cases/%s/one-time-code' % receipt, {}).status, 202)
        self.assertEqual(self.server.query('SELECT count(*) FROM outbox WHERE ref = ?', receipt)[0][0], sent)
        self.assertEqual(self.server.query('SELECT count(*) FROM case_otps o JOIN cases c ON c.id = o.case_id '
                                           'WHERE c.receipt = ?', receipt)[0][0], 0)
        self.assertEqual(self.customer('POST', receipt, code, 'consents',
                                       {'purpose': 'survey', 'granted': True, 'wording_version': 'v1'}).status, 409)

        # behind ombud's back: nothing personal is left beside the chain
        case_id = self.server.query('SELECT id FROM cases WHERE receipt = ?', receipt)[0][0]
        self.assertEqual(self.server.query('SELECT name, contact, subject, text FROM case_personal WHERE case_id = ?',
                                           case_id), [('', '', '', '')])
        self.assertEqual(self.server.query('SELECT count(*) FROM case_texts WHERE case_id = ?', case_id)[0][0], 0)
        self.assertEqual(self.server.query('SELECT count(*) FROM case_attachments WHERE case_id = ?', case_id)[0][0], 0)
        self.assertEqual(self.server.query("SELECT count(*) FROM outbox WHERE ref = ? AND recipient <> ''",
                                           receipt)[0][0], 0)
        self.assertEqual(self.server.query('SELECT customer_key FROM protect_case_customers WHERE case_id = ?',
                                           case_id), [(0,)])
        self.assertEqual(self.server.query('SELECT count(*) FROM blobs')[0][0], 1)   # the other case still has it
        got = self.customer('GET', other, other_code, 'attachments/%d' % self.customer('GET', other, other_code)
                            .json['attachments'][0]['seq'])
        self.assertEqual(got.status, 200)

        # the admin, on a request the organisation verified; then the bytes go
        self.close(other, other_code)
        path = '/v1/orgs/HB/cases/%s/erasure' % other
        r = self.staff('hb.admin', 'POST', path, {})
        self.assertEqual((r.status, r.json['error']['field']), (400, 'verified_by'), r)
        self.assertEqual(self.staff('hb.agent', 'POST', path, {'verified_by': 'x'}).status, 403)
        r = self.staff('hb.admin', 'POST', path, {'verified_by': '2026-11-29 전화, 신분증 확인'})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json['erased']['cause'], r.json['erased']['by']), ('admin', 'HB-ADM-0001'))
        self.assertEqual(self.server.query('SELECT count(*) FROM blobs')[0][0], 0)
        self.assertTrue(self.verify(other, other_code)['intact'])
        self.assertEqual(self.customer('GET', other, other_code).json['erased']['cause'], 'admin')

    def test_retention_ends_and_the_sweep_erases(self):
        admin = lambda body: self.staff('hb.admin', 'POST', '/v1/orgs/HB/retention', body)
        for body, field in [({'default_days': 0, 'categories': {'CARD': 0}}, 'categories'),
                            ({'categories': {'NOPE': 5}}, 'categories'),
                            ({'default_days': 4000}, 'default_days'),
                            ({'categories': {'CARD': 'soon'}}, 'categories')]:
            r = admin(body)
            self.assertEqual((r.status, r.json['error']['field']), (400, field), r)
        r = admin({'default_days': 30, 'categories': {'CARD': 2}})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json['default_days'], r.json['categories'], r.json['server_default_days']),
                         (30, {'CARD': 2}, 1095))
        self.assertEqual(self.staff('hb.admin', 'GET', '/v1/orgs/HB/retention').json['categories'], {'CARD': 2})
        self.assertEqual(self.staff('hb.agent', 'GET', '/v1/orgs/HB/retention').status, 403)
        audit = [i for i in self.staff('hb.admin', 'GET', '/v1/orgs/HB/audit?limit=100').json['items']
                 if i['action'] == 'privacy.retention']
        self.assertEqual([(i['before'], i['after']) for i in audit],
                         [({'default_days': None, 'categories': {}}, {'default_days': 30, 'categories': {'CARD': 2}})])

        card, card_code = self.open_case(name='정보존', subject='카드 보존기간')
        loan, loan_code = self.open_case(name='정대출', subject='대출 보존기간', category='LOAN')
        still_open, open_code = self.open_case(name='정열림', subject='열린 민원')
        self.close(card, card_code)
        self.close(loan, loan_code)
        self.assertEqual(self.server.request('POST', '/v1/test/clock', {'advance_ms': DAY_MS}).status, 200)
        self.assertIsNone(self.customer('GET', card, card_code).json.get('erased'))   # one day of two
        self.assertEqual(self.server.request('POST', '/v1/test/clock', {'advance_ms': DAY_MS + 60000}).status, 200)
        card_now = self.customer('GET', card, card_code).json
        self.assertEqual(card_now['erased']['cause'], 'retention')
        self.assertIsNone(card_now['name'])
        v = self.verify(card, card_code)
        self.assertEqual((v['intact'], v['events']), (True, len(card_now['events'])))
        # LOAN keeps the organisation's 30 days; an open case is never due
        self.assertEqual(self.customer('GET', loan, loan_code).json['name'], '정대출')
        unfinished = self.customer('GET', still_open, open_code).json
        self.assertIn(unfinished['status'], ('open', 'answered'))
        self.assertEqual(unfinished['name'], '정열림')
        self.assertEqual(self.server.request('POST', '/v1/test/clock', {'advance_ms': 29 * DAY_MS}).status, 200)
        self.assertEqual(self.customer('GET', loan, loan_code).json['erased']['cause'], 'retention')
        self.assertTrue(self.verify(loan, loan_code)['intact'])
        erased = self.server.query("SELECT c.receipt FROM case_erasures e JOIN cases c ON c.id = e.case_id "
                                   "WHERE e.cause = 'retention'")
        self.assertIn((card,), erased)
        self.assertIn((loan,), erased)
        self.assertEqual(len(erased), len(set(erased)))   # each once, however often the sweep ran


if __name__ == '__main__':
    harness.main()
