/* api.h — the HTTP server: the only layer that knows HTTP or JSON.
 *
 * libmicrohttpd with epoll and a thread pool sized to the cores; every route
 * is one row of the table in routes.c, which also declares the roles that may
 * call it, its organisation rule and its body limit. main.c starts it, waits
 * for a signal, then drains and stops it. */
#ifndef OMBUD_API_API_H
#define OMBUD_API_API_H

#include <stdint.h>
#include <stdio.h>

#include "app/app.h"

struct api;

/* Starts listening on app->cfg's address and port. *port gets the bound port
 * (useful when the configured port is 0). Caller stops with api_stop. */
int api_start(struct app *app, struct api **out, uint16_t *port, char *errbuf, size_t errlen);
/* Graceful stop: refuses new connections at once, lets requests already
 * received finish (answering them with "Connection: close"), waits at most
 * grace_ms for them, then closes everything and frees the server. */
void api_stop(struct api *api, int64_t grace_ms);

/* Writes the routing table as JSON (method, path, roles, org rule, body
 * limit, flags), for `ombud routes` and the authorization-matrix test. */
void api_routes_print(FILE *out);

#endif
