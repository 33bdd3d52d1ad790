"""``make load`` (and .ci/run after the tests): the read API and the dashboard under load, on PostgreSQL.

A fresh database (LOAD_DATABASE, default roadmap_load, dropped and created on the server of DATABASE_URL,
default postgres://postgres@127.0.0.1:5432) seeded with the demo estate; gunicorn with 2 workers on
loopback; wrk with 16 connections for LOAD_SECONDS (default 30) cycling over the dashboard (a logged-in
prosecutor's session), the summary API and the facility list API (the prosecutor's token), the public
national page (/public/) and the public API's nation (/api/public/v1/nation/).
Prints requests/s, latency percentiles and errors; exits non-zero on any error (an answer other than
200, or a socket error) or when wrk is missing. The load database is dropped at the end, whether the run
passed or failed (also on SIGTERM or Ctrl-C); LOAD_KEEP_DATABASE=1 keeps it for a look.
``python bench/load.py --drop`` only drops it (.ci/run calls it from its exit trap).
``public_ratio()`` is ``make bench``'s step "public" (bench/run.py): the same machinery, the dashboard and
the public national page measured one after the other.
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SECONDS = int(os.environ.get("LOAD_SECONDS", "30"))
DB = os.environ.get("LOAD_DATABASE", "roadmap_load")
SERVER = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres").rsplit("/", 1)[0]
# The internal dashboard and read API (the prosecutor's session and token), and the public site (no login;
# the credentials sent are ignored there).
PATHS = ["/", "/api/v1/summary/", "/api/v1/facilities/?page_size=20", "/public/", "/api/public/v1/nation/"]
ENV = {
    **os.environ,
    "DATABASE_URL": f"{SERVER}/{DB}",
    "DJANGO_SETTINGS_MODULE": "roadmap_portal.settings",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECRET_KEY": "load-" + "x" * 60,
    "LOG_LEVEL": "ERROR",
    # Capacity, not the limits: one token and one session make every request, which the per-user and
    # per-token throttles would otherwise answer with 429 (tested in tests/security).
    "API_THROTTLE_USER": "off",
    "API_THROTTLE_TOKEN": "off",
}
for name in ("CELERY_BROKER_URL", "REDIS_URL"):  # reads only: no broker, no Redis needed
    ENV.pop(name, None)


def log(message):
    print(f"-- {message}", flush=True)


def run(*command, capture=True) -> str:
    done = subprocess.run(command, cwd=ROOT, env=ENV, capture_output=capture, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def credentials() -> tuple[str, str]:
    """The demo prosecutor's API token and a session cookie for the pages."""
    code = """
import django; django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from core.tokens import issue_token
user = get_user_model().objects.get(username="prosecutor")
session = SessionStore()
session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(issue_token(user, days=1)[1], f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
"""
    token, cookie = run(PY, "-c", code).split()
    return token, cookie


def psql(sql: str) -> str:
    """Run ``sql`` on the server's ``postgres`` database (autocommit: CREATE / DROP DATABASE)."""
    return run(
        PY,
        "-c",
        f"import psycopg2; c = psycopg2.connect('{SERVER}/postgres'); "
        f"c.autocommit = True; c.cursor().execute('''{sql}''')",
    )


def drop_database() -> None:
    """Drop the load database (LOAD_DATABASE) if it exists, closing its connections."""
    psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')


def main() -> int:
    """The load run: create and seed the database, serve, drive wrk, print the figures; drop it at the end."""
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally below when killed
    drop_database()
    psql(f'CREATE DATABASE "{DB}"')
    try:
        return _load()
    finally:
        if os.environ.get("LOAD_KEEP_DATABASE") != "1":
            drop_database()
            log(f"load database {DB} dropped")


def seed() -> tuple[str, str]:
    """Migrate and seed the load database (the demo estate and its first release); returns the demo
    prosecutor's API token and session cookie (credentials)."""
    started = time.monotonic()
    run(PY, "manage.py", "migrate", "--noinput")
    run(PY, "manage.py", "seed_demo")
    token, cookie = credentials()
    log(f"demo database {DB} seeded in {time.monotonic() - started:.0f} s")
    return token, cookie


