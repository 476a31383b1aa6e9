"""The screening acceptance on simulated worlds, through the real binary:
`ombud screen simulate`, `replay` with the registry and reports, `evaluate`.
Besides the default world (seed 1, two hours), a four-hour world and a
denser one: rules are tuned to behaviour, so worlds the rules were not
written against must hold the same floors. No server and no store."""
import os
import subprocess
import tempfile
import unittest

BIN = os.environ.get('OMBUD_BIN', os.path.join(os.path.dirname(__file__), '../../build/ombud'))

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
                for label in ('fraud:spoofed_domestic', 'fraud:spoofed_institution', 'fraud:confirmed_list'):
                    self.assertGreaterEqual(t[label][1], 99.0, label)
                self.assertGreaterEqual(t['fraud:simbox'][1], 80.0)
                tm = t['fraud:telemarketing']
                self.assertGreaterEqual(tm[1] + tm[2], 80.0, 'illegal telemarketing warned or blocked')
                legit = [label for label in t if label.startswith('legit:') and label != 'legit:']
                self.assertIn('legit:emergency', legit)
                for label in legit:
                    self.assertLessEqual(t[label][1], 0.1, label + ' blocked')
                self.assertEqual(t['legit:emergency'][1], 0.0)
                self.assertLessEqual(t['legit:ordinary'][2], 0.1, 'ordinary subscribers warned')


if __name__ == '__main__':
    unittest.main()
