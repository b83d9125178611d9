# LogBridge — every target installs what it needs (Debian 12: apt; Python: a project-local venv).
SHELL := /bin/bash
SWIFT ?= swift
VENV := $(CURDIR)/.venv
OSMEM := $(VENV)/bin/osmem-server
APT_PACKAGES := libcurl4-openssl-dev libsystemd-dev libisal-dev pkg-config systemd-journal-remote python3-venv curl rsyslog openssl bsdutils influxdb prometheus-alertmanager systemd python3-seccomp
export OSMEM_SERVER := $(OSMEM)

.PHONY: all build release deps test demo bench bench-alarms bench-patterns clean soak fuzz

all: build

# apt only when something is missing, so repeated runs stay fast and offline-friendly.
deps: $(OSMEM)
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

$(OSMEM):
	@command -v python3 >/dev/null || { echo "python3 is needed"; exit 1; }
	@dpkg -s python3-venv >/dev/null 2>&1 || python3 -c 'import venv, ensurepip' 2>/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq python3-venv; }
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q osmem-server
	@# The wheel bundles the server binary inside the package and installs no console script: link it.
	ln -sf "$$($(VENV)/bin/python -c 'import osmem_server, os; print(os.path.dirname(osmem_server.__file__))')/bin/osmem-server" $(OSMEM)

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product logbridge

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

demo: release
	bash deploy/demo/demo.sh

# journald (1M entries, beside journalctl -o json), then the file and TCP syslog paths, then InfoLogger server mode.
bench: deps
	bash Tests/Bench/bench.sh
	bash Tests/Bench/bench-syslog-file.sh
	bash Tests/Bench/bench-infologger.sh
	bash Tests/Bench/bench-patterns.sh

# The log-template miner beside drain3 on ../shared/loghub-2k (skipped without it), and its cost.
bench-patterns: deps
	bash Tests/Bench/bench-patterns.sh

bench-alarms: deps
	$(SWIFT) build -c release --product logbridge
	bash Tests/Bench/bench-alarms.sh

clean:
	rm -rf .build

# Reliability tests at soak scale: more events, more SIGKILLs, a one-minute outage.
soak: deps
	$(SWIFT) build --build-tests
	LOGBRIDGE_SOAK=1 $(SWIFT) test --skip-build --filter 'ReliabilityTests'

# libFuzzer on every parser of outside bytes, FUZZ_SECONDS each (default 60); see Tests/Fuzz/README.md.
fuzz:
	FUZZ_SECONDS=$${FUZZ_SECONDS:-60} bash Tests/Fuzz/fuzz.sh
