# SPDX-License-Identifier: GPL-2.0-or-later
# nettune - see README.md.  `make run` and `make check` do everything on a
# fresh Debian 12 machine, installing the packages they need (make deps).

VERSION  := 0.1.0
PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR   := $(PREFIX)/sbin
MANDIR   := $(PREFIX)/share/man
DATADIR  := $(PREFIX)/share/nettune
COMPDIR  := $(PREFIX)/share/bash-completion/completions
UNITDIR  ?= $(PREFIX)/lib/systemd/system

BUILD    ?= build
CC       ?= cc
PKGS     := libmnl libnl-3.0 libnl-route-3.0 ncursesw json-c inih zlib libbpf
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)

CFLAGS   ?= -O2 -g
# override: a CFLAGS given on the command line (make asan, a packager's)
# adds to the warnings, never replaces them
override CFLAGS += -std=gnu11 -Wall -Wextra -Werror
CPPFLAGS += -Ilib -D_GNU_SOURCE -DNT_VERSION='"$(VERSION)"' \
	    -DNT_DATADIR='"$(DATADIR)"' $(PKG_CFLAGS)
LDLIBS   += $(PKG_LIBS)

LIB_SRC  := $(sort $(filter-out %.bpf.c,$(wildcard lib/*.c lib/*/*.c)))
CMD_SRC  := $(sort $(wildcard cmd/nettune/*.c cmd/nettune/*/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CMD_OBJ  := $(CMD_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
LIBA     := $(BUILD)/libnettune.a
BIN      := $(BUILD)/nettune

.PHONY: all deps run check check-repeat unit cli asan install uninstall clean bench lint

all: $(BIN)

# The drop-reason aggregator (lib/bpf/*.bpf.c): compiled for BPF, stripped
# of DWARF (BTF stays), turned into a libbpf skeleton header that
# lib/sys/dropmon.c includes, so the object is embedded in the binary.
BPF_CLANG  ?= clang
BPF_STRIP  ?= llvm-strip
BPFTOOL    ?= bpftool
BPF_CFLAGS := -g -O2 -target bpf -Wall -Werror -Ilib \
	      -I/usr/include/$(shell $(BPF_CLANG) -print-multiarch 2>/dev/null)
BPF_SRC    := $(wildcard lib/bpf/*.bpf.c)
CPPFLAGS   += -I$(BUILD)/lib/bpf

$(BUILD)/%.bpf.o: %.bpf.c
	@mkdir -p $(@D)
	$(BPF_CLANG) $(BPF_CFLAGS) -MMD -MP -c -o $@ $<
	$(BPF_STRIP) -g $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $(notdir $*)_bpf > $@.tmp
	mv $@.tmp $@

$(BUILD)/lib/sys/dropmon.o: $(BUILD)/lib/bpf/dropmon.skel.h
.SECONDARY: $(BPF_SRC:%.bpf.c=$(BUILD)/%.bpf.o)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(CMD_OBJ) $(LIBA)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CMD_OBJ) $(LIBA) $(LDLIBS)

# Helpers every unit test links (tests/unit/testlib.c); kept, not intermediate.
UNIT_LIB := $(BUILD)/tests/unit/testlib.o
.SECONDARY: $(UNIT_LIB)
-include $(UNIT_LIB:.o=.d)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(UNIT_LIB) $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(UNIT_LIB) $(LIBA) $(LDLIBS) \
		$(CMOCKA_LIBS)

deps:
	@sh tools/deps.sh

# The main job on this host.  Findings are output, not a build failure:
# any exit status below 3 means the command ran.
run: deps
	@$(MAKE) --no-print-directory all
	@$(BIN) audit; st=$$?; [ $$st -lt 3 ] || exit $$st

unit: $(UNIT_BIN)

# Every test, and the unit tests once more built with the sanitizers
# (ASAN_UNIT), so CI sees what ASan and UBSan find without the whole
# suite's time under them (make asan runs all of it).
check: deps
	@$(MAKE) --no-print-directory all unit
	@$(MAKE) --no-print-directory $(SAN_VARS) unit
	@$(MAKE) --no-print-directory fuzz-build
	@BUILD=$(BUILD) ASAN_UNIT=build-asan sh tests/run.sh

SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	     -fno-sanitize-recover=all
SAN_VARS  := BUILD=build-asan CFLAGS="-O1 -g $(SAN_FLAGS)" \
	     LDFLAGS="-fsanitize=address,undefined"

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer.
asan: deps
	@$(MAKE) --no-print-directory $(SAN_VARS) check

# make check N times in a row (default 20), stopping at the first failure:
# the way to show the suite does not depend on luck.
N ?= 20
check-repeat: deps
	@mkdir -p $(BUILD); i=1; while [ $$i -le $(N) ]; do \
		echo "# check-repeat: run $$i of $(N)"; \
		$(MAKE) --no-print-directory check > $(BUILD)/check-repeat.log 2>&1; \
		st=$$?; tail -n 1 $(BUILD)/check-repeat.log; \
		if [ $$st -ne 0 ]; then grep '^not ok' $(BUILD)/check-repeat.log; \
			echo "# check-repeat: run $$i failed (log: $(BUILD)/check-repeat.log)"; \
			exit 1; fi; \
		i=$$((i + 1)); done; echo "# check-repeat: $(N) of $(N) runs green"

# Fuzzing (RELIABILITY.md): libFuzzer harnesses (tests/fuzz/fuzz_*.c) under
# ASan and UBSan.  The library is built by clang with coverage into
# build-fuzz; each harness is linked with libFuzzer's main.  make fuzz runs
# each one FUZZ_SECONDS (default 60) on its working corpus
# (build-fuzz/corpus/NAME, seeded from tests/fuzz/corpus/NAME) and replays
# tests/fuzz/regressions/NAME; make check runs each a few seconds.
FUZZ_BUILD   := build-fuzz
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS  := -O1 -g -fno-omit-frame-pointer -fno-sanitize-recover=all \
		-fsanitize=address,undefined -std=gnu11 -Wall -Wextra -Werror
# the BPF drop monitor needs its generated skeleton; no harness reaches it
FUZZ_LIB_SRC := $(filter-out lib/sys/dropmon.c,$(LIB_SRC))
FUZZ_LIB_OBJ := $(FUZZ_LIB_SRC:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_LIBA    := $(FUZZ_BUILD)/libnettune.a
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN     := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_HELPER  := $(FUZZ_BUILD)/tests/fuzz/fuzzlib.o

.PHONY: fuzz fuzz-build
.SECONDARY: $(FUZZ_SRC:%.c=$(FUZZ_BUILD)/%.o) $(FUZZ_HELPER)

# clang's -Wstring-plus-int objects to "/path" + 1 (lib/apply: a path
# relative to the root's directory fd), which gcc takes as meant
$(FUZZ_BUILD)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -Wno-string-plus-int \
		-fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_BUILD)/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
		-MMD -MP -c -o $@ $<

$(FUZZ_LIBA): $(FUZZ_LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/tests/fuzz/fuzz_%.o $(FUZZ_HELPER) \
		$(FUZZ_LIBA)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

fuzz-build: $(FUZZ_BIN)

fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh

-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_SRC:%.c=$(FUZZ_BUILD)/%.d) \
	 $(FUZZ_HELPER:.o=.d)

# The VM lab (tests/vm/README.md): real NIC drivers in QEMU guests.
.PHONY: vmcheck
vmcheck: all
	@BUILD=$(BUILD) sh tests/vm/run.sh

bench: all
	@sh tools/deps.sh --bench
	bash bench/show.sh && bash bench/audit.sh host && bash bench/audit.sh 1000
	bash bench/top.sh host && bash bench/top.sh 1000 && bash bench/top.sh synthetic

lint:
	mandoc -T lint -W warning man/*.[0-9]

install: all
	install -D -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/nettune
	install -D -m 0644 man/nettune.8 $(DESTDIR)$(MANDIR)/man8/nettune.8
	install -D -m 0644 man/nettune-checks.7 $(DESTDIR)$(MANDIR)/man7/nettune-checks.7
	install -D -m 0644 man/nettune-profile.5 $(DESTDIR)$(MANDIR)/man5/nettune-profile.5
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|@SBINDIR@|$(BINDIR)|' contrib/nettune.service.in \
		> $(DESTDIR)$(UNITDIR)/nettune.service
	install -D -m 0644 completions/nettune.bash $(DESTDIR)$(COMPDIR)/nettune
	install -d $(DESTDIR)$(DATADIR)/profiles
	for p in profiles/*.conf; do [ -e "$$p" ] || continue; \
		install -m 0644 "$$p" $(DESTDIR)$(DATADIR)/profiles/; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/nettune $(DESTDIR)$(MANDIR)/man8/nettune.8 \
	      $(DESTDIR)$(MANDIR)/man7/nettune-checks.7 \
	      $(DESTDIR)$(MANDIR)/man5/nettune-profile.5 \
	      $(DESTDIR)$(UNITDIR)/nettune.service \
	      $(DESTDIR)$(COMPDIR)/nettune
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-asan build-fuzz

-include $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d) $(BPF_SRC:%.bpf.c=$(BUILD)/%.bpf.d) $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%.d)
