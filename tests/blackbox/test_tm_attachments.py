"""Evidence on telemarketing consumer reports through the real binary: the
reporter attaches a screenshot, a recording and a PDF, each judged by its
content (a name that lies is refused); the files count against the report's
quota; the reporter, the reported business and the regulator (through the
business's case) download them byte-identical, and nobody else does."""
import datetime
import hashlib
import io
import os
import sys
import urllib.parse
import urllib.request
import wave

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_attachments import ELF, HTML, pdf_bytes, png_bytes  # noqa: E402

MINUTE_MS = 60 * 1000
HOUR_MS = 60 * MINUTE_MS
NUMBER = '02-555-0100'          # TM1's registered calling number
OTHER_NUMBER = '02-555-0200'    # TM2's
MAX_BYTES = 60000
QUOTA = 100000


def iso(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3] + 'Z'


def wav_bytes(seconds=0.5):
    """A real WAV recording: 8 kHz, 16-bit mono, a rising tone."""
    out = io.BytesIO()
    with wave.open(out, 'wb') as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b''.join(((i * 37) % 4096).to_bytes(2, 'little') for i in range(int(8000 * seconds))))
    return out.getvalue()


class ReportAttachments(harness.ServerTest):
    server_args = ('--set', 'attachments.max_bytes=%d' % MAX_BYTES,
                   '--set', 'attachments.report_quota_bytes=%d' % QUOTA)

    @classmethod
    def prepare(cls, server):
        cls.passwords = harness.demo_accounts(server)
        server.add_user('TM2', 'tm2.caller', 'telemarketer', kind='telemarketer')

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.tok = {login: s.login(login, pw) for login, pw in cls.passwords.items()}
        cls.tok['tm2.caller'] = s.login('tm2.caller')
        cls.business = {}
        for org, login, name, number in (('TM1', 'tm1.caller', '다온텔레마케팅', NUMBER),
                                         ('TM2', 'tm2.caller', '한결텔레콤', OTHER_NUMBER)):
            r = s.request('POST', '/v1/orgs/%s/tm/business' % org,
                          {'name': name, 'registration_id': '2026-서울-%s' % org, 'contact': '02-555-0199'},
                          token=cls.tok[login])
            assert r.status == 201, r
            cls.business[org] = r.json['id']
            r = s.request('POST', '/v1/orgs/%s/tm/numbers' % org, {'number': number}, token=cls.tok[login])
            assert r.status == 201, r
        assert s.request('POST', '/v1/test/clock', {'advance_ms': HOUR_MS}).status == 200

    def report(self, callee, caller=NUMBER):
        now = self.server.request('POST', '/v1/test/clock', {'advance_ms': 0}).json['now_ms']
        r = self.server.request('POST', '/v1/tm/reports',
                                {'caller': caller, 'callee': callee, 'call_time': iso(now - 2 * MINUTE_MS),
                                 'reason': 'no_source_disclosed', 'text': '녹음과 화면을 첨부합니다.'})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json['attachments'], [])
        return r.json['receipt'], r.json['access_code']

    def upload(self, receipt, code, name, data):
        return self.server.request('POST', '/v1/tm/reports/%s/attachments?name=%s' % (receipt, urllib.parse.quote(name)),
                                   raw=data, headers={'X-Access-Code': code, 'Content-Type': 'audio/wav'})

    def raw(self, path, headers):
        """(status, body bytes, headers) as sent."""
        req = urllib.request.Request(self.server.base + path, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, resp.read(), resp.headers
        except urllib.error.HTTPError as e:
            return e.code, e.read(), e.headers

    def test_a_name_that_lies_is_refused(self):
        receipt, code = self.report('010-3100-0001')
        cases = [('recording.wav', ELF, 'content'),        # a program dressed as a recording
                 ('screenshot.png', HTML, 'content'),      # a web page dressed as an image
                 ('call.mp3', wav_bytes(0.1), 'name'),     # a real WAV named as an MP3
                 ('screenshot.png', pdf_bytes(), 'name'),  # a real PDF named as an image
                 ('recording.wav', png_bytes(), 'name'),   # a real image named as a recording
                 ('call.exe', wav_bytes(0.1), 'name'),     # an extension that is no allowed type
                 ('', wav_bytes(0.1), 'name')]
        for name, data, field in cases:
            with self.subTest(name=name, field=field):
                r = self.upload(receipt, code, name, data)
                self.assertEqual(r.status, 400, r)
                self.assertEqual(r.json['error']['field'], field, r)
        seen = self.server.request('GET', '/v1/tm/reports/' + receipt, headers={'X-Access-Code': code})
        self.assertEqual(seen.json['attachments'], [])

    def test_evidence_downloads_identical_for_whoever_reads_the_report(self):
        receipt, code = self.report('010-3200-0002')
        files = [('통화 녹음.wav', wav_bytes(), 'audio/wav'),
                 ('screenshot', png_bytes(4, 3), 'image/png'),       # no extension: the content decides
                 ('문자 내역.pdf', pdf_bytes('SMS log'), 'application/pdf')]
        for i, (name, data, mime) in enumerate(files, 1):
            r = self.upload(receipt, code, name, data)
            self.assertEqual(r.status, 201, r)
            att = r.json['attachments'][-1]
            self.assertEqual((att['n'], att['name'], att['type'], att['size'], att['sha256']),
                             (i, name, mime, len(data), hashlib.sha256(data).hexdigest()))
        seen = self.server.request('GET', '/v1/tm/reports/' + receipt, headers={'X-Access-Code': code})
        self.assertEqual([a['type'] for a in seen.json['attachments']], [m for _, _, m in files])

        readers = {'reporter': ('/v1/tm/reports/%s/attachments/%%d' % receipt, {'X-Access-Code': code}),
                   'business': ('/v1/orgs/TM1/tm/reports/%s/attachments/%%d' % receipt,
                                {'Authorization': 'Bearer ' + self.tok['tm1.caller']}),
                   'regulator': ('/v1/tm/cases/%d/reports/%s/attachments/%%d' % (self.business['TM1'], receipt),
                                 {'Authorization': 'Bearer ' + self.tok['fsr.officer']})}
        for who, (path, headers) in readers.items():
            for i, (name, data, mime) in enumerate(files, 1):
                with self.subTest(reader=who, n=i):
                    status, body, h = self.raw(path % i, headers)
                    self.assertEqual(status, 200, (who, body[:200]))
                    self.assertEqual(body, data)                       # byte for byte
                    self.assertEqual(h['Content-Type'], mime)
                    self.assertEqual(h['X-Content-Type-Options'], 'nosniff')
                    self.assertTrue(h['Content-Disposition'].startswith('attachment;'))
                    self.assertIn("filename*=UTF-8''%s" % urllib.parse.quote(name), h['Content-Disposition'])

        # the business's list and the regulator's case show the files; the business never the reporter's number
        listed = self.server.request('GET', '/v1/orgs/TM1/tm/reports?limit=100', token=self.tok['tm1.caller'])
        mine = [rep for rep in listed.json['items'] if rep['receipt'] == receipt]
        self.assertEqual([a['n'] for a in mine[0]['attachments']], [1, 2, 3])
        self.assertNotIn('callee', mine[0])
        case = self.server.request('GET', '/v1/tm/cases/%d/reports' % self.business['TM1'], token=self.tok['fsr.officer'])
        self.assertEqual(case.status, 200, case)
        [rep] = [rep for rep in case.json['items'] if rep['receipt'] == receipt]
        self.assertEqual(len(rep['attachments']), 3)
        self.assertEqual(rep['callee'], '+821032000002')

        # nobody else: a wrong or missing code, another business, the regulator through another case,
        # a file number that is not there, a consumer's route with a staff token
        refused = [('/v1/tm/reports/%s/attachments/1' % receipt, {'X-Access-Code': 'AAAAAAAAAA'}),
                   ('/v1/tm/reports/%s/attachments/1' % receipt, {}),
                   ('/v1/tm/reports/%s/attachments/4' % receipt, {'X-Access-Code': code}),
                   ('/v1/tm/reports/%s/attachments/0' % receipt, {'X-Access-Code': code}),
                   ('/v1/orgs/TM2/tm/reports/%s/attachments/1' % receipt,
                    {'Authorization': 'Bearer ' + self.tok['tm2.caller']}),
                   ('/v1/tm/cases/%d/reports/%s/attachments/1' % (self.business['TM2'], receipt),
                    {'Authorization': 'Bearer ' + self.tok['fsr.officer']})]
        for path, headers in refused:
            with self.subTest(path=path, headers=sorted(headers)):
                status, body, _ = self.raw(path, headers)
                self.assertEqual(status, 404, body[:200])
        status, _, _ = self.raw('/v1/orgs/TM1/tm/reports/%s/attachments/1' % receipt,
                                {'Authorization': 'Bearer ' + self.tok['tm2.caller']})
        self.assertEqual(status, 403)                                  # not its organisation at all
        status, _, _ = self.raw('/v1/tm/cases/%d/reports/%s/attachments/1' % (self.business['TM1'], receipt),
                                {'Authorization': 'Bearer ' + self.tok['tm1.caller']})
        self.assertEqual(status, 403)                                  # the regulator's route

    def test_size_quota_and_decided_reports(self):
        receipt, code = self.report('010-3300-0003', caller=OTHER_NUMBER)
        big = ('가' * (MAX_BYTES // 3 + 1)).encode()            # over attachments.max_bytes
        self.assertEqual(self.upload(receipt, code, 'big.txt', big).status, 413)
        part = wav_bytes(2.8)                                     # ~45 kB: two fit in 100 kB, not three
        self.assertGreater(len(part), QUOTA // 3)
        self.assertLess(len(part), min(QUOTA // 2, MAX_BYTES))
        self.assertEqual(self.upload(receipt, code, 'a.wav', part).status, 201)
        self.assertEqual(self.upload(receipt, code, 'b.wav', part).status, 201)   # the same content twice is fine
        third = self.upload(receipt, code, 'c.wav', part)
        self.assertEqual(third.status, 413, third)
        self.assertIn('report_quota_bytes', third.json['error']['message'])
        self.assertEqual(self.upload('RPT-2026-9999999', code, 'a.wav', part).status, 404)
        self.assertEqual(self.upload(receipt, 'AAAAAAAAAA', 'a.wav', part).status, 404)
        # once the regulator decided the business's case the report takes no more files; it keeps its own
        d = self.server.request('POST', '/v1/tm/cases/%d/decisions' % self.business['TM2'],
                                {'outcome': 'dismiss', 'reason': '출처 고지 녹취 확인'}, token=self.tok['fsr.officer'])
        self.assertEqual(d.status, 201, d)
        late = self.upload(receipt, code, 'later.png', png_bytes())
        self.assertEqual(late.status, 409, late)
        seen = self.server.request('GET', '/v1/tm/reports/' + receipt, headers={'X-Access-Code': code})
        self.assertEqual((seen.json['status'], len(seen.json['attachments'])), ('dismissed', 2))
        status, body, _ = self.raw('/v1/tm/reports/%s/attachments/2' % receipt, {'X-Access-Code': code})
        self.assertEqual((status, body), (200, part))


if __name__ == '__main__':
    harness.main()
