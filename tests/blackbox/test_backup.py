"""A backup taken while cases are being opened restores to a database whose
cases are all there (each opened before the backup began), readable and with
chains that verify."""
import os
import shutil
import sqlite3
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


class BackupUnderLoad(unittest.TestCase):
    def test_backup_restores_with_every_chain_verifying(self):
        server = harness.Server()
        harness.demo_accounts(server)
        server.start()
        opened, lock, stop = [], threading.Lock(), threading.Event()
        body = {'category': 'LOAN', 'name': '박민수', 'contact': '010-9876-5432', 'subject': '대출 상환',
                'text': '중도 상환 수수료가 안내와 다릅니다.'}

        def worker():
            while not stop.is_set():
                r = server.request('POST', '/v1/orgs/HB/cases', body, timeout=10)
                if r.status == 201:
                    with lock:
                        opened.append((r.json['receipt'], r.json['access_code']))

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        with lock:
            before = list(opened)
        backup = os.path.join(server.dir, 'backup.db')
        p = server.cli('backup', '--to', backup)
        self.assertIn('backed up', p.stdout)
        time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join(timeout=10)
        self.assertEqual(server.stop(), 0)
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
            self.assertTrue(all(r in present for r, _ in before), 'a case opened before the backup is missing')
            codes = dict(opened)
            for receipt in present:
                v = restored.request('GET', '/v1/cases/%s/verify' % receipt,
                                     headers={'X-Access-Code': codes[receipt]})
                self.assertEqual(v.status, 200, (receipt, v))
                self.assertTrue(v.json['intact'], (receipt, v))
            print('%d cases in the backup, %d opened before it began, all verify' % (len(present), len(before)))
            refuse = restored.cli('restore', '--from', backup, check=False)
            self.assertNotEqual(refuse.returncode, 0)      # the target exists
        finally:
            restored.cleanup()
            server.cleanup()


if __name__ == '__main__':
    unittest.main(verbosity=2)
