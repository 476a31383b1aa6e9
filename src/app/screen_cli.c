/* screen_cli.c — `ombud screen replay|simulate|evaluate|bench`. */
#include "app/screen_cli.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/mem.h"
#include "screen/evaluate.h"
#include "screen/events.h"
#include "screen/lists.h"
#include "screen/screen.h"
#include "screen/sim.h"

#define CHUNK (1 << 20)

static void print_usage(FILE *to)
{
	fputs("usage: ombud screen replay --events FILE [--registry FILE] [--reports FILE]\n"
	      "                           [--reports-format csv|ftc] [--reports-country CC]\n"
	      "                           [--format csv|ndjson] [--config FILE] [--snapshot FILE]\n"
	      "                           --verdicts FILE\n"
	      "       ombud screen simulate --seed N --minutes M --out DIR [--scale X]\n"
	      "       ombud screen evaluate --labels FILE --verdicts FILE\n"
	      "       ombud screen bench [--callers N[,N...]] [--events N] [--seed N]\n"
	      "\nFormats and rules: docs/formats.md, docs/screening.md.\n",
	      to);
}

static int usage(void)
{
	print_usage(stderr);
	return 2;
}

/* `ombud screen help`, or --help / -h anywhere: the usage on stdout, status 0. */
static bool asks_help(int argc, char **argv)
{
	if (!strcmp(argv[1], "help"))
		return true;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

static double peak_rss_mib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss / 1024.0;
}

/* CPU time of the calling thread: on a shared machine, time spent waiting
 * for a core is not the engine's. */
static double cpu_secs(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool parse_u64(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-')
		return false;
	*out = v;
	return true;
}

/* ---- configuration file: "name = value" lines, '#' comments ---- */

static void config_bad(void *path, unsigned line, int rc, const char *reason)
{
	(void)rc;
	fprintf(stderr, "%s:%u: %s\n", (const char *)path, line, reason);
}

static int load_config(const char *path, struct screen_config *cfg)
{
	screen_config_defaults(cfg);
	if (!path)
		return 0;
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return OMB_EIO;
	}
	int nbad = screen_config_read(cfg, f, config_bad, (void *)path);
	fclose(f);
	const char *why;
	if (nbad)
		return OMB_EINVAL;
	if (screen_config_validate(cfg, &why)) {
		fprintf(stderr, "%s: %s\n", path, why);
		return OMB_EINVAL;
	}
	return 0;
}

/* ---- progress bar: only on a terminal ---- */

struct progress {
	bool on;
	uint64_t total, done, last_draw;
	int64_t t0;
};

static void progress_draw(struct progress *p, uint64_t events)
{
	if (!p->on || p->total == 0)
		return;
	double frac = (double)p->done / (double)p->total;
	if (frac > 1)
		frac = 1;
	int width = 40, fill = (int)(frac * width);
	double secs = (clock_mono_ns() - p->t0) / 1e9;
	fprintf(stderr, "\r[%.*s%*s] %5.1f%% %" PRIu64 " events %.0f/s", fill,
		"########################################", width - fill, "", frac * 100, events,
		secs > 0 ? events / secs : 0);
}

static void progress_end(struct progress *p)
{
	if (p->on)
		fputs("\r\033[K", stderr);
}

/* ---- replay ---- */

struct replay {
	struct screen_engine *e;
	FILE *out;
	const char *events_path;
	int64_t next_merge, merge_ms;
	char buf[1 << 16];
	size_t used;
	struct progress prog;
	uint64_t events;
	double cpu0;
};

static void out_flush(struct replay *r)
{
	fwrite(r->buf, 1, r->used, r->out);
	r->used = 0;
}

static char *put_str(char *p, const char *s)
{
	size_t n = strlen(s);
	memcpy(p, s, n);
	return p + n;
}

