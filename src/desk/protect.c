/* protect.c — agent protection rules; see protect.h. */
#include "desk/protect.h"

#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <unistr.h>

#include "base/clock.h"
#include "base/credential.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/phone.h"
#include "base/text.h"

static const char *const kind_names[PROTECT_KIND_COUNT] = {
	[PROTECT_VERBAL_ABUSE] = "verbal_abuse",
	[PROTECT_THREAT] = "threat",
	[PROTECT_SEXUAL_HARASSMENT] = "sexual_harassment",
	[PROTECT_ASSAULT] = "assault",
};

static const char default_warning_ko[] =
	"이 상담 내용은 녹음·기록되고 있습니다. 폭언, 욕설, 협박, 성희롱 등은 상담원 보호를 위해 "
	"관련 법령에 따라 고소·고발될 수 있으며, 계속되면 상담이 종료될 수 있습니다. "
	"담당자 연결 요구와 답변에 대한 이의 제기는 고객님의 권리이며 그대로 처리됩니다.";
static const char default_warning_en[] =
	"This contact is being recorded. Verbal abuse, threats and sexual harassment of our staff may be "
	"reported to the police under the law, and if they continue the contact may be ended. "
	"Asking for the responsible person and disputing an answer remain your rights and will be handled.";

void protect_config_default(struct protect_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->warnings_required[PROTECT_VERBAL_ABUSE] = 1;
	cfg->senior_after_confirmed = 2;
	cfg->senior_period_ms = 365 * CLOCK_MS_PER_DAY;
}

/* NULL (the default) or 1..max bytes of clean UTF-8. */
static bool text_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 1;
	return !s || (n > 0 && n <= max && text_is_clean_utf8(s, n));
}

int protect_config_check(const struct protect_config *cfg, const char **reason)
{
	for (int k = 0; k < PROTECT_KIND_COUNT; k++) {
		if (cfg->warnings_required[k] > PROTECT_WARNINGS_MAX) {
			*reason = "warnings_required: at most 10 per kind";
			return OMB_EINVAL;
		}
	}
	if (cfg->senior_after_confirmed == 0) {
		*reason = "senior_after_confirmed: must be at least 1";
		return OMB_EINVAL;
	}
	if (cfg->senior_period_ms < CLOCK_MS_PER_DAY || cfg->senior_period_ms > PROTECT_SENIOR_MAX_DAYS * CLOCK_MS_PER_DAY) {
		*reason = "senior_period_days: between 1 and 3650";
		return OMB_EINVAL;
	}
	if (!text_ok(cfg->warning_ko, PROTECT_WARNING_MAX)) {
		*reason = "warning_ko: 1-1000 bytes of text, or null for the default";
		return OMB_EINVAL;
	}
	if (!text_ok(cfg->warning_en, PROTECT_WARNING_MAX)) {
		*reason = "warning_en: 1-1000 bytes of text, or null for the default";
		return OMB_EINVAL;
	}
	if (!text_ok(cfg->support_contact, PROTECT_SUPPORT_MAX)) {
		*reason = "support_contact: 1-200 bytes of text, or null";
		return OMB_EINVAL;
	}
	return OMB_OK;
}

const char *protect_kind_name(enum protect_kind kind)
{
	if ((unsigned)kind >= PROTECT_KIND_COUNT)
		return "unknown";
	return kind_names[kind];
}

int protect_kind_parse(const char *name, enum protect_kind *out)
{
	for (int k = 0; k < PROTECT_KIND_COUNT; k++) {
		if (strcmp(name, kind_names[k]) == 0) {
			*out = (enum protect_kind)k;
			return OMB_OK;
		}
	}
	return OMB_EINVAL;
}

const char *protect_status_name(enum protect_status status)
{
	switch (status) {
	case PROTECT_PENDING: return "pending";
	case PROTECT_CONFIRMED: return "confirmed";
	case PROTECT_REJECTED: return "rejected";
	}
	return "unknown";
}

