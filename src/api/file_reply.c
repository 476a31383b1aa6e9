/* file_reply.c — an attached file as an HTTP answer: its bytes as stored,
 * with the type its content was checked to have, for download only. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "base/err.h"
#include "base/mem.h"

/* "name.pdf" as an RFC 6266 attachment: an ASCII fallback and the UTF-8
 * name percent-encoded. */
static char *disposition(const char *name)
{
	static const char hexd[] = "0123456789ABCDEF";
	size_t n = strlen(name);
	char *out = xmalloc(64 + 4 * n), *p = out;
	p += sprintf(p, "attachment; filename=\"");
	for (const char *s = name; *s; s++)
		*p++ = (*s >= 0x20 && *s < 0x7f && *s != '"' && *s != '\\') ? *s : '_';
	p += sprintf(p, "\"; filename*=UTF-8''");
	for (const unsigned char *s = (const unsigned char *)name; *s; s++) {
		if (isalnum(*s) || strchr("-._~", *s)) {
			*p++ = (char)*s;
		} else {
			*p++ = '%';
			*p++ = hexd[*s >> 4];
			*p++ = hexd[*s & 15];
		}
	}
	*p = '\0';
	return out;
}

/* Never sniffed or run by a browser. */
int api_reply_file(struct api_req *r, struct attachment_file *f)
{
	char *cd = disposition(f->item.name);
	char etag[80];
	snprintf(etag, sizeof etag, "\"%s\"", f->item.sha256);
	r->raw = MHD_create_response_from_buffer((size_t)f->item.size, f->data, MHD_RESPMEM_MUST_FREE);
	f->data = NULL;
	MHD_add_response_header(r->raw, MHD_HTTP_HEADER_CONTENT_TYPE, f->item.mime);
	MHD_add_response_header(r->raw, MHD_HTTP_HEADER_CONTENT_DISPOSITION, cd);
	MHD_add_response_header(r->raw, MHD_HTTP_HEADER_ETAG, etag);
	MHD_add_response_header(r->raw, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r->raw, "Content-Security-Policy", "default-src 'none'; sandbox");
	MHD_add_response_header(r->raw, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	free(cd);
	r->resp_bytes = (size_t)f->item.size;
	r->status = MHD_HTTP_OK;
	return OMB_OK;
}
