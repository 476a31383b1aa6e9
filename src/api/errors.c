/* errors.c — the one table from error codes to HTTP statuses, and the JSON
 * error body {"error": {"code", "message", "field"}}. */
#include <stdio.h>
#include <string.h>

#include "api/api_int.h"
#include "base/err.h"

static const struct {
	int code;
	unsigned status;
	const char *message;
} catalogue[] = {
	{OMB_EINVAL, MHD_HTTP_BAD_REQUEST, "the request is invalid"},
	{OMB_ENOTFOUND, MHD_HTTP_NOT_FOUND, "not found"},
	{OMB_EEXIST, MHD_HTTP_CONFLICT, "already exists"},
	{OMB_EPERM, MHD_HTTP_FORBIDDEN, "not allowed for this role or organisation"},
	{OMB_ECONFLICT, MHD_HTTP_CONFLICT, "not possible in the record's current state"},
	{OMB_ELIMIT, MHD_HTTP_CONTENT_TOO_LARGE, "a size limit was exceeded"},
	{OMB_ESTORE, MHD_HTTP_INTERNAL_SERVER_ERROR, "the store failed; nothing was changed"},
	{OMB_EAGAIN, MHD_HTTP_SERVICE_UNAVAILABLE, "temporarily unavailable; try again"},
	{OMB_EIO, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal error"},
	{OMB_EAUTH, MHD_HTTP_UNAUTHORIZED, "missing or invalid credentials"},
};

unsigned api_status_of(int code)
{
	for (size_t i = 0; i < sizeof catalogue / sizeof catalogue[0]; i++)
		if (catalogue[i].code == code)
			return catalogue[i].status;
	return MHD_HTTP_INTERNAL_SERVER_ERROR;
}

static const char *default_message(int code)
{
	for (size_t i = 0; i < sizeof catalogue / sizeof catalogue[0]; i++)
		if (catalogue[i].code == code)
			return catalogue[i].message;
	return "internal error";
}

void api_fail(struct api_req *r, int code)
{
	json_t *err = json_pack("{s:s, s:s}", "code", r->err_code ? r->err_code : omb_err_name(code), "message",
				*r->err_msg ? r->err_msg : default_message(code));
	if (r->err_field)
		json_object_set_new(err, "field", json_string(r->err_field));
	json_decref(r->json);
	free(r->json_text);
	r->json_text = NULL;
	r->json = json_pack("{s:o}", "error", err);
	r->status = api_status_of(code);
}

void api_fail_status(struct api_req *r, unsigned status, const char *err_code, const char *msg)
{
	r->err_code = err_code;
	snprintf(r->err_msg, sizeof r->err_msg, "%s", msg);
	api_fail(r, OMB_EINVAL);
	r->status = status;
}

int api_invalid(struct api_req *r, const char *field, const char *reason)
{
	r->err_field = field;
	snprintf(r->err_msg, sizeof r->err_msg, "%s: %s", field, reason);
	return OMB_EINVAL;
}
