#!/usr/bin/env python3
"""worldgen3: a third test world for the call-screening engine.

Written blind: from the file contract (docs/formats.md) and a description
of Korean mobile traffic only, by someone who had read neither the engine,
its rules (docs/screening.md) nor the other two generators. Standard
library only. What it found: docs/screening.md, "A third world, written
blind". Our subscribers roaming abroad call home on their 010 numbers over
IPX-ROAM-* trunks: give those to the engine as `roaming_trunks`.

    python3 tools/worldgen3.py --seed N --minutes M [--start 2026-03-10T09:00] [--scale X] --out DIR

Writes DIR/events.csv, registry.csv, reports.csv, labels.csv and, outside the
contract, DIR/truth.csv (call_id,variant) and DIR/world.txt (the drawn
parameters of this seed).
"""
import argparse
import bisect
import csv
import datetime
import hashlib
import math
import os
import random
import sys

SEC = 1000
MIN = 60 * SEC
HOUR = 60 * MIN
KST_OFFSET = 9 * HOUR
LATENESS = 5 * MIN

# Relative call intensity by KST hour (linear between hour marks), max 1.0.
PROFILES = {
    'personal': [0.15, 0.08, 0.05, 0.04, 0.04, 0.07, 0.20, 0.45, 0.75, 0.92, 1.0, 1.0,
                 0.85, 0.90, 0.95, 1.0, 1.0, 1.0, 0.90, 0.80, 0.70, 0.55, 0.40, 0.25],
    # legal telemarketing / offices: nothing 21:00-08:00
    'business': [0, 0, 0, 0, 0, 0, 0, 0.02, 0.30, 0.85, 1.0, 1.0,
                 0.55, 0.85, 1.0, 1.0, 1.0, 0.90, 0.45, 0.20, 0.10, 0.0, 0, 0],
    'courier': [0.02, 0, 0, 0, 0, 0, 0.05, 0.20, 0.45, 0.70, 0.90, 0.95,
                0.80, 1.0, 1.0, 1.0, 1.0, 0.95, 0.80, 0.60, 0.45, 0.20, 0.05, 0.02],
    # fraud call centres abroad work Korean office hours, with a lunch dip
    'fraud': [0.10, 0.05, 0.05, 0.05, 0.05, 0.05, 0.10, 0.30, 0.60, 0.90, 1.0, 1.0,
              0.65, 0.90, 1.0, 1.0, 1.0, 0.90, 0.60, 0.40, 0.30, 0.20, 0.15, 0.10],
    'flat': [1.0] * 24,
}

AREA_CODES = ['031', '032', '033', '041', '042', '043', '044', '051', '052', '053',
              '054', '055', '061', '062', '063', '064']
REP_PREFIXES = ['1588', '1577', '1544', '1566', '1599', '1600', '1644', '1661', '1670',
                '1688', '1522', '1899']
IMS_DOMAIN = 'ims.mnc005.mcc450.3gppnetwork.org'

# presentation styles per kind of ingress: (style, weight)
FMT_STYLES = {
    'core': [('nat', 55), ('e164', 25), ('sip', 12), ('tel', 5), ('dash', 3)],
    'ix': [('e164', 55), ('nat', 35), ('tel', 5), ('dash', 5)],
    'pstn': [('nat', 50), ('dash', 20), ('tel', 15), ('e164', 15)],
    'voip': [('nat', 50), ('e164', 28), ('sip', 15), ('ctx', 7)],
    'sipt': [('nat', 50), ('dash', 15), ('tel', 20), ('e164', 15)],
    'intl': [('e164', 70), ('nat', 20), ('tel', 10)],
    'roam': [('e164', 90), ('tel', 10)],
}
CALLEE_STYLES = {
    'core': [('nat', 70), ('e164', 20), ('sip', 8), ('dash', 2)],
    'ix': [('e164', 60), ('nat', 40)],
    'pstn': [('nat', 80), ('e164', 20)],
    'voip': [('nat', 70), ('e164', 20), ('sip', 10)],
    'sipt': [('nat', 75), ('e164', 20), ('tel', 5)],
    'intl': [('e164', 60), ('nat', 40)],
    'roam': [('e164', 100)],
}


def cum(weights):
    out, s = [], 0.0
    for w in weights:
        s += w
        out.append(s)
    return out


FMT_CUM = {k: ([s for s, _ in v], cum([w for _, w in v])) for k, v in FMT_STYLES.items()}
CALLEE_CUM = {k: ([s for s, _ in v], cum([w for _, w in v])) for k, v in CALLEE_STYLES.items()}


# ---------------------------------------------------------------- numbers
def kr_parts(n):
    """Split a national Korean number into dash groups."""
    if not n.startswith('0'):
        if len(n) == 8:            # 1588-1234
            return [n[:4], n[4:]]
        return [n]                 # 1332, 112
    if n.startswith('02'):
        return ['02', n[2:-4], n[-4:]]
    if n.startswith('050'):
        return [n[:4], n[4:-4], n[-4:]]
    return [n[:3], n[3:-4], n[-4:]]


def fmt_number(n, style, rng):
    """Present a canonical number (national digits, or +CC... for foreign)."""
    if n.startswith('+'):          # foreign E.164
        if style == 'tel':
            return 'tel:' + n
        return n
    if not n.startswith('0') and len(n) <= 4:
        return n                   # short codes only ever as dialled
    parts = kr_parts(n)
    if style == 'nat':
        return n
    if style == 'dash':
        return '-'.join(parts)
    if n.startswith('0'):
        e164 = '+82' + n[1:]
        tparts = [parts[0][1:]] + parts[1:]
    else:
        e164 = '+82' + n
        tparts = parts
    if style == 'e164':
        return e164
    if style == 'tel':
        return 'tel:+82-' + '-'.join(tparts)
    if style == 'sip':
        if rng.random() < 0.6:
            return 'sip:%s@%s;user=phone' % (e164, IMS_DOMAIN)
        return 'sip:%s@10.%d.%d.%d;user=phone' % (n, rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254))
    if style == 'ctx':
        return 'tel:%s;phone-context=+82' % n
    return n


# ---------------------------------------------------------------- world
class Sub:
    __slots__ = ('num', 'ours', 'ix', 'mode', 'home', 'work', 'path', 'tswitch', 'rate',
                 'withhold', 'circle', 'cw', 'kind')


