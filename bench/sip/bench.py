"""SIP call rate with and without the ombud check, in one run (docs/deploy-kamailio.md).

The same deploy/kamailio/kamailio.cfg twice: once with SCREEN_NOOP (the
async task runs but makes no HTTP request) and once with the check against
the real ombud. For each, SIPp (-buff_size 4194304) places answered calls
(INVITE, 200, ACK, TALK_MS of talk, BYE, 200; every caller and callee
distinct) at rising rates, STEP_S seconds per rate, through Kamailio
to a SIPp UAS. A rate is sustained when no call failed, every call
completed and SIPp achieved at least 95 % of it. Reported per configuration:
the highest sustained rate, Kamailio's and ombud's CPU microseconds per call
at that rate (from /proc), and, for the check, ombud's own latency
histogram for POST /v1/screen/check at that rate (mean, p50, p99 bucket
bounds). Everything shares this machine's cores, as in production.

Calls last TALK_MS (default 100 ms), and ombud runs with
its short_call_ms rule setting below that, so that they count as conversations and
every verdict is allow: a flood of short calls from never-seen numbers on
one trunk is what the SIM-box rule declines, and what it measures is the
path of ordinary traffic. (SIPp's achieved rate counts the talk time, so
real 2-minute calls would hide the rate.)

    python3 bench/sip/bench.py [BUILD_DIR]     # RATES="200 400 ..." STEP_S=5 TALK_MS=100
"""
import os
import random
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
if len(sys.argv) > 1:
    os.environ['OMBUD_BIN'] = os.path.join(os.path.abspath(sys.argv[1]), 'ombud')
sys.path.insert(0, os.path.join(ROOT, 'tests', 'sip'))
import test_sip as rig  # noqa: E402

RATES = [int(r) for r in os.environ.get('RATES', '250 500 750 1000 1250 1500 1750 2000 2500 3000').split()]
STEP_S = int(os.environ.get('STEP_S', '5'))
TALK_MS = int(os.environ.get('TALK_MS', '100'))
HZ = os.sysconf('SC_CLK_TCK')


