"""Durability: cases opened as fast as the server takes them, the server
killed with SIGKILL mid-stream and restarted; every case that had been
answered 201 is there, readable with its access code, its chain verifying."""
import os
import signal
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

WORKERS = 8


class KillMidStream(unittest.TestCase):
    def test_every_acknowledged_case_survives_sigkill(self):
        server = harness.Server()
        harness.demo_accounts(server)
        server.start()
        acknowledged = []
        lock = threading.Lock()
        stop = threading.Event()
        body = {'category': 'CARD', 'name': '김영희', 'contact': 'kim@example.kr', 'subject': '이중 결제',
                'text': '같은 결제가 두 번 청구되었습니다.'}

        def worker():
            while not stop.is_set():
                try:
                    r = server.request('POST', '/v1/orgs/HB/cases', body, timeout=5)
                except OSError:
                    return  # the server is gone: whatever was not answered was not acknowledged
                if r.status == 201:
                    with lock:
                        acknowledged.append((r.json['receipt'], r.json['access_code']))

        threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
        for t in threads:
            t.start()
        time.sleep(2.0)
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait(timeout=10)
        stop.set()
        for t in threads:
            t.join(timeout=10)
        self.assertGreater(len(acknowledged), 20, 'too few cases opened before the kill:\n' + server.log())
        server.start()
        try:
            for receipt, code in acknowledged:
                r = server.request('GET', '/v1/cases/' + receipt, headers={'X-Access-Code': code})
                self.assertEqual(r.status, 200, (receipt, r))
                self.assertEqual(r.json['events'][0]['kind'], 'opened')
                v = server.request('GET', '/v1/cases/%s/verify' % receipt, headers={'X-Access-Code': code})
                self.assertTrue(v.json['intact'], (receipt, v))
            serials = sorted(int(r.rsplit('-', 1)[1]) for r, _ in acknowledged)
            self.assertEqual(len(serials), len(set(serials)))
            print('%d acknowledged cases survived SIGKILL' % len(acknowledged))
        finally:
            server.cleanup()


if __name__ == '__main__':
    unittest.main(verbosity=2)
