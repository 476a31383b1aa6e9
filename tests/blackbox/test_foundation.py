"""The foundation through the real binary: errors, sessions, CSRF, API keys,
rate limits, static files, metrics, the CLI and configuration."""
import http.client
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


class Foundation(harness.ServerTest):
    @classmethod
    def prepare(cls, server):
        server.add_user('HB', 'hb.admin', 'admin')
        server.add_user('HB', 'hb.agent', 'agent')
        server.add_user('OB', 'ob.admin', 'admin')

    def setUp(self):
        self.admin = self.server.login('hb.admin')

    def assert_error(self, r, status, code=None, field=None):
        self.assertEqual(r.status, status, r)
        self.assertIsInstance(r.json, dict, r)
        err = r.json.get('error')
        self.assertIsInstance(err, dict, r)
        self.assertTrue(err.get('message'), r)
        if code:
            self.assertEqual(err.get('code'), code, r)
        if field:
            self.assertEqual(err.get('field'), field, r)

    def assert_still_serving(self):
        self.assertEqual(self.server.request('GET', '/healthz').status, 200)

    def test_healthz(self):
        r = self.server.request('GET', '/healthz')
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json['status'], 'ok')
        self.assertEqual(r.json['store'], harness.STORE)
        self.assertGreaterEqual(r.json['schema'], 1)
        self.assertRegex(r.headers['X-Request-Id'], r'^[0-9a-f]{16}$')

    def test_request_id_is_echoed_when_sane(self):
        r = self.server.request('GET', '/healthz', headers={'X-Request-Id': 'trace-42'})
        self.assertEqual(r.headers['X-Request-Id'], 'trace-42')
        r = self.server.request('GET', '/healthz', headers={'X-Request-Id': 'bad id with spaces'})
        self.assertNotEqual(r.headers['X-Request-Id'], 'bad id with spaces')

    def test_body_over_limit(self):
        body = {'code': 'X', 'name': 'a' * 9000}
        r = self.server.request('POST', '/v1/orgs/HB/departments', body, token=self.admin)
        self.assert_error(r, 413, 'too_large')
        self.assert_still_serving()

    def test_body_over_limit_chunked(self):
        conn = http.client.HTTPConnection('127.0.0.1', self.server.port, timeout=10)
        chunks = (b'{"name": "' + b'x' * 4000 for _ in range(4))
        conn.request('POST', '/v1/orgs/HB/departments', body=chunks,
                     headers={'Authorization': 'Bearer ' + self.admin, 'Transfer-Encoding': 'chunked'},
                     encode_chunked=True)
        resp = conn.getresponse()
        self.assertEqual(resp.status, 413)
        self.assertEqual(json.loads(resp.read())['error']['code'], 'too_large')
        conn.close()
        self.assert_still_serving()

    def test_path_too_long(self):
        r = self.server.request('GET', '/v1/orgs/' + 'H' * 600 + '/departments', token=self.admin)
        self.assert_error(r, 414, 'uri_too_long')
        self.assert_still_serving()

    def test_malformed_json(self):
        r = self.server.request('POST', '/v1/orgs/HB/departments', raw=b'{"code": "X",', token=self.admin)
        self.assert_error(r, 400, 'bad_json')
        self.assertIn('line 1', r.json['error']['message'])
        r = self.server.request('POST', '/v1/orgs/HB/departments', raw=b'[1,2]', token=self.admin)
        self.assert_error(r, 400, 'bad_json')
        r = self.server.request('POST', '/v1/orgs/HB/departments', raw=b'{"a":1,"a":2}', token=self.admin)
        self.assert_error(r, 400, 'bad_json')
        self.assert_still_serving()

    def test_invalid_field_is_named(self):
        r = self.server.request('POST', '/v1/orgs/HB/departments', {'code': 'CARD'}, token=self.admin)
        self.assert_error(r, 400, 'invalid', field='name')
        r = self.server.request('POST', '/v1/orgs/HB/departments', {'code': 7, 'name': 'x'}, token=self.admin)
        self.assert_error(r, 400, 'invalid', field='code')
        r = self.server.request('POST', '/v1/orgs/HB/departments', {'code': 'lower', 'name': 'x'}, token=self.admin)
        self.assert_error(r, 400, 'invalid', field='code')

    def test_unknown_route_and_method(self):
        self.assert_error(self.server.request('GET', '/v1/nothing/here'), 404, 'no_route')
        self.assert_error(self.server.request('DELETE', '/v1/orgs'), 405, 'method_not_allowed')
        self.assert_error(self.server.request('GET', '/v1/orgs/NOPE'), 404, field='org')
        self.assert_still_serving()

    def test_missing_and_bad_token(self):
        self.assert_error(self.server.request('GET', '/v1/me'), 401, 'unauthorized')
        self.assert_error(self.server.request('GET', '/v1/me', token='ombs_aaaaaaaaaaaa_' + 'A' * 43), 401)
        self.assert_error(self.server.request('GET', '/v1/me', token='garbage'), 401)
        self.assert_still_serving()

    def test_wrong_role(self):
        agent = self.server.login('hb.agent')
        r = self.server.request('POST', '/v1/orgs/HB/staff', {'login': 'x.y', 'password': 'p' * 12, 'role': 'agent'},
                                token=agent)
        self.assert_error(r, 403, 'forbidden')
        self.assert_still_serving()

    def test_other_organisation(self):
        other = self.server.login('ob.admin')
        self.assert_error(self.server.request('GET', '/v1/orgs/HB/staff', token=other), 403, 'forbidden')
        r = self.server.request('POST', '/v1/orgs/HB/departments', {'code': 'EVIL', 'name': 'x'}, token=other)
        self.assert_error(r, 403)
        self.assert_still_serving()

    def test_login_logout(self):
        r = self.server.request('POST', '/v1/auth/login', {'login': 'hb.agent', 'password': 'wrong-password!'})
        self.assert_error(r, 401)
        r = self.server.request('POST', '/v1/auth/login', {'login': 'nobody', 'password': 'wrong-password!'})
        self.assert_error(r, 401)
        token = self.server.login('hb.agent')
        me = self.server.request('GET', '/v1/me', token=token)
        self.assertEqual(me.status, 200)
        self.assertEqual(me.json['role'], 'agent')
        self.assertEqual(me.json['org'], {'code': 'HB', 'kind': 'company'})
        self.assertRegex(me.json['staff_code'], r'^HB-AGT-\d{4}$')
        self.assertEqual(self.server.request('POST', '/v1/auth/logout', {}, token=token).status, 200)
        self.assert_error(self.server.request('GET', '/v1/me', token=token), 401)

    def test_cookie_session_needs_csrf_for_writes(self):
        r = self.server.request('POST', '/v1/auth/login', {'login': 'hb.admin', 'password': 'correct-horse-battery'})
        cookie = r.headers['Set-Cookie']
        self.assertIn('HttpOnly', cookie)
        self.assertIn('SameSite=Strict', cookie)
        session = cookie.split(';')[0]
        csrf = r.json['csrf']
        self.assertEqual(self.server.request('GET', '/v1/me', headers={'Cookie': session}).status, 200)
        body = {'code': 'CSRF', 'name': 'CSRF test'}
        r = self.server.request('POST', '/v1/orgs/HB/departments', body, headers={'Cookie': session})
        self.assert_error(r, 403, 'csrf')
        r = self.server.request('POST', '/v1/orgs/HB/departments', body,
                                headers={'Cookie': session, 'X-CSRF-Token': 'csrf_wrong'})
        self.assert_error(r, 403, 'csrf')
        r = self.server.request('POST', '/v1/orgs/HB/departments', body,
                                headers={'Cookie': session, 'X-CSRF-Token': csrf})
        self.assertEqual(r.status, 201, r)

    def test_staff_and_directory(self):
        r = self.server.request('POST', '/v1/orgs/HB/departments',
                                {'code': 'LOAN', 'name': '여신부', 'name_en': 'Loans', 'contact_line': '02-3700-1200',
                                 'manager_title': '여신부장'}, token=self.admin)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json['code'], 'LOAN')
        dup = self.server.request('POST', '/v1/orgs/HB/departments', {'code': 'LOAN', 'name': 'again'}, token=self.admin)
        self.assert_error(dup, 409, field='code')
        directory = self.server.request('GET', '/v1/orgs/HB/departments')
        self.assertEqual(directory.status, 200)
        self.assertIn('02-3700-1200', [d['contact_line'] for d in directory.json['items']])
        r = self.server.request('POST', '/v1/orgs/HB/staff',
                                {'login': 'hb.loan', 'password': 'long-enough-pw', 'role': 'practitioner',
                                 'dept': 'LOAN'}, token=self.admin)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json['dept'], 'LOAN')
        self.assertRegex(r.json['staff_code'], r'^HB-PRC-\d{4}$')
        r = self.server.request('POST', '/v1/orgs/HB/staff',
                                {'login': 'hb.reg', 'password': 'long-enough-pw', 'role': 'regulator'}, token=self.admin)
        self.assert_error(r, 400, field='role')
        staff = self.server.request('GET', '/v1/orgs/HB/staff', token=self.admin)
        self.assertIn('hb.loan', [s['login'] for s in staff.json['items']])
        self.assertNotIn('ob.admin', [s['login'] for s in staff.json['items']])
        self.assertNotIn('password', staff.raw)

    def test_pagination(self):
        first = self.server.request('GET', '/v1/orgs?limit=1')
        self.assertEqual(len(first.json['items']), 1)
        self.assertIsNotNone(first.json['next_after'])
        rest = self.server.request('GET', '/v1/orgs?limit=100&after=%d' % first.json['next_after'])
        codes = [o['code'] for o in first.json['items'] + rest.json['items']]
        self.assertEqual(sorted(codes), ['HB', 'OB'])
        self.assertIsNone(rest.json['next_after'])
        self.assert_error(self.server.request('GET', '/v1/orgs?limit=0'), 400, field='limit')
        self.assert_error(self.server.request('GET', '/v1/orgs?after=x'), 400, field='after')

    def test_api_key_is_limited_to_its_routes(self):
        r = self.server.request('POST', '/v1/orgs/HB/api-keys', {'name': 'dialer', 'scopes': 'tm.disclose'},
                                token=self.admin)
        self.assertEqual(r.status, 201, r)
        key = r.json['key']
        self.assertTrue(key.startswith('ombk_'))
        me = self.server.request('GET', '/v1/me', token=key)
        self.assertEqual(me.status, 200)
        self.assertEqual(me.json['role'], 'machine')
        self.assert_error(self.server.request('GET', '/v1/orgs/HB/staff', token=key), 403)
        self.assert_error(self.server.request('POST', '/v1/auth/logout', {}, token=key), 403)
        bad = self.server.request('POST', '/v1/orgs/HB/api-keys', {'name': 'x', 'scopes': 'DROP TABLE'}, token=self.admin)
        self.assert_error(bad, 400, field='scopes')

    def test_static_files(self):
        r = self.server.request('GET', '/')
        self.assertEqual(r.status, 200)
        self.assertIn('text/html', r.headers['Content-Type'])
        self.assertIn('ombud', r.raw)
        self.assert_error(self.server.request('GET', '/../../etc/passwd'), 404)
        self.assert_error(self.server.request('GET', '/.hidden'), 404)
        self.assert_error(self.server.request('GET', '/no-such-page.html'), 404)

    def test_metrics_count_requests(self):
        self.server.request('GET', '/v1/orgs/NOPE')
        text = self.server.request('GET', '/metrics').raw
        self.assertRegex(text, r'ombud_http_requests_total\{method="GET",route="/v1/orgs/\{org\}",status="404"\} [1-9]')
        self.assertIn('ombud_http_request_duration_seconds_bucket', text)
        self.assertRegex(text, r'ombud_store_errors_total \d+')

    def test_test_clock_moves_time(self):
        before = self.server.request('POST', '/v1/test/clock', {'advance_ms': 0}).json['now_ms']
        after = self.server.request('POST', '/v1/test/clock', {'advance_ms': 86400000})
        self.assertEqual(after.status, 200, after)
        self.assertGreaterEqual(after.json['now_ms'] - before, 86400000)
        self.assert_error(self.server.request('POST', '/v1/test/clock', {'advance_ms': -5}), 400, field='advance_ms')

    def test_access_log_has_no_secrets(self):
        token = self.server.login('hb.agent')
        self.server.request('GET', '/v1/me?token=leak', token=token)
        deadline = time.monotonic() + 5  # access lines are written in blocks, at least every 100 ms
        while 'path=/v1/me ' not in self.server.log() and time.monotonic() < deadline:
            time.sleep(0.05)
        log = self.server.log()
        self.assertIn('path=/v1/me ', log)
        self.assertNotIn(token, log)
        self.assertNotIn('correct-horse-battery', log)
        self.assertNotIn('token=leak', log)


