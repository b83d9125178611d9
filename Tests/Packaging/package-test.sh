#!/usr/bin/env bash
# The packages as an operator gets them, on this machine (Debian 12, as root), called by `make package-test`
# (and so by `make test`) with the debug binary relinked with --static-swift-stdlib:
#   1. build the .deb and .rpm (release 0pkgtest1) and a .deb of a higher version (0pkgtest2), same binary
#   2. inspect: metadata, contents, conffiles, dependencies (dpkg-deb -I/-c, rpm -qpil, rpm -qp --requires),
#      the binary's direct ELF dependencies, man pages and completions; lint both (lintian, rpmlint)
#   3. install the .deb; --version, dashboards/rules lint and setup --dry-run find /usr/share/logbridge
#   4. run the installed unit's ExecStart as the unit would (a dynamic user's uid, group systemd-journal, the
#      unit's system-call filter, umask 0077; systemd is not PID 1 here) and ship a journal into osmem
#   5. upgrade to 0pkgtest2: configuration and checkpoint unchanged, and the shipper resumes (reads 0)
#   6. a downgrade is refused; remove keeps configuration and state; purge deletes them
#   7. the Ansible role (deploy/ansible) on this machine, twice: the second run reports changed=0
# Every step asserts; the last line is "N passed, 0 failed". Packages installed by an earlier, killed run
# (version *pkgtest*) are purged first; any other installed logbridge stops the test (it is not ours to remove).
#
# usage: Tests/Packaging/package-test.sh BINARY        environment: OSMEM_SERVER (osmem-server binary)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
BINARY=$(realpath "${1:?usage: package-test.sh BINARY}")
OSMEM=${OSMEM_SERVER:-$REPO/.venv/bin/osmem-server}
VERSION=$("$BINARY" --version | awk '{print $2}')
V1="$VERSION-0pkgtest1"; V2="$VERSION-0pkgtest2"
ENTRIES=50
passed=0
say() { printf '\033[1m== %s\033[0m\n' "$*"; }
pass() { passed=$((passed + 1)); echo "  ok: $*"; }
fail() { echo "  FAIL: $*" >&2; echo "$passed passed, 1 failed"; exit 1; }
# check DESCRIPTION COMMAND...: the command must succeed.
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }
contains() { grep -qF -- "$2" <<< "$1"; }

[ "$(id -u)" = 0 ] || { echo "package-test: must run as root (it installs the package)" >&2; exit 2; }
[ -x "$OSMEM" ] || { echo "package-test: osmem-server not found at $OSMEM (make deps)" >&2; exit 2; }
installed=$(dpkg-query -W -f '${Version} ${db:Status-Status}' logbridge 2>/dev/null || true)
case "$installed" in
    "" | *" not-installed") ;;
    *pkgtest*) dpkg -P logbridge >/dev/null ;;
    *) echo "package-test: logbridge $installed is installed here and is not a test package; remove it first" >&2; exit 2 ;;
esac

WORK=$(mktemp -d /tmp/lb-pkgtest.XXXXXX)
chmod 0755 "$WORK"     # the service user reads the journal below it
OSMEM_PID=""; SHIP_PID=""
cleanup() {
    [ -n "$SHIP_PID" ] && kill -KILL "$SHIP_PID" 2>/dev/null || true
    [ -n "$OSMEM_PID" ] && kill "$OSMEM_PID" 2>/dev/null || true
    if dpkg-query -W -f '${Version}' logbridge 2>/dev/null | grep -q pkgtest; then dpkg -P logbridge >/dev/null 2>&1 || true; fi
    rm -rf "$WORK"
    [ -n "${A:-}" ] && rm -rf /etc/logbridge /var/cache/logbridge /etc/systemd/system/logbridge.service.d /etc/systemd/system/logbridge.service.d
}
trap cleanup EXIT
started=$(date +%s)

