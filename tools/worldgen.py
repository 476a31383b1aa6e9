#!/usr/bin/env python3
"""worldgen.py - an independent generator of Korean call-traffic worlds for `ombud screen`.

Writes the four files of docs/formats.md (events.csv, registry.csv,
reports.csv, labels.csv) for a stretch of a weekday on a Korean network:

  legit   ordinary subscribers (personal circles of callees, long answered calls,
          holiday-greeting bursts, redialled wrong numbers, a new phone announced to
          the whole circle, withheld numbers), small businesses calling customers
          back, insurance/real-estate agents, parcel couriers walking a route of
          dozens of customers an hour, school/clinic/district notice blasts of
          hundreds of numbers in minutes (with a retry wave), registered call
          centers, registered telemarketers within their registration, banks and
          agencies calling out on their registered trunks, foreign numbers on
          international trunks and inbound roamers, emergency calls (112/119/122)
          from any caller, including numbers that are otherwise fraud;
  fraud   illegal telemarketing (unregistered 070/010/landline numbers, hundreds of
          calls an hour, rotating to a fresh number after a few hundred calls, or
          throttled over many numbers), voice phishing from abroad presenting 010
          numbers on international gateways, spoofed institution numbers on trunks
          not registered for them, SIM-box relays (dozens of SIMs on one cell, each
          low and slow, SIMs rotated), numbers on the police's confirmed list;
  reports consumer reports of fraud, complaints about legitimate telemarketing,
          reports naming spoofed institution numbers, and malicious reports
          against legitimate numbers (sock puppets, one angry reporter, anonymous).

Every number is written in a mix of forms (national, dashed, E.164, tel: and sip:
URIs) that depends on the trunk and varies call by call.  Every attempt is
labelled `legit:<kind>` or `fraud:<kind>` in labels.csv; truth.csv (not part of
the contract, for digging into results) names the behaviour within the kind
(e.g. `op3-voip-throttled`, `box2`, `greeting-burst`, `driver-25/h`) and marks
numbers that malicious reports were filed against.

It was written from the file contract and the issue's description only,
independently of `ombud screen simulate` (src/screen/sim.c) and of the engine's
rules: it is meant as a second opinion on where the rules break, not as a copy of
the first world.  Python 3 standard library only; deterministic by seed.

    python3 tools/worldgen.py --seed 1 --minutes 120 [--scale 1] [--no-cell] --out DIR
"""

import argparse
import bisect
import calendar
import csv
import hashlib
import math
import os
import random
import sys
import time

# ---------------------------------------------------------------------------
# Parameters (rates are per hour at the diurnal peak, populations at scale 1)

P = {
    'subscribers': 60000,       # ordinary mobile/home-line subscribers
    'sub_rate_median': 0.55,    # calls/hour, lognormal across subscribers
    'sub_rate_sigma': 0.9,
    'sub_clir': 0.015,          # share who withhold their number on every call
    'sub_landline': 0.08,       # share that is a home landline, not a mobile
    'burst_share': 0.004,       # holiday-greeting burst: 15-35 calls in 30-60 min
    'redial_share': 0.012,      # a number redialled 3-7 times, mostly unanswered
    'newphone_share': 0.002,    # new phone: announces it to 10-25 of the circle
    'organizer_share': 0.002,   # club/parents-group organizer: 20-40 members in an hour
    'businesses': 4000,         # shops, restaurants, repair services
    'agents': 400,              # insurance planners, real-estate agents, car dealers
    'couriers': 400,            # parcel-delivery drivers
    'notice_blasts_per_hour': 5,
    'callcenters': 12,
    'telemarketers': 8,
    'foreign_callers': 500,
    'inbound_roamers': 250,
    'emergency_per_hour': 220,
    'illegal_tm_ops': 10,
    'spoof_domestic_per_hour': 1200,
    'spoof_institution_per_hour': 250,
    'simboxes': 8,
    'confirmed_listed': 300,
    'confirmed_active': 120,
    'cells_per_carrier': 700,
}

CARRIERS = [('SKT', '05', 0.46), ('KT', '08', 0.31), ('LGU', '06', 0.23)]
REGIONS = [  # region code, area code, share of people
    ('SEL', '02', 0.40), ('GGD', '031', 0.22), ('ICN', '032', 0.06), ('BSN', '051', 0.07),
    ('DGU', '053', 0.05), ('GWJ', '062', 0.03), ('DJN', '042', 0.03), ('ULS', '052', 0.02),
    ('GWN', '033', 0.02), ('CCN', '041', 0.03), ('CCB', '043', 0.02), ('JJU', '064', 0.01),
    ('GSB', '054', 0.02), ('GSN', '055', 0.02),
]
IGWS = ['KR.KT.IGW.HYEHWA', 'KR.KT.IGW.GURO', 'KR.SKB.IGW.GEUMSAN', 'KR.LGU.IGW.ANSAN',
    'KR.SEJONG.IGW.SEL1', 'KR.SKT.IGW.BUNDANG']
VOIP_PROVIDERS = ['SAMTEL', 'HANVIT', 'NURICOM', 'ONECALL', 'DAOL']
SERVICE_PREFIXES = ['1588', '1577', '1566', '1544', '1599', '1600', '1644', '1661', '1670',
    '1688', '1800', '1833', '1855', '1899', '1522', '1551']

# real public numbers of institutions often impersonated
INSTITUTIONS = [
    ('1332', 'Financial Supervisory Service', 0.18),
    ('0231455114', 'Financial Supervisory Service (main)', 0.05),
    ('0234802000', 'Supreme Prosecutors Office', 0.15),
    ('025303114', 'Seoul Central District Prosecutors Office', 0.10),
    ('1301', 'Prosecution service hotline', 0.04),
    ('182', 'Korean National Police Agency civil service', 0.04),
    ('15889999', 'KB Kookmin Bank', 0.08),
    ('15778000', 'Shinhan Bank', 0.07),
    ('15885000', 'Woori Bank', 0.06),
    ('15882100', 'NongHyup Bank', 0.05),
    ('15991111', 'Hana Bank', 0.05),
    ('15662566', 'IBK Industrial Bank', 0.03),
    ('15993333', 'KakaoBank', 0.05),
    ('15771000', 'National Health Insurance Service', 0.03),
    ('1355', 'National Pension Service', 0.02),
]
BANK_LIKE = {'15889999', '15778000', '15885000', '15882100', '15991111', '15662566',
    '15993333', '15771000', '1355'}

def nanp(r):
    """A North American number: NXX area code (not N11), NXX exchange, 4 digits."""
    while True:
        area = '%d%d%d' % (r.randint(2, 9), r.randrange(10), r.randrange(10))
        if area[1:] != '11':
            return area + '%d%02d' % (r.randint(2, 9), r.randrange(100)) + '%04d' % r.randrange(10000)


