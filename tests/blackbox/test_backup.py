"""A backup taken while cases are being opened and answered through HTTP
restores, with `ombud restore`, to a database where every chain verifies and
every case and answer acknowledged before the backup began is present. On
PostgreSQL `restore` explains pg_restore, and no command prints the
password of a PostgreSQL URL."""
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


class Load:
    """Openers open cases as a customer; answerers reply to them as an agent.
    Each acknowledged write is recorded with what it acknowledged."""
    def __init__(self, server, token):
        self.server, self.token = server, token
        self.lock, self.stop = threading.Lock(), threading.Event()
        self.opened = []            # (receipt, access code), in acknowledgement order
        self.answered = {}          # receipt -> events the case had when the answer was acknowledged
        self.errors = []
        self.threads = [threading.Thread(target=self.open_cases) for _ in range(2)] + \
                       [threading.Thread(target=self.answer, args=(i,)) for i in range(2)]

    def open_cases(self):
        body = {'category': 'LOAN', 'name': '박민수', 'contact': '010-9876-5432', 'subject': '대출 상환',
                'text': '중도 상환 수수료가 안내와 다릅니다.'}
        while not self.stop.is_set():
            r = self.server.request('POST', '/v1/orgs/HB/cases', body, timeout=10)
            with self.lock:
                if r.status == 201:
                    self.opened.append((r.json['receipt'], r.json['access_code']))
                else:
                    self.errors.append(r)

    def answer(self, which):
        n = 0
        while not self.stop.is_set():
            with self.lock:
                todo = [rc for rc, _ in self.opened[which::2] if rc not in self.answered]
            if not todo:
                time.sleep(0.01)
                continue
            n += 1
            text = '고객님, 상환 수수료 건은 약정서 제%d조에 따라 다시 계산해 드리겠습니다 (답변 %d-%d).' % (n, which, n)
            r = self.server.request('POST', '/v1/orgs/HB/cases/%s/replies' % todo[0], {'text': text},
                                    token=self.token, timeout=10)
            with self.lock:
                if r.status == 200:
                    self.answered[todo[0]] = len(r.json['events'])
                else:
                    self.errors.append(r)

    def snapshot(self):
        with self.lock:
            return list(self.opened), dict(self.answered)


class BackupUnderLoad(unittest.TestCase):
    def test_backup_restores_with_every_chain_verifying(self):
        server = harness.Server()
        accounts = harness.demo_accounts(server)
        server.start()
        load = Load(server, server.login('hb.agent', accounts['hb.agent']))
        for t in load.threads:
            t.start()
        time.sleep(1.0)
        cases_before, answers_before = load.snapshot()
        backup = os.path.join(server.dir, 'backup.db')
        p = server.cli('backup', '--to', backup)
        self.assertIn('backed up', p.stdout)
        time.sleep(0.5)
        load.stop.set()
        for t in load.threads:
            t.join(timeout=10)
        cases_after, answers_after = load.snapshot()
        self.assertEqual(load.errors, [])
        self.assertEqual(server.stop(), 0)
        self.assertGreater(len(answers_before), 0, 'no answer was acknowledged before the backup')
        self.assertGreater(len(cases_after), len(cases_before), 'nothing was written while the backup ran')
        again = server.cli('backup', '--to', backup, check=False)
        self.assertNotEqual(again.returncode, 0)          # never overwrites
        restored = harness.Server()
        try:
            p = restored.cli('restore', '--from', backup)
            self.assertIn('restored', p.stdout)
            shutil.copy(server.db + '.secret', restored.db + '.secret')
            restored.start()
            with sqlite3.connect(restored.db) as db:
                present = {row[0] for row in db.execute('SELECT receipt FROM cases')}
            missing = [r for r, _ in cases_before if r not in present]
            self.assertEqual(missing, [], 'cases opened before the backup are missing')
            codes = dict(cases_after)
            events = {}
            for receipt in present:
                v = restored.request('GET', '/v1/cases/%s/verify' % receipt,
                                     headers={'X-Access-Code': codes[receipt]})
                self.assertEqual(v.status, 200, (receipt, v))
                self.assertTrue(v.json['intact'], (receipt, v))
                events[receipt] = v.json['events']
            for receipt, n in answers_before.items():
                self.assertGreaterEqual(events[receipt], n, 'an answer acknowledged before the backup is missing')
            print('%d cases in the backup (%d opened and %d answered before it began, %d opened in all); '
                  'all verify' % (len(present), len(cases_before), len(answers_before), len(cases_after)))
            refuse = restored.cli('restore', '--from', backup, check=False)
            self.assertNotEqual(refuse.returncode, 0)      # the target exists
            other = os.path.join(restored.dir, 'other.db')  # store.db's sqlite:PATH form
            p = subprocess.run([harness.BIN, 'restore', '--from', backup, '--db', 'sqlite:' + other],
                               capture_output=True, text=True, env=restored.env, timeout=120)
            self.assertEqual(p.returncode, 0, p.stderr)
            with sqlite3.connect(other) as db:
                self.assertEqual(db.execute('SELECT count(*) FROM cases').fetchone()[0], len(present))
        finally:
            restored.cleanup()
            server.cleanup()


class PostgresAdvice(unittest.TestCase):
    """Nothing listens on port 1: these commands fail, but say why and how,
    without the URL's password."""
    URL = 'postgresql://ombud:Sw0rdf1sh@127.0.0.1:1/ombud?connect_timeout=2'

    def run_ombud(self, *args):
        import subprocess
        env = dict(os.environ, OMBUD_SECURITY_SECRET='00' * 32)
        return subprocess.run([harness.BIN, *args, '--db', self.URL], capture_output=True, text=True, env=env,
                              timeout=60)

    def test_restore_explains_pg_restore(self):
        p = self.run_ombud('restore', '--from', '/nonexistent.dump')
        self.assertEqual(p.returncode, 2)
        self.assertIn('pg_restore', p.stderr)
        self.assertNotIn('Sw0rdf1sh', p.stdout + p.stderr)

    def test_no_command_prints_the_password(self):
        for args in (('backup', '--to', '/tmp/ombud-never.dump'), ('migrate',), ('serve', '--print-config')):
            p = self.run_ombud(*args)
            self.assertNotIn('Sw0rdf1sh', p.stdout + p.stderr, args)
        p = self.run_ombud('serve', '--print-config')
        self.assertIn('db = postgresql://ombud:********@127.0.0.1:1/ombud', p.stdout)


if __name__ == '__main__':
    unittest.main(verbosity=2)
