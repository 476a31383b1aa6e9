/* registry.h — the telemarketing registry: businesses and their calling numbers.
 *
 * Owns: checking a business and a number before they are stored, the rule
 * "is this number registered to an active business at time t", and the export
 * of the registry as the screening engine's registry file (kind
 * `telemarketer`, the format in docs/formats.md), so that the registry is the
 * one source of truth for both the regulator and the engine.
 *
 * Does not: store anything, allocate (all arrays belong to the caller), know
 * HTTP or roles. Lookups scan the arrays: the app loads the
 * registry once per request or keeps a snapshot; no global state. Every
 * function may be called from any thread on data it does not share. */
#ifndef OMBUD_TM_REGISTRY_H
#define OMBUD_TM_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/phone.h"

#define TM_NAME_MAX 200   /* bytes of a business name, registration id or contact */

/* A registered telemarketing business. Strings are borrowed from the caller. */
struct tm_business {
	int64_t id;
	const char *name;
	const char *registration_id;   /* e.g. its telemarketing / mail-order registration number */
	const char *contact;           /* where the regulator and consumers reach it */
	int64_t active_from_ms;
	int64_t active_to_ms;          /* exclusive; 0 = still active */
};

/* One calling number of a business, valid in [valid_from_ms, valid_to_ms). */
struct tm_number {
	int64_t id;
	int64_t business_id;
	struct phone phone;            /* as parsed by tm_number_init */
	uint64_t key;                  /* phone_key(&phone) */
	int64_t valid_from_ms;
	int64_t valid_to_ms;           /* exclusive; 0 = open-ended */
	uint32_t daily_cap;            /* solicitations per day (KST); 0 = no cap */
	const char *trunks;            /* ";"-separated ingress trunks, may be NULL; borrowed */
};

struct tm_registry {
	const struct tm_business *businesses;
	size_t n_businesses;
	const struct tm_number *numbers;
	size_t n_numbers;
};

/* Checks a business before it is stored: name, registration id and contact
 * present, clean UTF-8, at most TM_NAME_MAX bytes; active_to after
 * active_from when set. 0 or OMB_EINVAL with *reason naming the field. */
int tm_business_check(const struct tm_business *b, const char **reason);

/* Fills *n from the number as written (any form phone_parse accepts, Korean
 * default) and the other fields. OMB_EINVAL with *reason for an unparsable,
 * withheld or short-code/emergency number, or valid_to not after valid_from. */
int tm_number_init(struct tm_number *n, const char *number, size_t len, int64_t business_id,
                   int64_t valid_from_ms, int64_t valid_to_ms, uint32_t daily_cap,
                   const char *trunks, const char **reason);

/* Checks that n may be added to r: its business exists (else OMB_ENOTFOUND)
 * and no other entry for the same number overlaps its validity (else
 * OMB_ECONFLICT: one number belongs to one business at a time). */
int tm_registry_check_number(const struct tm_registry *r, const struct tm_number *n, const char **reason);

/* The business with this id, or NULL. */
const struct tm_business *tm_registry_business(const struct tm_registry *r, int64_t business_id);

/* True when b is active at at_ms. */
bool tm_business_active(const struct tm_business *b, int64_t at_ms);

/* The entry registering number `key` at at_ms to a business active at
 * at_ms, and that business in *business (may be NULL); NULL when the number
 * is not registered then. The withheld key (0) is never registered. */
const struct tm_number *tm_registry_lookup(const struct tm_registry *r, uint64_t key, int64_t at_ms,
                                           const struct tm_business **business);

/* Writes the registry as CSV (docs/formats.md "Registry"):
 * `number,holder,kind,trunk,daily_cap,valid_from,valid_to` with a header line,
 * RFC 4180 quoting (libcsv), CRLF line ends. number = E.164, holder = the
 * business name, kind = telemarketer, trunk = the ";" list or empty,
 * daily_cap empty when 0. valid_from/valid_to are UTC dates of the number's
 * validity cut to its business's active period: valid_from the first whole
 * day of validity (rounded up), valid_to the last whole day of validity
 * (inclusive, as screen/lists.c reads it), so the export never extends a registration;
 * valid_to empty when open. Entries whose business is unknown or whose cut period is empty
 * are left out. Returns 0, or OMB_EIO when writing fails. */
int tm_registry_export_csv(const struct tm_registry *r, FILE *out);

#endif
