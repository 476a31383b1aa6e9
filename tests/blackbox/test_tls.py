"""HTTPS: `ombud serve` with a throw-away self-signed certificate, made with
the openssl CLI in the test's folder, talked to by a client that verifies the
server against that certificate: health and login work, the session cookie
is Secure, plain HTTP to the port gets nothing, the key never shows."""
import http.client
import os
import ssl
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def make_certificate(folder, name):
    cert, key = os.path.join(folder, name + '.pem'), os.path.join(folder, name + '.key')
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
                    '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost',
                    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def key_body(key):
    with open(key) as f:
        return [line.strip() for line in f if line.strip() and not line.startswith('-----')]


class Https(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server()
        cls.cert, cls.key = make_certificate(cls.server.dir, 'server')
        cls.server.use_tls(cls.cert, cls.key)
        cls.server.add_user('HB', 'hb.admin', 'admin')
        cls.server.start()

    def test_healthz_over_verified_tls(self):
        r = self.server.request('GET', '/healthz')
        self.assertTrue(self.server.base.startswith('https://'))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json['status'], 'ok')

    def test_an_unknown_certificate_is_not_trusted(self):
        other, _ = make_certificate(self.server.dir, 'other')
        context = ssl.create_default_context(cafile=other)
        conn = http.client.HTTPSConnection('127.0.0.1', self.server.port, timeout=10, context=context)
        with self.assertRaises(ssl.SSLCertVerificationError):
            conn.request('GET', '/healthz')
        conn.close()

    def test_login_sets_a_secure_cookie_that_works(self):
        r = self.server.request('POST', '/v1/auth/login', {'login': 'hb.admin', 'password': 'correct-horse-battery'})
        self.assertEqual(r.status, 200, r)
        cookie = r.headers['Set-Cookie']
        attrs = [a.strip() for a in cookie.split(';')]
        self.assertIn('Secure', attrs)
        self.assertIn('HttpOnly', attrs)
        session = attrs[0]
        me = self.server.request('GET', '/v1/me', headers={'Cookie': session})
        self.assertEqual(me.status, 200, me)
        self.assertEqual(me.json['role'], 'admin')
        out = self.server.request('POST', '/v1/auth/logout', {}, headers={'Cookie': session,
                                                                           'X-CSRF-Token': r.json['csrf']})
        self.assertEqual(out.status, 200, out)
        self.assertIn('Secure', [a.strip() for a in out.headers['Set-Cookie'].split(';')])

    def test_plain_http_to_the_tls_port_fails(self):
        conn = http.client.HTTPConnection('127.0.0.1', self.server.port, timeout=10)
        try:
            conn.request('GET', '/healthz')
            status = conn.getresponse().status
        except (OSError, http.client.HTTPException):
            status = None
        finally:
            conn.close()
        self.assertIsNone(status, 'plain HTTP got an answer from the HTTPS port')
        self.assertEqual(self.server.request('GET', '/healthz').status, 200)   # and the server goes on

    def test_print_config_masks_the_key_and_the_log_never_shows_it(self):
        p = self.server.cli('serve', '--tls-cert', self.cert, '--tls-key', self.key, '--print-config')
        self.assertIn('tls_cert = ' + self.cert, p.stdout)
        self.assertIn('tls_key = ********', p.stdout)
        self.assertNotIn(self.key, p.stdout)
        log = self.server.log()
        self.assertIn('scheme=https', log)
        for line in key_body(self.key):
            self.assertNotIn(line, log)


class HttpsRefusals(unittest.TestCase):
    """Bad TLS settings stop `serve` at once, naming the setting."""
    def setUp(self):
        self.server = harness.Server()
        self.addCleanup(self.server.cleanup)

    def serve(self, *args):
        return self.server.cli('serve', '--port', '0', *args, check=False)

    def test_a_key_without_a_certificate(self):
        _, key = make_certificate(self.server.dir, 'a')
        p = self.serve('--tls-key', key)
        self.assertEqual(p.returncode, 2)
        self.assertIn('server.tls_cert', p.stderr)

    def test_an_unreadable_key(self):
        cert, _ = make_certificate(self.server.dir, 'a')
        p = self.serve('--tls-cert', cert, '--tls-key', os.path.join(self.server.dir, 'missing.key'))
        self.assertEqual(p.returncode, 1)
        self.assertIn('server.tls_key: cannot read', p.stderr)

    def test_a_key_that_does_not_match_the_certificate(self):
        cert, _ = make_certificate(self.server.dir, 'a')
        _, key = make_certificate(self.server.dir, 'b')
        p = self.serve('--tls-cert', cert, '--tls-key', key)
        self.assertEqual(p.returncode, 1)
        self.assertIn('server.tls_cert and server.tls_key', p.stderr)
        for line in key_body(key):
            self.assertNotIn(line, p.stderr)


if __name__ == '__main__':
    unittest.main(verbosity=2)
