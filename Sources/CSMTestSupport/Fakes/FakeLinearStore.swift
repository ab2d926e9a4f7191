import Foundation

/// The data of a fake Linear workspace: one viewer, teams with workflow states and labels, issues and
/// comments. Plain values; `FakeLinearServer` keeps them behind a lock and answers GraphQL from them.
public struct FakeLinearStore: Sendable {
    public struct Team: Sendable { public var id, key, name: String }
    public struct State: Sendable {
        public var id, name, type, color: String; public var position: Double; public var teamID: String
    }
    public struct Label: Sendable { public var id, name, color: String; public var teamID: String }
    public struct User: Sendable { public var id, name, displayName: String }
    public struct Issue: Sendable {
        public var id, identifier, title: String
        public var description: String?
        public var priority: Int
        public var stateID, teamID: String
        public var assigneeID: String?
        public var labelIDs: [String]
        public var createdAt, updatedAt: String
    }
    public struct Comment: Sendable { public var id, issueID, body, userID, createdAt: String }

    public var viewer: User
    public var users: [User]
    public var teams: [Team]
    public var states: [State]
    public var labels: [Label]
    public var issues: [Issue]
    public var comments: [Comment]
    var counter = 100

    /// Team ENG (Backlog, Todo, In Progress, Done, Canceled; labels bug, feature), team OPS (Todo,
    /// Done), viewer "Test User", issues ENG-1 (In Progress, mine), ENG-2 (Todo, mine), ENG-3 (Done,
    /// mine), OPS-1 (Todo, someone else's), ENG-1 with two comments.
    public static var sample: FakeLinearStore {
        let viewer = User(id: "user-me", name: "Test User", displayName: "test")
        let other = User(id: "user-other", name: "Other Person", displayName: "other")
        let teams = [
            Team(id: "team-eng", key: "ENG", name: "Engineering"), Team(id: "team-ops", key: "OPS", name: "Operations"),
        ]
        let states = [
            State(
                id: "state-backlog", name: "Backlog", type: "backlog", color: "#bec2c8", position: 0, teamID: "team-eng"
            ),
            State(id: "state-todo", name: "Todo", type: "unstarted", color: "#e2e2e2", position: 1, teamID: "team-eng"),
            State(
                id: "state-progress", name: "In Progress", type: "started", color: "#f2c94c", position: 2,
                teamID: "team-eng"),
            State(id: "state-done", name: "Done", type: "completed", color: "#5e6ad2", position: 3, teamID: "team-eng"),
            State(
                id: "state-canceled", name: "Canceled", type: "canceled", color: "#95a2b3", position: 4,
                teamID: "team-eng"),
            State(id: "ops-todo", name: "Todo", type: "unstarted", color: "#e2e2e2", position: 0, teamID: "team-ops"),
            State(id: "ops-done", name: "Done", type: "completed", color: "#5e6ad2", position: 1, teamID: "team-ops"),
        ]
        let labels = [
            Label(id: "label-bug", name: "bug", color: "#eb5757", teamID: "team-eng"),
            Label(id: "label-feature", name: "feature", color: "#4ea7fc", teamID: "team-eng"),
        ]
        let issues = [
            Issue(
                id: "issue-1", identifier: "ENG-1", title: "Fix the login page",
                description: "Users cannot log in.\n\n- steps",
                priority: 2, stateID: "state-progress", teamID: "team-eng", assigneeID: "user-me",
                labelIDs: ["label-bug"],
                createdAt: "2026-11-20T10:00:00.000Z", updatedAt: "2026-11-24T09:00:00.000Z"),
            Issue(
                id: "issue-2", identifier: "ENG-2", title: "Add dark mode", description: nil, priority: 3,
                stateID: "state-todo", teamID: "team-eng", assigneeID: "user-me", labelIDs: ["label-feature"],
                createdAt: "2026-11-21T10:00:00.000Z", updatedAt: "2026-11-24T08:00:00.000Z"),
            Issue(
                id: "issue-3", identifier: "ENG-3", title: "Upgrade the database", description: "Done already.",
                priority: 0, stateID: "state-done", teamID: "team-eng", assigneeID: "user-me", labelIDs: [],
                createdAt: "2026-11-19T10:00:00.000Z", updatedAt: "2026-11-23T08:00:00.000Z"),
            Issue(
                id: "issue-4", identifier: "OPS-1", title: "Rotate the login certificates", description: nil,
                priority: 1,
                stateID: "ops-todo", teamID: "team-ops", assigneeID: "user-other", labelIDs: [],
                createdAt: "2026-11-22T10:00:00.000Z", updatedAt: "2026-11-24T07:00:00.000Z"),
        ]
        let comments = [
            Comment(
                id: "comment-1", issueID: "issue-1", body: "I can reproduce this.", userID: "user-other",
                createdAt: "2026-11-21T10:00:00.000Z"),
            Comment(
                id: "comment-2", issueID: "issue-1", body: "Looking into it.", userID: "user-me",
                createdAt: "2026-11-22T10:00:00.000Z"),
        ]
        return FakeLinearStore(
            viewer: viewer, users: [viewer, other], teams: teams, states: states, labels: labels, issues: issues,
            comments: comments)
    }

    /// `count` more issues assigned to me in ENG (Todo), for paging.
    public mutating func addIssues(_ count: Int) {
        let base = issues.count
        for index in 0..<count {
            let number = base + index + 1
            issues.append(
                Issue(
                    id: "issue-bulk-\(number)", identifier: "ENG-\(100 + number)", title: "Bulk issue \(number)",
                    description: nil, priority: 4, stateID: "state-todo", teamID: "team-eng", assigneeID: "user-me",
                    labelIDs: [], createdAt: "2026-11-01T00:00:00.000Z",
                    updatedAt: String(format: "2026-11-10T%02d:%02d:00.000Z", number / 60 % 24, number % 60)))
        }
    }

    mutating func nextID(_ prefix: String) -> String {
        counter += 1
        return "\(prefix)-\(counter)"
    }
}
