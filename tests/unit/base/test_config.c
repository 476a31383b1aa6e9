/* test_config.c — defaults, file, environment and flags, in that order. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/config.h"
#include "base/err.h"

static char *write_file(const char *text)
{
	static char path[64];
	snprintf(path, sizeof path, "/tmp/ombud-cfg-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void defaults_are_valid(void **state)
{
	struct config cfg;
	struct config_error err;
	config_defaults(&cfg);
	assert_int_equal(config_validate(&cfg, &err), OMB_OK);
	assert_int_equal(cfg.port, 8080);
	assert_int_equal(cfg.default_country, 82);
	assert_true(cfg.access_log);
	assert_false(cfg.test_mode);
	config_free(&cfg);
}

static void precedence_file_env_flag(void **state)
{
	struct config cfg;
	struct config_error err = {0};
	config_defaults(&cfg);
	char *path = write_file("[server]\nport = 9001\nthreads = 3\n[store]\ndb = /tmp/a.db\n");
	assert_int_equal(config_load_file(&cfg, path, &err), OMB_OK);
	unlink(path);
	char *env[] = {"OMBUD_SERVER_PORT=9002", "OMBUD_BIN=/x/ombud", "PATH=/bin", NULL};
	assert_int_equal(config_load_env(&cfg, env, &err), OMB_OK);
	assert_int_equal(config_set(&cfg, "server.threads", "4", CONFIG_FLAG, &err), OMB_OK);
	assert_int_equal(cfg.port, 9002);   /* env over file */
	assert_int_equal(cfg.threads, 4);   /* flag over file */
	assert_string_equal(cfg.db, "/tmp/a.db");
	config_free(&cfg);
}

static void errors_name_key_and_line(void **state)
{
	struct config cfg;
	struct config_error err = {0};
	config_defaults(&cfg);
	char *path = write_file("[server]\nlisten = 0.0.0.0\nport = many\n");
	assert_int_equal(config_load_file(&cfg, path, &err), OMB_EINVAL);
	unlink(path);
	assert_string_equal(err.key, "server.port");
	assert_int_equal(err.line, 3);
	assert_non_null(strstr(err.reason, "not an integer"));
	assert_int_equal(config_set(&cfg, "server.nosuch", "1", CONFIG_FLAG, &err), OMB_EINVAL);
	assert_non_null(strstr(err.reason, "unknown setting"));
	assert_int_equal(config_set(&cfg, "server.port", "70000", CONFIG_FLAG, &err), OMB_EINVAL);
	assert_int_equal(config_set(&cfg, "server.access_log", "maybe", CONFIG_FLAG, &err), OMB_EINVAL);
	config_free(&cfg);
}

static void secret_is_validated_and_masked(void **state)
{
	struct config cfg;
	struct config_error err = {0};
	config_defaults(&cfg);
	assert_int_equal(config_set(&cfg, "security.secret", "short", CONFIG_FLAG, &err), OMB_OK);
	assert_int_equal(config_validate(&cfg, &err), OMB_EINVAL);
	assert_string_equal(err.key, "security.secret");
	const char *hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
	assert_int_equal(config_set(&cfg, "security.secret", hex, CONFIG_FLAG, &err), OMB_OK);
	assert_int_equal(config_validate(&cfg, &err), OMB_OK);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	config_print(&cfg, f);
	fclose(f);
	assert_null(strstr(text, hex));
	assert_non_null(strstr(text, "secret = ********"));
	assert_non_null(strstr(text, "[server]"));
	free(text);
	config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_are_valid),
		cmocka_unit_test(precedence_file_env_flag),
		cmocka_unit_test(errors_name_key_and_line),
		cmocka_unit_test(secret_is_validated_and_masked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
