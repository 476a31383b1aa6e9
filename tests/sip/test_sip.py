"""Screening in the call path, end to end on loopback (docs/deploy-kamailio.md).

Starts the real ombud binary (screening on, a registry and consumer reports
from files), Kamailio with deploy/kamailio/kamailio.cfg, a SIPp UAS behind it
(tests/sip/uas.xml) and SIPp UACs in front, bound to 127.0.0.2 (domestic trunk
KT-GW1), 127.0.0.3 (international gateway INTL-GW1) and 127.0.0.4 (domestic
trunk LGU-GW1). Caller numbers come from CSV injection files (-inf). Every
verdict is asserted from SIPp's own statistics: a scenario succeeds only
when the expected final answer came (uac_answered.xml: 200, uac_declined.xml:
603 with an ombud Reason header). Everything runs in temporary folders on
free ports and is stopped by pid.

Standard library only. Without kamailio or sipp it skips (exit 77), except
under CI=true, where it fails.
"""
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'blackbox'))
import harness  # noqa: E402

KAMAILIO_CFG = os.path.join(ROOT, 'deploy', 'kamailio', 'kamailio.cfg')
TORTURE = os.path.join(ROOT, 'tests', 'data', 'sip-torture-messages')
DOMESTIC, INTERNATIONAL, WRONG_TRUNK = '127.0.0.2', '127.0.0.3', '127.0.0.4'
TRUNKS = [(1, DOMESTIC, 'KT-GW1'), (2, INTERNATIONAL, 'INTL-GW1'), (1, WRONG_TRUNK, 'LGU-GW1')]
BREAKER_S = 2
INSTITUTION = '0231450000'       # a bank's public number, registered on KT-GW1
TELEMARKETER = '07045450001'     # unregistered, reported by four consumers
NOTICE = '0262000000'            # a school sending a notice: answered, normal length
SIPP_BUF = '4194304'


def free_udp_port(ip):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((ip, 0))
        return s.getsockname()[1]


def stop_pid(proc, sig=signal.SIGTERM, timeout=10):
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def sip_uri(number, host):
    return '<sip:%s@%s>' % (number, host)


