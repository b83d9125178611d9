#!/usr/bin/env bash
# Builds logbridge_<version>-<release>_amd64.deb and logbridge-<version>-<release>.x86_64.rpm from a binary
# already built with the Swift runtime linked in (--static-swift-stdlib), see docs/packaging.md.
#
#   build-packages.sh BINARY OUT_DIR [VERSION] [RELEASE]
#
# VERSION defaults to the binary's own (`logbridge --version`), RELEASE to 1; LOGBRIDGE_FORMATS="deb" (or "rpm")
# builds only one. LOGBRIDGE_FAST=1 compresses with gzip -1 instead of xz/zstd -19 (the package test: the
# debug binary is ~100 MB and the machine has 2 cores). Everything generated (man pages,
# shell completions) comes from running BINARY, so the pages match the command line that is packaged.
# Needs dpkg-dev (dpkg-deb, dpkg-shlibdeps), rpm (rpmbuild), patchelf, python3.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
binary="$(realpath "$1")"; out="$(mkdir -p "$2" && realpath "$2")"
version="${3:-$("$binary" --version | awk '{print $2}')}"
release="${4:-1}"
maintainer="${LOGBRIDGE_MAINTAINER:-LogBridge maintainers <logbridge-maintainers@example.org>}"
url="${LOGBRIDGE_URL:-https://github.com/logbridge/logbridge}"
# Reproducible: file times, man page dates and archive members from the last commit, not the clock.
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
umask 022

# --- the tree both packages install (paths differing per family are moved below) ---
stage="$work/stage"
install -D -m 0755 "$binary" "$stage/usr/bin/logbridge"
# Debug information and symbol tables are not shipped (Debian policy, and the release binary shrinks ~4x).
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$stage/usr/bin/logbridge"
# SwiftPM links with RUNPATH $ORIGIN for the shared runtime beside the binary; with the runtime linked in it is
# only a way for a library dropped into /usr/bin to be loaded (rpmlint: binary-or-shlib-defines-rpath).
patchelf --remove-rpath "$stage/usr/bin/logbridge"
if ldd "$stage/usr/bin/logbridge" | grep -q 'libswift\|libFoundation\|libdispatch'; then
    echo "build-packages: $binary links the Swift runtime dynamically; build it with --static-swift-stdlib" >&2
    exit 1
