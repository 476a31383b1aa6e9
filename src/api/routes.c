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
/* the ceiling of attachments.max_bytes */
#define ATTACHMENT_BODY_MAX KB(10240)

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
	{"POST", "/v1/auth/logout", h_logout, STAFF, ORG_ANY, KB(1), ROUTE_RATE_LOGIN, NULL, "end this session"},
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
	{"GET", "/v1/orgs/{org}/outbox", h_outbox_list, STAFF, ORG_OWN, 0, 0, NULL,
	 "delivery state of messages (admins: all of the organisation's; others: those they queued)"},
	{"GET", "/v1/orgs/{org}/outbox/{id}", h_outbox_get, STAFF, ORG_OWN, 0, 0, NULL,
	 "delivery state of one message (admins, or whoever queued it)"},
	{"POST", "/v1/orgs/{org}/outbox/{id}/retry", h_outbox_retry, ADMIN, ORG_OWN, KB(1), 0, NULL,
	 "put a dead letter back in the queue"},
	/* desk: the organisation's set-up */
	{"GET", "/v1/orgs/{org}/categories", h_categories, 0, ORG_ANY, 0, ROUTE_PUBLIC, NULL, "inquiry categories"},
	{"POST", "/v1/orgs/{org}/categories", h_category_add, ADMIN, ORG_OWN, KB(4), 0, NULL, "add a category"},
	{"POST", "/v1/orgs/{org}/templates", h_template_add, ADMIN, ORG_OWN, KB(16), 0, NULL, "add an answer template"},
	{"GET", "/v1/orgs/{org}/templates", h_templates, DESK, ORG_SERVED, 0, 0, NULL,
	 "the answer templates, for the console"},
	{"POST", "/v1/orgs/{org}/templates/{id}/retire", h_template_retire, ADMIN, ORG_OWN, KB(1), 0, NULL,
	 "stop offering a template (replies are still compared with it)"},
	{"GET", "/v1/orgs/{org}/referral-options", h_referrals, 0, ORG_ANY, 0, ROUTE_PUBLIC, NULL,
	 "the outward referral options in use"},
	{"POST", "/v1/orgs/{org}/referral-options", h_referral_add, ADMIN, ORG_OWN, KB(4), 0, NULL,
	 "add an outward referral option"},
	{"POST", "/v1/orgs/{org}/referral-options/{id}/retire", h_referral_retire, ADMIN, ORG_OWN, KB(1), 0, NULL,
	 "stop listing a referral option"},
	/* administration (app/admin.h): every change here and above is in the audit trail */
	{"GET", "/v1/orgs/{org}/audit", h_audit_list, ADMIN, ORG_OWN, 0, 0, NULL,
	 "the audit trail: who changed what, when, before and after"},
	{"PATCH", "/v1/orgs/{org}/departments/{dept}", h_dept_update, ADMIN, ORG_OWN, KB(8), 0, NULL,
	 "change a department's name, contact line or manager title"},
	{"PATCH", "/v1/orgs/{org}/categories/{category}", h_category_update, ADMIN, ORG_OWN, KB(1), 0, NULL,
	 "move a category to another department"},
	{"PATCH", "/v1/orgs/{org}/staff/{code}", h_staff_update, ADMIN, ORG_OWN, KB(1), 0, NULL,
	 "change a staff member's department or role (role complaints: the complaints office)"},
	{"POST", "/v1/orgs/{org}/staff/{code}/leave", h_staff_leave, ADMIN, ORG_OWN, KB(1), 0, NULL,
	 "a staff member leaves: account closed, sessions and API keys revoked at once"},
	{"GET", "/v1/orgs/{org}/desk-settings", h_desk_settings_get, ADMIN, ORG_OWN, 0, 0, NULL,
	 "deadlines per level, business hours and holidays"},
	{"PUT", "/v1/orgs/{org}/desk-settings", h_desk_settings_put, ADMIN, ORG_OWN, KB(32), 0, NULL,
	 "set deadlines, business hours and holidays (what is left out stays)"},
	{"GET", "/v1/orgs/{org}/vendor-contracts", h_contracts_list, ADMIN, ORG_OWN, 0, 0, NULL,
	 "the vendors acting for the organisation, with their categories and agents"},
	{"PUT", "/v1/orgs/{org}/vendor-contracts/{vendor}", h_contract_put, ADMIN, ORG_OWN, KB(16), 0, NULL,
	 "make or replace a vendor contract"},
	{"DELETE", "/v1/orgs/{org}/vendor-contracts/{vendor}", h_contract_end, ADMIN, ORG_OWN, 0, 0, NULL,
	 "end a vendor contract"},
	{"POST", "/v1/orgs/{org}/keys/rotate", h_key_rotate, ADMIN, ORG_OWN, KB(1), 0, NULL,
	 "rotate the signing key; old heads stay verifiable with the key that signed them"},
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
	{"POST", "/v1/cases/{receipt}/attachments", h_case_attach, 0, ORG_ANY, ATTACHMENT_BODY_MAX,
	 CUSTOMER | ROUTE_RAW_BODY, NULL, "attach a file (the body; ?name=): PDF, PNG, JPEG or UTF-8 text, by content"},
	{"GET", "/v1/cases/{receipt}/attachments/{seq}", h_case_attachment, 0, ORG_ANY, 0, CUSTOMER, NULL,
	 "download a file of my case"},
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
	{"POST", "/v1/orgs/{org}/cases/{receipt}/draft-check", h_staff_draft_check, DESK, ORG_SERVED, KB(16), 0, NULL,
	 "what a reply would count as, before it is sent (nothing is written)"},
	{"POST", "/v1/orgs/{org}/cases/{receipt}/final-answer", h_staff_final, DESK, ORG_SERVED, KB(16), 0, NULL,
	 "the final answer, with the referral options (L3+)"},
	{"POST", "/v1/orgs/{org}/cases/{receipt}/notes", h_staff_note, DESK, ORG_SERVED, KB(16), 0, NULL,
	 "an internal note"},
	{"POST", "/v1/orgs/{org}/cases/{receipt}/assign", h_staff_assign, DESK, ORG_SERVED, KB(1), 0, NULL,
	 "hand the case over"},
	{"POST", "/v1/orgs/{org}/cases/{receipt}/attachments", h_staff_attach, DESK, ORG_SERVED, ATTACHMENT_BODY_MAX,
	 ROUTE_RAW_BODY, NULL, "attach a file to a case (the body; ?name=)"},
	{"GET", "/v1/orgs/{org}/cases/{receipt}/attachments/{seq}", h_staff_attachment, DESK, ORG_SERVED, 0, 0, NULL,
	 "download a file of a case"},
	{"POST", "/v1/orgs/{org}/cases/{receipt}/close", h_staff_close, DESK, ORG_SERVED, KB(1), 0, NULL,
	 "close directly (always refused, with the reason)"},
	/* protection: incidents on a contact, with the case's organisation in {org} (docs/protection.md) */