int protect_customer_key(const uint8_t secret[PROTECT_KEY_BYTES], const char *contact, size_t len,
                         uint64_t *key, const char **reason)
{
	char *form = NULL;
	if (memchr(contact, '@', len)) {
		char *folded = text_normalize(contact, len, NULL);
		if (!folded) {
			*reason = "contact: not valid UTF-8";
			return OMB_EINVAL;
		}
		form = xasprintf("email:%s", folded);
		free(folded);
	} else {
		struct phone p;
		int rc = phone_parse(contact, len, PHONE_CC_KOREA, &p, reason);
		if (rc != OMB_OK)
			return rc;
		if (phone_key(&p) == PHONE_KEY_WITHHELD || !*p.canon) {
			*reason = "withheld number cannot identify a customer";
			return OMB_EINVAL;
		}
		form = xasprintf("phone:%s", p.canon);
	}
	uint8_t h[CRED_HASH_BYTES];
	cred_hash(secret, form, strlen(form), h);
	free(form);
	uint64_t k = 0;
	memcpy(&k, h, sizeof k);
	*key = k ? k : 1; /* 0 means "unknown" */
	return OMB_OK;
}

/* ---- demand / dispute recognition ----------------------------------------
 *
 * The normalised text (text_normalize: NFKC, case folded, spaces collapsed) is
 * cut into words at every character that is not a letter or digit. A word of
 * ASCII letters must be one lexicon entry exactly; any other word (Korean,
 * where particles and endings attach to the stem and spacing varies) must
 * split completely into lexicon entries. The text is "only a demand or a
 * dispute" when every word passes and at least one entry is a demand or
 * dispute term (not just filler). The lexicon holds no insult, threat or
 * sexual word and few single syllables, so abusive words cannot be assembled
 * from it: any word outside it keeps the incident for the manager to judge. */

enum lex_class { LEX_FILLER, LEX_CORE };

struct lex_entry {
	const char *word;   /* already in text_normalize form */
	enum lex_class cls;
};

#define CORE(w)   { w, LEX_CORE }
#define FILL(w)   { w, LEX_FILLER }