# --- 1. build ---------------------------------------------------------------------------------------------
say "building the packages of $BINARY"
LOGBRIDGE_FAST=1 bash "$REPO/deploy/packaging/build-packages.sh" "$BINARY" "$WORK/dist1" "$VERSION" 0pkgtest1 > /dev/null
LOGBRIDGE_FAST=1 LOGBRIDGE_FORMATS=deb bash "$REPO/deploy/packaging/build-packages.sh" "$BINARY" "$WORK/dist2" "$VERSION" 0pkgtest2 > /dev/null
DEB1="$WORK/dist1/logbridge_${V1}_amd64.deb"; RPM1="$WORK/dist1/logbridge-$VERSION-0pkgtest1.x86_64.rpm"
DEB2="$WORK/dist2/logbridge_${V2}_amd64.deb"
check "three packages built" test -s "$DEB1" -a -s "$RPM1" -a -s "$DEB2"
echo "  built in $(( $(date +%s) - started )) s: $(du -h "$DEB1" | cut -f1) .deb, $(du -h "$RPM1" | cut -f1) .rpm"

# --- 2. inspect --------------------------------------------------------------------------------------------
say "inspecting the .deb"
info=$(dpkg-deb -I "$DEB1")
check "deb: version $V1, amd64" test "$(dpkg-deb -f "$DEB1" Version) $(dpkg-deb -f "$DEB1" Architecture)" = "$V1 amd64"
depends=$(dpkg-deb -f "$DEB1" Depends)
echo "  Depends: $depends"
for dep in libcurl4 libsystemd0 libisal2 libc6; do check "deb depends on $dep" contains "$depends" "$dep"; done
check "deb depends on no Swift runtime" bash -c "! grep -qi swift <<< '$depends'"
check "deb: logbridge.yaml is a conffile" test "$(dpkg-deb --ctrl-tarfile "$DEB1" | tar -xO ./conffiles)" = /etc/logbridge/logbridge.yaml
check "deb: maintainer scripts" contains "$info" "postinst"
contents=$(dpkg-deb -c "$DEB1" | awk '{print $6}')
for path in ./usr/bin/logbridge ./usr/share/logbridge/Mappings/components/ ./usr/share/logbridge/Dashboards/ \
            ./usr/share/logbridge/rules/host-silent.yaml ./lib/systemd/system/logbridge.service \
            ./lib/systemd/system/logbridge-alarms.service ./lib/systemd/system/logbridge-report.service \
            ./lib/systemd/system/logbridge-report.timer ./etc/logbridge/logbridge.yaml \
            ./usr/share/bash-completion/completions/logbridge ./usr/share/zsh/vendor-completions/_logbridge \
            ./usr/share/fish/vendor_completions.d/logbridge.fish ./usr/share/man/man1/logbridge.1.gz \
            ./usr/share/man/man1/logbridge-ship.1.gz ./usr/share/man/man1/logbridge-alarms-run.1.gz \
            ./usr/share/doc/logbridge/copyright ./usr/share/doc/logbridge/docs/configuration.md; do
    check "deb contains $path" contains "$contents" "$path"
done
check "deb: no /var/lib/logbridge in the package (StateDirectory= makes it)" bash -c "! grep -q var/lib <<< '$contents'"
# One man page per command of the argument parser's own tree (help excluded), none hand-written.
commands=$("$BINARY" --experimental-dump-help | python3 -c '
import json, sys
def n(c): return 1 + sum(n(s) for s in c.get("subcommands") or [] if s["commandName"] != "help")
print(n(json.load(sys.stdin)["command"]))')
check "deb: $commands man pages, one per command" test "$(grep -c '^./usr/share/man/man1/.*\.1\.gz$' <<< "$contents")" = "$commands"
dpkg-deb -x "$DEB1" "$WORK/deb-tree"
check "man page renders (man -l)" bash -c "MANWIDTH=100 man -l '$WORK/deb-tree/usr/share/man/man1/logbridge-ship.1.gz' 2>/dev/null | grep -q -- '--config'"
check "bash completion knows the subcommands" grep -q "alarms" "$WORK/deb-tree/usr/share/bash-completion/completions/logbridge"
check "bash completion loads in bash" bash -c "source '$WORK/deb-tree/usr/share/bash-completion/completions/logbridge' && complete -p logbridge >/dev/null"
check "units run /usr/bin/logbridge" grep -q '^ExecStart=/usr/bin/logbridge ship ' "$WORK/deb-tree/lib/systemd/system/logbridge.service"
needed=$(readelf -d "$WORK/deb-tree/usr/bin/logbridge" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
echo "  NEEDED: $needed"
# libstdc++ is linked in (the Makefile's static_link): Debian 12's libstdc++.so needs GLIBCXX_3.4.30.
for lib in $needed; do
    case "$lib" in
        libcurl.so.4 | libsystemd.so.0 | libisal.so.2 | libm.so.6 | libgcc_s.so.1 | libc.so.6 | \
        ld-linux-x86-64.so.2 | libdl.so.2 | libpthread.so.0 | librt.so.1 | libutil.so.1) pass "binary links $lib (expected)" ;;
        *) fail "binary links $lib: not a distribution library the packages declare" ;;
    esac
