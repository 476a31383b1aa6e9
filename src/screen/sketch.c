/* sketch.c — linear counting and HyperLogLog (Flajolet et al. 2007). */
#include "screen/sketch.h"

#include <math.h>
#include <stddef.h>

#define LC_BITS 64.0
#define LC_SATURATED 270.0  /* m ln m + one: what a full 64-bit map stands for */

double sketch_lc_estimate(uint64_t bits)
{
	int zeros = 64 - __builtin_popcountll(bits);
	if (zeros == 0)
		return LC_SATURATED;
	return -LC_BITS * log(zeros / LC_BITS);
}

void sketch_hll_merge(uint8_t dst[SKETCH_HLL_REGS], const uint8_t src[SKETCH_HLL_REGS])
{
	for (int i = 0; i < SKETCH_HLL_REGS; i++) /* branch-free so that it vectorises */
		dst[i] = src[i] > dst[i] ? src[i] : dst[i];
}

/* The harmonic sum in fixed point: 2^-r as 2^(52-r); ranks above 52 have
 * probability 2^-52 and count as 52. Zero registers are the common case
 * for sparse sketches, so they are counted apart. */
static double estimate_regs(const uint8_t *regs)
{
	const double m = SKETCH_HLL_REGS, alpha = 0.709; /* alpha_64 */
	uint64_t sum = 0;
	int zeros = 0;
	for (int i = 0; i < SKETCH_HLL_REGS; i++) {
		unsigned r = regs[i] < 52 ? regs[i] : 52;
		sum += 1ULL << (52 - r);
		zeros += r == 0;
	}
	if (zeros == SKETCH_HLL_REGS)
		return 0;
	double est = alpha * m * m / ldexp((double)sum, -52);
	if (est <= 2.5 * m && zeros > 0)
		est = m * log(m / zeros);
	return est;
}

double sketch_hll_estimate(const uint8_t regs[SKETCH_HLL_REGS])
{
	return estimate_regs(regs);
}

double sketch_hll_estimate_union(const uint8_t a[SKETCH_HLL_REGS], const uint8_t b[SKETCH_HLL_REGS])
{
	uint8_t u[SKETCH_HLL_REGS];
	for (int i = 0; i < SKETCH_HLL_REGS; i++)
		u[i] = a[i] > b[i] ? a[i] : b[i];
	return estimate_regs(u);
}

int sketch_hll_nonzero_union(const uint8_t a[SKETCH_HLL_REGS], const uint8_t b[SKETCH_HLL_REGS])
{
	int n = 0;
	for (int i = 0; i < SKETCH_HLL_REGS; i++)
		n += (a[i] | b[i]) != 0;
	return n;
}