fi
share="$stage/usr/share/logbridge"
mkdir -p "$share"
cp -r "$root/Mappings" "$root/Dashboards" "$share/"
cp -r "$root/deploy/rules" "$share/rules"
install -D -m 0644 "$root/deploy/logbridge.yaml" "$stage/etc/logbridge/logbridge.yaml"
doc="$stage/usr/share/doc/logbridge"
install -D -m 0644 "$root/README.md" "$doc/README.md"
mkdir -p "$doc/docs" && cp "$root"/docs/*.md "$doc/docs/"

# Man pages and completions from the argument parser's own definitions.
python3 "$here/gen-man.py" "$stage/usr/bin/logbridge" "$stage/usr/share/man/man1" "$version" >/dev/null
gzip -9n "$stage"/usr/share/man/man1/*.1
# bash-completion sources the file: the generator's #! line would only draw a lintian warning.
"$stage/usr/bin/logbridge" --generate-completion-script bash | sed '1{/^#!/d}' > "$work/logbridge.bash"
"$stage/usr/bin/logbridge" --generate-completion-script zsh > "$work/_logbridge"
"$stage/usr/bin/logbridge" --generate-completion-script fish > "$work/logbridge.fish"
install -D -m 0644 "$work/logbridge.bash" "$stage/usr/share/bash-completion/completions/logbridge"
install -D -m 0644 "$work/logbridge.fish" "$stage/usr/share/fish/vendor_completions.d/logbridge.fish"
find "$stage" -type d -exec chmod 0755 {} +
find "$stage" -type f ! -path '*/usr/bin/*' -exec chmod 0644 {} +

formats=" ${LOGBRIDGE_FORMATS:-deb rpm} "
if [ "${LOGBRIDGE_FAST:-}" = 1 ]; then deb_compress=(-Zgzip -z1); rpm_payload=w1.gzdio
else deb_compress=(-Zxz); rpm_payload=w19.zstdio; fi
if [[ $formats == *" deb "* ]]; then
deb="$work/deb"
cp -a "$stage" "$deb"
install -D -m 0644 "$root/deploy/systemd/logbridge.service" "$deb/lib/systemd/system/logbridge.service"
install -D -m 0644 "$root/deploy/systemd/logbridge-alarms.service" "$deb/lib/systemd/system/logbridge-alarms.service"
install -D -m 0644 "$root/deploy/systemd/logbridge-report.service" "$deb/lib/systemd/system/logbridge-report.service"
install -D -m 0644 "$root/deploy/systemd/logbridge-report.timer" "$deb/lib/systemd/system/logbridge-report.timer"
install -D -m 0644 "$work/_logbridge" "$deb/usr/share/zsh/vendor-completions/_logbridge"
install -D -m 0644 "$here/debian/copyright" "$deb/usr/share/doc/logbridge/copyright"
install -D -m 0644 "$here/debian/lintian-overrides" "$deb/usr/share/lintian/overrides/logbridge"
printf 'logbridge (%s-%s) unstable; urgency=medium\n\n  * Package built from the LogBridge repository; see README.md for the changes.\n\n -- %s  %s\n' \
    "$version" "$release" "$maintainer" "$(date -u -R -d "@$SOURCE_DATE_EPOCH")" | gzip -9n > "$deb/usr/share/doc/logbridge/changelog.Debian.gz"
mkdir -p "$deb/DEBIAN"
for script in preinst postinst prerm postrm; do
    sed "s/@VERSION@/$version-$release/g" "$here/debian/$script" > "$deb/DEBIAN/$script"
    chmod 0755 "$deb/DEBIAN/$script"
done
echo /etc/logbridge/logbridge.yaml > "$deb/DEBIAN/conffiles"
# Depends from the binary's ELF dependencies and Debian's shlibs files (libc6, libcurl4, libsystemd0,
# libisal2, libstdc++6, libgcc-s1 on Debian 12), as dh_shlibdeps would write them.
mkdir -p "$work/shlibs/debian" && printf 'Source: logbridge\n\nPackage: logbridge\nArchitecture: amd64\n' > "$work/shlibs/debian/control"
depends="$(cd "$work/shlibs" && dpkg-shlibdeps -O "$deb/usr/bin/logbridge" | sed -n 's/^shlibs:Depends=//p')"
cat > "$deb/DEBIAN/control" <<CONTROL
Package: logbridge
Version: $version-$release
Architecture: amd64
Maintainer: $maintainer
Installed-Size: $(du -sk --exclude=DEBIAN "$deb" | cut -f1)
Depends: $depends
Section: admin
Priority: optional
Homepage: $url
Description: ships logs to Elasticsearch/OpenSearch as ECS documents, raises alarms
 LogBridge reads the journal, syslog (UDP/TCP/TLS), log files and ALICE
 InfoLogger messages, maps them to ECS and delivers them to Elasticsearch or
 OpenSearch with _bulk, once: deterministic document ids, and checkpoints that
 move only after the cluster acknowledged. It installs index templates and
 lifecycle policies (logbridge setup), keeps dashboards and runs alarm rules.
 The Swift runtime is linked into the binary.
CONTROL
find "$deb" -newermt "@$SOURCE_DATE_EPOCH" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
dpkg-deb --root-owner-group "${deb_compress[@]}" --build "$deb" "$out/logbridge_${version}-${release}_amd64.deb" >/dev/null

echo "$out/logbridge_${version}-${release}_amd64.deb"
fi

if [[ $formats == *" rpm "* ]]; then
rpmroot="$work/rpmstage"
cp -a "$stage" "$rpmroot"
# Fedora's and RHEL's libcurl has no symbol versions: the .rpm's binary asks for plain curl_* symbols instead of
# Debian's CURL_OPENSSL_4, which dnf could not satisfy and ld.so would refuse (drop-symbol-versions.py).
python3 "$here/drop-symbol-versions.py" "$rpmroot/usr/bin/logbridge" libcurl.so.4 >/dev/null
install -D -m 0644 "$root/deploy/systemd/logbridge.service" "$rpmroot/usr/lib/systemd/system/logbridge.service"
install -D -m 0644 "$root/deploy/systemd/logbridge-alarms.service" "$rpmroot/usr/lib/systemd/system/logbridge-alarms.service"
install -D -m 0644 "$root/deploy/systemd/logbridge-report.service" "$rpmroot/usr/lib/systemd/system/logbridge-report.service"
install -D -m 0644 "$root/deploy/systemd/logbridge-report.timer" "$rpmroot/usr/lib/systemd/system/logbridge-report.timer"
install -D -m 0644 "$work/_logbridge" "$rpmroot/usr/share/zsh/site-functions/_logbridge"
sed -e "s/@VERSION@/$version/g" -e "s/@RELEASE@/$release/g" -e "s|@STAGE@|$rpmroot|" -e "s|@URL@|$url|" \
    -e "s/@MAINTAINER@/$maintainer/g" -e "s/@CHANGELOG_DATE@/$(date -u -d "@$SOURCE_DATE_EPOCH" '+%a %b %d %Y')/" \
    -e "s/@LICENSE@/${LOGBRIDGE_LICENSE:-LicenseRef-not-yet-chosen}/" "$here/logbridge.spec.in" > "$work/logbridge.spec"
rpmbuild -bb --quiet --target x86_64 \
    --define "_topdir $work/rpmbuild" --define "_rpmdir $out" \
    --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
    --define "_binary_payload $rpm_payload" --define "use_source_date_epoch_as_buildtime 1" --define "clamp_mtime_to_source_date_epoch 1" \
    "$work/logbridge.spec" >/dev/null
echo "$out/logbridge-${version}-${release}.x86_64.rpm"
fi
