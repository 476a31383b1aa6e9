/* ratelimit.c — fixed one-minute windows per source address and class, in a
 * small open-addressed table. A full table evicts the slot it lands on: a
 * flood of addresses can reset someone's window, never block a stranger. */
#include <pthread.h>
#include <string.h>
#include <xxhash.h>

#include "api/api_int.h"

#define SLOTS 4096

struct slot {
	uint64_t key;
	int64_t window;   /* minute number */
	int64_t count;
};

static struct slot slots[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

bool ratelimit_allow(const char *remote, unsigned cls, int64_t limit_per_min, int64_t now_ms)
{
	uint64_t key = XXH3_64bits_withSeed(remote, strlen(remote), cls) | 1;
	int64_t window = now_ms / 60000;
	pthread_mutex_lock(&lock);
	struct slot *s = &slots[key % SLOTS];
	if (s->key != key || s->window != window) {
		s->key = key;
		s->window = window;
		s->count = 0;
	}
	bool ok = ++s->count <= limit_per_min;
	pthread_mutex_unlock(&lock);
	return ok;
}
