/* mhd_const.c — the floor of any libmicrohttpd service on this machine: the
 * same daemon settings as ombud's server (internal epoll thread pool, one
 * thread per core, 8 KiB of memory per connection), answering every request with a constant JSON verdict
 * and reading nothing. The HTTP check benchmark runs it beside ombud.
 * usage: mhd_const PORT */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char verdict[] = "{\"verdict\":\"allow\",\"score\":0,\"reasons\":[],\"repeated\":false}";

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
			      const char *version, const char *upload_data, size_t *upload_size, void **req)
{
	(void)cls, (void)url, (void)method, (void)version, (void)upload_data;
	if (!*req) {
		*req = (void *)1; /* first call: headers only */
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0; /* the body is read and dropped */
		return MHD_YES;
	}
	struct MHD_Response *r = MHD_create_response_from_buffer(sizeof verdict - 1, (void *)verdict,
								 MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mhd_const PORT\n");
		return 2;
	}
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC,
						(uint16_t)atoi(argv[1]), NULL, NULL, answer, NULL,
						MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(cores > 0 ? cores : 1),
						MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096,
						MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(8u << 10), MHD_OPTION_END);
	if (!d) {
		perror("mhd_const: MHD_start_daemon");
		return 1;
	}
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sig;
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	return 0;
}