done

# The O² farm runs Alma/RHEL 9: glibc 2.34 and GCC 11's libstdc++ (GLIBCXX_3.4.29, CXXABI_1.3.13). A symbol
# version above those (Debian 12 has glibc 2.36, GCC 12) makes dnf refuse the .rpm there, so it fails here first.
versions=$(objdump -T "$WORK/deb-tree/usr/bin/logbridge" | grep -oE '\((GLIBC|GLIBCXX|CXXABI)_[0-9.]+\)' | tr -d '()' | sort -uV)
newest() { grep "^$1_" <<< "$versions" | sort -V | tail -1 | sed "s/^$1_//"; }
echo "  newest symbol versions: GLIBC $(newest GLIBC), GLIBCXX $(newest GLIBCXX | grep . || echo none), CXXABI $(newest CXXABI | grep . || echo none)"
within() { [ -z "$2" ] || [ "$(printf '%s\n%s\n' "$2" "$3" | sort -V | tail -1)" = "$3" ]; }   # within NAME FOUND CEILING
check "binary needs no glibc above 2.34 (Alma 9)" \
    within GLIBC "$(newest GLIBC)" 2.34
check "binary needs no libstdc++ above GLIBCXX_3.4.29 (Alma 9)" within GLIBCXX "$(newest GLIBCXX)" 3.4.29
check "binary needs no C++ ABI above CXXABI_1.3.13 (Alma 9)" within CXXABI "$(newest CXXABI)" 1.3.13

say "inspecting the .rpm"
rpminfo=$(rpm -qpil "$RPM1" 2>/dev/null)
check "rpm: name and version" contains "$rpminfo" "Version     : $VERSION"
requires=$(rpm -qp --requires "$RPM1" 2>/dev/null)
echo "  Requires: $(grep -v '^rpmlib\|^/bin/sh' <<< "$requires" | tr '\n' ' ')"
for dep in 'libcurl.so.4()(64bit)' 'libsystemd.so.0()(64bit)' 'libisal.so.2()(64bit)'; do check "rpm requires $dep" contains "$requires" "$dep"; done
check "rpm requires no Swift runtime" bash -c "! grep -qi swift <<< '$requires'"
check "rpm requires nothing newer than Alma 9 has (GLIBC_2.35+, GLIBCXX_3.4.30+, libstdc++)" \
    bash -c "! grep -E 'GLIBC_2\.(3[5-9]|[4-9][0-9])|GLIBCXX_3\.4\.(3[0-9])|libstdc\+\+' <<< '$requires'"
# RHEL's libcurl has no symbol versions: the .rpm's binary asks for none of Debian's (drop-symbol-versions.py).
check "rpm requires libcurl by soname only (no CURL_OPENSSL_4)" bash -c "! grep -q CURL_ <<< '$requires'"
mkdir -p "$WORK/rpm-tree" && (cd "$WORK/rpm-tree" && rpm2cpio "$RPM1" | cpio -idm --quiet ./usr/bin/logbridge)
check "the .rpm's binary asks libcurl.so.4 for no version" bash -c "! readelf -V '$WORK/rpm-tree/usr/bin/logbridge' | grep -q 'File: libcurl'"
check "the .rpm's binary runs (--version)" bash -c "'$WORK/rpm-tree/usr/bin/logbridge' --version 2>&1 | grep -qx 'logbridge $VERSION'"
flags=$(rpm -qp --qf '[%{FILENAMES} %{FILEFLAGS:fflags}\n]' "$RPM1" 2>/dev/null)
check "rpm: logbridge.yaml is %config(noreplace)" contains "$flags" "/etc/logbridge/logbridge.yaml cn"
for path in /usr/bin/logbridge /usr/lib/systemd/system/logbridge.service /usr/share/logbridge/rules/host-silent.yaml \
            /usr/share/zsh/site-functions/_logbridge /usr/share/man/man1/logbridge-setup.1.gz; do
    check "rpm contains $path" contains "$rpminfo" "$path"
