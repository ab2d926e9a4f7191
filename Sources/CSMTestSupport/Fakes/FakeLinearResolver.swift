import Foundation

/// Answers the fake's GraphQL operations from a `FakeLinearStore` (the subset of Linear's semantics csm
/// relies on: viewer, assigned issues and search with state/team/assignee filters and cursors, issue by
/// id or identifier, comments, workflow states, teams with labels, and the three mutations).
enum FakeLinearResolver {
    struct Failure: Error {
        var message: String
        var code: String
    }

    static func answer(_ operation: String, variables: [String: Any], store: inout FakeLinearStore) throws -> [String:
        Any]
    {
        switch operation {
        case "Viewer": return ["viewer": user(store.viewer)]
        case "MyIssues":
            var filter = variables["filter"] as? [String: Any] ?? [:]
            filter["assignee"] = ["isMe": ["eq": true]]
            return ["viewer": ["assignedIssues": page(store, filter: filter, term: nil, variables: variables)]]
        case "SearchIssues":
            let filter = variables["filter"] as? [String: Any] ?? [:]
            return [
                "searchIssues": page(store, filter: filter, term: variables["term"] as? String, variables: variables)
            ]
        case "Issue":
            return ["issue": issueJSON(try find(store, variables["id"] as? String ?? ""), store)]
        case "IssueComments":
            let target = try find(store, variables["id"] as? String ?? "")
            let comments = store.comments.filter { $0.issueID == target.id }.map { comment($0, store) }
            return ["issue": ["comments": ["nodes": comments]]]
        case "WorkflowStates":
            let teamID =
                (((variables["filter"] as? [String: Any])?["team"] as? [String: Any])?["id"] as? [String: Any])?["eq"]
                as? String
            let states = store.states.filter { teamID == nil || $0.teamID == teamID }
            return ["workflowStates": ["nodes": states.map { state($0, store) }]]
        case "Teams":
            return [
                "teams": [
                    "nodes": store.teams.map { team in
                        team_(team).merging(
                            ["labels": ["nodes": store.labels.filter { $0.teamID == team.id }.map(label)]]) { a, _ in a
                            }
                    }
                ]
            ]
        case "CreateIssue":
            let input = variables["input"] as? [String: Any] ?? [:]
            guard let title = input["title"] as? String, !title.isEmpty else {
                throw Failure(message: "Argument Validation Error: title should not be empty", code: "INVALID_INPUT")
            }
            guard let teamID = input["teamId"] as? String, let team = store.teams.first(where: { $0.id == teamID })
            else {
                throw Failure(message: "Entity not found: Team", code: "INVALID_INPUT")
            }
            let number = store.issues.filter { $0.teamID == teamID }.count + 1
            let stateID =
                input["stateId"] as? String
                ?? store.states.first(where: { $0.teamID == teamID && $0.type == "backlog" })?.id
                ?? store.states.first(where: { $0.teamID == teamID })!.id
            let now = ISO8601DateFormatter().string(from: Date())
            let issue = FakeLinearStore.Issue(
                id: store.nextID("issue"), identifier: "\(team.key)-\(number)", title: title,
                description: input["description"] as? String, priority: (input["priority"] as? NSNumber)?.intValue ?? 0,
                stateID: stateID, teamID: teamID, assigneeID: input["assigneeId"] as? String,
                labelIDs: input["labelIds"] as? [String] ?? [], createdAt: now, updatedAt: now)
            store.issues.append(issue)
            return ["issueCreate": ["success": true, "issue": issueJSON(issue, store)]]
        case "UpdateIssueState":
            let target = try find(store, variables["id"] as? String ?? "")
            guard let stateID = variables["stateId"] as? String,
                store.states.contains(where: { $0.id == stateID && $0.teamID == target.teamID })
            else { throw Failure(message: "Entity not found: WorkflowState", code: "INVALID_INPUT") }
            let index = store.issues.firstIndex { $0.id == target.id }!
            store.issues[index].stateID = stateID
            store.issues[index].updatedAt = ISO8601DateFormatter().string(from: Date())
            return ["issueUpdate": ["success": true, "issue": issueJSON(store.issues[index], store)]]
        case "CreateComment":
            let target = try find(store, variables["issueId"] as? String ?? "")
            let new = FakeLinearStore.Comment(
                id: store.nextID("comment"), issueID: target.id, body: variables["body"] as? String ?? "",
                userID: store.viewer.id, createdAt: ISO8601DateFormatter().string(from: Date()))
            store.comments.append(new)
            return ["commentCreate": ["success": true, "comment": comment(new, store)]]
        default:
            throw Failure(
                message: "Cannot query operation '\(operation)' on this fake", code: "GRAPHQL_VALIDATION_FAILED")
        }
    }

