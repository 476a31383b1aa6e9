/* desk_fixtures.h — actors, verdicts and times shared by the desk unit tests. */
#ifndef OMBUD_TESTS_DESK_FIXTURES_H
#define OMBUD_TESTS_DESK_FIXTURES_H

#include "base/clock.h"
#include "desk/case.h"

#define DEPT 7
#define HOUR CLOCK_MS_PER_HOUR
#define DAY  CLOCK_MS_PER_DAY

/* 2026-03-02T01:00:00Z: Monday 10:00 in Seoul. */
#define T0 1772413200000LL

static const struct ladder_actor customer = { .role = LADDER_ROLE_CUSTOMER };
static const struct ladder_actor sys = { .role = LADDER_ROLE_SYSTEM };
static const struct ladder_actor agent = { LADDER_ROLE_AGENT, LADDER_ORG_COMPANY, LADDER_REL_CASE_ORG, 101, 0 };
static const struct ladder_actor vendor_agent = { LADDER_ROLE_AGENT, LADDER_ORG_VENDOR, LADDER_REL_VENDOR_FOR, 201, 0 };
static const struct ladder_actor vendor_super = { LADDER_ROLE_SUPERVISOR, LADDER_ORG_VENDOR, LADDER_REL_VENDOR_FOR, 202, 0 };
static const struct ladder_actor practitioner = { LADDER_ROLE_PRACTITIONER, LADDER_ORG_COMPANY, LADDER_REL_CASE_ORG, 301, DEPT };
static const struct ladder_actor other_dept_practitioner = { LADDER_ROLE_PRACTITIONER, LADDER_ORG_COMPANY, LADDER_REL_CASE_ORG, 302, 99 };
static const struct ladder_actor manager = { LADDER_ROLE_MANAGER, LADDER_ORG_COMPANY, LADDER_REL_CASE_ORG, 401, DEPT };
static const struct ladder_actor complaints = { LADDER_ROLE_COMPLAINTS, LADDER_ORG_COMPANY, LADDER_REL_CASE_ORG, 501, 0 };
static const struct ladder_actor admin = { LADDER_ROLE_ADMIN, LADDER_ORG_COMPANY, LADDER_REL_CASE_ORG, 601, 0 };

static const struct similar_verdict human = { .cls = SIMILAR_HUMAN };
static const struct similar_verdict human_repeat = { .cls = SIMILAR_HUMAN, .repeat = true };
static const struct similar_verdict templ = { .cls = SIMILAR_TEMPLATE, .template_id = 9 };
static const struct similar_verdict automatic = { .cls = SIMILAR_AUTOMATIC };

#endif
