/* protect.h — protecting agents from abusive contacts (architecture rule 8).
 *
 * Owns the rules, over caller-owned arrays of records:
 *   - incident kinds and the check of a new incident, which refuses one whose
 *     only substance is a demand for the responsible person or a dispute of an
 *     answer (those are the customer's rights, rule 2);
 *   - the manager's review of an incident (pending -> confirmed | rejected);
 *   - the warning text and the rule for when the agent may end a contact;
 *   - the hand-over of the case to another handler of the same or a higher
 *     level when a contact is ended;
 *   - routing of a customer with repeated confirmed incidents to a designated
 *     senior handler (never a refusal to file or read a case);
 *   - who may read a counselling request and fetch a criminal-complaint dossier,
 *     and the dossier document itself;
 *   - the per-organisation figures.
 *
 * Does not: store anything, know roles or HTTP, touch a case's deadlines (they
 * belong to the case and keep running through every hand-over), or decide
 * whether the customer may file or read a case (always yes). No global state;
 * every function may be called from any thread on data it does not share.
 *
 * Which incidents count: everywhere below an incident that is PENDING or
 * CONFIRMED counts (the agent must not wait for a manager before protecting
 * themselves); a REJECTED one never counts. The senior-handler routing counts
 * CONFIRMED incidents only, since it changes how the customer is served. */
#ifndef OMBUD_DESK_PROTECT_H
#define OMBUD_DESK_PROTECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROTECT_TEXT_MAX        4000   /* bytes of an incident's "what was said or done" */
#define PROTECT_WARNINGS_MAX    10     /* a configured warning count above this is refused */
#define PROTECT_BREAK_MAX_MIN   480    /* a break longer than a shift is a typo */
#define PROTECT_WARNING_MAX     1000   /* bytes of an organisation's warning text */
#define PROTECT_SUPPORT_MAX     200    /* bytes of the support contact in the dossier */
#define PROTECT_SENIOR_MAX_DAYS 3650   /* the longest period the senior routing looks back */
#define PROTECT_KEY_BYTES       32     /* the key protect_customer_key hashes under */

enum protect_kind {
	PROTECT_VERBAL_ABUSE = 0,
	PROTECT_THREAT,
	PROTECT_SEXUAL_HARASSMENT,
	PROTECT_ASSAULT,
	PROTECT_KIND_COUNT
};

enum protect_status {
	PROTECT_PENDING = 0,   /* flagged by the agent, not yet reviewed */
	PROTECT_CONFIRMED,     /* a manager confirmed it */
	PROTECT_REJECTED       /* a manager rejected it: it counts nowhere */
};

/* One incident on one contact of a case. Strings are borrowed from the caller. */
struct protect_incident {
	int64_t id;
	int64_t org_id;
	int64_t case_id;
	int64_t contact_id;         /* the call, chat or message thread it happened on */
	int64_t agent_id;           /* the staff member who flagged it */
	uint64_t customer_key;      /* the case's protect_customer_key(); 0 = unknown, never counted as one customer */
	enum protect_kind kind;
	enum protect_status status;
	int64_t at_ms;              /* when it happened */
	const char *text;           /* exact words or what was done, NUL-terminated UTF-8 */
	const char *recording_ref;  /* recording or transcript reference, may be NULL */
	int64_t reviewed_by;        /* manager's staff id, 0 while pending */
	int64_t reviewed_ms;
};

/* A warning sent to the customer because of an incident. */
struct protect_warning {
	int64_t contact_id;
	int64_t incident_id;
	int64_t at_ms;
};

/* A contact the agent ended after the warnings; the case went to handover_to. */
struct protect_contact_end {
	int64_t org_id;
	int64_t case_id;
	int64_t contact_id;
	int64_t ended_by;           /* the agent */
	int64_t ended_ms;
	int64_t handover_to;        /* the handler who now has the case; 0: the queue of handover_level */
	int handover_level;         /* that handler's level (1..5, the ladder), or the queue's */
};

struct protect_break {
	int64_t org_id;
	int64_t agent_id;
	int64_t incident_id;        /* 0 when not tied to one incident */
	int64_t start_ms;
	int64_t minutes;
};

struct protect_dossier {
	int64_t org_id;
	int64_t agent_id;           /* who asked for it: the only staff member besides managers who may fetch it */
	int64_t case_id;
	int64_t created_ms;
};

