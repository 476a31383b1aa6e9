"""Agent protection through the real binary: an agent flags abuse, a manager
confirms, the agent warns and ends the contact, the case goes on with another
handler and meets its deadline; the dossier carries the exact words and only
the agent and their manager may fetch it."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ABUSE = '야 이 멍청한 것아, 너 같은 건 잘려야 해. 당장 죽여버리고 싶네'
CONTACT = '010-3456-7890'


class Protection(harness.ServerTest):
    @classmethod
    def prepare(cls, server):
        cls.passwords = harness.demo_accounts(server)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.tok = {login: s.login(login, pw) for login, pw in cls.passwords.items()}
        cls.code = {login: s.request('GET', '/v1/me', token=t).json['staff_code'] for login, t in cls.tok.items()}
        cls.login_of = {code: login for login, code in cls.code.items()}

    # -- helpers --

    def open_case(self):
        r = self.server.request('POST', '/v1/orgs/HB/cases',
                                {'category': 'CARD', 'name': '김민원', 'contact': CONTACT,
                                 'subject': '카드 한도', 'text': '한도가 왜 줄었는지 알려 주세요.'})
        self.assertEqual(r.status, 201, r)
        return r.json['receipt'], r.json['access_code'], r.json

    def post(self, login, path, body):
        return self.server.request('POST', path, body, token=self.tok[login])

    def get(self, login, path):
        return self.server.request('GET', path, token=self.tok[login])

    def flag(self, receipt, kind, text, login='hb.agent'):
        return self.post(login, '/v1/orgs/HB/cases/%s/incidents' % receipt, {'kind': kind, 'text': text})

    def outbox(self):
        msgs, after = [], 0
        while True:
            page = self.server.request('GET', '/v1/test/outbox?limit=100&after=%d' % after).json['items']
            if not page:
                return msgs
            msgs += page
            after = page[-1]['id']

    # -- stories --

    def test_demand_or_dispute_is_never_an_incident(self):
        receipt, _, _ = self.open_case()
        for text in ('책임자 바꿔 주세요', '담당자 연결해주세요!', 'I want to speak to the manager',
                     '답변에 이의 제기합니다.', "I don't accept this answer. Put me through to the person in charge."):
            r = self.flag(receipt, 'verbal_abuse', text)
            with self.subTest(text=text):
                self.assertEqual(r.status, 400, r)
                self.assertEqual(r.json['error']['field'], 'text')
        r = self.flag(receipt, 'demand_for_manager', '책임자 바꿔 주세요')
        self.assertEqual((r.status, r.json['error']['field']), (400, 'kind'))
        self.assertEqual(self.get('hb.cardlead', '/v1/orgs/HB/incidents?status=pending').json['items'], [])

    def test_abuse_warning_end_handover_deadline_and_dossier(self):
        receipt, access, opened = self.open_case()
        due = opened['deadlines']['answer']['due']
        flagged = self.flag(receipt, 'verbal_abuse', ABUSE)
        self.assertEqual(flagged.status, 201, flagged)
        self.assertEqual(flagged.json['status'], 'pending')
        incident = flagged.json['id']
        early = self.post('hb.agent', '/v1/orgs/HB/cases/%s/end-contact' % receipt, {})
        self.assertEqual(early.status, 409, early)          # a warning is due first for verbal abuse
        self.assertEqual(self.post('hb.agent', '/v1/orgs/HB/incidents/%d/review' % incident,
                                   {'decision': 'confirm'}).status, 403)   # agents do not review
        confirmed = self.post('hb.cardlead', '/v1/orgs/HB/incidents/%d/review' % incident, {'decision': 'confirm'})
        self.assertEqual(confirmed.status, 200, confirmed)
        self.assertEqual(confirmed.json['status'], 'confirmed')
        self.assertEqual(confirmed.json['reviewed']['by'], self.code['hb.cardlead'])
        again = self.post('hb.cardlead', '/v1/orgs/HB/incidents/%d/review' % incident, {'decision': 'reject'})
        self.assertEqual(again.status, 409, again)
        listed = self.get('hb.cardlead', '/v1/orgs/HB/incidents?limit=100')
        self.assertIn(ABUSE, [i['text'] for i in listed.json['items']])
        # the flagged words are the customer's: the review and the list are reads in their log
        log = self.server.request('GET', '/v1/cases/%s/reads?limit=100' % receipt,
                                  headers={'X-Access-Code': access}).json['items']
        self.assertEqual([(x['what'], x['by']['staff_code']) for x in log if x['what'] == 'incident'],
                         [('incident', self.code['hb.cardlead'])] * 2)

        warned = self.post('hb.agent', '/v1/orgs/HB/cases/%s/warnings' % receipt, {})
        self.assertEqual(warned.status, 201, warned)
        self.assertTrue(warned.json['may_end'])
        sent = [m for m in self.outbox() if m['ref'] == receipt and '녹음' in m['body']]
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent[0]['recipient'], CONTACT)
        self.assertIn('This contact is being recorded', sent[0]['body'])

        ended = self.post('hb.agent', '/v1/orgs/HB/cases/%s/end-contact' % receipt, {})
        self.assertEqual(ended.status, 200, ended)
        new_code = ended.json['handed_over_to']['staff_code']
        self.assertNotEqual(new_code, self.code['hb.agent'])
        self.assertGreaterEqual(ended.json['handed_over_to']['level'], 'L1')
        case = self.get('hb.cardlead', '/v1/orgs/HB/cases/' + receipt).json
        self.assertEqual(case['status'], 'open')
        self.assertEqual(case['deadlines']['answer']['due'], due)           # the clock keeps running
        self.assertIn('assigned', [e['kind'] for e in case['events']])
        again = self.post('hb.agent', '/v1/orgs/HB/cases/%s/end-contact' % receipt, {})
        self.assertEqual(again.status, 409, again)          # that contact is over

        reply = self.post(self.login_of[new_code], '/v1/orgs/HB/cases/%s/replies' % receipt,
                          {'text': '고객님, 한도는 최근 이용 실적 재산정으로 조정되었습니다. 상향 신청 방법을 안내드립니다.'})
        self.assertEqual(reply.status, 200, reply)
        met = [e for e in reply.json['events'] if e.get('deadline_met')]
        self.assertTrue(met and met[-1]['deadline_met']['in_time'], reply.json['events'][-2:])

        made = self.post('hb.agent', '/v1/orgs/HB/dossiers', {'receipt': receipt})
        self.assertEqual(made.status, 201, made)
        path = '/v1/orgs/HB/dossiers/%d' % made.json['id']
        doc = self.get('hb.agent', path)
        self.assertEqual(doc.status, 200, doc)
        self.assertEqual(doc.json['kind'], 'dossier')
        rows = [s for s in doc.json['sections'] if s['key'] == 'incidents'][0]['rows']
        self.assertEqual(rows[0]['text'], ABUSE)
        self.assertEqual(rows[0]['status'], 'confirmed')
        self.assertEqual(rows[0]['warnings'], '1')
        self.assertIn(ABUSE, self.server.request('GET', path + '?format=html', token=self.tok['hb.agent']).raw
                      .replace('&#39;', "'"))
        self.assertEqual(self.get('hb.cardlead', path).status, 200)            # the agent's manager
        self.assertEqual(self.get('hb.card', path).status, 403)                # a colleague
        # the list shows what each may fetch: the agent's own, all to the manager, none to a colleague
        listed = lambda login: [d['id'] for d in self.get(login, '/v1/orgs/HB/dossiers?limit=100').json['items']]
        self.assertIn(made.json['id'], listed('hb.agent'))
        self.assertIn(made.json['id'], listed('hb.cardlead'))
        self.assertNotIn(made.json['id'], listed('hb.card'))
        item = [d for d in self.get('hb.cardlead', '/v1/orgs/HB/dossiers').json['items'] if d['id'] == made.json['id']][0]
        self.assertEqual((item['receipt'], item['agent']), (receipt, 'HB-AGT-0002'))
        self.assertEqual(self.get('cc.super', '/v1/orgs/HB/dossiers').status, 403)   # another organisation
        self.assertEqual(self.server.request('GET', '/v1/orgs/CC/dossiers/%d' % made.json['id'],
                                             token=self.tok['cc.agent']).status, 404)   # another organisation
        # the customer, with the case's access code, never reaches it
        for p in ('/v1/cases/%s/dossiers/%d' % (receipt, made.json['id']), '/v1/cases/%s/dossier' % receipt):
            r = self.server.request('GET', p, headers={'X-Access-Code': access})
            self.assertIn(r.status, (403, 404), r)
        self.assertEqual(self.server.request('GET', path, headers={'X-Access-Code': access}).status, 401)
        mine = self.server.request('GET', '/v1/cases/%s/download' % receipt, headers={'X-Access-Code': access})
        self.assertEqual(mine.status, 200)
        self.assertNotIn('멍청한', mine.raw)

        figures = self.server.request('GET', '/v1/orgs/HB/protection-figures').json
        self.assertGreaterEqual(figures['confirmed'], 1)
        self.assertGreaterEqual(figures['contacts_ended'], 1)
        self.assertGreaterEqual(figures['dossiers'], 1)
        self.assertNotIn('멍청한', str(figures))

    def test_threat_allows_ending_at_once_and_breaks_and_counselling(self):
        receipt, _, _ = self.open_case()
        flagged = self.flag(receipt, 'threat', '찾아가서 가만두지 않겠다', login='cc.agent')
        self.assertEqual(flagged.status, 201, flagged)
        ended = self.post('cc.agent', '/v1/orgs/HB/cases/%s/end-contact' % receipt, {})
        self.assertEqual(ended.status, 200, ended)
        self.assertNotEqual(ended.json['handed_over_to']['staff_code'], self.code['cc.agent'])
        # the vendor reviews its own agent's incident; the bank does not see it
        self.assertEqual(self.post('hb.cardlead', '/v1/orgs/HB/incidents/%d/review' % flagged.json['id'],
                                   {'decision': 'confirm'}).status, 404)
        self.assertEqual(self.post('cc.super', '/v1/orgs/CC/incidents/%d/review' % flagged.json['id'],
                                   {'decision': 'confirm'}).status, 200)
        brk = self.post('cc.super', '/v1/orgs/CC/breaks', {'agent': self.code['cc.agent'], 'minutes': 30,
                                                           'incident': flagged.json['id']})
        self.assertEqual(brk.status, 201, brk)
        self.assertEqual(self.post('cc.super', '/v1/orgs/CC/breaks', {'agent': self.code['cc.agent'],
                                                                      'minutes': 9999}).status, 400)
        asked = self.post('cc.agent', '/v1/orgs/CC/counselling', {'text': '상담 후 불안감이 큽니다'})
        self.assertEqual(asked.status, 201, asked)
        self.assertEqual(len(self.get('cc.super', '/v1/orgs/CC/counselling').json['items']), 1)
        self.assertEqual(len(self.get('cc.agent', '/v1/orgs/CC/counselling').json['items']), 1)
        figures = self.server.request('GET', '/v1/orgs/CC/protection-figures').json
        self.assertEqual(figures['breaks'], 1)
        self.assertNotIn('counselling', figures)


if __name__ == '__main__':
    harness.main()