FOREIGN_CC = [('+86', 0.30, lambda r: '1' + r.choice('3589') + ''.join(r.choice('0123456789') for _ in range(9))),
    ('+1', 0.15, lambda r: nanp(r)),
    ('+81', 0.12, lambda r: r.choice(['90', '80', '70']) + str(r.randint(10000000, 99999999))),
    ('+84', 0.12, lambda r: r.choice(['9', '3', '8']) + str(r.randint(10000000, 99999999))),
    ('+63', 0.08, lambda r: '9' + str(r.randint(100000000, 999999999))),
    ('+66', 0.06, lambda r: r.choice(['8', '9', '6']) + str(r.randint(10000000, 99999999))),
    ('+7', 0.05, lambda r: '9' + str(r.randint(100000000, 999999999))),
    ('+998', 0.05, lambda r: '9' + str(r.randint(10000000, 99999999))),
    ('+44', 0.07, lambda r: '7' + str(r.randint(100000000, 999999999)))]

# relative call intensity by KST hour of day (1.0 = busiest)
DIURNAL = [0.06, 0.03, 0.02, 0.02, 0.03, 0.06, 0.15, 0.35, 0.60, 0.85, 1.00, 0.98,
    0.72, 0.88, 0.97, 0.95, 0.92, 0.85, 0.70, 0.60, 0.55, 0.45, 0.30, 0.15]
# couriers and call centers keep business hours, with the same lunch dip
BUSINESS = [0, 0, 0, 0, 0, 0, 0.02, 0.2, 0.7, 0.95, 1.0, 1.0, 0.55, 0.9, 1.0, 1.0, 0.95,
    0.85, 0.5, 0.25, 0.1, 0.03, 0, 0]

MIN = 60000
HOUR = 3600000


