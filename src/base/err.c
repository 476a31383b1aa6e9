/* err.c — names of the codes in err.h. */
#include "base/err.h"

const char *omb_err_name(int code)
{
	switch (code) {
	case OMB_OK:        return "ok";
	case OMB_EINVAL:    return "invalid";
	case OMB_ENOTFOUND: return "not_found";
	case OMB_EEXIST:    return "exists";
	case OMB_EPERM:     return "forbidden";
	case OMB_ECONFLICT: return "conflict";
	case OMB_ELIMIT:    return "limit";
	case OMB_ESTORE:    return "store_error";
	case OMB_EAGAIN:    return "unavailable";
	case OMB_EIO:       return "io_error";
	case OMB_EAUTH:     return "unauthorized";
	}
	return "error";
}
