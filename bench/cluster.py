"""Real server processes for the load benchmark and the multi-node tests.

A `Node` is what one machine runs: a data folder (read model, search index, audit chain),
gunicorn with several workers that only read the index, and one `index follow` process.
Several nodes may share one PostgreSQL event store.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flask_command(data_dir: str, event_store: str, *args: str, stdin: str | None = None) -> str:
    """Runs `flask --app wiki ARGS` for a data folder; returns its output or raises."""
    env = {**os.environ, "WIKI_DATA_DIR": data_dir, "WIKI_EVENT_STORE": event_store,
           "WIKI_INDEX_FOLLOWER": "none"}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wiki", *args], cwd=ROOT, env=env,
                            input=stdin, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)}: {result.stderr[-2000:]}")
    return result.stdout


def wait_for(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    """Until `url` answers (a server just started); RuntimeError if its process ends or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


class Node:
    def __init__(self, data_dir: str, event_store: str, workers: int = 2, secret_key: str = "bench-secret-key"):
        self.data_dir = str(data_dir)
        self.event_store = event_store
        self.workers = workers
        self.port = free_port()
        self.env = {**os.environ, "WIKI_DATA_DIR": self.data_dir, "WIKI_EVENT_STORE": event_store,
                    "WIKI_INDEX_FOLLOWER": "none", "WIKI_SECRET_KEY": secret_key,
                    "WIKI_BIND": f"127.0.0.1:{self.port}", "WIKI_WORKERS": str(workers)}
        self.server: subprocess.Popen | None = None
        self.follower: subprocess.Popen | None = None
        self.own_follower = True  # False: the master runs it (`WIKI_INDEX_FOLLOWER` `process`)
        self._logs: list = []

    @property
    def address(self) -> tuple[str, int]:
        return "127.0.0.1", self.port

    def _log(self, name: str):
        handle = open(Path(self.data_dir).parent / f"{Path(self.data_dir).name}-{name}.log", "ab")
        self._logs.append(handle)
        return handle

    def start(self, timeout: float = 60.0) -> "Node":
        Path(self.data_dir).mkdir(parents=True, exist_ok=True)
        self.server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:wiki.gunicorn_config", "wiki:create_app()"],
            cwd=ROOT, env=self.env, stdout=self._log("gunicorn"), stderr=subprocess.STDOUT)
        if self.own_follower:
            self.start_follower()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.server.returncode}; see its log beside {self.data_dir}")
            try:
                if self.get("/api/v1/health")[0] == 200 and len(self.worker_pids()) == self.workers:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer")

    def start_follower(self) -> None:
        self.follower = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wiki", "index", "follow", "--poll", "0.05"],
            cwd=ROOT, env=self.env, stdout=self._log("follower"), stderr=subprocess.STDOUT)

    def children(self) -> dict[int, str]:
        """The master's children and their command lines."""
        found = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == self.server.pid:
                    found[int(stat.parent.name)] = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
        return found

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: the master's children but an index follower it runs."""
        return sorted(pid for pid, command in self.children().items() if "index follow" not in command)

    def follower_pids(self) -> list[int]:
        """The index follower processes the master runs (`WIKI_INDEX_FOLLOWER` `process`)."""
        return sorted(pid for pid, command in self.children().items() if "index follow" in command)

    def kill_worker(self) -> int:
        """kill -9 of one worker; gunicorn's master starts another."""
        pid = self.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill_follower(self) -> None:
        self.follower.send_signal(signal.SIGKILL)
        self.follower.wait(timeout=30)

    def request(self, method: str, path: str, body=None, token: str | None = None,
                timeout: float = 30.0) -> tuple[int, dict | str]:
        connection = http.client.HTTPConnection(*self.address, timeout=timeout)
        try:
            headers = {"Content-Type": "application/json"} if body is not None else {}
            if token:
                headers["Authorization"] = f"Bearer {token}"
            connection.request(method, quote(path, safe="/?&=%:,"), body=json.dumps(body) if body is not None else None, headers=headers)
            response = connection.getresponse()
            data = response.read().decode()
            if response.getheader("Content-Type", "").startswith("application/json"):
                return response.status, json.loads(data)
            return response.status, data
        finally:
            connection.close()

    def get(self, path: str, token: str | None = None) -> tuple[int, dict | str]:
        return self.request("GET", path, token=token)

    def token(self, username: str, password: str) -> str:
        status, body = self.request("POST", "/api/v1/tokens", {"username": username, "password": password})
        if status != 201:
            raise RuntimeError(f"sign-in as {username}: {status} {body}")
        return body["token"]

    def stop(self) -> None:
        for process in (self.follower, self.server):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in (self.follower, self.server):
            if process is not None:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        for handle in self._logs:
            handle.close()

    def __enter__(self) -> "Node":
        return self.start()

    def __exit__(self, *_) -> None:
        self.stop()
