/* rules.h — turns the signals of one attempt into a score 0-100, reason
 * codes and a verdict, under one rule configuration.
 *
 * The engine gathers the signals (engine.c); this module only weighs them,
 * so every rule can be tested with hand-made signals. Pure; thread-safe. */
#ifndef OMBUD_SCREEN_RULES_H
#define OMBUD_SCREEN_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "screen/screen.h"

enum rules_simbox_level { RULES_SIMBOX_NONE = 0, RULES_SIMBOX_FLAGGED, RULES_SIMBOX_FRESH };

struct rules_signals {
	/* lists and operator state */
	bool allowlisted, operator_block, block_running, lift_grace;
	bool confirmed_fraud, spoofed_domestic, spoofed_institution;
	bool registered;              /* within registration: dates and trunk */
	bool registry_wrong_trunk, registry_cap_exceeded;
	double reporters;             /* distinct reporters, anonymous ones at 1/3 */
	bool attest_c_domestic;
	bool untracked;               /* no behaviour state for this caller */
	/* behaviour of the caller */
	double rate_1m, rate_10m, rate_60m; /* sliding-window attempt estimates */
	uint32_t attempts_span;       /* attempts over the span of the distinct sketch */
	double distinct_callees;      /* over the same span */
	uint32_t ends, answered, short_calls;
	uint32_t seq_run;
	/* SIM box: the cell's/trunk's level and whether this caller fits it */
	enum rules_simbox_level cell_level, trunk_level;
	bool simbox_suspect;          /* the caller's own record looks like a SIM-box line, to its cell */
	bool simbox_trunk_suspect;    /* ... and by the stricter measure a trunk's judgement uses */
	bool simbox_fresh;            /* newcomer with nothing that clears it, stoppable by its cell's
				       * level now: FRESH from its first call, FLAGGED once a call of
				       * its own has ended */
	bool settled;                 /* every call of the line came from one cell, over simbox_settle_ms at least */
	bool cell_named;              /* the call names its cell */
};

/* Whether a block outlasts its call. RULES_PERSIST_SIMBOX: only because
 * the line fits the box of its cell, which the line's next move disproves
 * (a box does not move). */
enum rules_persist { RULES_PERSIST_NONE = 0, RULES_PERSIST_SIMBOX, RULES_PERSIST };
/* The same, told from a recorded block's reasons (another node's): a
 * SIM-box block without the reports that would make it more. */
bool rules_simbox_only(uint32_t reasons);

/* Scores sig under cfg into *out (repeated = 0). A block persists for
 * cfg->block_ms when the verdict rests on evidence about the number itself
 * (list, SIM box, corroborated reports); not for per-call rules (spoofing)
 * nor for behaviour-only warnings. */
enum rules_persist rules_score(const struct screen_config *cfg, const struct rules_signals *sig,
			       struct screen_verdict *out);

/* The behaviour part alone (volume, fanout, answers, short calls,
 * sequential dialling, attestation, registry trunk), before the cap. */
int rules_behaviour(const struct screen_config *cfg, const struct rules_signals *sig, uint32_t *reasons);

#endif
