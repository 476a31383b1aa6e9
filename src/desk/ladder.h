/* ladder.h — who stands on which rung of the escalation ladder.
 *
 * Owns the vocabulary shared by the desk modules: the levels L1-L5, the staff
 * roles of company and vendor organisations, the actor that performs an
 * action, and the checks that an actor may touch a case at all (right role for
 * its organisation kind, right organisation, right department). It does not
 * know about cases' state, deadlines or persistence: case.c decides what an
 * action does, api/ decides who the caller is.
 *
 * Everything here is pure and reentrant; any thread may call it. */
#ifndef OMBUD_DESK_LADDER_H
#define OMBUD_DESK_LADDER_H

#include <stdbool.h>
#include <stdint.h>

enum ladder_level {
	LADDER_NONE = 0, /* not a rung: customers, admins, the system */
	LADDER_L1 = 1,   /* agent (company or vendor) and vendor supervisor */
	LADDER_L2 = 2,   /* practitioner of the department owning the category */
	LADDER_L3 = 3,   /* responsible manager of that department */
	LADDER_L4 = 4,   /* head-office complaints / compliance */
	LADDER_L5 = 5,   /* outward referral: no internal handler, clock stopped */
};

enum ladder_role {
	LADDER_ROLE_CUSTOMER = 1,  /* proved by receipt number + access code */
	LADDER_ROLE_SYSTEM,        /* the server itself: sweeps, automatic replies */
	LADDER_ROLE_AGENT,         /* company or vendor */
	LADDER_ROLE_SUPERVISOR,    /* vendor only */
	LADDER_ROLE_PRACTITIONER,  /* company only */
	LADDER_ROLE_MANAGER,       /* company only */
	LADDER_ROLE_COMPLAINTS,    /* company only: head-office complaints officer */
	LADDER_ROLE_ADMIN,         /* company only: administers, does not handle cases */
};

enum ladder_org_kind {
	LADDER_ORG_NONE = 0,   /* customers and the system */
	LADDER_ORG_COMPANY,
	LADDER_ORG_VENDOR,     /* outsourced call center acting for client companies */
	LADDER_ORG_OTHER,      /* regulator, carrier, police, telemarketer: no desk rights */
};

/* How the actor's organisation stands to the case's organisation. */
enum ladder_rel {
	LADDER_REL_NONE = 0,
	LADDER_REL_CASE_ORG,   /* the actor works for the organisation that owns the case */
	LADDER_REL_VENDOR_FOR, /* the actor's vendor acts for the case's organisation */
};

/* Who performs an action. Filled by api/ from the authenticated account;
 * never from the request body, so no one can write as another role. */
struct ladder_actor {
	enum ladder_role role;
	enum ladder_org_kind org_kind;
	enum ladder_rel rel;
	int64_t staff_id; /* stable account id; 0 for customer and system */
	int64_t dept_id;  /* the staff member's department; 0 if none */
};

/* The rung a role stands on: L1 for agents and supervisors, L2 practitioner,
 * L3 manager, L4 complaints officer, LADDER_NONE for everyone else. */
enum ladder_level ladder_role_level(enum ladder_role role);

/* The lowest rung whose answer counts for a case at `level`: the level itself,
 * but L4 at L5 (referred out; the complaints office still speaks for the
 * organisation). */
enum ladder_level ladder_required_level(enum ladder_level level);

/* The rung above `level`; L5 stays L5. */
enum ladder_level ladder_next(enum ladder_level level);

/* True for the call-center roles: agent and supervisor of any organisation. */
bool ladder_is_call_center(enum ladder_role role);

/* True for roles that belong to an organisation's staff (not customer/system). */
bool ladder_is_staff(enum ladder_role role);

/* Checks that a staff actor may touch a case of department `case_dept_id`:
 * the role exists for its organisation kind (vendor: agent, supervisor;
 * company: agent, practitioner, manager, complaints, admin), the organisation
 * is the case's own (company roles) or a vendor acting for it (vendor roles),
 * and practitioners and managers belong to the case's department.
 * Returns 0 or OMB_EPERM with *reason set to a static string. */
int ladder_check_staff(const struct ladder_actor *who, int64_t case_dept_id, const char **reason);

/* Stable lower-case names ("agent", "L3", ...) for logs, events and the chain
 * encoding. Never NULL; "unknown" for values outside the enums. */
const char *ladder_role_name(enum ladder_role role);
const char *ladder_level_name(enum ladder_level level);

#endif
