/* test_similar.c — repeated answers and reply classes, in Korean and English. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "base/err.h"
#include "desk/similar.h"

static struct similar_config cfg;

static int setup(void **state)
{
	(void)state;
	similar_config_default(&cfg);
	return 0;
}

/* The organisation's template and two fillings of it. */
static const char *const ko_template =
	"고객님, 문의하신 카드 결제 취소 건은 영업일 기준 3~5일 이내에 처리될 예정입니다. "
	"이용에 불편을 드려 죄송합니다.";
static const char *const ko_filled_a =
	"홍길동 고객님, 문의하신 카드 결제 취소 건은 영업일 기준 3~5일 이내에 처리될 예정입니다. "
	"이용에 불편을 드려 죄송합니다.";
static const char *const ko_filled_b =
	"김철수 고객님께서 문의하신 카드 결제 취소 건은 영업일 기준 3~5일 이내 처리될 예정입니다. "
	"이용에 불편을 드려서 죄송합니다.";
static const char *const ko_new_same_topic =
	"확인해 보니 가맹점에서 카드 결제 취소 요청을 아직 보내지 않았습니다. 저희가 오늘 가맹점에 "
	"직접 연락해 취소를 요청했고, 내일 오후까지 결과를 문자로 알려 드리겠습니다.";

static const char *const en_answer =
	"Dear John, thank you for contacting us. Your refund request has been forwarded to the "
	"responsible team and will be processed within 5 business days.";
static const char *const en_reworded =
	"Dear Ms. Park, thank you for contacting us. Your refund request was forwarded to the "
	"responsible team and will be processed within 5 business days.";
static const char *const en_new_same_topic =
	"We checked the merchant's records: the charge on 3 November was duplicated. We have "
	"reversed it today; the refund of 45,000 won will show on your statement within two days.";

static void korean_name_change_is_a_repeat(void **state)
{
	(void)state;
	assert_true(similar_text_score(ko_filled_a, ko_filled_b) >= cfg.threshold);
}

static void korean_particle_change_is_a_repeat(void **state)
{
	(void)state;
	/* 의/은/로 -> (none)/이/에: no word survives intact, the characters do. */
	const char *a = "고객님의 요청은 담당 부서로 전달되었으며 빠른 시일 내에 연락드리겠습니다.";
	const char *b = "고객님 요청이 담당 부서에 전달되었으며 빠른 시일 내에 연락드리겠습니다.";
	assert_true(similar_text_score(a, b) >= cfg.threshold);
}

static void korean_new_answer_on_same_topic_is_not(void **state)
{
	(void)state;
	assert_true(similar_text_score(ko_filled_a, ko_new_same_topic) < cfg.threshold);
	const char *a = "대출 금리 인하 요구는 신용 상태 개선이 확인되어야 승인됩니다.";
	const char *b = "고객님의 대출 금리 인하 요구를 심사한 결과 연소득 증빙이 확인되어 금리를 0.3%p 인하했습니다.";
	assert_true(similar_text_score(a, b) < cfg.threshold);
}

static void english_pairs(void **state)
{
	(void)state;
	assert_true(similar_text_score(en_answer, en_reworded) >= cfg.threshold);
	assert_true(similar_text_score(
	                    "We are sorry for the inconvenience. Your complaint has been registered and a specialist will contact you shortly.",
	                    "We're sorry for the inconvenience - your complaint has been registered, and a specialist will contact you shortly.") >= cfg.threshold);
	assert_true(similar_text_score(en_answer, en_new_same_topic) < cfg.threshold);
	assert_true(similar_text_score("Your refund request has been forwarded to the responsible team.",
	                               "The responsible team reviewed your refund request and approved it; the money was sent to your account this morning.") < cfg.threshold);
}

static void normalisation_defeats_cosmetic_changes(void **state)
{
	(void)state;
	/* Full-width letters, case, spacing and punctuation do not make a new answer. */
	double s = similar_text_score("ＹＯＵＲ ＲＥＦＵＮＤ  request,  has been FORWARDED!!!",
	                              "your refund request has been forwarded.");
	assert_true(s > 0.999);
	assert_true(similar_text_score("", "anything") == 0.0);
	assert_true(similar_text_score("a", "a") > 0.999);
}

static void classify_repeat_against_earlier_answers(void **state)
{
	(void)state;
	struct similar_text earlier[] = { { en_new_same_topic, 0 }, { ko_filled_a, 0 } };
	struct similar_reply reply = { ko_filled_b, SIMILAR_FROM_TYPED, 0 };
	struct similar_verdict v;
	assert_int_equal(similar_classify(&cfg, &reply, earlier, 2, NULL, 0, &v), 0);
	assert_int_equal(v.cls, SIMILAR_HUMAN);
	assert_true(v.repeat);
	assert_int_equal(v.answer_index, 1);
	reply.text = ko_new_same_topic;
	assert_int_equal(similar_classify(&cfg, &reply, earlier, 2, NULL, 0, &v), 0);
	assert_int_equal(v.cls, SIMILAR_HUMAN);
	assert_false(v.repeat);
}

