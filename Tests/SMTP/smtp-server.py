"""A real SMTP server for the e-mail tests of `logbridge report --mail` (Tests/ReportsTests/ReportMailTests.swift).

aiosmtpd (installed into .venv by `make deps`) on 127.0.0.1 and a port the system chooses, printed as one JSON
line ({"port": N}) once it listens. Each message it accepts goes to DIR as N.eml (the bytes received) beside N.json
(the envelope, whether the session was under TLS, the login used), written by rename so a reader never sees half
of one. Recipients at refused.example.org are refused (550). The server exits on SIGTERM and when its parent does.

usage: smtp-server.py DIR [--cert PEM --key PEM [--implicit-tls]] [--require-starttls] [--login USER:PASSWORD]

With --implicit-tls the certificate serves SMTPS (TLS from the first byte) instead of STARTTLS.
"""
import argparse
import asyncio
import json
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Store:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().endswith("@refused.example.org"):
            return "550 5.1.1 <%s>: no such mailbox here" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.directory, str(self.count))
        meta = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
                "login": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None}
        for suffix, data in ((".eml", envelope.original_content), (".json", json.dumps(meta).encode())):
            with open(base + suffix + ".tmp", "wb") as f:
                f.write(data)
            os.rename(base + suffix + ".tmp", base + suffix)
        return "250 2.0.0 Message accepted"


def main():
    # A test thread's blocked signals are inherited through posix_spawn: SIGTERM must end this server all the same.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--implicit-tls", action="store_true")
    p.add_argument("--require-starttls", action="store_true")
    p.add_argument("--login")
    a = p.parse_args()

    context = None
    if a.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(a.cert, a.key)
    user, password = (a.login.split(":", 1) if a.login else (None, None))

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
            and auth_data.password.decode() == password
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    store = Store(a.dir)

    def factory():
        # Under implicit TLS aiosmtpd knows of no STARTTLS, so its own "login needs TLS" check must be off.
        return SMTP(store, hostname="smtp.test", tls_context=None if a.implicit_tls else context,
                    require_starttls=a.require_starttls, authenticator=authenticator if user else None,
                    auth_required=user is not None, auth_require_tls=not a.implicit_tls)

    async def serve():
        server = await asyncio.get_running_loop().create_server(factory, "127.0.0.1", 0,
                                                                    ssl=context if a.implicit_tls else None)
        print(json.dumps({"port": server.sockets[0].getsockname()[1]}), flush=True)
        parent = os.getppid()
        while os.getppid() == parent:
            await asyncio.sleep(0.2)

    asyncio.run(serve())


if __name__ == "__main__":
    sys.exit(main())
