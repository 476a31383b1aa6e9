/* sim.c — the simulated world. Rates and shares below describe behaviour
 * from the issue and docs/screening.md; the engine's rules never read them. */
#include "screen/sim.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"

#define MIN_MS 60000LL
#define HOUR_MS 3600000LL

/* ---- PRNG: xoshiro256** seeded by splitmix64 ---- */

struct rng { uint64_t s[4]; };

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t next(struct rng *r)
{
	uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

static double unif(struct rng *r)
{
	return (double)(next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static bool chance(struct rng *r, double p)
{
	return unif(r) < p;
}

static int64_t irange(struct rng *r, int64_t lo, int64_t hi) /* inclusive */
{
	return lo + (int64_t)(next(r) % (uint64_t)(hi - lo + 1));
}

static double expo(struct rng *r, double mean)
{
	return -mean * log(1.0 - unif(r));
}

static double lognorm(struct rng *r, double median, double sigma)
{
	double u1 = unif(r), u2 = unif(r);
	double z = sqrt(-2 * log(1 - u1)) * cos(2 * M_PI * u2);
	return median * exp(sigma * z);
}

/* ---- numbers ---- */

struct num { char d[16]; }; /* national digits, e.g. "01012345678" */

static struct num mobile(struct rng *r)
{
	struct num n;
	snprintf(n.d, sizeof n.d, "010%08u", (unsigned)(next(r) % 100000000));
	return n;
}

static struct num landline(struct rng *r)
{
	static const char *areas[] = {"02", "031", "032", "051", "053", "062"};
	struct num n;
	const char *a = areas[next(r) % 6];
	snprintf(n.d, sizeof n.d, "%s%u", a, (unsigned)irange(r, 2000000, 9999999));
	return n;
}

static struct num voip(struct rng *r)
{
	struct num n;
	snprintf(n.d, sizeof n.d, "070%08u", (unsigned)(next(r) % 100000000));
	return n;
}

static struct num service(struct rng *r)
{
	static const char *pfx[] = {"1588", "1577", "1644", "1800", "1661"};
	struct num n;
	snprintf(n.d, sizeof n.d, "%s%04u", pfx[next(r) % 5], (unsigned)(next(r) % 10000));
	return n;
}

static struct num fixed(const char *d)
{
	struct num n;
	snprintf(n.d, sizeof n.d, "%s", d);
	return n;
}

/* Dashes where Koreans write them: 010-1234-5678, 02-123-4567, 1588-1234. */
static void dashed(const char *d, char *out, size_t size)
{
	size_t n = strlen(d);
	if (n <= 4) {
		snprintf(out, size, "%s", d);
	} else if (n == 8) {
		snprintf(out, size, "%.4s-%s", d, d + 4);
	} else {
		size_t area = strncmp(d, "02", 2) == 0 ? 2 : 3;
		size_t mid = n - area - 4;
		snprintf(out, size, "%.*s-%.*s-%s", (int)area, d, (int)mid, d + area, d + area + mid);
	}
}

/* Writes the number in one of the forms networks present. */
static void present(struct rng *r, const struct num *n, char *out, size_t size)
{
	const char *d = n->d;
	bool national_only = strlen(d) <= 4; /* short codes have no E.164 form here */
	double u = unif(r);
	char tmp[32];
	if (national_only || u < 0.5) {
		snprintf(out, size, "%s", d);
	} else if (u < 0.7) {
		dashed(d, out, size);
	} else if (u < 0.85) {
		snprintf(out, size, "+82%s", d[0] == '0' ? d + 1 : d);
	} else if (u < 0.93) {
		dashed(d, tmp, sizeof tmp);
		snprintf(out, size, "tel:+82-%s", tmp[0] == '0' ? tmp + 1 : tmp);
	} else {
		snprintf(out, size, "sip:%s@ims.example.kr;user=phone", d);
	}
}

/* ---- calls ---- */

enum label {
	L_ORDINARY, L_WITHHELD, L_BUSINESS, L_CALLCENTER, L_TELEMARKETER, L_INSTITUTION, L_COURIER,
	L_NOTICE, L_EMERGENCY, F_TELEMARKETING, F_SPOOFED_DOMESTIC, F_SPOOFED_INSTITUTION, F_SIMBOX,
	F_CONFIRMED, NLABELS
};
static const char *const label_names[NLABELS] = {
	"legit:ordinary", "legit:withheld", "legit:business", "legit:callcenter", "legit:telemarketer",
	"legit:institution", "legit:courier", "legit:notice", "legit:emergency", "fraud:telemarketing",
	"fraud:spoofed_domestic", "fraud:spoofed_institution", "fraud:simbox", "fraud:confirmed_list",
};

struct call {
	int64_t ts, end_ts, deliver_ts;
	int64_t dur;
	struct num caller, callee;
	bool withheld, intl, answered;
	char trunk[20], cell[16];
	char att;
	uint8_t label;
};

struct world {
	struct rng r;
	int64_t t0, t_end;
	struct call *calls;
	size_t ncalls, cap;
	FILE *reports;
	uint64_t nreports, reporter_seq;
	int ncells;
};

/* Outcome of a call: answer probability, and talk time for answered calls. */
struct outcome { double p_answer, median_s, sigma, p_short; };

static struct call *add_call(struct world *w, int64_t ts, const struct num *caller, const struct num *callee,
			     const struct outcome *o, uint8_t label)
{
	w->calls = xgrow(w->calls, w->ncalls, &w->cap, sizeof *w->calls, 65536);
	struct call *c = &w->calls[w->ncalls++];
	memset(c, 0, sizeof *c);
	c->ts = ts;
	c->caller = *caller;
	c->callee = *callee;
	c->label = label;
	c->answered = chance(&w->r, o->p_answer);
	if (c->answered) {
		double s = chance(&w->r, o->p_short) ? 3 + unif(&w->r) * 11 : lognorm(&w->r, o->median_s, o->sigma);
		c->dur = (int64_t)(s * 1000) + 1000;
		c->end_ts = ts + irange(&w->r, 3000, 15000) + c->dur;
	} else {
		c->end_ts = ts + irange(&w->r, 15000, 40000);
	}
	/* ends are reported in batches, up to a minute late */
	c->deliver_ts = c->end_ts + irange(&w->r, 0, 60000);
	return c;
}

static void set_place(struct call *c, const char *trunk, int cell)
{
	snprintf(c->trunk, sizeof c->trunk, "%s", trunk);
	if (cell >= 0)
		snprintf(c->cell, sizeof c->cell, "cell-%04d", cell % 100000);
}

static void mobile_place(struct call *c, int cell)
{
	char trunk[20];
	snprintf(trunk, sizeof trunk, "msc-%02d", cell / 100);
	set_place(c, trunk, cell);
}

static void report(struct world *w, int64_t ts, const struct num *n, const char *reason, bool named)
{
	fprintf(w->reports, "%lld,%s,%s,", (long long)ts, n->d, reason);
	if (named)
		fprintf(w->reports, "r%016llx", (unsigned long long)splitmix(&w->reporter_seq));
	fprintf(w->reports, ",\n");
	w->nreports++;
}

/* ---- the population ---- */

struct person {
	struct num n;
	int cell;
	double rate_h;
	int circle[12];
	int ncircle;
};

static const struct outcome talk = {0.75, 90, 0.9, 0.08};

static void ordinary(struct world *w, struct person *p, int np, int ncouriers, const struct num *couriers)
{
	for (int i = 0; i < np; i++) {
		struct person *me = &p[i];
		for (int64_t t = w->t0 + (int64_t)(expo(&w->r, 1.0 / me->rate_h) * HOUR_MS); t < w->t_end;
		     t += (int64_t)(expo(&w->r, 1.0 / me->rate_h) * HOUR_MS)) {
			struct num callee = chance(&w->r, 0.85) ? p[me->circle[next(&w->r) % me->ncircle]].n
					  : chance(&w->r, 0.3) ? couriers[next(&w->r) % ncouriers]
					  : chance(&w->r, 0.5) ? landline(&w->r) : mobile(&w->r);
			bool hidden = chance(&w->r, 0.02);
			struct call *c = add_call(w, t, &me->n, &callee, &talk, hidden ? L_WITHHELD : L_ORDINARY);
			c->withheld = hidden;
			int cell = chance(&w->r, 0.9) ? me->cell : (int)(next(&w->r) % w->ncells);
			mobile_place(c, cell);
			if (!c->answered && chance(&w->r, 0.5)) { /* try again a little later */
				int64_t t2 = c->end_ts + irange(&w->r, 60000, 300000);
				struct call *again = add_call(w, t2, &me->n, &callee, &talk, c->label);
				again->withheld = hidden;
				mobile_place(again, cell);
			}
		}
	}
}

static void businesses(struct world *w, const struct person *p, int np, int n)
{
	static const struct outcome o = {0.7, 120, 0.8, 0.05};
	for (int b = 0; b < n; b++) {
		struct num me = landline(&w->r);
		double rate = 3 + unif(&w->r) * 5;
		char trunk[20];
		snprintf(trunk, sizeof trunk, "pstn-%d", b % 4);
		for (int64_t t = w->t0 + (int64_t)(expo(&w->r, 1.0 / rate) * HOUR_MS); t < w->t_end;
		     t += (int64_t)(expo(&w->r, 1.0 / rate) * HOUR_MS)) {
			/* a client list of about sixty */
			const struct num *callee = &p[(b * 61 + (int)(next(&w->r) % 60)) % np].n;
			set_place(add_call(w, t, &me, callee, &o, L_BUSINESS), trunk, -1);
		}
	}
}

/* Registered high-volume callers: call centers and telemarketers. */
static void registered(struct world *w, FILE *reg, const struct person *p, int np, int n, bool tm)
{
	static const struct outcome cc = {0.65, 150, 0.8, 0.05}, tmo = {0.3, 30, 0.8, 0.4};
	for (int i = 0; i < n; i++) {
		struct num me = tm ? (chance(&w->r, 0.5) ? voip(&w->r) : landline(&w->r)) : service(&w->r);
		char trunk[20];
		snprintf(trunk, sizeof trunk, "%s-gw-%d", tm ? "tm" : "cc", i);
		fprintf(reg, "%s,%s %d,%s,%s,%d,2025-01-01,2027-12-31\n", me.d, tm ? "Telemarketer" : "Callcenter",
			i, tm ? "telemarketer" : "callcenter", trunk, 20000);
		double rate = 200 + unif(&w->r) * 200;
		for (int64_t t = w->t0 + (int64_t)(expo(&w->r, 1.0 / rate) * HOUR_MS); t < w->t_end;
		     t += (int64_t)(expo(&w->r, 1.0 / rate) * HOUR_MS)) {
			const struct num *callee = &p[next(&w->r) % np].n;
			struct call *c = add_call(w, t, &me, callee, tm ? &tmo : &cc, tm ? L_TELEMARKETER : L_CALLCENTER);
			set_place(c, trunk, -1);
		}
		if (tm && i < 2) /* malicious reports against a registered telemarketer */
			for (int k = 0; k < 6; k++)
				report(w, w->t0 + irange(&w->r, 0, (w->t_end - w->t0) / 2), &me, "spam", true);
	}
}

struct institution { struct num n; char trunk[20]; };

static int institutions(struct world *w, FILE *reg, const struct person *p, int np, struct institution *inst)
{
	static const struct outcome o = {0.7, 120, 0.8, 0.05};
	static const char *fixed_numbers[] = {"1332", "0234802000", "0221000000"};
	static const char *holders[] = {"Financial Supervisory Service", "Seoul Prosecutors Office", "Police"};
	int n = 0;
	for (int i = 0; i < 3; i++, n++) {
		inst[n].n = fixed(fixed_numbers[i]);
		snprintf(inst[n].trunk, sizeof inst[n].trunk, "gov-gw-%d", i);
		fprintf(reg, "%s,%s,institution,%s,,,\n", inst[n].n.d, holders[i], inst[n].trunk);
	}
	for (int i = 0; i < 4; i++, n++) {
		inst[n].n = service(&w->r);
		snprintf(inst[n].trunk, sizeof inst[n].trunk, "bank-gw-%d", i);
		fprintf(reg, "%s,Bank %d,institution,%s;%s-b,,,\n", inst[n].n.d, i, inst[n].trunk, inst[n].trunk);
	}
	for (int i = 0; i < n; i++) {
		double rate = 15 + unif(&w->r) * 25;
		for (int64_t t = w->t0 + (int64_t)(expo(&w->r, 1.0 / rate) * HOUR_MS); t < w->t_end;
		     t += (int64_t)(expo(&w->r, 1.0 / rate) * HOUR_MS))
			set_place(add_call(w, t, &inst[i].n, &p[next(&w->r) % np].n, &o, L_INSTITUTION),
				  inst[i].trunk, -1);
	}
	return n;
}

static void couriers(struct world *w, const struct person *p, int np, struct num *nums, int n)
{
	static const struct outcome o = {0.8, 35, 0.4, 0.1};
	for (int i = 0; i < n; i++) {
		nums[i] = mobile(&w->r);
		double rate = 25 + unif(&w->r) * 35;
		int cell = (int)(next(&w->r) % w->ncells);
		int64_t moved = w->t0;
		for (int64_t t = w->t0 + (int64_t)(expo(&w->r, 1.0 / rate) * HOUR_MS); t < w->t_end;
		     t += (int64_t)(expo(&w->r, 1.0 / rate) * HOUR_MS)) {
			if (t - moved > 20 * MIN_MS) { /* the route moves on to a neighbouring cell */
				cell = (cell + 1 + (int)(next(&w->r) % 3)) % w->ncells;
				moved = t;
			}
			const struct num *callee = &p[next(&w->r) % np].n;
			struct call *c = add_call(w, t, &nums[i], callee, &o, L_COURIER);
			mobile_place(c, cell);
			if (!c->answered && chance(&w->r, 0.5)) {
				struct call *again = add_call(w, c->end_ts + irange(&w->r, 120000, 600000), &nums[i],
							      callee, &o, L_COURIER);
				mobile_place(again, cell);
			}
		}
		if (i < 5) /* malicious reports: a rival or an angry customer */
			for (int k = 0; k < 5; k++)
				report(w, w->t0 + irange(&w->r, 0, (w->t_end - w->t0) / 2), &nums[i], "spam", true);
	}
}

/* A school's or clinic's notice: hundreds of parents or patients in minutes. */
static void notices(struct world *w, const struct person *p, int np, int n)
{
	static const struct outcome o = {0.55, 35, 0.3, 0.15};
	for (int i = 0; i < n; i++) {
		struct num me = landline(&w->r);
		char trunk[20];
		snprintf(trunk, sizeof trunk, "pstn-%d", i % 4);
		int64_t span = w->t_end - w->t0;
		int64_t start = w->t0 + irange(&w->r, span / 20, span - span / 8);
		int count = (int)irange(&w->r, 200, 500);
		int64_t len = irange(&w->r, 3, 6) * MIN_MS;
		int first = (int)(next(&w->r) % np);
		for (int k = 0; k < count; k++)
			set_place(add_call(w, start + len * k / count, &me, &p[(first + k * 7) % np].n, &o, L_NOTICE),
				  trunk, -1);
		if (i == 0)
			for (int k = 0; k < 5; k++)
				report(w, start + irange(&w->r, 0, 20 * MIN_MS), &me, "unwanted", true);
	}
}

static void emergency(struct world *w, const struct num *from, int nfrom, int n)
{
	static const struct outcome o = {1.0, 120, 0.5, 0.0};
	static const char *codes[] = {"112", "119", "122"};
	for (int i = 0; i < n; i++) {
		struct num callee = fixed(codes[next(&w->r) % 3]);
		struct call *c = add_call(w, irange(&w->r, w->t0, w->t_end - 1), &from[next(&w->r) % nfrom], &callee,
					  &o, L_EMERGENCY);
		mobile_place(c, (int)(next(&w->r) % w->ncells));
	}
}

/* Victims: mostly numbers of the wider network, some of the simulated subscribers. */
static struct num victim(struct world *w, const struct person *p, int np)
{
	return chance(&w->r, 0.75) ? mobile(&w->r) : p[next(&w->r) % np].n;
}

static void illegal_tm(struct world *w, const struct person *p, int np, int ops)
{
	static const struct outcome o = {0.22, 35, 0.7, 0.6};
	for (int op = 0; op < ops; op++) {
		char trunk[20];
		snprintf(trunk, sizeof trunk, "voip-gw-%d", op);
		bool sequential = op == 0;
		for (int line = 0; line < 2; line++) {
			double rate = 300 + unif(&w->r) * 300;
			int64_t t = w->t0 + irange(&w->r, 0, 20 * MIN_MS);
			while (t < w->t_end) {
				struct num me = chance(&w->r, 0.5) ? voip(&w->r) : chance(&w->r, 0.6) ? mobile(&w->r)
										   : landline(&w->r);
				int calls = (int)irange(&w->r, 200, 400);
				struct num seq = mobile(&w->r);
				for (int k = 0; k < calls && t < w->t_end; k++) {
					struct num callee = victim(w, p, np);
					if (sequential)
						snprintf(callee.d, sizeof callee.d, "010%08u",
							 (unsigned)((strtoul(seq.d + 3, NULL, 10) + (unsigned)k) % 100000000));
					set_place(add_call(w, t, &me, &callee, &o, F_TELEMARKETING), trunk, -1);
					t += (int64_t)(expo(&w->r, 1.0 / rate) * HOUR_MS);
				}
				if (chance(&w->r, 0.4))
					for (int k = (int)irange(&w->r, 1, 4); k > 0; k--)
						report(w, t + irange(&w->r, 0, HOUR_MS), &me, "illegal telemarketing",
						       chance(&w->r, 0.7));
				t += irange(&w->r, 0, 2 * MIN_MS); /* a fresh number */
			}
		}
	}
}

static void spoofed_domestic(struct world *w, const struct person *p, int np, double rate)
{
	static const struct outcome o = {0.4, 60, 1.0, 0.4};
	for (int64_t t = w->t0 + (int64_t)(expo(&w->r, 1.0 / rate) * HOUR_MS); t < w->t_end;
	     t += (int64_t)(expo(&w->r, 1.0 / rate) * HOUR_MS)) {
		/* half borrow a real subscriber's number: that subscriber must not suffer */
		struct num me = chance(&w->r, 0.5) ? p[next(&w->r) % np].n : mobile(&w->r);
		struct num callee = victim(w, p, np);
		struct call *c = add_call(w, t, &me, &callee, &o, F_SPOOFED_DOMESTIC);
		char trunk[20];
		snprintf(trunk, sizeof trunk, "igw-%d", (int)(next(&w->r) % 3));
		set_place(c, trunk, -1);
		c->intl = true;
		c->att = chance(&w->r, 0.2) ? 'C' : 0;
	}
}

static void spoofed_institution(struct world *w, const struct person *p, int np, const struct institution *inst,
				int ninst, double rate)
{
	static const struct outcome o = {0.5, 120, 1.0, 0.3};
	for (int64_t t = w->t0 + (int64_t)(expo(&w->r, 1.0 / rate) * HOUR_MS); t < w->t_end;
	     t += (int64_t)(expo(&w->r, 1.0 / rate) * HOUR_MS)) {
		const struct institution *who = &inst[next(&w->r) % ninst];
		struct num callee = victim(w, p, np);
		struct call *c = add_call(w, t, &who->n, &callee, &o, F_SPOOFED_INSTITUTION);
		if (chance(&w->r, 0.5)) {
			set_place(c, "voip-gw-9", -1);
		} else {
			set_place(c, "igw-1", -1);
			c->intl = true;
		}
	}
}

/* A SIM box: slots of real SIMs on one cell, each dialling low and slow,
 * each SIM replaced after a while as operators do when lines get cut. */
static void simboxes(struct world *w, const struct person *p, int np, int boxes, int slots)
{
	static const struct outcome o = {0.35, 25, 1.2, 0.55};
	for (int b = 0; b < boxes; b++) {
		int cell = (int)(next(&w->r) % w->ncells);
		int64_t start = w->t0 + irange(&w->r, 0, (w->t_end - w->t0) / 4);
		for (int s = 0; s < slots; s++) {
			int64_t t = start + irange(&w->r, 0, 10 * MIN_MS);
			while (t < w->t_end) {
				struct num sim = mobile(&w->r);
				int calls = (int)irange(&w->r, 6, 20);
				for (int k = 0; k < calls && t < w->t_end; k++) {
					struct num callee = victim(w, p, np);
					mobile_place(add_call(w, t, &sim, &callee, &o, F_SIMBOX), cell);
					t += (int64_t)((2 + expo(&w->r, 6)) * MIN_MS);
				}
				t += irange(&w->r, MIN_MS, 10 * MIN_MS); /* a fresh SIM goes in */
			}
		}
	}
}

static void confirmed(struct world *w, FILE *reg, const struct person *p, int np, int n, struct num *nums)
{
	static const struct outcome o = {0.45, 90, 1.2, 0.4};
	for (int i = 0; i < n; i++) {
		nums[i] = mobile(&w->r);
		fprintf(reg, "%s,National Police Agency list,confirmed_fraud,,,2026-01-01,\n", nums[i].d);
		if (i % 3 == 2)
			continue; /* listed but silent */
		double rate = 4 + unif(&w->r) * 10;
		int cell = (int)(next(&w->r) % w->ncells);
		for (int64_t t = w->t0 + (int64_t)(expo(&w->r, 1.0 / rate) * HOUR_MS); t < w->t_end;
		     t += (int64_t)(expo(&w->r, 1.0 / rate) * HOUR_MS))
			mobile_place(add_call(w, t, &nums[i], &p[next(&w->r) % np].n, &o, F_CONFIRMED), cell);
	}
}

/* ---- output ---- */

struct ev { int64_t key; uint32_t call; uint8_t end; };

static int ev_cmp(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->end != y->end)
		return x->end - y->end;
	return x->call < y->call ? -1 : x->call > y->call;
}

static void write_event(struct world *w, FILE *f, const struct call *c, uint32_t id, bool end)
{
	char caller[64], callee[64];
	if (c->withheld)
		snprintf(caller, sizeof caller, "%s", chance(&w->r, 0.5) ? "anonymous" : "");
	else
		present(&w->r, &c->caller, caller, sizeof caller);
	present(&w->r, &c->callee, callee, sizeof callee);
	fprintf(f, "%lld,c%07u,%s,%s,%s,%s,%s,%s,", (long long)(end ? c->end_ts : c->ts), id,
		end ? "end" : "attempt", caller, callee, c->intl ? "international" : "domestic", c->trunk, c->cell);
	if (c->att)
		fputc(c->att, f);
	if (end)
		fprintf(f, ",%lld,%d\n", (long long)c->dur, c->answered);
	else
		fputs(",,\n", f);
}

static int write_all(struct world *w, const struct sim_files *out, struct sim_summary *sum)
{
	struct ev *evs = xmalloc(2 * w->ncalls * sizeof *evs);
	size_t n = 0;
	for (size_t i = 0; i < w->ncalls; i++) {
		if (w->calls[i].ts >= w->t_end)
			continue;
		evs[n++] = (struct ev){w->calls[i].ts, (uint32_t)i, 0};
		evs[n++] = (struct ev){w->calls[i].deliver_ts, (uint32_t)i, 1};
	}
	qsort(evs, n, sizeof *evs, ev_cmp);
	/* call ids in order of first appearance */
	uint32_t *id = xcalloc(w->ncalls, sizeof *id);
	uint32_t next_id = 1;
	fputs("ts_ms,call_id,event,caller,callee,origin,trunk,cell,attestation,duration_ms,answered\n", out->events);
	fputs("call_id,label\n", out->labels);
	for (size_t i = 0; i < n; i++) {
		const struct call *c = &w->calls[evs[i].call];
		if (!evs[i].end) {
			id[evs[i].call] = next_id++;
			fprintf(out->labels, "c%07u,%s\n", id[evs[i].call], label_names[c->label]);
		}
		write_event(w, out->events, c, id[evs[i].call], evs[i].end);
	}
	sum->calls = next_id - 1;
	sum->events = n;
	free(id);
	free(evs);
	return ferror(out->events) || ferror(out->labels) || ferror(out->registry) || ferror(out->reports)
		       ? OMB_EIO : 0;
}

void sim_defaults(struct sim_params *p)
{
	*p = (struct sim_params){.seed = 1, .minutes = 120, .start_ms = 1772409600000LL, .scale = 1.0};
}

static int scaled(const struct sim_params *p, int n)
{
	int v = (int)lround(n * p->scale);
	return v > 0 ? v : 1;
}

static void make_people(struct world *w, struct person *p, int np)
{
	for (int i = 0; i < np; i++) {
		p[i].n = mobile(&w->r);
		p[i].cell = (int)(next(&w->r) % w->ncells);
		p[i].rate_h = 0.3 + unif(&w->r) * 2.2;
		p[i].ncircle = (int)irange(&w->r, 3, 12);
		for (int k = 0; k < p[i].ncircle; k++) /* friends and family live near */
			p[i].circle[k] = (int)((i + np + irange(&w->r, -200, 200)) % np);
	}
}

int sim_run(const struct sim_params *prm, const struct sim_files *out, struct sim_summary *sum)
{
	if (prm->minutes < 10 || prm->scale <= 0 || prm->scale > 100)
		return OMB_EINVAL;
	struct world w = {.t0 = prm->start_ms, .t_end = prm->start_ms + prm->minutes * MIN_MS,
			  .reports = out->reports};
	uint64_t x = prm->seed;
	for (int i = 0; i < 4; i++)
		w.r.s[i] = splitmix(&x);
	w.reporter_seq = prm->seed ^ 0xabcdefULL;
	memset(sum, 0, sizeof *sum);
	int np = scaled(prm, 60000);
	w.ncells = scaled(prm, 1200);
	struct person *people = xcalloc((size_t)np, sizeof *people);
	make_people(&w, people, np);
	fputs("number,holder,kind,trunk,daily_cap,valid_from,valid_to\n", out->registry);
	fputs("ts_ms,number,reason,reporter,callee\n", out->reports);

	int ncour = scaled(prm, 250);
	struct num *cour = xcalloc((size_t)ncour, sizeof *cour);
	couriers(&w, people, np, cour, ncour);
	ordinary(&w, people, np, ncour, cour);
	businesses(&w, people, np, scaled(prm, 300));
	registered(&w, out->registry, people, np, 8, false);
	registered(&w, out->registry, people, np, 8, true);
	struct institution inst[8];
	int ninst = institutions(&w, out->registry, people, np, inst);
	notices(&w, people, np, 6);
	int nconf = 30;
	struct num conf[30];
	confirmed(&w, out->registry, people, np, nconf, conf);
	illegal_tm(&w, people, np, 5);
	spoofed_domestic(&w, people, np, 400 * prm->scale);
	spoofed_institution(&w, people, np, inst, ninst, 200 * prm->scale);
	simboxes(&w, people, np, 5, 32);
	/* emergency calls come from anyone, fraud lines included */
	struct num *from = xcalloc((size_t)np + nconf, sizeof *from);
	for (int i = 0; i < np; i++)
		from[i] = people[i].n;
	memcpy(from + np, conf, sizeof conf);
	emergency(&w, from, np + nconf, scaled(prm, 200));
	emergency(&w, conf, nconf, 10);
	for (int i = 0; i < 200; i++) /* one-off complaints about ordinary people */
		report(&w, w.t0 + irange(&w.r, 0, w.t_end - w.t0), &people[next(&w.r) % np].n, "unwanted", true);
	for (int i = 0; i < nconf; i += 2)
		report(&w, w.t0 - HOUR_MS, &conf[i], "voice phishing", true);
	sum->reports = w.nreports;
	int rc = write_all(&w, out, sum);
	free(from);
	free(cour);
	free(people);
	free(w.calls);
	return rc;
}