#define HANDLERS (ROLE_BIT(ROLE_AGENT) | ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_PRACTITIONER) | \
		  ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_COMPLAINTS))
#define REVIEWERS (ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_SUPERVISOR))
	{"POST", "/v1/orgs/{org}/cases/{receipt}/incidents", h_incident_flag, HANDLERS, ORG_SERVED, KB(8), 0, NULL,
	 "flag an abusive contact (never a demand or a dispute)"},
	{"POST", "/v1/orgs/{org}/cases/{receipt}/warnings", h_contact_warn, HANDLERS, ORG_SERVED, KB(1), 0, NULL,
	 "warn the customer (Korean and English, through the outbox)"},
	{"POST", "/v1/orgs/{org}/cases/{receipt}/end-contact", h_contact_end, HANDLERS, ORG_SERVED, KB(1), 0, NULL,
	 "end the contact; the case goes on with another handler"},
	/* protection: the agent's employer in {org} */
	{"GET", "/v1/orgs/{org}/incidents", h_incidents_list, HANDLERS, ORG_OWN, 0, 0, NULL,
	 "incidents (managers: all of the organisation; others: their own)"},
	{"POST", "/v1/orgs/{org}/incidents/{id}/review", h_incident_review, REVIEWERS, ORG_OWN, KB(1), 0, NULL,
	 "confirm or reject an incident"},
	{"POST", "/v1/orgs/{org}/breaks", h_break_add, REVIEWERS, ORG_OWN, KB(1), 0, NULL, "give an agent a break"},
	{"POST", "/v1/orgs/{org}/counselling", h_counselling_add, HANDLERS, ORG_OWN, KB(2), 0, NULL,
	 "ask for counselling"},
	{"GET", "/v1/orgs/{org}/counselling", h_counselling_list, HANDLERS, ORG_OWN, 0, 0, NULL,
	 "counselling requests (the agent's own; managers: all)"},
	{"POST", "/v1/orgs/{org}/dossiers", h_dossier_create, HANDLERS, ORG_OWN, KB(1), 0, NULL,
	 "a criminal-complaint dossier of my incidents on a case"},
	{"GET", "/v1/orgs/{org}/dossiers", h_dossiers_list, HANDLERS, ORG_OWN, 0, 0, NULL,
	 "dossiers (the agent's own; managers and supervisors: all of the organisation)"},
	{"GET", "/v1/orgs/{org}/dossiers/{id}", h_dossier_get, HANDLERS, ORG_OWN, 0, 0, NULL,
	 "a dossier (the agent who asked and their manager)"},
	{"GET", "/v1/orgs/{org}/protection-figures", h_protect_figures, 0, ORG_ANY, 0, ROUTE_PUBLIC, NULL,
	 "published protection figures"},
	{"GET", "/v1/orgs/{org}/protection-settings", h_protect_settings_get, STAFF_MANAGERS, ORG_OWN, 0, 0, NULL,
	 "warnings before ending, warning texts, support contact, senior handlers"},
	{"POST", "/v1/orgs/{org}/protection-settings", h_protect_settings_put, ADMIN, ORG_OWN, KB(8), 0, NULL,
	 "replace the protection settings (defaults for what is left out)"},
