"""Small stand-ins on 127.0.0.1 for the services csm talks to: Linear's GraphQL API (the operations listed in
docs/integrations.md, dispatched on the operation name) and Claude's OAuth usage endpoint."""
import json
import re
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

XSS_DESCRIPTION = ('Steps:\n\n1. Open **login**\n2. <img src=x onerror="window.__xss=1">\n\n'
                   '<script>window.__xss=2</script>\n\n[click](javascript:window.__xss=3)')


def iso(delta_hours=0):
    return (datetime.now(timezone.utc) + timedelta(hours=delta_hours)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class _Server:
    def start(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                owner.handle(self, "GET", None)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                owner.handle(self, "POST", self.rfile.read(length))

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        if getattr(self, "httpd", None):
            self.httpd.shutdown()
            self.httpd.server_close()

    @staticmethod
    def reply(handler, status, body):
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)


class FakeLinear(_Server):
    """Team ENG with five states, issues ENG-1 (a description full of markup) and ENG-2, comments kept."""

    def __init__(self):
        self.team = {"id": "team-eng", "key": "ENG", "name": "Engineering"}
        self.states = [
            {"id": "st-backlog", "name": "Backlog", "type": "backlog", "color": "#bec2c8", "position": 0},
            {"id": "st-todo", "name": "Todo", "type": "unstarted", "color": "#e2e2e2", "position": 1},
            {"id": "st-progress", "name": "In Progress", "type": "started", "color": "#f2c94c", "position": 2},
            {"id": "st-done", "name": "Done", "type": "completed", "color": "#5e6ad2", "position": 3},
            {"id": "st-canceled", "name": "Canceled", "type": "canceled", "color": "#95a2b3", "position": 4},
        ]
        self.viewer = {"id": "user-1", "name": "Test User", "displayName": "test"}
        self.issues = [
            self._issue("1", "Fix the <b>login</b> redirect", XSS_DESCRIPTION, 2, "st-progress"),
            self._issue("2", "Add a dark theme", "Make it **follow the system**.\n\n- light\n- dark", 3, "st-todo"),
        ]
        self.comments = {"1": [{"id": "c-1", "body": "First look: it's the `next` parameter.", "createdAt": iso(-5),
                                "updatedAt": iso(-5), "user": dict(self.viewer, avatarUrl=None)}], "2": []}
        self.requests = []

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d/graphql" % self.port

    def _issue(self, number, title, description, priority, state_id):
        labels = ["High", "Medium", "Low"]
        return {"id": "issue-" + number, "identifier": "ENG-" + number, "title": title,
                "url": "https://linear.app/acme/issue/ENG-" + number, "description": description,
                "priority": priority, "priorityLabel": {1: "Urgent", 2: "High", 3: "Medium", 4: "Low"}.get(priority, "No priority"),
                "createdAt": iso(-48), "updatedAt": iso(-int(number)), "stateId": state_id,
                "assignee": self.viewer if number else None, "labelNames": ["bug"] if number == "1" else []}

    def render(self, issue):
        state = next(s for s in self.states if s["id"] == issue["stateId"])
        out = {k: v for k, v in issue.items() if k not in ("stateId", "labelNames")}
        out["state"] = {k: state[k] for k in ("id", "name", "type", "color")}
        out["team"] = self.team
        out["labels"] = {"nodes": [{"id": "lbl-" + n, "name": n, "color": "#eb5757"} for n in issue["labelNames"]]}
        return out

    def find(self, ident):
        for issue in self.issues:
            if ident in (issue["id"], issue["identifier"]):
                return issue
        return None

    def handle(self, handler, method, body):
        if method != "POST":
            return self.reply(handler, 404, {})
        request = json.loads(body or b"{}")
        query = request.get("query", "")
        variables = request.get("variables") or {}
        match = re.search(r"(query|mutation)\s+(\w+)", query)
        operation = match.group(2) if match else ""
        self.requests.append((operation, variables))
        page = lambda nodes: {"nodes": nodes, "pageInfo": {"hasNextPage": False, "endCursor": None}}
        if operation == "Viewer":
            data = {"viewer": self.viewer}
        elif operation == "MyIssues":
            data = {"viewer": dict(self.viewer, assignedIssues=page([self.render(i) for i in self.issues]))}
        elif operation == "SearchIssues":
            term = variables.get("term", "").lower()
            found = [self.render(i) for i in self.issues if term in (i["title"] + " " + i["identifier"]).lower()]
            data = {"searchIssues": page(found)}
        elif operation in ("Issue", "IssueComments"):
            issue = self.find(variables.get("id", ""))
            if not issue:
                return self.reply(handler, 200, {"data": None, "errors": [{"message": "Entity not found: Issue",
                                                                           "extensions": {"code": "ENTITY_NOT_FOUND"}}]})
            if operation == "Issue":
                data = {"issue": self.render(issue)}
            else:
                data = {"issue": {"comments": {"nodes": self.comments[issue["identifier"].split("-")[1]]}}}
        elif operation == "WorkflowStates":
            data = {"workflowStates": {"nodes": [dict(s, team=self.team) for s in self.states]}}
        elif operation == "Teams":
            data = {"teams": {"nodes": [dict(self.team, labels={"nodes": []})]}}
        elif operation == "UpdateIssueState":
            issue = self.find(variables.get("id", ""))
            issue["stateId"] = variables["stateId"]
            data = {"issueUpdate": {"success": True, "issue": self.render(issue)}}
        elif operation == "CreateComment":
            issue = self.find(variables.get("issueId", ""))
            comment = {"id": "c-%d" % time.time_ns(), "body": variables["body"], "createdAt": iso(), "updatedAt": iso(),
                       "user": dict(self.viewer, avatarUrl=None)}
            self.comments[issue["identifier"].split("-")[1]].append(comment)
            data = {"commentCreate": {"success": True, "comment": comment}}
        else:
            return self.reply(handler, 200, {"errors": [{"message": "unknown operation " + operation}]})
        self.reply(handler, 200, {"data": data})


class FakeUsage(_Server):
    """Claude's OAuth usage endpoint: 5-hour window 62 % used, weekly 35 %, Opus 81 %."""

    def __init__(self):
        self.requests = 0

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.port

    def handle(self, handler, method, body):
        if handler.path != "/api/oauth/usage":
            return self.reply(handler, 404, {})
        self.requests += 1
        self.reply(handler, 200, {
            "five_hour": {"utilization": 62.0, "resets_at": iso(2)},
            "seven_day": {"utilization": 35.0, "resets_at": iso(24 * 4)},
            "seven_day_opus": {"utilization": 81.0, "resets_at": iso(24 * 4)},
            "seven_day_sonnet": None,
        })
