/* sketch.h — small mergeable distinct-count estimators for the screening
 * engine: a 64-bit linear-counting bitmap (per caller, fits its cache line)
 * and a 64-register HyperLogLog (per cell/trunk, merged across shards).
 *
 * Pure functions over caller-owned memory; no allocation; thread-safe. */
#ifndef OMBUD_SCREEN_SKETCH_H
#define OMBUD_SCREEN_SKETCH_H

#include <stdint.h>

#define SKETCH_HLL_REGS 64

/* Sets the bit of hash in a 64-bit linear-counting bitmap; merge by OR. */
static inline uint64_t sketch_lc_add(uint64_t bits, uint64_t hash)
{
	return bits | (1ULL << (hash >> 58));
}

/* Distinct items in the bitmap: -m ln(zeros/m). Exact-ish below ~20 items,
 * about 10% error near 100; a full bitmap reports the saturation value 270. */
double sketch_lc_estimate(uint64_t bits);

/* Adds hash to the registers; merge two sketches with sketch_hll_merge.
 * Inline: every attempt adds its caller to the cell and trunk sketches. */
static inline void sketch_hll_add(uint8_t regs[SKETCH_HLL_REGS], uint64_t hash)
{
	unsigned idx = (unsigned)(hash >> 58);
	uint64_t rest = (hash << 6) | (1ULL << 5); /* guard bit caps the rank at 59 */
	uint8_t rank = (uint8_t)(__builtin_clzll(rest) + 1);
	if (rank > regs[idx])
		regs[idx] = rank;
}
void sketch_hll_merge(uint8_t dst[SKETCH_HLL_REGS], const uint8_t src[SKETCH_HLL_REGS]);
/* Estimate with linear counting for small cardinalities (13% std error above). */
double sketch_hll_estimate(const uint8_t regs[SKETCH_HLL_REGS]);
/* Registers that are non-zero in the union of two sketches. */
int sketch_hll_nonzero_union(const uint8_t a[SKETCH_HLL_REGS], const uint8_t b[SKETCH_HLL_REGS]);
/* Estimate of the union of two sketches, without merging them. */
double sketch_hll_estimate_union(const uint8_t a[SKETCH_HLL_REGS], const uint8_t b[SKETCH_HLL_REGS]);

#endif