def ticks(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            fields = f.read().rsplit(')', 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except OSError:
        return 0


def tree(pid):
    """pid and its children (Kamailio's workers)."""
    pids = [pid]
    for d in os.listdir('/proc'):
        if d.isdigit():
            try:
                with open('/proc/%s/stat' % d) as f:
                    if int(f.read().rsplit(')', 1)[1].split()[1]) == pid:
                        pids.append(int(d))
            except OSError:
                pass
    return pids


def cpu_s(pids):
    return sum(ticks(p) for p in pids) / HZ


def check_histogram(server):
    """{le: count}, sum, count of POST /v1/screen/check from /metrics."""
    text = server.request('GET', '/metrics').raw
    buckets, total, count = {}, 0.0, 0
    for line in text.splitlines():
        if 'route="/v1/screen/check"' not in line or 'method="POST"' not in line:
            continue
        value = float(line.rsplit(' ', 1)[1])
        if line.startswith('ombud_http_request_duration_seconds_bucket'):
            buckets[re.search(r'le="([^"]+)"', line).group(1)] = value
        elif line.startswith('ombud_http_request_duration_seconds_sum'):
            total = value
        elif line.startswith('ombud_http_request_duration_seconds_count'):
            count = value
    return buckets, total, count


def quantile_bound(before, after, q):
    """The smallest bucket bound holding q of the requests between two scrapes."""
    def key(le):
        return float('inf') if le == '+Inf' else float(le)
    les = sorted(after, key=key)
    n = after.get('+Inf', 0) - before.get('+Inf', 0)
    for le in les:
        if n and (after[le] - before.get(le, 0)) >= q * n:
            return le
    return '-'


def ramp(label, kam, sipp, ombud_pid, server):
    kam_pids = tree(kam.proc.pid)
    rng = random.Random(label)
    best = None
    for rate in RATES:
        calls = rate * STEP_S
        numbers = rng.sample(range(10**7), 2 * calls)
        rows = [(rig.sip_uri('0104%07d' % numbers[i], rig.DOMESTIC), '0105%07d' % numbers[calls + i])
                for i in range(calls)]
        h0 = check_histogram(server) if server else None
        k0, o0 = cpu_s(kam_pids), cpu_s([ombud_pid])
        r = sipp.run('uac_answered.xml', rig.DOMESTIC, rows, rate=rate, talk_ms=TALK_MS)
        k1, o1 = cpu_s(kam_pids), cpu_s([ombud_pid])
        h1 = check_histogram(server) if server else None
        ok_calls = rig.successful(r)
        achieved = float(r.get('CallRate(C)', 0) or 0)
        sustained = rig.failed(r) == 0 and ok_calls == calls and achieved >= 0.95 * rate
        step = {'rate': rate, 'successful': ok_calls, 'failed': rig.failed(r), 'achieved': achieved,
                'retrans': r.get('Retransmissions(C)'),
                'kam_us': 1e6 * (k1 - k0) / max(ok_calls, 1), 'ombud_us': 1e6 * (o1 - o0) / max(ok_calls, 1)}
        if h0:
            n = h1[2] - h0[2]
            step['check_mean_us'] = 1e6 * (h1[1] - h0[1]) / n if n else 0
            step['check_p50'] = quantile_bound(h0[0], h1[0], 0.5)
            step['check_p99'] = quantile_bound(h0[0], h1[0], 0.99)
        print('%s rate=%d successful=%d failed=%d achieved_cps=%.1f retrans=%s kamailio_cpu_us_per_call=%.1f '
              'ombud_cpu_us_per_call=%.1f%s sustained=%d' % (
                  label, rate, ok_calls, step['failed'], achieved, step['retrans'], step['kam_us'], step['ombud_us'],
                  (' check_mean_us=%.1f check_p50_le_s=%s check_p99_le_s=%s'
                   % (step['check_mean_us'], step['check_p50'], step['check_p99'])) if h0 else '',
                  sustained), flush=True)
        if not sustained:
            why = [ln for ln in r['errors'].splitlines() if ln.strip()][:3]
            print('# %s rate=%d not sustained; SIPp errors: %s' % (label, rate, ' | '.join(why) or 'none'), flush=True)
            break
        best = step
        time.sleep(2)
    return best


def main():
    missing = [b for b in ('kamailio', 'sipp', 'kamcmd') if rig.shutil.which(b) is None]
    if missing:
        sys.exit('missing %s (apt-get install kamailio kamailio-utils-modules sip-tester)' % ' '.join(missing))
    workdir = rig.tempfile.mkdtemp(prefix='ombud-sipbench-')
    server = rig.harness.Server(test_mode=False)
    server.extra += ['--set', 'server.access_log=false', '--set', 'screen.max_callers=4000000',
                     '--set', 'log.level=warn']
    rules = os.path.join(workdir, 'rules.conf')
    with open(rules, 'w') as f:
        f.write('short_call_ms = %d\n' % (TALK_MS // 2))
    server.extra += ['--set', 'screen.config=' + rules]
    kam = sipp = None
    results = {}
    try:
        server.add_user('DT', 'dt.admin', 'admin', kind='carrier')
        server.start()
        token = server.login('dt.admin')
        key = server.request('POST', '/v1/orgs/DT/api-keys', {'name': 'bench', 'scopes': 'screen.check screen.ingest'},
                             token=token).json['key']
        sipp = rig.Sipp(workdir, 0)
        uas_port = sipp.start_uas()
        print('# machine: nproc=%d; %s' % (os.cpu_count(), rig.subprocess.run(
            ['kamailio', '-v'], capture_output=True, text=True).stdout.splitlines()[0]))
        print('# STEP_S=%d RATES=%s; sipp -buff_size %s; answered calls, distinct callers' % (
            STEP_S, ' '.join(map(str, RATES)), rig.SIPP_BUF))
        for label, extra in (('noop', {'SCREEN_NOOP': '1'}), ('ombud', {})):
            kam = rig.Kamailio(os.path.join(workdir, label), server.base, key, uas_port, extra)
            sipp.target = '127.0.0.1:%d' % kam.port
            kam.wait_ready()
            results[label] = ramp(label, kam, sipp, server.proc.pid, server if label == 'ombud' else None)
            print('# %s kamailio stats: %r' % (label, kam.stats()), flush=True)
            kam.stop()
            kam = None
    finally:
        if kam:
            kam.stop()
        if sipp:
            sipp.stop()
        server.cleanup()
        if os.environ.get("KEEP"):
            print("# kept " + workdir)
        else:
            rig.shutil.rmtree(workdir, ignore_errors=True)
    noop, checked = results.get('noop'), results.get('ombud')
    ratio = (checked['rate'] / noop['rate']) if noop and checked else 0
    for label, b in results.items():
        if b:
            print('RESULT sip %s max_sustained_cps=%d kamailio_cpu_us_per_call=%.1f ombud_cpu_us_per_call=%.1f%s' % (
                label, b['rate'], b['kam_us'], b['ombud_us'],
                (' check_mean_us=%.1f check_p50_le_s=%s check_p99_le_s=%s'
                 % (b['check_mean_us'], b['check_p50'], b['check_p99'])) if 'check_mean_us' in b else ''))
        else:
            print('RESULT sip %s max_sustained_cps=0 (the first rate already failed)' % label)
    print('RESULT sip checked_over_noop=%.2f (target >= 0.80)' % ratio)


if __name__ == '__main__':
    main()
