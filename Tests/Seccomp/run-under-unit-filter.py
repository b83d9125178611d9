#!/usr/bin/python3
"""Runs a command under the system-call filter a systemd unit file declares, without systemd.

    run-under-unit-filter.py UNIT_FILE COMMAND [ARGS...]

Reads the unit's SystemCallFilter= lines and applies them the way systemd does (systemd.exec(5)): the first
line decides the mode (allow-list unless it starts with `~`; an allow-list also permits @default), later
lines add to or take away from that list in order, and `@group` names are expanded with
`systemd-analyze syscall-filter`, the same tables systemd compiles in. A call outside the list kills the
whole process with SIGSYS (systemd's action when SystemCallErrorNumber= is not set), so an exit status of
128 + 31 = 159 means the unit and the code disagree. The filter is loaded with libseccomp (Debian:
python3-seccomp), then the command is exec'ed and inherits it, as under systemd.

Also applied, as systemd applies them with seccomp: RestrictAddressFamilies= (socket() of another family fails
with EAFNOSUPPORT) and MemoryDenyWriteExecute= (writable and executable mappings fail with EPERM).
"""
import errno
import os
import re
import socket
import subprocess
import sys

import seccomp

def groups():
    """Every @group systemd knows, name -> members (system calls and nested @groups), from one
    `systemd-analyze syscall-filter` listing."""
    out = subprocess.run(["systemd-analyze", "syscall-filter"], check=True, capture_output=True, text=True).stdout
    table, current = {}, None
    for line in out.splitlines():
        if line.startswith("@"):
            current = table.setdefault(line.strip(), [])
        elif current is not None and line.strip() and not line.strip().startswith("#"):
            current.append(line.strip())
        elif not line.strip():
            current = None
    return table


GROUPS = groups()


def expand(name, seen=None):
    """The system calls of `name`: itself, or every member of the @group, nested groups expanded."""
    if not name.startswith("@"):
        return {name}
    if name not in GROUPS:
        sys.exit(f"unknown system call group {name}")
    seen = seen if seen is not None else set()
    result = set()
    for member in GROUPS[name]:
        if member not in seen:
            seen.add(member)
            result |= expand(member, seen)
    return result


def unit_settings(path):
    """The [Service] section's assignments, in order, continuation lines joined."""
    settings = []
    section = None
    with open(path) as f:
        text = re.sub(r"\\\n", " ", f.read())
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = line
            continue
        if section == "[Service]" and "=" in line:
            key, value = line.split("=", 1)
            settings.append((key.strip(), value.strip()))
    return settings


def syscall_filter(lines):
    """(allow_list, names) after applying every SystemCallFilter= line in order."""
    allow_list = None
    names = set()
    for value in lines:
        if not value:  # an empty assignment resets the filter
            allow_list, names = None, set()
            continue
        invert = value.startswith("~")
        items = value[1:].split() if invert else value.split()
        if allow_list is None:
            allow_list = not invert
            if allow_list:
                names |= expand("@default")
        for item in items:
            calls = expand(item.split(":", 1)[0])  # `name:errno` sets a per-call errno; the name is what counts
            # An inverted line in allow-list mode (or a plain one in deny-list mode) takes the calls away.
            if invert == allow_list:
                names -= calls
            else:
                names |= calls
    return allow_list, names


def add_rule(f, action, name, *args):
    try:
        f.add_rule(action, name, *args)
    except (RuntimeError, ValueError, OSError):
        pass  # a name this kernel or libseccomp does not know: systemd skips it too


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    unit, command = sys.argv[1], sys.argv[2:]
    settings = unit_settings(unit)
    allow_list, names = syscall_filter([v for k, v in settings if k == "SystemCallFilter"])
    if allow_list is None:
        sys.exit(f"{unit}: no SystemCallFilter=")

    # systemd loads these before the system-call filter, which would forbid loading more (seccomp is not in
    # @system-service).
    families = [v for k, v in settings if k == "RestrictAddressFamilies"]
    if families and families[-1] and not families[-1].startswith("~"):
        allowed = {getattr(socket, fam) for fam in families[-1].split()}
        g = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        for fam in range(0, 64):
            if fam not in allowed:
                add_rule(g, seccomp.ERRNO(errno.EAFNOSUPPORT), "socket", seccomp.Arg(0, seccomp.EQ, fam))
        g.load()

    if dict(settings).get("MemoryDenyWriteExecute") == "yes":
        prot_write, prot_exec = 0x2, 0x4
        h = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        deny = seccomp.ERRNO(errno.EPERM)
        add_rule(h, deny, "mmap", seccomp.Arg(2, seccomp.MASKED_EQ, prot_write | prot_exec, prot_write | prot_exec))
        add_rule(h, deny, "mprotect", seccomp.Arg(2, seccomp.MASKED_EQ, prot_exec, prot_exec))
        add_rule(h, deny, "pkey_mprotect", seccomp.Arg(2, seccomp.MASKED_EQ, prot_exec, prot_exec))
        h.load()

    kill = seccomp.KILL_PROCESS
    if allow_list:
        f = seccomp.SyscallFilter(defaction=kill)
        for name in sorted(names):
            add_rule(f, seccomp.ALLOW, name)
    else:
        f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        for name in sorted(names):
            add_rule(f, kill, name)
    f.load()

    os.execv(command[0], command)


if __name__ == "__main__":
    main()
