# ombud — a thin front over Meson and Ninja. See README.md.
#   make run    install what is missing, build, start ombud with demo data
#   make test   install what is missing, build, run every test (and again under ASan+UBSan)
#   make fuzz   libFuzzer on every parser for FUZZ_SECONDS each
#   make bench  the benchmarks of bench/, each beside its reference

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec

BUILD      ?= build
ASAN       ?= $(BUILD)/asan
FUZZ_BUILD ?= $(BUILD)/fuzz
RUN_DIR    ?= $(BUILD)/run
PORT       ?= 8080
FUZZ_SECONDS ?= 60
# CI builds with -Werror; locally warnings stay warnings.
WERROR     := $(if $(CI),true,false)
SUITES      = --suite unit --suite fuzz-replay --suite blackbox $(if $(filter test-asan,$@),,--suite browser)
# The SIP suite (Kamailio + SIPp) runs on the plain build only. Store-backed
# tests run on SQLite and (NAME_pg) on a throw-away PostgreSQL cluster that
# this wrapper starts before meson test and stops after it, pass or fail.
PG_CLUSTER  = python3 tests/pg_cluster.py run --

.PHONY: deps build run test test-asan fuzz bench clean

deps:
	@tools/deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) -Dwerror=$(WERROR)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

run: build
	@mkdir -p $(RUN_DIR)
	@$(BUILD)/ombud demo --db $(RUN_DIR)/ombud.db --log-level warn
	@echo "ombud: open http://127.0.0.1:$(PORT)/ in a browser (Ctrl-C stops it)"
	@$(BUILD)/ombud serve --db $(RUN_DIR)/ombud.db --port $(PORT)

test: build
	$(PG_CLUSTER) meson test -C $(BUILD) $(SUITES) --suite sip --print-errorlogs --num-processes 2 | tee $(BUILD)/test.out
	@$(MAKE) --no-print-directory test-asan
	@tools/test-summary.sh $(BUILD)/test.out $(ASAN)/test.out

$(ASAN)/build.ninja:
	meson setup $(ASAN) -Dwerror=$(WERROR) -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug

test-asan: deps $(ASAN)/build.ninja
	ninja -C $(ASAN)
	$(PG_CLUSTER) meson test -C $(ASAN) $(SUITES) --print-errorlogs --num-processes 2 --timeout-multiplier 3 | tee $(ASAN)/test.out

$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) -Dfuzz=enabled -Dtests=disabled -Db_lundef=false

fuzz: deps $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD)
	tools/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

bench: build
	bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD)
