/* fuzz_config.c — the INI configuration reader: any bytes either load or are
 * refused with a named key, and a loaded config prints and frees cleanly. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	struct config_error err;
	config_defaults(&cfg);
	FILE *in = fmemopen((void *)data, size, "r");
	if (!in) {
		config_free(&cfg);
		return 0;
	}
	if (config_load_stream(&cfg, in, &err) != 0 && err.key[0] == '\0')
		abort(); /* every refusal names what it refused */
	fclose(in);
	(void)config_validate(&cfg, &err);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	config_print(&cfg, out);
	fclose(out);
	const char *line = strstr(text, "\nsecret = "), *masked = "\nsecret = ********\n";
	if (!line || (*cfg.secret && strncmp(line, masked, strlen(masked)) != 0))
		abort(); /* a set secret is always masked */
	free(text);
	config_free(&cfg);
	return 0;
}
