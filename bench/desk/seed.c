/* seed.c — fills a database with N desk cases through the real use case
 * (app/cases.c: receipt numbers, chain, signed heads, outbox), for the desk
 * benchmarks; writes "receipt access_code" lines for the readers. It sweeps
 * as the server would, so that the receipts' outbox messages are delivered
 * and the readers meet a settled database, not a million-message backlog.
 * DB is a SQLite file or a PostgreSQL URL; OMBUD_* variables apply as for
 * ombud (a PostgreSQL store needs OMBUD_SECURITY_SECRET_FILE).
 * usage: desk_seed DB N CODES_FILE */
#include <stdio.h>
#include <stdlib.h>

#include "app/app.h"
#include "app/cases.h"
#include "app/demo.h"
#include "base/clock.h"
#include "base/log.h"

extern char **environ;

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: desk_seed DB N CODES_FILE\n");
		return 2;
	}
	struct config cfg;
	config_defaults(&cfg);
	struct config_error err;
	if (config_load_env(&cfg, environ, &err) != 0) {
		fprintf(stderr, "desk_seed: %s: %s\n", err.key, err.reason);
		return 2;
	}
	config_set(&cfg, "store.db", argv[1], CONFIG_FLAG, &err);
	log_setup(LOG_WARN, LOG_LOGFMT);
	struct app app;
	char why[256] = "";
	FILE *codes = fopen(argv[3], "w");
	if (!codes || app_open(&app, &cfg, why, sizeof why) != 0) {
		fprintf(stderr, "desk_seed: %s\n", why);
		return 1;
	}
	FILE *devnull = fopen("/dev/null", "w");
	demo_seed(&app, devnull);
	fclose(devnull);
	long n = atol(argv[2]);
	int64_t start = clock_mono_ns();
	for (long i = 0; i < n; i++) {
		struct case_open_in in = {"HB", i % 7 ? "CARD" : "LOAN", "홍길동", "010-1234-5678", "카드 결제 오류",
					  "결제가 두 번 되었습니다. 확인 부탁드립니다.", DESK_CH_WEB, NULL};
		struct case_receipt r;
		struct app_error e;
		if (cases_open(&app, &in, clock_now_ms(), &r, NULL, &e) != 0) {
			fprintf(stderr, "desk_seed: open failed at %ld: %s\n", i, e.reason ? e.reason : "store");
			return 1;
		}
		fprintf(codes, "%s %s\n", r.receipt, r.access_code);
		if (i % 100 == 99)
			while (app_sweep(&app, clock_now_ms()) > 0)
				;
		if (i % 100000 == 99999)
			fprintf(stderr, "desk_seed: %ld cases, %.0f/s\n", i + 1,
				(i + 1) / ((clock_mono_ns() - start) / 1e9));
	}
	fclose(codes);
	app_close(&app);
	config_free(&cfg);
	return 0;
}