static const struct lex_entry lexicon[] = {
	/* Korean: who the customer asks for */
	CORE("담당자"), CORE("책임자"), CORE("상급자"), CORE("상급"), CORE("상사"), CORE("관리자"),
	CORE("매니저"), CORE("팀장"), CORE("실장"), CORE("과장"), CORE("부장"), CORE("차장"),
	CORE("센터장"), CORE("지점장"), CORE("점장"), CORE("대표"), CORE("윗사람"), CORE("윗선"),
	CORE("윗분"), CORE("결정권자"), CORE("실무자"), CORE("본사"), CORE("상담사"), CORE("상담원"),
	CORE("높은"), CORE("사람"), CORE("분"),
	/* Korean: asking to be put through */
	CORE("연결"), CORE("바꿔"), CORE("바꾸"), CORE("불러"), CORE("부르"), CORE("통화"),
	CORE("이관"), CORE("에스컬레이션"), CORE("민원"), CORE("요청"), CORE("요구"),
	/* Korean: disputing an answer */
	CORE("답변"), CORE("대답"), CORE("안내"), CORE("설명"), CORE("결정"), CORE("처리"),
	CORE("결과"), CORE("동의"), CORE("이의"), CORE("납득"), CORE("인정"), CORE("재검토"),
	CORE("검토"), CORE("수긍"), CORE("수용"), CORE("부당"), CORE("잘못"), CORE("틀렸"),
	CORE("틀린"), CORE("틀리"), CORE("불만"), CORE("항의"), CORE("재심사"), CORE("이해"),
	/* Korean: particles, endings and small words */
	FILL("이"), FILL("가"), FILL("은"), FILL("는"), FILL("을"), FILL("를"), FILL("와"), FILL("과"),
	FILL("랑"), FILL("이랑"), FILL("하고"), FILL("한테"), FILL("에게"), FILL("께"), FILL("께서"),
	FILL("에"), FILL("에서"), FILL("로"), FILL("으로"), FILL("의"), FILL("도"), FILL("만"),
	FILL("좀"), FILL("요"), FILL("님"), FILL("해"), FILL("해요"), FILL("해줘"), FILL("해주"),
	FILL("주세요"), FILL("줘"), FILL("주"), FILL("주시"), FILL("주십시오"), FILL("달라"),
	FILL("라고"), FILL("고"), FILL("원합니다"), FILL("원해"), FILL("싶어"), FILL("싶습니다"),
	FILL("싶다"), FILL("하겠습니다"), FILL("합니다"), FILL("해야"), FILL("습니다"), FILL("세요"),
	FILL("지금"), FILL("당장"), FILL("빨리"), FILL("얼른"), FILL("다시"), FILL("제발"),
	FILL("그"), FILL("저"), FILL("이런"), FILL("그런"), FILL("제"), FILL("저는"), FILL("내"),
	FILL("나"), FILL("하지"), FILL("않습니다"), FILL("않아"), FILL("않는다"), FILL("못"),
	FILL("하겠"), FILL("수"), FILL("없습니다"), FILL("없어"), FILL("없다"), FILL("있습니다"),
	FILL("있어"), FILL("있다"), FILL("제기"), FILL("됐"), FILL("되었"), FILL("된"), FILL("다"),
	FILL("어요"), FILL("거"), FILL("것"), FILL("건"), FILL("이거"), FILL("이건"), FILL("그거"),
	FILL("나오"), FILL("나와"), FILL("나오라"), FILL("오"), FILL("세"), FILL("시"), FILL("오세요"),
	FILL("드립니다"), FILL("드려"), FILL("받아들일"), FILL("안"), FILL("아니"), FILL("다른"),
	FILL("고객센터"), FILL("데"), FILL("는데"), FILL("니까"), FILL("하는"), FILL("하라"), FILL("할"), FILL("하세요"),
	/* English: who the customer asks for */
	CORE("manager"), CORE("managers"), CORE("supervisor"), CORE("supervisors"), CORE("superior"),
	CORE("boss"), CORE("responsible"), CORE("charge"), CORE("senior"), CORE("head"),
	CORE("director"), CORE("officer"), CORE("department"), CORE("compliance"), CORE("someone"),
	CORE("somebody"), CORE("person"), CORE("escalate"), CORE("escalation"), CORE("complaint"),
	CORE("connect"), CORE("transfer"), CORE("speak"), CORE("talk"),
	/* English: disputing an answer */
	CORE("dispute"), CORE("disputing"), CORE("disagree"), CORE("agree"), CORE("accept"),
	CORE("unacceptable"), CORE("wrong"), CORE("incorrect"), CORE("object"), CORE("objection"),
	CORE("appeal"), CORE("reconsider"), CORE("review"), CORE("satisfied"), CORE("unsatisfied"),
	CORE("dissatisfied"), CORE("unfair"), CORE("answer"), CORE("response"), CORE("reply"),
	CORE("decision"), CORE("explanation"),
	/* English: small words */
	FILL("i"), FILL("me"), FILL("my"), FILL("you"), FILL("your"), FILL("the"), FILL("a"), FILL("an"),
	FILL("to"), FILL("with"), FILL("of"), FILL("in"), FILL("on"), FILL("for"), FILL("about"),
	FILL("this"), FILL("that"), FILL("it"), FILL("is"), FILL("am"), FILL("are"), FILL("was"),
	FILL("be"), FILL("do"), FILL("does"), FILL("did"), FILL("don"), FILL("doesn"), FILL("didn"),
	FILL("not"), FILL("no"), FILL("t"), FILL("m"), FILL("d"), FILL("ll"), FILL("s"), FILL("ve"),
	FILL("want"), FILL("would"), FILL("like"), FILL("need"), FILL("demand"), FILL("please"),
	FILL("now"), FILL("right"), FILL("away"), FILL("immediately"), FILL("put"), FILL("through"),
	FILL("let"), FILL("can"), FILL("could"), FILL("may"), FILL("again"), FILL("and"), FILL("or"),
	FILL("who"), FILL("else"), FILL("another"), FILL("higher"), FILL("up"),
	FILL("file"), FILL("formal"), FILL("request"), FILL("insist"), FILL("case"), FILL("over"),
	FILL("here"),
};

#undef CORE
#undef FILL

#define LEX_COUNT (sizeof lexicon / sizeof lexicon[0])

enum { REACH_PLAIN = 1, REACH_CORE = 2 };

static bool is_ascii(const uint8_t *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (w[i] >= 0x80)
			return false;
	return true;
}

