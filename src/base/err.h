/* err.h — ombud's small error vocabulary.
 *
 * Every fallible function returns 0 (OMB_OK) or one of these negative codes;
 * a positive value is never an error. api/ maps each code to an HTTP status in
 * one table (api/errors.c), so domain code never thinks about HTTP. */
#ifndef OMBUD_BASE_ERR_H
#define OMBUD_BASE_ERR_H

enum omb_err {
	OMB_OK        =  0,
	OMB_EINVAL    = -1,  /* input breaks a rule: a field is missing, malformed or out of range */
	OMB_ENOTFOUND = -2,  /* no such record, or not visible to the caller */
	OMB_EEXIST    = -3,  /* would duplicate a unique record */
	OMB_EPERM     = -4,  /* the caller's role or organisation may not do this */
	OMB_ECONFLICT = -5,  /* the record's state forbids it now (e.g. closing an open L1 case) */
	OMB_ELIMIT    = -6,  /* a size, count or rate limit was reached */
	OMB_ESTORE    = -7,  /* the store failed; the operation did not happen */
	OMB_EAGAIN    = -8,  /* busy or temporarily unavailable: try again */
	OMB_EIO       = -9,  /* a file or socket operation failed */
	OMB_EAUTH     = -10, /* credentials missing or wrong */
};

/* Short stable name of a code ("invalid", "not_found", ...), for logs and
 * JSON error bodies. Never NULL. */
const char *omb_err_name(int code);

#endif
