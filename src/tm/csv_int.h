/* csv_int.h — private to src/tm: one CSV field for the exports.
 *
 * libcsv's csv_fwrite quotes every non-empty field (RFC 4180: embedded quotes
 * doubled), so commas, quotes and line breaks in names cannot break a row. An
 * empty or NULL field is written empty, which readers take as "not given". */
#ifndef OMBUD_TM_CSV_INT_H
#define OMBUD_TM_CSV_INT_H

#include <csv.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static inline void tm_csv_field(FILE *out, const char *s, bool last)
{
	if (s && *s)
		csv_fwrite(out, s, strlen(s));
	fputs(last ? "\r\n" : ",", out);
}

#endif
