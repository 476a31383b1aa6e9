/* routes.c — every route, who may call it, and how much it may send.
 *
 * This table is the authorization policy: the dispatcher in server.c checks
 * credentials, role, organisation rule, CSRF, rate limits and body size from
 * it before any handler runs, and the black-box authorization matrix is
 * generated from it (`ombud routes`). */
#include <stdio.h>

#include "api/api_int.h"

#define STAFF (ROLE_BIT(ROLE_AGENT) | ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_PRACTITIONER) | \
	       ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_COMPLAINTS) | ROLE_BIT(ROLE_ADMIN) |         \
	       ROLE_BIT(ROLE_REGULATOR) | ROLE_BIT(ROLE_SCREENER) | ROLE_BIT(ROLE_INVESTIGATOR) |  \
	       ROLE_BIT(ROLE_TELEMARKETER))
#define ANYONE_SIGNED_IN (STAFF | ROLE_BIT(ROLE_MACHINE))
#define ADMIN ROLE_BIT(ROLE_ADMIN)
#define STAFF_MANAGERS (ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_SUPERVISOR))
/* Everyone who works cases: company staff and vendor agents acting for them. */
#define DESK (ROLE_BIT(ROLE_AGENT) | ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_PRACTITIONER) | \
	      ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_COMPLAINTS) | ROLE_BIT(ROLE_ADMIN))
#define CUSTOMER (ROUTE_PUBLIC | ROUTE_RATE_LOOKUP) /* receipt number + X-Access-Code */

#define KB(n) ((size_t)(n) * 1024)