class World:
    def __init__(self, seed, minutes, scale, with_cell, start_ms):
        self.r = random.Random(seed)
        self.seed = seed
        self.minutes = minutes
        self.scale = scale
        self.with_cell = with_cell
        self.t0 = start_ms
        self.t1 = start_ms + minutes * MIN
        self.used = set()
        self.calls = []       # [ts, caller, callee, origin, trunk, cell, att, ans, talk_ms, end_ts, label, variant, number]
        self.variant = ''     # which behaviour of its kind a call comes from, for truth.csv
        self.malicious = set()
        self.reports = []     # (ts, number, reason, reporter, callee)
        self.registry = []    # (number, holder, kind, trunk, cap, from, to)
        self.curves = {}
        self._build_network()

    # ----- helpers --------------------------------------------------------

    def n(self, key):
        return max(1, int(round(P[key] * self.scale)))

    def curve(self, table):
        """Cumulative per-minute weights of the window for a diurnal table."""
        key = id(table)
        if key not in self.curves:
            cum, tot = [], 0.0
            for m in range(self.minutes):
                t = self.t0 + m * MIN
                h = ((t // HOUR) + 9) % 24          # KST
                frac = (t % HOUR) / HOUR
                w = table[h] * (1 - frac) + table[(h + 1) % 24] * frac
                tot += w
                cum.append(tot)
            self.curves[key] = (cum, tot)
        return self.curves[key]

    def peak_hours(self, table):
        """Window length in hours weighted by the diurnal table."""
        return self.curve(table)[1] / 60.0

    def when(self, table):
        cum, tot = self.curve(table)
        m = bisect.bisect_left(cum, self.r.random() * tot)
        return self.t0 + min(m, self.minutes - 1) * MIN + self.r.randrange(MIN)

    def poisson(self, lam):
        if lam <= 0:
            return 0
        if lam > 40:
            return max(0, int(round(self.r.gauss(lam, math.sqrt(lam)))))
        L, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= self.r.random()
            if p <= L:
                return k
            k += 1

    def lognorm(self, median, sigma, lo=1.0, hi=None):
        v = median * math.exp(self.r.gauss(0, sigma))
        v = max(lo, v)
        return min(v, hi) if hi else v

    def pick(self, weighted):
        x = self.r.random() * sum(w for _, w in weighted)
        for item, w in weighted:
            x -= w
            if x <= 0:
                return item
        return weighted[-1][0]

    def fresh(self, make):
        while True:
            num = make()
            if num not in self.used:
                self.used.add(num)
                return num

    def mobile(self):
        return self.fresh(lambda: '010%04d%04d' % (self.r.randint(2000, 9999), self.r.randrange(10000)))

    def landline(self, area=None):
        area = area or self.pick([(a, w) for _, a, w in REGIONS])
        four = self.r.random() < (0.7 if area == '02' else 0.5)
        return self.fresh(lambda: area + str(self.r.randint(2000, 9999) if four else self.r.randint(200, 999))
            + '%04d' % self.r.randrange(10000))

    def voip(self):
        return self.fresh(lambda: '070%04d%04d' % (self.r.randint(2000, 9999), self.r.randrange(10000)))

    def service(self):
        return self.fresh(lambda: self.r.choice(SERVICE_PREFIXES) + '%04d' % self.r.randrange(10000))

    def safe050(self):
        return self.fresh(lambda: self.r.choice(['0504', '0505', '0507']) + '%04d%04d' % (self.r.randint(1000, 9999), self.r.randrange(10000)))

    # ----- number forms -----------------------------------------------------

    @staticmethod
    def dashed(num):
        if num.startswith('+'):
            return num
        if len(num) <= 4:
            return num
        if num[0] == '1':                        # 15xx-xxxx
            return num[:4] + '-' + num[4:]
        if num.startswith('02'):
            return '02-' + num[2:-4] + '-' + num[-4:]
        if num.startswith('050'):
            return num[:4] + '-' + num[4:-4] + '-' + num[-4:]
        return num[:3] + '-' + num[3:-4] + '-' + num[-4:]

    @staticmethod
    def e164(num):
        if num.startswith('+') or len(num) <= 4:
            return num
        if num[0] == '0':
            return '+82' + num[1:]
        return '+82' + num

    def form(self, num, style):
        """One written form of a number; style weights (national, dashed, e164, tel, sip)."""
        if num.startswith('+'):                  # foreign numbers have only E.164 forms
            k = self.pick([('e164', 0.85), ('tel', 0.15)])
        else:
            k = self.pick(list(zip(('nat', 'dash', 'e164', 'tel', 'sip'), style)))
        if k == 'nat':
            return num
        if k == 'dash':
            return self.dashed(num)
        if k == 'e164':
            return self.e164(num)
        if k == 'tel':
            if self.r.random() < 0.8 or len(num) <= 4:
                return 'tel:' + self.e164(num)
            return 'tel:' + self.dashed(num) + ';phone-context=+82'
        host = self.r.choice(['ims.mnc005.mcc450.3gppnetwork.org', 'ims.mnc008.mcc450.3gppnetwork.org',
            'ims.mnc006.mcc450.3gppnetwork.org', '10.%d.%d.%d' % (self.r.randrange(256), self.r.randrange(256), self.r.randrange(1, 255))])
        return 'sip:' + self.e164(num) + '@' + host + ';user=phone'

    # trunk family -> caller form weights (national, dashed, e164, tel, sip)
    STYLE = {
        'mss': (0.55, 0.05, 0.25, 0.10, 0.05),
        'pstn': (0.75, 0.15, 0.08, 0.02, 0.0),
        'voip': (0.50, 0.10, 0.20, 0.05, 0.15),
        'biz': (0.45, 0.20, 0.20, 0.05, 0.10),
        'igw': (0.15, 0.0, 0.75, 0.10, 0.0),
    }
    CALLEE_STYLE = (0.60, 0.05, 0.30, 0.05, 0.0)

    # ----- network ------------------------------------------------------------

    def _build_network(self):
        r = self.r
        self.cells = {}        # carrier -> [(cell, region, trunk, weight)]
        ncell = max(30, int(P['cells_per_carrier'] * self.scale))
        for carrier, mnc, _ in CARRIERS:
            lst = []
            for _ in range(ncell):
                region = self.pick([(g, w) for g, _, w in REGIONS])
                nsw = 4 if region == 'SEL' else (2 if region in ('GGD', 'BSN') else 1)
                trunk = 'KR.%s.MSS.%s%02d' % (carrier, region, r.randint(1, nsw))
                cell = '450%s-%05X-%d' % (mnc, r.randrange(0x10000, 0xFFFFF), r.randint(1, 6))
                lst.append((cell, region, trunk, self.lognorm(1.0, 0.9, 0.05)))
            self.cells[carrier] = lst
        self.cell_cum = {}
        for carrier, lst in self.cells.items():
            cum, t = [], 0.0
            for c in lst:
                t += c[3]
                cum.append(t)
            self.cell_cum[carrier] = (cum, t)
        self.by_region = {}
        for carrier, lst in self.cells.items():
            for c in lst:
                self.by_region.setdefault((carrier, c[1]), []).append(c)

    def carrier(self):
        return self.pick([(c, w) for c, _, w in CARRIERS])

    def some_cell(self, carrier, region=None):
        if region and (carrier, region) in self.by_region and self.r.random() < 0.9:
            lst = self.by_region[(carrier, region)]
            return lst[self.r.randrange(len(lst))]
        cum, t = self.cell_cum[carrier]
        return self.cells[carrier][bisect.bisect_left(cum, self.r.random() * t)]

    def near_cell(self, carrier, c):
        lst = self.by_region.get((carrier, c[1]))
        return lst[self.r.randrange(len(lst))] if lst else c

    def pstn_trunk(self, num):
        area = '02' if num.startswith('02') else num[:3]
        region = next((g for g, a, _ in REGIONS if a == area), 'SEL')
        owner = self.pick([('KT', 0.7), ('SKB', 0.2), ('LGU', 0.1)])
        return 'KR.%s.PSTN.%s-LS%d' % (owner, region, 1 + int(hashlib.md5(num.encode()).hexdigest(), 16) % 3)

    def voip_trunk(self, prov=None):
        return 'KR.VOIP.%s.%d' % (prov or self.r.choice(VOIP_PROVIDERS), self.r.randint(1, 3))

    def biz_trunk(self):
        return 'KR.%s.BIZSIP.C%05d' % (self.r.choice(['KT', 'KT', 'SKB', 'LGU']), self.r.randrange(100000))

    def attest(self, fam):
        x = self.r.random()
        if fam in ('mss', 'pstn'):
            return 'A' if x < 0.8 else ''
        if fam == 'biz':
            return 'A' if x < 0.6 else ('B' if x < 0.9 else '')
        if fam == 'voip':
            return 'A' if x < 0.55 else ('B' if x < 0.85 else '')
        return 'C' if x < 0.5 else ''

    # ----- calls ------------------------------------------------------------------

    def call(self, ts, caller, callee, origin, trunk, fam, cell, answered, talk_ms, label, caller_form=None):
        r = self.r
        if not (self.t0 <= ts < self.t1):
            return
        if answered:
            setup = r.randint(2000, 18000)
        elif r.random() < 0.12:
            setup = r.randint(500, 3000)          # busy / rejected
        else:
            setup = r.randint(12000, 45000)       # rang out or caller gave up
        talk = min(int(talk_ms), 3 * HOUR) if answered else 0
        cf = caller_form if caller_form is not None else (self.form(caller, self.STYLE[fam]) if caller else caller)
        if callee in ('112', '119', '122'):
            ce = callee if r.random() < 0.95 else 'tel:' + callee
        else:
            ce = self.form(callee, self.CALLEE_STYLE)
        self.calls.append([ts, cf, ce, origin, trunk, cell if cell else '', self.attest(fam),
            1 if answered else 0, talk, ts + setup + talk, label, self.variant, caller])

    def mobile_call(self, ts, caller, carrier, cell, callee, answered, talk_ms, label):
        self.call(ts, caller, callee, 'domestic', cell[2], 'mss', cell[0], answered, talk_ms, label)

    def talk_personal(self):
        return self.lognorm(75000, 1.1, 3000, 2 * HOUR)

    # ----- legit populations --------------------------------------------------------

    def build_subscribers(self):
        r = self.r
        n = self.n('subscribers')
        subs = []
        for _ in range(n):
            if r.random() < P['sub_landline']:
                num = self.landline()
                s = {'num': num, 'land': True, 'trunk': self.pstn_trunk(num)}
            else:
                car = self.carrier()
                home = self.some_cell(car)
                s = {'num': self.mobile(), 'land': False, 'car': car, 'home': home,
                    'work': self.some_cell(car, home[1]) if r.random() < 0.6 else None}
            s['clir'] = r.random() < P['sub_clir']
            s['rate'] = self.lognorm(P['sub_rate_median'], P['sub_rate_sigma'], 0.02, 12)
            subs.append(s)
        self.subs = subs
        # personal circles: mostly other subscribers, some shops and landlines
        for s in subs:
            k = r.randint(4, 35)
            circle = [subs[r.randrange(n)]['num'] for _ in range(k)]
            circle = [c for c in circle if c != s['num']] or [self.mobile()]
            s['circle'] = circle
            s['cw'] = [1.0 / (i + 1) ** 0.8 for i in range(len(circle))]

    def gen_subscriber_calls(self):
        r = self.r
        subs = self.subs
        n = len(subs)
        hours = self.peak_hours(DIURNAL)
        self.variant = 'everyday'
        for s in subs:
            for _ in range(self.poisson(s['rate'] * hours)):
                self.sub_call(s, self.when(DIURNAL), None, 'legit:subscriber')
        # episodes
        self.variant = 'greeting-burst'
        for s in r.sample(subs, int(n * P['burst_share'])):
            t = self.when(DIURNAL)
            span = r.randint(30, 60) * MIN
            extra = [self.mobile() for _ in range(r.randint(5, 20))]
            targets = s['circle'] + extra
            for i in range(r.randint(15, 35)):
                self.sub_call(s, t + int(span * i / 35) + r.randrange(60000), targets[i % len(targets)],
                    'legit:subscriber', p_ans=0.65, talk=self.lognorm(50000, 0.8, 5000))
        self.variant = 'redial'
        for s in r.sample(subs, int(n * P['redial_share'])):
            t = self.when(DIURNAL)
            callee = r.choice(s['circle']) if r.random() < 0.5 else self.mobile()
            k = r.randint(3, 7)
            for i in range(k):
                t += r.randint(15000, 180000)
                last = i == k - 1
                self.sub_call(s, t, callee, 'legit:subscriber', p_ans=0.5 if last else 0.05)
        self.variant = 'new-phone'
        for s in r.sample(subs, int(n * P['newphone_share'])):
            if s['land']:
                continue
            s2 = dict(s)
            s2['num'] = self.mobile()
            t = self.when(DIURNAL)
            for c in r.sample(s['circle'], min(len(s['circle']), r.randint(10, 25))):
                t += r.randint(20000, 240000)
                self.sub_call(s2, t, c, 'legit:subscriber', p_ans=0.7, talk=self.lognorm(60000, 0.9, 5000))
        self.variant = 'organizer'
        for s in r.sample(subs, int(n * P['organizer_share'])):
            t = self.when(DIURNAL)
            members = [self.mobile() for _ in range(r.randint(20, 40))]
            for m in members:
                t += r.randint(30000, 150000)
                self.sub_call(s, t, m, 'legit:subscriber', p_ans=0.6, talk=self.lognorm(40000, 0.7, 5000))

    def sub_call(self, s, ts, callee, label, p_ans=None, talk=None):
        r = self.r
        if callee is None:
            x = r.random()
            if x < 0.80:
                callee = s['circle'][bisect.bisect_left(self._cum(s), r.random() * self._cum(s)[-1])]
                p = 0.78
            elif x < 0.90:
                callee = r.choice(self.business_nums) if self.business_nums else self.landline()
                p = 0.7
            elif x < 0.96:
                callee = r.choice(self.service_inbound)
                p = 0.9
            else:
                callee = r.choice(self.subs)['num'] if r.random() < 0.5 else self.mobile()
                p = 0.45
        else:
            p = 0.75
        if p_ans is not None:
            p = p_ans
        if s['clir']:
            label = 'legit:withheld' if label == 'legit:subscriber' else label
        ans = r.random() < p
        tk = talk if talk is not None else self.talk_personal()
        cf = (r.choice(['', 'anonymous', 'anonymous', 'Anonymous'])) if s['clir'] else None
        if s['land']:
            self.call(ts, s['num'], callee, 'domestic', s['trunk'], 'pstn', None, ans, tk, label, cf)
        else:
            h = ((ts // HOUR) + 9) % 24
            c = s['work'] if s['work'] and 9 <= h < 18 and r.random() < 0.75 else s['home']
            if r.random() < 0.15:
                c = self.near_cell(s['car'], c)
            self.call(ts, s['num'], callee, 'domestic', c[2], 'mss', c[0], ans, tk, label, cf)

    def _cum(self, s):
        if 'cum' not in s:
            acc, t = [], 0.0
            for w in s['cw']:
                t += w
                acc.append(t)
            s['cum'] = acc
        return s['cum']

    def gen_businesses(self):
        r = self.r
        hours = self.peak_hours(BUSINESS)
        self.businesses = []
        for _ in range(self.n('businesses')):
            kind = self.pick([('land', 0.55), ('voip', 0.2), ('mob', 0.25)])
            b = {'kind': kind}
            if kind == 'land':
                b['num'] = self.landline()
                b['trunk'] = self.pstn_trunk(b['num'])
            elif kind == 'voip':
                b['num'] = self.voip()
                b['trunk'] = self.voip_trunk()
            else:
                b['num'] = self.mobile()
                b['car'] = self.carrier()
                b['cell'] = self.some_cell(b['car'])
            busy = r.random() < 0.06
            b['rate'] = r.uniform(10, 22) if busy else self.lognorm(3.0, 0.6, 0.5, 10)
            b['customers'] = [self.mobile() if r.random() < 0.85 else self.landline() for _ in range(r.randint(40, 300))]
            self.businesses.append(b)
        self.business_nums = [b['num'] for b in self.businesses]
        for b in self.businesses:
            self.variant = ('busy-' if b['rate'] >= 10 else '') + b['kind']
            for _ in range(self.poisson(b['rate'] * hours)):
                ts = self.when(BUSINESS)
                callee = r.choice(b['customers'])
                ans = r.random() < 0.66
                tk = self.lognorm(60000, 0.9, 4000)
                self.biz_call(b, ts, callee, ans, tk, 'legit:business')
                if not ans and r.random() < 0.35:             # call back again later
                    self.biz_call(b, ts + r.randint(5, 40) * MIN, callee, r.random() < 0.6, tk, 'legit:business')

    def biz_call(self, b, ts, callee, ans, tk, label):
        if b['kind'] == 'land':
            self.call(ts, b['num'], callee, 'domestic', b['trunk'], 'pstn', None, ans, tk, label)
        elif b['kind'] == 'voip':
            self.call(ts, b['num'], callee, 'domestic', b['trunk'], 'voip', None, ans, tk, label)
        else:
            c = b['cell'] if self.r.random() < 0.85 else self.near_cell(b['car'], b['cell'])
            self.call(ts, b['num'], callee, 'domestic', c[2], 'mss', c[0], ans, tk, label)

    def gen_agents(self):
        r = self.r
        hours = self.peak_hours(BUSINESS)
        for _ in range(self.n('agents')):
            num, car = self.mobile(), self.carrier()
            home = self.some_cell(car)
            clients = [self.mobile() for _ in range(r.randint(80, 400))]
            rate = r.uniform(6, 20)
            self.variant = 'agent-%d/h' % (rate // 5 * 5)
            for _ in range(self.poisson(rate * hours)):
                ts = self.when(BUSINESS)
                c = home if r.random() < 0.5 else self.near_cell(car, home)
                self.mobile_call(ts, num, car, c, r.choice(clients), r.random() < 0.5,
                    self.lognorm(90000, 1.0, 5000), 'legit:agent')

    def gen_couriers(self):
        r = self.r
        self.courier_nums = []
        for _ in range(self.n('couriers')):
            num, car = self.mobile(), self.carrier()
            self.courier_nums.append(num)
            cell = self.some_cell(car)
            rate = r.uniform(15, 35)
            self.variant = 'driver-%d/h' % (rate // 5 * 5)
            hours = self.peak_hours(BUSINESS)
            k = self.poisson(rate * hours)
            times = sorted(self.when(BUSINESS) for _ in range(k))
            nxt_move = self.t0
            for ts in times:
                if ts >= nxt_move:                   # drive on to the next block
                    cell = self.near_cell(car, cell)
                    nxt_move = ts + r.randint(8, 20) * MIN
                callee = self.safe050() if r.random() < 0.3 else self.mobile()
                ans = r.random() < 0.55
                self.mobile_call(ts, num, car, cell, callee, ans, self.lognorm(25000, 0.6, 4000), 'legit:courier')
                if not ans and r.random() < 0.45:
                    t2 = ts + r.randint(3, 20) * MIN
                    self.mobile_call(t2, num, car, cell, callee, r.random() < 0.5,
                        self.lognorm(20000, 0.6, 4000), 'legit:courier')
        # a courier depot's dispatcher on a landline, calling drivers and customers
        self.variant = 'depot'
        for _ in range(max(1, int(8 * self.scale))):
            num = self.landline()
            tr = self.pstn_trunk(num)
            for _ in range(self.poisson(40 * self.peak_hours(BUSINESS))):
                self.call(self.when(BUSINESS), num, self.mobile(), 'domestic', tr, 'pstn', None,
                    r.random() < 0.6, self.lognorm(40000, 0.7, 4000), 'legit:courier')

    def gen_notices(self):
        r = self.r
        nblast = self.poisson(P['notice_blasts_per_hour'] * self.scale * self.minutes / 60.0)
        senders = []
        for _ in range(max(2, nblast // 2 + 1)):
            who = self.pick([('school', 0.4), ('clinic', 0.25), ('district', 0.15), ('apartment', 0.2)])
            fam = self.pick([('pstn', 0.4), ('voip', 0.45), ('mss', 0.15)])
            if fam == 'pstn':
                num = self.landline()
                senders.append((who, num, 'pstn', self.pstn_trunk(num), None))
            elif fam == 'voip':
                num = self.voip() if r.random() < 0.6 else self.landline()
                senders.append((who, num, 'voip', 'KR.VOIP.%s.BULK%d' % (r.choice(VOIP_PROVIDERS), r.randint(1, 2)), None))
            else:
                car = self.carrier()
                c = self.some_cell(car)
                senders.append((who, self.mobile(), 'mss', c[2], c[0]))
        self.notice_senders = senders
        for _ in range(nblast):
            who, num, fam, trunk, cell = r.choice(senders)
            self.variant = '%s-%s' % (who, fam)
            size = int(self.lognorm(350, 0.6, 120, 1500))
            span = r.randint(2, 8) * MIN
            t = self.t0 + r.randrange(self.minutes * MIN)
            listed = [self.mobile() if r.random() < 0.95 else self.landline() for _ in range(size)]
            missed = []
            for i, callee in enumerate(listed):
                ts = t + int(span * i / size) + r.randrange(2000)
                ans = r.random() < 0.55
                self.call(ts, num, callee, 'domestic', trunk, fam, cell, ans, self.lognorm(28000, 0.4, 8000), 'legit:notice')
                if not ans:
                    missed.append(callee)
            if r.random() < 0.5:
                t2 = t + r.randint(10, 25) * MIN
                for i, callee in enumerate(missed):
                    ts = t2 + int(span * i / max(1, len(missed))) + r.randrange(2000)
                    self.call(ts, num, callee, 'domestic', trunk, fam, cell, r.random() < 0.45,
                        self.lognorm(28000, 0.4, 8000), 'legit:notice')

    def gen_callcenters(self):
        r = self.r
        hours = self.peak_hours(BUSINESS)
        holders = ['Hanbit Card customer center', 'Daehan Life insurance', 'Mirae Telecom CS', 'Saebyeok Mall CS',
            'Gwangmyeong Auto service', 'Nuri Broadband', 'Hanul Securities', 'Pureun Energy', 'Dasom Rental',
            'Jinju Capital', 'Seorae Medical center', 'Haneul Air reservations', 'Bomi Pay', 'Sori Mobile MVNO']
        self.service_inbound = []
        self.registered_outbound = []
        for i in range(self.n('callcenters')):
            holder = holders[i % len(holders)] + ('' if i < len(holders) else ' %d' % (i // len(holders) + 1))
            trunks = [self.biz_trunk() for _ in range(r.randint(1, 3))]
            nums = [self.service()] + [self.landline(r.choice(['02', '02', '031', '051'])) for _ in range(r.randint(1, 5))]
            for num in nums:
                self.registry.append((num, holder, 'callcenter', ';'.join(trunks),
                    '' if r.random() < 0.6 else str(r.randint(20000, 60000)), '2024-01-01', '2027-12-31' if r.random() < 0.7 else ''))
            self.service_inbound.append(nums[0])
            rate = r.uniform(300, 900)
            self.variant = 'center%d' % i
            for _ in range(self.poisson(rate * hours)):
                ts = self.when(BUSINESS)
                num = nums[0] if r.random() < 0.6 else r.choice(nums[1:])
                self.call(ts, num, self.mobile() if r.random() < 0.7 else r.choice(self.subs)['num'], 'domestic',
                    r.choice(trunks), 'biz', None, r.random() < 0.6, self.lognorm(120000, 0.9, 8000), 'legit:callcenter')
            self.registered_outbound.append((nums, holder))

    def gen_telemarketers(self):
        r = self.r
        hours = self.peak_hours(BUSINESS)
        names = ['Hanmaeum Insurance TM', 'Geumbit Loans TM', 'Chorok Telecom sales', 'Areum Membership',
            'Dongbang Travel', 'Saerom Education', 'Halla Rental', 'Gaon Card sales', 'Byeol Health']
        self.tm_numbers = []
        for i in range(self.n('telemarketers')):
            holder = names[i % len(names)] + ('' if i < len(names) else ' %d' % (i // len(names) + 1))
            fam = self.pick([('voip', 0.5), ('biz', 0.5)])
            trunks = [self.voip_trunk() if fam == 'voip' else self.biz_trunk() for _ in range(r.randint(1, 2))]
            nums = []
            for _ in range(r.randint(1, 4)):
                nums.append(self.voip() if fam == 'voip' and r.random() < 0.7 else
                    (self.service() if r.random() < 0.4 else self.landline('02')))
            for num in nums:
                rate = r.uniform(150, 450)
                cap = int(rate * 11 * r.uniform(1.1, 1.6))
                self.registry.append((num, holder, 'telemarketer', ';'.join(trunks), str(cap),
                    '2026-01-01', '2026-12-31'))
                self.tm_numbers.append(num)
                self.variant = 'tm%d-%s' % (i, fam)
                for _ in range(self.poisson(rate * hours)):
                    ts = self.when(BUSINESS)
                    ans = r.random() < 0.3
                    callee = self.mobile() if r.random() < 0.8 else r.choice(self.subs)['num']
                    self.call(ts, num, callee, 'domestic', r.choice(trunks), fam, None, ans,
                        self.lognorm(45000, 0.9, 3000), 'legit:telemarketer')
                    if ans and r.random() < 0.004:      # annoyed, but it is legal
                        self.reports.append((ts + r.randint(1, 60) * MIN, num, 'telemarketing',
                            self.reporter(callee), callee))

    def gen_institutions(self):
        r = self.r
        hours = self.peak_hours(BUSINESS)
        self.inst_trunks = {}
        for num, holder, _ in INSTITUTIONS:
            trunks = [self.biz_trunk() for _ in range(r.randint(1, 3))]
            self.inst_trunks[num] = trunks
            self.used.add(num)
            self.registry.append((num, holder, 'institution', ';'.join(trunks), '', '2020-01-01', ''))
            rate = r.uniform(80, 250) if num in BANK_LIKE else r.uniform(2, 12)
            self.variant = 'bank' if num in BANK_LIKE else 'agency'
            for _ in range(self.poisson(rate * hours)):
                callee = r.choice(self.subs)['num'] if r.random() < 0.6 else self.mobile()
                self.call(self.when(BUSINESS), num, callee, 'domestic', r.choice(trunks), 'biz', None,
                    r.random() < 0.65, self.lognorm(150000, 0.8, 8000), 'legit:institution')
        self.service_inbound += [n for n, _, _ in INSTITUTIONS if n in BANK_LIKE]

    def gen_foreign(self):
        r = self.r
        self.variant = 'from-abroad'
        for _ in range(int(self.n('foreign_callers') * self.minutes / 120)):
            cc, _, make = self.pick([((c, w, m), w) for c, w, m in FOREIGN_CC])
            num = cc + make(r)
            gw = r.choice(IGWS)
            for _ in range(r.randint(1, 3)):
                callee = r.choice(self.subs)['num'] if r.random() < 0.7 else (r.choice(self.business_nums) if r.random() < 0.5 else self.mobile())
                self.call(self.t0 + r.randrange(self.minutes * MIN), num, callee, 'international', gw, 'igw', None,
                    r.random() < 0.55, self.lognorm(180000, 1.0, 5000), 'legit:foreign')
        self.roamers = []
        self.variant = 'inbound-roamer'
        for _ in range(int(self.n('inbound_roamers') * self.minutes / 120)):
            cc, _, make = self.pick([((c, w, m), w) for c, w, m in FOREIGN_CC])
            num, car = cc + make(r), self.carrier()
            cell = self.some_cell(car, 'SEL')
            self.roamers.append((num, car, cell))
            for _ in range(r.randint(1, 4)):
                callee = self.mobile() if r.random() < 0.5 else (r.choice(self.business_nums) if r.random() < 0.6 else r.choice(self.subs)['num'])
                self.mobile_call(self.t0 + r.randrange(self.minutes * MIN), num, car, self.near_cell(car, cell), callee,
                    r.random() < 0.7, self.lognorm(60000, 1.0, 4000), 'legit:foreign')

    def gen_emergency(self):
        r = self.r
        k = self.poisson(P['emergency_per_hour'] * self.scale * self.peak_hours(DIURNAL))
        for _ in range(k):
            ts = self.when(DIURNAL)
            callee = self.pick([('112', 0.55), ('119', 0.42), ('122', 0.03)])
            src = self.pick([('sub', 0.72), ('clir', 0.08), ('biz', 0.08), ('roam', 0.04), ('fraud', 0.08)])
            self.variant = 'from-' + src
            ans = r.random() < 0.97
            tk = self.lognorm(90000, 0.7, 5000)
            if src == 'sub' or src == 'clir':
                s = r.choice(self.subs)
                if src == 'clir':
                    s = dict(s, clir=True)
                self.sub_call(s, ts, callee, 'legit:emergency', p_ans=0.97, talk=tk)
            elif src == 'biz':
                self.biz_call(r.choice(self.businesses), ts, callee, ans, tk, 'legit:emergency')
            elif src == 'roam':
                num, car, cell = r.choice(self.roamers)
                self.mobile_call(ts, num, car, cell, callee, ans, tk, 'legit:emergency')
            else:
                self.fraud_emergency.append((ts, callee, ans, tk))

    def emit_fraud_emergency(self):
        """Emergency calls from numbers that are otherwise fraudulent (a SIM still in a
        phone, a confirmed number's owner, a telemarketing office): never to be blocked."""
        r = self.r
        for ts, callee, ans, tk in self.fraud_emergency:
            kind = r.choice(['simbox', 'confirmed', 'tm'])
            self.variant = 'from-' + kind
            if kind == 'simbox' and self.simbox_sims:
                num, car, cell = r.choice(self.simbox_sims)
                self.mobile_call(ts, num, car, cell, callee, ans, tk, 'legit:emergency')
            elif kind == 'confirmed' and self.confirmed_active:
                num, car, cell = r.choice(self.confirmed_active)
                self.mobile_call(ts, num, car, cell, callee, ans, tk, 'legit:emergency')
            elif self.tm_sources:
                num, fam, trunk, cell = r.choice(self.tm_sources)
                self.call(ts, num, callee, 'domestic', trunk, fam, cell, ans, tk, 'legit:emergency')

    # ----- fraud ------------------------------------------------------------------------

    def reporter(self, callee):
        return hashlib.sha256(('rep:%d:%s' % (self.seed, callee)).encode()).hexdigest()[:16]

    def fraud_reports(self, ts, num, ans, callee, reason, p_rep, p_anon=0.0):
        r = self.r
        if ans and r.random() < p_rep:
            self.reports.append((ts + r.randint(2, 120) * MIN, num, reason, self.reporter(callee), callee))
        elif r.random() < p_anon:
            self.reports.append((ts + r.randint(5, 180) * MIN, num, reason, '', ''))

    def gen_illegal_tm(self):
        r = self.r
        self.tm_sources = []
        for op in range(self.n('illegal_tm_ops')):
            style = self.pick([('voip', 0.45), ('mss', 0.35), ('pstn', 0.2)])
            throttled = r.random() < 0.3
            self.variant = 'op%d-%s-%s' % (op, style, 'throttled' if throttled else 'fast')
            conc = r.randint(5, 10) if throttled else r.randint(1, 3)
            rate = r.uniform(40, 90) if throttled else r.uniform(150, 400)
            car = self.carrier()
            office = self.some_cell(car)
            prov = r.choice(VOIP_PROVIDERS)
            area = r.choice(['02', '031', '032', '051'])
            p_ans = r.uniform(0.12, 0.25)
            seq = [r.randint(20000000, 99000000) if r.random() < 0.5 else None]
            def new_number():
                if style == 'voip':
                    return self.voip(), 'voip', self.voip_trunk(prov), None
                if style == 'pstn':
                    num = self.landline(area)
                    return num, 'voip', self.voip_trunk(prov), None
                return self.mobile(), 'mss', office[2], office[0]

            for _ in range(conc):
                src = new_number()
                self.tm_sources.append(src)
                left = r.randint(200, 500)
                ts = self.t0 + r.randrange(10 * MIN)
                lunch = False
                while ts < self.t1:
                    h = ((ts // HOUR) + 9) % 24
                    ts += int(r.expovariate(rate / HOUR * max(BUSINESS[h], 0.05)))
                    if h == 12 and not lunch:
                        lunch = True
                        ts += r.randint(30, 60) * MIN
                    if seq[0] is not None:                   # dialling a bought number block in order
                        seq[0] = seq[0] + r.randint(1, 3) if seq[0] < 99990000 else 20000000
                        callee = '010%08d' % seq[0]
                    else:
                        callee = self.mobile() if r.random() < 0.9 else r.choice(self.subs)['num']
                    ans = r.random() < p_ans
                    num, fam, trunk, cell = src
                    self.call(ts, num, callee, 'domestic', trunk, fam, cell, ans, self.lognorm(15000, 0.9, 2000),
                        'fraud:illegal_tm')
                    self.fraud_reports(ts, num, ans, callee, 'illegal_telemarketing', 0.03, 0.002)
                    left -= 1
                    if left <= 0:
                        src = new_number()
                        self.tm_sources.append(src)
                        left = r.randint(200, 500)
                        ts += r.randint(0, 5) * MIN

    def gen_spoof_domestic(self):
        r = self.r
        k = self.poisson(P['spoof_domestic_per_hour'] * self.scale * self.minutes / 60.0)
        reused = []
        for _ in range(k):
            x = r.random()
            self.variant = 'fresh-number' if x < 0.5 else ('real-subscriber' if x < 0.75 else 'reused')
            if x < 0.5:
                num = self.mobile()
            elif x < 0.75:
                num = r.choice(self.subs)['num']
                if not num.startswith('010'):
                    num = self.mobile()
            else:
                if not reused or r.random() < 0.08:
                    reused.append(self.mobile())
                num = r.choice(reused[-5:])
            form = self.pick([('e164', 0.6), ('nat', 0.25), ('tel', 0.1), ('dash', 0.05)])
            cf = {'e164': self.e164(num), 'nat': num, 'tel': 'tel:' + self.e164(num), 'dash': self.dashed(num)}[form]
            ts = self.t0 + r.randrange(self.minutes * MIN)
            ans = r.random() < 0.35
            tk = self.lognorm(20000, 0.8, 2000) if r.random() < 0.7 else self.lognorm(600000, 0.8, 60000)
            callee = r.choice(self.subs)['num'] if r.random() < 0.6 else self.mobile()
            self.call(ts, num, callee, 'international', r.choice(IGWS), 'igw', None, ans, tk,
                'fraud:spoofed_domestic', cf)
            self.fraud_reports(ts, num, ans, callee, 'voice_phishing', 0.02)

    def gen_spoof_institution(self):
        r = self.r
        k = self.poisson(P['spoof_institution_per_hour'] * self.scale * self.minutes / 60.0)
        pbx = [self.biz_trunk() for _ in range(3)]
        for _ in range(k):
            num = self.pick([(n, w) for n, _, w in INSTITUTIONS])
            route = self.pick([('igw', 0.6), ('voip', 0.25), ('biz', 0.15)])
            self.variant = 'via-' + route
            trunk = r.choice(IGWS) if route == 'igw' else (self.voip_trunk() if route == 'voip' else r.choice(pbx))
            ts = self.t0 + r.randrange(self.minutes * MIN)
            ans = r.random() < 0.5
            tk = self.lognorm(30000, 0.8, 2000) if r.random() < 0.6 else self.lognorm(900000, 0.7, 60000)
            callee = r.choice(self.subs)['num'] if r.random() < 0.7 else self.mobile()
            self.call(ts, num, callee, 'international' if route == 'igw' else 'domestic', trunk, route, None,
                ans, tk, 'fraud:spoofed_institution')
            self.fraud_reports(ts, num, ans, callee, 'impersonation', 0.04)

    def gen_simboxes(self):
        r = self.r
        self.simbox_sims = []
        for box in range(self.n('simboxes')):
            self.variant = 'box%d' % box
            car = self.carrier()
            cell = self.some_cell(car)                       # a residential/office cell, shared with everyone
            slots = r.randint(24, 64)
            per_sim = r.uniform(2, 6)
            p_ans = r.uniform(0.2, 0.35)
            start = self.t0 + r.randrange(max(1, self.minutes * MIN // 6))
            for _ in range(slots):
                sim = self.mobile()
                self.simbox_sims.append((sim, car, cell))
                # a SIM is swapped after a number of calls or once it has been in use for a
                # while (the operator sees its calls start failing): the generator cannot see
                # verdicts, so use time as the stand-in for "blocked"
                life = r.randint(8, 30)
                ts = start + r.randrange(10 * MIN)
                retire = ts + r.randint(30, 120) * MIN
                while True:
                    ts += int(r.expovariate(per_sim / HOUR))
                    if ts >= self.t1:
                        break
                    ans = r.random() < p_ans
                    tk = self.lognorm(25000, 0.9, 2000) if r.random() < 0.75 else self.lognorm(500000, 0.8, 60000)
                    callee = r.choice(self.subs)['num'] if r.random() < 0.5 else self.mobile()
                    self.mobile_call(ts, sim, car, cell, callee, ans, tk, 'fraud:simbox')
                    self.fraud_reports(ts, sim, ans, callee, 'voice_phishing', 0.03)
                    life -= 1
                    if life <= 0 or ts >= retire:             # swap the SIM for a fresh one
                        sim = self.mobile()
                        self.simbox_sims.append((sim, car, cell))
                        life = r.randint(8, 30)
                        ts += r.randint(1, 15) * MIN
                        retire = ts + r.randint(30, 120) * MIN

    def gen_confirmed(self):
        r = self.r
        listed = []
        for _ in range(self.n('confirmed_listed')):
            num = self.mobile() if r.random() < 0.7 else (self.voip() if r.random() < 0.7 else self.landline())
            listed.append(num)
            self.registry.append((num, 'KNPA confirmed fraud list', 'confirmed_fraud', '', '',
                '2025-%02d-%02d' % (r.randint(1, 12), r.randint(1, 28)), ''))
            if r.random() < 0.5:
                for _ in range(r.randint(1, 4)):
                    self.reports.append((self.t0 - r.randint(1, 60 * 24 * 30) * MIN, num, 'voice_phishing',
                        self.reporter(self.mobile()), ''))
        self.confirmed_active = []
        self.variant = 'listed'
        for num in r.sample(listed, min(len(listed), self.n('confirmed_active'))):
            car = self.carrier()
            cell = self.some_cell(car)
            if num.startswith('010'):
                self.confirmed_active.append((num, car, cell))
            for _ in range(r.randint(1, 8)):
                ts = self.t0 + r.randrange(self.minutes * MIN)
                ans = r.random() < 0.25
                tk = self.lognorm(30000, 1.0, 2000)
                callee = r.choice(self.subs)['num']
                if num.startswith('010') and r.random() < 0.15:
                    self.call(ts, num, callee, 'international', r.choice(IGWS), 'igw', None, ans, tk, 'fraud:confirmed')
                elif num.startswith('010'):
                    self.mobile_call(ts, num, car, self.near_cell(car, cell), callee, ans, tk, 'fraud:confirmed')
                else:
                    self.call(ts, num, callee, 'domestic', self.voip_trunk(), 'voip', None, ans, tk, 'fraud:confirmed')

    def gen_malicious_reports(self):
        """Reports against legitimate numbers: sock puppets, one angry reporter,
        anonymous bursts, and reports of institution numbers that were spoofed."""
        r = self.r
        targets = []
        targets += [b['num'] for b in r.sample(self.businesses, max(1, len(self.businesses) // 200))]
        targets += [n for n in r.sample(self.courier_nums, max(1, len(self.courier_nums) // 50))]
        targets += [r.choice(nums) for nums, _ in r.sample(self.registered_outbound, min(2, len(self.registered_outbound)))]
        targets += r.sample(self.tm_numbers, 1)
        targets += [s['num'] for s in r.sample(self.subs, 3)]
        targets += [s[1] for s in r.sample(self.notice_senders, 1)]
        for num in targets:
            how = r.choice(['puppets', 'angry', 'anon'])
            self.malicious.add(num)
            t = self.t0 - r.randint(0, 3 * 24 * 60) * MIN
            k = r.randint(3, 12)
            angry = hashlib.sha256(('angry:%s' % num).encode()).hexdigest()[:16]
            for i in range(k):
                ts = t + r.randint(0, max(1, self.minutes + 3 * 24 * 60)) * MIN
                if how == 'puppets':
                    rep = hashlib.sha256(('puppet:%s:%d' % (num, i)).encode()).hexdigest()[:16]
                elif how == 'angry':
                    rep = angry
                else:
                    rep = ''
                self.reports.append((ts, num, r.choice(['voice_phishing', 'spam', 'illegal_telemarketing']), rep,
                    self.mobile() if rep else ''))

    # ----- output -----------------------------------------------------------------------

    def generate(self):
        self.business_nums = []
        self.service_inbound = ['114']
        self.fraud_emergency = []
        self.build_subscribers()
        self.gen_callcenters()
        self.gen_institutions()
        self.gen_businesses()
        self.gen_subscriber_calls()
        self.gen_agents()
        self.gen_couriers()
        self.gen_notices()
        self.gen_telemarketers()
        self.gen_foreign()
        self.gen_emergency()
        self.gen_illegal_tm()
        self.gen_spoof_domestic()
        self.gen_spoof_institution()
        self.gen_simboxes()
        self.gen_confirmed()
        self.emit_fraud_emergency()
        self.gen_malicious_reports()

    def write(self, out):
        r = self.r
        os.makedirs(out, exist_ok=True)
        self.calls.sort(key=lambda c: c[0])
        cols = ['ts_ms', 'call_id', 'event', 'caller', 'callee', 'origin', 'trunk', 'attestation',
            'duration_ms', 'answered', 'codec']
        if self.with_cell:
            cols.append('cell')
        r.shuffle(cols)
        lines = []
        ids = set()
        labels = []
        truth = []
        for c in self.calls:
            ts, caller, callee, origin, trunk, cell, att, ans, talk, end, label, variant, number = c
            while True:
                cid = '%016x@%s' % (r.getrandbits(64), r.choice(['sbc1.kr', 'sbc2.kr', 'pcscf-a', 'pcscf-b', 'mgcf3']))
                if cid not in ids:
                    ids.add(cid)
                    break
            codec = r.choice(['AMR-WB', 'EVS', 'PCMA', 'AMR']) if origin == 'domestic' else 'PCMA'
            base = {'ts_ms': ts, 'call_id': cid, 'caller': caller, 'callee': callee, 'origin': origin,
                'trunk': trunk, 'cell': cell, 'attestation': att, 'codec': codec}
            a = dict(base, event='attempt', duration_ms='', answered='')
            lines.append((ts, 0, a))
            # end records come in batches up to ~2.5 minutes after the call ended
            emit = end + 30000 - end % 30000 + r.randrange(120000)
            e = dict(base, ts_ms=end, event='end', duration_ms=talk, answered=ans)
            lines.append((emit, 1, e))
            labels.append((cid, label))
            truth.append((cid, variant + ('+malicious-reports' if number in self.malicious else '')))
        lines.sort(key=lambda x: (x[0], x[1]))
        with open(os.path.join(out, 'events.csv'), 'w', newline='') as f:
            w = csv.writer(f, lineterminator='\n')
            w.writerow(cols)
            for _, _, d in lines:
                w.writerow([d[k] for k in cols])
        with open(os.path.join(out, 'labels.csv'), 'w', newline='') as f:
            w = csv.writer(f, lineterminator='\n')
            w.writerow(['call_id', 'label'])
            w.writerows(labels)
        with open(os.path.join(out, 'truth.csv'), 'w', newline='') as f:
            w = csv.writer(f, lineterminator='\n')
            w.writerow(['call_id', 'variant'])
            w.writerows(truth)
        with open(os.path.join(out, 'registry.csv'), 'w', newline='') as f:
            w = csv.writer(f, lineterminator='\n')
            w.writerow(['number', 'holder', 'kind', 'trunk', 'daily_cap', 'valid_from', 'valid_to'])
            for num, holder, kind, trunk, cap, vf, vt in self.registry:
                w.writerow([self.form(num, (0.5, 0.4, 0.1, 0, 0)), holder, kind, trunk, cap, vf, vt])
        self.reports.sort(key=lambda x: x[0])
        with open(os.path.join(out, 'reports.csv'), 'w', newline='') as f:
            w = csv.writer(f, lineterminator='\n')
            w.writerow(['ts_ms', 'number', 'reason', 'reporter', 'callee'])
            for ts, num, reason, rep, callee in self.reports:
                w.writerow([ts, self.form(num, (0.5, 0.35, 0.15, 0, 0)), reason, rep,
                    self.form(callee, (0.8, 0.1, 0.1, 0, 0)) if callee else ''])
        return len(self.calls)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--seed', type=int, required=True)
    ap.add_argument('--minutes', type=int, required=True)
    ap.add_argument('--scale', type=float, default=1.0)
    ap.add_argument('--no-cell', action='store_true', help='omit the optional cell column')
    ap.add_argument('--start', default='2026-03-10T09:00', help='window start, KST (default %(default)s)')
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    if a.minutes <= 0 or a.scale <= 0:
        ap.error('--minutes and --scale must be positive')
    st = time.strptime(a.start, '%Y-%m-%dT%H:%M')
    start_ms = (calendar.timegm(st) - 9 * 3600) * 1000
    t = time.time()
    w = World(a.seed, a.minutes, a.scale, not a.no_cell, start_ms)
    w.generate()
    n = w.write(a.out)
    counts = {}
    for c in w.calls:
        counts[c[10]] = counts.get(c[10], 0) + 1
    print('calls %d in %.1f s -> %s' % (n, time.time() - t, a.out), file=sys.stderr)
    for k in sorted(counts):
        print('  %-28s %8d' % (k, counts[k]), file=sys.stderr)


if __name__ == '__main__':
    main()
