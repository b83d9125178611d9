# LogBridge — every target installs what it needs (Debian 12: apt; Python: a project-local venv).
SHELL := /bin/bash
SWIFT ?= swift
VENV := $(CURDIR)/.venv
OSMEM := $(VENV)/bin/osmem-server
# The real SMTP server of the e-mail tests of `report --mail` (Tests/SMTP/smtp-server.py).
AIOSMTPD := $(VENV)/bin/aiosmtpd
APT_PACKAGES := libcurl4-openssl-dev libsystemd-dev libisal-dev pkg-config systemd-journal-remote python3-venv curl rsyslog openssl bsdutils influxdb prometheus-alertmanager systemd python3-seccomp chromium poppler-utils
# Building, inspecting and linting the .deb and .rpm, and running the Ansible role (docs/packaging.md).
PACKAGE_APT_PACKAGES := dpkg-dev rpm patchelf binutils lintian rpmlint man-db util-linux ansible-core python3-apt
export OSMEM_SERVER := $(OSMEM)
# The version the packages carry: the binary's own (`logbridge --version`).
VERSION := $(shell sed -n 's/.*static let version = "\(.*\)"/\1/p' Sources/logbridge/LogBridgeCommand.swift)

.PHONY: all build release deps package-deps test package package-test demo bench bench-alarms bench-patterns bench-report clean soak fuzz

all: build

# apt only when something is missing, so repeated runs stay fast and offline-friendly.
apt_install = @missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

deps: $(OSMEM) $(AIOSMTPD)
	$(call apt_install,$(APT_PACKAGES))

package-deps:
	$(call apt_install,$(PACKAGE_APT_PACKAGES))

$(OSMEM):
	@command -v python3 >/dev/null || { echo "python3 is needed"; exit 1; }
	@dpkg -s python3-venv >/dev/null 2>&1 || python3 -c 'import venv, ensurepip' 2>/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq python3-venv; }
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q osmem-server
	@# The wheel bundles the server binary inside the package and installs no console script: link it.
	ln -sf "$$($(VENV)/bin/python -c 'import osmem_server, os; print(os.path.dirname(osmem_server.__file__))')/bin/osmem-server" $(OSMEM)

# Its own rule, so a .venv made before it was needed gets it too.
$(AIOSMTPD): | $(OSMEM)
	$(VENV)/bin/pip install -q aiosmtpd

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product logbridge

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(MAKE) package-test

# The Swift runtime linked into the binary. SwiftPM only relinks when --static-swift-stdlib follows a normal build
# (15-35 s measured here, against 10-20 min for a rebuild), but the objects then carry the shared runtime's link
# entries, which omit what static Foundation needs (1614 undefined references without these); for a clean static
# build they change nothing. The --wrap flags keep the binary within Alma/RHEL 9's glibc 2.34, the O² farm's:
# `hypot`/`hypotf` (GLIBC_2.35, from the static runtime) and `arc4random` (2.36, from the static libstdc++) go to
# Sources/CGlibcCompat (docs/packaging.md, "RPM on Alma/RHEL 9").
STATIC_LINK := --static-swift-stdlib $(foreach l,--start-group -lFoundation -lFoundationEssentials \
	-lFoundationInternationalization -lCoreFoundation -l_FoundationCollections -l_FoundationCShims -l_FoundationICU \
	-lswift_Builtin_float -lswiftSynchronization -lswiftCore -lstdc++ --end-group \
	--wrap=hypot --wrap=hypotf --wrap=arc4random,-Xlinker $(l))

# static_link CONFIG: `swift build -c CONFIG $(STATIC_LINK) --product logbridge`, with libstdc++ linked in as well
# (Debian 12's GCC 12 libstdc++.so needs GLIBCXX_3.4.30, Alma 9's GCC 11 stops at 3.4.29). Every -lstdc++ (the
# runtime's, BoringSSL's) resolves to the first libstdc++ on the library path, and the directories the compiler
# adds (GCC's, with libstdc++.so) come before any -Xlinker -L, so libstdc++.a is linked from the one earlier
# directory SwiftPM names, its bin path, only for this link: left there, the next normal build's test binaries
# would get a second libstdc++ beside the one the shared Swift runtime loads. Everything is compiled by a normal
# build first, so the static step only links: objects compiled under --static-swift-stdlib name the static
# Foundation libraries, and the next normal link of the test binary then fails (cannot find -lCoreFoundation).
static_link = bin=$$($(SWIFT) build -c $(1) --show-bin-path) && mkdir -p "$$bin" && \
	libstdcxx=$$("$$(dirname "$$(readlink -f "$$(command -v $(SWIFT))")")/clang" -print-file-name=libstdc++.a) && \
	{ [ -f "$$libstdcxx" ] || { echo "libstdc++.a not found (GCC's libstdc++-dev package)" >&2; exit 1; }; } && \
	$(SWIFT) build -c $(1) --product logbridge && \
	trap 'rm -f "$$bin/libstdc++.a"' EXIT && trap 'exit 1' INT TERM && ln -sfn "$$libstdcxx" "$$bin/libstdc++.a" && \
	$(SWIFT) build -c $(1) $(STATIC_LINK) --product logbridge

# The release packages, in dist/: logbridge_$(VERSION)-1_amd64.deb and logbridge-$(VERSION)-1.x86_64.rpm, the
# Swift runtime linked in so a node needs only the distribution's libcurl, libsystemd and ISA-L (docs/packaging.md).
package: deps package-deps
	$(call static_link,release)
	bash deploy/packaging/build-packages.sh .build/release/logbridge dist $(VERSION) 1

# Packages of the debug binary (after `swift build` this only relinks it with the runtime inside), installed,
# upgraded and purged on this machine, then the Ansible role run twice (docs/packaging.md).
package-test: deps package-deps
	$(call static_link,debug)
	@# It installs and purges the package: as root, like apt above.
	$$( [ "$$(id -u)" = 0 ] || echo sudo ) env OSMEM_SERVER=$(OSMEM) bash Tests/Packaging/package-test.sh .build/debug/logbridge

demo: release
	bash deploy/demo/demo.sh

# journald (1M entries, beside journalctl -o json), then the file and TCP syslog paths, then InfoLogger server mode,
# the pattern miner, and what one report of a 200-host farm costs the cluster.
bench: deps
	bash Tests/Bench/bench.sh
	bash Tests/Bench/bench-syslog-file.sh
	bash Tests/Bench/bench-infologger.sh
	bash Tests/Bench/bench-patterns.sh
	bash Tests/Bench/bench-report.sh

# `logbridge report` on the demo farm scaled up in osmem-server: requests, time, the engine's CPU (docs/reports.md).
bench-report: deps
	bash Tests/Bench/bench-report.sh

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
