#!/usr/bin/python3
"""Man pages from the command line's own definitions, never written by hand.

    gen-man.py LOGBRIDGE_BINARY OUT_DIR VERSION

Runs `LOGBRIDGE_BINARY --experimental-dump-help` (swift-argument-parser's JSON description of every command,
option, default and help text) and writes one man(7) page per command into OUT_DIR: logbridge.1 for the
top level and logbridge-<sub>[-<subsub>].1 for each subcommand, the way git names its pages. A help text
changed in the Swift sources changes the page at the next package build.
"""
import datetime
import json
import os
import subprocess
import sys


def esc(text):
    """Text safe for roff: backslashes escaped, a leading dot or quote neutralised, hyphens literal."""
    text = (text or "").replace("\\", "\\e").replace("-", "\\-")
    lines = []
    for line in text.split("\n"):
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def text_of(value):
    """Help texts are strings; newer argument parsers may give a discussion as {kind: text}."""
    if isinstance(value, dict):
        return "\n".join(str(v) for v in value.values() if isinstance(v, str))
    return value or ""


def flag_names(arg):
    names = []
    for n in arg.get("names") or []:
        dash = "-" if n["kind"] in ("short", "longWithSingleDash") else "--"
        names.append(dash + n["name"])
    return names


def synopsis(path, cmd):
    parts = []
    for arg in cmd.get("arguments") or []:
        if not arg.get("shouldDisplay", True):
            continue
        if arg["kind"] == "positional":
            item = "<" + arg.get("valueName", "value") + ">"
        else:
            names = flag_names(arg)
            item = names[0] if names else ""
            if arg["kind"] == "option":
                item += " <" + arg.get("valueName", "value") + ">"
        if arg.get("isRepeating"):
            item += " ..."
        if arg.get("isOptional"):
            item = "[" + item + "]"
        parts.append(item)
    if cmd.get("subcommands"):
        parts.append("<subcommand>")
    return "\\fB" + esc(" ".join(path)) + "\\fR " + esc(" ".join(parts))


def page(path, cmd, version, date):
    name = "-".join(path)
    out = [f'.TH "{name.upper()}" "1" "{date}" "logbridge {version}" "LogBridge Manual"',
           ".SH NAME", f"{esc(name)} \\- {esc(text_of(cmd.get('abstract')))}",
           ".SH SYNOPSIS", synopsis(path, cmd)]
    discussion = text_of(cmd.get("discussion"))
    if discussion:
        out.append(".SH DESCRIPTION")
        for para in discussion.strip().split("\n\n"):
            lines = para.split("\n")
            # Indented lines (examples) keep their layout; the rest is filled by the formatter.
            if any(l.startswith("  ") for l in lines[1:]):
                out += [".PP", esc(lines[0]), ".nf"] + [esc(l.strip()) for l in lines[1:]] + [".fi"]
            else:
                out += [".PP", esc(" ".join(l.strip() for l in lines))]
    args = [a for a in cmd.get("arguments") or [] if a.get("shouldDisplay", True)]
    if args:
        out.append(".SH OPTIONS")
        for arg in args:
            if arg["kind"] == "positional":
                head = "\\fI<" + esc(arg.get("valueName", "value")) + ">\\fR"
            else:
                head = ", ".join("\\fB" + esc(n) + "\\fR" for n in flag_names(arg))
                if arg["kind"] == "option":
                    head += " \\fI<" + esc(arg.get("valueName", "value")) + ">\\fR"
            body = text_of(arg.get("abstract"))
            if arg.get("allValues"):
                body += " (values: " + ", ".join(arg["allValues"]) + ")"
            if arg.get("defaultValue") not in (None, ""):
                body += " (default: " + str(arg["defaultValue"]) + ")"
            out += [".TP", head, esc(body)]
            extra = text_of(arg.get("discussion"))
            if extra:
                out.append(esc(extra))
    subs = [s for s in cmd.get("subcommands") or [] if s.get("shouldDisplay", True)]
    if subs:
        out.append(".SH SUBCOMMANDS")
        for s in subs:
            out += [".TP", "\\fB" + esc(s["commandName"]) + "\\fR",
                    esc(text_of(s.get("abstract"))) + " See \\fB" + esc("-".join(path + [s["commandName"]])) + "\\fR(1)."]
    out += [".SH SEE ALSO"]
    related = ["-".join(path[:-1])] if len(path) > 1 else []
    related += ["-".join(path + [s["commandName"]]) for s in subs]
    if related:
        out.append(", ".join("\\fB" + esc(r) + "\\fR(1)" for r in related) + ",")
    out.append("/usr/share/doc/logbridge/README.md and /usr/share/doc/logbridge/docs/ (configuration.md: every key of"
               " /etc/logbridge/logbridge.yaml).")
    return "\n".join(out) + "\n"


def walk(path, cmd, emit):
    emit(path, cmd)
    for s in cmd.get("subcommands") or []:
        if s.get("shouldDisplay", True) and s["commandName"] != "help":
            walk(path + [s["commandName"]], s, emit)


def main():
    binary, out_dir, version = sys.argv[1:4]
    info = json.loads(subprocess.run([binary, "--experimental-dump-help"], check=True, capture_output=True,
                                     text=True).stdout)
    # SOURCE_DATE_EPOCH keeps the pages (and so the packages) reproducible.
    stamp = int(os.environ.get("SOURCE_DATE_EPOCH", "0")) or None
    date = (datetime.datetime.fromtimestamp(stamp, datetime.timezone.utc) if stamp
            else datetime.datetime.now(datetime.timezone.utc)).strftime("%Y-%m-%d")
    os.makedirs(out_dir, exist_ok=True)
    written = []

    def emit(path, cmd):
        name = "-".join(path) + ".1"
        with open(os.path.join(out_dir, name), "w") as f:
            f.write(page(path, cmd, version, date))
        written.append(name)

    walk([info["command"]["commandName"]], info["command"], emit)
    print(f"{len(written)} man page(s) in {out_dir}")


if __name__ == "__main__":
    main()
