"""Administration through the real binary: an organisation set up from nothing
(the command line makes it and its first admin, the API everything else), the
desk stories on it, staff leaving, key rotation and the audit trail."""
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

HOUR_MS = 3600 * 1000
PW = 'correct-horse-battery'


def at(iso):
    return datetime.datetime.fromisoformat(iso.replace('Z', '+00:00'))


class Admin(harness.ServerTest):
    @classmethod
    def prepare(cls, server):
        for code, kind, name, admin in (('ACME', 'company', '에이크미은행', 'acme.admin'),
                                        ('CALL', 'vendor', '콜상담', 'call.admin')):
            out = server.cli('org', 'add', '--code', code, '--kind', kind, '--name', name, '--admin', admin,
                             '--password-stdin', stdin=PW + '\n').stdout
            assert 'created organisation %s' % code in out, out

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.codes = {}
        cls.setup_from_nothing()

    # -- helpers --

    @classmethod
    def call(cls, login, method, path, body=None, expect=None):
        r = cls.server.request(method, path, body, token=cls.server.login(login, PW))
        if expect is not None:
            assert r.status == expect, (method, path, r)
        return r

    @classmethod
    def add_staff(cls, org, admin, login, role, dept=None):
        body = {'login': login, 'password': PW, 'role': role}
        if dept:
            body['dept'] = dept
        r = cls.call(admin, 'POST', '/v1/orgs/%s/staff' % org, body, 201)
        cls.codes[login] = r.json['staff_code']
        return r.json['staff_code']

    @classmethod
    def setup_from_nothing(cls):
        a = 'acme.admin'
        for dept in ({'code': 'CARD', 'name': '카드부', 'contact_line': '02-100-1000', 'manager_title': '카드부장'},
                     {'code': 'LOAN', 'name': '여신부'},
                     {'code': 'CPO', 'name': '소비자보호부', 'manager_title': '소비자보호책임자'}):
            cls.call(a, 'POST', '/v1/orgs/ACME/departments', dept, 201)
        for cat in ({'code': 'CARD', 'name': '카드', 'dept': 'CARD'},
                    {'code': 'LOAN', 'name': '대출', 'dept': 'CARD'},
                    {'code': 'CENTER', 'name': '상담 불만', 'dept': 'CPO', 'about_center': True}):
            cls.call(a, 'POST', '/v1/orgs/ACME/categories', cat, 201)
        cls.add_staff('ACME', a, 'acme.card', 'practitioner', 'CARD')
        cls.add_staff('ACME', a, 'acme.lead', 'manager', 'CARD')
        cls.add_staff('ACME', a, 'acme.cpo', 'agent', 'CPO')
        cls.add_staff('CALL', 'call.admin', 'call.one', 'agent')
        cls.add_staff('CALL', 'call.admin', 'call.two', 'agent')
        cls.call(a, 'PUT', '/v1/orgs/ACME/vendor-contracts/CALL',
                 {'categories': ['CARD', 'CENTER'], 'agents': [cls.codes['call.one']]}, 200)
        cls.call(a, 'PUT', '/v1/orgs/ACME/desk-settings',
                 {'first_answer_hours': 2, 'responsible_contact_hours': 3,
                  'level_answer_hours': {'L2': 5, 'L3': 7, 'L4': 9}, 'final_answer_days': 10,
                  'business_hours': False, 'holidays': [{'date': '2026-12-25', 'name': '성탄절'}]}, 200)
        cls.call(a, 'POST', '/v1/orgs/ACME/referral-options', {'name': '금융감독원', 'contact': '1332'}, 201)
        # the complaints office: a staff member given the role complaints
        cls.call(a, 'PATCH', '/v1/orgs/ACME/staff/' + cls.codes['acme.cpo'], {'role': 'complaints'}, 200)

    def open_case(self, category='CARD', text='카드 결제가 두 번 되었습니다.'):
        r = self.server.request('POST', '/v1/orgs/ACME/cases',
                                {'category': category, 'name': '김고객', 'contact': '010-2222-3333',
                                 'subject': '결제 오류', 'text': text})
        self.assertEqual(r.status, 201, r)
        return r.json['receipt'], r.json['access_code'], r.json

    def customer(self, method, receipt, code, action='', body=None):
        path = '/v1/cases/%s%s' % (receipt, '/' + action if action else '')
        return self.server.request(method, path, body if body is not None else ({} if method == 'POST' else None),
                                   headers={'X-Access-Code': code})

    def staff(self, login, receipt, action='', body=None, method=None):
        method = method or ('POST' if action and action not in ('verify',) else 'GET')
        return self.call(login, method, '/v1/orgs/ACME/cases/%s%s' % (receipt, '/' + action if action else ''),
                         body if method == 'POST' else None)

    def advance(self, ms):
        r = self.server.request('POST', '/v1/test/clock', {'advance_ms': ms})
        self.assertEqual(r.status, 200, r)

    def audit(self, action=None):
        items, after = [], 0
        while True:
            page = self.call('acme.admin', 'GET', '/v1/orgs/ACME/audit?limit=100&after=%d' % after, expect=200)
            items += page.json['items']
            if page.json['next_after'] is None:
                break
            after = page.json['next_after']
        return [i for i in items if action is None or i['action'] == action]

    # -- the set-up --

    def test_setup_from_nothing_is_in_place(self):
        depts = self.server.request('GET', '/v1/orgs/ACME/departments').json['items']
        self.assertEqual([d['code'] for d in depts], ['CARD', 'LOAN', 'CPO'])
        cats = {c['code']: c for c in self.server.request('GET', '/v1/orgs/ACME/categories').json['items']}
        self.assertEqual(cats['CENTER']['dept'], 'CPO')
        contracts = self.call('acme.admin', 'GET', '/v1/orgs/ACME/vendor-contracts', expect=200).json['items']
        self.assertEqual(contracts, [{'vendor': 'CALL', 'categories': ['CARD', 'CENTER'],
                                      'agents': [self.codes['call.one']]}])
        desk = self.call('acme.admin', 'GET', '/v1/orgs/ACME/desk-settings', expect=200).json
        self.assertTrue(desk['own'])
        self.assertEqual(desk['level_answer_hours'], {'L2': 5, 'L3': 7, 'L4': 9})
        self.assertEqual(desk['holidays'], [{'date': '2026-12-25', 'name': '성탄절'}])
        me = self.call('call.one', 'GET', '/v1/me', expect=200).json
        self.assertEqual(me['acts_for'], ['ACME'])
        # admin routes are the admin's, of their own organisation
        self.call('acme.card', 'GET', '/v1/orgs/ACME/audit', expect=403)
        self.call('call.admin', 'GET', '/v1/orgs/ACME/audit', expect=403)
        self.call('call.admin', 'PUT', '/v1/orgs/ACME/desk-settings', {'first_answer_hours': 1}, 403)

    def test_bad_input_names_the_field(self):
        a = 'acme.admin'
        r = self.call(a, 'PUT', '/v1/orgs/ACME/desk-settings', {'week': ['09:00-18:00'] * 6})
        self.assertEqual((r.status, r.json['error']['field']), (400, 'week'), r)
        r = self.call(a, 'PUT', '/v1/orgs/ACME/desk-settings', {'holidays': [{'date': '2026-02-30'}]})
        self.assertEqual((r.status, r.json['error']['field']), (400, 'deadlines'), r)
        r = self.call(a, 'PUT', '/v1/orgs/ACME/vendor-contracts/CALL', {'categories': ['NOPE'], 'agents': 'all'})
        self.assertEqual((r.status, r.json['error']['field']), (400, 'categories'), r)
        r = self.call(a, 'PUT', '/v1/orgs/ACME/vendor-contracts/CALL', {'categories': 'all', 'agents': ['ACME-AGT-1']})
        self.assertEqual((r.status, r.json['error']['field']), (400, 'agents'), r)
        r = self.call(a, 'PUT', '/v1/orgs/ACME/vendor-contracts/ACME', {'categories': 'all', 'agents': 'all'})
        self.assertEqual((r.status, r.json['error']['field']), (400, 'vendor'), r)
        r = self.call(a, 'PATCH', '/v1/orgs/ACME/staff/' + self.codes['acme.card'], {'role': 'supervisor'})
        self.assertEqual((r.status, r.json['error']['field']), (400, 'role'), r)
        r = self.call(a, 'PATCH', '/v1/orgs/ACME/categories/CARD', {'dept': 'NONE'})
        self.assertEqual((r.status, r.json['error']['field']), (400, 'dept'), r)
        self.assertEqual(self.call(a, 'PATCH', '/v1/orgs/ACME/departments/NONE', {'name': 'x'}).status, 404)
        # nothing half-written: the contract is as it was
        contracts = self.call(a, 'GET', '/v1/orgs/ACME/vendor-contracts', expect=200).json['items']
        self.assertEqual(contracts[0]['agents'], [self.codes['call.one']])

    # -- the desk on it --

    def test_deadlines_come_from_the_organisation(self):
        receipt, code, case = self.open_case()
        opened = at(case['events'][0]['at'])
        self.assertEqual(at(case['deadlines']['answer']['due']) - opened, datetime.timedelta(hours=2))
        self.assertEqual(at(case['deadlines']['final']['due']) - opened, datetime.timedelta(days=10))
        demanded = self.customer('POST', receipt, code, 'demand').json
        self.assertEqual(demanded['deadlines']['answer']['kind'], 'responsible_contact')
        due = at(demanded['deadlines']['answer']['due'])
        self.assertEqual(due - opened, datetime.timedelta(hours=2))  # never later than the running one
        receipt, code, _ = self.open_case()
        self.staff('call.one', receipt, 'replies', {'text': '확인 중입니다. 잠시만 기다려 주십시오.'})
        demanded = self.customer('POST', receipt, code, 'demand').json
        due = at(demanded['deadlines']['answer']['due'])
        self.assertEqual(due - at(demanded['events'][-1]['at']), datetime.timedelta(hours=3))

    def test_desk_stories_run_on_the_new_organisation(self):
        receipt, code, _ = self.open_case()
        reply = self.staff('call.one', receipt, 'replies', {'text': '확인 중입니다. 잠시만 기다려 주십시오.'})
        self.assertEqual(reply.status, 200, reply)
        actor = reply.json['events'][-1]['actor']
        self.assertEqual((actor['org'], actor['role']), ('CALL', 'agent'))
        self.assertEqual(actor['staff_code'], self.codes['call.one'])
        disputed = self.customer('POST', receipt, code, 'dispute', {'text': '아직 해결되지 않았습니다.'})
        self.assertEqual(disputed.status, 200, disputed)
        self.assertEqual(disputed.json['level'], 'L2')
        self.assertEqual(self.customer('POST', receipt, code, 'demand').status, 200)
        self.advance(3 * HOUR_MS + 60000)         # the responsible person's 3 hours pass
        case = self.customer('GET', receipt, code).json
        self.assertEqual(case['level'], 'L3')
        self.assertIn('deadline_missed', [e['kind'] for e in case['events']])
        self.advance(7 * HOUR_MS + 60000)         # L3's 7 hours pass
        self.assertEqual(self.customer('GET', receipt, code).json['level'], 'L4')
        queue = self.call('acme.cpo', 'GET', '/v1/orgs/ACME/queue?limit=100', expect=200).json['items']
        self.assertIn(receipt, [q['receipt'] for q in queue])

    def test_complaint_about_the_center_lands_at_l4_and_the_vendor_cannot_close(self):
        receipt, code, case = self.open_case('CENTER', '상담원이 불친절했습니다.')
        self.assertEqual(case['level'], 'L4')
        self.assertEqual(self.staff('call.one', receipt).status, 200)  # the contract covers CENTER
        r = self.staff('call.one', receipt, 'close', {})
        self.assertEqual(r.status, 403, r)
        self.assertEqual(self.customer('GET', receipt, code).json['status'], 'open')

    def test_vendor_agent_outside_the_contract_gets_403(self):
        card, _, _ = self.open_case('CARD')
        loan, _, _ = self.open_case('LOAN', '대출 금리 문의입니다.')
        self.assertEqual(self.staff('call.one', card).status, 200)
        self.assertEqual(self.staff('call.one', loan).status, 403)           # category not in the contract
        r = self.staff('call.one', loan, 'replies', {'text': '답변드립니다.'})
        self.assertEqual(r.status, 403, r)
        self.assertEqual(self.staff('call.two', card).status, 403)           # agent not listed
        self.assertEqual(self.call('call.two', 'GET', '/v1/orgs/ACME/queue').status, 403)
        self.assertEqual(self.call('call.two', 'GET', '/v1/me', expect=200).json['acts_for'], [])
        self.assertEqual(self.call('call.two', 'GET', '/v1/orgs/ACME/templates').status, 403)
        queue = self.call('call.one', 'GET', '/v1/orgs/ACME/queue?limit=100', expect=200).json['items']
        self.assertIn(card, [q['receipt'] for q in queue])
        self.assertNotIn(loan, [q['receipt'] for q in queue])
        r = self.call('call.one', 'POST', '/v1/orgs/ACME/intake',
                      {'category': 'LOAN', 'name': '김고객', 'contact': '010-2222-3333', 'subject': '대출',
                       'text': '전화 문의', 'channel': 'phone'})
        self.assertEqual(r.status, 403, r)
        r = self.staff('acme.card', card, 'assign', {'assignee': self.codes['call.two']})
        self.assertIn(r.status, (400, 403), r)  # no hand-over to a vendor agent outside the contract
        events = self.staff('acme.card', card).json['events']
        self.assertNotIn('assigned', [e['kind'] for e in events])

    # -- staff leaving --

    def test_a_leaver_token_and_key_stop_at_once_and_their_answers_keep_their_codes(self):
        a = 'acme.admin'
        temp = self.add_staff('ACME', a, 'acme.temp', 'agent', 'CARD')
        second = self.add_staff('ACME', a, 'acme.second', 'admin')
        token = self.server.login('acme.temp', PW)
        receipt, code, _ = self.open_case()
        r = self.server.request('POST', '/v1/orgs/ACME/cases/%s/replies' % receipt,
                                {'text': '카드사에 취소를 요청했습니다.'}, token=token)
        self.assertEqual(r.status, 200, r)
        key = self.call('acme.second', 'POST', '/v1/orgs/ACME/api-keys',
                        {'name': 'dialer', 'scopes': 'tm.disclose'}, 201).json['key']
        self.assertEqual(self.server.request('GET', '/v1/me', token=key).status, 200)   # now in the key cache
        self.assertEqual(self.server.request('GET', '/v1/me', token=token).status, 200)
        left = self.call(a, 'POST', '/v1/orgs/ACME/staff/%s/leave' % temp, {}, 200).json
        self.assertFalse(left['active'])
        self.assertGreaterEqual(left['sessions_ended'], 1)
        self.assertEqual(self.server.request('GET', '/v1/me', token=token).status, 401)
        self.assertEqual(self.server.request('POST', '/v1/auth/login',
                                             {'login': 'acme.temp', 'password': PW}).status, 401)
        gone = self.call(a, 'POST', '/v1/orgs/ACME/staff/%s/leave' % second, {}, 200).json
        self.assertEqual(gone['api_keys_revoked'], 1)
        self.assertEqual(self.server.request('GET', '/v1/me', token=key).status, 401)   # the very next request
        answer = [e for e in self.customer('GET', receipt, code).json['events'] if e['kind'] == 'message'][-1]
        self.assertEqual(answer['actor'], {'role': 'agent', 'org': 'ACME', 'dept': 'CARD', 'staff_code': temp})
        again = self.call(a, 'POST', '/v1/orgs/ACME/staff/%s/leave' % temp, {})
        self.assertEqual(again.status, 409, again)
        own = self.call(a, 'GET', '/v1/me', expect=200).json['staff_code']
        self.assertEqual(self.call(a, 'POST', '/v1/orgs/ACME/staff/%s/leave' % own, {}).status, 409)

    # -- the signing key --

    def test_rotation_keeps_old_heads_verifiable_and_tampering_still_shows(self):
        receipt, code, case = self.open_case()
        first_key = case['head']['key_id']
        rotated = self.call('acme.admin', 'POST', '/v1/orgs/ACME/keys/rotate', {}, 200).json
        self.assertNotEqual(rotated['id'], first_key)
        self.assertRegex(rotated['public_key'], r'^[0-9a-f]{64}$')
        after = self.customer('POST', receipt, code, 'messages', {'text': '추가로 문의드립니다.'}).json
        self.assertEqual(after['head']['key_id'], rotated['id'])
        self.assertEqual(after['head']['public_key'], rotated['public_key'])
        ok = self.customer('GET', receipt, code, 'verify').json
        self.assertTrue(ok['intact'], ok)
        self.assertGreaterEqual(ok['signed_heads'], 2)
        heads = self.server.request('GET', '/v1/orgs/ACME/heads?day=' + after['head']['signed_at'][:10]).json
        keys = {k['id']: k for k in heads['keys']}
        self.assertIn(first_key, keys)
        self.assertIsNotNone(keys[first_key]['valid_until'])
        self.assertIsNone(keys[rotated['id']]['valid_until'])
        self.assertEqual(heads['public_key'], rotated['public_key'])
        self.assertIn(rotated['id'], [h['key_id'] for h in heads['heads'] if h['receipt'] == receipt])
        # a head claimed by the other key is forged
        self.server.sql('UPDATE case_heads SET key_id = ? WHERE seq = 0 AND case_id = '
                        '(SELECT id FROM cases WHERE receipt = ?)', rotated['id'], receipt)
        forged = self.customer('GET', receipt, code, 'verify').json
        self.assertEqual((forged['intact'], forged['fault']), (False, 'head_forged'), forged)
        self.server.sql('UPDATE case_heads SET key_id = ? WHERE seq = 0 AND case_id = '
                        '(SELECT id FROM cases WHERE receipt = ?)', first_key, receipt)
        self.assertTrue(self.customer('GET', receipt, code, 'verify').json['intact'])
        self.server.sql("UPDATE case_events SET detail = 'edited' WHERE seq = 0 AND case_id = "
                        "(SELECT id FROM cases WHERE receipt = ?)", receipt)
        bad = self.customer('GET', receipt, code, 'verify').json
        self.assertEqual((bad['intact'], bad['fault']), (False, 'event_altered'), bad)

    # -- the audit trail --

    def test_the_audit_shows_before_and_after_of_each_change(self):
        a = 'acme.admin'
        self.call(a, 'PATCH', '/v1/orgs/ACME/departments/LOAN', {'name': '여신관리부', 'contact_line': '02-100-2000'},
                  200)
        self.call(a, 'PATCH', '/v1/orgs/ACME/categories/LOAN', {'dept': 'LOAN'}, 200)
        cats = {c['code']: c for c in self.server.request('GET', '/v1/orgs/ACME/categories').json['items']}
        self.assertEqual(cats['LOAN']['dept'], 'LOAN')
        self.call(a, 'PATCH', '/v1/orgs/ACME/staff/' + self.codes['acme.lead'], {'dept': 'LOAN'}, 200)
        admin_code = self.call(a, 'GET', '/v1/me', expect=200).json['staff_code']
        dept = self.audit('dept.update')[-1]
        self.assertEqual(dept['by'], admin_code)
        self.assertEqual(dept['target'], 'LOAN')
        self.assertEqual((dept['before']['name'], dept['after']['name']), ('여신부', '여신관리부'))
        self.assertEqual((dept['before']['contact_line'], dept['after']['contact_line']), ('', '02-100-2000'))
        cat = self.audit('category.update')[-1]
        self.assertEqual((cat['before']['dept'], cat['after']['dept']), ('CARD', 'LOAN'))
        staff = [e for e in self.audit('staff.update') if e['target'] == self.codes['acme.lead']][-1]
        self.assertEqual((staff['before']['dept'], staff['after']['dept']), ('CARD', 'LOAN'))
        cpo = [e for e in self.audit('staff.update') if e['target'] == self.codes['acme.cpo']][0]
        self.assertEqual((cpo['before']['role'], cpo['after']['role']), ('agent', 'complaints'))
        contract = self.audit('contract.put')[0]
        self.assertIsNone(contract['before'])
        self.assertEqual(contract['after']['agents'], [self.codes['call.one']])
        desk = self.audit('desk.settings')[0]
        self.assertFalse(desk['before']['own'])
        self.assertEqual(desk['after']['first_answer_hours'], 2)
        created = [e['action'] for e in self.audit()]
        for action in ('org.create', 'staff.create', 'dept.create', 'category.create', 'referral.create'):
            self.assertIn(action, created)
        self.assertEqual(self.audit('org.create')[0]['by'], 'operator')
        self.assertTrue(all(e['at'] for e in self.audit()))

    def test_a_retired_template_is_not_offered_but_still_recognised(self):
        a = 'acme.admin'
        body = '고객님의 문의 내용을 확인하고 있습니다. 처리 결과는 확인되는 대로 다시 안내해 드리겠습니다.'
        t = self.call(a, 'POST', '/v1/orgs/ACME/templates', {'title': '확인 중 안내', 'body': body}, 201).json
        listed = lambda: [i['id'] for i in self.call('acme.card', 'GET', '/v1/orgs/ACME/templates', expect=200).json['items']]
        self.assertIn(t['id'], listed())
        self.call('acme.card', 'POST', '/v1/orgs/ACME/templates/%d/retire' % t['id'], {}, 403)
        r = self.call(a, 'POST', '/v1/orgs/ACME/templates/%d/retire' % t['id'], {}, 200)
        self.assertEqual((r.json['id'], r.json['retired']), (t['id'], True))
        self.assertEqual(self.call(a, 'POST', '/v1/orgs/ACME/templates/%d/retire' % t['id'], {}, 404)
                         .json['error']['field'], 'id')
        self.assertNotIn(t['id'], listed())
        # typed out by hand, the retired template is still a canned answer
        receipt, _, _ = self.open_case()
        draft = self.staff('acme.card', receipt, 'draft-check', {'text': body})
        self.assertEqual((draft.status, draft.json['reply_class']), (200, 'template'), draft)
        retired = self.audit('template.retire')
        self.assertEqual([(e['target'], e['before']['body'], e['after']) for e in retired], [(str(t['id']), body, None)])

    def test_a_retired_referral_option_is_no_longer_listed(self):
        a = 'acme.admin'
        options = lambda: [(i['name'], i['contact'])
                           for i in self.server.request('GET', '/v1/orgs/ACME/referral-options').json['items']]
        o = self.call(a, 'POST', '/v1/orgs/ACME/referral-options', {'name': '한국소비자원', 'contact': '1372'}, 201).json
        self.assertEqual(options(), [('금융감독원', '1332'), ('한국소비자원', '1372')])
        self.call(a, 'POST', '/v1/orgs/ACME/referral-options/%d/retire' % o['id'], {}, 200)
        self.assertEqual(options(), [('금융감독원', '1332')])
        self.call(a, 'POST', '/v1/orgs/ACME/referral-options/%d/retire' % o['id'], {}, 404)
        self.assertEqual([e['before']['contact'] for e in self.audit('referral.retire')], ['1372'])


if __name__ == '__main__':
    harness.main()
