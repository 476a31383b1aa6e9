/* ladder.c — roles, rungs and the staff permission check. */
#include "desk/ladder.h"

#include <stddef.h>

#include "base/err.h"

enum ladder_level ladder_role_level(enum ladder_role role)
{
	switch (role) {
	case LADDER_ROLE_AGENT:
	case LADDER_ROLE_SUPERVISOR:
		return LADDER_L1;
	case LADDER_ROLE_PRACTITIONER:
		return LADDER_L2;
	case LADDER_ROLE_MANAGER:
		return LADDER_L3;
	case LADDER_ROLE_COMPLAINTS:
		return LADDER_L4;
	default:
		return LADDER_NONE;
	}
}

enum ladder_level ladder_required_level(enum ladder_level level)
{
	return level >= LADDER_L5 ? LADDER_L4 : level;
}

enum ladder_level ladder_next(enum ladder_level level)
{
	return level >= LADDER_L5 ? LADDER_L5 : (enum ladder_level)(level + 1);
}

bool ladder_is_call_center(enum ladder_role role)
{
	return role == LADDER_ROLE_AGENT || role == LADDER_ROLE_SUPERVISOR;
}

bool ladder_is_staff(enum ladder_role role)
{
	return role >= LADDER_ROLE_AGENT && role <= LADDER_ROLE_ADMIN;
}

static bool role_fits_org(enum ladder_role role, enum ladder_org_kind kind)
{
	if (kind == LADDER_ORG_VENDOR)
		return role == LADDER_ROLE_AGENT || role == LADDER_ROLE_SUPERVISOR;
	if (kind == LADDER_ORG_COMPANY)
		return ladder_is_staff(role) && role != LADDER_ROLE_SUPERVISOR;
	return false;
}

int ladder_check_staff(const struct ladder_actor *who, int64_t case_dept_id, const char **reason)
{
	if (!ladder_is_staff(who->role) || !role_fits_org(who->role, who->org_kind)) {
		*reason = "role does not exist in the actor's organisation";
		return OMB_EPERM;
	}
	enum ladder_rel want = who->org_kind == LADDER_ORG_VENDOR ? LADDER_REL_VENDOR_FOR
	                                                         : LADDER_REL_CASE_ORG;
	if (who->rel != want) {
		*reason = "the actor's organisation does not own or act for this case";
		return OMB_EPERM;
	}
	bool departmental = who->role == LADDER_ROLE_PRACTITIONER || who->role == LADDER_ROLE_MANAGER;
	if (departmental && who->dept_id != case_dept_id) {
		*reason = "the case belongs to another department";
		return OMB_EPERM;
	}
	return 0;
}

const char *ladder_role_name(enum ladder_role role)
{
	static const char *const names[] = {
		[LADDER_ROLE_CUSTOMER] = "customer",         [LADDER_ROLE_SYSTEM] = "system",
		[LADDER_ROLE_AGENT] = "agent",               [LADDER_ROLE_SUPERVISOR] = "supervisor",
		[LADDER_ROLE_PRACTITIONER] = "practitioner", [LADDER_ROLE_MANAGER] = "manager",
		[LADDER_ROLE_COMPLAINTS] = "complaints",     [LADDER_ROLE_ADMIN] = "admin",
	};
	if ((unsigned)role >= sizeof names / sizeof names[0] || !names[role])
		return "unknown";
	return names[role];
}

const char *ladder_level_name(enum ladder_level level)
{
	static const char *const names[] = { "none", "L1", "L2", "L3", "L4", "L5" };
	if ((unsigned)level >= sizeof names / sizeof names[0])
		return "unknown";
	return names[level];
}