/* Per-organisation configuration. Strings are borrowed. */
struct protect_config {
	unsigned warnings_required[PROTECT_KIND_COUNT]; /* before the agent may end the contact */
	unsigned senior_after_confirmed;  /* this many confirmed incidents within senior_period_ms ... */
	int64_t senior_period_ms;         /* ... route the customer to the senior handler */
	const char *warning_ko;           /* NULL: the default Korean text */
	const char *warning_en;           /* NULL: the default English text */
	const char *support_contact;      /* for the dossier; NULL: the reviewing manager */
};

/* Defaults: 1 warning for verbal abuse, none for threat, sexual harassment and
 * assault; 2 confirmed incidents within 365 days route to the senior handler. */
void protect_config_default(struct protect_config *cfg);

/* 0, or OMB_EINVAL with *reason naming the field: a warning count above
 * PROTECT_WARNINGS_MAX, a zero threshold, a period outside 1 day ..
 * PROTECT_SENIOR_MAX_DAYS, a warning text or support contact that is empty
 * (NULL stands for the default), too long or not clean UTF-8. */
int protect_config_check(const struct protect_config *cfg, const char **reason);

/* Stable names "verbal_abuse", "threat", "sexual_harassment", "assault";
 * protect_kind_name never returns NULL ("unknown" out of range). */
const char *protect_kind_name(enum protect_kind kind);
int protect_kind_parse(const char *name, enum protect_kind *out); /* 0 or OMB_EINVAL */
const char *protect_status_name(enum protect_status status);

/* The key that identifies a customer across cases for the senior routing:
 * keyed BLAKE2b (under `secret`, the server's) of the contact in one form —
 * a phone number as E.164, an e-mail address case-folded — cut to 64 bits and
 * never 0. It names the customer without holding their number or address, so
 * it can sit outside case_personal; the chain's salted commitments cannot
 * serve, since they differ per case by design. OMB_EINVAL (with *reason) for
 * an unparsable or withheld number, which must never count as one customer. */
int protect_customer_key(const uint8_t secret[PROTECT_KEY_BYTES], const char *contact, size_t len,
                         uint64_t *key, const char **reason);

/* True when the normalised text consists only of demand-for-the-responsible-
 * person and dispute phrases (Korean or English) and contains at least one of
 * them. See protect.c and docs/protection.md for the approach and its limits.
 * text is len bytes of UTF-8; invalid UTF-8 is not "only a demand". */
bool protect_is_only_demand_or_dispute(const char *text, size_t len);

/* Checks a new incident before it is stored: kind in range, text present,
 * clean UTF-8 and at most PROTECT_TEXT_MAX bytes, not only a demand or a
 * dispute (whatever the kind: the text is its substance), at_ms not after
 * now_ms. 0 or OMB_EINVAL with *reason set to a static English phrase. */
int protect_incident_check(enum protect_kind kind, const char *text, size_t len,
                           int64_t at_ms, int64_t now_ms, const char **reason);

/* A manager's review. Only a PENDING incident can be reviewed (else
 * OMB_ECONFLICT); the agent who flagged it cannot review it (OMB_EPERM).
 * On success sets status, reviewed_by and reviewed_ms. */
int protect_incident_review(struct protect_incident *inc, int64_t manager_id, bool confirm,
                            int64_t at_ms, const char **reason);

/* The organisation's warning text in "ko" or "en" (anything else: Korean).
 * Borrowed from cfg or static; never NULL. */
const char *protect_warning_text(const struct protect_config *cfg, const char *lang);

struct protect_end_rule {
	bool may_end;
	unsigned warnings_required;  /* the smallest requirement among the counting incidents */
	unsigned warnings_given;     /* warnings on this contact tied to counting incidents */
	const char *reason;          /* static English phrase when !may_end, else NULL */
};

/* May the agent end contact_id now? Looks at the incidents on that contact
 * that count (pending or confirmed) and the warnings tied to them. With no
 * counting incident the answer is no. The requirement is the smallest among
 * those incidents' kinds, so one threat allows ending at once. */
struct protect_end_rule protect_may_end_contact(const struct protect_config *cfg, int64_t contact_id,
                                                const struct protect_incident *incidents, size_t n_incidents,
                                                const struct protect_warning *warnings, size_t n_warnings);

/* Someone who could take the case over. */
struct protect_handler {
	int64_t id;
	int level;          /* 1..5 on the ladder */
	bool available;     /* on shift and not on a break */
};

/* Picks who takes the case when agent `ending_agent` (at level `level`) ends a
 * contact: an available handler other than that agent whose level is at least
 * `level`; the lowest such level wins and, among equals, the earliest in the
 * array (callers order candidates by load). Sets *out_index. OMB_ENOTFOUND
 * when there is none. The case's deadlines are not an input: a hand-over does
 * not move them. Also picks the senior handler (ending_agent 0). */
