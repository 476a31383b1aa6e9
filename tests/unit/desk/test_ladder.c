/* test_ladder.c — rungs, roles and who may touch a case. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/err.h"
#include "desk/ladder.h"
#include "desk_fixtures.h"

static void roles_stand_on_their_rungs(void **state)
{
	(void)state;
	assert_int_equal(ladder_role_level(LADDER_ROLE_AGENT), LADDER_L1);
	assert_int_equal(ladder_role_level(LADDER_ROLE_SUPERVISOR), LADDER_L1);
	assert_int_equal(ladder_role_level(LADDER_ROLE_PRACTITIONER), LADDER_L2);
	assert_int_equal(ladder_role_level(LADDER_ROLE_MANAGER), LADDER_L3);
	assert_int_equal(ladder_role_level(LADDER_ROLE_COMPLAINTS), LADDER_L4);
	assert_int_equal(ladder_role_level(LADDER_ROLE_ADMIN), LADDER_NONE);
	assert_int_equal(ladder_role_level(LADDER_ROLE_CUSTOMER), LADDER_NONE);
	assert_int_equal(ladder_role_level(LADDER_ROLE_SYSTEM), LADDER_NONE);
}

static void rungs_climb_and_l5_is_answered_by_l4(void **state)
{
	(void)state;
	assert_int_equal(ladder_next(LADDER_L1), LADDER_L2);
	assert_int_equal(ladder_next(LADDER_L4), LADDER_L5);
	assert_int_equal(ladder_next(LADDER_L5), LADDER_L5);
	assert_int_equal(ladder_required_level(LADDER_L3), LADDER_L3);
	assert_int_equal(ladder_required_level(LADDER_L5), LADDER_L4);
	assert_string_equal(ladder_level_name(LADDER_L5), "L5");
	assert_string_equal(ladder_role_name(LADDER_ROLE_COMPLAINTS), "complaints");
	assert_string_equal(ladder_role_name((enum ladder_role)99), "unknown");
}

static void call_center_roles_are_agent_and_supervisor(void **state)
{
	(void)state;
	assert_true(ladder_is_call_center(LADDER_ROLE_AGENT));
	assert_true(ladder_is_call_center(LADDER_ROLE_SUPERVISOR));
	assert_false(ladder_is_call_center(LADDER_ROLE_PRACTITIONER));
	assert_false(ladder_is_call_center(LADDER_ROLE_COMPLAINTS));
	assert_false(ladder_is_staff(LADDER_ROLE_CUSTOMER));
	assert_false(ladder_is_staff(LADDER_ROLE_SYSTEM));
	assert_true(ladder_is_staff(LADDER_ROLE_ADMIN));
}

static void staff_check(void **state)
{
	(void)state;
	const char *why = NULL;
	assert_int_equal(ladder_check_staff(&agent, DEPT, &why), 0);
	assert_int_equal(ladder_check_staff(&vendor_agent, DEPT, &why), 0);
	assert_int_equal(ladder_check_staff(&vendor_super, DEPT, &why), 0);
	assert_int_equal(ladder_check_staff(&practitioner, DEPT, &why), 0);
	assert_int_equal(ladder_check_staff(&complaints, DEPT, &why), 0);
	assert_int_equal(ladder_check_staff(&other_dept_practitioner, DEPT, &why), OMB_EPERM);
	assert_non_null(why);
	/* Vendors have no head-office roles; companies have no supervisors here. */
	struct ladder_actor a = manager;
	a.org_kind = LADDER_ORG_VENDOR;
	a.rel = LADDER_REL_VENDOR_FOR;
	assert_int_equal(ladder_check_staff(&a, DEPT, &why), OMB_EPERM);
	a = vendor_super;
	a.org_kind = LADDER_ORG_COMPANY;
	a.rel = LADDER_REL_CASE_ORG;
	assert_int_equal(ladder_check_staff(&a, DEPT, &why), OMB_EPERM);
	/* A vendor not acting for the case's company, another company's agent. */
	a = vendor_agent;
	a.rel = LADDER_REL_NONE;
	assert_int_equal(ladder_check_staff(&a, DEPT, &why), OMB_EPERM);
	a = agent;
	a.rel = LADDER_REL_NONE;
	assert_int_equal(ladder_check_staff(&a, DEPT, &why), OMB_EPERM);
	a = agent;
	a.org_kind = LADDER_ORG_OTHER;
	assert_int_equal(ladder_check_staff(&a, DEPT, &why), OMB_EPERM);
	assert_int_equal(ladder_check_staff(&customer, DEPT, &why), OMB_EPERM);
	assert_int_equal(ladder_check_staff(&sys, DEPT, &why), OMB_EPERM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roles_stand_on_their_rungs),
		cmocka_unit_test(rungs_climb_and_l5_is_answered_by_l4),
		cmocka_unit_test(call_center_roles_are_agent_and_supervisor),
		cmocka_unit_test(staff_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
