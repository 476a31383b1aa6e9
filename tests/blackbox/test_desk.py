"""The desk through the real binary: the stories of the desk issue, with the
test clock moving time instead of sleeping."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

HOUR_MS = 3600 * 1000


class Desk(harness.ServerTest):
    @classmethod
    def prepare(cls, server):
        cls.passwords = harness.demo_accounts(server)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.tok = {login: s.login(login, pw) for login, pw in cls.passwords.items()}
        r = s.request('POST', '/v1/orgs/HB/templates',
                      {'title': '결제 안내', 'body': '고객님, 문의하신 결제 건은 확인 후 3영업일 이내에 처리됩니다. 감사합니다.'},
                      token=cls.tok['hb.admin'])
        assert r.status == 201, r
        cls.template_id = r.json['id']

    # -- helpers --

    def open_case(self, category='CARD', text='결제가 두 번 되었습니다. 확인 부탁드립니다.'):
        r = self.server.request('POST', '/v1/orgs/HB/cases',
                                {'category': category, 'name': '홍길동', 'contact': '010-1234-5678',
                                 'subject': '카드 결제 오류', 'text': text})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json['attachments'], [])  # the shape of every case route
        return r.json['receipt'], r.json['access_code'], r.json

    def customer(self, method, receipt, code, action='', body=None):
        path = '/v1/cases/%s%s' % (receipt, '/' + action if action else '')
        return self.server.request(method, path, body if body is not None else ({} if method == 'POST' else None),
                                   headers={'X-Access-Code': code})

    def staff(self, login, receipt, action='', body=None, org='HB', method=None):
        path = '/v1/orgs/%s/cases/%s%s' % (org, receipt, '/' + action if action else '')
        method = method or ('POST' if action and action not in ('download', 'verify') else 'GET')
        return self.server.request(method, path, body if method == 'POST' else None, token=self.tok[login])

    def advance(self, ms):
        r = self.server.request('POST', '/v1/test/clock', {'advance_ms': ms})
        self.assertEqual(r.status, 200, r)

    def outbox(self):
        """Every stored message, all pages."""
        msgs, after = [], 0
        while True:
            page = self.server.request('GET', '/v1/test/outbox?limit=100&after=%d' % after).json['items']
            if not page:
                return msgs
            msgs += page
            after = page[-1]['id']

    def kinds(self, case):
        return [e['kind'] for e in case['events']]

    # -- stories --

    def test_open_gives_receipt_code_deadlines_and_signed_head(self):
        receipt, code, case = self.open_case()
        self.assertRegex(receipt, r'^HB-\d{4}-\d{7}$')
        self.assertRegex(code, r'^[A-Z2-9]{10}$')
        self.assertEqual(case['level'], 'L1')
        self.assertEqual(case['deadlines']['answer']['kind'], 'first_answer')
        self.assertEqual(case['deadlines']['final']['kind'], 'final_answer')
        self.assertRegex(case['head']['hash'], r'^[0-9a-f]{64}$')
        self.assertRegex(case['head']['signature'], r'^[0-9a-f]{128}$')
        got = self.customer('GET', receipt, code)
        self.assertEqual(got.status, 200, got)
        self.assertEqual(got.json['events'][0]['kind'], 'opened')

    def test_receipts_are_gapless(self):
        serials = [int(self.open_case()[0].rsplit('-', 1)[1]) for _ in range(5)]
        self.assertEqual(serials, list(range(serials[0], serials[0] + 5)))

    def test_customer_reads_only_own_case(self):
        a, code_a, _ = self.open_case()
        b, code_b, _ = self.open_case()
        self.assertEqual(self.customer('GET', a, code_a).status, 200)
        wrong = self.customer('GET', b, code_a)
        self.assertEqual(wrong.status, 404, wrong)
        self.assertEqual(self.customer('GET', b, '').status, 404)
        self.assertEqual(self.customer('GET', 'HB-2026-9999999', code_a).status, 404)
        self.assertEqual(self.customer('POST', b, code_a, 'demand').status, 404)

    def test_templates_are_listed_for_the_console(self):
        own = self.server.request('GET', '/v1/orgs/HB/templates', token=self.tok['hb.agent'])
        self.assertEqual(own.status, 200, own)
        self.assertIn(self.template_id, [t['id'] for t in own.json['items']])
        vendor = self.server.request('GET', '/v1/orgs/HB/templates', token=self.tok['cc.agent'])
        self.assertEqual(vendor.status, 200, vendor)           # a vendor acting for HB
        other = self.server.request('GET', '/v1/orgs/HB/templates', token=self.tok['fsr.officer'])
        self.assertEqual(other.status, 403, other)

    def test_repeated_template_after_dispute_climbs_and_is_flagged(self):
        receipt, code, _ = self.open_case()
        first = self.staff('cc.agent', receipt, 'replies',
                           {'text': '고객님, 문의하신 결제 건은 확인 후 3영업일 이내에 처리됩니다. 감사합니다.',
                            'template_id': self.template_id})
        self.assertEqual(first.status, 200, first)
        reply = first.json['events'][-1]
        self.assertEqual(reply['actor']['org'], 'CC')           # the vendor, not head office
        self.assertEqual(reply['actor']['role'], 'agent')
        self.assertRegex(reply['actor']['staff_code'], r'^CC-AGT-\d{4}$')
        self.assertEqual(reply['reply_class'], 'template')
        disputed = self.customer('POST', receipt, code, 'dispute', {'text': '같은 답변만 반복됩니다.'})
        self.assertEqual(disputed.status, 200, disputed)
        self.assertEqual(disputed.json['level'], 'L2')
        again = self.staff('cc.agent', receipt, 'replies',
                           {'text': '고객님, 문의하신 결제 건은 확인 후 3영업일 이내에 처리됩니다. 감사합니다.',
                            'template_id': self.template_id})
        self.assertEqual(again.status, 200, again)
        case = self.staff('hb.card', receipt).json
        repeats = [e for e in case['events'] if e.get('repeated_answer')]
        self.assertEqual(len(repeats), 1, case['events'])
        self.assertIn(case['level'], ('L2', 'L3'))
        self.assertIn('repeat', [e.get('cause') for e in case['events'] if e['kind'] == 'escalated'])
        queue = self.server.request('GET', '/v1/orgs/HB/queue', token=self.tok['hb.card'])
        paged = self.server.request('GET', '/v1/orgs/HB/queue?after=1', token=self.tok['hb.card'])
        self.assertEqual((paged.status, paged.json['error']['field']), (400, 'after'))  # ordered by deadline
        if case['level'] == 'L2':
            self.assertIn(receipt, [q['receipt'] for q in queue.json['items']])

    def test_draft_check_says_what_a_reply_would_count_as_and_writes_nothing(self):
        receipt, code, _ = self.open_case()
        template_text = '고객님, 문의하신 결제 건은 확인 후 3영업일 이내에 처리됩니다. 감사합니다.'
        check = self.staff('cc.agent', receipt, 'draft-check', {'text': template_text, 'template_id': self.template_id})
        self.assertEqual(check.status, 200, check)
        self.assertEqual(check.json['reply_class'], 'template')
        self.assertFalse(check.json['repeated_answer'])
        self.assertEqual(check.json['deadline'], 'first_answer')
        self.assertFalse(check.json['meets_deadline'])          # a template meets no deadline
        self.assertEqual(check.json['similar']['template_id'], self.template_id)
        own = '고객님, 두 번 결제된 금액은 오늘 밤 자동으로 취소되며 내일 아침 문자로 알려 드리겠습니다.'
        fresh = self.staff('cc.agent', receipt, 'draft-check', {'text': own}).json
        self.assertEqual((fresh['reply_class'], fresh['repeated_answer'], fresh['meets_deadline']), ('human', False, True))
        before = self.staff('hb.agent', receipt).json
        self.assertEqual(len(before['events']), 1)               # checking wrote nothing
        self.assertEqual(before['status'], 'open')
        self.assertEqual(self.staff('cc.agent', receipt, 'replies', {'text': own}).status, 200)
        self.assertEqual(self.customer('POST', receipt, code, 'dispute', {'text': '납득이 안 됩니다.'}).json['level'], 'L2')
        # nearly the same text again, after a dispute: a repeat that would make the case climb
        again = self.staff('cc.agent', receipt, 'draft-check', {'text': own.replace('내일 아침', '내일 오전')}).json
        self.assertTrue(again['repeated_answer'])
        self.assertFalse(again['meets_deadline'])
        self.assertTrue(again['climbs'])
        self.assertEqual(again['level_after'], 'L3')
        self.assertGreaterEqual(again['similar']['answer_score'], 0.5)
        sent = self.staff('cc.agent', receipt, 'replies', {'text': own.replace('내일 아침', '내일 오전')}).json
        self.assertEqual(sent['level'], 'L3')                    # the check said what the reply did
        self.assertTrue(sent['events'][-2]['repeated_answer'])
        bad = self.staff('cc.agent', receipt, 'draft-check', {'text': ''})
        self.assertEqual((bad.status, bad.json['error']['field']), (400, 'text'))
        other = self.staff('fsr.officer', receipt, 'draft-check', {'text': own})
        self.assertEqual(other.status, 403, other)

    def test_hand_over_names_the_assignee_and_the_queue_says_whose(self):
        receipt, code, case = self.open_case(text='청구서 금액이 이상합니다.')
        self.assertEqual(case['text'], '청구서 금액이 이상합니다.')     # the opening text is in the case
        self.customer('POST', receipt, code, 'demand')
        handed = self.staff('cc.agent', receipt, 'assign', {'assignee': 'HB-PRC-0003'})
        self.assertEqual(handed.status, 200, handed)
        event = [e for e in handed.json['events'] if e['kind'] == 'assigned'][-1]
        self.assertEqual(event['detail'], 'assignee=HB-PRC-0003')
        seen = self.customer('GET', receipt, code).json
        self.assertIn('assignee=HB-PRC-0003', [e.get('detail') for e in seen['events']])
        self.assertEqual(seen['text'], '청구서 금액이 이상합니다.')
        items = {q['receipt']: q for q in self.server.request('GET', '/v1/orgs/HB/queue?limit=100',
                                                               token=self.tok['hb.card']).json['items']}
        self.assertTrue(items[receipt]['mine'])
        self.assertEqual(items[receipt]['deadlines_missed'], 0)
        self.assertEqual(self.server.request('GET', '/v1/cases/%s/verify' % receipt,
                                             headers={'X-Access-Code': code}).json['intact'], True)

    def test_me_lists_the_companies_a_vendor_acts_for(self):
        me = self.server.request('GET', '/v1/me', token=self.tok['cc.agent']).json
        self.assertEqual(me['acts_for'], ['HB'])
        self.assertNotIn('acts_for', self.server.request('GET', '/v1/me', token=self.tok['hb.agent']).json)

    def test_unmet_demand_climbs_l3_then_l4(self):
        receipt, code, _ = self.open_case()
        demanded = self.customer('POST', receipt, code, 'demand')
        self.assertEqual(demanded.status, 200, demanded)
        self.assertEqual(demanded.json['level'], 'L2')
        self.assertEqual(demanded.json['deadlines']['answer']['kind'], 'responsible_contact')
        self.advance(25 * HOUR_MS)
        self.assertEqual(self.customer('GET', receipt, code).json['level'], 'L3')
        lead = self.server.login('hb.cardlead', self.passwords['hb.cardlead'])   # the clock outran the sessions
        queue = self.server.request('GET', '/v1/orgs/HB/queue?limit=100', token=lead).json['items']
        self.assertEqual([q['deadlines_missed'] for q in queue if q['receipt'] == receipt], [1])
        self.advance(73 * HOUR_MS)
        case = self.customer('GET', receipt, code).json
        self.assertEqual(case['level'], 'L4')
        self.assertIn('deadline_missed', self.kinds(case))
        again = self.customer('POST', receipt, code, 'demand')
        self.assertEqual(again.status, 200, again)
        self.assertEqual(again.json['level'], 'L4')   # a demand never lowers a case
        self.assertEqual(self.customer('GET', receipt, code, 'referral').status, 409)
        self.advance(73 * HOUR_MS)                    # L4 misses its deadline too: referred out
        case = self.customer('GET', receipt, code).json
        self.assertEqual(case['level'], 'L5')
        self.assertEqual(case['status'], 'referred')
        self.assertIsNone(case['deadlines']['answer'])  # the clock stopped
        package = self.customer('GET', receipt, code, 'referral')
        self.assertEqual(package.status, 200, package)
        self.assertEqual(package.json['kind'], 'referral')
        bodies = [s for s in package.json['sections'] if s['key'] == 'referral'][0]['rows']
        self.assertIn('1332, www.fcsc.kr', [b['contact'] for b in bodies])
        page = self.customer('GET', receipt, code, 'referral?format=html')
        self.assertIn('www.epeople.go.kr', page.raw)

    def test_complaint_about_center_goes_to_l4_and_vendor_cannot_close(self):
        receipt, code, case = self.open_case('CENTER', '상담원이 계속 같은 말만 합니다.')
        self.assertEqual(case['level'], 'L4')
        self.assertTrue(case['about_center'])
        r = self.staff('cc.agent', receipt, 'close', {})
        self.assertEqual(r.status, 403, r)
        r = self.staff('hb.agent', receipt, 'close', {})
        self.assertEqual(r.status, 403, r)
        self.assertEqual(self.customer('GET', receipt, code).json['status'], 'open')

    def test_final_answer_from_l3_closes_with_referral_options(self):
        receipt, code, _ = self.open_case('CARD')
        self.customer('POST', receipt, code, 'demand')
        low = self.staff('hb.card', receipt, 'final-answer', {'text': '처리가 완료되었습니다.'})
        self.assertIn(low.status, (403, 409), low)      # a practitioner is L2
        final = self.staff('hb.cardlead', receipt, 'final-answer',
                           {'text': '이중 결제 건은 취소 처리되었으며 3일 안에 환불됩니다.'})
        self.assertEqual(final.status, 200, final)
        self.assertEqual(final.json['status'], 'closed')
        text = [e for e in final.json['events'] if e['kind'] == 'final_answer'][-1]['text']
        self.assertIn('1332', text)                      # the outward referral options are in it
        reopened = self.customer('POST', receipt, code, 'reopen')
        self.assertEqual(reopened.status, 200, reopened)
        self.assertEqual(reopened.json['status'], 'open')

    def test_notes_are_hidden_from_the_customer(self):
        receipt, code, _ = self.open_case()
        r = self.staff('hb.agent', receipt, 'notes', {'text': '고객이 화가 많이 났음'})
        self.assertEqual(r.status, 200, r)
        mine = self.customer('GET', receipt, code).json
        note = [e for e in mine['events'] if e['kind'] == 'note'][0]
        self.assertNotIn('text', note)
        self.assertTrue(note['text_hidden'])
        self.assertNotIn('화가', str(mine))
        staff_view = self.staff('hb.agent', receipt).json
        self.assertIn('화가', [e for e in staff_view['events'] if e['kind'] == 'note'][0]['text'])

    def test_download_and_verify_and_tampering(self):
        receipt, code, _ = self.open_case()
        self.staff('hb.agent', receipt, 'replies', {'text': '확인해 보니 중복 결제가 맞습니다. 바로 취소하겠습니다.'})
        page = self.customer('GET', receipt, code, 'download?format=html')
        self.assertEqual(page.status, 200)
        self.assertIn('text/html', page.headers['Content-Type'])
        self.assertIn(receipt, page.raw)
        doc = self.customer('GET', receipt, code, 'download')
        self.assertEqual(doc.json['kind'], 'case')
        chain = [s for s in doc.json['sections'] if s['key'] == 'chain'][0]['fields']
        self.assertRegex(chain['signature'], r'^[0-9a-f]{128}$')
        ok = self.customer('GET', receipt, code, 'verify')
        self.assertEqual(ok.status, 200)
        self.assertTrue(ok.json['intact'], ok)
        # someone edits a stored event behind ombud's back
        self.server.sql("UPDATE case_events SET reply_class = 'automatic' WHERE seq = 1 AND case_id = "
                        "(SELECT id FROM cases WHERE receipt = ?)", receipt)
        bad = self.customer('GET', receipt, code, 'verify')
        self.assertFalse(bad.json['intact'], bad)
        self.assertEqual(bad.json['fault'], 'event_altered')
        self.assertEqual(bad.json['event'], 1)

    def test_heads_of_the_day_are_published(self):
        receipt, _, case = self.open_case()
        day = case['head']['signed_at'][:10]
        r = self.server.request('GET', '/v1/orgs/HB/heads?day=' + day)
        self.assertEqual(r.status, 200, r)
        self.assertRegex(r.json['public_key'], r'^[0-9a-f]{64}$')
        self.assertIn(receipt, [h['receipt'] for h in r.json['heads']])
        self.assertEqual(self.server.request('GET', '/v1/orgs/HB/heads').status, 400)

    def test_figures_change_as_cases_move(self):
        before = self.server.request('GET', '/v1/orgs/HB/figures').json
        receipt, code, _ = self.open_case()
        self.customer('POST', receipt, code, 'demand')
        after = self.server.request('GET', '/v1/orgs/HB/figures').json
        self.assertEqual(after['opened'], before['opened'] + 1)
        self.assertEqual(after['demands'], before['demands'] + 1)
        csv = self.server.request('GET', '/v1/orgs/HB/figures?format=csv')
        self.assertIn('text/csv', csv.headers['Content-Type'])
        header, row = csv.raw.strip().split('\r\n')
        cols = dict(zip(header.split(','), row.split(',')))
        self.assertEqual(int(cols['opened']), after['opened'])
        self.assertNotIn('홍길동', csv.raw)

    def test_lost_access_code_is_replaced_through_a_one_time_code(self):
        receipt, old_code, _ = self.open_case()
        r = self.server.request('POST', '/v1/cases/%s/one-time-code' % receipt, {})
        self.assertEqual(r.status, 202, r)
        unknown = self.server.request('POST', '/v1/cases/HB-2026-9999998/one-time-code', {})
        self.assertEqual(unknown.status, 202)   # the same answer: receipts cannot be probed
        msgs = self.outbox()
        sent = [m for m in msgs if m['ref'] == receipt and '인증번호' in m['body']]
        self.assertEqual(len(sent), 1, msgs[-3:])
        self.assertEqual(sent[0]['recipient'], '010-1234-5678')
        otp = sent[0]['body'].split('인증번호 ')[1][:6]
        wrong = self.server.request('POST', '/v1/cases/%s/access-code' % receipt,
                                    {'one_time_code': '%06d' % ((int(otp) + 1) % 1000000)})
        self.assertEqual(wrong.status, 404, wrong)
        ok = self.server.request('POST', '/v1/cases/%s/access-code' % receipt, {'one_time_code': otp})
        self.assertEqual(ok.status, 200, ok)
        new_code = ok.json['access_code']
        self.assertEqual(self.customer('GET', receipt, new_code).status, 200)
        self.assertEqual(self.customer('GET', receipt, old_code).status, 404)
        again = self.server.request('POST', '/v1/cases/%s/access-code' % receipt, {'one_time_code': otp})
        self.assertEqual(again.status, 404)      # used once

    def test_one_time_code_gives_up_after_five_wrong_tries(self):
        receipt, _, _ = self.open_case()
        self.server.request('POST', '/v1/cases/%s/one-time-code' % receipt, {})
        for _ in range(5):
            self.server.request('POST', '/v1/cases/%s/access-code' % receipt, {'one_time_code': '000000'})
        msgs = self.outbox()
        otp = [m for m in msgs if m['ref'] == receipt and '인증번호' in m['body']][-1]['body'].split('인증번호 ')[1][:6]
        late = self.server.request('POST', '/v1/cases/%s/access-code' % receipt, {'one_time_code': otp})
        if otp != '000000':
            self.assertEqual(late.status, 404, late)

    def test_personal_names_only_where_organisation_and_staff_allow(self):
        s, admin = self.server, self.tok['hb.admin']
        r = s.request('POST', '/v1/orgs/HB/staff', {'login': 'hb.named', 'password': 'named-agent-pw',
                                                    'role': 'agent', 'display_name': '김민지', 'show_name': True},
                      token=admin)
        self.assertEqual(r.status, 201, r)
        named = s.login('hb.named', 'named-agent-pw')
        receipt, code, _ = self.open_case()
        for token, text in ((named, '결제 내역을 확인하고 있습니다. 조금만 기다려 주세요.'),
                            (self.tok['hb.agent'], '카드사에 취소 요청을 넣었습니다. 결과를 알려 드리겠습니다.')):
            r = s.request('POST', '/v1/orgs/HB/cases/%s/replies' % receipt, {'text': text}, token=token)
            self.assertEqual(r.status, 200, r)

        def names():
            case = self.customer('GET', receipt, code).json
            return [e['actor'].get('name') for e in case['events'] if e['kind'] == 'message']

        self.assertEqual(names(), [None, None])                 # the organisation has not allowed it
        r = s.request('POST', '/v1/orgs/HB/settings', {'show_staff_names': True}, token=admin)
        self.assertEqual(r.status, 200, r)
        try:
            self.assertEqual(names(), ['김민지', None])         # only the agent who allowed it
        finally:
            s.request('POST', '/v1/orgs/HB/settings', {'show_staff_names': False}, token=admin)
        self.assertEqual(names(), [None, None])

    def test_staff_of_other_organisations_cannot_touch_cases(self):
        receipt, _, _ = self.open_case()
        r = self.staff('fsr.officer', receipt)
        self.assertEqual(r.status, 403, r)
        r = self.server.request('GET', '/v1/orgs/CC/cases/' + receipt, token=self.tok['cc.agent'])
        self.assertEqual(r.status, 404, r)   # not a CC case



class DeskSettings(harness.ServerTest):
    """Deadlines come from the [desk] settings: durations, and business hours."""
    server_args = ('--set', 'desk.first_answer_hours=2', '--set', 'desk.business_hours=true',
                   '--set', 'desk.holidays=2026-12-25,2027-01-01')

    @classmethod
    def prepare(cls, server):
        harness.demo_accounts(server)

    def test_first_answer_due_in_open_hours(self):
        import datetime
        r = self.server.request('POST', '/v1/orgs/HB/cases',
                                {'category': 'CARD', 'name': '이순신', 'contact': 'lee@example.kr',
                                 'subject': '한도', 'text': '카드 한도를 올리고 싶습니다.'})
        self.assertEqual(r.status, 201, r)
        opened = datetime.datetime.fromisoformat(r.json['events'][0]['at'].replace('Z', '+00:00'))
        due = datetime.datetime.fromisoformat(r.json['deadlines']['answer']['due'].replace('Z', '+00:00'))
        kst = datetime.timezone(datetime.timedelta(hours=9))
        local = due.astimezone(kst)
        self.assertLess(local.weekday(), 5, local)                  # Monday-Friday
        self.assertTrue(9 <= local.hour < 18 or (local.hour == 18 and local.minute == 0), local)
        self.assertNotIn(local.strftime('%Y-%m-%d'), ('2026-12-25', '2027-01-01'))
        self.assertGreaterEqual(due - opened, datetime.timedelta(hours=2))   # two open hours at least


if __name__ == '__main__':
    harness.main()
