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

static const char *db_shown(struct config *cfg, const char *db, char *buf, size_t size)
{
	struct config_error err = {0};
	assert_int_equal(config_set(cfg, "store.db", db, CONFIG_FLAG, &err), OMB_OK);
	return config_shown(cfg, "store.db", buf, size);
}

static void passwords_in_urls_are_masked(void **state)
{
	struct config cfg;
	char buf[512];
	config_defaults(&cfg);
	assert_string_equal(db_shown(&cfg, "postgresql://ombud:s3cr%40t@db.internal:5432/ombud?sslmode=require", buf,
				     sizeof buf),
			    "postgresql://ombud:********@db.internal:5432/ombud?sslmode=require");
	assert_string_equal(db_shown(&cfg, "postgres://ombud@db/ombud?password=hunter2&connect_timeout=5", buf,
				     sizeof buf),
			    "postgres://ombud@db/ombud?password=********&connect_timeout=5");
	assert_string_equal(db_shown(&cfg, "host=db user=ombud password='a b\\'c' dbname=ombud", buf, sizeof buf),
			    "host=db user=ombud password=******** dbname=ombud");
	assert_string_equal(db_shown(&cfg, "postgresql://db.internal/ombud", buf, sizeof buf),
			    "postgresql://db.internal/ombud");
	assert_string_equal(db_shown(&cfg, "/var/lib/ombud/ombud.db", buf, sizeof buf), "/var/lib/ombud/ombud.db");
	/* a path with an '@' and ':' is not a URL's user info */
	assert_string_equal(db_shown(&cfg, "/srv/a:b@c/ombud.db", buf, sizeof buf), "/srv/a:b@c/ombud.db");
	struct config_error err = {0};
	assert_int_equal(config_set(&cfg, "server.tls_key", "/etc/ombud/key.pem", CONFIG_FLAG, &err), OMB_OK);
	assert_string_equal(config_shown(&cfg, "server.tls_key", buf, sizeof buf), "********");
	assert_int_equal(config_validate(&cfg, &err), OMB_EINVAL); /* a key without a certificate */
	assert_string_equal(err.key, "server.tls_cert");
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	db_shown(&cfg, "postgresql://u:topsecret@h/d", buf, sizeof buf);
	config_print(&cfg, f);
	fclose(f);
	assert_null(strstr(text, "topsecret"));
	assert_null(strstr(text, "key.pem"));
	assert_non_null(strstr(text, "db = postgresql://u:********@h/d"));
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
		cmocka_unit_test(passwords_in_urls_are_masked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
