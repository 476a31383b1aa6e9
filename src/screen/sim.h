/* sim.h — a seeded traffic generator for the screening engine: the Korean
 * network of the screening issue, written as events, registry, reports and
 * labels files (docs/formats.md).
 *
 * Who calls: ordinary subscribers (personal circles, long answered calls,
 * some withheld), small businesses, registered call centers and
 * telemarketers, institutions, parcel couriers, school/clinic notice
 * bursts, emergency calls from anyone; and fraud: illegal telemarketing
 * with rotating numbers, voice phishing from abroad with domestic CLIs,
 * spoofed institution numbers, SIM boxes (dozens of rotating SIMs on one
 * cell), numbers on the confirmed-fraud list; consumer reports, some of
 * them malicious. Numbers are written in mixed formats.
 *
 * The generator knows nothing of the engine's rules or verdicts: fraud
 * rotates its numbers on its own schedule. Deterministic for a seed.
 * Writes only to the FILEs it is given; single-threaded. */
#ifndef OMBUD_SCREEN_SIM_H
#define OMBUD_SCREEN_SIM_H

#include <stdint.h>
#include <stdio.h>

struct sim_params {
	uint64_t seed;
	int minutes;               /* length of the traffic, >= 10 */
	int64_t start_ms;          /* event time of minute 0 */
	double scale;              /* population multiplier, 1.0 = default world */
};

void sim_defaults(struct sim_params *p);

struct sim_files { FILE *events, *registry, *reports, *labels; };

struct sim_summary { uint64_t calls, events, registry_rows, reports; };

/* Generates the world; 0, OMB_EINVAL for bad params, OMB_EIO on a write error. */
int sim_run(const struct sim_params *p, const struct sim_files *out, struct sim_summary *sum);

#endif
