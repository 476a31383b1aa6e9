/* evaluate.c — verdicts against labels. */
#include "screen/evaluate.h"

#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "base/err.h"
#include "base/mem.h"
#include "screen/csvrows.h"

#define MAX_LABELS 256

struct slot { uint64_t h; uint16_t label; uint8_t seen, verdict; };

struct evaluate {
	evaluate_error_fn on_error;
	void *arg;
	struct csvrows *rows;
	bool verdicts_phase, have_header, header_bad;
	int c_id, c_label, c_verdict;
	struct slot *map;
	size_t slots, count;
	struct evaluate_row labels[MAX_LABELS];
	size_t nlabels;
	struct evaluate_row out[MAX_LABELS + 2];
	uint64_t no_label, repeated;
};

static uint64_t id_hash(const char *s, size_t len)
{
	uint64_t h = XXH3_64bits(s, len);
	return h ? h : 1;
}

static struct slot *map_get(struct evaluate *ev, uint64_t h, bool create)
{
	if (create && (ev->count + 1) * 2 > ev->slots) {
		size_t old_n = ev->slots;
		struct slot *old = ev->map;
		ev->slots = old_n ? old_n * 2 : 1024;
		ev->map = xcalloc(ev->slots, sizeof *ev->map);
		for (size_t i = 0; i < old_n; i++) {
			if (!old[i].h)
				continue;
			size_t j = old[i].h & (ev->slots - 1);
			while (ev->map[j].h)
				j = (j + 1) & (ev->slots - 1);
			ev->map[j] = old[i];
		}
		free(old);
	}
	if (!ev->slots)
		return NULL;
	size_t j = h & (ev->slots - 1);
	while (ev->map[j].h && ev->map[j].h != h)
		j = (j + 1) & (ev->slots - 1);
	if (ev->map[j].h == h)
		return &ev->map[j];
	if (!create)
		return NULL;
	ev->map[j].h = h;
	ev->count++;
	return &ev->map[j];
}

static int label_index(struct evaluate *ev, const char *name)
{
	for (size_t i = 0; i < ev->nlabels; i++)
		if (strcmp(ev->labels[i].label, name) == 0)
			return (int)i;
	if (ev->nlabels == MAX_LABELS || strlen(name) >= sizeof ev->labels[0].label)
		return -1;
	snprintf(ev->labels[ev->nlabels].label, sizeof ev->labels[0].label, "%s", name);
	return (int)ev->nlabels++;
}

static const char *label_row(struct evaluate *ev, const char *const *f, const size_t *lens)
{
	const char *label = f[ev->c_label];
	if (strncmp(label, "legit:", 6) != 0 && strncmp(label, "fraud:", 6) != 0)
		return "label must start with legit: or fraud:";
	int li = label_index(ev, label);
	if (li < 0)
		return "too many labels, or label too long";
	struct slot *s = map_get(ev, id_hash(f[ev->c_id], lens[ev->c_id]), true);
	s->label = (uint16_t)li;
	ev->labels[li].calls++;
	return NULL;
}

static const char *verdict_row(struct evaluate *ev, const char *const *f, const size_t *lens)
{
	const char *v = f[ev->c_verdict];
	int kind = strcmp(v, "allow") == 0 ? 0 : strcmp(v, "warn") == 0 ? 1 : strcmp(v, "block") == 0 ? 2 : -1;
	if (kind < 0)
		return "unknown verdict";
	struct slot *s = map_get(ev, id_hash(f[ev->c_id], lens[ev->c_id]), false);
	if (!s) {
		ev->no_label++;
		return NULL;
	}
	/* a retransmitted attempt is answered again, and alike (the check is
	 * idempotent per call_id): counted once; a different answer is an error */
	if (s->seen) {
		if (s->verdict != kind)
			return "a second, different verdict for this call_id";
		ev->repeated++;
		return NULL;
	}
	s->seen = 1;
	s->verdict = (uint8_t)kind;
	struct evaluate_row *r = &ev->labels[s->label];
	if (kind == 2)
		r->blocked++;
	else if (kind == 1)
		r->warned++;
	else
		r->allowed++;
	return NULL;
}