static char *put_u64(char *p, uint64_t v)
{
	char tmp[24];
	int n = 0;
	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* call_id,ts_ms,caller,verdict,score,reasons; call ids are written as
 * given, quoted when they hold a comma or a quote */
static void write_verdict(struct replay *r, const struct events_event *ev, const struct screen_verdict *v)
{
	if (r->used > sizeof r->buf - 512)
		out_flush(r);
	char *p = r->buf + r->used;
	if (strpbrk(ev->call_id, ",\"\r\n")) {
		*p++ = '"';
		for (const char *s = ev->call_id; *s; s++) {
			if (*s == '"')
				*p++ = '"';
			*p++ = *s;
		}
		*p++ = '"';
	} else {
		p = put_str(p, ev->call_id);
	}
	*p++ = ',';
	p = put_u64(p, (uint64_t)ev->attempt.ts_ms);
	*p++ = ',';
	p = put_str(p, ev->attempt.caller.canon);
	*p++ = ',';
	p = put_str(p, screen_verdict_name(v->verdict));
	*p++ = ',';
	p = put_u64(p, (uint64_t)v->score);
	*p++ = ',';
	p += screen_reasons_format(v->reasons, p, 256);
	*p++ = '\n';
	r->used = (size_t)(p - r->buf);
}

static int on_event(void *arg, const struct events_event *ev)
{
	struct replay *r = arg;
	r->events++;
	if (ev->kind == EVENTS_ATTEMPT) {
		int64_t ts = ev->attempt.ts_ms;
		if (ts >= r->next_merge) {
			screen_merge(r->e, ts);
			r->next_merge = ts + r->merge_ms;
		}
		struct screen_verdict v;
		screen_check(r->e, &ev->attempt, &v);
		write_verdict(r, ev, &v);
	} else {
		screen_ingest_end(r->e, &ev->end);
	}
	return 0;
}

static void on_bad_line(void *arg, uint64_t line, const char *reason)
{
	const char *path = arg;
	fprintf(stderr, "%s:%" PRIu64 ": %s\n", path, line, reason);
}

static void on_bad_event(void *arg, uint64_t line, const char *reason)
{
	struct replay *r = arg;
	progress_end(&r->prog);
	on_bad_line((void *)r->events_path, line, reason);
}

static int load_list(struct screen_engine *e, const char *path, enum lists_kind kind, uint16_t cc)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return OMB_EIO;
	}
	struct lists_loader *l = lists_loader_new(kind, e, cc, on_bad_line, (void *)path);
	char *buf = xmalloc(CHUNK);
	size_t n;
	int rc = 0;
	while (!rc && (n = fread(buf, 1, CHUNK, f)) > 0)
		rc = lists_loader_feed(l, buf, n);
	if (!rc)
		rc = lists_loader_finish(l);
	struct lists_counts c;
	lists_loader_counts(l, &c);
	fprintf(stderr, "%s: %" PRIu64 " rows, %" PRIu64 " loaded, %" PRIu64 " unusable\n", path, c.rows, c.loaded,
		c.bad);
	lists_loader_free(l);
	free(buf);
	fclose(f);
	return rc;
}

struct replay_opts {
	const char *events, *registry, *reports, *verdicts, *config, *snapshot;
	bool ftc, ndjson;
	uint16_t reports_cc;
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int parse_replay(int argc, char **argv, struct replay_opts *o)
{
	static const struct option opts[] = {
		{"events", required_argument, 0, 'e'}, {"registry", required_argument, 0, 'r'},
		{"reports", required_argument, 0, 'p'}, {"reports-format", required_argument, 0, 'f'},
		{"reports-country", required_argument, 0, 'c'}, {"verdicts", required_argument, 0, 'v'},
		{"config", required_argument, 0, 'C'}, {"format", required_argument, 0, 'F'},
		{"snapshot", required_argument, 0, 's'}, {0, 0, 0, 0}};
	*o = (struct replay_opts){.reports_cc = 0};
	const char *format = NULL;
	uint64_t cc = 0;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'e': o->events = optarg; break;
		case 'r': o->registry = optarg; break;
		case 'p': o->reports = optarg; break;
		case 'v': o->verdicts = optarg; break;
		case 'C': o->config = optarg; break;
		case 's': o->snapshot = optarg; break;
		case 'F': format = optarg; break;
		case 'f':
			if (strcmp(optarg, "ftc") && strcmp(optarg, "csv"))
				return usage();
			o->ftc = strcmp(optarg, "ftc") == 0;
			break;
		case 'c':
			if (!parse_u64(optarg, &cc) || cc == 0 || cc > 999)
				return usage();
			o->reports_cc = (uint16_t)cc;
			break;
		default: return usage();
		}
	}
	if (!o->events || !o->verdicts || optind != argc)
		return usage();
	if (format && strcmp(format, "csv") && strcmp(format, "ndjson"))
		return usage();
	o->ndjson = format ? strcmp(format, "ndjson") == 0
			   : ends_with(o->events, ".ndjson") || ends_with(o->events, ".jsonl");
	if (!o->reports_cc)
		o->reports_cc = o->ftc ? 1 : PHONE_CC_KOREA;
	return 0;
}

