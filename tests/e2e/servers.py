"""Real servers for end-to-end tests: Daphne subprocesses and a cuttable TCP relay.

A Daphne started here serves the *test* database pytest-django created, so the
test must commit its data: mark it ``django_db(transaction=True)``.
"""

import fcntl
import os
import random
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
# The fixtures that start or lend a Daphne (tests/fixtures/servers.py).
SERVER_FIXTURES = {"daphne", "daphne_factory", "worker_daphne"}
START_TIMEOUT = 30  # seconds for Daphne to import the app and listen
# Daphne, told to stop, waits for its open connections (sockets a closed browser context
# left half-open) up to its own 10 s: a test is over by then, so it is killed after this.
STOP_GRACE_SECONDS = 2


# Under pytest-xdist each worker draws its ports from a range of its own, below Linux's
# ephemeral ports (32768 and up, which connecting sockets take): a port one worker drew
# for a Daphne cannot be drawn by another worker, nor taken by an outgoing connection,
# before that Daphne binds it, nor while it restarts on it.
PORTS_PER_WORKER = 1000
FIRST_WORKER_PORT = 20000


def worker_ports(worker: str = os.environ.get("PYTEST_XDIST_WORKER", "")) -> range | None:
    """The ports of this pytest-xdist worker (gw0, gw1…), or None outside xdist."""
    if not worker.startswith("gw"):
        return None
    start = FIRST_WORKER_PORT + int(worker[2:]) * PORTS_PER_WORKER
    return range(start, start + PORTS_PER_WORKER)


