/* fuzz_screen_config.c — the screening settings' text (config files and
 * snapshots): any bytes are applied line by line or reported, and settings
 * that validate write out and read back to the same text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screen/screen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *text_of(const struct screen_config *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (!out)
		abort();
	screen_config_write(c, out);
	fclose(out);
	return text;
}

static void count_bad(void *n, unsigned line, int rc, const char *reason)
{
	(void)rc;
	if (line == 0 || !reason || !*reason)
		abort(); /* every refusal has a line and a reason */
	++*(int *)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct screen_config c, back;
	screen_config_defaults(&c);
	FILE *in = fmemopen((void *)data, size, "r");
	if (!in)
		return 0;
	int nbad = 0;
	if (screen_config_read(&c, in, count_bad, &nbad) != nbad)
		abort();
	fclose(in);
	if (screen_config_validate(&c, NULL) != 0)
		return 0;
	char *text = text_of(&c);
	screen_config_defaults(&back);
	in = fmemopen(text, strlen(text), "r");
	if (!in || screen_config_read(&back, in, NULL, NULL) != 0)
		abort(); /* what it writes, it reads */
	fclose(in);
	char *again = text_of(&back);
	if (strcmp(text, again) != 0)
		abort();
	free(text);
	free(again);
	return 0;
}
