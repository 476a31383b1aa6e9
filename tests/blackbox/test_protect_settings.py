"""Agent protection per organisation through the real binary: the admin sets
warnings, texts, the dossier's support contact and the senior handlers; a
customer with repeated confirmed incidents is routed to a senior handler and
can still open and read cases; ending a contact with nobody else available
hands the case to the queue of its level with its deadline running."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ABUSIVE = '010-5555-0101'           # the customer who keeps abusing agents
ABUSIVE_OTHER_FORM = '+82 10 5555 0101'
CALM = '010-5555-0202'
ABUSE = '야 이 멍청한 것아, 너 같은 건 잘려야 해'
THREAT = '퇴근길에 찾아가서 가만두지 않겠다'


class ProtectionSettings(harness.ServerTest):
    @classmethod
    def prepare(cls, server):
        cls.passwords = harness.demo_accounts(server)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.tok = {login: s.login(login, pw) for login, pw in cls.passwords.items()}
        cls.code = {login: s.request('GET', '/v1/me', token=t).json['staff_code'] for login, t in cls.tok.items()}

    # -- helpers --

    def open_case(self, contact, category='CARD'):
        r = self.server.request('POST', '/v1/orgs/HB/cases',
                                {'category': category, 'name': '김민원', 'contact': contact,
                                 'subject': '카드 한도', 'text': '한도가 왜 줄었는지 알려 주세요.'})
        self.assertEqual(r.status, 201, r)
        return r.json['receipt'], r.json['access_code'], r.json

    def post(self, login, path, body):
        return self.server.request('POST', path, body, token=self.tok[login])

    def get(self, login, path):
        return self.server.request('GET', path, token=self.tok[login])

    def flag(self, receipt, kind, text, login='hb.agent'):
        r = self.post(login, '/v1/orgs/HB/cases/%s/incidents' % receipt, {'kind': kind, 'text': text})
        self.assertEqual(r.status, 201, r)
        return r.json['id']

    def confirm(self, incident, login='hb.cardlead', org='HB'):
        r = self.post(login, '/v1/orgs/%s/incidents/%d/review' % (org, incident), {'decision': 'confirm'})
        self.assertEqual(r.status, 200, r)

    def mine(self, login):
        return {c['receipt'] for c in self.get(login, '/v1/orgs/HB/queue').json['items'] if c['mine']}

    def settings(self, body):
        return self.post('hb.admin', '/v1/orgs/HB/protection-settings', body)

    def outbox(self, receipt):
        msgs, after = [], 0
        while True:
            page = self.server.request('GET', '/v1/test/outbox?limit=100&after=%d' % after).json['items']
            if not page:
                return [m for m in msgs if m['ref'] == receipt]
            msgs += page
            after = page[-1]['id']

    # -- the settings route --

    def test_1_settings_are_checked_and_only_the_admin_changes_them(self):
        defaults = self.get('hb.cardlead', '/v1/orgs/HB/protection-settings')
        self.assertEqual(defaults.status, 200, defaults)
        self.assertEqual(defaults.json['warnings_required'],
                         {'verbal_abuse': 1, 'threat': 0, 'sexual_harassment': 0, 'assault': 0})
        self.assertEqual((defaults.json['senior_after_confirmed'], defaults.json['senior_period_days']), (2, 365))
        self.assertEqual(defaults.json['senior_handlers'], [])
        self.assertIn('녹음', defaults.json['warning_in_effect']['ko'])
        for body, field in (({'warnings_required': {'threat': 11}}, 'warnings_required'),
                            ({'warnings_required': {'shouting': 1}}, 'warnings_required'),
                            ({'senior_after_confirmed': 0}, 'senior_after_confirmed'),
                            ({'senior_period_days': 0}, 'senior_period_days'),
                            ({'warning_ko': ''}, 'warning_ko'),
                            ({'support_contact': 'x' * 201}, 'support_contact'),
                            ({'senior_handlers': ['HB-NOBODY']}, 'senior_handlers'),
                            ({'senior_handlers': [self.code['cc.super']]}, 'senior_handlers'),   # another org
                            ({'senior_handlers': [self.code['hb.admin']]}, 'senior_handlers')):  # not a handler
            with self.subTest(body=body):
                r = self.settings(body)
                self.assertEqual(r.status, 400, r)
                self.assertEqual(r.json['error']['field'], field, r)
        self.assertEqual(self.post('hb.cardlead', '/v1/orgs/HB/protection-settings', {}).status, 403)
        self.assertEqual(self.post('cc.super', '/v1/orgs/HB/protection-settings', {}).status, 403)
        self.assertEqual(self.get('hb.agent', '/v1/orgs/HB/protection-settings').status, 403)
        # nothing of a refused request was kept
        self.assertEqual(self.get('hb.cardlead', '/v1/orgs/HB/protection-settings').json, defaults.json)

    # -- warnings, texts and the support contact of the organisation --

    def test_2_warnings_texts_and_support_contact_are_the_organisations(self):
        r = self.settings({'warnings_required': {'verbal_abuse': 2},
                           'warning_ko': '한빛은행 안내: 이 상담은 녹음되며 폭언 시 법적 조치될 수 있습니다.',
                           'warning_en': 'Hanbit Bank: this call is recorded; abuse may be reported.',
                           'support_contact': '한빛은행 법무지원팀 02-123-4567'})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json['warnings_required']['verbal_abuse'], 2)
        self.assertEqual(r.json['warnings_required']['threat'], 0)      # left out: the default
        receipt, _, _ = self.open_case(CALM)
        incident = self.flag(receipt, 'verbal_abuse', ABUSE)
        first = self.post('hb.agent', '/v1/orgs/HB/cases/%s/warnings' % receipt, {})
        self.assertEqual((first.json['warnings_given'], first.json['warnings_required'], first.json['may_end']),
                         (1, 2, False))
        self.assertEqual(self.post('hb.agent', '/v1/orgs/HB/cases/%s/end-contact' % receipt, {}).status, 409)
        second = self.post('hb.agent', '/v1/orgs/HB/cases/%s/warnings' % receipt, {})
        self.assertTrue(second.json['may_end'], second)
        sent = [m['body'] for m in self.outbox(receipt) if '녹음' in m['body']]
        self.assertEqual(len(sent), 2)
        self.assertIn('한빛은행 안내', sent[0])
        self.assertIn('Hanbit Bank: this call is recorded', sent[0])
        ended = self.post('hb.agent', '/v1/orgs/HB/cases/%s/end-contact' % receipt, {})
        self.assertEqual(ended.status, 200, ended)
        self.confirm(incident)
        made = self.post('hb.agent', '/v1/orgs/HB/dossiers', {'receipt': receipt})
        self.assertEqual(made.status, 201, made)
        doc = self.get('hb.agent', '/v1/orgs/HB/dossiers/%d' % made.json['id']).json
        head = [s for s in doc['sections'] if s['key'] == 'dossier'][0]['fields']
        self.assertEqual(head['support_contact'], '한빛은행 법무지원팀 02-123-4567')
        rows = [s for s in doc['sections'] if s['key'] == 'incidents'][0]['rows']
        self.assertEqual((rows[0]['text'], rows[0]['warnings']), (ABUSE, '2'))
        self.assertEqual(len(rows[0]['warned_at'].split(', ')), 2)
        self.assertEqual([s['key'] for s in doc['sections']], ['dossier', 'incidents'])   # one rendering
        # a vendor agent on the bank's case: the vendor (their employer) sets the
        # warnings, still one for verbal abuse; the bank's text goes to the customer
        receipt, _, _ = self.open_case(CALM)
        self.flag(receipt, 'verbal_abuse', ABUSE, login='cc.agent')
        warned = self.post('cc.agent', '/v1/orgs/HB/cases/%s/warnings' % receipt, {})
        self.assertEqual((warned.json['warnings_required'], warned.json['may_end']), (1, True))
        self.assertIn('한빛은행 안내', self.outbox(receipt)[-1]['body'])
        self.assertEqual(self.settings({}).status, 200)     # back to the defaults for the other stories

    # -- the senior handler --

    def test_3_repeated_confirmed_incidents_route_to_a_senior_handler(self):
        senior = self.code['hb.cardlead']
        r = self.settings({'senior_handlers': [senior], 'senior_after_confirmed': 2, 'senior_period_days': 30})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json['senior_handlers'], [senior])
        first, _, _ = self.open_case(ABUSIVE)
        second, _, _ = self.open_case(ABUSIVE_OTHER_FORM)   # the same customer, another form of the number
        calm, _, _ = self.open_case(CALM)
        self.confirm(self.flag(first, 'verbal_abuse', ABUSE))
        self.assertFalse({first, second} & self.mine('hb.cardlead'))        # one confirmed: not yet
        pending = self.flag(second, 'threat', THREAT)
        self.assertFalse({first, second} & self.mine('hb.cardlead'))        # pending does not count
        self.confirm(pending)
        routed = self.mine('hb.cardlead')
        self.assertIn(first, routed)
        self.assertIn(second, routed)
        self.assertNotIn(calm, routed)
        case = self.get('hb.card', '/v1/orgs/HB/cases/' + second).json
        assigned = [e for e in case['events'] if e['kind'] == 'assigned']
        self.assertEqual(assigned[-1]['actor']['role'], 'system', assigned)
        # a new case of that customer goes to the senior at once, and the
        # customer files, reads and writes as anyone else
        new, access, opened = self.open_case(ABUSIVE)
        self.assertEqual(opened['status'], 'open')
        self.assertIn(new, self.mine('hb.cardlead'))
        mine = self.server.request('GET', '/v1/cases/' + new, headers={'X-Access-Code': access})
        self.assertEqual(mine.status, 200, mine)
        wrote = self.server.request('POST', '/v1/cases/%s/messages' % new, {'text': '언제 답변 주시나요?'},
                                    headers={'X-Access-Code': access})
        self.assertEqual(wrote.status, 200, wrote)
        self.assertEqual(self.server.request('POST', '/v1/cases/%s/demand' % new, {},
                                             headers={'X-Access-Code': access}).status, 200)
        # the senior answers it
        reply = self.post('hb.cardlead', '/v1/orgs/HB/cases/%s/replies' % new,
                          {'text': '고객님, 한도 조정 사유와 상향 신청 방법을 안내드립니다.'})
        self.assertEqual(reply.status, 200, reply)
        # the customer is known by a keyed hash, never by the number
        keys = [k for (k,) in self.server.query('SELECT customer_key FROM protect_case_customers')]
        columns = self.server.columns('protect_incidents')
        self.assertTrue(keys)
        self.assertNotIn(821055550101, keys)
        self.assertFalse([k for k in keys if '55550101' in str(k)])
        self.assertNotIn('customer_key', columns)

    # -- ending with nobody to take over --

    def test_4_ending_with_nobody_available_hands_to_the_queue(self):
        self.assertEqual(self.settings({}).status, 200)
        receipt, _, opened = self.open_case(CALM, category='CENTER')     # about the center: straight to L4
        self.assertEqual(opened['level'], 'L4')
        due = opened['deadlines']['answer']['due']
        # the only complaints officer is hb.cpo: nobody else stands at L4 or above
        self.flag(receipt, 'sexual_harassment', '목소리가 섹시하네, 오늘 밤에 만나자', login='hb.cpo')
        before = self.server.request('GET', '/v1/orgs/HB/protection-figures').json['contacts_ended']
        ended = self.post('hb.cpo', '/v1/orgs/HB/cases/%s/end-contact' % receipt, {})
        self.assertEqual(ended.status, 200, ended)
        self.assertEqual(ended.json['handed_over_to'], {'staff_code': None, 'level': 'L4', 'queue': True})
        case = self.get('hb.cpo', '/v1/orgs/HB/cases/' + receipt).json
        self.assertEqual(case['status'], 'open')
        self.assertEqual(case['level'], 'L4')
        self.assertEqual(case['deadlines']['answer']['due'], due)         # the clock keeps running
        self.assertEqual([e['kind'] for e in case['events']][-1], 'assigned')
        queue = {c['receipt']: c for c in self.get('hb.admin', '/v1/orgs/HB/queue').json['items']}
        self.assertIn(receipt, queue)
        after = self.server.request('GET', '/v1/orgs/HB/protection-figures').json['contacts_ended']
        self.assertEqual(after, before + 1)
        # everyone else on a break: an L1 case goes to the queue too, not to someone resting
        receipt, _, _ = self.open_case(CALM)
        for login in ('hb.card', 'hb.cardlead', 'hb.cpo'):
            self.assertEqual(self.post('hb.cardlead', '/v1/orgs/HB/breaks',
                                       {'agent': self.code[login], 'minutes': 30}).status, 201)
        for login in ('cc.agent', 'cc.super'):
            self.assertEqual(self.post('cc.super', '/v1/orgs/CC/breaks',
                                       {'agent': self.code[login], 'minutes': 30}).status, 201)
        self.flag(receipt, 'threat', THREAT)
        ended = self.post('hb.agent', '/v1/orgs/HB/cases/%s/end-contact' % receipt, {})
        self.assertEqual(ended.status, 200, ended)
        self.assertEqual(ended.json['handed_over_to']['queue'], True)
        self.assertEqual(ended.json['handed_over_to']['level'], 'L1')


if __name__ == '__main__':
    harness.main()
