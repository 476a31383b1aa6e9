/* privacy.c — read purposes, retention and erasure rules, consents. */
#include "desk/privacy.h"

#include <string.h>

#include "base/clock.h"
#include "base/err.h"

static const char *const purposes[PRIVACY_P_COUNT] = {
	[PRIVACY_P_HANDLING] = "handling",
	[PRIVACY_P_QUALITY_REVIEW] = "quality_review",
	[PRIVACY_P_COMPLAINT_REVIEW] = "complaint_review",
	[PRIVACY_P_DOSSIER] = "dossier",
	[PRIVACY_P_CUSTOMER_REQUEST] = "customer_request",
	[PRIVACY_P_LEGAL_REQUEST] = "legal_request",
	[PRIVACY_P_AUDIT] = "audit",
};

static const char *const reads[PRIVACY_READ_COUNT] = {
	[PRIVACY_READ_VIEW] = "view",
	[PRIVACY_READ_DOWNLOAD] = "download",
	[PRIVACY_READ_ATTACHMENT] = "attachment",
	[PRIVACY_READ_DOSSIER] = "dossier",
	[PRIVACY_READ_EXPORT] = "export",
	[PRIVACY_READ_INCIDENT] = "incident",
};

static const char *const consents[PRIVACY_C_COUNT] = {
	[PRIVACY_C_SURVEY] = "survey",
	[PRIVACY_C_MARKETING] = "marketing",
};

static const char *name_in(const char *const *names, int n, int v)
{
	return v > 0 && v < n && names[v] ? names[v] : "unknown";
}

static int parse_in(const char *const *names, int n, const char *s, int *out)
{
	for (int v = 1; s && v < n; v++)
		if (strcmp(s, names[v]) == 0) {
			*out = v;
			return OMB_OK;
		}
	return OMB_EINVAL;
}

const char *privacy_purpose_name(enum privacy_purpose p)
{
	return name_in(purposes, PRIVACY_P_COUNT, (int)p);
}

const char *privacy_read_name(enum privacy_read r)
{
	return name_in(reads, PRIVACY_READ_COUNT, (int)r);
}

const char *privacy_erasure_cause_name(enum privacy_erasure_cause c)
{
	switch (c) {
	case PRIVACY_ERASED_REQUEST: return "request";
	case PRIVACY_ERASED_ADMIN: return "admin";
	case PRIVACY_ERASED_RETENTION: return "retention";
	}
	return "unknown";
}

const char *privacy_consent_name(enum privacy_consent c)
{
	return name_in(consents, PRIVACY_C_COUNT, (int)c);
}

int privacy_purpose_parse(const char *s, enum privacy_purpose *out)
{
	int v = 0;
	int rc = parse_in(purposes, PRIVACY_P_COUNT, s, &v);
	if (rc == OMB_OK)
		*out = (enum privacy_purpose)v;
	return rc;
}

int privacy_consent_parse(const char *s, enum privacy_consent *out)
{
	int v = 0;
	int rc = parse_in(consents, PRIVACY_C_COUNT, s, &v);
	if (rc == OMB_OK)
		*out = (enum privacy_consent)v;
	return rc;
}

enum privacy_purpose privacy_default_purpose(enum privacy_read what)
{
	switch (what) {
	case PRIVACY_READ_DOSSIER: return PRIVACY_P_DOSSIER;
	case PRIVACY_READ_EXPORT: return PRIVACY_P_CUSTOMER_REQUEST;
	default: return PRIVACY_P_HANDLING;
	}
}

bool privacy_retention_days_ok(int64_t days)
{
	return days >= PRIVACY_RETENTION_DAYS_MIN && days <= PRIVACY_RETENTION_DAYS_MAX;
}

int64_t privacy_retention_days(int64_t server_days, int64_t org_days, int64_t category_days)
{
	return category_days > 0 ? category_days : org_days > 0 ? org_days : server_days;
}

int64_t privacy_erase_due_ms(const struct desk_case *c, int64_t days)
{
	int64_t from = c->status == DESK_CLOSED ? c->closed_ms : c->status == DESK_REFERRED ? c->referred_ms : 0;
	return from > 0 ? from + days * CLOCK_MS_PER_DAY : 0;
}

int privacy_erase_allowed(const struct desk_case *c, const char **why)
{
	if (desk_case_finished(c))
		return OMB_OK;
	*why = "the case is still open: accept the answer (or wait for the final answer) first";
	return OMB_ECONFLICT;
}

bool privacy_wording_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > PRIVACY_WORDING_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
			  ch == '-' || ch == '_';
		if (!ok)
			return false;
	}
	return true;
}
