import CSMIntegrations
import CSMModel
import CSMTestSupport
import Foundation
import Testing

/// `LinearClient` against `FakeLinearServer` on 127.0.0.1: every operation, and every failure mapped.
@Suite("Linear client", .timeLimit(.minutes(2)))
struct LinearClientTests {
    func withLinear<T>(_ body: (FakeLinearServer, LinearClient) async throws -> T) async throws -> T {
        try await FakeLinearServer.with { fake in
            try await body(fake, LinearClient(apiKey: fake.apiKey, endpoint: fake.endpoint))
        }
    }

    @Test("my issues: assigned to me, most recent first, grouped by state; paged with a cursor")
    func myIssues() async throws {
        try await withLinear { fake, linear in
            let page = try await linear.issues(IssueQuery())
            #expect(page.issues.map(\.identifier) == ["ENG-1", "ENG-2", "ENG-3"])
            #expect(page.groups.map { $0.state?.name } == ["In Progress", "Todo", "Done"])
            let first = try #require(page.issues.first)
            #expect(first.title == "Fix the login page" && first.priority == 2 && first.priorityLabel == "High")
            #expect(
                first.labels.map(\.name) == ["bug"] && first.team?.key == "ENG" && first.assignee?.name == "Test User")
            #expect(fake.requests.first?.authorization == "lin_test_key")

            fake.update { $0.addIssues(60) }
            let one = try await linear.issues(IssueQuery(first: 50))
            #expect(one.issues.count == 50 && one.hasNextPage)
            let two = try await linear.issues(IssueQuery(first: 50, after: one.endCursor))
            #expect(two.issues.count == 13 && !two.hasNextPage)
            #expect(Set(one.issues.map(\.id)).isDisjoint(with: two.issues.map(\.id)))
        }
    }

    @Test("search by text, state, team and assignee")
    func search() async throws {
        try await withLinear { _, linear in
            let login = try await linear.issues(IssueQuery(text: "login"))
            #expect(Set(login.issues.map(\.identifier)) == ["ENG-1", "OPS-1"])
            let mine = try await linear.issues(IssueQuery(text: "login", assignedToMe: true))
            #expect(mine.issues.map(\.identifier) == ["ENG-1"])
            let ops = try await linear.issues(IssueQuery(text: "login", team: "ops"))
            #expect(ops.issues.map(\.identifier) == ["OPS-1"])
            let open = try await linear.issues(IssueQuery(state: "open"))
            #expect(open.issues.map(\.identifier) == ["ENG-1", "ENG-2"])
            let done = try await linear.issues(IssueQuery(state: "completed"))
            #expect(done.issues.map(\.identifier) == ["ENG-3"])
        }
    }

    @Test("issue detail by identifier or id; an unknown one is not found")
    func detail() async throws {
        try await withLinear { _, linear in
            let issue = try await linear.issue("eng-1")
            #expect(issue.description?.hasPrefix("Users cannot log in.") == true)
            #expect(issue.url == "https://linear.app/test/issue/ENG-1" && issue.state?.type == "started")
            #expect(try await linear.issue("issue-2").identifier == "ENG-2")
            await #expect(throws: LinearError.self) { try await linear.issue("ENG-999") }
            do {
                _ = try await linear.issue("ENG-999")
            } catch let error as LinearError {
                #expect(error.code == "linear_not_found")
            }
        }
    }

    @Test("comments: listed oldest first; a new one is added as the viewer")
    func comments() async throws {
        try await withLinear { _, linear in
            let comments = try await linear.comments(issue: "ENG-1")
            #expect(comments.map(\.body) == ["I can reproduce this.", "Looking into it."])
            #expect(comments.first?.user?.name == "Other Person")
            let added = try await linear.addComment(issue: "ENG-1", body: "Fixed in **main**.")
            #expect(added.body == "Fixed in **main**." && added.user?.name == "Test User")
            #expect(try await linear.comments(issue: "ENG-1").count == 3)
        }
    }

    @Test("workflow states of a team in board order; moving an issue by id, name or type")
    func states() async throws {
        try await withLinear { _, linear in
            let eng = try await linear.states(team: "ENG")
            #expect(eng.map(\.name) == ["Backlog", "Todo", "In Progress", "Done", "Canceled"])
            #expect(try await linear.states(team: nil).count == 7)
            #expect(try await linear.states(ofIssue: "OPS-1").map(\.name) == ["Todo", "Done"])
            let moved = try await linear.moveIssue("ENG-2", toStateID: "state-progress")
            #expect(moved.state?.name == "In Progress")
            #expect(try await linear.moveIssue("ENG-2", toState: "done").state?.type == "completed")
            #expect(try await linear.moveIssue("ENG-2", toState: "backlog").state?.name == "Backlog")
            await #expect(throws: LinearError.notFound(what: "a state 'Shipped' of team ENG")) {
                try await linear.moveIssue("ENG-2", toState: "Shipped")
            }
        }
    }

    @Test("create an issue: team by key, or the only team; labels, priority, state, assigned to me")
    func create() async throws {
        try await withLinear { fake, linear in
            let issue = try await linear.createIssue(
                IssueDraft(
                    title: "New thing", description: "Why", team: "eng", priority: 1, labelIDs: ["label-feature"],
                    stateID: "state-todo", assignToMe: true))
            #expect(issue.identifier == "ENG-4" && issue.priority == 1 && issue.state?.name == "Todo")
            #expect(issue.labels.map(\.name) == ["feature"] && issue.assignee?.id == "user-me")
            await #expect(throws: LinearError.teamRequired(teams: ["ENG", "OPS"])) {
                try await linear.createIssue(IssueDraft(title: "Where?"))
            }
            fake.update { store in store.teams.removeAll { $0.key == "OPS" } }
            #expect(try await linear.createIssue(IssueDraft(title: "Only team")).team?.key == "ENG")
            let teams = try await linear.teams()
            #expect(teams.first?.labels?.map(\.name) == ["bug", "feature"])
        }
    }

    @Test("failures: bad key, refused key, rate limits (both kinds), GraphQL errors, garbage, network")
    func failures() async throws {
        try await FakeLinearServer.with { fake in
            let wrong = LinearClient(apiKey: "lin_wrong", endpoint: fake.endpoint)
            await #expect(throws: LinearError.self) { try await wrong.viewer() }
            do { _ = try await wrong.viewer() } catch let error as LinearError {
                #expect(error.code == "linear_auth_failed")
            }

            let linear = LinearClient(apiKey: fake.apiKey, endpoint: fake.endpoint)
            fake.failNext(.unauthorized)
            do { _ = try await linear.viewer() } catch let error as LinearError {
                #expect(error.code == "linear_auth_failed")
            }
            fake.failNext(.rateLimited(retryAfter: 7))
            await #expect(throws: LinearError.rateLimited(retryAfter: 7)) { try await linear.viewer() }
            fake.failNext(.rateLimitedByCode(resetInSeconds: 30))
            do {
                _ = try await linear.viewer()
                Issue.record("expected a rate limit")
            } catch let LinearError.rateLimited(retryAfter) {
                #expect((1...31).contains(retryAfter ?? 0))
            }
            fake.failNext(.graphQLError("Argument Validation Error"))
            await #expect(throws: LinearError.graphQL(messages: ["Argument Validation Error"])) {
                try await linear.viewer()
            }
            fake.failNext(.malformed)
            do { _ = try await linear.viewer() } catch let error as LinearError {
                #expect(error.code == "linear_bad_response")
            }
            fake.failNext(.serverError)
            do { _ = try await linear.viewer() } catch let error as LinearError {
                #expect(error.code == "linear_bad_response")
            }
            #expect(try await linear.viewer().name == "Test User")
            #expect(!"\(LinearError.authenticationFailed(message: "x"))".contains(fake.apiKey))
        }
        let closed = LinearClient(apiKey: "k", endpoint: "http://127.0.0.1:9/graphql", timeout: .seconds(2))
        do {
            _ = try await closed.viewer()
            Issue.record("expected a network error")
        } catch let error as LinearError {
            #expect(error.code == "linear_unreachable")
        }
    }

    @Test("the cache answers repeated reads for its TTL; writes drop what they make stale")
    func cache() async throws {
        try await withLinear { fake, linear in
            let clock = TestDate()
            let cached = CachingLinearService(linear, ttl: 60, now: { clock.now })
            _ = try await cached.issue("ENG-1")
            _ = try await cached.issue("eng-1")
            _ = try await cached.issues(IssueQuery())
            _ = try await cached.issues(IssueQuery())
            #expect(fake.requests.count == 2)
            clock.advance(61)
            _ = try await cached.issue("ENG-1")
            #expect(fake.requests.count == 3)
            let moved = try await cached.moveIssue("ENG-1", toState: "Done")
            #expect(moved.state?.name == "Done")
            #expect(try await cached.issue("ENG-1").state?.name == "Done")
            let before = fake.requests.count
            #expect(
                try await cached.issues(IssueQuery()).issues.first { $0.identifier == "ENG-1" }?.state?.name == "Done")
            #expect(fake.requests.count == before + 1)
            #expect(await cached.cachedTitle("ENG-2") == "Add dark mode")
            fake.failNext(.serverError)
            #expect(await cached.cachedTitle("ENG-404") == nil)
        }
    }

    @Test("names and prompts from an issue")
    func naming() {
        let issue = LinearIssue(
            id: "1", identifier: "ENG-123", title: "Fix: the Login page (again!) — über edge case",
            url: "https://linear.app/x/ENG-123", description: nil,
            state: LinearStateRef(id: "s", name: "Todo", type: "unstarted"))
        #expect(IssueNaming.sessionName(for: issue) == "eng-123-fix-the-login-page-again-ber-edge-case")
        let long = LinearIssue(id: "1", identifier: "ENG-1", title: String(repeating: "word ", count: 40), url: "")
        let name = IssueNaming.sessionName(for: long)
        #expect(name.count <= 64 && !name.hasSuffix("-") && CSMName.isValid(name))
        #expect(
            IssueNaming.prompt(for: issue, template: nil)
                == "Work on Linear issue ENG-123: Fix: the Login page (again!) — über edge case\nhttps://linear.app/x/ENG-123"
        )
        #expect(IssueNaming.prompt(for: issue, template: "{{identifier}} is {{ state }}") == "ENG-123 is Todo")
    }
}

/// A settable time for cache tests.
final class TestDate: @unchecked Sendable {
    // Only the test's own task reads and writes it, one step at a time (no concurrent access).
    var now = Date(timeIntervalSince1970: 1_800_000_000)
    func advance(_ seconds: TimeInterval) { now = now.addingTimeInterval(seconds) }
}