    static func find(_ store: FakeLinearStore, _ id: String) throws -> FakeLinearStore.Issue {
        guard let issue = store.issues.first(where: { $0.id == id || $0.identifier.lowercased() == id.lowercased() })
        else {
            throw Failure(message: "Entity not found: Issue - Could not find referenced Issue.", code: "INVALID_INPUT")
        }
        return issue
    }

    static func page(_ store: FakeLinearStore, filter: [String: Any], term: String?, variables: [String: Any])
        -> [String: Any]
    {
        var issues = store.issues.sorted { $0.updatedAt > $1.updatedAt }
        if let term, !term.isEmpty {
            let lowered = term.lowercased()
            issues = issues.filter {
                $0.title.lowercased().contains(lowered) || $0.identifier.lowercased() == lowered
                    || ($0.description ?? "").lowercased().contains(lowered)
            }
        }
        if let isMe = ((filter["assignee"] as? [String: Any])?["isMe"] as? [String: Any])?["eq"] as? Bool, isMe {
            issues = issues.filter { $0.assigneeID == store.viewer.id }
        }
        if let type = (filter["state"] as? [String: Any])?["type"] as? [String: Any] {
            let typeOf = { (issue: FakeLinearStore.Issue) in store.states.first { $0.id == issue.stateID }?.type ?? "" }
            if let eq = type["eq"] as? String { issues = issues.filter { typeOf($0) == eq } }
            if let nin = type["nin"] as? [String] { issues = issues.filter { !nin.contains(typeOf($0)) } }
        }
        if let key = ((filter["team"] as? [String: Any])?["key"] as? [String: Any])?["eq"] as? String {
            let teamID = store.teams.first { $0.key == key }?.id
            issues = issues.filter { $0.teamID == teamID }
        }
        if let after = variables["after"] as? String, let index = issues.firstIndex(where: { $0.id == after }) {
            issues = Array(issues[(index + 1)...])
        }
        let first = (variables["first"] as? NSNumber)?.intValue ?? 50
        let page = Array(issues.prefix(first))
        return [
            "nodes": page.map { issueJSON($0, store) },
            "pageInfo": ["hasNextPage": issues.count > first, "endCursor": page.last?.id as Any? ?? NSNull()],
        ]
    }

    static func issueJSON(_ issue: FakeLinearStore.Issue, _ store: FakeLinearStore) -> [String: Any] {
        let team = store.teams.first { $0.id == issue.teamID }!
        let stateValue = store.states.first { $0.id == issue.stateID }!
        let assignee = store.users.first { $0.id == issue.assigneeID }
        let priorityLabels = ["No priority", "Urgent", "High", "Medium", "Low"]
        return [
            "id": issue.id, "identifier": issue.identifier, "title": issue.title,
            "url": "https://linear.app/test/issue/\(issue.identifier)",
            "description": issue.description as Any? ?? NSNull(),
            "priority": issue.priority, "priorityLabel": priorityLabels[min(max(issue.priority, 0), 4)],
            "createdAt": issue.createdAt, "updatedAt": issue.updatedAt,
            "state": [
                "id": stateValue.id, "name": stateValue.name, "type": stateValue.type, "color": stateValue.color,
            ],
            "team": team_(team), "assignee": assignee.map(user) as Any? ?? NSNull(),
            "labels": ["nodes": store.labels.filter { issue.labelIDs.contains($0.id) }.map(label)],
        ]
    }

    static func team_(_ team: FakeLinearStore.Team) -> [String: Any] {
        ["id": team.id, "key": team.key, "name": team.name]
    }
    static func user(_ user: FakeLinearStore.User) -> [String: Any] {
        ["id": user.id, "name": user.name, "displayName": user.displayName]
    }
    static func label(_ label: FakeLinearStore.Label) -> [String: Any] {
        ["id": label.id, "name": label.name, "color": label.color]
    }
    static func state(_ state: FakeLinearStore.State, _ store: FakeLinearStore) -> [String: Any] {
        [
            "id": state.id, "name": state.name, "type": state.type, "color": state.color, "position": state.position,
            "team": team_(store.teams.first { $0.id == state.teamID }!),
        ]
    }
    static func comment(_ comment: FakeLinearStore.Comment, _ store: FakeLinearStore) -> [String: Any] {
        let author = store.users.first { $0.id == comment.userID }
        return [
            "id": comment.id, "body": comment.body, "createdAt": comment.createdAt, "updatedAt": comment.createdAt,
            "user": author.map { user($0).merging(["avatarUrl": NSNull()]) { a, _ in a } } as Any? ?? NSNull(),
        ]
    }
}