#undef HANDLERS
#undef REVIEWERS
	/* telemarketing: a business's own entries, disclosures and answers; consumers; the regulator (docs/tm.md) */
#define TM ROLE_BIT(ROLE_TELEMARKETER)
#define REGULATOR ROLE_BIT(ROLE_REGULATOR)
	{"POST", "/v1/orgs/{org}/tm/business", h_tm_business_register, TM, ORG_OWN, KB(2), 0, NULL,
	 "register the organisation's telemarketing business"},
	{"GET", "/v1/orgs/{org}/tm/business", h_tm_business_get, TM, ORG_OWN, 0, 0, NULL, "the registered business"},
	{"POST", "/v1/orgs/{org}/tm/numbers", h_tm_number_add, TM, ORG_OWN, KB(2), 0, NULL, "register a calling number"},
	{"GET", "/v1/orgs/{org}/tm/numbers", h_tm_numbers, TM, ORG_OWN, 0, 0, NULL, "the business's calling numbers"},
	{"POST", "/v1/orgs/{org}/tm/disclosures", h_tm_disclose, TM | ROLE_BIT(ROLE_MACHINE), ORG_OWN, KB(2), 0, "tm.disclose",
	 "log the data source told to the called person, before soliciting"},
	{"POST", "/v1/orgs/{org}/tm/disclosures/bulk", h_tm_disclose_bulk, TM | ROLE_BIT(ROLE_MACHINE), ORG_OWN, KB(512),
	 ROUTE_RAW_BODY, "tm.disclose", "log up to 1000 disclosures at once (NDJSON); bad lines come back by number"},
	{"POST", "/v1/orgs/{org}/tm/do-not-call", h_tm_dnc_add, TM, ORG_OWN, KB(1), 0, NULL,
	 "a called person refused the business"},
	{"GET", "/v1/orgs/{org}/tm/reports", h_tm_business_reports, TM, ORG_OWN, 0, 0, NULL,
	 "consumer reports about the business"},
	{"POST", "/v1/orgs/{org}/tm/reports/{receipt}/answers", h_tm_report_answer, TM, ORG_OWN, KB(8), 0, NULL,
	 "answer a report"},
	{"GET", "/v1/orgs/{org}/tm/reports/{receipt}/attachments/{n}", h_tm_business_report_attachment, TM, ORG_OWN, 0,
	 0, NULL, "download a file the reporter attached to a report about the business"},
	{"GET", "/v1/orgs/{org}/tm/sanctions", h_tm_business_sanctions, TM, ORG_OWN, 0, 0, NULL,
	 "sanctions on the business"},
	{"POST", "/v1/orgs/{org}/tm/sanctions/{id}/answers", h_tm_sanction_answer, TM, ORG_OWN, KB(8), 0, NULL,
	 "answer a sanction"},
	{"POST", "/v1/tm/reports", h_tm_report_file, 0, ORG_ANY, KB(8), CUSTOMER, NULL,
	 "report an unwanted telemarketing call (consumer)"},
	{"GET", "/v1/tm/reports/{receipt}", h_tm_report_get, 0, ORG_ANY, 0, CUSTOMER, NULL,
	 "follow my report (X-Access-Code)"},
	{"POST", "/v1/tm/reports/{receipt}/attachments", h_tm_report_attach, 0, ORG_ANY, ATTACHMENT_BODY_MAX,
	 CUSTOMER | ROUTE_RAW_BODY, NULL,
	 "attach evidence to my report (the body; ?name=): PDF, PNG, JPEG, text or a recording, by content"},
	{"GET", "/v1/tm/reports/{receipt}/attachments/{n}", h_tm_report_attachment, 0, ORG_ANY, 0, CUSTOMER, NULL,
	 "download a file of my report"},
	{"GET", "/v1/tm/cases", h_tm_cases, REGULATOR, ORG_ANY, 0, 0, NULL,
	 "undecided reports, one case per business"},
	{"GET", "/v1/tm/cases/{business}/reports", h_tm_case_reports, REGULATOR, ORG_ANY, 0, 0, NULL,
	 "the undecided reports of a business's case, with their files"},
	{"GET", "/v1/tm/cases/{business}/reports/{receipt}/attachments/{n}", h_tm_case_report_attachment, REGULATOR,
	 ORG_ANY, 0, 0, NULL, "download a file of a report about the business"},
	{"POST", "/v1/tm/cases/{business}/decisions", h_tm_decide, REGULATOR, ORG_ANY, KB(8), 0, NULL,
	 "decide a business's case: confirm (one sanction) or dismiss"},
	{"GET", "/v1/tm/sanctions", h_tm_sanctions, REGULATOR, ORG_ANY, 0, 0, NULL, "every sanction"},
	{"POST", "/v1/tm/do-not-call", h_tm_dnc_add, REGULATOR, ORG_ANY, KB(1), 0, NULL,
	 "add a number to the national do-not-call list"},
	{"GET", "/v1/tm/registry.csv", h_tm_registry_csv, REGULATOR | ROLE_BIT(ROLE_SCREENER), ORG_ANY, 0, 0, NULL,
	 "the registry in the screening engine's format (docs/formats.md)"},
