/* listener.c — the listening socket, and the thread that accepts on it.
 *
 * The socket is ours rather than libmicrohttpd's: stopping its own listener
 * (MHD_quiesce_daemon) races its epoll workers, which may remove the
 * listening socket from their epoll sets after the quiesce already did; the
 * second removal fails and libmicrohttpd aborts the process (seen here
 * during a graceful stop under load). So one thread accepts and hands each
 * connection to the daemon, and a stop shuts the socket down, which wakes
 * that thread and refuses every new connection from then on. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "api/api_int.h"
#include "base/err.h"

#define LISTEN_BACKLOG 1024

int api_listen(struct api *api, const struct sockaddr_storage *ss, uint16_t *port)
{
	socklen_t len = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	int one = 1;
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return OMB_EIO;
	struct sockaddr_storage bound;
	socklen_t bound_len = sizeof bound;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(fd, (const struct sockaddr *)ss, len) != 0 || listen(fd, LISTEN_BACKLOG) != 0 ||
	    getsockname(fd, (struct sockaddr *)&bound, &bound_len) != 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return OMB_EIO;
	}
	*port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
						  : ((struct sockaddr_in *)&bound)->sin_port);
	api->listen_fd = fd;
	return OMB_OK;
}

static void *accept_loop(void *arg)
{
	struct api *api = arg;
	for (;;) {
		struct sockaddr_storage peer;
		socklen_t len = sizeof peer;
		int fd = accept4(api->listen_fd, (struct sockaddr *)&peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			MHD_add_connection(api->daemon, fd, (struct sockaddr *)&peer, len); /* closes fd if it fails */
			continue;
		}
		if (atomic_load(&api->draining))
			return NULL;
		if (errno != EINTR && errno != ECONNABORTED) {
			/* out of descriptors or memory, or a network error: let
			 * connections close first rather than spin */
			struct timespec pause = {0, 10 * 1000000};
			nanosleep(&pause, NULL);
		}
	}
}

int api_accept_start(struct api *api)
{
	int rc = pthread_create(&api->acceptor, NULL, accept_loop, api);
	if (rc != 0) {
		errno = rc;
		return OMB_EIO;
	}
	api->accepting = true;
	return OMB_OK;
}

void api_accept_stop(struct api *api)
{
	if (api->accepting) {
		/* a shut listening socket stops listening (new connections are
		 * refused) and wakes the accept() waiting on it */
		shutdown(api->listen_fd, SHUT_RDWR);
		pthread_join(api->acceptor, NULL);
		api->accepting = false;
	}
	if (api->listen_fd >= 0)
		close(api->listen_fd);
	api->listen_fd = -1;
}