static int replay_stream(struct replay *r, FILE *in, bool ndjson, int64_t lateness_ms)
{
	struct events_parser *p = events_parser_new(ndjson ? EVENTS_NDJSON : EVENTS_CSV, lateness_ms, PHONE_CC_KOREA,
						    on_event, on_bad_event, r);
	char *buf = xmalloc(CHUNK);
	size_t n;
	int rc = 0;
	while (!rc && (n = fread(buf, 1, CHUNK, in)) > 0) {
		rc = events_parser_feed(p, buf, n);
		r->prog.done += n;
		progress_draw(&r->prog, r->events);
	}
	if (!rc)
		rc = events_parser_finish(p);
	out_flush(r);
	progress_end(&r->prog);
	struct events_counts c;
	events_parser_counts(p, &c);
	double secs = (clock_mono_ns() - r->prog.t0) / 1e9;
	double cpu = cpu_secs() - r->cpu0;
	struct screen_stats st;
	screen_stats(r->e, &st);
	printf("events       %" PRIu64 " (attempts %" PRIu64 ", ends %" PRIu64 ")\n", c.events, c.attempts, c.ends);
	printf("verdicts     allow %" PRIu64 ", warn %" PRIu64 ", block %" PRIu64 " (repeated %" PRIu64
	       ", emergency %" PRIu64 ")\n",
	       st.verdicts[0], st.verdicts[1], st.verdicts[2], st.repeated, c.attempts - st.attempts - st.repeated);
	printf("ends         matched %" PRIu64 ", unknown attempt %" PRIu64 ", repeated %" PRIu64 "\n",
	       st.ends - st.ends_unknown - st.ends_repeated, st.ends_unknown, st.ends_repeated);
	printf("bad lines    %" PRIu64 "\n", c.bad);
	printf("callers      %" PRIu64 " tracked, %" PRIu64 " evicted, %" PRIu64 " watched, %" PRIu64
	       " SIM-box blocks released as the line moved\n",
	       st.callers, st.callers_evicted, st.watched, st.released);
	printf("time         %.3f s, %.0f events/s; CPU %.3f s, %.0f events/s\n", secs, secs > 0 ? c.events / secs : 0,
	       cpu, cpu > 0 ? c.events / cpu : 0);
	printf("memory       engine %.1f MiB, peak RSS %.1f MiB\n", st.bytes / 1048576.0, peak_rss_mib());
	free(buf);
	events_parser_free(p);
	return rc < 0 ? rc : 0;
}

static int cmd_replay(int argc, char **argv)
{
	struct replay_opts o;
	int rc = parse_replay(argc, argv, &o);
	if (rc)
		return rc;
	struct screen_config cfg;
	if (load_config(o.config, &cfg))
		return 1;
	const char *why;
	struct screen_engine *e = screen_create(&cfg, &why);
	if (!e) {
		fprintf(stderr, "config: %s\n", why);
		return 1;
	}
	if ((o.registry && load_list(e, o.registry, LISTS_REGISTRY, PHONE_CC_KOREA) == OMB_EIO) ||
	    (o.reports && load_list(e, o.reports, o.ftc ? LISTS_FTC : LISTS_REPORTS, o.reports_cc) == OMB_EIO)) {
		screen_destroy(e);
		return 1;
	}
	FILE *in = fopen(o.events, "rb");
	FILE *out = in ? fopen(o.verdicts, "w") : NULL;
	if (!in || !out) {
		fprintf(stderr, "%s: %s\n", in ? o.verdicts : o.events, strerror(errno));
		if (in)
			fclose(in);
		screen_destroy(e);
		return 1;
	}
	struct replay *r = xcalloc(1, sizeof *r);
	r->e = e;
	r->out = out;
	r->events_path = o.events;
	r->merge_ms = cfg.agg_merge_ms;
	fputs("call_id,ts_ms,caller,verdict,score,reasons\n", out);
	struct stat sb;
	r->prog.on = isatty(STDERR_FILENO);
	r->prog.total = fstat(fileno(in), &sb) == 0 ? (uint64_t)sb.st_size : 0;
	r->prog.t0 = clock_mono_ns();
	r->cpu0 = cpu_secs();
	rc = replay_stream(r, in, o.ndjson, cfg.lateness_ms);
	fclose(in);
	if (fclose(out) != 0 && !rc) {
		fprintf(stderr, "%s: %s\n", o.verdicts, strerror(errno));
		rc = OMB_EIO;
	}
	if (!rc && o.snapshot && screen_snapshot_save(e, o.snapshot)) {
		fprintf(stderr, "%s: cannot write snapshot\n", o.snapshot);
		rc = OMB_EIO;
	}
	free(r);
	screen_destroy(e);
	return rc ? 1 : 0;
}

