# mmreview: see README.md. "make demo" and "make test" set up everything.
# SPDX-License-Identifier: GPL-2.0
#
# V=1 shows every command and the whole test log; DEVELOPER=1 turns
# warnings into errors ("make test" sets it, so CI does too).

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man/man1
DATADIR = $(PREFIX)/share/mmreview
# systemd's system units; the unit names $(BINDIR)/mmreview.
UNITDIR ?= $(PREFIX)/lib/systemd/system

CC ?= gcc
PKG_CONFIG ?= pkg-config
PKGS = libgit2 libcurl libxml-2.0 tree-sitter sqlite3 zlib jansson
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.1.0)

GRAMMAR_DIR = build/grammar
GRAMMAR = $(GRAMMAR_DIR)/package/src
# git's developer warnings. -Werror for developers and CI (DEVELOPER=1,
# which "make test" sets), not for users building a release.
WARN = -Wall -Wextra -Wno-missing-field-initializers -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla
ifeq ($(DEVELOPER),1)
WARN += -Werror
endif
BASE_CFLAGS = -std=gnu11 -g $(WARN) -D_GNU_SOURCE -DMMR_VERSION='"$(VERSION)"'
CFLAGS ?= -O2
INCLUDES = -Iparsers -Irules -Iconfig -Ibot -Itests/unit
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
SAN = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