class Kamailio:
    def __init__(self, workdir, ombud_url, api_key, next_hop_port, extra_defines=None, node_urls=()):
        """node_urls: with OMBUD_NODES, the nodes' connections node1, node2, ... in ombud-http.cfg."""
        self.dir = os.path.join(workdir, 'kamailio')
        os.makedirs(os.path.join(self.dir, 'run'))
        trunks = os.path.join(self.dir, 'trunks')
        os.makedirs(trunks)
        with open(os.path.join(trunks, 'version'), 'w') as f:
            f.write('id(int,auto) table_name(string) table_version(int) \n0:version:1\n0:address:6\n')
        with open(os.path.join(trunks, 'address'), 'w') as f:
            f.write('id(int,auto) grp(int) ip_addr(string) mask(int) port(int) tag(string,null) \n')
            for i, (grp, ip, tag) in enumerate(TRUNKS, 1):
                f.write('%d:%d:%s:32:0:%s\n' % (i, grp, ip, tag))
        self.port = free_udp_port('127.0.0.1')
        self.ctl = 'unix:' + os.path.join(self.dir, 'ctl')
        self.log_path = os.path.join(self.dir, 'kamailio.log')
        http_cfg = os.path.join(self.dir, 'ombud-http.cfg')
        with open(http_cfg, 'w') as f:
            for name, url in [('ombud', ombud_url)] + [('node%d' % i, u) for i, u in enumerate(node_urls, 1)]:
                f.write('[%s]\nurl = %s\nusername = kamailio\npassword = %s\n' % (name, url, api_key))
        defines = {
            'LISTEN': 'udp:127.0.0.1:%d' % self.port,
            'NEXT_HOP': '"sip:127.0.0.1:%d"' % next_hop_port,
            'OMBUD_HTTP': '"%s"' % http_cfg,
            'TRUNK_DB': '"text://%s"' % trunks,
            'CTL_SOCKET': '"%s"' % self.ctl,
            'BREAKER_S': str(BREAKER_S),
            'CHECK_TIMEOUT_S': '1',
            'CHILDREN': '2',
            'ASYNC_WORKERS': '4',
        }
        defines.update(extra_defines or {})
        args = ['kamailio', '-f', KAMAILIO_CFG, '-DD', '-E', '-w', self.dir, '-Y', os.path.join(self.dir, 'run'),
                '-m', '1024', '-M', '32', '-x', 'tlsf']
        for k, v in defines.items():
            args += ['-A', '%s=%s' % (k, v)]
        log = open(self.log_path, 'ab')
        self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        log.close()

    def wait_ready(self, timeout=15):
        """Ready when an OPTIONS from a known trunk gets its 405."""
        deadline = time.monotonic() + timeout
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((DOMESTIC, 0))
            s.settimeout(0.2)
            port = s.getsockname()[1]
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise AssertionError('kamailio exited during start:\n' + self.log())
                msg = ('OPTIONS sip:ping@127.0.0.1:%d SIP/2.0\r\nVia: SIP/2.0/UDP %s:%d;branch=z9hG4bKready%d\r\n'
                       'From: <sip:ping@%s>;tag=r\r\nTo: <sip:ping@127.0.0.1>\r\nCall-ID: ready-%d\r\n'
                       'CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n'
                       % (self.port, DOMESTIC, port, port, DOMESTIC, port))
                s.sendto(msg.encode(), ('127.0.0.1', self.port))
                try:
                    if s.recv(4096).startswith(b'SIP/2.0 405'):
                        return
                except socket.timeout:
                    pass
        raise AssertionError('kamailio did not answer in time:\n' + self.log())

    def stats(self):
        out = subprocess.run(['kamcmd', '-s', self.ctl, 'stats.get_statistics', 'all'], capture_output=True,
                             text=True, timeout=10).stdout
        stats = {}
        for line in out.splitlines():
            name, _, value = line.partition(' = ')
            if name.startswith('script:'):
                stats[name[7:]] = int(value)
        return stats

    def log(self):
        try:
            with open(self.log_path, errors='replace') as f:
                return f.read()[-6000:]
        except OSError:
            return ''

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        stop_pid(self.proc)


class Sipp:
    """Runs SIPp scenarios; each call returns the final line of its -trace_stat CSV."""

    def __init__(self, workdir, kamailio_port):
        self.dir = os.path.join(workdir, 'sipp')
        os.makedirs(self.dir)
        self.target = '127.0.0.1:%d' % kamailio_port
        self.n = 0
        self.uas = None

    def start_uas(self):
        self.uas_port = free_udp_port('127.0.0.1')
        out = open(os.path.join(self.dir, 'uas.out'), 'ab')
        self.uas = subprocess.Popen(['sipp', '-sf', os.path.join(HERE, 'uas.xml'), '-i', '127.0.0.1', '-p',
                                     str(self.uas_port), '-buff_size', SIPP_BUF, '-nostdin', '-trace_err',
                                     '-error_file', os.path.join(self.dir, 'uas_errors.log')],
                                    stdout=out, stderr=subprocess.STDOUT, cwd=self.dir)
        out.close()
        return self.uas_port

    def start(self, scenario, src_ip, rows, rate=20, talk_ms=300):
        """Starts a UAC placing one call per (from, callee) row; returns a handle for wait()."""
        self.n += 1
        name = '%02d-%s' % (self.n, scenario.replace('.xml', ''))
        csv_path = os.path.join(self.dir, name + '.csv')
        with open(csv_path, 'w') as f:
            f.write('SEQUENTIAL\n')
            for frm, callee in rows:
                f.write('%s;%s;\n' % (frm, callee))
        stat = os.path.join(self.dir, name + '.stat.csv')
        errors = os.path.join(self.dir, name + '.errors.log')
        args = ['sipp', '-sf', os.path.join(HERE, scenario), '-inf', csv_path, '-i', src_ip,
                '-p', str(free_udp_port(src_ip)), '-m', str(len(rows)), '-r', str(rate), '-d', str(talk_ms),
                '-buff_size', SIPP_BUF, '-nostdin', '-recv_timeout', '10000', '-timeout', '120',
                '-trace_stat', '-stf', stat, '-fd', '60', '-trace_err', '-error_file', errors, self.target]
        out = open(os.path.join(self.dir, name + '.out'), 'wb')
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=self.dir)
        out.close()
        return (proc, stat, errors, len(rows), name)

    def wait(self, handle):
        proc, stat, errors, calls, name = handle
        try:
            proc.wait(timeout=150)
        except subprocess.TimeoutExpired:
            stop_pid(proc, signal.SIGKILL)
        with open(stat) as f:
            lines = [line.rstrip('\n') for line in f if line.strip()]
        header, last = lines[0].split(';'), lines[-1].split(';')
        result = dict(zip(header, last))
        result['calls'] = calls
        result['name'] = name
        try:
            with open(errors, errors='replace') as f:
                result['errors'] = f.read()[-3000:]
        except OSError:
            result['errors'] = ''
        return result

    def run(self, scenario, src_ip, rows, rate=20, talk_ms=300):
        return self.wait(self.start(scenario, src_ip, rows, rate, talk_ms))

    def stop(self):
        stop_pid(self.uas)