/* An ASCII word must be exactly one entry. Returns REACH_* bits, 0 if none. */
static unsigned match_ascii_word(const uint8_t *w, size_t n)
{
	for (size_t e = 0; e < LEX_COUNT; e++) {
		if (strlen(lexicon[e].word) == n && memcmp(lexicon[e].word, w, n) == 0)
			return lexicon[e].cls == LEX_CORE ? REACH_CORE : REACH_PLAIN;
	}
	return 0;
}

/* Any other word must split completely into entries (word break by dynamic
 * programming over byte offsets). Returns REACH_* bits of the full split. */
static unsigned match_split_word(const uint8_t *w, size_t n)
{
	uint8_t *reach = xcalloc(n + 1, 1);
	reach[0] = REACH_PLAIN;
	for (size_t i = 0; i < n; i++) {
		if (!reach[i])
			continue;
		for (size_t e = 0; e < LEX_COUNT; e++) {
			size_t len = strlen(lexicon[e].word);
			if (len > n - i || memcmp(lexicon[e].word, w + i, len) != 0)
				continue;
			reach[i + len] |= lexicon[e].cls == LEX_CORE ? REACH_CORE : reach[i];
		}
	}
	unsigned bits = reach[n];
	free(reach);
	return bits & REACH_CORE ? REACH_CORE : bits;
}

static bool is_word_char(ucs4_t c)
{
	return uc_is_alnum(c);
}

bool protect_is_only_demand_or_dispute(const char *text, size_t len)
{
	size_t n = 0;
	char *norm = text_normalize(text, len, &n);
	if (!norm)
		return false;
	const uint8_t *s = (const uint8_t *)norm;
	bool all_known = true, any_core = false, any_word = false;
	size_t i = 0;
	while (i < n && all_known) {
		ucs4_t c;
		int clen = u8_mbtouc(&c, s + i, n - i);
		if (!is_word_char(c)) {
			i += (size_t)clen;
			continue;
		}
		size_t start = i;
		while (i < n) {
			clen = u8_mbtouc(&c, s + i, n - i);
			if (!is_word_char(c))
				break;
			i += (size_t)clen;
		}
		unsigned bits = is_ascii(s + start, i - start) ? match_ascii_word(s + start, i - start)
		                                               : match_split_word(s + start, i - start);
		any_word = true;
		all_known = bits != 0;
		any_core = any_core || (bits & REACH_CORE);
	}
	free(norm);
	return any_word && all_known && any_core;
}

int protect_incident_check(enum protect_kind kind, const char *text, size_t len,
                           int64_t at_ms, int64_t now_ms, const char **reason)
{
	if ((unsigned)kind >= PROTECT_KIND_COUNT) {
		*reason = "kind: must be verbal_abuse, threat, sexual_harassment or assault";
		return OMB_EINVAL;
	}
	if (!text || len == 0) {
		*reason = "text: say what was said or done";
		return OMB_EINVAL;
	}
	if (len > PROTECT_TEXT_MAX) {
		*reason = "text: at most 4000 bytes";
		return OMB_EINVAL;
	}
	if (!text_is_clean_utf8(text, len)) {
		*reason = "text: not valid UTF-8 text";
		return OMB_EINVAL;
	}
	if (protect_is_only_demand_or_dispute(text, len)) {
		*reason = "text: demanding the responsible person or disputing an answer is the customer's right, "
		          "not an incident";
		return OMB_EINVAL;
	}
	if (at_ms > now_ms) {
		*reason = "at: in the future";
		return OMB_EINVAL;
	}
	return OMB_OK;
}

int protect_incident_review(struct protect_incident *inc, int64_t manager_id, bool confirm,
                            int64_t at_ms, const char **reason)
{
	if (inc->status != PROTECT_PENDING) {
		*reason = "incident already reviewed";
		return OMB_ECONFLICT;
	}
	if (manager_id == inc->agent_id) {
		*reason = "the agent who flagged an incident cannot review it";
		return OMB_EPERM;
	}
	inc->status = confirm ? PROTECT_CONFIRMED : PROTECT_REJECTED;
	inc->reviewed_by = manager_id;
	inc->reviewed_ms = at_ms;
	return OMB_OK;
}

const char *protect_warning_text(const struct protect_config *cfg, const char *lang)
{
	if (lang && strcmp(lang, "en") == 0)
		return cfg->warning_en ? cfg->warning_en : default_warning_en;
	return cfg->warning_ko ? cfg->warning_ko : default_warning_ko;
}

