#!/usr/bin/env python3
"""Makes an ELF executable's references to one shared library unversioned, in place.

    drop-symbol-versions.py BINARY SONAME

build-packages.sh runs it on the .rpm's copy of the binary for libcurl.so.4. Debian's libcurl versions its
symbols (CURL_OPENSSL_4), so a binary linked on Debian 12 asks for `curl_easy_init@CURL_OPENSSL_4`; Fedora's and
RHEL's libcurl has no symbol versions (it provides only `libcurl.so.4()(64bit)`), so rpmbuild's generated
`libcurl.so.4(CURL_OPENSSL_4)(64bit)` makes dnf refuse the package on Alma 9, and if that requirement were only
filtered out, ld.so would stop the binary at start ("check_match: Assertion ... failed", measured here against a
library built without versions). With the references unversioned (each symbol's .gnu.version entry 1, the
library's entry unlinked from .gnu.version_r) the binary binds to either libcurl, as one linked on Alma 9 would.

Only the version tables are rewritten; no section moves or changes size, so the result is checked by
`readelf -V` and by running it. Exits 1 when SONAME has no version needs (nothing to do is an error: the
caller expects it).
"""
import struct
import sys

SHT_DYNAMIC, SHT_GNU_VERNEED, SHT_GNU_VERSYM = 6, 0x6FFFFFFE, 0x6FFFFFFF
DT_VERNEED, DT_VERNEEDNUM = 0x6FFFFFFE, 0x6FFFFFFF


def main(path: str, soname: str) -> int:
    with open(path, "rb") as f:
        elf = bytearray(f.read())
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        sys.exit(f"{path}: not a little-endian ELF64 file")
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", elf, 0x3A)
    sections = []   # (header offset, type, addr, offset, size, link, info)
    for i in range(shnum):
        h = shoff + i * shentsize
        _, sh_type, _, addr, off, size, link, info = struct.unpack_from("<IIQQQQII", elf, h)
        sections.append((h, sh_type, addr, off, size, link, info))
    by_type = {s[1]: s for s in sections}
    if SHT_GNU_VERNEED not in by_type or SHT_GNU_VERSYM not in by_type:
        sys.exit(f"{path}: no symbol version tables")
    vn_hdr, _, vn_addr, vn_off, vn_size, vn_link, vn_count = by_type[SHT_GNU_VERNEED]
    strtab = sections[vn_link][3]

    def name(offset: int) -> str:
        return elf[strtab + offset:elf.index(b"\0", strtab + offset)].decode()

    entries = []   # (offset, vn_cnt, vn_file, vn_aux, vn_next)
    at = vn_off
    for _ in range(vn_count):
        _, cnt, file, aux, nxt = struct.unpack_from("<HHIII", elf, at)
        entries.append((at, cnt, file, aux, nxt))
        at += nxt
    target = next((i for i, e in enumerate(entries) if name(e[2]) == soname), None)
    if target is None:
        print(f"{path}: no version needs for {soname}", file=sys.stderr)
        return 1
    at, cnt, _, aux, nxt = entries[target]
    indices, versions, a = set(), [], at + aux
    for _ in range(cnt):
        _, _, other, vname, anext = struct.unpack_from("<IHHII", elf, a)
        indices.add(other & 0x7FFF)
        versions.append(name(vname))
        a += anext

    # Every symbol bound to one of those versions becomes a plain global reference (index 1).
    _, _, _, vs_off, vs_size, _, _ = by_type[SHT_GNU_VERSYM]
    cleared = 0
    for o in range(vs_off, vs_off + vs_size, 2):
        v, = struct.unpack_from("<H", elf, o)
        if (v & 0x7FFF) in indices:
            struct.pack_into("<H", elf, o, 1)
            cleared += 1

    # Unlink the library's entry from the chain; the bytes stay where they are, unreferenced.
    if target == 0:
        if nxt == 0:
            sys.exit(f"{path}: {soname} is the only version need; not handled")
        new_addr, new_off = vn_addr + nxt, vn_off + nxt
        struct.pack_into("<QQQ", elf, vn_hdr + 0x10, new_addr, new_off, vn_size - nxt)
    else:
        prev = entries[target - 1][0]
        prev_next, = struct.unpack_from("<I", elf, prev + 12)
        struct.pack_into("<I", elf, prev + 12, 0 if nxt == 0 else prev_next + nxt)
    struct.pack_into("<I", elf, vn_hdr + 0x2C, vn_count - 1)   # sh_info: the number of entries
    _, _, _, dyn_off, dyn_size, _, _ = by_type[SHT_DYNAMIC]
    for o in range(dyn_off, dyn_off + dyn_size, 16):
        tag, val = struct.unpack_from("<qQ", elf, o)
        if tag == DT_VERNEEDNUM:
            struct.pack_into("<Q", elf, o + 8, val - 1)
        elif tag == DT_VERNEED and target == 0:
            struct.pack_into("<Q", elf, o + 8, val + nxt)

    with open(path, "r+b") as f:
        f.write(elf)
    print(f"{path}: {cleared} references to {soname} no longer ask for {', '.join(versions)}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: drop-symbol-versions.py BINARY SONAME")
    sys.exit(main(sys.argv[1], sys.argv[2]))