class World:
    def __init__(self, seed, minutes, start, scale):
        self.seed = seed
        self.rng = random.Random(seed)
        self.scale = scale
        self.t0 = start
        self.t1 = start + minutes * MIN
        self.minutes = minutes
        self.calls = []        # [ts, cid, caller_s, callee_s, origin, trunk, cell, att, ans, dur, end_ts, label, variant]
        self.reports = []      # (ts, number_s, reason, reporter, callee_s)
        self.registry = []     # (number_s, holder, kind, trunk, cap, vfrom, vto)
        self.used = set()
        self.cids = set()
        self.callbacks = []    # (t, victim_num, called_back_num)
        self.params = {}
        self.sub_by_num = {}
        self.today = datetime.datetime.utcfromtimestamp((start + KST_OFFSET) / 1000).date()
        self.last_day = datetime.datetime.utcfromtimestamp((self.t1 - 1 + KST_OFFSET) / 1000).date()

    # ---- randomness helpers
    def P(self, name, lo, hi, integer=False):
        """A world parameter drawn per seed from [lo, hi]."""
        v = self.rng.randint(lo, hi) if integer else self.rng.uniform(lo, hi)
        self.params[name] = v
        return v

    def S(self, n):
        return max(1, int(round(n * self.scale)))

    def lognorm(self, median, sigma):
        return median * math.exp(self.rng.gauss(0, sigma))

    def prof(self, name, t):
        p = PROFILES[name]
        h = ((t + KST_OFFSET) % (24 * HOUR)) / HOUR
        i = int(h)
        f = h - i
        return p[i] + (p[(i + 1) % 24] - p[i]) * f

    def times(self, rate_h, prof, t0=None, t1=None):
        t0 = self.t0 if t0 is None else t0
        t1 = self.t1 if t1 is None else t1
        out = []
        if rate_h <= 0 or t1 <= t0:
            return out
        lam = rate_h / HOUR
        t = float(t0)
        r = self.rng
        while True:
            t += r.expovariate(lam)
            if t >= t1:
                break
            if r.random() < self.prof(prof, t):
                out.append(int(t))
        return out

    def pick_start(self, prof, latest=0.75):
        """A start time in the first `latest` of the window, following a profile; None at night."""
        for _ in range(200):
            t = self.t0 + self.rng.uniform(0, latest) * (self.t1 - self.t0)
            if self.rng.random() < self.prof(prof, t):
                return t
        return None

    def pick_style(self, table, cls):
        names, cw = table[cls]
        return names[bisect.bisect_left(cw, self.rng.random() * cw[-1])]

    # ---- numbers
    def _fresh(self, make):
        while True:
            n = make()
            if n not in self.used:
                self.used.add(n)
                return n

    def new_mobile(self):
        r = self.rng
        return self._fresh(lambda: '010%d%04d' % (r.randint(2000, 9999), r.randint(0, 9999)))

    def new_landline(self, area=None):
        r = self.rng
        if area is None:
            area = '02' if r.random() < 0.55 else r.choice(AREA_CODES)
        if area == '02':
            return self._fresh(lambda: '02%d%04d' % (r.randint(2000, 9999), r.randint(0, 9999)))
        if r.random() < 0.5:
            return self._fresh(lambda: '%s%d%04d' % (area, r.randint(200, 999), r.randint(0, 9999)))
        return self._fresh(lambda: '%s%d%04d' % (area, r.randint(2000, 9999), r.randint(0, 9999)))

    def new_070(self):
        r = self.rng
        return self._fresh(lambda: '070%d%04d' % (r.randint(2000, 9999), r.randint(0, 9999)))

    def new_rep(self):
        r = self.rng
        return self._fresh(lambda: '%s%04d' % (r.choice(REP_PREFIXES), r.randint(0, 9999)))

    def new_050(self):
        r = self.rng
        return self._fresh(lambda: '0504%d%04d' % (r.randint(1000, 9999), r.randint(0, 9999)))

    def new_foreign(self):
        r = self.rng
        cc = r.choices(['86', '1', '81', '84', '63', '66', '7', '44', '61', '855'],
                       [35, 15, 10, 12, 8, 5, 4, 4, 4, 3])[0]
        if cc == '86':
            nsn = '1%d%08d' % (r.randint(30, 99), r.randint(0, 99999999))
        elif cc == '1':
            nsn = '%d%d%04d' % (r.randint(201, 989), r.randint(200, 999), r.randint(0, 9999))
        elif cc == '81':
            nsn = '%s%08d' % (r.choice(['70', '80', '90']), r.randint(0, 99999999))
        elif cc == '84':
            nsn = '9%08d' % r.randint(0, 99999999)
        elif cc == '63':
            nsn = '9%09d' % r.randint(0, 999999999)
        elif cc == '66':
            nsn = '8%08d' % r.randint(0, 99999999)
        elif cc == '7':
            nsn = '9%09d' % r.randint(0, 999999999)
        elif cc == '44':
            nsn = '7%09d' % r.randint(0, 999999999)
        elif cc == '61':
            nsn = '4%08d' % r.randint(0, 99999999)
        else:
            nsn = '%d%07d' % (r.randint(10, 99), r.randint(0, 9999999))
        return self._fresh(lambda: '+' + cc + nsn)

    # ---- geography
    def build_geo(self):
        r = self.rng
        self.GW, self.GH = 40, 30
        n = self.GW * self.GH
        enbs = r.sample(range(100000, 999999), n)
        self.cell_id = ['450-05-%06d-%d' % (enbs[i], r.randint(1, 3)) for i in range(n)]
        # residential weight: patchy; business weight: a few central districts
        self.res_w = [math.exp(r.gauss(0, 1.1)) for _ in range(n)]
        centres = [(r.randint(6, self.GW - 7), r.randint(6, self.GH - 7)) for _ in range(4)]
        bw = []
        for i in range(n):
            x, y = i % self.GW, i // self.GW
            s = 0.05
            for (cx, cy) in centres:
                s += math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 8.0)
            bw.append(s * math.exp(r.gauss(0, 0.4)))
        self.bus_w = bw
        self.res_cum = cum(self.res_w)
        self.bus_cum = cum(self.bus_w)

    def region_trunk(self, c):
        x, y = c % self.GW, c // self.GW
        return 'CORE-%d' % (1 + (x * 3) // self.GW + 3 * ((y * 2) // self.GH))

    def draw_cell(self, cw):
        return bisect.bisect_left(cw, self.rng.random() * cw[-1])

    def neighbour(self, c, radius=1):
        x, y = c % self.GW, c // self.GW
        x = min(self.GW - 1, max(0, x + self.rng.randint(-radius, radius)))
        y = min(self.GH - 1, max(0, y + self.rng.randint(-radius, radius)))
        return y * self.GW + x

    def walk(self, start, t0, t1, step_lo, step_hi, centre=None, radius=None):
        """A random walk of cells: list of (t_from, cell)."""
        path = [(t0 - HOUR, start)]
        t, c = t0 - self.rng.uniform(0, step_hi * MIN), start
        while t < t1:
            t += self.rng.uniform(step_lo, step_hi) * MIN
            nc = self.neighbour(c)
            if centre is not None:
                cx, cy = centre % self.GW, centre // self.GW
                if abs(nc % self.GW - cx) > radius or abs(nc // self.GW - cy) > radius:
                    nc = self.neighbour(centre)
            c = nc
            path.append((int(t), c))
        return path

    @staticmethod
    def at(path, t):
        i = bisect.bisect_right(path, (t, 1 << 30)) - 1
        return path[max(i, 0)][1]

    def sub_cell(self, s, t):
        r = self.rng
        if s.mode == 'home':
            c = s.home
        elif s.mode == 'work':
            c = s.work
        elif s.mode == 'commute':
            c = self.at(s.path, t)
        elif s.mode == 'away':          # e.g. family event in a hospital's cell
            c = s.work
        elif s.path:
            return self.cell_id[self.at(s.path, t)]
        else:
            c = s.home
        if r.random() < 0.12:           # reselection on the edge of two cells
            c = self.neighbour(c)
        return self.cell_id[c]

    def sub_source(self, s, t):
        """(origin, trunk, class, cell) for a call of subscriber s at t."""
        if s.ours:
            cell = self.sub_cell(s, t)
            return ('domestic', self.cell_trunk[cell], 'core', cell)
        return ('domestic', s.ix, 'ix', '')

    # ---- calls
    def att(self, cls):
        if self.att_mode == 'none':
            return ''
        if cls == 'core':
            return 'A' if self.rng.random() < 0.97 else ''
        if cls == 'sipt':
            return 'A'
        if cls == 'voip':
            return 'B'
        if cls in ('intl', 'roam'):
            return 'C'
        return ''

    def ring_answered(self):
        return int(min(40 * SEC, max(1500, self.lognorm(7 * SEC, 0.5))))

    def ring_unanswered(self, abandon=0.4):
        r = self.rng.random()
        if r < 0.10:
            return self.rng.randint(500, 3000)          # busy / rejected
        if r < 0.10 + abandon:
            return self.rng.randint(3000, 25000)        # caller gives up
        return self.rng.randint(25000, 45000)           # no answer timeout

    def new_cid(self):
        while True:
            c = '%016x' % self.rng.getrandbits(64)
            if c not in self.cids:
                self.cids.add(c)
                return c

    def add(self, t, caller, callee, label, variant, src, ans_p, dur_fn, withheld=False,
            abandon=0.4, ring_fn=None):
        origin, trunk, cls, cell = src
        r = self.rng
        if withheld:
            x = r.random()
            cs = '' if x < 0.5 else ('anonymous' if x < 0.95 else 'sip:anonymous@anonymous.invalid')
        else:
            cs = fmt_number(caller, self.pick_style(FMT_CUM, cls), r)
        ce = fmt_number(callee, self.pick_style(CALLEE_CUM, cls), r)
        if callee in ('112', '119', '122'):
            label, ans_p = 'legit:emergency', 0.985
            dur_fn = lambda: self.lognorm(80 * SEC, 0.7)
        answered = r.random() < ans_p
        if answered:
            ring = ring_fn() if ring_fn else self.ring_answered()
            dur = int(min(90 * MIN, max(1200, dur_fn())))
        else:
            ring = self.ring_unanswered(abandon)
            dur = 0
        cid = self.new_cid()
        rec = [t, cid, cs, ce, origin, trunk, cell, self.att(cls), 1 if answered else 0,
               dur, t + ring + dur, label, variant]
        self.calls.append(rec)
        return rec

    def emergency_number(self):
        return self.rng.choices(['112', '119', '122'], [42, 54, 4])[0]

    # ---- reports
    def reporter_id(self, num):
        return 'u' + hashlib.sha1(('wg3-%d-%s' % (self.seed, num)).encode()).hexdigest()[:14]

    def report_style(self):
        return self.rng.choices(['dash', 'nat', 'e164', 'tel'], [42, 40, 14, 4])[0]

    REASONS = {
        'tm': ['illegal_tm', 'spam', 'loan_ad', 'gambling_ad', 'stock_tip', '불법 대출광고', '스팸'],
        'phish': ['voice_phishing', 'impersonation', 'fraud', '보이스피싱', 'spoofed_number'],
        'inst': ['impersonation_bank', 'impersonation_prosecutor', 'impersonation_fss', '기관사칭', 'voice_phishing'],
        'simbox': ['voice_phishing', 'fraud', 'one_ring', '보이스피싱', 'spam'],
        'nuisance': ['spam', 'unwanted', 'harassment', 'telemarketing', '광고전화'],
    }

    def report(self, ts, number, family, victim=None, p_reporter=0.75, p_callee=0.65):
        r = self.rng
        reason = r.choice(self.REASONS[family])
        rep = ''
        cal = ''
        if victim is not None:
            if r.random() < p_reporter:
                rep = self.reporter_id(victim)
            if r.random() < p_callee:
                cal = fmt_number(victim, r.choice(['nat', 'e164', 'dash']), r)
        self.reports.append((int(ts), fmt_number(number, self.report_style(), r), reason, rep, cal))

    def maybe_report(self, rec, number, victim, family, p_ans, p_unans):
        p = p_ans if rec[8] else p_unans
        if self.rng.random() < p:
            ts = rec[10] + max(30 * SEC, self.lognorm(9 * MIN, 1.0))
            if ts < self.t1:
                self.report(ts, number, family, victim)

    def maybe_callback(self, rec, victim, number, p):
        if not rec[8] and self.rng.random() < p:
            self.callbacks.append((rec[10] + int(self.rng.uniform(2, 60) * MIN), victim, number))

    # ------------------------------------------------------------ build
    def build(self):
        r = self.rng
        self.att_mode = 'pilot' if r.random() < 0.5 else 'none'
        self.params['attestation'] = self.att_mode
        self.build_geo()
        self.cell_trunk = {self.cell_id[i]: self.region_trunk(i) for i in range(len(self.cell_id))}
        self.ix_trunks = ['IX-KT-1', 'IX-KT-2', 'IX-LGU-1', 'IX-LGU-2', 'IX-MVNO-1']
        self.pstn_trunks = ['IX-KT-PSTN-1', 'IX-KT-PSTN-2', 'IX-SKB-PSTN-1', 'IX-LGU-PSTN-1']
        self.voip_trunks = ['VOIP-SKB-1', 'VOIP-LGU-1', 'VOIP-SEJONG-1', 'VOIP-ONSE-1', 'VOIP-KINX-1']
        self.intl_trunks = ['INTL-GW-001', 'INTL-GW-002', 'INTL-GW-005', 'INTL-GW-006',
                            'INTL-GW-008', 'INTL-GW-009']
        self.build_subscribers()
        self.build_businesses()
        self.build_institution_registry()
        self.gen_ordinary()
        self.gen_family_events()
        self.gen_business()
        self.gen_international()
        self.gen_callcenters()
        self.gen_telemarketers()
        self.gen_couriers()
        self.gen_notices()
        self.gen_institutions()
        self.gen_illegal_tm()
        self.gen_spoofed_domestic()
        self.gen_spoofed_institution()
        self.gen_simboxes()
        self.gen_confirmed()
        self.gen_callbacks()
        self.gen_malicious_reports()
        self.gen_noise_reports()
        self.top_up()

    # ---- population
    def build_subscribers(self):
        r = self.rng
        n = self.S(self.P('subscribers', 76000, 88000, True))
        share_ours = self.P('share_on_our_radio', 0.55, 0.68)
        self.subs = []
        self.share_ours = share_ours
        for _ in range(n):
            self.make_sub()
        # personal circles (built after all numbers exist); weights Zipf-like
        N = len(self.subs)
        for s in self.subs:
            k = max(2, int(self.lognorm(9, 0.6)))
            s.circle = [self.subs[r.randrange(N)].num for _ in range(k)]
            s.cw = cum([1.0 / (i + 1) ** 0.9 for i in range(k)])
        # reassigned numbers: once on the police list, the entry has expired and the
        # number now belongs to an ordinary subscriber.
        self.reassigned = [s.num for s in r.sample([x for x in self.subs if x.rate > 1.0], r.randint(3, 8))]
        self.roamers = [s for s in r.sample(self.subs, self.S(r.randint(80, 160))) if s.num not in self.reassigned]
        for s in self.roamers:
            s.mode = 'abroad'

    def make_sub(self):
        r = self.rng
        s = Sub()
        s.num = self.new_mobile()
        s.kind = 'sub'
        s.ours = r.random() < self.share_ours
        s.ix = r.choices(self.ix_trunks, [30, 15, 25, 12, 18])[0]
        s.home = self.draw_cell(self.res_cum)
        s.work = self.draw_cell(self.bus_cum)
        x = r.random()
        s.mode = 'home' if x < 0.38 else 'work' if x < 0.80 else 'commute' if x < 0.88 else 'mover'
        s.path = None
        if s.mode == 'commute':     # late commuters / field visits: home -> work in the window
            ts = self.t0 + r.uniform(0, self.t1 - self.t0)
            s.path = [(self.t0 - HOUR, s.home)]
            hx, hy = s.home % self.GW, s.home // self.GW
            wx, wy = s.work % self.GW, s.work // self.GW
            steps = max(1, int(math.hypot(wx - hx, wy - hy) / 2))
            dur = r.uniform(20, 60) * MIN
            for k in range(1, steps + 1):
                f = k / steps
                c = int(round(hy + (wy - hy) * f)) * self.GW + int(round(hx + (wx - hx) * f))
                s.path.append((int(ts + dur * f), c))
        elif s.mode == 'mover':     # sales reps, taxi drivers, errands
            s.path = self.walk(s.home, self.t0, self.t1, 5, 20)
        s.rate = min(12.0, self.lognorm(0.5, 1.0))
        s.withhold = r.random() < 0.025
        s.circle = None
        self.subs.append(s)
        self.sub_by_num[s.num] = s
        return s

    def top_up(self):
        """Guarantee the volume asked for (200,000 calls per 120 minutes at scale 1):
        more ordinary subscribers, drawn like the others, until it is reached."""
        steps = max(1, self.minutes)
        mean_prof = sum(self.prof('personal', self.t0 + i * MIN) for i in range(steps)) / steps
        target = int(200000 * self.scale * self.minutes / 120)
        if mean_prof < 0.8:         # evening/night windows are lighter by nature
            target = 0
        have = sum(1 for c in self.calls if self.t0 <= c[0] < self.t1)
        added = 0
        N = len(self.subs)
        while have < target * 1.01:
            s = self.make_sub()
            k = max(2, int(self.lognorm(9, 0.6)))
            s.circle = [self.subs[self.rng.randrange(N)].num for _ in range(k)]
            s.cw = cum([1.0 / (i + 1) ** 0.9 for i in range(k)])
            for t in self.times(s.rate * self.params['ordinary_rate_mult'], 'personal'):
                self.ordinary_call(s, t)
                have += 1
            added += 1
        self.params['topped_up_subscribers'] = added

    def subscriber_victim(self, p_known=0.7):
        if self.rng.random() < p_known:
            return self.subs[self.rng.randrange(len(self.subs))].num
        return self.new_mobile()

    def build_businesses(self):
        r = self.rng
        n = self.S(self.P('small_businesses', 5500, 7000, True))
        self.biz = []
        for _ in range(n):
            b = Sub()
            x = r.random()
            b.kind = 'land' if x < 0.42 else '070' if x < 0.55 else 'mobile'
            if b.kind == 'land':
                b.num = self.new_landline()
                b.ix = r.choice(self.pstn_trunks)
                b.ours = False
            elif b.kind == '070':
                b.num = self.new_070()
                b.ix = r.choice(self.voip_trunks)
                b.ours = False
            else:
                b.num = self.new_mobile()
                b.ours = r.random() < 0.6
                b.ix = r.choice(self.ix_trunks)
            b.work = self.draw_cell(self.bus_cum)
            b.home = b.work
            b.mode = 'work'
            b.path = None
            b.rate = min(25.0, self.lognorm(1.6, 0.8))
            b.withhold = False
            k = max(10, int(self.lognorm(80, 0.8)))
            b.circle = [self.subs[r.randrange(len(self.subs))].num for _ in range(k)]
            b.cw = None
            self.biz.append(b)
            self.sub_by_num[b.num] = b
        self.biz_nums = [b.num for b in self.biz]
        # numbers ordinary people call that are not people: shops, 15xx centres
        self.inbound_reps = [self.new_rep() for _ in range(300)]

    def biz_source(self, b, t):
        if b.kind == 'land':
            return ('domestic', b.ix, 'pstn', '')
        if b.kind == '070':
            return ('domestic', b.ix, 'voip', '')
        if b.ours:
            return self.sub_source(b, t)
        return ('domestic', b.ix, 'ix', '')

    # ---- durations
    def d_ordinary(self):
        return self.lognorm(75 * SEC, 1.1)

    def d_fraud(self, p_long, long_median):
        if self.rng.random() < p_long:
            return self.lognorm(long_median, 0.9)
        return self.rng.uniform(3, 45) * SEC

    # ---- legit kinds
    def gen_ordinary(self):
        r = self.rng
        mult = self.P('ordinary_rate_mult', 0.9, 1.15)
        for s in self.subs:
            if s.mode == 'abroad':
                continue
            for t in self.times(s.rate * mult, 'personal'):
                self.ordinary_call(s, t)

    def ordinary_call(self, s, t, variant='circle'):
        r = self.rng
        x = r.random()
        if x < 0.003:
            callee, v = self.emergency_number(), 'emergency'
        elif x < 0.88:
            callee = s.circle[bisect.bisect_left(s.cw, r.random() * s.cw[-1])]
            v = variant
        elif x < 0.95:
            callee, v = r.choice(self.biz_nums), 'to-business'
        elif x < 0.98:
            callee, v = r.choice(self.inbound_reps), 'to-15xx'
        else:
            callee, v = self.subscriber_victim(0.5), 'stranger'
        withheld = s.withhold and r.random() < 0.85 or r.random() < 0.003
        label = 'legit:withheld' if withheld else 'legit:ordinary'
        ans = 0.74 if v == 'circle' else 0.62
        if withheld:
            ans = 0.45
        self.add(t, s.num, callee, label, v if not withheld else 'withheld-' + v,
                 self.sub_source(s, t), ans, self.d_ordinary, withheld=withheld)

    def gen_family_events(self):
        """Someone phones the whole family/friends list after a funeral or wedding."""
        r = self.rng
        n = self.S(r.randint(2, 5))
        for _ in range(n):
            s = r.choice([x for x in r.sample(self.subs, 50) if x.ours and x.mode != 'abroad'])
            start = self.pick_start('personal', 0.7)
            if start is None:
                continue
            span = r.uniform(30, 70) * MIN
            k = r.randint(30, 90)
            callees = list(dict.fromkeys(s.circle))
            while len(callees) < k:
                callees.append(self.subscriber_victim(0.8))
            hall = self.draw_cell(self.bus_cum)   # funeral hall / hospital
            for i, c in enumerate(callees[:k]):
                t = int(start + span * (i + r.random()) / k)
                if t >= self.t1:
                    break
                cell = self.cell_id[hall if r.random() < 0.9 else self.neighbour(hall)]
                rec = self.add(t, s.num, c, 'legit:ordinary', 'family-event',
                               ('domestic', self.cell_trunk[cell], 'core', cell), 0.72,
                               lambda: self.lognorm(60 * SEC, 0.7))

    def gen_business(self):
        r = self.rng
        for b in self.biz:
            for t in self.times(b.rate, 'business'):
                x = r.random()
                if x < 0.003:
                    callee = self.emergency_number()
                elif x < 0.85:
                    callee = r.choice(b.circle)
                elif x < 0.95:
                    callee = r.choice(self.biz_nums)
                else:
                    callee = r.choice(self.inbound_reps)
                self.add(t, b.num, callee, 'legit:business', 'shop-%s' % b.kind,
                         self.biz_source(b, t), 0.7, lambda: self.lognorm(60 * SEC, 0.9))
        # a shop works through a call-back list (repairs ready, reservations moved)
        for _ in range(self.S(r.randint(1, 3))):
            b = r.choice(self.biz)
            k = r.randint(25, 70)
            start = self.pick_start('business', 0.75)
            if start is None:
                continue
            span = r.uniform(20, 45) * MIN
            lst = list(dict.fromkeys(b.circle))[:k]
            while len(lst) < k:
                lst.append(self.subscriber_victim(0.9))
            for i, c in enumerate(lst):
                t = int(start + span * (i + r.random()) / k)
                if t < self.t1:
                    self.add(t, b.num, c, 'legit:business', 'shop-callback-list',
                             self.biz_source(b, t), 0.6, lambda: self.lognorm(40 * SEC, 0.7))

    def gen_international(self):
        r = self.rng
        # foreigners and Koreans abroad calling home from foreign numbers
        n = self.S(self.P('intl_callers', 1000, 1600, True))
        for _ in range(n):
            num = self.new_foreign()
            trunk = r.choice(self.intl_trunks)
            withheld = r.random() < 0.06
            for t in self.times(r.uniform(0.3, 1.5), 'personal'):
                callee = self.subscriber_victim(0.95)
                self.add(t, num, callee, 'legit:withheld' if withheld else 'legit:ordinary',
                         'intl-foreign', ('international', trunk, 'intl', ''), 0.6,
                         lambda: self.lognorm(170 * SEC, 1.0), withheld=withheld)
        # our subscribers roaming abroad: their own 010 number, arriving from abroad
        # (they make no domestic call in the window).
        for s in self.roamers:
            trunk = r.choice(['IPX-ROAM-1', 'IPX-ROAM-2'])
            for t in self.times(r.uniform(0.5, 2.5), 'flat'):
                callee = s.circle[bisect.bisect_left(s.cw, r.random() * s.cw[-1])]
                self.add(t, s.num, callee, 'legit:ordinary', 'roamer-abroad',
                         ('international', trunk, 'roam', ''), 0.7, self.d_ordinary)

    # registered callers ------------------------------------------------
    def date(self, d):
        return d.isoformat()

    def reg(self, num, holder, kind, trunks, cap='', vfrom='', vto=''):
        r = self.rng
        style = r.choices(['nat', 'dash', 'e164'], [50, 35, 15])[0]
        if not num.startswith('0') and len(num) <= 4:
            style = 'nat'
        self.registry.append((fmt_number(num, style, r), holder, kind, ';'.join(trunks),
                              str(cap) if cap != '' else '', vfrom, vto))

    def reg_dates(self):
        r = self.rng
        vf = self.today - datetime.timedelta(days=r.randint(20, 900))
        vt = '' if r.random() < 0.3 else self.date(self.last_day + datetime.timedelta(days=r.randint(10, 700)))
        return self.date(vf), vt

    def day_of(self, t):
        return datetime.datetime.utcfromtimestamp((t + KST_OFFSET) / 1000).date()

    def gen_outbound_center(self, kind, label, holder, code, nums, rate_lo, rate_hi, ans, dur_fn,
                            trunks_override=None):
        """Registered high-volume caller: numbers x trunks, business hours."""
        r = self.rng
        trunks = ['SIPT-%s-%d' % (code, i + 1) for i in range(r.randint(1, 2))]
        reg_trunks = trunks if trunks_override is None else trunks_override
        counts = {}
        for num in nums:
            rate = r.uniform(rate_lo, rate_hi)
            seen = []
            for t in self.times(rate, 'business'):
                if r.random() < 0.06 and seen:     # a second try at a customer
                    callee = r.choice(seen[-50:])
                else:
                    callee = self.subscriber_victim(0.85)
                seen.append(callee)
                tr = r.choice(trunks)
                rec = self.add(t, num, callee, label, '%s-%s' % (kind, code),
                               ('domestic', tr, 'sipt', ''), ans, dur_fn)
                d = self.day_of(t)
                counts[(num, d)] = counts.get((num, d), 0) + 1
                if r.random() < 0.003:
                    self.report(rec[10] + self.lognorm(10 * MIN, 0.8), num, 'nuisance', callee)
        return reg_trunks, counts

    def gen_callcenters(self):
        r = self.rng
        names = ['Daehan Card', 'Mirae Life', 'Hanul Telecom CS', 'Seoul City Gas', 'Nuri Insurance',
                 'Gaon Securities', 'Bitsol Capital', 'Haneul Mobile', 'Dasom Rental', 'Saerom Savings CS',
                 'Areum Hospital', 'Pureun Auto']
        n = self.S(self.P('callcenters', 6, 10, True))
        vt_today_done = False
        for i in range(n):
            holder = names[i % len(names)] + ('' if i < len(names) else ' %d' % i)
            code = 'CC%02d' % i
            nums = []
            for _ in range(r.randint(1, 4)):
                nums.append(self.new_rep() if r.random() < 0.75 else self.new_landline('02'))
            empty_trunk = r.random() < 0.15
            trunks, counts = self.gen_outbound_center(
                'callcenter', 'legit:callcenter', holder, code, nums, 110, 480,
                r.uniform(0.42, 0.62), lambda: self.lognorm(150 * SEC, 0.8),
                trunks_override=[] if empty_trunk else None)
            for num in nums:
                vf, vt = self.reg_dates()
                if not vt_today_done and self.today == self.last_day:
                    vt, vt_today_done = self.date(self.today), True   # last valid day = today
                cap = ''
                if r.random() < 0.5:
                    mx = max([c for (nn, d), c in counts.items() if nn == num] or [0])
                    cap = int(max(mx * r.uniform(1.5, 4.0), 500))
                self.reg(num, holder, 'callcenter', trunks, cap, vf, vt)
        # registered but silent today
        for i in range(self.S(r.randint(10, 25))):
            vf, vt = self.reg_dates()
            self.reg(self.new_rep(), 'Registered centre %d' % i, 'callcenter',
                     ['SIPT-RC%02d-1' % i], '', vf, vt)

    def gen_telemarketers(self):
        r = self.rng
        names = ['Hanbit Insurance TM', 'Jayu Telecom Sales', 'Minuri Rental TM', 'Boram Loans TM',
                 'Sori Education', 'Chorok Health Foods', 'Dongbang Travel', 'Yeoreum Cards TM',
                 'Nara Internet Sales', 'Sinbi Cosmetics', 'Haedal Realty', 'Ggum Tutoring']
        n = self.S(self.P('telemarketers', 6, 12, True))
        tight_done = False
        today_done = False
        for i in range(n):
            holder = names[i % len(names)] + ('' if i < len(names) else ' %d' % i)
            code = 'TM%02d' % i
            nums = []
            for _ in range(r.randint(1, 3)):
                x = r.random()
                nums.append(self.new_070() if x < 0.45 else self.new_rep() if x < 0.75 else self.new_landline())
            trunks, counts = self.gen_outbound_center(
                'telemarketer', 'legit:telemarketer', holder, code, nums, 80, 320,
                r.uniform(0.25, 0.42), lambda: self.lognorm(45 * SEC, 1.0))
            for num in nums:
                vf, vt = self.reg_dates()
                if not today_done:
                    vf, today_done = self.date(self.today), True       # registered today
                mx = max([c for (nn, d), c in counts.items() if nn == num] or [0])
                if not tight_done and mx > 50:
                    cap, tight_done = mx + r.randint(0, 3), True       # just within its cap
                else:
                    cap = int(max(mx * r.uniform(1.15, 3.0), 300))
                self.reg(num, holder, 'telemarketer', trunks, cap, vf, vt)
        # expired or not-yet-valid registrations of numbers that do not call
        for i in range(self.S(r.randint(5, 15))):
            num = self.new_070()
            if r.random() < 0.5:
                vf = self.date(self.today - datetime.timedelta(days=r.randint(200, 700)))
                vt = self.date(self.today - datetime.timedelta(days=r.randint(1, 100)))
            else:
                vf = self.date(self.last_day + datetime.timedelta(days=r.randint(1, 30)))
                vt = ''
            self.reg(num, 'Old TM registration %d' % i, 'telemarketer', ['SIPT-OLD%02d-1' % i],
                     r.choice(['', 1000, 3000]), vf, vt)

    def gen_couriers(self):
        r = self.rng
        n = self.S(self.P('couriers', 120, 200, True))
        for i in range(n):
            num = self.new_mobile()
            ours = r.random() < 0.75
            ix = r.choice(self.ix_trunks)
            mostly_answered = r.random() < 0.1
            ans = r.uniform(0.8, 0.9) if mostly_answered else r.uniform(0.40, 0.66)
            rate = r.uniform(15, 50)
            depot = self.draw_cell(self.res_cum)
            path = self.walk(depot, self.t0, self.t1, 3, 10, centre=depot, radius=4)
            variant = 'courier-answered' if mostly_answered else 'courier-%d/h' % (int(rate) // 10 * 10)
            sub = Sub()
            sub.num, sub.ours, sub.ix, sub.mode, sub.path = num, ours, ix, 'courier', path
            self.sub_by_num[num] = sub
            retry = []
            for t in self.times(rate, 'courier'):
                x = r.random()
                if x < 0.002:
                    callee = self.emergency_number()
                elif x < 0.17:
                    callee = self.new_050()      # delivery-app "safe number"
                else:
                    callee = self.subscriber_victim(0.85)
                src = ('domestic', self.cell_trunk[self.cell_id[self.at(path, t)]], 'core',
                       self.cell_id[self.at(path, t)]) if ours else ('domestic', ix, 'ix', '')
                rec = self.add(t, num, callee, 'legit:courier', variant, src, ans,
                               lambda: self.lognorm(25 * SEC, 0.6), abandon=0.5)
                if not rec[8] and r.random() < 0.3:
                    retry.append((t + int(r.uniform(3, 15) * MIN), callee))
            for t, callee in retry:
                if t < self.t1:
                    c = self.cell_id[self.at(path, t)]
                    src = ('domestic', self.cell_trunk[c], 'core', c) if ours else ('domestic', ix, 'ix', '')
                    self.add(t, num, callee, 'legit:courier', variant + '-retry', src, ans,
                             lambda: self.lognorm(25 * SEC, 0.6), abandon=0.5)
        self.couriers = [n for n, s in self.sub_by_num.items() if s.mode == 'courier']

    def gen_notices(self):
        r = self.rng
        rate = self.P('notice_blasts_per_h', 3.0, 6.0) * self.scale
        senders = ['school', 'clinic', 'apartment office', 'academy', 'community centre']
        for t in self.times(rate, 'business'):
            who = r.choice(senders)
            num = self.new_landline(r.choice(['02', '02', '031', '032']))
            if r.random() < 0.5:
                src = ('domestic', 'SIPT-ARS-%d' % r.randint(1, 3), 'sipt', '')
            else:
                src = ('domestic', r.choice(self.pstn_trunks), 'pstn', '')
            k = r.randint(150, 900)
            span = r.uniform(3, 10) * MIN
            msg = r.uniform(20, 60) * SEC
            ans = r.uniform(0.55, 0.78)

            def dur():
                if r.random() < 0.8:
                    return msg + r.gauss(0, 2000)
                return r.uniform(2 * SEC, msg)
            for j in range(k):
                tt = int(t + span * r.random())
                if tt < self.t1:
                    self.add(tt, num, self.subscriber_victim(0.92), 'legit:notice', 'notice-' + who,
                             src, ans, dur, abandon=0.1)
        # a clinic's slower reminder run (appointments), over about an hour
        for _ in range(self.S(r.randint(1, 2))):
            num = self.new_landline()
            src = ('domestic', r.choice(self.pstn_trunks), 'pstn', '')
            k = r.randint(60, 150)
            start = self.pick_start('business', 0.5)
            if start is None:
                continue
            span = r.uniform(40, 70) * MIN
            for j in range(k):
                tt = int(start + span * r.random())
                if tt < self.t1:
                    self.add(tt, num, self.subscriber_victim(0.95), 'legit:notice', 'notice-clinic-reminder',
                             src, 0.65, lambda: r.uniform(15, 50) * SEC)

    # institutions ------------------------------------------------------
    def build_institution_registry(self):
        r = self.rng
        self.inst = []   # (num, holder, trunks or [], weight for spoofing, legit rate/h)
        banks = ['Hanguk Bank', 'Minjok Bank', 'Saebyeok Bank', 'Pureun Bank', 'Gyeongnam Bank',
                 'Nonghyeop-like Coop Bank', 'Daedong Bank']
        for i, b in enumerate(banks[:r.randint(5, 7)]):
            code = 'BANK%d' % (i + 1)
            trunks = ['SIPT-%s-1' % code, 'SIPT-%s-2' % code]
            nums = [self.new_rep()] + ([self.new_rep()] if r.random() < 0.5 else []) + \
                   ([self.new_landline('02')] if r.random() < 0.4 else [])
            for n in nums:
                self.inst.append((n, b, trunks, 1.0, r.uniform(10, 60)))
        self.inst.append(('1332', 'Financial Supervisory Service', ['GOV-FSS-1'], 1.6, r.uniform(3, 10)))
        self.inst.append(('025303114', 'Seoul Central District Prosecutors Office',
                          ['GOV-NET-1', 'GOV-NET-2'], 1.4, r.uniform(1, 5)))
        self.inst.append(('1301', 'Supreme Prosecutors Office civil line', ['GOV-NET-1', 'GOV-NET-2'], 0.6,
                          r.uniform(0.5, 2)))
        self.inst.append(('0231502114', 'Korean National Police Agency', ['GOV-NET-1', 'GOV-NET-3'], 0.6,
                          r.uniform(0.5, 3)))
        # a savings bank registered without a trunk (= anywhere domestic)
        self.inst.append((self.new_rep(), 'Hanmaeum Savings Bank', [], 0.8, r.uniform(5, 20)))
        for (n, holder, trunks, w, rate) in self.inst:
            vf = self.date(self.today - datetime.timedelta(days=r.randint(300, 3000)))
            self.reg(n, holder, 'institution', trunks, '', vf, '')
        # institutions' other numbers (not calling here)
        for i in range(self.S(r.randint(20, 40))):
            self.reg(self.new_rep(), 'Institution %d' % i, 'institution',
                     ['SIPT-INST%02d-1' % i], '', self.date(self.today - datetime.timedelta(days=400)), '')

    def gen_institutions(self):
        r = self.rng
        for (n, holder, trunks, w, rate) in self.inst:
            for t in self.times(rate * self.scale, 'business'):
                if trunks:
                    src = ('domestic', r.choice(trunks), 'sipt', '')
                else:
                    src = ('domestic', r.choice(self.pstn_trunks), 'pstn', '')
                self.add(t, n, self.subscriber_victim(0.9), 'legit:institution', 'inst-' + holder.split()[0],
                         src, 0.55, lambda: self.lognorm(120 * SEC, 0.8))

    # fraud ---------------------------------------------------------------
    def gen_illegal_tm(self):
        r = self.rng
        nops = self.S(self.P('illegal_tm_ops', 4, 8, True))
        for op in range(nops):
            kind = r.choices(['voip070', 'office010', 'pstn02'], [50, 30, 20])[0]
            lines = r.randint(2, 6)
            ans = r.uniform(0.12, 0.30)
            sequential = r.random() < 0.2
            trunk = r.choice(self.voip_trunks) if kind == 'voip070' else r.choice(self.pstn_trunks)
            office = self.draw_cell(self.bus_cum)
            block = None
            if kind == 'voip070':
                block = [r.randint(2000, 9999), r.randint(0, 9000)]
            elif kind == 'pstn02':
                block = [r.randint(2000, 9999), r.randint(0, 9000)]
            seq = [r.randint(2000, 9999), r.randint(0, 5000)]

            def fresh():
                if kind == 'office010':
                    return self.new_mobile()
                while True:
                    block[1] += 1
                    n = ('070%d%04d' if kind == 'voip070' else '02%d%04d') % (block[0], block[1] % 10000)
                    if n not in self.used:
                        self.used.add(n)
                        return n

            for ln in range(lines):
                rate = r.uniform(120, 360)
                num = fresh()
                limit = r.randint(150, 500)
                used = r.randint(0, limit - 1)
                if used > 30:   # the number was already dialling yesterday/earlier today
                    for _ in range(r.randint(0, 6)):
                        self.report(self.t0 - r.uniform(0.2, 20) * HOUR, num, 'tm',
                                    self.subscriber_victim(0.5))
                variant = 'tm-%s%s' % (kind, '-seqdial' if sequential else '')
                for t in self.times(rate, 'business'):
                    if sequential:
                        seq[1] += r.randint(1, 3)
                        callee = '010%d%04d' % (seq[0], seq[1] % 10000)
                    else:
                        callee = self.subscriber_victim(0.8)
                    if kind == 'office010':
                        c = self.cell_id[office if r.random() < 0.9 else self.neighbour(office)]
                        src = ('domestic', self.cell_trunk[c], 'core', c)
                    else:
                        src = ('domestic', trunk, 'voip' if kind == 'voip070' else 'pstn', '')
                    a = ans * (0.4 if sequential else 1.0)
                    rec = self.add(t, num, callee, 'fraud:telemarketing', variant, src, a,
                                   lambda: self.d_fraud(0.25, 90 * SEC), abandon=0.6)
                    self.maybe_report(rec, num, callee, 'tm', 0.04, 0.006)
                    self.maybe_callback(rec, callee, num, 0.02)
                    used += 1
                    if used >= limit:
                        num, used, limit = fresh(), 0, r.randint(150, 500)
                        rate = r.uniform(120, 360)

    def gen_spoofed_domestic(self):
        r = self.rng
        ncrews = self.S(self.P('spoof_crews', 2, 4, True))
        for cw in range(ncrews):
            lines = r.randint(6, 20)
            rate = r.uniform(12, 40)
            trunks = r.sample(self.intl_trunks, r.randint(1, 3))
            strategy = r.choice(['per_call', 'reuse', 'reuse'])
            ans = r.uniform(0.33, 0.5)

            def cli():
                x = r.random()
                if x < 0.10:
                    return self.subs[r.randrange(len(self.subs))].num   # a real subscriber's number
                if x < 0.15:
                    return self.new_070() if r.random() < 0.5 else self.new_landline('02')
                return self.new_mobile()
            cur = [[cli(), r.randint(3, 25)] for _ in range(lines)]
            for t in self.times(lines * rate, 'fraud'):
                i = r.randrange(lines)
                if strategy == 'per_call' or cur[i][1] <= 0:
                    cur[i] = [cli(), r.randint(3, 25)]
                num = cur[i][0]
                cur[i][1] -= 1
                victim = self.subscriber_victim(0.75)
                rec = self.add(t, num, victim, 'fraud:spoofed_domestic', 'spoof-%s' % strategy,
                               ('international', r.choice(trunks), 'intl', ''), ans,
                               lambda: self.d_fraud(0.45, 240 * SEC), abandon=0.5)
                self.maybe_report(rec, num, victim, 'phish', 0.07, 0.01)
                self.maybe_callback(rec, victim, num, 0.06)

    def gen_spoofed_institution(self):
        r = self.rng
        ncrews = self.S(self.P('inst_spoof_crews', 1, 3, True))
        for cw in range(ncrews):
            domestic = r.random() < 0.35
            rate = r.uniform(60, 220)
            if domestic:
                cands = [x for x in self.inst if x[2]]
                src_trunk = 'VOIP-RSL-%d' % r.randint(1, 9)
            else:
                cands = list(self.inst)
                trunks = r.sample(self.intl_trunks, r.randint(1, 3))
            cw_ = cum([x[3] for x in cands])
            for t in self.times(rate, 'fraud'):
                n, holder = cands[bisect.bisect_left(cw_, r.random() * cw_[-1])][:2]
                src = ('domestic', src_trunk, 'voip', '') if domestic else \
                    ('international', r.choice(trunks), 'intl', '')
                victim = self.subscriber_victim(0.8)
                rec = self.add(t, n, victim, 'fraud:spoofed_institution',
                               'inst-spoof-%s' % ('domestic-voip' if domestic else 'intl'), src,
                               r.uniform(0.45, 0.6), lambda: self.d_fraud(0.5, 300 * SEC), abandon=0.5)
                self.maybe_report(rec, n, victim, 'inst', 0.08, 0.01)

    def gen_simboxes(self):
        r = self.rng
        nbox = self.S(self.P('simboxes', 3, 7, True))
        other_carrier_box = r.random() < 0.5
        self.params['simbox_other_carrier'] = other_carrier_box
        # boxes sit in busy residential cells (motels, flats, boiler rooms), where
        # hundreds of ordinary lines also call
        dense = sorted(range(len(self.res_w)), key=lambda i: -self.res_w[i])[:max(20, len(self.res_w) // 20)]
        for b in range(nbox + (1 if other_carrier_box else 0)):
            on_ix = b == nbox
            cell_i = dense.pop(r.randrange(len(dense)))
            cell = self.cell_id[cell_i]
            ncell = self.cell_id[self.neighbour(cell_i)]
            flip = 0.03 if r.random() < 0.3 else 0.0   # rare reselection to the next cell
            nsims = r.randint(16, 64)
            per_sim = r.uniform(2, 8)
            lim_lo, lim_hi = r.choice([(8, 20), (20, 40), (30, 60)])
            ans = r.uniform(0.2, 0.35)
            p_cb = r.choice([0.03, 0.03, 0.15])
            ix = r.choice(self.ix_trunks)
            variant = 'box%d%s' % (b + 1, '-ix' if on_ix else '')
            sims = [[self.new_mobile(), r.randint(0, lim_hi - 1), r.randint(lim_lo, lim_hi)] for _ in range(nsims)]
            seen = set()
            # victims' earlier reports against SIMs that were already in use
            for s in sims:
                if s[1] > 5 and r.random() < 0.15:
                    self.report(self.t0 - r.uniform(0.1, 6) * HOUR, s[0], 'simbox', self.subscriber_victim(0.6))
            for t in self.times(nsims * per_sim, 'fraud'):
                i = r.randrange(nsims)
                s = sims[i]
                while True:
                    victim = self.subscriber_victim(0.7)
                    if victim not in seen:
                        seen.add(victim)
                        break
                if on_ix:
                    src = ('domestic', ix, 'ix', '')
                else:
                    c = ncell if r.random() < flip else cell
                    src = ('domestic', self.cell_trunk[c], 'core', c)
                rec = self.add(t, s[0], victim, 'fraud:simbox', variant, src, ans,
                               lambda: self.d_fraud(0.4, 150 * SEC), abandon=0.55)
                self.maybe_report(rec, s[0], victim, 'simbox', 0.05, 0.008)
                self.maybe_callback(rec, victim, s[0], p_cb)
                s[1] += 1
                if s[1] >= s[2]:
                    sims[i] = [self.new_mobile(), 0, r.randint(lim_lo, lim_hi)]

    def gen_confirmed(self):
        r = self.rng
        n = self.S(self.P('confirmed_calling', 25, 60, True))
        self.confirmed_calling = []
        self.confirmed_src = []
        for i in range(n):
            kind = r.choices(['mob-static', 'mob-moving', 'mob-ix', 'voip', 'pstn'], [30, 15, 10, 30, 15])[0]
            if kind.startswith('mob'):
                num = self.new_mobile()
            elif kind == 'voip':
                num = self.new_070()
            else:
                num = self.new_landline()
            self.confirmed_calling.append(num)
            rate = r.uniform(3, 30) if kind.startswith('mob') else r.uniform(10, 60)
            home = self.draw_cell(self.res_cum)
            path = self.walk(home, self.t0, self.t1, 5, 15) if kind == 'mob-moving' else None
            trunk = r.choice(self.voip_trunks if kind == 'voip' else self.pstn_trunks if kind == 'pstn' else self.ix_trunks)
            ans = r.uniform(0.22, 0.4)
            for t in self.times(rate, 'fraud'):
                if kind in ('mob-static', 'mob-moving'):
                    ci = path and self.at(path, t) or home
                    c = self.cell_id[ci if r.random() < 0.9 else self.neighbour(ci)]
                    src = ('domestic', self.cell_trunk[c], 'core', c)
                elif kind == 'mob-ix':
                    src = ('domestic', trunk, 'ix', '')
                else:
                    src = ('domestic', trunk, 'voip' if kind == 'voip' else 'pstn', '')
                callee = self.emergency_number() if r.random() < 0.002 else self.subscriber_victim(0.75)
                if not self.confirmed_src or self.confirmed_src[-1][0] != num:
                    self.confirmed_src.append((num, src))
                rec = self.add(t, num, callee, 'fraud:confirmed_list', 'confirmed-' + kind, src, ans,
                               lambda: self.d_fraud(0.3, 150 * SEC), abandon=0.5)
                self.maybe_report(rec, num, callee, 'phish', 0.05, 0.01)
            vf = self.date(self.today - datetime.timedelta(days=r.randint(0, 400)))
            self.reg(num, 'KNPA confirmed fraud list', 'confirmed_fraud', [], '', vf, '')
            for _ in range(r.randint(0, 4)):
                self.report(self.t0 - r.uniform(1, 24 * 30) * HOUR, num, 'phish', self.subscriber_victim(0.5))
        # one listed number dials 112 (still an emergency call), from where it calls
        num, src = r.choice(self.confirmed_src)
        t = int(r.uniform(self.t0, self.t1 - MIN))
        self.add(t, num, '112', 'legit:emergency', 'emergency-from-listed', src, 1.0, lambda: 60 * SEC)
        # stale list entries: numbers that no longer call
        for i in range(self.S(r.randint(1200, 2600))):
            x = r.random()
            num = self.new_mobile() if x < 0.6 else self.new_070() if x < 0.85 else self.new_landline()
            vf = self.date(self.today - datetime.timedelta(days=r.randint(1, 900)))
            self.reg(num, 'KNPA confirmed fraud list', 'confirmed_fraud', [], '', vf, '')
        # expired entries whose numbers were reassigned to ordinary subscribers
        for num in self.reassigned:
            vf = self.today - datetime.timedelta(days=r.randint(400, 900))
            vt = self.today - datetime.timedelta(days=r.randint(90, 300))
            self.reg(num, 'KNPA confirmed fraud list', 'confirmed_fraud', [], '', self.date(vf), self.date(vt))

    # after-effects ----------------------------------------------------------
    def gen_callbacks(self):
        """Victims who missed a call ring the number back (the SIM or spoofed line)."""
        r = self.rng
        for (t, victim, num) in self.callbacks:
            if t >= self.t1:
                continue
            s = self.sub_by_num.get(victim)
            if s is not None and s.mode in ('home', 'work', 'commute', 'mover'):
                src = self.sub_source(s, t)
            else:
                src = ('domestic', r.choice(self.ix_trunks), 'ix', '')
            self.add(t, victim, num, 'legit:ordinary', 'victim-callback', src, 0.35,
                     lambda: self.lognorm(30 * SEC, 0.8))

    def gen_malicious_reports(self):
        """Reports against legitimate numbers: grudges, competitors, annoyed customers."""
        r = self.rng
        targets = r.sample(self.couriers, min(len(self.couriers), r.randint(2, 4)))
        targets += r.sample(self.biz_nums, r.randint(2, 3))
        for tg in targets:
            reporters = [self.subscriber_victim(0.9) for _ in range(r.randint(1, 4))]
            for _ in range(r.randint(4, 15)):
                if r.random() < 0.5:
                    ts = r.uniform(self.t0 - 48 * HOUR, self.t0)
                else:
                    ts = r.uniform(self.t0, self.t1 - MIN)
                rep = r.choice(reporters)
                self.report(ts, tg, r.choice(['tm', 'nuisance', 'phish']), rep if r.random() < 0.7 else None,
                            p_reporter=0.8, p_callee=0.5)
        # people report the real FSS / bank numbers after a spoofed call (in gen_spoofed_institution)
        # and a spoofed subscriber gets reported (in gen_spoofed_domestic).

    def gen_noise_reports(self):
        r = self.rng
        for _ in range(self.S(r.randint(200, 500))):
            ts = r.uniform(self.t0 - 30 * 24 * HOUR, self.t1 - MIN)
            x = r.random()
            num = self.new_mobile() if x < 0.5 else self.new_070() if x < 0.8 else self.new_landline()
            self.report(ts, num, r.choice(list(self.REASONS)), self.subscriber_victim(0.5) if r.random() < 0.6 else None)

    # ------------------------------------------------------------ output
    def write(self, out):
        r = self.rng
        os.makedirs(out, exist_ok=True)
        rows = []   # (key, seq, row)
        seq = 0
        batch = self.P('cdr_batch_s', 15, 60) * SEC
        capture_end = self.t1 + 10 * MIN
        labels = []
        truth = []
        n_retx = n_dup_end = n_lost = 0
        self.calls.sort(key=lambda c: c[0])
        for c in self.calls:
            ts, cid, cs, ce, origin, trunk, cell, att, ans, dur, end, label, variant = c[:13]
            if ts < self.t0 or ts >= self.t1:
                continue
            labels.append((cid, label))
            truth.append((cid, variant))
            rows.append((ts, seq, [ts, cid, 'attempt', cs, ce, origin, trunk, cell, att, '', '']))
            seq += 1
            if r.random() < 0.002:    # SIP retransmission reaches the engine twice
                rt = ts + r.randint(200, 1500)
                rows.append((rt, seq, [rt, cid, 'attempt', cs, ce, origin, trunk, cell, att, '', '']))
                seq += 1
                n_retx += 1
            if end > capture_end:
                continue               # still talking when the capture stops
            if r.random() < 0.0005:
                n_lost += 1
                continue               # CDR lost
            if r.random() < 0.35:
                key = end + r.randint(0, 2000)
            else:                      # CDR batches, late but < 5 min
                key = (end // batch + 1) * batch + r.randint(0, 30 * SEC)
                key = min(key, end + 270 * SEC)
            erow = [end, cid, 'end', cs, ce, origin, trunk, cell, att, dur, ans]
            rows.append((key, seq, erow))
            seq += 1
            if r.random() < 0.0005:
                k2 = min(key + r.randint(1000, 60000), end + 280 * SEC)
                rows.append((k2, seq, list(erow)))
                seq += 1
                n_dup_end += 1
        # calls that started before the capture: only their end is seen
        n_orphan = self.S(r.randint(100, 250))
        for _ in range(n_orphan):
            s = r.choice(self.subs)
            if s.mode == 'abroad':
                continue
            end = self.t0 + int(r.expovariate(1 / (6 * MIN)))
            if end >= self.t1:
                continue
            src = self.sub_source(s, end)
            cid = self.new_cid()
            dur = int(self.lognorm(8 * MIN, 0.7))
            erow = [end, cid, 'end', fmt_number(s.num, 'nat', r),
                    fmt_number(r.choice(s.circle), 'nat', r), src[0], src[1], src[3], '', dur, 1]
            rows.append((end + r.randint(0, 60 * SEC), seq, erow))
            seq += 1
        rows.sort(key=lambda x: (x[0], x[1]))
        with open(os.path.join(out, 'events.csv'), 'w', newline='', encoding='utf-8') as f:
            w = csv.writer(f, lineterminator='\n')
            w.writerow(['ts_ms', 'call_id', 'event', 'caller', 'callee', 'origin', 'trunk', 'cell',
                        'attestation', 'duration_ms', 'answered'])
            for _, _, row in rows:
                w.writerow(row)
        with open(os.path.join(out, 'labels.csv'), 'w', newline='', encoding='utf-8') as f:
            w = csv.writer(f, lineterminator='\n')
            w.writerow(['call_id', 'label'])
            w.writerows(labels)
        with open(os.path.join(out, 'truth.csv'), 'w', newline='', encoding='utf-8') as f:
            w = csv.writer(f, lineterminator='\n')
            w.writerow(['call_id', 'variant'])
            w.writerows(truth)
        with open(os.path.join(out, 'registry.csv'), 'w', newline='', encoding='utf-8') as f:
            w = csv.writer(f, lineterminator='\n')
            w.writerow(['number', 'holder', 'kind', 'trunk', 'daily_cap', 'valid_from', 'valid_to'])
            w.writerows(self.registry)
        self.reports.sort(key=lambda x: x[0])
        with open(os.path.join(out, 'reports.csv'), 'w', newline='', encoding='utf-8') as f:
            w = csv.writer(f, lineterminator='\n')
            w.writerow(['ts_ms', 'number', 'reason', 'reporter', 'callee'])
            w.writerows(self.reports)
        with open(os.path.join(out, 'world.txt'), 'w', encoding='utf-8') as f:
            f.write('seed %d minutes %d scale %g start_ms %d end_ms %d\n' %
                    (self.seed, self.minutes, self.scale, self.t0, self.t1))
            for k in sorted(self.params):
                f.write('%s = %s\n' % (k, self.params[k]))
            f.write('retransmitted_attempts = %d\nduplicate_ends = %d\nlost_ends = %d\norphan_ends = %d\n'
                    % (n_retx, n_dup_end, n_lost, n_orphan))
        return len(labels)


def parse_start(s):
    for fmt in ('%Y-%m-%dT%H:%M', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%d %H:%M'):
        try:
            d = datetime.datetime.strptime(s, fmt)
            break
        except ValueError:
            continue
    else:
        raise SystemExit('bad --start %r (want YYYY-MM-DDTHH:MM, Korean time)' % s)
    epoch = datetime.datetime(1970, 1, 1)
    return int((d - epoch).total_seconds() * 1000) - KST_OFFSET


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--seed', type=int, required=True)
    ap.add_argument('--minutes', type=int, default=120)
    ap.add_argument('--start', default='2026-03-10T09:00', help='KST (UTC+9) wall clock')
    ap.add_argument('--scale', type=float, default=1.0)
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    w = World(a.seed, a.minutes, parse_start(a.start), a.scale)
    w.build()
    n = w.write(a.out)
    print('%s: %d calls, %d registry rows, %d reports' % (a.out, n, len(w.registry), len(w.reports)),
          file=sys.stderr)


if __name__ == '__main__':
    main()
