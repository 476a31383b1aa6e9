/* demo.c — the demo world. Names are invented. */
#include "app/demo.h"

#include <stdlib.h>
#include <string.h>

#include "app/accounts.h"
#include "base/err.h"

static const struct org_new orgs[] = {
	{"HB", "한빛은행", "Hanbit Bank", ORG_COMPANY, false},
	{"CC", "콜코리아 고객센터", "Call Korea (outsourced call center)", ORG_VENDOR, false},
	{"FSR", "금융소비자원(데모)", "Financial Consumer Regulator (demo)", ORG_REGULATOR, false},
	{"DT", "데모텔레콤", "Demo Telecom", ORG_CARRIER, false},
};

static const struct {
	const char *org;
	struct dept_new dept;
} depts[] = {
	{"HB", {"CARD", "카드사업부", "Card Division", "02-3700-1100", "카드사업부장 / Head of Card Division"}},
	{"HB", {"LOAN", "여신부", "Loans", "02-3700-1200", "여신부장 / Head of Loans"}},
	{"HB", {"DEPOSIT", "수신부", "Deposits", "02-3700-1300", "수신부장 / Head of Deposits"}},
	{"HB", {"CPO", "금융소비자보호부", "Consumer Protection Office", "02-3700-1900",
		"금융소비자보호총괄책임자 / Chief Consumer Protection Officer"}},
};

static const struct {
	const char *org, *login, *role, *dept, *name;
} people[] = {
	{"HB", "hb.admin", "admin", NULL, "김관리"},
	{"HB", "hb.agent", "agent", NULL, "이상담"},
	{"HB", "hb.card", "practitioner", "CARD", "박실무"},
	{"HB", "hb.cardlead", "manager", "CARD", "최부장"},
	{"HB", "hb.cpo", "complaints", "CPO", "정보호"},
	{"CC", "cc.agent", "agent", NULL, "한상담"},
	{"CC", "cc.super", "supervisor", NULL, "윤감독"},
	{"FSR", "fsr.officer", "regulator", NULL, "오감독"},
	{"DT", "dt.screen", "screener", NULL, "서차단"},
};

static int seed_orgs(struct app *app, int64_t ids[])
{
	const char *field = NULL;
	for (size_t i = 0; i < sizeof orgs / sizeof orgs[0]; i++) {
		int rc = accounts_org_create(app, &orgs[i], &ids[i], &field);
		if (rc != OMB_OK)
			return rc;
	}
	return accounts_vendor_add_client(app, ids[1], ids[0]);
}

static int seed_depts(struct app *app, const int64_t org_ids[])
{
	const char *field = NULL;
	for (size_t i = 0; i < sizeof depts / sizeof depts[0]; i++) {
		int64_t id;
		int rc = accounts_dept_create(app, org_ids[0], &depts[i].dept, &id, &field);
		if (rc != OMB_OK)
			return rc;
	}
	return OMB_OK;
}

static int seed_people(struct app *app, FILE *out)
{
	fprintf(out, "\n  %-14s %-12s %-14s %s\n", "login", "role", "staff code", "password (shown once)");
	for (size_t i = 0; i < sizeof people / sizeof people[0]; i++) {
		char password[17], code[STAFF_CODE_MAX];
		cred_code_alnum(password, 16);
		struct staff_new s = {people[i].org, people[i].login, password, ROLE_NONE, people[i].dept,
				      people[i].name, false};
		role_parse(people[i].role, &s.role);
		const char *field = NULL;
		int64_t id;
		int rc = accounts_staff_create(app, &s, &id, code, &field);
		if (rc != OMB_OK)
			return rc;
		fprintf(out, "  %-14s %-12s %-14s %s\n", people[i].login, people[i].role, code, password);
	}
	fputc('\n', out);
	return OMB_OK;
}

int demo_seed(struct app *app, FILE *out)
{
	struct org *existing = NULL;
	size_t n = 0;
	int rc = accounts_org_list(app, 0, 1, &existing, &n);
	free(existing);
	if (rc != OMB_OK || n > 0)
		return rc;
	int64_t org_ids[sizeof orgs / sizeof orgs[0]];
	if ((rc = store_begin(app->store, true)) != OMB_OK)
		return rc;
	if ((rc = seed_orgs(app, org_ids)) == OMB_OK && (rc = seed_depts(app, org_ids)) == OMB_OK)
		rc = seed_people(app, out);
	if (rc == OMB_OK)
		rc = store_commit(app->store);
	if (rc != OMB_OK) {
		store_rollback(app->store);
		return rc;
	}
	return 1;
}