done
check "rpm: upgrade restarts the units (postun try-restart)" bash -c "rpm -qp --scripts '$RPM1' 2>/dev/null | grep -q try-restart"

say "linting (each remaining finding is explained in docs/packaging.md)"
check "lintian: no error or warning left" lintian --fail-on error,warning "$DEB1"
check "rpmlint: no error or warning left" rpmlint -c "$REPO/deploy/packaging/rpmlint.toml" "$RPM1"

# --- 3. install --------------------------------------------------------------------------------------------
say "installing $DEB1"
check "dpkg -i" dpkg -i "$DEB1" > /dev/null
cd /
check "logbridge on PATH is /usr/bin/logbridge" test "$(command -v logbridge)" = /usr/bin/logbridge
check "logbridge --version says $VERSION" bash -c "logbridge --version | grep -qx 'logbridge $VERSION'"
check "dashboards lint finds /usr/share/logbridge/Dashboards" bash -c "logbridge dashboards lint > '$WORK/dash.log' 2>&1"
check "rules lint finds the shipped rules and Mappings" bash -c "logbridge rules lint > '$WORK/rules.log' 2>&1 && grep -q 'rule(s) OK' '$WORK/rules.log'"

exec {osmem_out}< <("$OSMEM" --addr 127.0.0.1:0 --no-stdin-watch --parent-pid $$ 2>/dev/null)
OSMEM_PID=$!
read -r -t 30 line <&"$osmem_out"
URL=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["url"])' "$line")
count() { curl -sf "$URL/logs-*/_count" | python3 -c 'import json, sys; print(json.load(sys.stdin)["count"])'; }

mkdir -p "$WORK/journal"
python3 - "$WORK/journal/farm.export" "$ENTRIES" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    for i in range(n):
        f.write(f"__REALTIME_TIMESTAMP={1795912000000000 + i * 1000}\n__MONOTONIC_TIMESTAMP={1000000 + i * 1000}\n"
                f"_BOOT_ID={0xb007:032x}\n_MACHINE_ID={0xabc:032x}\n_HOSTNAME=flp{i % 7}\nPRIORITY=6\n"
                f"SYSLOG_IDENTIFIER=readout\n_PID=1000\n_TRANSPORT=journal\nMESSAGE=pkgtest-{i}\n\n")
