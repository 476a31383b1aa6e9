"""The screening acceptance on simulated worlds, through the real binary:
`ombud screen simulate`, `replay` with the registry and reports, `evaluate`.
Besides the default world (seed 1, two hours), a four-hour world and a
denser one: rules are tuned to behaviour, so worlds the rules were not
written against must hold the same floors. Then two worlds of
tools/worldgen.py, a generator written independently of `simulate`, and
one of tools/worldgen3.py, written blind of the engine and its rules: there
the floors that hold are held (docs/screening.md gives those that do not).
No server and no store."""
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(__file__)
BIN = os.environ.get('OMBUD_BIN', os.path.join(HERE, '../../build/ombud'))
WORLDGEN = os.path.join(HERE, '../../tools/worldgen.py')
WORLDGEN3 = os.path.join(HERE, '../../tools/worldgen3.py')

WORLDS = [  # seed, minutes, scale
    (1, 120, 1),
    (12, 240, 1),
    (13, 120, 3),
]


def ombud(*args):
    r = subprocess.run([BIN, 'screen', *map(str, args)], capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise AssertionError('ombud screen %s: exit %d\n%s' % (args[0], r.returncode, r.stderr))
    return r.stdout


def evaluate_table(out):
    """label -> (calls, blocked %, warned %), from evaluate's table."""
    rows = {}
    for line in out.splitlines()[1:]:
        f = line.split()
        if len(f) == 5:
            rows[f[0]] = (int(f[1]), float(f[2]), float(f[3]))
    return rows


def assert_floors(case, t, confirmed='fraud:confirmed_list', tm='fraud:telemarketing', subscriber='legit:ordinary'):
    """The floors every world holds, under its own labels: spoofed and listed
    calls blocked, illegal telemarketing (tm, unless None) warned or
    blocked, emergency calls never blocked, subscribers not warned, no
    legitimate kind blocked over 0.1 %."""
    for label in ('fraud:spoofed_domestic', 'fraud:spoofed_institution', confirmed):
        case.assertGreaterEqual(t[label][1], 99.0, label)
    if tm:
        case.assertGreaterEqual(t[tm][1] + t[tm][2], 80.0, 'illegal telemarketing warned or blocked')
    case.assertEqual(t['legit:emergency'][1], 0.0)
    case.assertLessEqual(t[subscriber][2], 0.1, 'ordinary subscribers warned')
    for label in t:
        if label.startswith('legit:') and label != 'legit:':
            with case.subTest(label=label):
                case.assertLessEqual(t[label][1], 0.1, label + ' blocked')


class Worlds(unittest.TestCase):
    def world(self, seed, minutes, scale):
        with tempfile.TemporaryDirectory() as d:
            ombud('simulate', '--seed', seed, '--minutes', minutes, '--scale', scale, '--out', d)
            ombud('replay', '--events', d + '/events.csv', '--registry', d + '/registry.csv',
                  '--reports', d + '/reports.csv', '--verdicts', d + '/verdicts.csv')
            out = ombud('evaluate', '--labels', d + '/labels.csv', '--verdicts', d + '/verdicts.csv')
        print('world seed %d, %d min, scale %s\n%s' % (seed, minutes, scale, out))
        return evaluate_table(out)

    def test_acceptance_floors_hold_on_every_world(self):
        for seed, minutes, scale in WORLDS:
            with self.subTest(seed=seed, minutes=minutes, scale=scale):
                t = self.world(seed, minutes, scale)
                calls = sum(n for label, (n, _, _) in t.items() if label.startswith(('legit:', 'fraud:'))
                            and label not in ('legit:', 'fraud:'))
                self.assertGreaterEqual(calls, 200000, 'a world of at least 200k calls')
                assert_floors(self, t)
                self.assertGreaterEqual(t['fraud:simbox'][1], 80.0)


class Evaluate(unittest.TestCase):
    def test_bad_rows_name_their_file_and_line_and_the_rest_counts(self):
        with tempfile.TemporaryDirectory() as d:
            labels, verdicts = os.path.join(d, 'l.csv'), os.path.join(d, 'v.csv')
            with open(labels, 'w') as f:
                f.write('call_id,label\nc1,legit:courier\nc2\nc3,fraud:simbox\n')
            with open(verdicts, 'w') as f:
                f.write('call_id,ts_ms,caller,verdict,score,reasons\nc1,1,+821012345678,allow,0,\n'
                        'c3,2,+821012345679,block,90,simbox_cell\nc3,2,+821012345679,warn,40,\n')
            r = subprocess.run([BIN, 'screen', 'evaluate', '--labels', labels, '--verdicts', verdicts],
                               capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(labels + ':3: ', r.stderr)
        self.assertIn(verdicts + ':4: ', r.stderr)
        t = evaluate_table(r.stdout)
        self.assertEqual(t['legit:courier'], (1, 0.0, 0.0))
        self.assertEqual(t['fraud:simbox'], (1, 100.0, 0.0))  # the first verdict stands


class SecondWorld(unittest.TestCase):
    """tools/worldgen.py: seed 1 with cells, seed 10 at half density, seed 7
    without cells. Its SIM boxes answer more calls, talk longer and share
    their cells with more subscribers, so a box's new SIMs and the
    subscribers who are new to the engine look alike: SIM-box capture
    (69-85 %, 12 % without cells) is the floor this world does not meet;
    seed 1 holds what it reaches (77.1 %) against falling back. So is
    illegal telemarketing late in the day, when this world's operations
    call at a subscriber's pace (27-52 % warned or blocked).
    The rest is held here: subscribers in a box's cell, at 09:00 and at
    22:00, couriers and agents passing through it, notice blasts with
    malicious reports, throttled telemarketing without cells."""

    def world(self, seed, *extra):
        with tempfile.TemporaryDirectory() as d:
            subprocess.run([sys.executable, WORLDGEN, '--seed', str(seed), '--minutes', '120', *extra,
                            '--out', d], check=True, capture_output=True, timeout=600)
            r = subprocess.run([BIN, 'screen', 'replay', '--events', d + '/events.csv', '--registry',
                                d + '/registry.csv', '--reports', d + '/reports.csv', '--verdicts',
                                d + '/verdicts.csv'], capture_output=True, text=True, timeout=600)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertRegex(r.stdout, r'bad lines +0\b', 'a file of the contract reads without a bad line')
            self.assertRegex(r.stdout, r'unknown attempt 0\b', 'every end, of calls over an hour too')
            out = ombud('evaluate', '--labels', d + '/labels.csv', '--verdicts', d + '/verdicts.csv')
        print('worldgen seed %d %s\n%s' % (seed, ' '.join(extra), out))
        return evaluate_table(out)

    def check_floors(self, t, tm='fraud:illegal_tm'):
        assert_floors(self, t, 'fraud:confirmed', tm, 'legit:subscriber')

    def test_with_cells(self):
        t = self.world(1)
        self.check_floors(t)
        # 77.1 % with no warm-up, 74.8 % with 30 minutes of it, 73.1 % with the share of new
        # lines, 74.7 % with one-way lines, 75.1 % with fresh lines stopped
        # after a failed call in FLAGGED cells, 77.2 % with new lines
        # stopped there after three calls one way
        self.assertGreaterEqual(t['fraud:simbox'][1], 76.0, 'SIM-box capture (72.35 % before two in three)')

    def test_late_evening(self):
        # subscribers call rarely at 22:00, so two hours in a third of the
        # lines calling are still new to the engine: their first calls in a
        # box's cell are not judged (0.202 % of their calls blocked with a
        # 30-minute warm-up, 0.087 % now)
        self.check_floors(self.world(35, '--start', '2026-03-10T22:00'), tm=None)

    def test_half_density(self):
        # a courier passed a cell that a telemarketing operation's rotating
        # numbers made look like a box: stopped there for the call, not for
        # the day (it was blocked everywhere after, 0.29 % of couriers' calls)
        self.check_floors(self.world(10, '--scale', '0.5'))

    def test_without_cells(self):
        self.check_floors(self.world(7, '--no-cell'))


class ThirdWorld(unittest.TestCase):
    """tools/worldgen3.py, seed 6: boxes in busy residential cells, whose
    subscribers are as new to a cold engine as the boxes' SIMs; SIMs that
    victims call back; our subscribers calling home from abroad on their
    010 numbers (over roaming trunks, which the operator names). Its SIM
    boxes are caught 47-77 % (a box on another carrier's SIMs, seen only on
    an interconnect, not at all): below the floor, held against falling
    back. The warm-up holds its subscribers under 0.1 % (0.167 % without)."""

    def test_blind_world(self):
        with tempfile.TemporaryDirectory() as d:
            subprocess.run([sys.executable, WORLDGEN3, '--seed', '6', '--minutes', '120', '--out', d],
                           check=True, capture_output=True, timeout=600)
            with open(d + '/screen.conf', 'w') as f:
                f.write('roaming_trunks = IPX-ROAM-1;IPX-ROAM-2\n')
            ombud('replay', '--config', d + '/screen.conf', '--events', d + '/events.csv', '--registry',
                  d + '/registry.csv', '--reports', d + '/reports.csv', '--verdicts', d + '/verdicts.csv')
            out = ombud('evaluate', '--labels', d + '/labels.csv', '--verdicts', d + '/verdicts.csv')
        print('worldgen3 seed 6\n' + out)
        t = evaluate_table(out)
        assert_floors(self, t)
        self.assertGreaterEqual(t['fraud:simbox'][1], 68.0,
                                'SIM-box capture (70.0 %; 68.3 % before new lines calling one way were stopped, '
                                '66.6 % before fresh lines were stopped in FLAGGED cells)')


if __name__ == '__main__':
    unittest.main()
