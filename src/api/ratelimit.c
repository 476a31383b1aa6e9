/* ratelimit.c — a token bucket per source and class, in a small table:
 * `limit` requests at once, refilled at `limit` per minute, so there is no
 * burst at the edge of a window. A source landing on a taken slot evicts
 * it: a flood of sources can refill someone's bucket, never block a
 * stranger. The hash is keyed at random, so no one can pick the login names
 * or addresses that evict a given bucket. */
#include <pthread.h>
#include <string.h>
#include <xxhash.h>

#include "api/api_int.h"
#include "base/credential.h"

#define SLOTS 4096

struct slot {
	uint64_t key;
	double tokens;
	int64_t last_ms;
};

static struct slot slots[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t seed;

/* The source's bucket of the class, refilled to now; under lock. */
static struct slot *bucket(const char *source, unsigned cls, int64_t limit_per_min, int64_t now_ms)
{
	if (!seed)
		cred_random(&seed, sizeof seed);
	uint64_t key = XXH3_64bits_withSeed(source, strlen(source), seed + cls) | 1;
	struct slot *s = &slots[key % SLOTS];
	if (s->key != key) {
		s->key = key;
		s->tokens = (double)limit_per_min;
		s->last_ms = now_ms;
	}
	if (now_ms > s->last_ms) {
		s->tokens += (double)(now_ms - s->last_ms) * (double)limit_per_min / 60000.0;
		if (s->tokens > (double)limit_per_min)
			s->tokens = (double)limit_per_min;
		s->last_ms = now_ms;
	}
	return s;
}

bool ratelimit_allow(const char *source, unsigned cls, int64_t limit_per_min, int64_t now_ms)
{
	pthread_mutex_lock(&lock);
	struct slot *s = bucket(source, cls, limit_per_min, now_ms);
	bool ok = s->tokens >= 1.0;
	if (ok)
		s->tokens -= 1.0;
	pthread_mutex_unlock(&lock);
	return ok;
}

bool ratelimit_spent(const char *source, unsigned cls, int64_t limit_per_min, int64_t now_ms)
{
	pthread_mutex_lock(&lock);
	bool spent = bucket(source, cls, limit_per_min, now_ms)->tokens < 1.0;
	pthread_mutex_unlock(&lock);
	return spent;
}
