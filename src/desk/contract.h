/* contract.h — what a vendor contract lets the vendor's staff do.
 *
 * Owns the decision whether a vendor's staff member may act on a client
 * company's case of a category: the contract exists, lists the staff member
 * (or covers all of the vendor's agents) and lists the category (or covers
 * all categories). It does not load contracts (app/accounts.c) or decide
 * what a role may do on a case (ladder.c).
 *
 * Pure and reentrant; any thread may call it. */
#ifndef OMBUD_DESK_CONTRACT_H
#define OMBUD_DESK_CONTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONTRACT_CATEGORIES_MAX 64
#define CONTRACT_AGENTS_MAX     256

/* One vendor's contract with one client. Ids are the store's. */
struct desk_contract {
	bool exists;
	bool all_categories;   /* every category of the client, present and future */
	bool all_agents;       /* every staff member of the vendor */
	int64_t categories[CONTRACT_CATEGORIES_MAX];
	size_t n_categories;
	int64_t agents[CONTRACT_AGENTS_MAX];
	size_t n_agents;
};

/* True when the contract lets staff member staff_id act on the client's
 * cases of category_id; category_id 0 asks about the client's desk as a
 * whole (its queue, its templates), which only needs staff_id listed. */
bool desk_contract_covers(const struct desk_contract *c, int64_t staff_id, int64_t category_id);

#endif
