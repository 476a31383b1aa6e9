"""Two screening nodes on one store: on SQLite two processes on one file,
which learn of each other's blocks by polling (screen.sync_poll_ms); on
PostgreSQL (blackbox_screen_nodes_pg) through LISTEN/NOTIFY. A block and a
lift made on node A are answered on node B; the time each took is printed.
test_multinode (PostgreSQL only) covers the reconnect and the aggregates."""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

LIMIT_S = 30


class ScreenNodes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        sync = ('--set', 'screen.sync_poll_ms=300', '--set', 'screen.max_callers=10000')
        cls.a = harness.Server(*sync, '--set', 'screen.node=A')
        cls.b = harness.Server(*sync, '--set', 'screen.node=B', db=cls.a.db, secret_file=cls.a.secret_file)
        cls.nodes = (cls.a, cls.b)
        try:
            cls.a.add_user('KA', 'k.scr', 'screener', 'carrier')
            for node in cls.nodes:
                node.start()
        except Exception:
            cls.tearDownClass()
            raise
        cls.token = cls.a.login('k.scr')

    @classmethod
    def tearDownClass(cls):
        codes = [n.stop() for n in cls.nodes]
        logs = [n.log() for n in cls.nodes]
        for n in reversed(cls.nodes):   # B's database is A's
            n.cleanup()
        if any(c not in (0, None) for c in codes):
            raise AssertionError('a node exited %s:\n%s\n---\n%s' % (codes, logs[0], logs[1]))

    seq = 0

    def verdict(self, node, caller):
        type(self).seq += 1
        r = node.request('POST', '/v1/screen/check', {'call_id': 'nodes-%d' % self.seq, 'caller': caller,
                                                      'callee': '010-7000-%04d' % self.seq}, token=self.token)
        self.assertEqual(r.status, 200, r)
        return r.json['verdict']

    def until(self, what, test):
        start = time.monotonic()
        while not test():
            self.assertLess(time.monotonic() - start, LIMIT_S, what + ': not seen in time')
            time.sleep(0.02)
        return time.monotonic() - start

    def test_block_and_lift_made_on_a_hold_on_b(self):
        number = '010-4300-0001'
        self.assertEqual(self.verdict(self.b, number), 'allow')
        r = self.a.request('POST', '/v1/screen/blocks', {'number': number, 'reason': 'police request'},
                           token=self.token)
        self.assertEqual(r.status, 201, r)
        took = self.until('the block on B', lambda: self.verdict(self.b, number) == 'block')
        r = self.a.request('POST', '/v1/screen/blocks/%s/lift' % number, {'reason': 'holder verified'},
                           token=self.token)
        self.assertEqual(r.status, 200, r)
        lifted = self.until('the lift on B', lambda: self.verdict(self.b, number) != 'block')
        print('%s: block made on A answered on B after %.3f s, its lift after %.3f s'
              % (harness.STORE, took, lifted))


if __name__ == '__main__':
    unittest.main(verbosity=2)
