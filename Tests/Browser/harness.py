"""A real `csm server` for the browser tests: a temp git repo, csm.yaml with sessions running the fake agent
on a private tmux socket, a fake Linear (GraphQL) and a fake Claude usage endpoint, and helpers that play
Claude Code's part (hook events POSTed with the session's secret, transcript lines appended)."""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid

from fakes import FakeLinear, FakeUsage

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CSM = os.environ.get("CSM_BINARY", os.path.join(ROOT, ".build", "debug", "csm"))
FAKE_AGENT = os.path.join(ROOT, "Tests", "Fixtures", "bin", "fake-agent")
HAS_INTEGRATIONS = os.path.isdir(os.path.join(ROOT, "Sources", "CSMIntegrations"))


def run(*args, cwd=None):
    return subprocess.run(args, cwd=cwd, check=True, capture_output=True, text=True).stdout


class World:
    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="csm-browser-")
        self.socket = "csm-browser-%d" % os.getpid()
        self.state = os.path.join(self.root, "state")
        self.repo = os.path.join(self.root, "repo")
        self.transcripts = os.path.join(self.root, "transcripts")
        os.makedirs(self.transcripts)
        self.server = None
        self.linear = FakeLinear()
        self.usage = FakeUsage()
        self.output = []
        self.base = None
        self.login_url = None

    # ---- set-up -------------------------------------------------------------------------------------------
    def start(self, sessions):
        os.makedirs(self.repo)
        run("git", "init", "-q", "-b", "main", cwd=self.repo)
        run("git", "config", "user.email", "t@example.com", cwd=self.repo)
        run("git", "config", "user.name", "Test", cwd=self.repo)
        with open(os.path.join(self.repo, "README.md"), "w") as f:
            f.write("# app\n\nline one\nline two\nline three\n")
        run("git", "add", ".", cwd=self.repo)
        run("git", "commit", "-q", "-m", "first", cwd=self.repo)
        self.linear.start()
        self.usage.start()
        creds = os.path.join(self.root, "credentials.json")
        with open(creds, "w") as f:
            json.dump({"claudeAiOauth": {"accessToken": "sk-ant-oat-test", "expiresAt": int(time.time() * 1000) + 3600_000,
                                         "subscriptionType": "max"}}, f)
        self.write_config(sessions)
        env = dict(os.environ)
        env.update({"CSM_TMUX_SOCKET": self.socket, "CSM_STATE_DIR": self.state, "NO_COLOR": "1", "SHELL": "/bin/sh"})
        env.pop("TMUX", None)
        if os.environ.get("CSM_WEB_DIR_DEV"):
            env["CSM_WEB_DIR"] = os.environ["CSM_WEB_DIR_DEV"]
        self.server = subprocess.Popen([CSM, "server", "--listen", "127.0.0.1:0"], cwd=self.root, env=env,
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.time() + 120
        while time.time() < deadline and not (self.base and self.login_url):
            if self.server.poll() is not None:
                raise RuntimeError("csm server exited: " + "".join(self.output))
            time.sleep(0.1)
        if not self.login_url:
            raise RuntimeError("csm server printed no login link: " + "".join(self.output))

    def config_text(self, sessions):
        lines = [
            "# browser test workspace", "version: 1", "workspace: web", "defaults:", "  worktreeBase: ./worktrees",
            "  agent:", "    command: " + FAKE_AGENT, "    env:", "      FAKE_AGENT_LOG: " + os.path.join(self.root, "agent.log"),
            "repos:", "  app:", "    path: ./repo", "    baseBranch: main", "    scripts:", "      test: echo tests-ok",
            "sessions:",
        ]
        for name, fields in sessions.items():
            lines.append("  %s:" % name)
            lines.append("    repo: app")
            for key, value in fields.items():
                lines.append("    %s: %s" % (key, json.dumps(value)))
        lines += ["server:", "  reconcile:", "    interval: 1h", "integrations:", "  linear:", "    apiKey: lin_test_key",
                  "    endpoint: " + self.linear.endpoint]
        if HAS_INTEGRATIONS:
            lines[-1:-1] = []
            lines += ["  claude:", "    baseURL: " + self.usage.base,
                      "    credentialsFile: " + os.path.join(self.root, "credentials.json")]
        return "\n".join(lines) + "\n"

    def write_config(self, sessions):
        with open(os.path.join(self.root, "csm.yaml"), "w") as f:
            f.write(self.config_text(sessions))

    def _read(self):
        for line in self.server.stdout:
            self.output.append(line)
            m = re.search(r"on (http://127\.0\.0\.1:\d+)", line)
            if m:
                self.base = m.group(1)
            m = re.search(r"(http://127\.0\.0\.1:\d+/\?login=[0-9a-f]+)", line)
            if m:
                self.login_url = m.group(1)

    def stop(self):
        if self.server and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.server.kill()
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
        self.linear.stop()
        self.usage.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    # ---- API ----------------------------------------------------------------------------------------------
    @property
    def token(self):
        with open(os.path.join(self.state, "token")) as f:
            return f.read().strip()

    def api(self, method, path, body=None, auth=True):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if auth:
            request.add_header("Authorization", "Bearer " + self.token)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                text = response.read().decode()
                return response.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as error:
            text = error.read().decode()
            return error.code, (json.loads(text) if text.startswith("{") else text)

    def session(self, name):
        return self.api("GET", "/api/sessions/" + name)[1]

    def tmux_sessions(self):
        result = subprocess.run(["tmux", "-L", self.socket, "list-sessions", "-F", "#{session_name}"],
                                capture_output=True, text=True)
        return result.stdout.split()

    def wait(self, predicate, timeout=60, what="condition"):
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.2)
        raise AssertionError("timed out waiting for " + what)

    def worktree(self, name):
        return os.path.join(self.root, "worktrees", "web", name)

    # ---- playing Claude Code ------------------------------------------------------------------------------
    def hook(self, session, event, **fields):
        """POSTs one hook payload as `csm hook` would; returns the decoded answer."""
        secret_path = os.path.join(self.state, "workspaces", "web", "sessions", session, "hook-secret")
        with open(secret_path) as f:
            secret = f.read().strip()
        payload = {"session_id": self.conversation(session), "transcript_path": self.transcript(session),
                   "cwd": self.worktree(session), "permission_mode": "default", "hook_event_name": event}
        payload.update(fields)
        request = urllib.request.Request(self.base + "/api/hooks/" + session, data=json.dumps(payload).encode(),
                                         method="POST", headers={"X-CSM-Hook-Secret": secret,
                                                                 "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=300) as response:
            return json.loads(response.read().decode() or "{}")

    def hook_async(self, session, event, **fields):
        result = {}

        def go():
            try:
                result["answer"] = self.hook(session, event, **fields)
            except Exception as error:  # reported by the test that reads it
                result["error"] = error
        thread = threading.Thread(target=go, daemon=True)
        thread.start()
        return thread, result

    def conversation(self, session):
        return str(uuid.uuid5(uuid.NAMESPACE_DNS, session))

    def transcript(self, session):
        return os.path.join(self.transcripts, session + ".jsonl")

    def append_transcript(self, session, record):
        record.setdefault("uuid", str(uuid.uuid4()))
        record.setdefault("timestamp", time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()))
        record.setdefault("sessionId", self.conversation(session))
        with open(self.transcript(session), "a") as f:
            f.write(json.dumps(record) + "\n")

    def say(self, session, text, message_id=None):
        self.append_transcript(session, {"type": "assistant", "message": {
            "id": message_id or "msg_" + uuid.uuid4().hex[:12], "model": "claude-sonnet-4-5", "role": "assistant",
            "content": [{"type": "text", "text": text}],
            "usage": {"input_tokens": 12, "output_tokens": 30, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}}})

    def prompt(self, session, text):
        self.append_transcript(session, {"type": "user", "message": {"role": "user", "content": text}})

    def tool_use(self, session, tool_id, name, tool_input):
        self.append_transcript(session, {"type": "assistant", "message": {
            "id": "msg_" + uuid.uuid4().hex[:12], "model": "claude-sonnet-4-5", "role": "assistant",
            "content": [{"type": "tool_use", "id": tool_id, "name": name, "input": tool_input}],
            "usage": {"input_tokens": 5, "output_tokens": 9}}})

    def tool_result(self, session, tool_id, content, is_error=False):
        self.append_transcript(session, {"type": "user", "message": {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": tool_id, "content": content, "is_error": is_error}]}})