GEN = build/gen
# The shipped query rules, compiled into the binary.
SHIPPED_RULES = $(sort $(wildcard rules/query/*.scm))

# Quiet unless V=1: compiler errors and test verdicts are what is shown.
ifeq ($(V),1)
Q =
PROVE_FLAGS = -v
else
Q = @
PROVE_FLAGS =
endif
SUBMAKE = $(MAKE) --no-print-directory

# The command line: only these print, parse options or exit. Everything
# else is the library the unit tests link, without them.
CLI_SRCS = bot/cli.c $(wildcard bot/cmd-*.c) bot/main.c
LIB_SRCS = $(wildcard parsers/*.c rules/*.c config/*.c) \
	   $(filter-out $(CLI_SRCS),$(wildcard bot/*.c)) $(GEN)/shipped-rules.c
UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNIT_NAMES = $(patsubst tests/unit/%.c,%,$(UNIT_SRCS))

OBJ = build/obj
ASAN = build/asan

.PHONY: FORCE all deps grammar demo test check-unit check-unit-asan check-tap \
	check-style unit fuzz install uninstall clean format kernel-sources \
	bench
.DEFAULT_GOAL := all
# Objects of the test programs are kept: no rebuild on every run.
.SECONDARY:

all: mmreview build/mmreview-rules.7

# --- set-up -----------------------------------------------------------------

deps:
	@sh mk/deps.sh
	@sh mk/grammar.sh $(GRAMMAR_DIR)

$(GRAMMAR)/parser.c:
	@sh mk/grammar.sh $(GRAMMAR_DIR)

grammar: $(GRAMMAR)/parser.c

kernel-sources:
	@sh mk/kernel.sh build/kernel

# --- build ------------------------------------------------------------------

# Rebuilt when a rule file is added or removed, not only changed.
$(GEN)/shipped-rules.list: FORCE
	@mkdir -p $(dir $@)
	@echo '$(SHIPPED_RULES)' | cmp -s - $@ || echo '$(SHIPPED_RULES)' >$@

$(GEN)/shipped-rules.c: $(SHIPPED_RULES) $(GEN)/shipped-rules.list \
		mk/embed-rules.sh
	@mkdir -p $(dir $@)
	$(Q)sh mk/embed-rules.sh $@ $(SHIPPED_RULES)

$(OBJ)/grammar/parser.o: $(GRAMMAR)/parser.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O2 -fPIC -I$(GRAMMAR) -c $< -o $@

$(OBJ)/%.o: %.c | $(GRAMMAR)/parser.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) $(INCLUDES) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(OBJ)/libmmr.a: $(patsubst %.c,$(OBJ)/%.o,$(LIB_SRCS)) $(OBJ)/grammar/parser.o
	@rm -f $@
	$(Q)ar rcs $@ $^

mmreview: $(patsubst %.c,$(OBJ)/%.o,$(CLI_SRCS)) $(OBJ)/libmmr.a
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS)

# The sanitizer build: the same sources, their own objects.
$(ASAN)/grammar/parser.o: $(GRAMMAR)/parser.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O1 -fPIC $(SAN) -I$(GRAMMAR) -c $< -o $@

$(ASAN)/%.o: %.c | $(GRAMMAR)/parser.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BASE_CFLAGS) -O1 $(SAN) $(INCLUDES) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(ASAN)/libmmr.a: $(patsubst %.c,$(ASAN)/%.o,$(LIB_SRCS)) $(ASAN)/grammar/parser.o
	@rm -f $@
	$(Q)ar rcs $@ $^

build/mmreview-asan: $(patsubst %.c,$(ASAN)/%.o,$(CLI_SRCS)) $(ASAN)/libmmr.a
	$(Q)$(CC) $(SAN) -o $@ $^ $(PKG_LIBS)

# The crash test's build: the daemon and post with their fault points
# (bot/fault.h) compiled in, before the library so that its own copies of
# them are not linked.
FAULT = build/faults
FAULT_SRCS = bot/daemon.c bot/post.c tests/fault/fault.c

$(FAULT)/%.o: %.c | $(GRAMMAR)/parser.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BASE_CFLAGS) -DMMR_FAULTS $(CFLAGS) $(INCLUDES) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

build/mmreview-faults: $(patsubst %.c,$(OBJ)/%.o,$(CLI_SRCS)) \
		$(patsubst %.c,$(FAULT)/%.o,$(FAULT_SRCS)) $(OBJ)/libmmr.a
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS)

# --- unit tests (cmocka), plain and under ASan + UBSan -------------------------

build/unit/%: $(OBJ)/tests/unit/%.o $(OBJ)/tests/unit/testlib.o $(OBJ)/libmmr.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) -o $@ $^ $(PKG_LIBS) -lcmocka

build/unit-asan/%: $(ASAN)/tests/unit/%.o $(ASAN)/tests/unit/testlib.o $(ASAN)/libmmr.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(SAN) -o $@ $^ $(PKG_LIBS) -lcmocka

unit: $(addprefix build/unit/,$(UNIT_NAMES))

check-unit: $(addprefix build/unit/,$(UNIT_NAMES))
	@V=$(V) sh tests/run-unit.sh "plain" $^

check-unit-asan: $(addprefix build/unit-asan/,$(UNIT_NAMES))
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	 V=$(V) sh tests/run-unit.sh "ASan+UBSan" $^

# --- end-to-end tests (TAP, run by prove) --------------------------------------

check-tap: mmreview build/mmreview-asan build/mmreview-faults kernel-sources
	@MMREVIEW=$(CURDIR)/mmreview MMREVIEW_ASAN=$(CURDIR)/build/mmreview-asan \
	 MMREVIEW_FAULTS=$(CURDIR)/build/mmreview-faults SRCDIR=$(CURDIR) \
	 KERNEL_DIR=$(CURDIR)/build/kernel prove -f $(PROVE_FLAGS) \
	 -e /bin/sh --ext .sh tests/tap/

# Formatting, the one-way include rule and banned functions.
check-style:
	@sh tests/check-style.sh

# Kernel sources first: unit tests on real kernel code skip without them.
test: export DEVELOPER = 1
test: deps
	@$(SUBMAKE) check-style
	@$(SUBMAKE) kernel-sources
	@$(SUBMAKE) mmreview
	@$(SUBMAKE) check-unit
	@$(SUBMAKE) check-unit-asan
	@$(SUBMAKE) check-tap
	@echo "make test: all passed"

demo: deps
	@$(SUBMAKE) mmreview
	@sh mk/demo.sh ./mmreview

# --- fuzzing (libFuzzer, clang) -------------------------------------------------

FUZZ_RUNS ?= 1000000
FUZZ_SAN = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_TARGETS = $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
# Every target links all of parsers/ and rules/ (which needs nothing
# else but its shipped query rules) and the grammar (uninstrumented).
FUZZ_LIB_SRCS = $(wildcard parsers/*.c rules/*.c) $(GEN)/shipped-rules.c

build/fuzz/grammar.o: $(GRAMMAR)/parser.c
	@mkdir -p $(dir $@)
	$(Q)clang -std=gnu11 -O1 -fsanitize=address -I$(GRAMMAR) -c $< -o $@

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB_SRCS) \
		$(wildcard parsers/*.h rules/*.h tests/fuzz/*.h) build/fuzz/grammar.o
	@mkdir -p $(dir $@)
	$(Q)clang -std=gnu11 -g -O1 -D_GNU_SOURCE $(FUZZ_SAN) $(INCLUDES) \
		-o $@ $< $(FUZZ_LIB_SRCS) build/fuzz/grammar.o \
		$$($(PKG_CONFIG) --libs tree-sitter zlib)

fuzz: $(FUZZ_TARGETS)
	@for t in $(FUZZ_TARGETS); do \
		n=$${t##*/fuzz_}; mkdir -p build/fuzz/corpus-$$n; \
		echo "fuzz: $$n, $(FUZZ_RUNS) runs"; \
		$$t -runs=$(FUZZ_RUNS) -max_len=65536 -timeout=10 \
			build/fuzz/corpus-$$n tests/fuzz/seeds-$$n || exit 1; \
	done

# --- install ------------------------------------------------------------------

# The plugin interface: <mmreview/rule.h> and mmreview.pc, so that
# "cc $(pkg-config --cflags mmreview) -shared -fPIC -o my.so my.c" works.
INCLUDEDIR = $(PREFIX)/include
PKGCONFIGDIR = $(PREFIX)/lib/pkgconfig
MAN7DIR = $(PREFIX)/share/man/man7

build/mmreview.pc: FORCE
	@mkdir -p $(dir $@)
	$(Q)printf '%s\n' 'prefix=$(PREFIX)' 'includedir=$${prefix}/include' '' \
		'Name: mmreview' \
		'Description: mmreview rule plugins (<mmreview/rule.h>)' \
		'Version: $(VERSION)' 'Cflags: -I$${includedir}' >$@

# mmreview-rules(7) is docs/rules.md.
build/mmreview-rules.7: docs/rules.md mk/md2man.awk VERSION
	@mkdir -p $(dir $@)
	$(Q)awk -v version=$(VERSION) -f mk/md2man.awk docs/rules.md >$@

install: mmreview build/mmreview.pc build/mmreview-rules.7
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(DATADIR) \
		$(DESTDIR)$(INCLUDEDIR)/mmreview $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(MAN7DIR) $(DESTDIR)$(UNITDIR)
	install -m 755 mmreview $(DESTDIR)$(BINDIR)/mmreview
	install -m 644 mmreview.1 $(DESTDIR)$(MANDIR)/mmreview.1
	install -m 644 build/mmreview-rules.7 $(DESTDIR)$(MAN7DIR)/mmreview-rules.7
	install -m 644 config/mmreview.conf.example $(DESTDIR)$(DATADIR)/mmreview.conf.example
	install -m 644 rules/mmreview/rule.h $(DESTDIR)$(INCLUDEDIR)/mmreview/rule.h
	install -m 644 build/mmreview.pc $(DESTDIR)$(PKGCONFIGDIR)/mmreview.pc
	sed 's|@BINDIR@|$(BINDIR)|g' config/mmreview.service \
		>$(DESTDIR)$(UNITDIR)/mmreview.service
	chmod 644 $(DESTDIR)$(UNITDIR)/mmreview.service

uninstall:
	rm -f $(DESTDIR)$(INCLUDEDIR)/mmreview/rule.h \
		$(DESTDIR)$(PKGCONFIGDIR)/mmreview.pc \
		$(DESTDIR)$(MAN7DIR)/mmreview-rules.7
	-rmdir $(DESTDIR)$(INCLUDEDIR)/mmreview
	rm -f $(DESTDIR)$(BINDIR)/mmreview $(DESTDIR)$(MANDIR)/mmreview.1 \
		$(DESTDIR)$(DATADIR)/mmreview.conf.example \
		$(DESTDIR)$(UNITDIR)/mmreview.service

# Our sources only: the fixtures are inputs and stay byte for byte.
format:
	clang-format -i $$(git ls-files '*.c' '*.h' | grep -v '^tests/fixtures/')

bench: mmreview kernel-sources
	@sh bench/run.sh

clean:
	rm -rf $(OBJ) $(ASAN) $(FAULT) build/unit build/unit-asan build/fuzz build/mmreview-asan \
		build/mmreview-faults \
		build/test-logs $(GEN) build/mmreview.pc build/mmreview-rules.7 mmreview

-include $(shell find build/obj build/asan build/faults -name '*.d' 2>/dev/null)