class WithoutTestMode(harness.ServerTest):
    server_args = ('--set', 'security.login_per_min=3')

    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server(test_mode=False)
        cls.server.start()

    def test_test_routes_do_not_exist(self):
        r = self.server.request('POST', '/v1/test/clock', {'advance_ms': 1})
        self.assertEqual(r.status, 404, r)


class RateLimit(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server('--set', 'security.login_per_min=3', '--set', 'security.lookup_per_min=4',
                                    '--set', 'security.auth_failures_per_min=3')
        cls.server.start()

    def test_case_lookups_are_limited_per_source(self):
        codes = [self.server.request('GET', '/v1/cases/HB-2026-0000001', headers={'X-Access-Code': 'WRONG%d' % i}).status
                 for i in range(6)]
        self.assertEqual(codes[:4], [404] * 4)
        self.assertEqual(codes[4:], [429, 429])

    def test_logins_are_limited_per_source(self):
        codes = [self.server.request('POST', '/v1/auth/login', {'login': 'x', 'password': 'y' * 10}).status
                 for _ in range(5)]
        self.assertEqual(codes[:3], [401, 401, 401])
        self.assertEqual(codes[3:], [429, 429])
        r = self.server.request('POST', '/v1/auth/login', {'login': 'x', 'password': 'y' * 10})
        self.assertEqual(r.error_code(), 'rate_limited')
        self.assertEqual(self.server.request('GET', '/v1/orgs').status, 200)

    def test_unknown_credentials_are_limited_per_source(self):
        guess = {'Authorization': 'Bearer ombk_' + 'x' * 43}
        codes = [self.server.request('GET', '/v1/me', headers=guess).status for _ in range(5)]
        self.assertEqual(codes[:3], [401] * 3)
        self.assertEqual(codes[3:], [429, 429])  # no longer looked up
        r = self.server.request('GET', '/v1/me', headers=guess)
        self.assertEqual(r.error_code(), 'rate_limited')
        self.assertEqual(self.server.request('GET', '/v1/orgs').status, 200)  # public routes go on
        self.server.request('POST', '/v1/test/clock', {'advance_ms': 60000})
        self.assertEqual(self.server.request('GET', '/v1/me', headers=guess).status, 401)  # a minute on


class LogoutRateLimit(harness.ServerTest):
    """Logouts share the logins' bucket, apart from the other rate tests' server."""
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server('--set', 'security.login_per_min=3')
        cls.server.start()

    def test_logouts_are_limited_per_source(self):
        codes = [self.server.request('POST', '/v1/auth/logout', {},
                                     headers={'Authorization': 'Bearer ombs_' + 'x' * 43}).status
                 for _ in range(5)]
        self.assertEqual(codes[:3], [401] * 3)
        self.assertEqual(codes[3:], [429, 429])
        r = self.server.request('POST', '/v1/auth/login', {'login': 'x', 'password': 'y' * 10})
        self.assertEqual(r.error_code(), 'rate_limited')
        self.assertEqual(self.server.request('GET', '/v1/orgs').status, 200)


class LoginFailuresPerLogin(harness.ServerTest):
    """Wrong passwords count per login name, whatever address they come from."""
    server_args = ('--set', 'security.login_failures_per_min=2', '--set', 'server.trusted_proxies=127.0.0.1')

    @classmethod
    def prepare(cls, server):
        server.add_user('HB', 'hb.agent', 'agent')
        server.add_user('HB', 'hb.other', 'agent')

    def login(self, login, password, source):
        return self.server.request('POST', '/v1/auth/login', {'login': login, 'password': password},
                                   headers={'X-Forwarded-For': source})

    def test_guesses_from_many_addresses_make_the_login_wait(self):
        codes = [self.login('hb.agent', 'wrong-guess-%d' % i, '203.0.113.%d' % i).status for i in range(2)]
        self.assertEqual(codes, [401, 401])
        r = self.login('hb.agent', 'correct-horse-battery', '198.51.100.9')
        self.assertEqual(r.status, 429)  # not even the right password is tried while it waits
        self.assertEqual(r.error_code(), 'rate_limited')
        self.assertEqual(self.login('hb.other', 'correct-horse-battery', '203.0.113.0').status, 200)
        self.server.request('POST', '/v1/test/clock', {'advance_ms': 30000})
        self.assertEqual(self.login('hb.agent', 'correct-horse-battery', '198.51.100.9').status, 200)


class BehindAProxy(harness.ServerTest):
    """With server.trusted_proxies, the limits and the log see the client."""
    server_args = ('--set', 'security.login_per_min=3', '--set', 'server.trusted_proxies=10.0.0.0/8, 127.0.0.1')

    def login_from(self, chain):
        return self.server.request('POST', '/v1/auth/login', {'login': 'x', 'password': 'y' * 10},
                                   headers={'X-Forwarded-For': chain}).status

    def test_each_client_behind_the_proxy_has_its_own_limit(self):
        codes = [self.login_from('203.0.113.1') for _ in range(4)]
        self.assertEqual(codes, [401, 401, 401, 429])
        # what the client wrote before the proxies is not believed
        self.assertEqual(self.login_from('203.0.113.2, 203.0.113.1, 10.1.1.1'), 429)
        self.assertEqual(self.login_from('203.0.113.1, 203.0.113.2, 10.1.1.1'), 401)
        deadline = time.monotonic() + 5
        while 'remote=203.0.113.2 ' not in self.server.log() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertIn('remote=203.0.113.2 method=POST path=/v1/auth/login', self.server.log())

    def test_a_start_with_a_wrong_proxy_list_names_it(self):
        bad = harness.Server('--set', 'server.trusted_proxies=10.0.0.0/33')
        try:
            with self.assertRaises(AssertionError) as e:
                bad.start()
            self.assertIn('server.trusted_proxies', str(e.exception))
            self.assertIn('10.0.0.0/33', str(e.exception))
        finally:
            bad.cleanup()


class ForwardedForFromAnyone(harness.ServerTest):
    def test_is_not_believed_without_trusted_proxies(self):
        self.server.request('GET', '/v1/orgs', headers={'X-Forwarded-For': '203.0.113.5'})
        deadline = time.monotonic() + 5
        while 'path=/v1/orgs ' not in self.server.log() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertIn('remote=127.0.0.1 method=GET path=/v1/orgs ', self.server.log())
        self.assertNotIn('203.0.113.5', self.server.log())


class CommandLine(harness.ServerTest):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server()

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def run_ombud(self, *args, env=None):
        return subprocess.run([harness.BIN, *args], capture_output=True, text=True, timeout=60,
                              env=dict(os.environ, **(env or {})))

    COMMANDS = ('serve', 'migrate', 'user', 'org', 'demo', 'screen', 'backup', 'restore', 'routes',
                'version', 'help')

    def test_help_for_every_command(self):
        listed = re.findall(r'^  (\w+) ', self.run_ombud('help').stdout, re.M)
        self.assertEqual(sorted(listed), sorted(self.COMMANDS))
        for cmd in self.COMMANDS:
            for args in (('help', cmd), (cmd, '--help'), (cmd, '-h')):
                p = self.run_ombud(*args)
                self.assertEqual(p.returncode, 0, args)
                self.assertIn('usage: ombud ' + cmd, p.stdout, args)
        for args in (('screen', 'replay', '--help'), ('user', 'add', '--help'), ('screen', 'help')):
            self.assertEqual(self.run_ombud(*args).returncode, 0, args)
        for args in (('version', 'extra'), ('routes', 'extra'), ('screen', 'nosuch')):
            p = self.run_ombud(*args)
            self.assertEqual(p.returncode, 2, args)
            self.assertIn('ombud', p.stderr, args)
        self.assertEqual(self.run_ombud('nosuch').returncode, 2)
        self.assertEqual(self.run_ombud('help', 'nosuch').returncode, 2)
        self.assertRegex(self.run_ombud('version').stdout, r'^ombud \d+\.\d+\.\d+')

    def test_print_config_precedence_and_masking(self):
        cfg = os.path.join(self.server.dir, 'ombud.ini')
        secret = 'ab' * 32
        with open(cfg, 'w') as f:
            f.write('[server]\nport = 9001\nthreads = 3\n[security]\nsecret = %s\n' % secret)
        p = self.run_ombud('serve', '--config', cfg, '--threads', '5', '--print-config',
                           env={'OMBUD_SERVER_PORT': '9002'})
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('port = 9002', p.stdout)
        self.assertIn('threads = 5', p.stdout)
        self.assertIn('secret = ********', p.stdout)
        self.assertNotIn(secret, p.stdout + p.stderr)

    def test_bad_config_names_key_and_line(self):
        cfg = os.path.join(self.server.dir, 'bad.ini')
        with open(cfg, 'w') as f:
            f.write('[server]\nlisten = 127.0.0.1\nport = lots\n')
        p = self.run_ombud('serve', '--config', cfg)
        self.assertEqual(p.returncode, 2)
        self.assertIn('server.port', p.stderr)
        self.assertIn('line 3', p.stderr)
        p = self.run_ombud('serve', '--set', 'server.nosuch=1')
        self.assertEqual(p.returncode, 2)
        self.assertIn('unknown setting', p.stderr)

    def test_bad_screening_rules_file_names_its_line(self):
        rules = os.path.join(self.server.dir, 'rules.ini')
        with open(rules, 'w') as f:
            f.write('# rules\nvol_1m = 5\nvol_10m = lots\nnosuch = 1\n')
        p = self.server.cli('serve', '--port', '0', '--set', 'screen.config=' + rules, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn('screen.config: %s:3: not a number' % rules, p.stderr)

    def test_settings_checked_at_start_exit_2_too(self):
        for setting, named in (('desk.holidays=2026-13', 'desk.holidays'), ('outbox.backoff_max_s=1', 'outbox'),
                               ('log.format=xml', 'log.format: unknown value xml')):
            p = self.server.cli('migrate', '--set', setting, check=False)
            self.assertEqual(p.returncode, 2, (setting, p.stderr))
            self.assertIn(named, p.stderr)

    def test_migrate_and_first_admin(self):
        p = self.server.cli('migrate')
        self.assertRegex(p.stdout, r'schema version [1-9]')
        p = self.server.cli('user', 'add', '--org', 'NEW', '--org-kind', 'regulator', '--login', 'first.admin')
        self.assertIn('created first.admin (admin', p.stdout)
        self.assertRegex(p.stdout, r'password \(shown once\): \S{20}')
        p = self.server.cli('user', 'add', '--org', 'NEW', '--login', 'first.admin', check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn('login', p.stderr)

    def test_routes_table_is_json(self):
        routes = json.loads(self.run_ombud('routes').stdout)
        paths = {(r['method'], r['path']) for r in routes}
        self.assertIn(('GET', '/healthz'), paths)
        self.assertIn(('POST', '/v1/auth/login'), paths)
        for r in routes:
            self.assertTrue(r['public'] or r['roles'], r)

    def test_demo_prints_passwords_once(self):
        first = self.server.cli('demo')
        self.assertRegex(first.stdout, r'hb\.admin\s+admin\s+HB-ADM-\d{4}\s+\S{16}')
        again = self.server.cli('demo')
        self.assertNotRegex(again.stdout, r'hb\.admin\s+admin')
        self.assertIn('already', again.stdout)


if __name__ == '__main__':
    harness.main()
