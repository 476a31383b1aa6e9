/* test_api.c — the routing table's invariants, path matching, the error
 * catalogue and documents as JSON. Includes server.c to reach its statics. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "../../../src/api/server.c"
#include "base/err.h"

static void routes_are_well_formed(void **state)
{
	for (size_t i = 0; i < api_route_count; i++) {
		const struct route *a = &api_routes[i];
		assert_true(a->pattern[0] == '/');
		assert_non_null(a->fn);
		assert_non_null(a->summary);
		/* a route nobody may call is a mistake */
		assert_true((a->flags & ROUTE_PUBLIC) || a->roles != 0);
		/* an organisation rule needs an {org} to check */
		if (a->org != ORG_ANY)
			assert_non_null(strstr(a->pattern, "/orgs/{org}"));
		/* GET routes take no body */
		if (!strcmp(a->method, "GET"))
			assert_int_equal(a->body_max, 0);
		for (size_t j = i + 1; j < api_route_count; j++)
			assert_false(!strcmp(a->method, api_routes[j].method) && !strcmp(a->pattern, api_routes[j].pattern));
	}
}

static void paths_match_segments(void **state)
{
	struct api_req r;
	memset(&r, 0, sizeof r);
	assert_true(path_match("/v1/orgs/{org}/staff", "/v1/orgs/HB/staff", &r));
	assert_int_equal(r.nparams, 1);
	assert_string_equal(r.params[0], "HB");
	assert_false(path_match("/v1/orgs/{org}/staff", "/v1/orgs//staff", &r));
	assert_false(path_match("/v1/orgs/{org}/staff", "/v1/orgs/HB/staff/x", &r));
	assert_false(path_match("/v1/orgs/{org}/staff", "/v1/orgs/HB", &r));
	assert_false(path_match("/v1/orgs", "/v1/orgsX", &r));
	assert_true(path_match("/healthz", "/healthz", &r));
	assert_false(path_match("/healthz", "healthz", &r));
	char longseg[200];
	memset(longseg, 'A', sizeof longseg - 1);
	longseg[sizeof longseg - 1] = '\0';
	char url[256];
	snprintf(url, sizeof url, "/v1/orgs/%s", longseg);
	assert_false(path_match("/v1/orgs/{org}", url, &r));
}

static void error_catalogue(void **state)
{
	assert_int_equal(api_status_of(OMB_EINVAL), 400);
	assert_int_equal(api_status_of(OMB_EAUTH), 401);
	assert_int_equal(api_status_of(OMB_EPERM), 403);
	assert_int_equal(api_status_of(OMB_ENOTFOUND), 404);
	assert_int_equal(api_status_of(OMB_EEXIST), 409);
	assert_int_equal(api_status_of(OMB_ELIMIT), 413);
	assert_int_equal(api_status_of(OMB_EAGAIN), 503);
	assert_int_equal(api_status_of(-999), 500);
	struct api_req r;
	memset(&r, 0, sizeof r);
	api_invalid(&r, "name", "is required");
	api_fail(&r, OMB_EINVAL);
	assert_int_equal(r.status, 400);
	json_t *err = json_object_get(r.json, "error");
	assert_string_equal(json_string_value(json_object_get(err, "code")), "invalid");
	assert_string_equal(json_string_value(json_object_get(err, "field")), "name");
	assert_string_equal(json_string_value(json_object_get(err, "message")), "name: is required");
	json_decref(r.json);
}

static void document_as_json(void **state)
{
	struct doc *d = doc_new("receipt", "접수증 / Receipt");
	struct doc_section *s = doc_section(d, "case", "사건 / Case");
	doc_field(d, s, "receipt", "접수번호 / Receipt number", "HB-2026-0000001");
	const char *keys[] = {"at", "what"}, *labels[] = {"시각", "내용"};
	struct doc_table *t = doc_table(d, s, 2, keys, labels);
	doc_row(d, t, (const char *[]){"2026-11-28", "opened <b>"});
	json_t *j = api_document_json(d);
	assert_string_equal(json_string_value(json_object_get(j, "kind")), "receipt");
	json_t *sec = json_array_get(json_object_get(j, "sections"), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(sec, "fields"), "receipt")),
			    "HB-2026-0000001");
	json_t *row = json_array_get(json_object_get(sec, "rows"), 0);
	assert_string_equal(json_string_value(json_object_get(row, "what")), "opened <b>");
	assert_true(json_is_false(json_object_get(j, "shortened")));
	json_decref(j);
	doc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(routes_are_well_formed),
		cmocka_unit_test(paths_match_segments),
		cmocka_unit_test(error_catalogue),
		cmocka_unit_test(document_as_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
