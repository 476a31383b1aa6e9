"""Telemarketing compliance through the real binary: a business registers its
numbers and logs disclosures, consumers report calls, the regulator decides
and the fines escalate (the test clock moves days instead of sleeping)."""
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

MINUTE_MS = 60 * 1000
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS
NUMBER = '02-555-0100'          # the business's registered calling number
NUMBER_E164 = '+8225550100'


def iso(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3] + 'Z'


class Telemarketing(harness.ServerTest):
    @classmethod
    def prepare(cls, server):
        cls.passwords = harness.demo_accounts(server)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.tok = {login: s.login(login, pw) for login, pw in cls.passwords.items()}
        r = s.request('POST', '/v1/orgs/TM1/tm/business',
                      {'name': '다온텔레마케팅', 'registration_id': '2026-서울-0417', 'contact': '02-555-0199'},
                      token=cls.tok['tm1.caller'])
        assert r.status == 201, r
        cls.business_id = r.json['id']
        r = s.request('POST', '/v1/orgs/TM1/tm/numbers', {'number': NUMBER, 'daily_cap': 500},
                      token=cls.tok['tm1.caller'])
        assert r.status == 201, r
        assert s.request('POST', '/v1/test/clock', {'advance_ms': HOUR_MS}).status == 200

    # -- helpers --

    def now(self):
        r = self.server.request('POST', '/v1/test/clock', {'advance_ms': 0})
        self.assertEqual(r.status, 200, r)
        return r.json['now_ms']

    def advance(self, ms):
        self.assertEqual(self.server.request('POST', '/v1/test/clock', {'advance_ms': ms}).status, 200)
        if ms >= HOUR_MS:   # sessions expire on the moved clock too
            type(self).tok = {login: self.server.login(login, pw) for login, pw in self.passwords.items()
                              if login in ('tm1.caller', 'fsr.officer', 'dt.screen')}

    def report(self, callee, reason='no_source_disclosed', caller=NUMBER, minutes_ago=2):
        r = self.server.request('POST', '/v1/tm/reports',
                                {'caller': caller, 'callee': callee, 'call_time': iso(self.now() - minutes_ago * MINUTE_MS),
                                 'reason': reason, 'text': '어디서 제 번호를 알았는지 말하지 않았습니다.'})
        self.assertEqual(r.status, 201, r)
        return r.json

    def decide(self, outcome, reason='정보 출처 미고지 확인'):
        return self.server.request('POST', '/v1/tm/cases/%d/decisions' % self.business_id,
                                   {'outcome': outcome, 'reason': reason}, token=self.tok['fsr.officer'])

    # -- stories --

    def test_three_confirmed_decisions_fine_7_5m_15m_30m(self):
        fines = []
        for i in range(3):
            rep = self.report('010-2000-%04d' % i)
            self.assertRegex(rep['receipt'], r'^RPT-\d{4}-\d{7}$')
            self.assertRegex(rep['access_code'], r'^[A-Z2-9]{10}$')
            self.assertEqual(rep['business']['id'], self.business_id)
            self.assertEqual(rep['status'], 'open')
            self.assertIn('no_disclosure', rep['evidence']['violations'])
            cases = self.server.request('GET', '/v1/tm/cases', token=self.tok['fsr.officer'])
            self.assertEqual(cases.status, 200, cases)
            mine = [c for c in cases.json['items'] if c['business']['id'] == self.business_id]
            self.assertEqual(len(mine), 1, cases.json)
            self.assertEqual(mine[0]['reports'], 1)
            decided = self.decide('confirm')
            self.assertEqual(decided.status, 201, decided)
            self.assertEqual(decided.json['sanction']['order'], i + 1)
            self.assertEqual(mine[0]['fine_if_confirmed']['amount_krw'], decided.json['sanction']['fine_krw'])
            fines.append(decided.json['sanction']['fine_krw'])
            followed = self.server.request('GET', '/v1/tm/reports/' + rep['receipt'],
                                           headers={'X-Access-Code': rep['access_code']})
            self.assertEqual(followed.status, 200, followed)
            self.assertEqual(followed.json['status'], 'confirmed')
            self.assertEqual(followed.json['sanction']['fine_krw'], fines[-1])
            self.advance(DAY_MS)
        self.assertEqual(fines, [7500000, 15000000, 30000000])
        mine = self.server.request('GET', '/v1/orgs/TM1/tm/sanctions', token=self.tok['tm1.caller'])
        self.assertEqual([s['fine_krw'] for s in mine.json['items']], fines)
        again = self.decide('confirm')
        self.assertEqual(again.status, 404, again)       # nothing left undecided

    def test_report_follow_up_needs_the_access_code(self):
        rep = self.report('010-2100-0001')
        self.assertEqual(self.server.request('GET', '/v1/tm/reports/' + rep['receipt']).status, 404)
        wrong = self.server.request('GET', '/v1/tm/reports/' + rep['receipt'], headers={'X-Access-Code': 'AAAAAAAAAA'})
        self.assertEqual(wrong.status, 404)
        answer = self.server.request('POST', '/v1/orgs/TM1/tm/reports/%s/answers' % rep['receipt'],
                                     {'text': '고객 동의 목록에서 받은 번호이며, 출처 안내를 누락했습니다.'},
                                     token=self.tok['tm1.caller'])
        self.assertEqual(answer.status, 201, answer)
        seen = self.server.request('GET', '/v1/tm/reports/' + rep['receipt'], headers={'X-Access-Code': rep['access_code']})
        self.assertIn('출처 안내를 누락', seen.json['answer'])
        listed = self.server.request('GET', '/v1/orgs/TM1/tm/reports', token=self.tok['tm1.caller'])
        self.assertIn(rep['receipt'], [x['receipt'] for x in listed.json['items']])
        self.assertNotIn('callee', listed.json['items'][0])      # the reporter's number stays with the regulator
        self.assertEqual(self.decide('dismiss', '조치 완료 확인').status, 201)

    def test_bulk_disclosures_store_the_good_lines_and_name_the_bad(self):
        source = '○○카드 제휴 이벤트 응모(2026-10)'
        lines = [
            json.dumps({'caller': NUMBER, 'callee': '010-2300-0001', 'source': source}),
            json.dumps({'caller': NUMBER, 'callee': '010-23', 'source': source}),
            '{"caller": "02-555-0100", "callee":',
            '',
            json.dumps({'caller': '02-777-0000', 'callee': '010-2300-0004', 'source': source}),
            json.dumps({'caller': NUMBER, 'callee': '010-2300-0005', 'source': source}),
        ]
        body = ('\r\n'.join(lines) + '\n').encode()
        r = self.server.request('POST', '/v1/orgs/TM1/tm/disclosures/bulk', raw=body, token=self.tok['tm1.caller'])
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json['accepted'], 2)
        self.assertEqual([d['line'] for d in r.json['disclosures']], [1, 6])
        self.assertEqual(len({d['id'] for d in r.json['disclosures']}), 2)
        self.assertEqual([(e['line'], e['field']) for e in r.json['errors']], [(2, 'callee'), (3, 'line'), (5, 'caller')])
        # the stored ones count as disclosures: a report on line 6's callee finds it
        self.advance(MINUTE_MS)
        rep = self.report('010-2300-0005', minutes_ago=0)
        self.assertTrue(rep['evidence']['disclosure_logged'], rep)
        self.assertEqual(rep['evidence']['violations'], [])
        nothing = self.server.request('POST', '/v1/orgs/TM1/tm/disclosures/bulk', raw=(lines[1] + '\n').encode(),
                                      token=self.tok['tm1.caller'])
        self.assertEqual(nothing.status, 400, nothing)
        self.assertEqual(nothing.json['accepted'], 0)
        self.assertEqual(nothing.json['errors'][0]['field'], 'callee')
        empty = self.server.request('POST', '/v1/orgs/TM1/tm/disclosures/bulk', raw=b'\n\n',
                                    token=self.tok['tm1.caller'])
        self.assertEqual(empty.status, 400, empty)
        self.assertEqual(empty.json['error']['field'], 'body')

    def test_logged_disclosure_and_do_not_call(self):
        callee = '010-2200-0001'
        vague = self.server.request('POST', '/v1/orgs/TM1/tm/disclosures',
                                    {'caller': NUMBER, 'callee': callee, 'source': '적법하게 수집된 정보'},
                                    token=self.tok['tm1.caller'])
        self.assertEqual(vague.status, 400, vague)
        self.assertEqual(vague.json['error']['field'], 'source')
        foreign = self.server.request('POST', '/v1/orgs/TM1/tm/disclosures',
                                      {'caller': '02-777-0000', 'callee': callee, 'source': '○○카드 제휴 이벤트 응모(2026-10)'},
                                      token=self.tok['tm1.caller'])
        self.assertEqual(foreign.status, 400, foreign)
        self.assertEqual(foreign.json['error']['field'], 'caller')
        logged = self.server.request('POST', '/v1/orgs/TM1/tm/disclosures',
                                     {'caller': NUMBER, 'callee': callee, 'source': '○○카드 제휴 이벤트 응모(2026-10)'},
                                     token=self.tok['tm1.caller'])
        self.assertEqual(logged.status, 201, logged)
        self.assertIs(logged.json['do_not_call'], False)
        self.advance(MINUTE_MS)
        rep = self.report(callee, minutes_ago=0)
        self.assertEqual(rep['evidence']['violations'], [])
        self.assertTrue(rep['evidence']['disclosure_logged'])
        listed = self.server.request('POST', '/v1/tm/do-not-call', {'number': '010-2200-0002'},
                                     token=self.tok['fsr.officer'])
        self.assertEqual(listed.status, 201, listed)
        self.assertEqual(listed.json['scope'], 'national')
        self.advance(5 * MINUTE_MS)         # the listing counts for calls after it
        rep = self.report('010-2200-0002', reason='called_after_refusal')
        self.assertIn('do_not_call', rep['evidence']['violations'])
        self.assertEqual(self.decide('dismiss', '증거 불충분').status, 201)
        # the disclosure answers whether the called number is on the list, national or the business's own
        own = self.server.request('POST', '/v1/orgs/TM1/tm/do-not-call', {'number': '010-2200-0003'},
                                  token=self.tok['tm1.caller'])
        self.assertEqual(own.status, 201, own)
        for callee, listed in (('010-2200-0002', True), ('010-2200-0003', True), ('010-2200-0004', False)):
            asked = self.server.request('POST', '/v1/orgs/TM1/tm/disclosures',
                                        {'caller': NUMBER, 'callee': callee, 'source': '○○카드 제휴 이벤트 응모(2026-10)'},
                                        token=self.tok['tm1.caller'])
            self.assertEqual((asked.status, asked.json['do_not_call']), (201, listed), (callee, asked))

    def test_unregistered_number_goes_to_screening(self):
        rep = self.report('010-2300-0001', reason='suspected_fraud', caller='070-4000-1234')
        self.assertEqual(rep['status'], 'screening')
        self.assertTrue(rep['evidence']['to_screening'])
        self.assertNotIn('business', rep)

    def test_report_input_errors_name_the_field(self):
        r = self.server.request('POST', '/v1/tm/reports', {'caller': NUMBER, 'callee': '010-1111-2222',
                                                           'call_time': iso(self.now() + DAY_MS), 'reason': 'abusive'})
        self.assertEqual((r.status, r.json['error']['field']), (400, 'call_time'))
        r = self.server.request('POST', '/v1/tm/reports', {'caller': NUMBER, 'callee': '010-1111-2222',
                                                           'call_time': iso(self.now()), 'reason': 'rude'})
        self.assertEqual((r.status, r.json['error']['field']), (400, 'reason'))

    def test_registry_export_in_the_engine_format(self):
        r = self.server.request('GET', '/v1/tm/registry.csv', token=self.tok['dt.screen'])
        self.assertEqual(r.status, 200, r)
        self.assertIn('text/csv', r.headers['Content-Type'])
        lines = r.raw.split('\r\n')
        self.assertEqual(lines[0], 'number,holder,kind,trunk,daily_cap,valid_from,valid_to')
        row = [ln for ln in lines if NUMBER_E164 in ln]
        self.assertEqual(len(row), 1, r.raw)
        self.assertIn('"telemarketer"', row[0])
        self.assertIn('"500"', row[0])
        self.assertEqual(self.server.request('GET', '/v1/tm/registry.csv', token=self.tok['tm1.caller']).status, 403)

    def test_one_number_belongs_to_one_business(self):
        again = self.server.request('POST', '/v1/orgs/TM1/tm/numbers', {'number': NUMBER}, token=self.tok['tm1.caller'])
        self.assertEqual(again.status, 409, again)
        twice = self.server.request('POST', '/v1/orgs/TM1/tm/business',
                                    {'name': 'x', 'registration_id': 'y', 'contact': 'z'}, token=self.tok['tm1.caller'])
        self.assertEqual(twice.status, 409, twice)


if __name__ == '__main__':
    harness.main()
