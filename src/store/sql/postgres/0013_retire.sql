-- Answer templates and outward referral options can be retired: no longer
-- offered to agents or listed to customers, but kept, because answers were
-- sent with them and a retired template's text is still a canned answer
-- (desk/similar.c keeps comparing replies with it).
ALTER TABLE answer_templates ADD COLUMN retired_ms BIGINT;
ALTER TABLE referral_options ADD COLUMN retired_ms BIGINT;
