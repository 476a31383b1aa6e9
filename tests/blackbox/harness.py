"""Starts the real ombud binary for black-box tests (standard library only).

Server(...) makes a temporary folder with a fresh database, starts
`ombud serve` on a free loopback port (port 0, read back from --port-file),
waits for GET /healthz, and stops it by its pid. Its log is printed when a
test fails, so a failure shows what the server said.

The store comes from the environment: OMBUD_TEST_STORE=postgres (set by the
_pg variants in meson.build) gives each Server a fresh database on the
cluster named by OMBUD_TEST_PG (tests/pg_cluster.py); otherwise a SQLite
file. server.db is what --db takes either way; server.file is the path the
secret and the screening snapshot are kept beside (the SQLite file itself).
"""
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import pg_cluster  # noqa: E402

BIN = os.environ.get('OMBUD_BIN', os.path.join(os.path.dirname(__file__), '../../build/ombud'))
WEB_ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../web')
START_TIMEOUT_S = 30
STORE = os.environ.get('OMBUD_TEST_STORE', 'sqlite')
PG_BASE = os.environ.get('OMBUD_TEST_PG', '')

if STORE == 'postgres' and not PG_BASE:
    print('harness: no PostgreSQL cluster (run under tests/pg_cluster.py run --)', file=sys.stderr)
    sys.exit(1 if os.environ.get('CI') == 'true' else 77)  # a skip fails under CI


class Response:
    def __init__(self, status, body, headers):
        self.status = status
        self.raw = body
        self.headers = headers
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def error_code(self):
        return (self.json or {}).get('error', {}).get('code')

    def __repr__(self):
        return '<%d %s>' % (self.status, self.raw[:300])


