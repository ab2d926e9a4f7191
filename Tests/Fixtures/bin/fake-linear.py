#!/usr/bin/env python3
"""A tiny fake of Linear's GraphQL API for browser and TUI tests written in Python.

Serves the same sample data as the Swift FakeLinearServer (CSMTestSupport): team ENG (Backlog, Todo,
In Progress, Done, Canceled; labels bug, feature), team OPS (Todo, Done), viewer "Test User", issues
ENG-1 (In Progress, 2 comments), ENG-2 (Todo), ENG-3 (Done), OPS-1 (someone else's). It dispatches on
the operation name csm sends (docs/integrations.md) and keeps changes in memory.

Usage: fake-linear.py [--port N] [--key KEY]   (port 0 = free port; prints "listening on PORT")
Then set integrations.linear.endpoint to http://127.0.0.1:PORT/graphql and apiKey to KEY (default
lin_test_key). POST /fail with {"kind": "ratelimit"|"unauthorized"|"graphql"|"malformed", "retryAfter": 5}
makes the next request fail that way.
"""
import argparse, datetime, json, re, signal, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TEAMS = [{"id": "team-eng", "key": "ENG", "name": "Engineering"}, {"id": "team-ops", "key": "OPS", "name": "Operations"}]
STATES = [("state-backlog", "Backlog", "backlog", 0, "team-eng"), ("state-todo", "Todo", "unstarted", 1, "team-eng"),
          ("state-progress", "In Progress", "started", 2, "team-eng"), ("state-done", "Done", "completed", 3, "team-eng"),
          ("state-canceled", "Canceled", "canceled", 4, "team-eng"), ("ops-todo", "Todo", "unstarted", 0, "team-ops"),
          ("ops-done", "Done", "completed", 1, "team-ops")]
STATES = [{"id": i, "name": n, "type": t, "color": "#888888", "position": p, "teamId": team} for i, n, t, p, team in STATES]
LABELS = [{"id": "label-bug", "name": "bug", "color": "#eb5757", "teamId": "team-eng"},
          {"id": "label-feature", "name": "feature", "color": "#4ea7fc", "teamId": "team-eng"}]
USERS = {"user-me": {"id": "user-me", "name": "Test User", "displayName": "test"},
         "user-other": {"id": "user-other", "name": "Other Person", "displayName": "other"}}
ISSUES = [
    dict(id="issue-1", identifier="ENG-1", title="Fix the login page", description="Users cannot log in.\n\n- steps", priority=2,
         stateId="state-progress", teamId="team-eng", assigneeId="user-me", labelIds=["label-bug"], updatedAt="2026-11-24T09:00:00.000Z"),
    dict(id="issue-2", identifier="ENG-2", title="Add dark mode", description=None, priority=3, stateId="state-todo",
         teamId="team-eng", assigneeId="user-me", labelIds=["label-feature"], updatedAt="2026-11-24T08:00:00.000Z"),
    dict(id="issue-3", identifier="ENG-3", title="Upgrade the database", description="Done already.", priority=0,
         stateId="state-done", teamId="team-eng", assigneeId="user-me", labelIds=[], updatedAt="2026-11-23T08:00:00.000Z"),
    dict(id="issue-4", identifier="OPS-1", title="Rotate the login certificates", description=None, priority=1,
         stateId="ops-todo", teamId="team-ops", assigneeId="user-other", labelIds=[], updatedAt="2026-11-24T07:00:00.000Z"),
]
COMMENTS = [dict(id="comment-1", issueId="issue-1", body="I can reproduce this.", userId="user-other", createdAt="2026-11-21T10:00:00.000Z"),
            dict(id="comment-2", issueId="issue-1", body="Looking into it.", userId="user-me", createdAt="2026-11-22T10:00:00.000Z")]
LOCK, FAILURES, COUNTER = threading.Lock(), [], [100]
PRIORITY = ["No priority", "Urgent", "High", "Medium", "Low"]

def now(): return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
def team(tid): return next({k: t[k] for k in ("id", "key", "name")} for t in TEAMS if t["id"] == tid)
def state(s): return {"id": s["id"], "name": s["name"], "type": s["type"], "color": s["color"], "position": s["position"], "team": team(s["teamId"])}
def issue_json(i):
    s = next(s for s in STATES if s["id"] == i["stateId"])
    return {"id": i["id"], "identifier": i["identifier"], "title": i["title"], "url": "https://linear.app/test/issue/" + i["identifier"],
            "description": i["description"], "priority": i["priority"], "priorityLabel": PRIORITY[i["priority"]],
            "createdAt": "2026-11-20T10:00:00.000Z", "updatedAt": i["updatedAt"],
            "state": {k: s[k] for k in ("id", "name", "type", "color")}, "team": team(i["teamId"]),
            "assignee": USERS.get(i["assigneeId"]), "labels": {"nodes": [{k: l[k] for k in ("id", "name", "color")} for l in LABELS if l["id"] in i["labelIds"]]}}
def comment_json(c): return {"id": c["id"], "body": c["body"], "createdAt": c["createdAt"], "updatedAt": c["createdAt"], "user": dict(USERS[c["userId"]], avatarUrl=None)}
class NotFound(Exception): pass
def find(ident):
    for i in ISSUES:
        if i["id"] == ident or i["identifier"].lower() == (ident or "").lower(): return i
    raise NotFound("Entity not found: Issue")