const struct route api_routes[] = {
	/* system */
	{"GET", "/healthz", h_healthz, 0, ORG_ANY, 0, ROUTE_PUBLIC, NULL, "liveness and store check"},
	{"GET", "/metrics", h_metrics, 0, ORG_ANY, 0, ROUTE_PUBLIC, NULL, "Prometheus metrics"},
	{"POST", "/v1/test/clock", h_test_clock, 0, ORG_ANY, KB(1), ROUTE_PUBLIC | ROUTE_TEST_ONLY, NULL,
	 "move the clock forward and run what is due (test mode only)"},
	{"GET", "/v1/test/outbox", h_test_outbox, 0, ORG_ANY, 0, ROUTE_PUBLIC | ROUTE_TEST_ONLY, NULL,
	 "every stored message with its body (test mode only)"},
	/* sessions */
	{"POST", "/v1/auth/login", h_login, 0, ORG_ANY, KB(4), ROUTE_PUBLIC | ROUTE_RATE_LOGIN, NULL,
	 "log in with login and password"},
	{"POST", "/v1/auth/logout", h_logout, STAFF, ORG_ANY, KB(1), 0, NULL, "end this session"},
	{"GET", "/v1/me", h_me, ANYONE_SIGNED_IN, ORG_ANY, 0, 0, NULL, "who am I"},
	/* organisations */
	{"GET", "/v1/orgs", h_orgs_list, 0, ORG_ANY, 0, ROUTE_PUBLIC, NULL, "list organisations"},
	{"GET", "/v1/orgs/{org}", h_org_get, 0, ORG_ANY, 0, ROUTE_PUBLIC, NULL, "one organisation"},
	{"GET", "/v1/orgs/{org}/departments", h_depts_list, 0, ORG_ANY, 0, ROUTE_PUBLIC, NULL,
	 "the department directory"},
	{"POST", "/v1/orgs/{org}/settings", h_org_settings, ADMIN, ORG_OWN, KB(1), 0, NULL,
	 "organisation settings: show_staff_names"},
	{"POST", "/v1/orgs/{org}/departments", h_dept_create, ADMIN, ORG_OWN, KB(8), 0, NULL, "add a department"},
	{"GET", "/v1/orgs/{org}/staff", h_staff_list, STAFF_MANAGERS, ORG_OWN, 0, 0, NULL, "list staff"},
	{"POST", "/v1/orgs/{org}/staff", h_staff_create, ADMIN, ORG_OWN, KB(8), 0, NULL, "add a staff account"},
	{"POST", "/v1/orgs/{org}/api-keys", h_apikey_create, ADMIN, ORG_OWN, KB(4), 0, NULL,
	 "issue an API key for a machine client"},
	{"GET", "/v1/orgs/{org}/outbox", h_outbox_list, ADMIN, ORG_OWN, 0, 0, NULL,
	 "delivery state of the organisation's messages"},
	/* desk: the organisation's set-up */
	{"GET", "/v1/orgs/{org}/categories", h_categories, 0, ORG_ANY, 0, ROUTE_PUBLIC, NULL, "inquiry categories"},
	{"POST", "/v1/orgs/{org}/categories", h_category_add, ADMIN, ORG_OWN, KB(4), 0, NULL, "add a category"},
	{"POST", "/v1/orgs/{org}/templates", h_template_add, ADMIN, ORG_OWN, KB(16), 0, NULL, "add an answer template"},
	{"POST", "/v1/orgs/{org}/referral-options", h_referral_add, ADMIN, ORG_OWN, KB(4), 0, NULL,
	 "add an outward referral option"},
	/* desk: customers, with receipt number + X-Access-Code */
	{"POST", "/v1/orgs/{org}/cases", h_case_open, 0, ORG_ANY, KB(16), CUSTOMER, NULL, "open a case (customer)"},
	{"GET", "/v1/cases/{receipt}", h_case_get, 0, ORG_ANY, 0, CUSTOMER, NULL, "read my case"},
	{"GET", "/v1/cases/{receipt}/download", h_case_download, 0, ORG_ANY, 0, CUSTOMER, NULL,
	 "my case as JSON or a printable page"},
	{"GET", "/v1/cases/{receipt}/verify", h_case_verify, 0, ORG_ANY, 0, CUSTOMER, NULL, "check my case's chain"},
	{"GET", "/v1/cases/{receipt}/referral", h_case_referral, 0, ORG_ANY, 0, CUSTOMER, NULL,
	 "the referral package once the case is referred out (L5)"},
	{"POST", "/v1/cases/{receipt}/messages", h_case_message, 0, ORG_ANY, KB(16), CUSTOMER, NULL, "write a message"},
	{"POST", "/v1/cases/{receipt}/demand", h_case_demand, 0, ORG_ANY, KB(1), CUSTOMER, NULL,
	 "demand the responsible person (담당자 연결 요청)"},
	{"POST", "/v1/cases/{receipt}/dispute", h_case_dispute, 0, ORG_ANY, KB(16), CUSTOMER, NULL, "dispute the answer"},
	{"POST", "/v1/cases/{receipt}/accept", h_case_accept, 0, ORG_ANY, KB(1), CUSTOMER, NULL, "accept the answer"},
	{"POST", "/v1/cases/{receipt}/reopen", h_case_reopen, 0, ORG_ANY, KB(1), CUSTOMER, NULL, "re-open a closed case"},
	{"POST", "/v1/cases/{receipt}/one-time-code", h_case_otp, 0, ORG_ANY, KB(1), CUSTOMER, NULL,
	 "lost access code: send a one-time code to the case's contact"},
	{"POST", "/v1/cases/{receipt}/access-code", h_case_access_code, 0, ORG_ANY, KB(1), CUSTOMER, NULL,
	 "exchange the one-time code for a new access code"},
	/* desk: staff */
	{"POST", "/v1/orgs/{org}/intake", h_case_open, DESK, ORG_SERVED, KB(16), 0, NULL,
	 "open a case for a customer (phone, visit, e-mail)"},
	{"GET", "/v1/orgs/{org}/queue", h_queue, DESK, ORG_SERVED, 0, 0, NULL, "my queue, nearest deadline first"},
	{"GET", "/v1/orgs/{org}/cases/{receipt}", h_staff_case_get, DESK, ORG_SERVED, 0, 0, NULL, "read a case"},
	{"GET", "/v1/orgs/{org}/cases/{receipt}/download", h_staff_case_download, DESK, ORG_SERVED, 0, 0, NULL,
	 "a case as JSON or a printable page"},
	{"GET", "/v1/orgs/{org}/cases/{receipt}/verify", h_staff_case_verify, DESK, ORG_SERVED, 0, 0, NULL,
	 "check a case's chain"},
	{"POST", "/v1/orgs/{org}/cases/{receipt}/replies", h_staff_reply, DESK, ORG_SERVED, KB(16), 0, NULL,
	 "answer the customer"},
	{"POST", "/v1/orgs/{org}/cases/{receipt}/final-answer", h_staff_final, DESK, ORG_SERVED, KB(16), 0, NULL,
	 "the final answer, with the referral options (L3+)"},
	{"POST", "/v1/orgs/{org}/cases/{receipt}/notes", h_staff_note, DESK, ORG_SERVED, KB(16), 0, NULL,
	 "an internal note"},
	{"POST", "/v1/orgs/{org}/cases/{receipt}/assign", h_staff_assign, DESK, ORG_SERVED, KB(1), 0, NULL,
	 "hand the case over"},
	{"POST", "/v1/orgs/{org}/cases/{receipt}/close", h_staff_close, DESK, ORG_SERVED, KB(1), 0, NULL,
	 "close directly (always refused, with the reason)"},
	/* desk: published */
	{"GET", "/v1/orgs/{org}/heads", h_heads, 0, ORG_ANY, 0, ROUTE_PUBLIC, NULL, "the day's last signed heads"},
	{"GET", "/v1/orgs/{org}/figures", h_figures, 0, ORG_ANY, 0, ROUTE_PUBLIC, NULL, "published figures (JSON or CSV)"},
};

const size_t api_route_count = sizeof api_routes / sizeof api_routes[0];

void api_routes_print(FILE *out)
{
	json_t *list = json_array();
	for (size_t i = 0; i < api_route_count; i++) {
		const struct route *rt = &api_routes[i];
		json_t *roles = json_array();
		for (int role = ROLE_AGENT; role < ROLE_COUNT; role++)
			if (!(rt->flags & ROUTE_PUBLIC) && (rt->roles & ROLE_BIT(role)))
				json_array_append_new(roles, json_string(role_name((enum role)role)));
		json_array_append_new(list, json_pack("{s:s, s:s, s:b, s:b, s:s, s:I, s:s?, s:o, s:s}",
			"method", rt->method, "path", rt->pattern, "public", (rt->flags & ROUTE_PUBLIC) != 0,
			"test_only", (rt->flags & ROUTE_TEST_ONLY) != 0, "org", rt->org == ORG_OWN ? "own" : rt->org == ORG_SERVED ? "served" : "any",
			"body_max", (json_int_t)rt->body_max, "scope", rt->scope, "roles", roles,
			"summary", rt->summary));
	}
	json_dumpf(list, out, JSON_INDENT(2));
	fputc('\n', out);
	json_decref(list);
}
