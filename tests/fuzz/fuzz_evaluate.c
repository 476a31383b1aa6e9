/* fuzz_evaluate.c — the labels and verdicts parsers of `screen evaluate`
 * (CSV). The first two bytes say where the rest is cut into a labels file
 * and a verdicts file; bad rows are reported with a line and a reason, and the
 * table adds up: no label has more verdicts than calls, and the totals are
 * the sums of their labels. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screen/evaluate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_error(void *arg, const char *file, uint64_t line, const char *reason)
{
	(void)arg;
	if (!file || line == 0 || !reason || !*reason)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	const char *text = (const char *)data + 2;
	size_t len = size - 2, cut = (size_t)(data[0] | data[1] << 8) % (len + 1);
	struct evaluate *ev = evaluate_new(on_error, NULL);
	if (evaluate_labels(ev, text, cut, true) == 0)
		evaluate_verdicts(ev, text + cut, len - cut, true);
	const struct evaluate_row *rows;
	size_t n = evaluate_rows(ev, &rows);
	uint64_t calls = 0, judged = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t v = rows[i].blocked + rows[i].warned + rows[i].allowed;
		if (v > rows[i].calls)
			abort();
		if (i < n - 2) {
			calls += rows[i].calls;
			judged += v;
		}
	}
	if (n < 2 || rows[n - 2].calls + rows[n - 1].calls != calls ||
	    rows[n - 2].blocked + rows[n - 2].warned + rows[n - 2].allowed + rows[n - 1].blocked +
			    rows[n - 1].warned + rows[n - 1].allowed != judged)
		abort();
	FILE *out = fopen("/dev/null", "w");
	if (out) {
		evaluate_print(ev, out);
		fclose(out);
	}
	evaluate_free(ev);
	return 0;
}
