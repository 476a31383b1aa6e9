/* worklimit.c — how far the plain hashlimit loop falls when each event
 * carries a little work besides its table update.
 *
 * The loop is hashlimit.c's "plain" mode (16-byte slots, linear probing, a
 * power-of-two table of at least 1.5 x keys, murmur3 fmix64, uniform
 * 11-digit keys). Beside the update, each event runs R rounds of
 * arithmetic on its key: four independent one-cycle instructions a round
 * (add, xor, add, xor with constants; about 8 more start and fold them),
 * no branch and no memory access, kept by an empty asm so that the
 * compiler neither folds nor drops them. The
 * table does not fit in the caches, so the plain loop's rate comes from the
 * misses of several events being in flight at once; work between the
 * updates pushes the next event's miss further down the instruction
 * stream, and fewer of them overlap. This bounds what any check that does
 * more than a table update can reach beside the plain loop, one event at a
 * time, on the machine at hand (docs/screening.md, "The bench floor").
 *
 * usage: worklimit [KEYS] [EVENTS]   (defaults 1000000 and 10000000)
 * Output: one row per R: events/s (CPU time) and the ratio to R = 0. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

struct slot { uint64_t key; uint32_t count, spare; };

static uint64_t fmix64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static double cpu_secs(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static inline __attribute__((always_inline)) void update(struct slot *t, uint64_t mask, uint64_t key)
{
	for (uint64_t h = fmix64(key) & mask;; h = (h + 1) & mask) {
		struct slot *s = &t[h];
		if (s->key == key) {
			s->count++;
			return;
		}
		if (!s->key) {
			s->key = key;
			s->count = 1;
			return;
		}
	}
}

#define ROUND(k)                                                                \
	a += (k);                                                               \
	b ^= (k);                                                               \
	c += (k) * 3;                                                           \
	d ^= (k) + 5;                                                           \
	__asm__("" : "+r"(a), "+r"(b), "+r"(c), "+r"(d));
#define R4(k) ROUND(k) ROUND(k + 1) ROUND(k + 2) ROUND(k + 3)
#define R16(k) R4(k) R4(k + 4) R4(k + 8) R4(k + 12)
#define R64(k) R16(k) R16(k + 16) R16(k + 32) R16(k + 48)
#define R256(k) R64(k) R64(k + 64) R64(k + 128) R64(k + 192)

/* One loop per round count, the rounds written out (a loop over them
 * would add a branch that mispredicts at its exit). */
#define WORK_LOOP(name, work)                                                         \
	static uint64_t name(const uint64_t *keys, uint64_t n, struct slot *t, uint64_t mask) \
	{                                                                             \
		uint64_t sum = 0;                                                     \
		for (uint64_t i = 0; i < n; i++) {                                    \
			uint64_t key = keys[i], a = key, b = key, c = key, d = key;   \
			work                                                          \
			sum += a ^ b ^ c ^ d;                                         \
			update(t, mask, key);                                         \
		}                                                                     \
		return sum;                                                           \
	}

WORK_LOOP(rounds0, )
WORK_LOOP(rounds4, R4(1))
WORK_LOOP(rounds8, R4(1) R4(5))
WORK_LOOP(rounds16, R16(1))
WORK_LOOP(rounds64, R64(1))
WORK_LOOP(rounds256, R256(1))

static const struct {
	unsigned rounds;
	uint64_t (*run)(const uint64_t *keys, uint64_t n, struct slot *t, uint64_t mask);
} loops[] = {{0, rounds0}, {4, rounds4}, {8, rounds8}, {16, rounds16}, {64, rounds64}, {256, rounds256}};

static volatile uint64_t sink;

int main(int argc, char **argv)
{
	uint64_t nkeys = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
	uint64_t n = argc > 2 ? strtoull(argv[2], NULL, 10) : 10000000;
	if (nkeys == 0 || n == 0) {
		fprintf(stderr, "usage: worklimit [KEYS] [EVENTS]\n");
		return 2;
	}
	uint64_t seed = 42, nslots = 2;
	uint64_t *distinct = malloc(nkeys * sizeof *distinct), *stream = malloc(n * sizeof *stream);
	if (!distinct || !stream)
		return 1;
	for (uint64_t i = 0; i < nkeys; i++)
		distinct[i] = 10000000000ULL + splitmix64(&seed) % 90000000000ULL;
	for (uint64_t i = 0; i < n; i++)
		stream[i] = distinct[splitmix64(&seed) % nkeys];
	while (nslots < nkeys + nkeys / 2)
		nslots <<= 1;
	size_t bytes = nslots * sizeof(struct slot);
	printf("%-8s %-14s %14s %8s\n", "rounds", "instructions", "events/s", "ratio");
	double plain = 0;
	for (size_t i = 0; i < sizeof loops / sizeof loops[0]; i++) {
		struct slot *t = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (t == MAP_FAILED)
			return 1;
		madvise(t, bytes, MADV_HUGEPAGE);
		memset(t, 0, bytes);
		double t0 = cpu_secs();
		uint64_t sum = loops[i].run(stream, n, t, nslots - 1);
		double rate = (double)n / (cpu_secs() - t0);
		if (i == 0)
			plain = rate;
		sink += sum; /* the work's result is used, so it is done */
		printf("%-8u +%-13u %14.0f %8.3f\n", loops[i].rounds, 4 * loops[i].rounds, rate, rate / plain);
		munmap(t, bytes);
	}
	free(distinct);
	free(stream);
	return 0;
}
