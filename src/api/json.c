/* json.c — reading request bodies and writing replies. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/text.h"

static json_t *field_of(struct api_req *r, const char *key)
{
	return r->json_body ? json_object_get(r->json_body, key) : NULL;
}

int api_body_str(struct api_req *r, const char *key, bool required, size_t max, const char **out)
{
	json_t *v = field_of(r, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return required ? api_invalid(r, key, "is required") : OMB_OK;
	if (!json_is_string(v))
		return api_invalid(r, key, "must be a string");
	size_t len = json_string_length(v);
	const char *s = json_string_value(v);
	if (len > max)
		return api_invalid(r, key, "is too long");
	if (!text_is_clean_utf8(s, len) || strlen(s) != len)
		return api_invalid(r, key, "has control characters");
	if (required && len == 0)
		return api_invalid(r, key, "must not be empty");
	*out = s;
	return OMB_OK;
}

int api_body_int(struct api_req *r, const char *key, bool required, int64_t min, int64_t max, int64_t *out)
{
	json_t *v = field_of(r, key);
	if (!v || json_is_null(v))
		return required ? api_invalid(r, key, "is required") : OMB_OK;
	if (!json_is_integer(v))
		return api_invalid(r, key, "must be an integer");
	json_int_t n = json_integer_value(v);
	if (n < min || n > max)
		return api_invalid(r, key, "is out of range");
	*out = n;
	return OMB_OK;
}

int api_body_bool(struct api_req *r, const char *key, bool *out)
{
	json_t *v = field_of(r, key);
	if (!v || json_is_null(v))
		return OMB_OK;
	if (!json_is_boolean(v))
		return api_invalid(r, key, "must be true or false");
	*out = json_is_true(v);
	return OMB_OK;
}

static int query_int(struct api_req *r, const char *key, int64_t min, int64_t max, int64_t *out)
{
	const char *v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
	if (!v)
		return OMB_OK;
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || end == v || *end || n < min || n > max)
		return api_invalid(r, key, "must be an integer in range");
	*out = n;
	return OMB_OK;
}

int api_page(struct api_req *r, int64_t *after, int *limit)
{
	int64_t lim = 50;
	*after = 0;
	int rc = query_int(r, "after", 0, INT64_MAX, after);
	if (rc == OMB_OK)
		rc = query_int(r, "limit", 1, 100, &lim);
	*limit = (int)lim;
	return rc;
}

int api_reply(struct api_req *r, unsigned status, json_t *json)
{
	json_decref(r->json);
	free(r->json_text);
	r->json_text = NULL;
	r->status = status;
	r->json = json;
	return OMB_OK;
}

int api_reply_text(struct api_req *r, unsigned status, char *text)
{
	api_reply(r, status, NULL);
	r->json_text = text;
	return OMB_OK;
}

int api_reply_page(struct api_req *r, json_t *items, int64_t last_id, int limit)
{
	json_t *next = json_array_size(items) == (size_t)limit ? json_integer(last_id) : json_null();
	return api_reply(r, MHD_HTTP_OK, json_pack("{s:o, s:o}", "items", items, "next_after", next));
}

const char *api_header(struct api_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

int api_fail_use_case(struct api_req *r, int rc, const char *field, const char *reason)
{
	if (field && rc == OMB_EINVAL)
		return api_invalid(r, field, reason ? reason : "is not acceptable");
	r->err_field = field;
	if (reason)
		snprintf(r->err_msg, sizeof r->err_msg, "%s", reason);
	return rc;
}

int api_path_id(struct api_req *r, int i, int64_t *id)
{
	char *end;
	errno = 0;
	long long v = strtoll(r->params[i], &end, 10);
	if (errno || *end || v <= 0)
		return OMB_ENOTFOUND;
	*id = v;
	return OMB_OK;
}

json_t *api_iso_or_null(int64_t ms)
{
	if (ms <= 0 || ms == INT64_MAX)
		return json_null();
	char buf[32];
	return json_string(clock_format_iso(ms, buf, sizeof buf));
}