PY
/lib/systemd/systemd-journal-remote --split-mode=none -o "$WORK/journal/farm.journal" "$WORK/journal/farm.export" 2>/dev/null
rm "$WORK/journal/farm.export"
# Readable through the group the unit adds (SupplementaryGroups=systemd-journal), as journals are.
chgrp -R systemd-journal "$WORK/journal" && chmod 0750 "$WORK/journal" && chmod 0640 "$WORK/journal"/*

cat > /etc/logbridge/logbridge.yaml <<YAML
# Changed by the package test: upgrades must keep this file.
state_dir: /var/lib/logbridge
output:
  hosts: ["$URL"]
  compression: none
  batch: {flush_interval: 200ms}
inputs:
  - type: journald
    id: pkgtest
    directory: $WORK/journal
    dataset: pkgtest.journal
YAML
config_sum=$(sha256sum /etc/logbridge/logbridge.yaml)
check "setup --dry-run against osmem finds the installed Mappings" \
    bash -c "logbridge setup --dry-run --config /etc/logbridge/logbridge.yaml > '$WORK/setup.log' 2>&1 && grep -q '_index_template' '$WORK/setup.log'"
check "the .rpm's binary (libcurl without versions) does the same through libcurl" \
    bash -c "'$WORK/rpm-tree/usr/bin/logbridge' setup --dry-run --config /etc/logbridge/logbridge.yaml > '$WORK/setup-rpm.log' 2>&1 && grep -q '_index_template' '$WORK/setup-rpm.log'"

# --- 4. the unit's ExecStart as the unit's user -------------------------------------------------------------
say "running the installed unit's ExecStart as its dynamic user"
UNIT=/lib/systemd/system/logbridge.service
read -r -a EXEC <<< "$(sed -n 's/^ExecStart=//p' "$UNIT")"
# DynamicUser= picks a free uid from 61184-65519; StateDirectory= makes /var/lib/logbridge that uid's, 0700.
SVC_UID=61184; while getent passwd "$SVC_UID" > /dev/null || getent group "$SVC_UID" > /dev/null; do SVC_UID=$((SVC_UID + 1)); done
install -d -m 0700 -o "$SVC_UID" -g "$SVC_UID" /var/lib/logbridge
cp "$REPO/Tests/Seccomp/run-under-unit-filter.py" "$WORK/" && chmod 0755 "$WORK/run-under-unit-filter.py"
as_unit() {  # the unit's uid and groups, no new privileges, its UMask= and SystemCallFilter=
    exec setpriv --reuid="$SVC_UID" --regid="$SVC_UID" --groups="$(getent group systemd-journal | cut -d: -f3)" --no-new-privs \
        bash -c 'umask 0077; exec "$@"' _ /usr/bin/python3 "$WORK/run-under-unit-filter.py" "$UNIT" "$@"
}
as_unit "${EXEC[@]}" > "$WORK/ship.log" 2>&1 &
SHIP_PID=$!
for _ in $(seq 1 600); do [ "$(count)" -ge "$ENTRIES" ] && break; kill -0 "$SHIP_PID" 2>/dev/null || break; sleep 0.1; done
check "shipper delivered $ENTRIES journal entries" test "$(count)" = "$ENTRIES"
kill -TERM "$SHIP_PID"
status=0; wait "$SHIP_PID" || status=$?; SHIP_PID=""
check "shipper stopped cleanly on SIGTERM (exit $status)" test "$status" = 0
checkpoint=$(find /var/lib/logbridge -type f -path '*pkgtest*' | head -1)
check "checkpoint written in /var/lib/logbridge ($checkpoint)" test -s "$checkpoint"
check "checkpoint owned by the service uid" test "$(stat -c %u "$checkpoint")" = "$SVC_UID"
checkpoint_sum=$(sha256sum "$checkpoint")

# --- 5. upgrade --------------------------------------------------------------------------------------------
say "upgrading to $V2"
check "dpkg -i (upgrade, no prompt)" bash -c "dpkg -i '$DEB2' < /dev/null > '$WORK/upgrade.log' 2>&1"
check "installed version is $V2" test "$(dpkg-query -W -f '${Version}' logbridge)" = "$V2"
check "configuration kept byte for byte" test "$(sha256sum /etc/logbridge/logbridge.yaml)" = "$config_sum"
check "no .dpkg-dist/.dpkg-old left beside it" bash -c "! ls /etc/logbridge/*.dpkg-* 2>/dev/null"
check "checkpoint kept byte for byte" test "$(sha256sum "$checkpoint")" = "$checkpoint_sum"
check "state directory still the service uid's" test "$(stat -c %u /var/lib/logbridge)" = "$SVC_UID"
(as_unit "${EXEC[@]}" --once) > "$WORK/once.log" 2>&1 || fail "ship --once after the upgrade: $(tail -5 "$WORK/once.log")"
check "the upgraded shipper resumes from the checkpoint (read=0)" grep -q 'summary: read=0 ' "$WORK/once.log"
check "nothing shipped twice ($ENTRIES documents)" test "$(count)" = "$ENTRIES"

# --- 6. downgrade, remove, purge -----------------------------------------------------------------------------
say "downgrade, remove, purge"
check "a downgrade is refused" bash -c "! dpkg -i '$DEB1' > '$WORK/downgrade.log' 2>&1 && grep -q 'refusing to downgrade' '$WORK/downgrade.log'"
check "still $V2 after the refused downgrade" test "$(dpkg-query -W -f '${Version} ${db:Status-Status}' logbridge)" = "$V2 installed"
check "dpkg -r" dpkg -r logbridge > /dev/null
check "remove: binary gone" test ! -e /usr/bin/logbridge
check "remove: configuration kept" test "$(sha256sum /etc/logbridge/logbridge.yaml)" = "$config_sum"
check "remove: checkpoint kept" test "$(sha256sum "$checkpoint")" = "$checkpoint_sum"
check "dpkg -P" dpkg -P logbridge > /dev/null
check "purge: configuration gone" test ! -e /etc/logbridge
check "purge: state gone" test ! -e /var/lib/logbridge
check "purge: package unknown to dpkg" bash -c "! dpkg-query -W logbridge 2>/dev/null | grep -q pkgtest"

# --- 7. the Ansible role -------------------------------------------------------------------------------------
say "the Ansible role against this machine, twice (ansible-playbook -c local, logbridge_manage_service: false)"
A="$WORK/ansible"; mkdir -p "$A"
head -c 24 /dev/urandom | base64 > "$A/vault-pass"
printf 'vault_logbridge_password: pkgtest-secret\n' > "$A/vault.yml"
ansible-vault encrypt --vault-password-file "$A/vault-pass" "$A/vault.yml" > /dev/null 2>&1
check "the credentials file is vault-encrypted" grep -q '^\$ANSIBLE_VAULT' "$A/vault.yml"
printf '[flp]\nlocalhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n\n[logbridge:children]\nflp\n' > "$A/inventory.ini"
cat > "$A/play.yml" <<PLAY
- hosts: logbridge
  vars_files: [vault.yml]
  vars:
    logbridge_package_file: $DEB1
    logbridge_output_hosts: ["$URL"]
    logbridge_password: "{{ vault_logbridge_password }}"
    # Read by root in this test (setup --dry-run below); under systemd it is the LoadCredential= copy.
    logbridge_password_file: /etc/logbridge/password
    # osmem speaks plain HTTP on loopback; a farm uses https:// and the CA.
    logbridge_output_extra: {compression: none, allow_insecure_credentials: true}
    logbridge_manage_service: false
    logbridge_group_inputs:
      flp:
        - {type: infologger, id: infologger, mode: server, listen: "127.0.0.1:6006"}
  roles: [logbridge]
PLAY
play() {
    (cd "$A" && ANSIBLE_ROLES_PATH="$REPO/deploy/ansible/roles" ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 \
        ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_INVENTORY_UNPARSED_WARNING=0 \
        ansible-playbook -i inventory.ini --vault-password-file vault-pass play.yml) > "$A/$1.log" 2>&1 \
        || fail "ansible-playbook ($1): $(tail -25 "$A/$1.log")"
    grep -E '^localhost +: ' "$A/$1.log" | sed 's/^/  /'
}
play run1
check "first run changed the node" grep -Eq '^localhost +: ok=[0-9]+ +changed=[1-9]' "$A/run1.log"
check "the role installed the package" test "$(dpkg-query -W -f '${Version} ${db:Status-Status}' logbridge)" = "$V1 installed"
check "logbridge.yaml names the cluster" grep -qF "$URL" /etc/logbridge/logbridge.yaml
check "logbridge.yaml has every node's input and the flp group's" \
    bash -c "grep -q 'id: system' /etc/logbridge/logbridge.yaml && grep -q 'id: infologger' /etc/logbridge/logbridge.yaml"
check "the password from the vault, 0400 root" test "$(cat /etc/logbridge/password) $(stat -c %a:%U /etc/logbridge/password)" = "pkgtest-secret 400:root"
check "the mappings were installed once (setup changed the cluster)" \
    bash -c "grep -A1 'Install the mappings' '$A/run1.log' | grep -q '^changed: \[localhost\]'"
check "the written logbridge.yaml loads (setup --dry-run with it: nothing left to install)" \
    bash -c "logbridge setup --dry-run --config /etc/logbridge/logbridge.yaml > '$A/dry.log' 2>&1 && ! grep -Eqw 'would (create|update)' '$A/dry.log'"
play run2
check "second run: changed=0" grep -Eq '^localhost +: ok=[0-9]+ +changed=0 ' "$A/run2.log"
check "dpkg -P after the role" dpkg -P logbridge > /dev/null
rm -rf /etc/logbridge /var/cache/logbridge /etc/systemd/system/logbridge.service.d

echo "package test: $(( $(date +%s) - started )) s"
echo "$passed passed, 0 failed"
