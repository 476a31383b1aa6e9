"""Two ombud nodes behind Kamailio's dispatcher (deploy/kamailio/kamailio.cfg
with OMBUD_NODES; docs/deploy-kamailio.md, "Several nodes"), on one
PostgreSQL database of the test's own, with SIPp on loopback as in
test_sip.py.

- callers are spread over both nodes, and each caller's checks go to one
  node only (its counts live there), and so do its calls' ends; Kamailio
  keeps its connections to the nodes open rather than one per request;
- a block set on the node that is then killed (SIGKILL) holds on the other:
  the caller's calls fail over to it and are declined; ordinary calls keep
  being checked (none skipped), and the dead node is marked down once;
- the node started again on its address is marked up by the /healthz probe,
  and its callers come back to it.

Without kamailio, sipp or PostgreSQL it skips (exit 77), except under
CI=true, where it fails.
"""
import os
import shutil
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import test_sip  # noqa: E402
from test_sip import DOMESTIC, INTERNATIONAL, Kamailio, Sipp, sip_uri, successful  # noqa: E402

harness = test_sip.harness
pg_cluster = harness.pg_cluster


class TwoNodesBehindKamailio(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.workdir = tempfile.mkdtemp(prefix='ombud-sip-nodes-')
        cls.cluster = cls.kamailio = cls.sipp = None
        cls.nodes, cls.retired = [], []
        try:
            cls.start_all()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def start_all(cls):
        cls.cluster = pg_cluster.Cluster()
        url = pg_cluster.create_db(cls.cluster.url)
        common = ('--set', 'screen.max_callers=100000', '--set', 'server.access_log=false')
        a = harness.Server(*common, '--set', 'screen.node=A', db=url)
        cls.nodes.append(a)
        b = harness.Server(*common, '--set', 'screen.node=B', db=url, secret_file=a.secret_file)
        cls.nodes.append(b)
        a.add_user('DT', 'dt.admin', 'admin', kind='carrier')
        a.add_user('DT', 'dt.scr', 'screener', kind='carrier')
        a.start()
        b.start()
        r = a.request('POST', '/v1/orgs/DT/api-keys', {'name': 'kamailio', 'scopes': 'screen.check screen.ingest'},
                      token=a.login('dt.admin'))
        if r.status != 201:
            raise AssertionError('api key: %r' % r)
        key = r.json['key']
        cls.scr = a.login('dt.scr')
        nodes_list = os.path.join(cls.workdir, 'ombud-nodes.list')
        with open(nodes_list, 'w') as f:
            for i, node in enumerate(cls.nodes, 1):
                f.write('1 sip:127.0.0.1:%d 0 0 con=node%d\n' % (node.port, i))
        cls.sipp = Sipp(cls.workdir, 0)
        uas_port = cls.sipp.start_uas()
        cls.kamailio = Kamailio(cls.workdir, a.base, key, uas_port, extra_defines={
            'OMBUD_NODES': '1', 'OMBUD_NODES_LIST': '"%s"' % nodes_list}, node_urls=[n.base for n in cls.nodes])
        cls.sipp.target = '127.0.0.1:%d' % cls.kamailio.port
        cls.kamailio.wait_ready()

    @classmethod
    def tearDownClass(cls):
        for part in (cls.sipp, cls.kamailio):
            if part:
                part.stop()
        for node in cls.nodes + cls.retired:
            node.cleanup()
        if cls.cluster:
            cls.cluster.destroy()
        shutil.rmtree(cls.workdir, ignore_errors=True)

    def run(self, result=None):
        failures = len(result.failures) + len(result.errors) if result else 0
        outcome = super().run(result)
        if result and len(result.failures) + len(result.errors) > failures:
            print('\n--- kamailio log (tail) ---\n' + (self.kamailio.log() if self.kamailio else ''))
            for name, node in zip('AB', self.nodes):
                print('\n--- ombud %s log (tail) ---\n%s' % (name, node.log()))
        return outcome

    def assertAll(self, r, what):
        msg = '%s: %s of %d calls successful, %s failed (%s)\n%s' % (
            what, r['SuccessfulCall(C)'], r['calls'], r['FailedCall(C)'], r['name'], r['errors'])
        self.assertEqual(successful(r), r['calls'], msg)
        print('%s: %d/%d calls as expected' % (what, successful(r), r['calls']))

    def counts_on(self, node, number):
        r = node.request('GET', '/v1/screen/numbers/' + number, token=self.scr)
        self.assertEqual(r.status, 200, r)
        return r.json['counts'] or {'attempts': 0, 'ends': 0}

    def attempts_on(self, node, number):
        return self.counts_on(node, number)['attempts']

    def checks_on(self, node):
        total = 0
        for line in node.request('GET', '/metrics').raw.splitlines():
            if line.startswith('ombud_http_requests_total{method="POST",route="/v1/screen/check"'):
                total += int(line.rsplit(' ', 1)[1])
        return total

    def test_1_callers_spread_over_both_nodes_each_on_one(self):
        callers = ['0104100%04d' % i for i in range(40)]
        rows = [(sip_uri(c, DOMESTIC), '0105500%04d' % i) for i, c in enumerate(callers)]
        rows += [(sip_uri(c, DOMESTIC), '0105510%04d' % i) for i, c in enumerate(callers)]  # each calls twice
        self.assertAll(self.sipp.run('uac_answered.xml', DOMESTIC, rows), 'callers answered through two nodes')
        checks = [self.checks_on(n) for n in self.nodes]
        self.assertTrue(all(checks), 'every node takes some callers: %r' % checks)
        deadline = time.monotonic() + 15
        while self.kamailio.stats().get('screen_ends_sent', 0) < len(rows):
            self.assertLess(time.monotonic(), deadline, 'call ends not delivered: %r' % self.kamailio.stats())
            time.sleep(0.2)
        for c in callers:
            counts = sorted(((k['attempts'], k['ends']) for k in (self.counts_on(n, c) for n in self.nodes)))
            self.assertEqual(counts, [(0, 0), (2, 2)], (c, counts))  # both calls and ends on one node, none on the other
        print('checks per node: A %d, B %d' % tuple(checks))
        # each Kamailio process keeps one connection a node: a connection per request would leave one socket
        # in TIME_WAIT per check and per batch of ends
        sockets = sum(client_sockets_to(n.port) for n in self.nodes)
        print('client sockets to the nodes after %d calls: %d' % (len(rows), sockets))
        self.assertLessEqual(sockets, 2 * 12, 'one connection per request?')

    def test_2_a_node_killed_calls_keep_being_checked_and_its_blocks_hold(self):
        a, b = self.nodes
        # a caller whose checks go to A, blocked there by an operator
        for i in range(20):
            caller = '0104200%04d' % i
            self.assertAll(self.sipp.run('uac_answered.xml', DOMESTIC, [(sip_uri(caller, DOMESTIC), '01056000001')]),
                           'probe call')
            if self.attempts_on(a, caller):
                break
        else:
            self.fail('no caller of 20 hashed to node A')
        r = a.request('POST', '/v1/screen/blocks', {'number': caller, 'reason': 'police request'}, token=self.scr)
        self.assertEqual(r.status, 201, r)
        before = self.kamailio.stats()
        a.proc.kill()
        a.proc.wait()
        rows = [(sip_uri('0104300%04d' % i, DOMESTIC), '0105700%04d' % i) for i in range(30)]
        # Short answered calls from many new lines on one trunk look like a SIM box once both nodes' partials
        # meet, so from here on ordinary calls may be declined as one: any final answer will do, what counts is
        # that they were checked.
        self.assertAll(self.sipp.run('uac_any.xml', DOMESTIC, rows), 'node A killed: callers answered or declined')
        self.assertAll(self.sipp.run('uac_declined.xml', DOMESTIC, [(sip_uri(caller, DOMESTIC), '01056000002')]),
                       'node A killed: the block made on A declines its caller through B')
        self.assertAll(self.sipp.run('uac_declined.xml', INTERNATIONAL,
                                     [(sip_uri('01099004444', INTERNATIONAL), '01056000003')]),
                       'node A killed: a spoofed call is still declined')
        after = self.kamailio.stats()
        self.assertEqual(after.get('screen_skipped', 0), before.get('screen_skipped', 0), after)
        self.assertGreaterEqual(after['screen_checked'] - before['screen_checked'], 30)
        self.assertEqual(after.get('screen_node_down', 0) - before.get('screen_node_down', 0), 1, after)
        self.assertIn('ombud node node1 (sip:127.0.0.1:%d) failed' % a.port, self.kamailio.log())

    def test_3_the_node_back_takes_its_callers_again(self):
        old = self.nodes[0]
        self.nodes[0] = a = harness.Server('--set', 'screen.max_callers=100000', '--set', 'server.access_log=false',
                                           '--set', 'screen.node=A', '--port', str(old.port), db=old.db,
                                           secret_file=old.secret_file)
        type(self).retired.append(old)   # its folder holds the secret both nodes read
        a.start()
        self.assertEqual(a.port, old.port)
        deadline = time.monotonic() + 15
        while self.kamailio.stats().get('screen_node_up', 0) < 1:
            self.assertLess(time.monotonic(), deadline, 'node A not marked up again')
            time.sleep(0.2)
        callers = ['0104400%04d' % i for i in range(20)]
        rows = [(sip_uri(c, DOMESTIC), '0105800%04d' % i) for i, c in enumerate(callers)]
        before = self.kamailio.stats()
        self.assertAll(self.sipp.run('uac_any.xml', DOMESTIC, rows), 'node A back: callers answered or declined')
        after = self.kamailio.stats()
        self.assertEqual(after['screen_checked'] - before['screen_checked'], len(rows), after)
        self.assertTrue(any(self.attempts_on(a, c) for c in callers), 'no caller went to node A again')
        self.assertIn('answers again', self.kamailio.log())


def client_sockets_to(port):
    """IPv4 sockets connected to port on this host, open or in TIME_WAIT (/proc/net/tcp)."""
    n = 0
    with open('/proc/net/tcp') as f:
        next(f)
        for line in f:
            _, _, remote, state = line.split()[:4]
            n += int(remote.split(':')[1], 16) == port and state in ('01', '06')
    return n


def main():
    missing = [x for x in ('kamailio', 'sipp', 'kamcmd') if shutil.which(x) is None]
    try:
        pg_cluster.pg_bin()
    except RuntimeError:
        missing.append('postgresql')
    if missing:
        print('missing %s (tools/deps.sh installs them)' % ' '.join(missing))
        sys.exit(1 if os.environ.get('CI') == 'true' else 77)
    unittest.main(verbosity=2)


if __name__ == '__main__':
    main()