def page(v, f, term=None):
    items = sorted(ISSUES, key=lambda i: i["updatedAt"], reverse=True)
    if term: items = [i for i in items if term.lower() in i["title"].lower() or term.lower() == i["identifier"].lower() or term.lower() in (i["description"] or "").lower()]
    if f.get("assignee", {}).get("isMe", {}).get("eq"): items = [i for i in items if i["assigneeId"] == "user-me"]
    typ = f.get("state", {}).get("type", {})
    tof = lambda i: next(s["type"] for s in STATES if s["id"] == i["stateId"])
    if "eq" in typ: items = [i for i in items if tof(i) == typ["eq"]]
    if "nin" in typ: items = [i for i in items if tof(i) not in typ["nin"]]
    key = f.get("team", {}).get("key", {}).get("eq")
    if key: items = [i for i in items if team(i["teamId"])["key"] == key]
    if v.get("after"):
        ids = [i["id"] for i in items]
        items = items[ids.index(v["after"]) + 1:] if v["after"] in ids else items
    first = v.get("first", 50)
    chunk = items[:first]
    return {"nodes": [issue_json(i) for i in chunk], "pageInfo": {"hasNextPage": len(items) > first, "endCursor": chunk[-1]["id"] if chunk else None}}

def resolve(op, v):
    if op == "Viewer": return {"viewer": USERS["user-me"]}
    if op == "MyIssues":
        f = dict(v.get("filter") or {}); f["assignee"] = {"isMe": {"eq": True}}
        return {"viewer": {"assignedIssues": page(v, f)}}
    if op == "SearchIssues": return {"searchIssues": page(v, v.get("filter") or {}, v.get("term"))}
    if op == "Issue": return {"issue": issue_json(find(v.get("id")))}
    if op == "IssueComments":
        i = find(v.get("id"))
        return {"issue": {"comments": {"nodes": [comment_json(c) for c in COMMENTS if c["issueId"] == i["id"]]}}}
    if op == "WorkflowStates":
        tid = ((v.get("filter") or {}).get("team") or {}).get("id", {}).get("eq")
        return {"workflowStates": {"nodes": [state(s) for s in STATES if tid is None or s["teamId"] == tid]}}
    if op == "Teams":
        return {"teams": {"nodes": [dict(t, labels={"nodes": [{k: l[k] for k in ("id", "name", "color")} for l in LABELS if l["teamId"] == t["id"]]}) for t in TEAMS]}}
    if op == "CreateIssue":
        inp = v.get("input") or {}
        t = next((t for t in TEAMS if t["id"] == inp.get("teamId")), None)
        if t is None: raise NotFound("Entity not found: Team")
        COUNTER[0] += 1
        i = dict(id="issue-%d" % COUNTER[0], identifier="%s-%d" % (t["key"], sum(1 for x in ISSUES if x["teamId"] == t["id"]) + 1),
                 title=inp.get("title", ""), description=inp.get("description"), priority=int(inp.get("priority", 0)),
                 stateId=inp.get("stateId") or next(s["id"] for s in STATES if s["teamId"] == t["id"]), teamId=t["id"],
                 assigneeId=inp.get("assigneeId"), labelIds=inp.get("labelIds", []), updatedAt=now())
        ISSUES.append(i)
        return {"issueCreate": {"success": True, "issue": issue_json(i)}}
    if op == "UpdateIssueState":
        i = find(v.get("id"))
        if not any(s["id"] == v.get("stateId") and s["teamId"] == i["teamId"] for s in STATES): raise NotFound("Entity not found: WorkflowState")
        i["stateId"], i["updatedAt"] = v["stateId"], now()
        return {"issueUpdate": {"success": True, "issue": issue_json(i)}}
    if op == "CreateComment":
        i = find(v.get("issueId"))
        COUNTER[0] += 1
        c = dict(id="comment-%d" % COUNTER[0], issueId=i["id"], body=v.get("body", ""), userId="user-me", createdAt=now())
        COMMENTS.append(c)
        return {"commentCreate": {"success": True, "comment": comment_json(c)}}
    raise ValueError("unknown operation " + op)

class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args): pass
    def reply(self, status, body, headers=()):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json"); self.send_header("Content-Length", str(len(data)))
        for k, val in headers: self.send_header(k, val)
        self.end_headers(); self.wfile.write(data)
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        with LOCK:
            if self.path == "/fail":
                FAILURES.append(body); return self.reply(200, {"ok": True})
            failure = FAILURES.pop(0) if FAILURES else None
            if failure:
                kind = failure.get("kind")
                if kind == "ratelimit":
                    return self.reply(429, {"errors": [{"message": "Rate limit exceeded", "extensions": {"code": "RATELIMITED"}}]}, [("Retry-After", str(failure.get("retryAfter", 5)))])
                if kind == "unauthorized": return self.reply(401, {"errors": [{"message": "Authentication required"}]})
                if kind == "malformed": return self.reply(200, "<html>bad gateway</html>")
                return self.reply(200, {"errors": [{"message": failure.get("message", "Something broke")}], "data": None})
            if self.headers.get("Authorization") != KEY:
                return self.reply(400, {"errors": [{"message": "Authentication required, not authenticated", "extensions": {"code": "AUTHENTICATION_ERROR"}}]})
            m = re.search(r"\b(query|mutation)\s+(\w+)", body.get("query", ""))
            try:
                return self.reply(200, {"data": resolve(m.group(2) if m else "", body.get("variables") or {})})
            except NotFound as error:
                return self.reply(200, {"errors": [{"message": str(error), "extensions": {"code": "INVALID_INPUT"}}], "data": None})
            except Exception as error:
                return self.reply(200, {"errors": [{"message": str(error)}], "data": None})

if __name__ == "__main__":
    # A parent that ignores SIGTERM (as a Swift test process may) passes that on; stop on it regardless.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0); parser.add_argument("--key", default="lin_test_key")
    args = parser.parse_args(); KEY = args.key
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print("listening on %d" % server.server_address[1], flush=True)
    server.serve_forever()
