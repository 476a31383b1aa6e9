/* test_contract.c — which vendor staff a contract lets act, on which categories. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "desk/contract.h"

static void no_contract_covers_nobody(void **state)
{
	(void)state;
	struct desk_contract c = {.exists = false, .all_categories = true, .all_agents = true};
	assert_false(desk_contract_covers(&c, 7, 0));
	assert_false(desk_contract_covers(&c, 7, 3));
}

static void an_open_contract_covers_every_agent_and_category(void **state)
{
	(void)state;
	struct desk_contract c = {.exists = true, .all_categories = true, .all_agents = true};
	assert_true(desk_contract_covers(&c, 7, 0));
	assert_true(desk_contract_covers(&c, 7, 3));
	assert_false(desk_contract_covers(&c, 0, 3)); /* no account, no act */
}

static void listed_agents_only(void **state)
{
	(void)state;
	struct desk_contract c = {.exists = true, .all_categories = true, .agents = {7, 9}, .n_agents = 2};
	assert_true(desk_contract_covers(&c, 7, 3));
	assert_true(desk_contract_covers(&c, 9, 0));
	assert_false(desk_contract_covers(&c, 8, 3));
	assert_false(desk_contract_covers(&c, 8, 0)); /* not even the desk */
}

static void listed_categories_only(void **state)
{
	(void)state;
	struct desk_contract c = {.exists = true, .all_agents = true, .categories = {3, 5}, .n_categories = 2};
	assert_true(desk_contract_covers(&c, 7, 3));
	assert_true(desk_contract_covers(&c, 7, 5));
	assert_false(desk_contract_covers(&c, 7, 4));
	assert_true(desk_contract_covers(&c, 7, 0)); /* the desk itself: yes, its other cases: no */
}

static void both_lists_must_hold(void **state)
{
	(void)state;
	struct desk_contract c = {.exists = true, .categories = {3}, .n_categories = 1, .agents = {7}, .n_agents = 1};
	assert_true(desk_contract_covers(&c, 7, 3));
	assert_false(desk_contract_covers(&c, 7, 4));
	assert_false(desk_contract_covers(&c, 9, 3));
	struct desk_contract empty = {.exists = true};
	assert_false(desk_contract_covers(&empty, 7, 3)); /* lists with nothing in them cover nothing */
	assert_false(desk_contract_covers(&empty, 7, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_contract_covers_nobody),
		cmocka_unit_test(an_open_contract_covers_every_agent_and_category),
		cmocka_unit_test(listed_agents_only),
		cmocka_unit_test(listed_categories_only),
		cmocka_unit_test(both_lists_must_hold),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