#undef TM
#undef REGULATOR
	/* call screening (docs/screening.md): the SIP proxy's check and events, operators, number holders */
#define SCREENER ROLE_BIT(ROLE_SCREENER)
#define MACHINE ROLE_BIT(ROLE_MACHINE)
#define EVIDENCE_READERS (ROLE_BIT(ROLE_SCREENER) | ROLE_BIT(ROLE_REGULATOR) | ROLE_BIT(ROLE_INVESTIGATOR))
	{"POST", "/v1/screen/check", h_screen_check, MACHINE | SCREENER, ORG_ANY, KB(2), 0, "screen.check",
	 "verdict for one call attempt (the check is the attempt; idempotent per call_id)"},
	{"POST", "/v1/screen/events", h_screen_events, MACHINE | SCREENER, ORG_ANY, KB(4096), ROUTE_RAW_BODY,
	 "screen.ingest", "a batch of call events as NDJSON (docs/formats.md)"},
	{"GET", "/v1/screen/numbers/{number}", h_screen_number, EVIDENCE_READERS, ORG_ANY, 0, 0, NULL,
	 "a number's state, counts and evidence"},
	{"GET", "/v1/screen/numbers/{number}/evidence", h_screen_evidence, EVIDENCE_READERS, ORG_ANY, 0, 0, NULL,
	 "a number's evidence packet (JSON or a printable page)"},
	{"GET", "/v1/screen/blocks", h_screen_blocks, SCREENER | ROLE_BIT(ROLE_REGULATOR), ORG_ANY, 0, 0, NULL,
	 "recorded blocks (running, or all)"},
	{"POST", "/v1/screen/blocks", h_screen_block, SCREENER, ORG_ANY, KB(4), 0, NULL, "block a number"},
	{"POST", "/v1/screen/blocks/{number}/lift", h_screen_lift, SCREENER, ORG_ANY, KB(4), 0, NULL,
	 "lift a number's block, with the reason"},
	{"GET", "/v1/screen/allowlist", h_screen_allow_list, SCREENER | ROLE_BIT(ROLE_REGULATOR), ORG_ANY, 0, 0, NULL,
	 "the operator allowlist"},
	{"POST", "/v1/screen/allowlist", h_screen_allow_add, SCREENER, ORG_ANY, KB(4), 0, NULL,
	 "allowlist a number (overrides every score)"},
	{"POST", "/v1/screen/allowlist/{number}/remove", h_screen_allow_remove, SCREENER, ORG_ANY, KB(4), 0, NULL,
	 "take a number off the allowlist"},
	{"POST", "/v1/screen/appeals", h_screen_appeal_open, 0, ORG_ANY, KB(1), ROUTE_PUBLIC | ROUTE_RATE_LOOKUP, NULL,
	 "a number holder appeals its block: a one-time code goes to the number"},
	{"POST", "/v1/screen/appeals/{id}/confirm", h_screen_appeal_confirm, 0, ORG_ANY, KB(4),
	 ROUTE_PUBLIC | ROUTE_RATE_LOOKUP, NULL, "the holder confirms the appeal with the one-time code and a statement"},
	{"GET", "/v1/screen/appeals", h_screen_appeals, SCREENER | ROLE_BIT(ROLE_REGULATOR), ORG_ANY, 0, 0, NULL,
	 "confirmed appeals with their evidence"},
	{"POST", "/v1/screen/appeals/{id}/decide", h_screen_appeal_decide, SCREENER, ORG_ANY, KB(4), 0, NULL,
	 "decide an appeal: lift the block or reject"},
