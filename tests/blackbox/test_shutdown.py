"""SIGTERM during a burst: requests already received complete with their
responses and their access lines, new connections are refused, and ombud
exits 0 within 10 s."""
import http.client
import os
import signal
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

WORKERS = 16


class GracefulShutdown(unittest.TestCase):
    def test_sigterm_during_burst(self):
        server = harness.Server()
        server.add_user('HB', 'hb.admin', 'admin')
        server.start()
        token = server.login('hb.admin')
        stop = threading.Event()
        lock = threading.Lock()
        results = {'ok': 0, 'refused': 0, 'broken': []}

        def worker():
            conn = None
            while not stop.is_set():
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection('127.0.0.1', server.port, timeout=10)
                    # a write and a read, so requests touch the store while it stops
                    conn.request('GET', '/v1/orgs/HB/staff', headers={'Authorization': 'Bearer ' + token})
                    resp = conn.getresponse()
                    body = resp.read()
                    with lock:
                        if resp.status == 200 and body.startswith(b'{"items"'):
                            results['ok'] += 1
                        else:
                            results['broken'].append('status %d' % resp.status)
                    if resp.getheader('Connection', '').lower() == 'close':
                        conn.close()
                        conn = None
                except ConnectionRefusedError:
                    with lock:
                        results['refused'] += 1
                    conn = None
                    time.sleep(0.01)
                except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                    # the server closed an idle keep-alive connection before this
                    # request reached it: nothing had been received, so retry anew
                    if conn:
                        conn.close()
                    conn = None
                except Exception as e:  # anything else is a request lost mid-way
                    with lock:
                        results['broken'].append(repr(e))
                    conn = None

        threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        served_before = results['ok']
        started = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        code = server.proc.wait(timeout=10)
        elapsed = time.monotonic() - started
        time.sleep(0.3)  # let the workers see refused connections
        stop.set()
        for t in threads:
            t.join(timeout=15)
        log = server.log()
        with open(server.log_path, errors='replace') as f:
            # access lines are held in blocks: every answered request's is written by the exit
            logged = sum(1 for line in f if 'msg=access' in line and 'path=/v1/orgs/HB/staff ' in line
                         and 'status=200 ' in line)
        server.cleanup()
        self.assertGreater(served_before, 50, 'the burst never got going:\n' + log)
        self.assertEqual(code, 0, log)
        self.assertLess(elapsed, 10)
        self.assertEqual(results['broken'], [], log)
        self.assertGreater(results['refused'], 0, 'new connections after SIGTERM were not refused')
        with self.assertRaises(OSError):
            socket.create_connection(('127.0.0.1', server.port), timeout=2)
        self.assertIn('msg=stopped', log)
        self.assertGreaterEqual(logged, results['ok'])
        print('served %d, refused %d after SIGTERM, stopped in %.2f s' % (results['ok'], results['refused'], elapsed))


if __name__ == '__main__':
    unittest.main(verbosity=2)