def free_port() -> int:
    """A loopback port nobody listens on: one of this worker's, or any the system gives."""
    ports = worker_ports()
    for port in random.sample(ports, 50) if ports else ():
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue  # another engineer's run, or a Daphne of this worker
            return port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop_process(process: subprocess.Popen) -> None:
    """Asked to stop, then killed if it has not after ``STOP_GRACE_SECONDS``."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for ``config.settings`` naming the same (test) database."""
    engine = settings_dict["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        path = Path(settings_dict["NAME"]).resolve()
        return f"sqlite:///{path}"  # the path is absolute: sqlite:////abs/path
    if engine == "django.db.backends.postgresql":
        user = quote(settings_dict.get("USER") or "", safe="")
        password = quote(settings_dict.get("PASSWORD") or "", safe="")
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
        name = quote(settings_dict["NAME"], safe="")
        return f"postgres://{credentials}{host}{port}/{name}"
    raise ValueError(f"no DATABASE_URL for {engine}")


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


_collected_var_dir: Path | None = None


def collected_var_dir(tmp_path_factory) -> Path:
    """A ``PANIERS_VAR_DIR`` whose ``static/`` holds ``collectstatic``'s hashed, gzipped
    copies, as after ``make run``: made once per test run, for every Daphne of every
    pytest-xdist worker (the first worker to need it makes it while the others wait)."""
    global _collected_var_dir
    if _collected_var_dir is None:
        # The workers' temporary folders share a parent: the run's own folder.
        shared = tmp_path_factory.getbasetemp()
        if os.environ.get("PYTEST_XDIST_WORKER"):
            shared = shared.parent
        var_dir = shared / "collected-var"
        with (shared / "collected-var.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (var_dir / "done").exists():
                var_dir.mkdir(exist_ok=True)
                env = dict(os.environ)
                env.update(
                    DJANGO_SETTINGS_MODULE="config.settings",
                    PANIERS_VAR_DIR=str(var_dir),
                    SECRET_KEY=settings.SECRET_KEY,
                )
                subprocess.run(
                    [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
                    cwd=BASE_DIR,
                    env=env,
                    check=True,
                    stdin=subprocess.DEVNULL,
                )
                (var_dir / "done").touch()
        _collected_var_dir = var_dir
    return _collected_var_dir


class DaphneServer:
    """One ``daphne config.asgi:application`` process on a free loopback port."""

    def __init__(self, name: str, env: dict[str, str], log_path: Path):
        self.name = name
        self.env = env
        self.log_path = log_path
        self.port = 0
        self.redis_url = ""
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> "DaphneServer":
        # The port is free when drawn but another process may take it before Daphne
        # binds: then Daphne exits at once and another port is drawn.
        for _attempt in range(3):
            self.port = free_port()
            if self._spawn():
                return self
        raise RuntimeError(f"{self.name} did not start:\n{self.log()}")

    def restart(self) -> "DaphneServer":
        """Stops the process and starts a new one on the same port and database, as when
        the facilitator's laptop restarts the app: pages keep their URLs and reconnect."""
        self.stop()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._spawn():  # the old socket may linger a moment before the port frees
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not restart:\n{self.log()}")
            time.sleep(0.2)
        return self

    def _spawn(self) -> bool:
        """One Daphne on ``self.port``; False when it exited at once (port taken)."""
        with self.log_path.open("ab") as log:
            log.write(f"--- {self.name}: daphne on 127.0.0.1:{self.port}\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "daphne",
                    "-b",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                    "config.asgi:application",
                ],
                cwd=BASE_DIR,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self._wait_until_listening()

    def _wait_until_listening(self) -> bool:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            if port_open(self.port):
                return True
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} not listening after {START_TIMEOUT} s:\n{self.log()}")

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def log(self, since: int = 0) -> str:
        try:
            with self.log_path.open("rb") as log:
                log.seek(since)
                return log.read().decode(errors="replace")
        except OSError:
            return "(no log)"


def daphne_env(
    settings_dict: dict,
    redis_url: str,
    channel_layer: str = "core",
    layer_prefix: str = "",
    extra: dict[str, str] | None = None,
    var_dir: Path | None = None,
) -> dict[str, str]:
    """The environment of a Daphne that serves the test database.

    Processes given the same ``redis_url`` and ``layer_prefix`` share broadcasts. With a
    ``var_dir`` (``collected_var_dir()``), static files are served as after ``make run``.
    """
    env = dict(os.environ)
    for name in ("REDIS_URL", "PUBLIC_URL", "PANIERS_STATS"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="tests.e2e.server_settings",
        CHANNEL_LAYER_PREFIX=layer_prefix or "paniers",
        DATABASE_URL=database_url(settings_dict),
        SECRET_KEY=settings.SECRET_KEY,  # same signed sessions as the test process
        CHANNEL_LAYER=channel_layer,
        PYTHONUNBUFFERED="1",
        LOG_LEVEL=os.environ.get("LOG_LEVEL", "INFO"),
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    if var_dir is not None:
        env["PANIERS_VAR_DIR"] = str(var_dir)
    env.update(extra or {})
    return env


class Relay:
    """A loopback TCP relay in front of Daphne that a test can cut, like a lost Wi-Fi.

    ``cut()`` drops every relayed connection at the TCP level (no websocket close
    frame, so the browser sees an abnormal closure, code 1006) and refuses new
    ones until ``restore()``.
    """

    def __init__(self, target_port: int):
        self.target_port = target_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._online = True
        self._closed = threading.Event()
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)
        self._acceptor.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cut(self) -> None:
        with self._lock:
            self._online = False
            doomed, self._sockets = self._sockets, set()
        for sock in doomed:
            _drop(sock)

    def restore(self) -> None:
        with self._lock:
            self._online = True

    def close(self) -> None:
        self._closed.set()
        self.cut()
        self._acceptor.join(5)
        self._listener.close()

    def _accept_loop(self) -> None:
        while not self._closed.is_set():
            try:
                client, _address = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                _drop(client)
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            with self._lock:
                online = self._online
                if online:
                    self._sockets.update((client, upstream))
            if not online:
                _drop(client)
                _drop(upstream)
                continue
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._sockets.difference_update((source, sink))
            _drop(source)
            _drop(sink)


def _drop(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked in recv()
    except OSError:
        pass
    sock.close()
