/* contract.c — what a vendor contract lets the vendor's staff do. */
#include "desk/contract.h"

static bool listed(const int64_t *ids, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

bool desk_contract_covers(const struct desk_contract *c, int64_t staff_id, int64_t category_id)
{
	if (!c->exists || staff_id <= 0)
		return false;
	if (!c->all_agents && !listed(c->agents, c->n_agents, staff_id))
		return false;
	return category_id == 0 || c->all_categories || listed(c->categories, c->n_categories, category_id);
}