static void typed_copy_of_template_is_a_template(void **state)
{
	(void)state;
	struct similar_text templates[] = { { en_answer, 3 }, { ko_template, 4 } };
	struct similar_reply reply = { ko_filled_a, SIMILAR_FROM_TYPED, 0 };
	struct similar_verdict v;
	assert_int_equal(similar_classify(&cfg, &reply, NULL, 0, templates, 2, &v), 0);
	assert_int_equal(v.cls, SIMILAR_TEMPLATE);
	assert_int_equal(v.template_id, 4);
	assert_false(v.repeat); /* first use on this case */
	reply.text = ko_new_same_topic;
	assert_int_equal(similar_classify(&cfg, &reply, NULL, 0, templates, 2, &v), 0);
	assert_int_equal(v.cls, SIMILAR_HUMAN);
	assert_int_equal(v.template_id, 0);
}

static void same_template_again_is_a_repeat(void **state)
{
	(void)state;
	/* Even filled so differently that the texts are not alike. */
	struct similar_text earlier[] = { { "Template 8, filled the first way.", 8 } };
	struct similar_reply reply = { "An entirely different filling of it.", SIMILAR_FROM_TEMPLATE, 8 };
	struct similar_verdict v;
	assert_int_equal(similar_classify(&cfg, &reply, earlier, 1, NULL, 0, &v), 0);
	assert_int_equal(v.cls, SIMILAR_TEMPLATE);
	assert_true(v.repeat);
	reply.template_id = 9;
	assert_int_equal(similar_classify(&cfg, &reply, earlier, 1, NULL, 0, &v), 0);
	assert_false(v.repeat);
}

static void system_replies_are_automatic_never_repeats(void **state)
{
	(void)state;
	struct similar_text earlier[] = { { en_answer, 0 } };
	struct similar_reply reply = { en_answer, SIMILAR_FROM_SYSTEM, 0 };
	struct similar_verdict v;
	assert_int_equal(similar_classify(&cfg, &reply, earlier, 1, NULL, 0, &v), 0);
	assert_int_equal(v.cls, SIMILAR_AUTOMATIC);
	assert_false(v.repeat);
	assert_true(v.answer_score > 0.999);
}

static void threshold_is_configurable(void **state)
{
	(void)state;
	struct similar_config strict = { 0.95 };
	struct similar_text earlier[] = { { en_answer, 0 } };
	struct similar_reply reply = { en_reworded, SIMILAR_FROM_TYPED, 0 };
	struct similar_verdict v;
	assert_int_equal(similar_classify(&strict, &reply, earlier, 1, NULL, 0, &v), 0);
	assert_false(v.repeat);
	assert_int_equal(similar_classify(&cfg, &reply, earlier, 1, NULL, 0, &v), 0);
	assert_true(v.repeat);
	const char *why = NULL;
	struct similar_config bad = { 0.0 };
	assert_int_equal(similar_config_check(&bad, &why), OMB_EINVAL);
	bad.threshold = 1.5;
	assert_int_equal(similar_config_check(&bad, &why), OMB_EINVAL);
	assert_int_equal(similar_config_check(&cfg, &why), 0);
}

static void invalid_utf8_is_rejected(void **state)
{
	(void)state;
	struct similar_reply reply = { "bad \xff\xfe text", SIMILAR_FROM_TYPED, 0 };
	struct similar_verdict v;
	assert_int_equal(similar_classify(&cfg, &reply, NULL, 0, NULL, 0, &v), OMB_EINVAL);
	struct similar_print p;
	assert_int_equal(similar_print_make(&p, "\xc3", 1), OMB_EINVAL);
	assert_int_equal(p.n, 0);
	similar_print_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(korean_name_change_is_a_repeat),
		cmocka_unit_test(korean_particle_change_is_a_repeat),
		cmocka_unit_test(korean_new_answer_on_same_topic_is_not),
		cmocka_unit_test(english_pairs),
		cmocka_unit_test(normalisation_defeats_cosmetic_changes),
		cmocka_unit_test(classify_repeat_against_earlier_answers),
		cmocka_unit_test(typed_copy_of_template_is_a_template),
		cmocka_unit_test(same_template_again_is_a_repeat),
		cmocka_unit_test(system_replies_are_automatic_never_repeats),
		cmocka_unit_test(threshold_is_configurable),
		cmocka_unit_test(invalid_utf8_is_rejected),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
