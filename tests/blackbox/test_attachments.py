"""Attachments on cases through the real binary: a file is judged by its
content, never its name (a name that lies is refused), appears in the
customer's timeline as an event of the chain, downloads byte-identical, and
counts against the case's quota; verify rechecks every file against the
commitment of its event."""
import hashlib
import os
import struct
import sys
import urllib.parse
import urllib.request
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

MAX_BYTES = 60000
QUOTA = 100000


def png_bytes(width=2, height=2):
    """A real PNG image (RGB, unfiltered rows)."""
    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))
    rows = b''.join(b'\x00' + b'\xff\x00\x00' * width for _ in range(height))
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)) +
            chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b''))


def pdf_bytes(text='Account statement'):
    """A small well-formed PDF with one page of text and a correct xref table."""
    stream = ('BT /F1 12 Tf 72 720 Td (%s) Tj ET' % text).encode()
    objs = [b'<< /Type /Catalog /Pages 2 0 R >>',
            b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
            b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R '
            b'/Resources << /Font << /F1 5 0 R >> >> >>',
            b'<< /Length %d >>\nstream\n' % len(stream) + stream + b'\nendstream',
            b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>']
    out, offsets = bytearray(b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n'), []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b'%d 0 obj\n' % i + body + b'\nendobj\n'
    xref = len(out)
    out += b'xref\n0 %d\n0000000000 65535 f \n' % (len(objs) + 1)
    out += b''.join(b'%010d 00000 n \n' % o for o in offsets)
    out += b'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (len(objs) + 1, xref)
    return bytes(out)


ELF = b'\x7fELF\x02\x01\x01\x00' + b'\x00' * 8 + b'\x02\x00\x3e\x00\x01\x00\x00\x00' + b'\x00' * 200
ZIP = b'PK\x03\x04\x14\x00\x00\x00\x08\x00' + b'\x00' * 20 + b'evil.exe' + b'\x00' * 64
HTML = b'<!DOCTYPE html><html><head><script>alert(document.cookie)</script></head><body>hi</body></html>\n'


class Attachments(harness.ServerTest):
    server_args = ('--set', 'attachments.max_bytes=%d' % MAX_BYTES,
                   '--set', 'attachments.case_quota_bytes=%d' % QUOTA)

    @classmethod
    def prepare(cls, server):
        cls.passwords = harness.demo_accounts(server)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tok = {login: cls.server.login(login, pw) for login, pw in cls.passwords.items()}

    def open_case(self):
        r = self.server.request('POST', '/v1/orgs/HB/cases',
                                {'category': 'CARD', 'name': '김민원', 'contact': '010-2222-3333',
                                 'subject': '카드 결제 오류', 'text': '명세서를 첨부합니다.'})
        self.assertEqual(r.status, 201, r)
        return r.json['receipt'], r.json['access_code']

    def upload(self, receipt, code, name, data):
        return self.server.request('POST', '/v1/cases/%s/attachments?name=%s' % (receipt, urllib.parse.quote(name)),
                                   raw=data, headers={'X-Access-Code': code, 'Content-Type': 'application/pdf'})

    def staff_upload(self, login, receipt, name, data):
        return self.server.request('POST', '/v1/orgs/HB/cases/%s/attachments?name=%s' % (receipt, urllib.parse.quote(name)),
                                   raw=data, token=self.tok[login])

    def download(self, receipt, code, seq):
        return self.server.request('GET', '/v1/cases/%s/attachments/%d' % (receipt, seq),
                                   headers={'X-Access-Code': code})

    def test_a_name_that_lies_is_refused(self):
        receipt, code = self.open_case()
        cases = [('statement.pdf', ELF, 'content'),      # a program dressed as a PDF
                 ('statement.pdf', ZIP, 'content'),      # an archive dressed as a PDF
                 ('note.txt', HTML, 'content'),          # a web page dressed as text
                 ('photo.png', b'', 'content'),          # nothing at all
                 ('statement.pdf', png_bytes(), 'name'),  # a real image named as a PDF
                 ('scan.jpg', pdf_bytes(), 'name'),      # a real PDF named as an image
                 ('statement.exe', pdf_bytes(), 'name'),  # an extension that is no allowed type
                 ('../../etc/passwd.pdf', pdf_bytes(), 'name')]
        for name, data, field in cases:
            with self.subTest(name=name, field=field):
                r = self.upload(receipt, code, name, data)
                self.assertEqual(r.status, 400, r)
                self.assertEqual(r.json['error']['field'], field, r)
        case = self.server.request('GET', '/v1/cases/' + receipt, headers={'X-Access-Code': code}).json
        self.assertEqual(case['attachments'], [])
        self.assertNotIn('attachment', [e['kind'] for e in case['events']])

    def test_file_shows_in_the_timeline_and_downloads_identical(self):
        receipt, code = self.open_case()
        pdf = pdf_bytes('Statement 2026-11')
        r = self.upload(receipt, code, '카드 명세서 11월.pdf', pdf)
        self.assertEqual(r.status, 201, r)
        att = r.json['attachments'][0]
        self.assertEqual(att['name'], '카드 명세서 11월.pdf')
        self.assertEqual(att['type'], 'application/pdf')   # from the content; the request said nothing true
        self.assertEqual(att['size'], len(pdf))
        self.assertEqual(att['sha256'], hashlib.sha256(pdf).hexdigest())
        ev = r.json['events'][att['seq']]
        self.assertEqual((ev['kind'], ev['actor']['role'], ev['detail']), ('attachment', 'customer', 'application/pdf'))
        self.assertEqual(ev['attachment'], att)
        self.assertEqual(r.json['head']['seq'], att['seq'])  # the signed head covers the file's event

        self.assertEqual(self.download(receipt, code, att['seq']).status, 200)
        raw = self.raw_download('/v1/cases/%s/attachments/%d' % (receipt, att['seq']), {'X-Access-Code': code})
        self.assertEqual(raw['body'], pdf)                   # byte for byte
        self.assertEqual(raw['headers']['Content-Type'], 'application/pdf')
        self.assertEqual(raw['headers']['X-Content-Type-Options'], 'nosniff')
        self.assertIn("filename*=UTF-8''%s" % urllib.parse.quote('카드 명세서 11월.pdf'),
                      raw['headers']['Content-Disposition'])
        self.assertTrue(raw['headers']['Content-Disposition'].startswith('attachment;'))

        # the agent answers with an image; the customer sees it like any answer and gets the same bytes
        png = png_bytes(3, 1)
        s = self.staff_upload('hb.agent', receipt, 'receipt-scan.png', png)
        self.assertEqual(s.status, 201, s)
        case = self.server.request('GET', '/v1/cases/' + receipt, headers={'X-Access-Code': code}).json
        self.assertEqual([a['type'] for a in case['attachments']], ['application/pdf', 'image/png'])
        staff_ev = case['events'][case['attachments'][1]['seq']]
        self.assertEqual(staff_ev['actor']['role'], 'agent')
        self.assertEqual(staff_ev['attachment']['sha256'], hashlib.sha256(png).hexdigest())
        raw = self.raw_download('/v1/cases/%s/attachments/%d' % (receipt, staff_ev['seq']), {'X-Access-Code': code})
        self.assertEqual(raw['body'], png)
        self.assertEqual(raw['headers']['Content-Type'], 'image/png')

        # UTF-8 text is fine too; it is served as text with its charset
        text = '결제일: 2026-11-25\n금액: 12,300원\n'.encode()
        t = self.upload(receipt, code, 'memo', text)         # no extension: the content decides
        self.assertEqual(t.status, 201, t)
        seq = t.json['attachments'][-1]['seq']
        raw = self.raw_download('/v1/cases/%s/attachments/%d' % (receipt, seq), {'X-Access-Code': code})
        self.assertEqual((raw['body'], raw['headers']['Content-Type']), (text, 'text/plain; charset=utf-8'))

        # the chain still verifies with the files' events in it
        v = self.server.request('GET', '/v1/cases/%s/verify' % receipt, headers={'X-Access-Code': code})
        self.assertEqual(v.status, 200, v)
        self.assertTrue(v.json['intact'], v.json)

        # the event commits to the content's SHA-256 (with the name, type and size) under the
        # salt kept beside the chain, as docs/chain.md says; checked here as an auditor would
        [row] = self.server.query('SELECT a.salt, a.sha256, a.name, a.mime, a.size, e.commitment FROM case_attachments a '
                                  'JOIN case_events e ON e.case_id = a.case_id AND e.seq = a.seq JOIN cases c ON '
                                  'c.id = a.case_id WHERE c.receipt = ? AND a.seq = ?', receipt, att['seq'])
        salt, digest, name, mime, size, commitment = row
        self.assertEqual(digest, hashlib.sha256(pdf).digest())
        h = hashlib.blake2b(key=salt, digest_size=32)
        for datum in (digest, name.encode(), mime.encode(), str(size).encode()):
            h.update(struct.pack('>I', len(datum)) + datum)
        self.assertEqual(h.digest(), commitment)

        # nobody else reads them: a wrong code, no code, a seq that is no file, another organisation's staff
        self.assertEqual(self.download(receipt, 'WRONG-CODE', att['seq']).status, 404)
        self.assertEqual(self.server.request('GET', '/v1/cases/%s/attachments/%d' % (receipt, att['seq'])).status, 404)
        self.assertEqual(self.download(receipt, code, 0).status, 404)
        staff_get = self.server.request('GET', '/v1/orgs/HB/cases/%s/attachments/%d' % (receipt, att['seq']),
                                        token=self.tok['hb.card'])
        self.assertEqual(staff_get.status, 200, staff_get)
        self.assertEqual(self.server.request('GET', '/v1/orgs/CC/cases/%s/attachments/%d' % (receipt, att['seq']),
                                             token=self.tok['cc.agent']).status, 404)

    def test_size_and_quota(self):
        receipt, code = self.open_case()
        big = ('가' * (MAX_BYTES // 3 + 1)).encode()          # over attachments.max_bytes
        r = self.upload(receipt, code, 'big.txt', big)
        self.assertEqual(r.status, 413, r)
        part = ('나' * (45000 // 3)).encode()                 # 45 kB each: two fit in 100 kB, not three
        self.assertEqual(self.upload(receipt, code, 'one.txt', part).status, 201)
        self.assertEqual(self.upload(receipt, code, 'two.txt', part).status, 201)  # the same content twice is fine
        third = self.upload(receipt, code, 'three.txt', part)
        self.assertEqual(third.status, 413, third)
        self.assertIn('quota', third.json['error']['message'])
        case = self.server.request('GET', '/v1/cases/' + receipt, headers={'X-Access-Code': code}).json
        self.assertEqual(len(case['attachments']), 2)
        self.assertEqual(sum(a['size'] for a in case['attachments']), 2 * len(part))

    def verify(self, receipt, code):
        v = self.server.request('GET', '/v1/cases/%s/verify' % receipt, headers={'X-Access-Code': code})
        self.assertEqual(v.status, 200, v)
        return v.json

    def test_verify_rechecks_each_file_against_its_commitment(self):
        receipt, code = self.open_case()
        text = b'Paid 12300 won on 2026-11-25, case %s\n' % receipt.encode()
        r = self.upload(receipt, code, 'paid.txt', text)
        self.assertEqual(r.status, 201, r)
        seq = r.json['attachments'][0]['seq']
        self.assertEqual(self.staff_upload('hb.agent', receipt, 'scan.png', png_bytes(5, 2)).status, 201)
        self.assertTrue(self.verify(receipt, code)['intact'])
        case_id = 'SELECT id FROM cases WHERE receipt = ?'

        # the stored content changed behind ombud's back, same length: verify names the file's event
        forged = text.replace(b'12300', b'99300')
        self.server.sql('UPDATE blobs SET data = ? WHERE sha256 = (SELECT sha256 FROM case_attachments '
                        'WHERE case_id = (%s) AND seq = ?)' % case_id, forged.decode(), receipt, seq)
        v = self.verify(receipt, code)
        self.assertEqual((v['intact'], v['fault'], v.get('event')), (False, 'data_altered', seq), v)
        self.server.sql('UPDATE blobs SET data = ? WHERE sha256 = (SELECT sha256 FROM case_attachments '
                        'WHERE case_id = (%s) AND seq = ?)' % case_id, text.decode(), receipt, seq)
        self.assertTrue(self.verify(receipt, code)['intact'])

        # the row beside the chain changed: a new name, or another file's hash
        self.server.sql('UPDATE case_attachments SET name = ? WHERE case_id = (%s) AND seq = ?' % case_id,
                        'receipt.txt', receipt, seq)
        v = self.verify(receipt, code)
        self.assertEqual((v['intact'], v['fault'], v.get('event')), (False, 'data_altered', seq), v)
        self.server.sql('UPDATE case_attachments SET name = ? WHERE case_id = (%s) AND seq = ?' % case_id,
                        'paid.txt', receipt, seq)
        self.server.sql('UPDATE case_attachments SET size = size + 1 WHERE case_id = (%s) AND seq = ?' % case_id,
                        receipt, seq)
        v = self.verify(receipt, code)
        self.assertEqual((v['intact'], v['fault'], v.get('event')), (False, 'data_altered', seq), v)
        staff = self.server.request('GET', '/v1/orgs/HB/cases/%s/verify' % receipt, token=self.tok['hb.card'])
        self.assertEqual((staff.json['fault'], staff.json['event']), ('data_altered', seq), staff)
        self.server.sql('UPDATE case_attachments SET size = size - 1 WHERE case_id = (%s) AND seq = ?' % case_id,
                        receipt, seq)
        self.assertTrue(self.verify(receipt, code)['intact'])

    def raw_download(self, path, headers):
        """The response's bytes as sent (harness.Response decodes text)."""
        req = urllib.request.Request(self.server.base + path, headers=headers)
        with urllib.request.urlopen(req, timeout=30) as resp:
            return {'body': resp.read(), 'headers': resp.headers}


if __name__ == '__main__':
    harness.main()
