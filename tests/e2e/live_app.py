"""Runs the real app (`reflex run --env prod --single-port`) in a subprocess for browser tests.

Each instance has its own data folder, SQLite database, .web build folder and port,
so several test processes can run side by side, and `restart()` is a real restart.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from hitrec_app.settings import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveApp:
    def __init__(
        self,
        workdir: Path,
        *,
        demo: bool = True,
        extra_env: dict[str, str] | None = None,
        root: Path | None = None,
    ):
        # `root`: the source tree the app runs from (default: this one); the bench runs an
        # older commit's tree from a separate git worktree this way.
        self.root = root or PROJECT_ROOT
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://localhost:{self.port}"
        self.log_path = workdir / "server.log"
        self.demo = demo
        self.proc: subprocess.Popen | None = None
        data = workdir / "data"
        data.mkdir(parents=True, exist_ok=True)
        web = workdir / ".web"
        bun = PROJECT_ROOT / ".tools/node_modules/bun/bin/bun.exe"
        self.env = {
            **os.environ,
            "HITREC_DATA_DIR": str(data),
            "HITREC_DATABASE_URL": f"sqlite:///{data / 'e2e.db'}",
            "REFLEX_UPLOADED_FILES_DIR": str(data / "uploads"),
            "HITREC_SECRET_KEY": "e2e-secret-key",
            "REFLEX_WEB_WORKDIR": str(web),
            "REFLEX_STATES_WORKDIR": str(workdir / ".states"),
            "REFLEX_BUN_PATH": str(bun),
            "REFLEX_TELEMETRY_ENABLED": "false",
            "REFLEX_CHECK_LATEST_VERSION": "false",
            "PYTHONUNBUFFERED": "1",
            **({"PYTHONPATH": str(self.root)} if root is not None else {}),
            **(extra_env or {}),
        }
        self.env.pop("REFLEX_REDIS_URL", None) if "REFLEX_REDIS_URL" not in (
            extra_env or {}
        ) else None
        self._prepare()

    def _run(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, *args],
            cwd=self.root,
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def _prepare(self) -> None:
        self._run("-m", "alembic", "upgrade", "head")
        if self.demo:
            self._run("-m", "hitrec_app.cli", "demo")

    def start(self, timeout: float = 240) -> LiveApp:
        reflex = Path(sys.executable).parent / "reflex"
        # The server writes its log to its own copy of the file handle.
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    str(reflex),
                    "run",
                    "--env",
                    "prod",
                    "--single-port",
                    "--frontend-port",
                    str(self.port),
                    "--backend-port",
                    str(self.port),
                    "--loglevel",
                    "info",
                ],
                cwd=self.root,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"app exited early; see {self.log_path}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/ping", timeout=2) as resp:  # noqa: S310
                    if resp.status == 200:
                        with urllib.request.urlopen(self.url, timeout=5):  # noqa: S310
                            return self
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"app did not start in {timeout}s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=10)
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, n: int = 60) -> str:
        return "\n".join(self.log_text().splitlines()[-n:])
