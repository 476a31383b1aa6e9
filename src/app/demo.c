/* demo.c — the demo world. Names are invented. */
#include "app/demo.h"

#include <stdlib.h>
#include <string.h>

#include "app/accounts.h"
#include "app/cases.h"
#include "base/err.h"

static const struct org_new orgs[] = {
	{"HB", "한빛은행", "Hanbit Bank", ORG_COMPANY, false},
	{"CC", "콜코리아 고객센터", "Call Korea (outsourced call center)", ORG_VENDOR, false},
	{"FSR", "금융소비자원(데모)", "Financial Consumer Regulator (demo)", ORG_REGULATOR, false},
	{"DT", "데모텔레콤", "Demo Telecom", ORG_CARRIER, false},
	{"TM1", "다온텔레마케팅", "Daon Telemarketing (demo)", ORG_TELEMARKETER, false},
	{"NR", "누리카드", "Nuri Card", ORG_COMPANY, false}, /* a second company, for comparing figures */
};

/* The index in orgs[] of an organisation code (the table above names it). */
static size_t org_index(const char *code)
{
	size_t i = 0;
	while (strcmp(orgs[i].code, code) != 0)
		i++;
	return i;
}

static const struct {
	const char *org;
	struct dept_new dept;
} depts[] = {
	{"HB", {"CARD", "카드사업부", "Card Division", "02-3700-1100", "카드사업부장 / Head of Card Division"}},
	{"HB", {"LOAN", "여신부", "Loans", "02-3700-1200", "여신부장 / Head of Loans"}},
	{"HB", {"DEPOSIT", "수신부", "Deposits", "02-3700-1300", "수신부장 / Head of Deposits"}},
	{"HB", {"CPO", "금융소비자보호부", "Consumer Protection Office", "02-3700-1900",
		"금융소비자보호총괄책임자 / Chief Consumer Protection Officer"}},
	{"NR", {"CARD", "카드영업팀", "Card Sales", "02-6000-2100", "카드영업팀장 / Head of Card Sales"}},
	{"NR", {"CPO", "소비자보호팀", "Consumer Protection", "02-6000-2900", "소비자보호팀장 / Head of Consumer Protection"}},
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
	{"TM1", "tm1.caller", "telemarketer", NULL, "강영업"},
	{"TM1", "tm1.admin", "admin", NULL, "문관리"},
	{"NR", "nr.agent", "agent", NULL, "노상담"},
	{"NR", "nr.card", "practitioner", "CARD", "나실무"},
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
		int rc = accounts_dept_create(app, org_ids[org_index(depts[i].org)], &depts[i].dept, &id, &field);
		if (rc != OMB_OK)
			return rc;
	}
	return OMB_OK;
}

static const struct {
	const char *org, *code, *name, *name_en, *dept;
	bool about_center;
} categories[] = {
	{"HB", "CARD", "카드 이용·결제", "Card use and payment", "CARD", false},
	{"HB", "LOAN", "대출", "Loans", "LOAN", false},
	{"HB", "DEPOSIT", "예금·적금", "Deposits and savings", "DEPOSIT", false},
	{"HB", "CENTER", "고객센터 자체에 대한 불만", "About the customer center itself", "CPO", true},
	{"NR", "CARD", "카드 이용·결제", "Card use and payment", "CARD", false},
	{"NR", "CENTER", "고객센터 자체에 대한 불만", "About the customer center itself", "CPO", true},
};

static const struct {
	const char *name, *contact;
} referrals[] = {
	{"금융감독원 금융민원센터 / Financial Supervisory Service", "1332, www.fcsc.kr"},
	{"국민신문고 / National e-petition portal", "www.epeople.go.kr"},
	{"한국소비자원 / Korea Consumer Agency", "1372, www.kca.go.kr"},
};

static int seed_desk(struct app *app, const int64_t org_ids[])
{
	struct app_error err;
	int rc = OMB_OK;
	int64_t bank_id = org_ids[0], card_id = org_ids[org_index("NR")];
	for (size_t i = 0; rc == OMB_OK && i < sizeof categories / sizeof categories[0]; i++)
		rc = cases_category_add(app, org_ids[org_index(categories[i].org)], categories[i].code, categories[i].name,
					categories[i].name_en, categories[i].dept, categories[i].about_center, &err);
	int64_t id;
	for (size_t i = 0; rc == OMB_OK && i < sizeof referrals / sizeof referrals[0]; i++) {
		rc = cases_referral_add(app, bank_id, referrals[i].name, referrals[i].contact, &id, &err);
		if (rc == OMB_OK)
			rc = cases_referral_add(app, card_id, referrals[i].name, referrals[i].contact, &id, &err);
	}
	if (rc == OMB_OK)
		rc = cases_template_add(app, bank_id, "카드 분실 안내",
					"고객님, 카드 분실 신고는 홈페이지나 앱에서 24시간 가능합니다. 추가 문의는 고객센터로 연락 주십시오.",
					&id, &err);
	return rc;
}

static int seed_people(struct app *app, FILE *out)
{
	fprintf(out, "\n  %-14s %-12s %-14s %s\n", "login", "role", "staff code", "password (shown once)");
	for (size_t i = 0; i < sizeof people / sizeof people[0]; i++) {
		char password[17], code[STAFF_CODE_MAX];
		cred_code_alnum(password, 16);
		struct staff_new s = {people[i].org, people[i].login, password, ROLE_NONE, people[i].dept,
				      people[i].name, false, NULL};
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
	if ((rc = seed_orgs(app, org_ids)) == OMB_OK && (rc = seed_depts(app, org_ids)) == OMB_OK &&
	    (rc = seed_desk(app, org_ids)) == OMB_OK)
		rc = seed_people(app, out);
	if (rc == OMB_OK)
		rc = store_commit(app->store);
	if (rc != OMB_OK) {
		store_rollback(app->store);
		return rc;
	}
	return 1;
}