/* ---- simulate ---- */

static FILE *open_in(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
	free(path);
	return f;
}

static int cmd_simulate(int argc, char **argv)
{
	static const struct option opts[] = {{"seed", required_argument, 0, 's'}, {"minutes", required_argument, 0, 'm'},
					     {"out", required_argument, 0, 'o'}, {"scale", required_argument, 0, 'x'},
					     {0, 0, 0, 0}};
	struct sim_params p;
	sim_defaults(&p);
	const char *dir = NULL;
	uint64_t v;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (!parse_u64(optarg, &p.seed))
				return usage();
			break;
		case 'm':
			if (!parse_u64(optarg, &v) || v < 10 || v > 100000)
				return usage();
			p.minutes = (int)v;
			break;
		case 'x': p.scale = atof(optarg); break;
		case 'o': dir = optarg; break;
		default: return usage();
		}
	}
	if (!dir || optind != argc)
		return usage();
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return 1;
	}
	struct sim_files f = {open_in(dir, "events.csv"), open_in(dir, "registry.csv"), open_in(dir, "reports.csv"),
			      open_in(dir, "labels.csv")};
	int rc = 1;
	struct sim_summary sum;
	if (f.events && f.registry && f.reports && f.labels) {
		rc = sim_run(&p, &f, &sum);
		if (rc == OMB_EINVAL)
			fputs("simulate: minutes >= 10 and 0 < scale <= 100\n", stderr);
		else if (rc == 0)
			printf("wrote %s: %" PRIu64 " calls, %" PRIu64 " events, %" PRIu64 " reports\n", dir, sum.calls,
			       sum.events, sum.reports);
	}
	FILE *all[] = {f.events, f.registry, f.reports, f.labels};
	for (int i = 0; i < 4; i++)
		if (all[i] && fclose(all[i]) != 0)
			rc = OMB_EIO;
	return rc ? 1 : 0;
}

/* ---- evaluate ---- */

struct eval_paths {
	const char *labels, *verdicts;
};

static void on_eval_error(void *arg, const char *file, uint64_t line, const char *reason)
{
	const struct eval_paths *p = arg;
	fprintf(stderr, "%s:%" PRIu64 ": %s\n", strcmp(file, "labels") == 0 ? p->labels : p->verdicts, line, reason);
}

static int eval_file(struct evaluate *ev, const char *path, bool verdicts)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return OMB_EIO;
	}
	char *buf = xmalloc(CHUNK);
	size_t n;
	int rc = 0;
	while (!rc && (n = fread(buf, 1, CHUNK, f)) > 0)
		rc = verdicts ? evaluate_verdicts(ev, buf, n, false) : evaluate_labels(ev, buf, n, false);
	if (!rc)
		rc = verdicts ? evaluate_verdicts(ev, "", 0, true) : evaluate_labels(ev, "", 0, true);
	free(buf);
	fclose(f);
	return rc;
}

static int cmd_evaluate(int argc, char **argv)
{
	static const struct option opts[] = {{"labels", required_argument, 0, 'l'},
					     {"verdicts", required_argument, 0, 'v'}, {0, 0, 0, 0}};
	const char *labels = NULL, *verdicts = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'l')
			labels = optarg;
		else if (c == 'v')
			verdicts = optarg;
		else
			return usage();
	}
	if (!labels || !verdicts || optind != argc)
		return usage();
	struct eval_paths paths = {labels, verdicts};
	struct evaluate *ev = evaluate_new(on_eval_error, &paths);
	int rc = eval_file(ev, labels, false);
	if (!rc)
		rc = eval_file(ev, verdicts, true);
	if (!rc)
		evaluate_print(ev, stdout);
	evaluate_free(ev);
	return rc ? 1 : 0;
}

/* ---- bench ---- */

/* The plain loop of shared/reference-bench/hashlimit.c, compiled here with
 * the engine's flags: 16-byte slots, linear probing, a power-of-two table
 * of at least 1.5 x keys, murmur3 fmix64. */
struct hl_slot { uint64_t key; uint32_t count, spare; };

static uint64_t hl_fmix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