def successful(r):
    return int(r['SuccessfulCall(C)'])


def failed(r):
    return int(r['FailedCall(C)'])


class SipScreeningTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.workdir = tempfile.mkdtemp(prefix='ombud-sip-')
        cls.ombud = cls.kamailio = cls.sipp = None
        try:
            cls.start_all()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def start_all(cls):
        server = harness.Server()
        cls.ombud = server
        now_ms = int(time.time() * 1000)
        registry = os.path.join(server.dir, 'registry.csv')
        with open(registry, 'w') as f:
            f.write('number,holder,kind,trunk,daily_cap,valid_from,valid_to\n')
            f.write('%s,Hanbit Bank,institution,KT-GW1,,,\n' % INSTITUTION)
        reports = os.path.join(server.dir, 'reports.csv')
        with open(reports, 'w') as f:
            f.write('ts_ms,number,reason,reporter,callee\n')
            for i in range(4):
                f.write('%d,%s,illegal_telemarketing,reporter-%d,0102222000%d\n' % (now_ms - 3600000, TELEMARKETER, i, i))
        server.extra += ['--set', 'screen.registry_file=' + registry, '--set', 'screen.reports_file=' + reports,
                         '--set', 'screen.max_callers=100000', '--set', 'server.access_log=false']
        server.add_user('DT', 'dt.admin', 'admin', kind='carrier')
        server.start()
        token = server.login('dt.admin')
        r = server.request('POST', '/v1/orgs/DT/api-keys', {'name': 'kamailio', 'scopes': 'screen.check screen.ingest'},
                           token=token)
        if r.status != 201:
            raise AssertionError('api key: %r' % r)
        cls.sipp = Sipp(cls.workdir, 0)
        uas_port = cls.sipp.start_uas()
        cls.kamailio = Kamailio(cls.workdir, server.base, r.json['key'], uas_port)
        cls.sipp.target = '127.0.0.1:%d' % cls.kamailio.port
        cls.kamailio.wait_ready()

    @classmethod
    def tearDownClass(cls):
        for part in (cls.sipp, cls.kamailio):
            if part:
                part.stop()
        if cls.ombud:
            if cls.ombud.proc and cls.ombud.proc.poll() is None:
                os.kill(cls.ombud.proc.pid, signal.SIGCONT)
            cls.ombud.cleanup()
        if os.environ.get('KEEP_SIP_TMP'):
            print('kept', cls.workdir)
        else:
            shutil.rmtree(cls.workdir, ignore_errors=True)

    def run(self, result=None):
        failures = len(result.failures) + len(result.errors) if result else 0
        outcome = super().run(result)
        if result and len(result.failures) + len(result.errors) > failures:
            print('\n--- kamailio log (tail) ---\n' + (self.kamailio.log() if self.kamailio else ''))
            print('\n--- ombud log (tail) ---\n' + (self.ombud.log() if self.ombud else ''))
        return outcome

    def assertAll(self, r, what):
        msg = '%s: %s of %d calls successful, %s failed (%s)\n%s' % (
            what, r['SuccessfulCall(C)'], r['calls'], r['FailedCall(C)'], r['name'], r['errors'])
        self.assertEqual(successful(r), r['calls'], msg)
        self.assertEqual(failed(r), 0, msg)
        print('%s: %d/%d calls as expected' % (what, successful(r), r['calls']))

    def wait_ends_delivered(self, timeout=15):
        """Until the ends queued so far reached ombud: the sent count stops moving for two flushes."""
        deadline = time.monotonic() + timeout
        last, since = -1, time.monotonic()
        while time.monotonic() < deadline:
            sent = self.kamailio.stats().get('screen_ends_sent', 0)
            if sent != last:
                last, since = sent, time.monotonic()
            elif time.monotonic() - since >= 2.2:
                return sent
            time.sleep(0.2)
        self.fail('call ends still flowing: %r' % self.kamailio.stats())

    # ---- the verdicts, in order: each step builds on the engine's state ----

    def test_01_ordinary_callers_are_answered(self):
        forms = ['<sip:0103100%04d@%s>', '<tel:+82-10-3200-%04d>', '"Kim" <sip:+8210330%05d@%s>',
                 '<sip:02-3400-%04d@%s>']
        rows = []
        for i in range(24):
            form = forms[i % len(forms)]
            frm = form % ((i, DOMESTIC) if form.count('%') == 2 else (i,))
            rows.append((frm, '0105500%04d' % i))
        rows.append(('"Anonymous" <sip:anonymous@anonymous.invalid>', '01055009999'))
        self.assertAll(self.sipp.run('uac_answered.xml', DOMESTIC, rows), 'ordinary callers answered')
        st = self.kamailio.stats()
        self.assertGreaterEqual(st['screen_checked'], len(rows))
        self.assertEqual(st['screen_failed'], 0, st)

    def test_02_spoofed_domestic_number_from_abroad_is_declined_first_call(self):
        rows = [(sip_uri('0109900%04d' % i, INTERNATIONAL), '0105600%04d' % i) for i in range(6)]
        rows.append(('<tel:+82-10-9900-7777>', '01056007777'))
        self.assertAll(self.sipp.run('uac_declined.xml', INTERNATIONAL, rows), 'spoofed 010 via gateway: 603')

    def test_03_institution_number_on_wrong_trunk_is_declined(self):
        wrong = self.sipp.run('uac_declined.xml', WRONG_TRUNK, [(sip_uri(INSTITUTION, WRONG_TRUNK), '01057000001')])
        self.assertAll(wrong, 'institution number on the wrong trunk: 603')
        right = self.sipp.run('uac_answered.xml', DOMESTIC, [(sip_uri(INSTITUTION, DOMESTIC), '01057000002')])
        self.assertAll(right, 'institution number on its own trunk: answered')

    def test_04_illegal_telemarketing_is_declined_once_seen_and_a_notice_burst_never(self):
        notice_rows = [(sip_uri(NOTICE, DOMESTIC), '0107%07d' % n) for n in random.Random(7).sample(range(10**7), 200)]
        notice = self.sipp.start('uac_answered.xml', DOMESTIC, notice_rows, rate=40, talk_ms=16000)

        # Random callees (no sequential dialling), unanswered (uas.xml: 0109... gives 480).
        callees = ['0109%07d' % n for n in random.Random(11).sample(range(10**7), 35)]
        first = self.sipp.run('uac_any.xml', DOMESTIC, [(sip_uri(TELEMARKETER, DOMESTIC), c) for c in callees[:25]],
                              rate=50)
        self.assertAll(first, 'telemarketer, unanswered calls placed')
        self.wait_ends_delivered()
        later = self.sipp.run('uac_declined.xml', DOMESTIC, [(sip_uri(TELEMARKETER, DOMESTIC), c) for c in callees[25:]])
        self.assertAll(later, 'telemarketer after its ends were seen: 603')

        self.assertAll(self.sipp.wait(notice), 'notice burst (200 answered 16 s calls): never 603')
        st = self.kamailio.stats()
        self.assertGreater(st['screen_warned'], 0, st)
        self.assertEqual(st['screen_ends_dropped'], 0, 'ombud refused call ends: %r' % st)

    def test_05_emergency_calls_pass_even_from_blocked_numbers(self):
        self.assertAll(self.sipp.run('uac_answered.xml', DOMESTIC, [(sip_uri(TELEMARKETER, DOMESTIC), '112')]),
                       'blocked telemarketer calls 112')
        self.assertAll(self.sipp.run('uac_answered.xml', INTERNATIONAL,
                                     [(sip_uri('01099000001', INTERNATIONAL), n) for n in ('112', '119')]),
                       'spoofed number from abroad calls 112/119')

    def test_06_torture_from_headers_neither_crash_nor_confuse(self):
        before = self.kamailio.stats()
        answered, dropped = self.send_torture_froms()
        self.assertTrue(self.kamailio.alive(), self.kamailio.log())
        self.assertIsNone(self.ombud.proc.poll(), self.ombud.log())
        self.assertEqual(self.ombud.request('GET', '/healthz').status, 200)
        after = self.kamailio.stats()
        self.assertEqual(after['screen_failed'], before['screen_failed'], 'ombud refused a check Kamailio made')
        self.assertGreater(after['screen_checked'], before['screen_checked'])
        self.assertEqual(after['screen_breaker_opened'], before['screen_breaker_opened'])
        self.assertGreater(answered, dropped, 'most torture From headers should still make a call')
        self.send_raw_torture_messages()
        self.assertTrue(self.kamailio.alive(), self.kamailio.log())
        self.assertIsNone(self.ombud.proc.poll(), self.ombud.log())
        self.assertAll(self.sipp.run('uac_answered.xml', DOMESTIC, [(sip_uri('01031119999', DOMESTIC), '01058000001')]),
                       'a call after the torture messages')
        self.assertAll(self.sipp.run('uac_declined.xml', INTERNATIONAL,
                                     [(sip_uri('01099008888', INTERNATIONAL), '01058000002')]),
                       'a spoofed call after the torture messages')

    def test_07_ombud_frozen_calls_flow_through_the_breaker(self):
        before = self.kamailio.stats()
        os.kill(self.ombud.proc.pid, signal.SIGSTOP)
        try:
            rows = [(sip_uri('0103400%04d' % i, DOMESTIC), '0105900%04d' % i) for i in range(30)]
            self.assertAll(self.sipp.run('uac_answered.xml', DOMESTIC, rows), 'ombud frozen (SIGSTOP): answered')
        finally:
            os.kill(self.ombud.proc.pid, signal.SIGCONT)
        after = self.kamailio.stats()
        self.assertGreater(after['screen_breaker_opened'], before['screen_breaker_opened'])
        self.assertGreater(after['screen_skipped'], before['screen_skipped'])
        self.assertIn('checks skipped', self.kamailio.log())
        # Once ombud answers the probe again, checks resume: spoofed calls are declined.
        deadline = time.monotonic() + BREAKER_S + 15
        while True:
            r = self.sipp.run('uac_declined.xml', INTERNATIONAL, [(sip_uri('01099007777', INTERNATIONAL), '01059100001')])
            if successful(r) == 1 or time.monotonic() > deadline:
                break
            time.sleep(1)
        self.assertAll(r, 'checks resumed after SIGCONT: 603')
        self.assertIn('checks resumed', self.kamailio.log())

    def test_08_ombud_killed_calls_flow_through_the_breaker(self):
        before = self.kamailio.stats()
        self.ombud.proc.kill()
        self.ombud.proc.wait()
        rows = [(sip_uri('0103500%04d' % i, DOMESTIC), '0105950%04d' % i) for i in range(30)]
        rows += [(sip_uri('0109900%04d' % i, INTERNATIONAL), '0105960%04d' % i) for i in range(2)]
        self.assertAll(self.sipp.run('uac_answered.xml', DOMESTIC, rows[:30]), 'ombud killed: answered')
        self.assertAll(self.sipp.run('uac_answered.xml', INTERNATIONAL, rows[30:]),
                       'ombud killed: unchecked calls from abroad relayed (fail-open)')
        after = self.kamailio.stats()
        self.assertGreaterEqual(after['screen_skipped'] - before['screen_skipped'], 30)
        self.assertTrue(self.kamailio.alive())

    # ---- RFC 4475 torture messages ----

    def torture_files(self):
        d = os.path.join(TORTURE, 'rfc4475')
        return [os.path.join(d, n) for n in sorted(os.listdir(d))]

    @staticmethod
    def from_values(raw):
        head = raw.split(b'\r\n\r\n', 1)[0].split(b'\r\n')[1:]
        unfolded = []
        for line in head:
            if line[:1] in (b' ', b'\t') and unfolded:
                unfolded[-1] += b' ' + line.strip()
            else:
                unfolded.append(line)
        values = []
        for line in unfolded:
            name, sep, value = line.partition(b':')
            if sep and name.strip().lower() in (b'from', b'f'):
                values.append(value.strip())
        return values

    def send_torture_froms(self):
        """Each From value of the RFC 4475 messages in an otherwise sane INVITE to an unanswered callee."""
        answered = dropped = 0
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((DOMESTIC, 0))
            port = s.getsockname()[1]
            n = 0
            for path in self.torture_files():
                with open(path, 'rb') as f:
                    raw = f.read()
                for value in self.from_values(raw):
                    n += 1
                    if b'tag=' not in value.lower():
                        value += b';tag=torture%d' % n
                    branch = b'z9hG4bKtorture%d' % n
                    callee = b'0109300%04d' % n
                    msg = (b'INVITE sip:' + callee + b'@127.0.0.1:%d SIP/2.0\r\n' % self.kamailio.port
                           + b'Via: SIP/2.0/UDP %s:%d;branch=' % (DOMESTIC.encode(), port) + branch + b'\r\n'
                           + b'From: ' + value + b'\r\n'
                           + b'To: <sip:' + callee + b'@127.0.0.1>\r\n'
                           + b'Call-ID: torture-%d@127.0.0.2\r\nCSeq: 1 INVITE\r\n' % n
                           + b'Contact: <sip:t@%s:%d>\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n'
                           % (DOMESTIC.encode(), port))
                    s.sendto(msg, ('127.0.0.1', self.kamailio.port))
                    final = self.await_final(s, branch)
                    if final is None:
                        dropped += 1
                        continue
                    answered += 1
                    ack = (b'ACK sip:' + callee + b'@127.0.0.1:%d SIP/2.0\r\n' % self.kamailio.port
                           + b'Via: SIP/2.0/UDP %s:%d;branch=' % (DOMESTIC.encode(), port) + branch + b'\r\n'
                           + b'From: ' + value + b'\r\n' + b'To: ' + final + b'\r\n'
                           + b'Call-ID: torture-%d@127.0.0.2\r\nCSeq: 1 ACK\r\n' % n
                           + b'Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n')
                    s.sendto(ack, ('127.0.0.1', self.kamailio.port))
        print('torture From headers: %d calls got a final answer, %d dropped as malformed' % (answered, dropped))
        return answered, dropped

    @staticmethod
    def await_final(s, branch, timeout=4.0):
        """The To header of the final response for branch, or None."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            s.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                data = s.recv(65535)
            except socket.timeout:
                return None
            if branch not in data or not data.startswith(b'SIP/2.0 '):
                continue
            code = int(data[8:11])
            if code >= 200:
                for line in data.split(b'\r\n'):
                    if line.lower().startswith(b'to:'):
                        return line[3:].strip()
                return b'<sip:unknown@invalid>'
        return None

    def send_raw_torture_messages(self):
        """The messages themselves, as they are, from a known trunk."""
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((DOMESTIC, 0))
            for sub in ('rfc4475', 'rfc5118'):
                d = os.path.join(TORTURE, sub)
                for name in sorted(os.listdir(d)):
                    with open(os.path.join(d, name), 'rb') as f:
                        s.sendto(f.read()[:65000], ('127.0.0.1', self.kamailio.port))
                    time.sleep(0.01)
        time.sleep(1)


def main():
    missing = [b for b in ('kamailio', 'sipp', 'kamcmd') if shutil.which(b) is None]
    if missing:
        print('missing %s (apt-get install kamailio kamailio-utils-modules sip-tester)' % ' '.join(missing))
        sys.exit(1 if os.environ.get('CI') == 'true' else 77)
    unittest.main(verbosity=2)


if __name__ == '__main__':
    main()