static bool counts(const struct protect_incident *inc)
{
	return inc->status == PROTECT_PENDING || inc->status == PROTECT_CONFIRMED;
}

static const struct protect_incident *find_incident(const struct protect_incident *incidents, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (incidents[i].id == id)
			return &incidents[i];
	return NULL;
}

struct protect_end_rule protect_may_end_contact(const struct protect_config *cfg, int64_t contact_id,
                                                const struct protect_incident *incidents, size_t n_incidents,
                                                const struct protect_warning *warnings, size_t n_warnings)
{
	struct protect_end_rule r = { .may_end = false, .warnings_required = PROTECT_WARNINGS_MAX + 1 };
	bool any = false;
	for (size_t i = 0; i < n_incidents; i++) {
		const struct protect_incident *inc = &incidents[i];
		if (inc->contact_id != contact_id || !counts(inc) || (unsigned)inc->kind >= PROTECT_KIND_COUNT)
			continue;
		any = true;
		if (cfg->warnings_required[inc->kind] < r.warnings_required)
			r.warnings_required = cfg->warnings_required[inc->kind];
	}
	if (!any) {
		r.warnings_required = 0;
		r.reason = "no pending or confirmed incident on this contact";
		return r;
	}
	for (size_t w = 0; w < n_warnings; w++) {
		if (warnings[w].contact_id != contact_id)
			continue;
		const struct protect_incident *inc = find_incident(incidents, n_incidents, warnings[w].incident_id);
		if (inc && inc->contact_id == contact_id && counts(inc))
			r.warnings_given++;
	}
	r.may_end = r.warnings_given >= r.warnings_required;
	if (!r.may_end)
		r.reason = "the customer has not yet been warned the configured number of times";
	return r;
}

int protect_pick_handover(const struct protect_handler *candidates, size_t n,
                          int64_t ending_agent, int level, size_t *out_index)
{
	bool found = false;
	for (size_t i = 0; i < n; i++) {
		const struct protect_handler *h = &candidates[i];
		if (!h->available || h->id == ending_agent || h->level < level)
			continue;
		if (!found || h->level < candidates[*out_index].level) {
			*out_index = i;
			found = true;
		}
	}
	return found ? OMB_OK : OMB_ENOTFOUND;
}

static int64_t contact_org(int64_t contact_id, const struct protect_incident *incidents, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (incidents[i].contact_id == contact_id)
			return incidents[i].org_id;
	return 0;
}

int protect_end_contact(const struct protect_config *cfg, int64_t case_id, int64_t contact_id,
                        int64_t agent_id, int agent_level, int64_t now_ms,
                        const struct protect_incident *incidents, size_t n_incidents,
                        const struct protect_warning *warnings, size_t n_warnings,
                        const struct protect_handler *candidates, size_t n_candidates,
                        struct protect_contact_end *out, const char **reason)
{
	struct protect_end_rule rule = protect_may_end_contact(cfg, contact_id, incidents, n_incidents,
	                                                       warnings, n_warnings);
	if (!rule.may_end) {
		*reason = rule.reason;
		return OMB_ECONFLICT;
	}
	*out = (struct protect_contact_end){
		.org_id = contact_org(contact_id, incidents, n_incidents),
		.case_id = case_id,
		.contact_id = contact_id,
		.ended_by = agent_id,
		.ended_ms = now_ms,
		.handover_to = 0,
		.handover_level = agent_level,
	};
	size_t pick = 0;
	if (protect_pick_handover(candidates, n_candidates, agent_id, agent_level, &pick) == OMB_OK) {
		out->handover_to = candidates[pick].id;
		out->handover_level = candidates[pick].level;
	}
	return OMB_OK;
}

struct protect_routing protect_route_customer(const struct protect_config *cfg, uint64_t customer_key,
                                              int64_t now_ms, int level,
                                              const struct protect_handler *seniors, size_t n_seniors,
                                              const struct protect_incident *incidents, size_t n)
{
	struct protect_routing r = { 0 };
	if (customer_key == 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		const struct protect_incident *inc = &incidents[i];
		if (inc->customer_key == customer_key && inc->status == PROTECT_CONFIRMED &&
		    inc->at_ms > now_ms - cfg->senior_period_ms && inc->at_ms <= now_ms)
			r.confirmed_in_period++;
	}
	if (r.confirmed_in_period >= cfg->senior_after_confirmed)
		r.to_senior = protect_pick_handover(seniors, n_seniors, 0, level, &r.senior_index) == OMB_OK;
	return r;
}

