/// What csm knows about a session's linked issue, for the context section of its CLAUDE.md. A value, so
/// the engine can write it without knowing where it came from (the integrations read it from Linear).
public struct IssueContext: Sendable, Equatable, Codable {
    /// `ENG-123`.
    public var identifier: String
    public var title: String
    /// The workflow state's name (`In Progress`).
    public var state: String?
    public var url: String?
    /// Markdown.
    public var description: String?

    public init(identifier: String, title: String, state: String? = nil, url: String? = nil, description: String? = nil)
    {
        self.identifier = identifier
        self.title = title
        self.state = state
        self.url = url
        self.description = description
    }
}

/// Looks up a linked issue; nil when it cannot be read (csm then writes only the identifier).
public typealias IssueContextLookup = @Sendable (String) async -> IssueContext?
