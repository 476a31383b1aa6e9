/* similar.c — character n-gram prints and reply classification. */
#include "desk/similar.h"

#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <unistr.h>
#include <xxhash.h>

#include "base/err.h"
#include "base/mem.h"
#include "base/text.h"

/* Letters and digits of the normalised text, as code points. Spaces and
 * punctuation carry no meaning for "same answer" and would let a reformatted
 * copy escape detection. */
static ucs4_t *significant_chars(const char *norm, size_t len, size_t *count)
{
	ucs4_t *out = xmalloc((len + 1) * sizeof *out);
	size_t n = 0;
	for (size_t i = 0; i < len;) {
		ucs4_t c;
		int step = u8_mbtouc(&c, (const uint8_t *)norm + i, len - i);
		if (uc_is_alnum(c))
			out[n++] = c;
		i += (size_t)step;
	}
	*count = n;
	return out;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

int similar_print_make(struct similar_print *p, const char *text, size_t len)
{
	*p = (struct similar_print){ 0 };
	size_t norm_len;
	char *norm = text_normalize(text, len, &norm_len);
	if (!norm)
		return OMB_EINVAL;
	size_t n;
	ucs4_t *cs = significant_chars(norm, norm_len, &n);
	free(norm);
	/* Texts shorter than a bigram still get a print, of their characters. */
	p->grams = xmalloc((2 * n + 1) * sizeof *p->grams);
	for (size_t width = 2; width <= 3; width++)
		for (size_t i = 0; i + width <= n; i++)
			p->grams[p->n++] = XXH3_64bits_withSeed(cs + i, width * sizeof *cs, width);
	if (p->n == 0 && n == 1)
		p->grams[p->n++] = XXH3_64bits_withSeed(cs, sizeof *cs, 1);
	free(cs);
	qsort(p->grams, p->n, sizeof *p->grams, cmp_u64);
	size_t uniq = 0;
	for (size_t i = 0; i < p->n; i++)
		if (uniq == 0 || p->grams[uniq - 1] != p->grams[i])
			p->grams[uniq++] = p->grams[i];
	p->n = uniq;
	return 0;
}

void similar_print_free(struct similar_print *p)
{
	free(p->grams);
	*p = (struct similar_print){ 0 };
}

double similar_score(const struct similar_print *a, const struct similar_print *b)
{
	if (a->n == 0 || b->n == 0)
		return 0.0;
	size_t i = 0, j = 0, common = 0;
	while (i < a->n && j < b->n) {
		if (a->grams[i] == b->grams[j]) {
			common++;
			i++;
			j++;
		} else if (a->grams[i] < b->grams[j]) {
			i++;
		} else {
			j++;
		}
	}
	return (double)common / (double)(a->n + b->n - common);
}

double similar_text_score(const char *a, const char *b)
{
	struct similar_print pa, pb;
	double s = 0.0;
	if (similar_print_make(&pa, a, strlen(a)) == 0 && similar_print_make(&pb, b, strlen(b)) == 0)
		s = similar_score(&pa, &pb);
	similar_print_free(&pa);
	similar_print_free(&pb);
	return s;
}

void similar_config_default(struct similar_config *cfg)
{
	cfg->threshold = SIMILAR_DEFAULT_THRESHOLD;
}

int similar_config_check(const struct similar_config *cfg, const char **reason)
{
	if (!(cfg->threshold > 0.0 && cfg->threshold <= 1.0)) {
		*reason = "similarity threshold must be in (0, 1]";
		return OMB_EINVAL;
	}
	return 0;
}

/* Best score of `print` against texts[]; *best_index gets its index. Texts
 * that are not valid UTF-8 score 0 (they cannot have been sent). */
static double best_match(const struct similar_print *print, const struct similar_text *texts,
                         size_t n, size_t *best_index)
{
	double best = 0.0;
	*best_index = 0;
	for (size_t i = 0; i < n; i++) {
		struct similar_print other;
		if (similar_print_make(&other, texts[i].text, strlen(texts[i].text)) == 0) {
			double s = similar_score(print, &other);
			if (s > best) {
				best = s;
				*best_index = i;
			}
		}
		similar_print_free(&other);
	}
	return best;
}

static bool template_used_before(int64_t template_id, const struct similar_text *earlier, size_t n)
{
	for (size_t i = 0; template_id != 0 && i < n; i++)
		if (earlier[i].template_id == template_id)
			return true;
	return false;
}

int similar_classify(const struct similar_config *cfg, const struct similar_reply *reply,
                     const struct similar_text *earlier, size_t n_earlier,
                     const struct similar_text *templates, size_t n_templates,
                     struct similar_verdict *out)
{
	struct similar_print print;
	*out = (struct similar_verdict){ .cls = SIMILAR_HUMAN };
	if (similar_print_make(&print, reply->text, strlen(reply->text)) != 0)
		return OMB_EINVAL;
	size_t tpl_index;
	out->answer_score = best_match(&print, earlier, n_earlier, &out->answer_index);
	out->template_score = best_match(&print, templates, n_templates, &tpl_index);
	similar_print_free(&print);

	if (reply->origin == SIMILAR_FROM_SYSTEM) {
		out->cls = SIMILAR_AUTOMATIC;
		return 0;
	}
	if (reply->origin == SIMILAR_FROM_TEMPLATE && reply->template_id != 0) {
		out->cls = SIMILAR_TEMPLATE;
		out->template_id = reply->template_id;
	} else if (out->template_score >= cfg->threshold) {
		out->cls = SIMILAR_TEMPLATE;
		out->template_id = templates[tpl_index].template_id;
	}
	out->repeat = out->answer_score >= cfg->threshold ||
	              template_used_before(out->template_id, earlier, n_earlier);
	return 0;
}

const char *similar_class_name(enum similar_class cls)
{
	switch (cls) {
	case SIMILAR_HUMAN:
		return "human";
	case SIMILAR_TEMPLATE:
		return "template";
	case SIMILAR_AUTOMATIC:
		return "automatic";
	}
	return "unknown";
}