class Server:
    """db: a PostgreSQL URL to share with another Server (a second node on one
    database; give it the first one's secret_file too); None for a fresh one."""
    def __init__(self, *extra_args, test_mode=True, env=None, db=None, secret_file=None):
        self.dir = tempfile.mkdtemp(prefix='ombud-test-')
        self.file = os.path.join(self.dir, 'ombud.db')
        self.owns_db = STORE == 'postgres' and db is None
        self.db = db or (pg_cluster.create_db(PG_BASE) if self.owns_db else self.file)
        self.log_path = os.path.join(self.dir, 'server.log')
        self.extra = list(extra_args) + (['--test-mode'] if test_mode else [])
        self.secret_file = secret_file or self.file + '.secret'
        files = {'OMBUD_SECURITY_SECRET_FILE': self.secret_file, 'OMBUD_SCREEN_SNAPSHOT': self.file + '.screen'}
        self.env = dict(os.environ, **(files if self.db != self.file else {}), **(env or {}))
        self.proc = None
        self.port = None
        self.ca = None      # a PEM file: talk HTTPS, trusting only it (use_tls)

    def cli(self, *args, stdin=None, check=True):
        """Runs `ombud ARGS --db <this db>` and returns the CompletedProcess."""
        p = subprocess.run([BIN, *args, '--db', self.db], input=stdin, capture_output=True, text=True,
                           env=self.env, timeout=120)
        if check and p.returncode != 0:
            raise AssertionError('ombud %s failed (%d): %s' % (' '.join(args), p.returncode, p.stderr))
        return p

    def start(self):
        port_file = os.path.join(self.dir, 'port')
        log = open(self.log_path, 'ab')
        self.proc = subprocess.Popen(
            [BIN, 'serve', '--db', self.db, '--port', '0', '--port-file', port_file,
             '--web-root', WEB_ROOT, '--set', 'security.login_per_min=10000',
             '--set', 'security.lookup_per_min=100000', '--set', 'security.auth_failures_per_min=100000',
             '--set', 'security.login_failures_per_min=10000',
             *self.extra],
            stdout=log, stderr=subprocess.STDOUT, env=self.env)
        log.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError('ombud exited during start:\n' + self.log())
            if os.path.exists(port_file):
                with open(port_file) as f:
                    self.port = int(f.read())
                try:
                    if self.request('GET', '/healthz').status == 200:
                        return self
                except OSError:
                    pass
            time.sleep(0.05)
        raise AssertionError('ombud did not answer /healthz in time:\n' + self.log())

    def stop(self, sig=signal.SIGTERM, timeout=15):
        """Stops the server by its pid and returns its exit code."""
        if not self.proc or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError('ombud did not stop within %ds' % timeout)

    def cleanup(self):
        self.stop()
        if self.owns_db:
            pg_cluster.drop_db(self.db)
        shutil.rmtree(self.dir, ignore_errors=True)

    def sql(self, statement, *params):
        """Runs one statement on the database behind ombud's back; '?' are params."""
        if self.db == self.file:
            import sqlite3
            with sqlite3.connect(self.db) as db:
                db.execute(statement, params)
            return
        self._psql(statement, params)

    def query(self, statement, *params):
        """The rows of one SELECT on the database, read as an auditor would; '?'
        are params. From PostgreSQL, bytea comes back as bytes and integers as
        int, as SQLite gives them (so a text column of digits reads as int)."""
        if self.db == self.file:
            import sqlite3
            db = sqlite3.connect('file:%s?mode=ro' % self.db, uri=True)
            try:
                return db.execute(statement, params).fetchall()
            finally:
                db.close()
        out = self._psql(statement, params, '-A', '-t', '-F', '\x1f', '-R', '\x1e')
        return [tuple(_pg_value(v) for v in line.split('\x1f')) for line in out.split('\x1e') if line]

    def columns(self, table):
        """The column names of one table."""
        if self.db == self.file:
            return [c[1] for c in self.query('SELECT * FROM pragma_table_info(?)', table)]
        return [c for (c,) in self.query('SELECT column_name FROM information_schema.columns WHERE table_name = ?',
                                         table)]

    def _psql(self, statement, params, *options):
        names = ['p%d' % i for i in range(len(params))]
        for n in names:
            statement = statement.replace('?', ":'%s'" % n, 1)
        args = [a for n, v in zip(names, params) for a in ('-v', '%s=%s' % (n, v))]
        return subprocess.run([os.path.join(pg_cluster.pg_bin(), 'psql'), '-X', '-q', '-v', 'ON_ERROR_STOP=1',
                               *options, *args, '-d', self.db], input=statement + ';\n', text=True, check=True,
                              capture_output=True, timeout=60).stdout.rstrip('\n')

    def log(self):
        try:
            with open(self.log_path, errors='replace') as f:
                return f.read()[-6000:]
        except OSError:
            return ''

    def use_tls(self, cert, key):
        """Serves HTTPS with cert and key; requests then verify the server
        against cert as their only CA."""
        self.extra += ['--tls-cert', cert, '--tls-key', key]
        self.ca = cert

    @property
    def base(self):
        return '%s://127.0.0.1:%d' % ('https' if self.ca else 'http', self.port)

    def request(self, method, path, body=None, token=None, headers=None, raw=None, timeout=30):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header('Content-Type', 'application/json')
        if token:
            req.add_header('Authorization', 'Bearer ' + token)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        context = ssl.create_default_context(cafile=self.ca) if self.ca else None
        try:
            with urllib.request.urlopen(req, timeout=timeout, context=context) as resp:
                return Response(resp.status, resp.read().decode('utf-8', 'replace'), resp.headers)
        except urllib.error.HTTPError as e:
            return Response(e.code, e.read().decode('utf-8', 'replace'), e.headers)

    def add_user(self, org, login, role, kind='company', password='correct-horse-battery'):
        self.cli('user', 'add', '--org', org, '--org-kind', kind, '--org-name', org + ' name', '--login', login,
                 '--role', role, '--password-stdin', stdin=password + '\n')
        return password

    def login(self, login, password='correct-horse-battery'):
        r = self.request('POST', '/v1/auth/login', {'login': login, 'password': password})
        if r.status != 200:
            raise AssertionError('login %s failed: %r' % (login, r))
        return r.json['token']


def _pg_value(text):
    if text.startswith('\\x'):
        return bytes.fromhex(text[2:])
    if text.lstrip('-').isdigit():
        return int(text)
    return text


class ServerTest(unittest.TestCase):
    """A test case with one server per class; the log is shown on failure."""
    server_args = ()
    server_env = None   # extra environment variables for the server

    @classmethod
    def setUpClass(cls):
        cls.server = Server(*cls.server_args, env=cls.server_env)
        cls.prepare(cls.server)
        cls.server.start()

    @classmethod
    def prepare(cls, server):
        """Runs before the server starts (CLI set-up on the same database)."""

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        log = cls.server.log()
        cls.server.cleanup()
        if code not in (0, None):
            raise AssertionError('ombud exited %s:\n%s' % (code, log))

    def run(self, result=None):
        failures = len(result.failures) + len(result.errors) if result else 0
        outcome = super().run(result)
        if result and len(result.failures) + len(result.errors) > failures:
            print('\n--- server log (tail) ---\n' + self.server.log())
        return outcome


def main():
    unittest.main(verbosity=2)


def demo_accounts(server):
    """Fills the server's database with `ombud demo` and returns {login: password}."""
    out = server.cli('demo', '--log-level', 'warn').stdout
    accounts = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and '.' in parts[0] and parts[0] != 'login':
            accounts[parts[0]] = parts[3]
    if len(accounts) < 5:
        raise AssertionError('demo printed no accounts:\n' + out)
    return accounts