static int on_row(void *arg, uint64_t line, const char *const *f, const size_t *lens, size_t n, const char *err)
{
	struct evaluate *ev = arg;
	const char *file = ev->verdicts_phase ? "verdicts" : "labels";
	if (!ev->have_header && !err) {
		ev->have_header = true;
		ev->c_id = csvrows_column(f, n, "call_id");
		ev->c_label = csvrows_column(f, n, "label");
		ev->c_verdict = csvrows_column(f, n, "verdict");
		if (ev->c_id < 0 || (ev->verdicts_phase ? ev->c_verdict : ev->c_label) < 0) {
			ev->on_error(ev->arg, file, 1, "header lacks call_id or label/verdict");
			ev->header_bad = true;
			return OMB_EINVAL;
		}
		return 0;
	}
	int need = ev->c_id > (ev->verdicts_phase ? ev->c_verdict : ev->c_label) ? ev->c_id
		 : (ev->verdicts_phase ? ev->c_verdict : ev->c_label);
	if (!err && (int)n <= need)
		err = "too few columns";
	if (!err)
		err = ev->verdicts_phase ? verdict_row(ev, f, lens) : label_row(ev, f, lens);
	if (err)
		ev->on_error(ev->arg, file, line, err);
	return 0;
}

struct evaluate *evaluate_new(evaluate_error_fn on_error, void *arg)
{
	struct evaluate *ev = xcalloc(1, sizeof *ev);
	ev->on_error = on_error;
	ev->arg = arg;
	return ev;
}

void evaluate_free(struct evaluate *ev)
{
	if (!ev)
		return;
	csvrows_free(ev->rows);
	free(ev->map);
	free(ev);
}

static int feed(struct evaluate *ev, bool verdicts, const char *data, size_t len, bool final)
{
	if (!ev->rows || ev->verdicts_phase != verdicts) {
		csvrows_free(ev->rows);
		ev->rows = csvrows_new(on_row, ev);
		ev->verdicts_phase = verdicts;
		ev->have_header = ev->header_bad = false;
	}
	if (ev->header_bad)
		return OMB_EINVAL;
	int rc = csvrows_feed(ev->rows, data, len);
	if (!rc && final)
		rc = csvrows_finish(ev->rows);
	return rc;
}

int evaluate_labels(struct evaluate *ev, const char *data, size_t len, bool final)
{
	return feed(ev, false, data, len, final);
}

int evaluate_verdicts(struct evaluate *ev, const char *data, size_t len, bool final)
{
	return feed(ev, true, data, len, final);
}

static int row_cmp(const void *a, const void *b)
{
	return strcmp(((const struct evaluate_row *)a)->label, ((const struct evaluate_row *)b)->label);
}

size_t evaluate_rows(struct evaluate *ev, const struct evaluate_row **rows)
{
	memcpy(ev->out, ev->labels, ev->nlabels * sizeof *ev->out);
	qsort(ev->out, ev->nlabels, sizeof *ev->out, row_cmp);
	struct evaluate_row *legit = &ev->out[ev->nlabels], *fraud = legit + 1;
	*legit = (struct evaluate_row){.label = "legit:"};
	*fraud = (struct evaluate_row){.label = "fraud:"};
	for (size_t i = 0; i < ev->nlabels; i++) {
		struct evaluate_row *t = ev->out[i].label[0] == 'l' ? legit : fraud;
		t->calls += ev->out[i].calls;
		t->blocked += ev->out[i].blocked;
		t->warned += ev->out[i].warned;
		t->allowed += ev->out[i].allowed;
	}
	*rows = ev->out;
	return ev->nlabels + 2;
}

void evaluate_unmatched(const struct evaluate *ev, uint64_t *no_label, uint64_t *no_verdict, uint64_t *repeated)
{
	uint64_t missing = 0;
	for (size_t i = 0; i < ev->slots; i++)
		missing += ev->map[i].h && !ev->map[i].seen;
	*no_label = ev->no_label;
	*no_verdict = missing;
	*repeated = ev->repeated;
}

static double pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

void evaluate_print(struct evaluate *ev, FILE *out)
{
	const struct evaluate_row *rows;
	size_t n = evaluate_rows(ev, &rows);
	fprintf(out, "%-28s %9s %9s %9s %9s\n", "label", "calls", "blocked%", "warned%", "allowed%");
	for (size_t i = 0; i < n; i++) {
		const struct evaluate_row *r = &rows[i];
		if (i == n - 2)
			fprintf(out, "%-28s %9s %9s %9s %9s\n", "", "", "", "", "");
		fprintf(out, "%-28s %9llu %9.3f %9.3f %9.3f\n", r->label, (unsigned long long)r->calls,
			pct(r->blocked, r->calls), pct(r->warned, r->calls), pct(r->allowed, r->calls));
	}
	uint64_t no_label, no_verdict, repeated;
	evaluate_unmatched(ev, &no_label, &no_verdict, &repeated);
	if (no_label || no_verdict)
		fprintf(out, "verdicts without label: %llu, labels without verdict: %llu\n",
			(unsigned long long)no_label, (unsigned long long)no_verdict);
	if (repeated)
		fprintf(out, "repeated verdicts (retransmitted attempts, counted once): %llu\n",
			(unsigned long long)repeated);
}
