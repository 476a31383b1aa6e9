#!/usr/bin/env python3
"""Block propagation between two ombud nodes on one database (bench/nodes.sh).

usage: propagation.py URL_A URL_B LOGIN PASSWORD N

N times: an operator blocks a fresh number on node A (POST /v1/screen/blocks);
once A acknowledged it, node B is asked (POST /v1/screen/check, one after
the other on one connection) until it answers block; then the block is
lifted on A and B is asked until it no longer answers block. Prints one
table row per figure, in milliseconds, beside the reference measured in the
same run: one check's round trip on B, which is the resolution of the poll.
"""
import http.client
import json
import sys
import time
import urllib.parse


class Node:
    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        self.token = None

    def post(self, path, body):
        headers = {'Content-Type': 'application/json'}
        if self.token:
            headers['Authorization'] = 'Bearer ' + self.token
        self.conn.request('POST', path, json.dumps(body), headers)
        r = self.conn.getresponse()
        data = r.read()
        if r.status >= 300:
            sys.exit('%s: %d %s' % (path, r.status, data[:200]))
        return json.loads(data)


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def row(name, values):
    print('| %-48s | %8.2f | %8.2f | %8.2f | %5d |' % (name, pct(values, 50), pct(values, 99), max(values),
                                                     len(values)))


def main():
    url_a, url_b, login, password, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
    a, b = Node(url_a), Node(url_b)
    a.token = b.token = a.post('/v1/auth/login', {'login': login, 'password': password})['token']
    acked, blocked, lifted, checks = [], [], [], []
    seq = 0

    def until(number, want_block):
        nonlocal seq
        start = time.perf_counter()
        while True:
            seq += 1
            t = time.perf_counter()
            v = b.post('/v1/screen/check', {'call_id': 'prop-%d' % seq, 'caller': number,
                                            'callee': '010-7000-%04d' % (seq % 10000), 'origin': 'domestic'})
            checks.append((time.perf_counter() - t) * 1000)
            if (v['verdict'] == 'block') == want_block:
                return (time.perf_counter() - start) * 1000
            if time.perf_counter() - start > 30:
                sys.exit('node B did not follow within 30 s')

    for i in range(n):
        number = '010-4777-%04d' % i
        t = time.perf_counter()
        a.post('/v1/screen/blocks', {'number': number, 'reason': 'bench'})
        acked.append((time.perf_counter() - t) * 1000)
        blocked.append(until(number, True))
        a.post('/v1/screen/blocks/%s/lift' % number, {'reason': 'bench'})
        lifted.append(until(number, False))
    print('| %-48s | %8s | %8s | %8s | %5s |' % ('ms', 'p50', 'p99', 'max', 'n'))
    print('|%s|----------|----------|----------|-------|' % ('-' * 50))
    row('block on A: POST acknowledged', acked)
    row('block: from A\'s acknowledgement to B answering it', blocked)
    row('lift: from A\'s acknowledgement to B allowing', lifted)
    row('reference: one check on B (the poll\'s step)', checks)
    b.conn.request('GET', '/metrics')
    metrics = dict(line.rsplit(' ', 1) for line in b.conn.getresponse().read().decode().splitlines()
                   if line.startswith('ombud_screen_sync_'))
    print('# node B, as it measures it: %s blocks and lifts applied, longest from write to applied %s ms, '
          '%s notices heard' % (metrics['ombud_screen_sync_applied_total'], metrics['ombud_screen_sync_lag_max_ms'],
                                metrics['ombud_screen_sync_notices_total']))


if __name__ == '__main__':
    main()