int protect_pick_handover(const struct protect_handler *candidates, size_t n,
                          int64_t ending_agent, int level, size_t *out_index);

/* Builds the record of an ended contact (org_id taken from the contact's
 * incidents) after checking the end rule: OMB_ECONFLICT with *reason when
 * protect_may_end_contact says no. Staffing never refuses it: the agent's
 * right to stop does not depend on who else is on shift. The case goes to
 * protect_pick_handover's pick or, with nobody else available at `level` or
 * above, to the queue of `level` (handover_to 0), where whoever comes back
 * from a break or is added sees it; its deadlines run on either way and a
 * missed one climbs it as always. The figures count every record this
 * returns. */
int protect_end_contact(const struct protect_config *cfg, int64_t case_id, int64_t contact_id,
                        int64_t agent_id, int agent_level, int64_t now_ms,
                        const struct protect_incident *incidents, size_t n_incidents,
                        const struct protect_warning *warnings, size_t n_warnings,
                        const struct protect_handler *candidates, size_t n_candidates,
                        struct protect_contact_end *out, const char **reason);

struct protect_routing {
	bool to_senior;             /* route this case of the customer to seniors[senior_index] */
	size_t senior_index;        /* 0 when !to_senior */
	unsigned confirmed_in_period;
};

/* How to route a case (at ladder level `level`) of a customer: confirmed
 * incidents with this customer_key and at_ms in (now_ms - period, now_ms] are
 * counted; at the configured number the case goes to a designated senior
 * handler picked as protect_pick_handover does (available, at `level` or
 * above, least loaded first). No senior who qualifies: not routed. There is
 * deliberately no "refuse" outcome: filing and reading a case never consult
 * this. A customer_key of 0 (unknown) is never routed. */
struct protect_routing protect_route_customer(const struct protect_config *cfg, uint64_t customer_key,
                                              int64_t now_ms, int level,
                                              const struct protect_handler *seniors, size_t n_seniors,
                                              const struct protect_incident *incidents, size_t n);

/* A break given to an agent: 0, or OMB_EINVAL when agent_id is 0 or minutes
 * is outside 1..PROTECT_BREAK_MAX_MIN. */
int protect_break_check(const struct protect_break *b, const char **reason);

/* Who is asking to read something protected. */
struct protect_viewer {
	bool is_customer;          /* receipt-number holder: never sees dossiers or counselling */
	int64_t staff_id;
	int64_t org_id;
};

/* A counselling request is visible to the agent who asked and to their
 * manager (manager_of_agent, from the org chart) and to no one else. */
bool protect_counselling_visible(int64_t agent_id, int64_t manager_of_agent,
                                 const struct protect_viewer *viewer);

/* A dossier may be fetched by the agent who asked for it and by that agent's
 * manager; never by a customer, never by staff of another organisation. */
bool protect_dossier_may_fetch(const struct protect_dossier *d, int64_t manager_of_agent,
                               const struct protect_viewer *viewer);

/* The contents of a criminal-complaint dossier: checks that incidents (n of
 * them) are all agent_id's own (a dossier carries only the requester's
 * incidents: OMB_EPERM otherwise) and none is rejected (OMB_EINVAL, as for an
 * empty list), then writes to order[0..n) pointers to them in time order
 * (ties by id). The app renders that order once, as a document (title,
 * support contact, receipt, the agent's staff code and per incident kind,
 * status, UTC time, the exact text verbatim, recording reference and the
 * warnings sent), in HTML and JSON from the same model. */
int protect_dossier_order(int64_t agent_id, const struct protect_incident *incidents, size_t n,
                          const struct protect_incident **order, const char **reason);

struct protect_figures {
	unsigned incidents;                              /* every incident flagged */
	unsigned by_kind[PROTECT_KIND_COUNT];            /* flagged, per kind */
	unsigned confirmed;
	unsigned confirmed_by_kind[PROTECT_KIND_COUNT];
	unsigned rejected;
	unsigned pending;
	unsigned contacts_ended;
	unsigned dossiers;
	unsigned breaks;
};

/* Figures of organisation org_id for records with their time in
 * [from_ms, to_ms). Counselling requests are deliberately not counted here:
 * they are private to the agent and their manager. */
void protect_figures_compute(int64_t org_id, int64_t from_ms, int64_t to_ms,
                             const struct protect_incident *incidents, size_t n_incidents,
                             const struct protect_contact_end *ends, size_t n_ends,
                             const struct protect_break *breaks, size_t n_breaks,
                             const struct protect_dossier *dossiers, size_t n_dossiers,
                             struct protect_figures *out);

#endif