#undef SCREENER
#undef MACHINE
#undef EVIDENCE_READERS
	/* privacy (docs/privacy.md): the read log, retention, erasure, export, consents */
	{"GET", "/v1/cases/{receipt}/reads", h_case_reads, 0, ORG_ANY, 0, CUSTOMER, NULL,
	 "who of the staff read my personal data, when and why"},
	{"GET", "/v1/cases/{receipt}/export", h_case_export, 0, ORG_ANY, 0, CUSTOMER, NULL,
	 "everything held about me on this case (JSON): the case, its read log, consents, erasure"},
	{"POST", "/v1/cases/{receipt}/erasure", h_case_erase, 0, ORG_ANY, KB(1), CUSTOMER, NULL,
	 "erase my personal data on this case (once it is closed); the chain still verifies"},
	{"GET", "/v1/cases/{receipt}/consents", h_case_consents, 0, ORG_ANY, 0, CUSTOMER, NULL,
	 "my consents for optional uses, current and history"},
	{"POST", "/v1/cases/{receipt}/consents", h_case_consent_set, 0, ORG_ANY, KB(1), CUSTOMER, NULL,
	 "grant or withdraw consent for an optional use (survey, marketing)"},
	{"GET", "/v1/orgs/{org}/cases/{receipt}/consents", h_staff_case_consents, DESK, ORG_SERVED, 0, 0, NULL,
	 "the customer's current consents on a case"},
	{"GET", "/v1/orgs/{org}/reads", h_org_reads, ADMIN, ORG_OWN, 0, 0, NULL,
	 "the read log of the organisation's cases (?receipt= for one)"},
	{"GET", "/v1/orgs/{org}/retention", h_retention_get, ADMIN, ORG_OWN, 0, 0, NULL,
	 "retention periods after closing, per organisation and category"},
	{"POST", "/v1/orgs/{org}/retention", h_retention_put, ADMIN, ORG_OWN, KB(8), 0, NULL,
	 "replace the retention periods"},
	{"POST", "/v1/orgs/{org}/cases/{receipt}/erasure", h_staff_erase, ADMIN, ORG_OWN, KB(2), 0, NULL,
	 "erase a customer's personal data on a request the organisation verified"},
	{"POST", "/v1/orgs/{org}/exports", h_org_export, ADMIN, ORG_OWN, KB(1), 0, NULL,
	 "everything held about a customer (by contact) in the organisation's cases (JSON)"},
	{"GET", "/v1/orgs/{org}/consents", h_org_consents, ADMIN, ORG_OWN, 0, 0, NULL,
	 "cases whose customer currently consents to ?purpose=survey|marketing"},
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