static int hl_update(struct hl_slot *t, uint64_t mask, uint64_t key)
{
	for (uint64_t h = hl_fmix(key) & mask;; h = (h + 1) & mask) {
		struct hl_slot *s = &t[h];
		if (s->key == key) {
			s->count++;
			return 0;
		}
		if (s->key == 0) {
			s->key = key;
			s->count = 1;
			return 1;
		}
	}
}

static void *bench_table(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		abort();
	madvise(p, bytes, MADV_HUGEPAGE);
	memset(p, 0, bytes);
	return p;
}

static double plain_loop(const uint64_t *stream, uint64_t n, uint64_t nkeys)
{
	uint64_t nslots = 2;
	while (nslots < nkeys + nkeys / 2)
		nslots <<= 1;
	size_t bytes = nslots * sizeof(struct hl_slot);
	struct hl_slot *t = bench_table(bytes);
	uint64_t inserted = 0;
	double t0 = cpu_secs();
	for (uint64_t i = 0; i < n; i++)
		inserted += (uint64_t)hl_update(t, nslots - 1, stream[i]);
	double secs = cpu_secs() - t0;
	if (inserted > nkeys)
		abort(); /* keeps the loop's result alive */
	munmap(t, bytes);
	return n / secs;
}

/* The floor of any one-at-a-time check that keeps a 64-byte record per
 * caller behind a shard lock: the engine's table geometry (slots = 1.25 x
 * the cap, the cap 1.25 x the keys) and its lock, and one counter bumped
 * under it; no rules. The engine cannot beat this loop, so its rate beside
 * the plain one bounds what the engine can reach on the machine. */
__extension__ typedef unsigned __int128 bench_u128;
struct rec_slot { uint64_t key; uint32_t count; uint8_t rest[52]; };

static double record_loop(const uint64_t *stream, uint64_t n, uint64_t nkeys)
{
	uint64_t cap = nkeys + nkeys / 4, nslots = cap + cap / 4 + 8;
	size_t bytes = nslots * sizeof(struct rec_slot);
	struct rec_slot *t = bench_table(bytes);
	pthread_mutex_t lock;       /* the engine's kind of lock (screen_lock_init) */
	pthread_mutexattr_t attr;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
	pthread_mutex_init(&lock, &attr);
	pthread_mutexattr_destroy(&attr);
	uint64_t inserted = 0;
	double t0 = cpu_secs();
	for (uint64_t i = 0; i < n; i++) {
		uint64_t key = stream[i];
		pthread_mutex_lock(&lock);
		uint64_t j = (uint64_t)(((bench_u128)hl_fmix(key) * nslots) >> 64);
		while (t[j].key && t[j].key != key)
			j = j + 1 == nslots ? 0 : j + 1;
		inserted += !t[j].key;
		t[j].key = key;
		t[j].count++;
		pthread_mutex_unlock(&lock);
	}
	double secs = cpu_secs() - t0;
	if (inserted > nkeys)
		abort(); /* keeps the loop's result alive */
	pthread_mutex_destroy(&lock);
	munmap(t, bytes);
	return n / secs;
}

static uint64_t bench_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

struct bench_result { double plain, record, engine, bytes_per_caller, engine_mib, rss_mib; uint64_t callers; };

/* Pre-parsed attempts from nkeys uniform 11-digit mobile numbers. */
static struct bench_result bench_one(uint64_t nkeys, uint64_t n, uint64_t seed)
{
	struct bench_result res = {0};
	uint64_t *numbers = xmalloc(nkeys * sizeof *numbers);
	for (uint64_t i = 0; i < nkeys; i++) /* 010 + 8 digits; collisions are rare and harmless */
		numbers[i] = 1000000000ULL + bench_rand(&seed) % 100000000ULL;
	uint64_t *stream = xmalloc(n * sizeof *stream);
	uint32_t *pick = xmalloc(n * sizeof *pick);
	for (uint64_t i = 0; i < n; i++) {
		pick[i] = (uint32_t)(bench_rand(&seed) % nkeys);
		stream[i] = numbers[pick[i]];
	}
	res.plain = plain_loop(stream, n, nkeys);
	res.record = record_loop(stream, n, nkeys);
	free(stream);