@contextlib.contextmanager
def serve() -> Iterator[int]:
    """gunicorn with 2 workers on a free loopback port (yielded), stopped on leaving."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "roadmap_portal.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=ENV,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=15)


def check(port: int, paths: list[str], token: str = "", cookie: str = "") -> None:
    """Each path answers 200 to these credentials (not a redirect to the login); SystemExit otherwise."""
    headers = {
        name: value for name, value in (("Authorization", token and f"Token {token}"), ("Cookie", cookie)) if value
    }
    for path in paths:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            if response.status != 200 or response.url != f"http://127.0.0.1:{port}{path}":
                raise SystemExit(f"{path}: {response.status} {response.url}")


def wrk(port: int, paths: list[str], seconds: int, token: str = "", cookie: str = "") -> dict:
    """wrk with 16 connections (2 threads) for ``seconds`` round-robin over ``paths`` (bench/wrk_load.lua;
    ``token`` and ``cookie`` sent on every request when given). Returns {"output", "requests", "rps",
    "p50", "p90", "p99", "not_ok", "non2xx", "socket_errors", "errors"}."""
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c16",
            f"-d{seconds}s",
            "--timeout",
            "20s",
            "--latency",
            "-s",
            str(ROOT / "bench" / "wrk_load.lua"),
            f"http://127.0.0.1:{port}/",
        ],
        env={**os.environ, "TOKEN": token, "COOKIE": cookie, "PATHS": ",".join(paths)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    percentiles = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)", output, re.M))
    not_ok = int(re.search(r"not 200: (\d+)", output).group(1))
    non2xx_match = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    non2xx = int(non2xx_match.group(1)) if non2xx_match else 0
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    socket_errors = sum(map(int, sockets.groups())) if sockets else 0
    return {
        "output": output,
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": percentiles.get("50"),
        "p90": percentiles.get("90"),
        "p99": percentiles.get("99"),
        "not_ok": not_ok,
        "non2xx": non2xx,
        "socket_errors": socket_errors,
        "errors": not_ok + non2xx + socket_errors,
    }


def _load() -> int:
    token, cookie = seed()
    with serve() as port:
        check(port, PATHS, token, cookie)
        log(f"wrk: 16 connections, {SECONDS} s, round-robin over {', '.join(PATHS)}")
        result = wrk(port, PATHS, SECONDS, token, cookie)
    print(result["output"])
    errors = result["errors"]
    print(
        f"LOAD: {result['requests']} requests in {SECONDS} s, {result['rps']:.1f} requests/s, p50 {result['p50']}, "
        f"p90 {result['p90']}, p99 {result['p99']}; errors: {errors} "
        f"(answers other than 200: {result['not_ok']}, socket errors: {result['socket_errors']})"
    )
    if result["requests"] == 0 or errors:
        print("LOAD FAILED: the portal answered with errors under load", file=sys.stderr)
        return 1
    return 0


#: ``make bench`` step "public" (bench/run.py): the internal dashboard with a prosecutor's session, and the
#: public national page anonymously, one after the other against the same server.
DASHBOARD, PUBLIC_PAGE = "/", "/public/"


def settle(port: int, path: str = "/public/", limit: float = 120) -> None:
    """Wait until the server has worked off the requests a finished wrk run left queued (a probe of
    ``path`` answers within 0.5 s), so that one measurement does not pay for the previous one's backlog;
    at most ``limit`` seconds."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=limit) as response:
                response.read()
        except OSError:
            pass
        if time.monotonic() - started < 0.5:
            return


def public_ratio(seconds: int = SECONDS) -> dict:
    """Seed a fresh load database with the demo (and its first release), serve it with gunicorn (2
    workers) and measure with wrk, ``seconds`` each, the public national page ("/public/", no cookie: as
    the public reads it) and then the dashboard ("/", the demo prosecutor's session cookie), the server
    settled between them (settle). Returns
    {"dashboard": wrk(...), "public": wrk(...), "ratio": public rps / dashboard rps}. The database is
    dropped at the end (LOAD_KEEP_DATABASE=1 keeps it)."""
    drop_database()
    psql(f'CREATE DATABASE "{DB}"')
    try:
        _token, cookie = seed()
        with serve() as port:
            check(port, [DASHBOARD], cookie=cookie)
            check(port, [PUBLIC_PAGE])
            wrk(port, [DASHBOARD, PUBLIC_PAGE], 3, cookie=cookie)  # warm both workers
            settle(port)
            public = wrk(port, [PUBLIC_PAGE], seconds)
            settle(port)
            dashboard = wrk(port, [DASHBOARD], seconds, cookie=cookie)
    finally:
        if os.environ.get("LOAD_KEEP_DATABASE") != "1":
            drop_database()
    return {"dashboard": dashboard, "public": public, "ratio": public["rps"] / max(dashboard["rps"], 1e-9)}


if __name__ == "__main__":
    if sys.argv[1:] == ["--drop"]:
        drop_database()
        sys.exit(0)
    sys.exit(main())