int protect_break_check(const struct protect_break *b, const char **reason)
{
	if (b->agent_id == 0) {
		*reason = "agent: required";
		return OMB_EINVAL;
	}
	if (b->minutes < 1 || b->minutes > PROTECT_BREAK_MAX_MIN) {
		*reason = "minutes: between 1 and 480";
		return OMB_EINVAL;
	}
	return OMB_OK;
}

bool protect_counselling_visible(int64_t agent_id, int64_t manager_of_agent, const struct protect_viewer *viewer)
{
	if (viewer->is_customer || viewer->staff_id == 0)
		return false;
	return viewer->staff_id == agent_id || viewer->staff_id == manager_of_agent;
}

bool protect_dossier_may_fetch(const struct protect_dossier *d, int64_t manager_of_agent,
                               const struct protect_viewer *viewer)
{
	if (viewer->is_customer || viewer->org_id != d->org_id)
		return false;
	return protect_counselling_visible(d->agent_id, manager_of_agent, viewer);
}

/* ---- dossier ---------------------------------------------------------- */

static int cmp_incident_time(const void *a, const void *b)
{
	const struct protect_incident *x = *(const struct protect_incident *const *)a;
	const struct protect_incident *y = *(const struct protect_incident *const *)b;
	if (x->at_ms != y->at_ms)
		return (x->at_ms > y->at_ms) - (x->at_ms < y->at_ms);
	return (x->id > y->id) - (x->id < y->id);
}

int protect_dossier_order(int64_t agent_id, const struct protect_incident *incidents, size_t n,
                          const struct protect_incident **order, const char **reason)
{
	if (n == 0) {
		*reason = "a dossier needs at least one incident";
		return OMB_EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if (incidents[i].agent_id != agent_id) {
			*reason = "a dossier carries only the requesting agent's own incidents";
			return OMB_EPERM;
		}
		if (!counts(&incidents[i])) {
			*reason = "a rejected incident cannot go into a dossier";
			return OMB_EINVAL;
		}
		order[i] = &incidents[i];
	}
	qsort(order, n, sizeof *order, cmp_incident_time);
	return OMB_OK;
}

/* ---- figures ---------------------------------------------------------- */

static bool in_range(int64_t org, int64_t t, int64_t want_org, int64_t from_ms, int64_t to_ms)
{
	return org == want_org && t >= from_ms && t < to_ms;
}

void protect_figures_compute(int64_t org_id, int64_t from_ms, int64_t to_ms,
                             const struct protect_incident *incidents, size_t n_incidents,
                             const struct protect_contact_end *ends, size_t n_ends,
                             const struct protect_break *breaks, size_t n_breaks,
                             const struct protect_dossier *dossiers, size_t n_dossiers,
                             struct protect_figures *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < n_incidents; i++) {
		const struct protect_incident *inc = &incidents[i];
		if (!in_range(inc->org_id, inc->at_ms, org_id, from_ms, to_ms) ||
		    (unsigned)inc->kind >= PROTECT_KIND_COUNT)
			continue;
		out->incidents++;
		out->by_kind[inc->kind]++;
		switch (inc->status) {
		case PROTECT_CONFIRMED:
			out->confirmed++;
			out->confirmed_by_kind[inc->kind]++;
			break;
		case PROTECT_REJECTED: out->rejected++; break;
		case PROTECT_PENDING: out->pending++; break;
		}
	}
	for (size_t i = 0; i < n_ends; i++)
		out->contacts_ended += in_range(ends[i].org_id, ends[i].ended_ms, org_id, from_ms, to_ms);
	for (size_t i = 0; i < n_breaks; i++)
		out->breaks += in_range(breaks[i].org_id, breaks[i].start_ms, org_id, from_ms, to_ms);
	for (size_t i = 0; i < n_dossiers; i++)
		out->dossiers += in_range(dossiers[i].org_id, dossiers[i].created_ms, org_id, from_ms, to_ms);
}