	struct screen_attempt *ev = xmalloc(n * sizeof *ev);
	char *ids = xmalloc(n * 16);
	static const char *cells[] = {"cell-0001", "cell-0002", "cell-0003", "cell-0004"};
	static const char *trunks[] = {"msc-00", "msc-01"};
	int64_t t0 = 1772409600000LL;
	for (uint64_t i = 0; i < n; i++) {
		char num[16];
		struct screen_attempt *a = &ev[i];
		memset(a, 0, sizeof *a);
		a->ts_ms = t0 + (int64_t)(i * 3600000ULL / n); /* an hour of event time */
		a->call_id = ids + i * 16;
		a->call_id_len = (size_t)snprintf(ids + i * 16, 16, "b%013" PRIu64, i);
		snprintf(num, sizeof num, "0%010" PRIu64, numbers[pick[i]]);
		phone_parse(num, strlen(num), PHONE_CC_KOREA, &a->caller, NULL);
		snprintf(num, sizeof num, "010%08" PRIu64, (uint64_t)(bench_rand(&seed) % 100000000ULL));
		phone_parse(num, strlen(num), PHONE_CC_KOREA, &a->callee, NULL);
		a->cell = cells[i & 3];
		a->trunk = trunks[i & 1];
	}
	free(pick);
	free(numbers);
	struct screen_config cfg;
	screen_config_defaults(&cfg);
	cfg.max_callers = nkeys + nkeys / 4;
	cfg.agg_merge_ms = 10000;
	struct screen_engine *e = screen_create(&cfg, NULL);
	struct screen_verdict v;
	uint64_t blocks = 0;
	int64_t next_merge = 0;
	double start = cpu_secs();
	for (uint64_t i = 0; i < n; i++) {
		if (ev[i].ts_ms >= next_merge) {
			screen_merge(e, ev[i].ts_ms);
			next_merge = ev[i].ts_ms + cfg.agg_merge_ms;
		}
		screen_check(e, &ev[i], &v);
		blocks += v.verdict == SCREEN_BLOCK;
	}
	double secs = cpu_secs() - start;
	res.engine = n / secs;
	struct screen_stats st;
	screen_stats(e, &st);
	res.callers = st.callers;
	res.engine_mib = st.bytes / 1048576.0;
	res.bytes_per_caller = (double)(st.bytes) / (double)(st.callers ? st.callers : 1);
	res.rss_mib = peak_rss_mib();
	if (blocks > n)
		abort();
	screen_destroy(e);
	free(ev);
	free(ids);
	return res;
}

static int cmd_bench(int argc, char **argv)
{
	static const struct option opts[] = {{"callers", required_argument, 0, 'k'},
					     {"events", required_argument, 0, 'n'},
					     {"seed", required_argument, 0, 's'}, {0, 0, 0, 0}};
	char callers[128] = "1000000,10000000";
	uint64_t n = 10000000, seed = 42;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'k')
			snprintf(callers, sizeof callers, "%s", optarg);
		else if (c == 'n' && parse_u64(optarg, &n) && n > 0)
			continue;
		else if (c == 's' && parse_u64(optarg, &seed))
			continue;
		else
			return usage();
	}
	if (optind != argc)
		return usage();
	printf("%-10s %-10s %14s %14s %7s %14s %7s %12s %11s %10s\n", "callers", "events", "plain ev/s",
	       "record ev/s", "ratio", "engine ev/s", "ratio", "engine MiB", "B/caller", "peak RSS");
	for (char *save = NULL, *tok = strtok_r(callers, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint64_t k;
		if (!parse_u64(tok, &k) || k < 16 || k > UINT32_MAX)
			return usage();
		struct bench_result r = bench_one(k, n, seed);
		printf("%-10" PRIu64 " %-10" PRIu64 " %14.0f %14.0f %7.3f %14.0f %7.3f %12.1f %11.1f %9.0fM\n", k, n,
		       r.plain, r.record, r.record / r.plain, r.engine, r.engine / r.plain, r.engine_mib,
		       r.bytes_per_caller, r.rss_mib);
		fflush(stdout);
	}
	return 0;
}

int app_screen_cli(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (asks_help(argc, argv)) {
		print_usage(stdout);
		return 0;
	}
	const char *cmd = argv[1];
	optind = 1;
	if (strcmp(cmd, "replay") == 0)
		return cmd_replay(argc - 1, argv + 1);
	if (strcmp(cmd, "simulate") == 0)
		return cmd_simulate(argc - 1, argv + 1);
	if (strcmp(cmd, "evaluate") == 0)
		return cmd_evaluate(argc - 1, argv + 1);
	if (strcmp(cmd, "bench") == 0)
		return cmd_bench(argc - 1, argv + 1);
	return usage();
}
