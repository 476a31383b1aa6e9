"""Delivery of the outbox through the real binary, to real receivers: e-mail to
a private Exim (Debian's exim4) that delivers into a mailbox file this test
reads, and SMS to a small HTTP gateway sink run by this test. A gateway that
fails three times leaves the message dead-lettered, and the agent who sent it
sees that state; an admin puts it back and it is delivered."""
import email
import email.policy
import json
import mailbox
import os
import pwd
import shutil
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SMTP_USER, SMTP_PASSWORD = 'ombud', 'mail-secret'
GATEWAY_TOKEN = 'gw-token-7f3a'
BACKOFF_S = 60
MAX_ATTEMPTS = 3

EXIM_CONF = r'''
primary_hostname = ombud-test.local
qualify_domain = ombud-test.local
spool_directory = @DIR@/spool
log_file_path = @DIR@/%slog
pid_file_path = @DIR@/exim.pid
exim_user = @USER@
exim_group = @USER@
never_users = root
local_interfaces = 127.0.0.1
host_lookup =
rfc1413_hosts =
tls_advertise_hosts =
auth_advertise_hosts = *
keep_environment =
acl_smtp_rcpt = acl_rcpt

begin acl
acl_rcpt:
  accept authenticated = *
  deny message = authentication required

begin routers
everyone:
  driver = accept
  transport = mailbox

begin transports
mailbox:
  driver = appendfile
  file = @DIR@/mail/mailbox
  user = @USER@
  group = @USER@
  mode = 0666

begin authenticators
plain:
  driver = plaintext
  public_name = PLAIN
  server_prompts = :
  server_condition = ${if and {{eq{$auth2}{@SMTP_USER@}}{eq{$auth3}{@SMTP_PASSWORD@}}}}
  server_set_id = $auth2
'''


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def wait_for(what, fn, timeout=30):
    """Polls fn until it returns something true, and returns that."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = fn()
        if got:
            return got
        time.sleep(0.1)
    raise AssertionError('timed out waiting for ' + what)


class Exim:
    """A private exim daemon on a free loopback port that accepts only mail
    from the SMTP user and appends every message to one mailbox file."""

    def __init__(self):
        binary = shutil.which('exim4') or shutil.which('exim')
        if not binary:
            raise AssertionError('exim4 is missing: tools/deps.sh installs exim4-daemon-light')
        self.binary = binary
        self.dir = os.path.join(os.path.realpath('/tmp'), 'ombud-exim-%d-%d' % (os.getpid(), free_port()))
        self.port = free_port()
        self.proc = None

    def start(self):
        # exim drops root for a private configuration, and delivers as its own
        # user: the folders must be open to it
        for sub in ('', 'spool', 'mail'):
            os.makedirs(os.path.join(self.dir, sub), exist_ok=True)
            os.chmod(os.path.join(self.dir, sub), 0o777)
        user = 'Debian-exim' if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
        conf = os.path.join(self.dir, 'exim.conf')
        with open(conf, 'w') as f:
            f.write(EXIM_CONF.replace('@DIR@', self.dir).replace('@USER@', user)
                    .replace('@SMTP_USER@', SMTP_USER).replace('@SMTP_PASSWORD@', SMTP_PASSWORD))
        self.proc = subprocess.Popen([self.binary, '-C', conf, '-bdf', '-oX', str(self.port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

        def listening():
            if self.proc.poll() is not None:
                raise AssertionError('exim exited: %s\n%s' % (self.proc.stderr.read().decode(), self.log()))
            try:
                socket.create_connection(('127.0.0.1', self.port), timeout=1).close()
                return True
            except OSError:
                return False
        wait_for('exim to listen', listening)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)

    def log(self):
        try:
            with open(os.path.join(self.dir, 'mainlog'), errors='replace') as f:
                return f.read()
        except OSError:
            return ''

    def messages(self):
        path = os.path.join(self.dir, 'mail', 'mailbox')
        if not os.path.exists(path):
            return []
        box = mailbox.mbox(path, factory=lambda f: email.message_from_binary_file(f, policy=email.policy.default))
        try:
            return list(box)
        finally:
            box.close()


class Sink:
    """The SMS gateway: records every POST; answers 500 for numbers told to
    fail, else 200 with an id of its own."""

    def __init__(self):
        self.requests = []
        self.failing = set()
        self.lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
                with sink.lock:
                    req = {'path': self.path, 'headers': dict(self.headers), 'json': json.loads(body)}
                    sink.requests.append(req)
                    fail = req['json'].get('to') in sink.failing
                    n = len(sink.requests)
                answer = b'{"error": "upstream down"}' if fail else json.dumps({'id': 'sink-%d' % n}).encode()
                self.send_response(500 if fail else 200)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.http = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.port = self.http.server_address[1]
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.http.shutdown()
        self.http.server_close()

    def for_key(self, key):
        with self.lock:
            return [r for r in self.requests if r['headers'].get('Idempotency-Key') == key]


class Delivery(harness.ServerTest):
    @classmethod
    def prepare(cls, server):
        cls.passwords = harness.demo_accounts(server)

    @classmethod
    def setUpClass(cls):
        cls.exim, cls.sink = Exim(), Sink()
        cls.exim.start()
        cls.sink.start()
        cls.server_args = (
            '--set', 'outbox.sender=net', '--set', 'outbox.sweep_interval_ms=100',
            '--set', 'outbox.max_attempts=%d' % MAX_ATTEMPTS, '--set', 'outbox.backoff_s=%d' % BACKOFF_S,
            '--set', 'outbox.timeout_s=10',
            '--set', 'smtp.url=smtp://127.0.0.1:%d' % cls.exim.port, '--set', 'smtp.tls=off',
            '--set', 'smtp.user=' + SMTP_USER, '--set', 'smtp.from=noreply@ombud.test',
            '--set', 'gateway.url=http://127.0.0.1:%d/v1/send' % cls.sink.port)
        # secrets by environment, as an operator would pass them
        cls.server_env = {'OMBUD_SMTP_PASSWORD': SMTP_PASSWORD,
                          'OMBUD_GATEWAY_AUTH_HEADER': 'Authorization: Bearer ' + GATEWAY_TOKEN}
        try:
            super().setUpClass()
        except BaseException:
            cls.exim.stop()
            cls.sink.stop()
            raise
        s = cls.server
        cls.tok = {login: s.login(login, pw) for login, pw in cls.passwords.items()}
        cls.code = {login: s.request('GET', '/v1/me', token=t).json['staff_code'] for login, t in cls.tok.items()}

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.exim.stop()
            cls.sink.stop()

    # -- helpers --

    def open_case(self, contact):
        r = self.server.request('POST', '/v1/orgs/HB/cases',
                                {'category': 'CARD', 'name': '김민원', 'contact': contact,
                                 'subject': '카드 한도', 'text': '한도가 왜 줄었는지 알려 주세요.'})
        self.assertEqual(r.status, 201, r)
        return r.json['receipt']

    def stored(self, pred):
        msgs, after = [], 0
        while True:
            page = self.server.request('GET', '/v1/test/outbox?limit=100&after=%d' % after).json['items']
            if not page:
                return [m for m in msgs if pred(m)]
            msgs += page
            after = page[-1]['id']

    def get(self, login, path):
        return self.server.request('GET', path, token=self.tok[login])

    def post(self, login, path, body):
        return self.server.request('POST', path, body, token=self.tok[login])

    def advance(self, ms):
        self.assertEqual(self.server.request('POST', '/v1/test/clock', {'advance_ms': ms}).status, 200)

    # -- stories --

    def test_email_reaches_the_mailbox(self):
        receipt = self.open_case('kim.minwon@example.kr')
        self.assertEqual(self.server.request('POST', '/v1/cases/%s/one-time-code' % receipt, {}).status, 202)
        mine = lambda m: m['ref'] == receipt and m['channel'] == 'email'  # noqa: E731
        sent = wait_for('both e-mails sent',
                        lambda: len(self.stored(mine)) == 2 and all(m['status'] == 'sent' for m in self.stored(mine)))
        self.assertTrue(sent)
        stored = self.stored(mine)
        in_box = lambda: [m for m in self.exim.messages() if m['X-Ombud-Ref'] == receipt]  # noqa: E731
        mails = wait_for('both e-mails in the mailbox', lambda: len(in_box()) == 2 and in_box())
        by_id = {m['Message-ID']: m for m in mails}
        for msg in stored:
            mail = by_id.get('<ombud.%d@ombud.test>' % msg['id'])
            self.assertIsNotNone(mail, (msg['id'], list(by_id)))
            self.assertEqual(mail['To'], 'kim.minwon@example.kr')
            self.assertEqual(mail['From'], 'noreply@ombud.test')
            self.assertEqual(str(mail['Subject']), msg['subject'])
            text = mail.get_content().replace('\r\n', '\n')
            self.assertEqual(text, msg['body'].replace('\r\n', '\n'))
        # the one-time code went out in the clear body only, and the relay saw us log in
        code = [m for m in stored if m['id'] == max(x['id'] for x in stored)][0]['body']
        self.assertTrue(any(ch.isdigit() for ch in code))
        self.assertIn('A=plain:' + SMTP_USER, self.exim.log())
        # the admin sees the delivery, never the body or the whole address
        view = self.get('hb.admin', '/v1/orgs/HB/outbox?status=sent&limit=100')
        self.assertEqual(view.status, 200, view)
        seen = {m['id']: m for m in view.json['items']}
        for msg in stored:
            self.assertEqual(seen[msg['id']]['status'], 'sent')
            self.assertEqual(seen[msg['id']]['provider_ref'], 'ombud.%d@ombud.test' % msg['id'])
            self.assertEqual(seen[msg['id']]['to'], 'ki****kr')
            self.assertNotIn('body', seen[msg['id']])
            self.assertIsNotNone(seen[msg['id']]['sent'])

    def test_sms_reaches_the_gateway(self):
        receipt = self.open_case('010-2345-6789')
        mine = lambda m: m['ref'] == receipt and m['channel'] == 'sms'  # noqa: E731
        msg = wait_for('the SMS sent', lambda: [m for m in self.stored(mine) if m['status'] == 'sent'])[0]
        got = self.sink.for_key('ombud-%d' % msg['id'])
        self.assertEqual(len(got), 1, got)
        req = got[0]
        self.assertEqual(req['path'], '/v1/send')
        self.assertEqual(req['headers'].get('Authorization'), 'Bearer ' + GATEWAY_TOKEN)
        self.assertTrue(req['headers'].get('Content-Type', '').startswith('application/json'))
        self.assertEqual(req['json'], {'id': 'ombud-%d' % msg['id'], 'channel': 'sms', 'to': '+821023456789',
                                       'subject': msg['subject'], 'text': msg['body'], 'ref': receipt})
        view = self.get('hb.admin', '/v1/orgs/HB/outbox/%d' % msg['id'])
        self.assertEqual(view.status, 200, view)
        self.assertEqual(view.json['status'], 'sent')
        self.assertEqual(view.json['attempts'], 1)
        self.assertTrue(view.json['provider_ref'].startswith('sink-'), view.json)
        self.assertEqual(view.json['to'], '01****89')
        self.assertIsNone(view.json['queued_by'])          # the system queued it, not a person

    def test_gateway_failing_three_times_dead_letters_and_the_sender_sees_it(self):
        number, e164 = '010-7777-3131', '+821077773131'
        self.sink.failing.add(e164)
        receipt = self.open_case(number)
        r = self.post('hb.agent', '/v1/orgs/HB/cases/%s/incidents' % receipt,
                      {'kind': 'verbal_abuse', 'text': '야 이 멍청한 것아, 너 같은 건 잘려야 해.'})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(self.post('hb.cardlead', '/v1/orgs/HB/incidents/%d/review' % r.json['id'],
                                   {'decision': 'confirm'}).status, 200)
        self.assertEqual(self.post('hb.agent', '/v1/orgs/HB/cases/%s/warnings' % receipt, {}).status, 201)

        # the agent finds the warning among the messages they queued
        def warning():
            items = self.get('hb.agent', '/v1/orgs/HB/outbox?limit=100').json['items']
            return [m for m in items if m['ref'] == receipt]
        first = wait_for('the first failed try', lambda: [m for m in warning() if m['attempts'] == 1 and
                                                          m['status'] == 'queued'])
        self.assertEqual(len(warning()), 1, warning())     # only the warning: the receipt SMS is not theirs
        wid = first[0]['id']
        self.assertEqual(first[0]['queued_by'], self.code['hb.agent'])
        self.assertEqual(first[0]['last_error'], 'gateway answered HTTP 500')
        self.assertIsNotNone(first[0]['next_attempt'])
        self.assertEqual(first[0]['max_attempts'], MAX_ATTEMPTS)
        key = 'ombud-%d' % wid
        self.assertEqual(len(self.sink.for_key(key)), 1)

        # each back-off passes on the test clock: a second and a third try, then the dead letter
        # (a try counts from its claim: wait until its outcome is recorded, or
        # the clock would move under the send and push the next try further)
        for attempt in (2, 3):
            self.advance(BACKOFF_S * 1000 * 2 ** (attempt - 2) + 1000)
            wait_for('try %d' % attempt, lambda: (lambda v: v['attempts'] == attempt and
                                                  v['status'] in ('queued', 'dead'))(
                self.get('hb.agent', '/v1/orgs/HB/outbox/%d' % wid).json))
            self.assertEqual(len(self.sink.for_key(key)), attempt)
        dead = wait_for('the dead letter', lambda: (lambda v: v if v['status'] == 'dead' else None)(
            self.get('hb.agent', '/v1/orgs/HB/outbox/%d' % wid).json))
        self.assertEqual(dead['attempts'], MAX_ATTEMPTS)
        self.assertEqual(dead['last_error'], 'gateway answered HTTP 500')
        self.assertIsNone(dead['next_attempt'])
        self.assertIsNone(dead['sent'])
        self.assertEqual([r['json']['to'] for r in self.sink.for_key(key)], [e164] * 3)  # the same message each time
        self.advance(6 * 3600 * 1000)   # past any back-off (sessions last 12 h): a dead letter is never tried again
        time.sleep(0.5)
        self.assertEqual(len(self.sink.for_key(key)), MAX_ATTEMPTS)
        listed = self.get('hb.admin', '/v1/orgs/HB/outbox?status=dead&limit=100').json['items']
        self.assertIn(wid, [m['id'] for m in listed])
        metrics = dict(line.rsplit(' ', 1) for line in self.server.request('GET', '/metrics').raw.splitlines()
                       if line.startswith('ombud_outbox_tries_total'))
        self.assertGreaterEqual(int(metrics['ombud_outbox_tries_total{outcome="dead"}']), 1)
        self.assertGreaterEqual(int(metrics['ombud_outbox_tries_total{outcome="retried"}']), MAX_ATTEMPTS - 1)

        # nobody else's business: another agent, the vendor's agent, another org's admin
        self.assertEqual(self.get('cc.agent', '/v1/orgs/CC/outbox/%d' % wid).status, 404)
        self.assertNotIn(wid, [m['id'] for m in self.get('cc.agent', '/v1/orgs/CC/outbox').json['items']])
        self.assertEqual(self.get('hb.agent', '/v1/orgs/HB/outbox?status=lost').json['error']['field'], 'status')
        self.assertEqual(self.post('hb.agent', '/v1/orgs/HB/outbox/%d/retry' % wid, {}).status, 403)

        # the gateway recovers; the admin puts the dead letter back and it goes out
        self.sink.failing.discard(e164)
        again = self.post('hb.admin', '/v1/orgs/HB/outbox/%d/retry' % wid, {})
        self.assertEqual(again.status, 200, again)
        self.assertIn(again.json['status'], ('queued', 'sending', 'sent'))
        done = wait_for('the retried message sent', lambda: (lambda v: v if v['status'] == 'sent' else None)(
            self.get('hb.agent', '/v1/orgs/HB/outbox/%d' % wid).json))
        self.assertEqual(done['attempts'], 1)
        self.assertEqual(len(self.sink.for_key(key)), MAX_ATTEMPTS + 1)
        not_dead = self.post('hb.admin', '/v1/orgs/HB/outbox/%d/retry' % wid, {})
        self.assertEqual(not_dead.status, 409, not_dead)


if __name__ == '__main__':
    harness.main()
