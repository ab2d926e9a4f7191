import CSMModel

/// `i`: a message being typed to a session's agent. `Enter` sends, `Ctrl-J` (or a paste) starts a new line.
public struct MessageDraft: Sendable, Equatable {
    public var session: String
    public var text = ""

    public init(session: String, text: String = "") {
        self.session = session
        self.text = text
    }
}

/// `e`: rename, Linear issue and favorite of one session.
public struct EditForm: Sendable, Equatable {
    public enum Field: Int, Sendable, Equatable, CaseIterable {
        case name, linear, favorite

        public var label: String {
            switch self {
            case .name: "Name"
            case .linear: "Issue"
            case .favorite: "Favorite"
            }
        }
    }

    /// The session as it is now.
    public var session: String
    public var originalLinear: String
    public var originalFavorite: Bool
    public var name: String
    public var linear: String
    public var favorite: Bool
    public var focus: Field = .name
    public var error: String?

    public init(session: String, linear: String?, favorite: Bool) {
        self.session = session
        originalLinear = linear ?? ""
        originalFavorite = favorite
        name = session
        self.linear = linear ?? ""
        self.favorite = favorite
    }
}

/// `x`: the session's scripts (repo's merged with the session's), one highlighted.
public struct ScriptPicker: Sendable, Equatable {
    public struct Script: Sendable, Equatable {
        public var name: String
        public var command: String

        public init(name: String, command: String) {
            self.name = name
            self.command = command
        }
    }

    public var session: String
    public var scripts: [Script]
    public var index = 0

    public init(session: String, scripts: [Script]) {
        self.session = session
        self.scripts = scripts
    }
}

/// `m`: how to merge a session's branch into its base, with the message shown for editing.
public struct MergeForm: Sendable, Equatable {
    public enum Field: Int, Sendable, Equatable, CaseIterable {
        case strategy, message, push
    }

    /// The strategies, in the order ←/→ cycles (the names `csm merge` and the API use).
    public static let strategies = ["merge", "squash", "ff-only", "rebase"]

    public var session: String
    public var branch: String
    public var strategyIndex = 0
    /// The commit message; empty means csm's default for the strategy.
    public var message: String
    public var push = false
    public var focus: Field = .strategy

    public init(session: String, branch: String, message: String = "") {
        self.session = session
        self.branch = branch
        self.message = message
    }

    public var strategy: String { Self.strategies[strategyIndex] }
}

/// What `m` asks the runner to do.
public struct MergeRequest: Sendable, Equatable {
    public var session: String
    public var strategy: String
    public var message: String?
    public var push: Bool

    public init(session: String, strategy: String, message: String?, push: Bool) {
        self.session = session
        self.strategy = strategy
        self.message = message
        self.push = push
    }
}

/// Edits `e` asks for (only what changed).
public struct EditRequest: Sendable, Equatable {
    public var session: String
    /// A new name (rename), nil to keep it.
    public var rename: String?
    /// A new Linear issue: `.some("")` removes it, nil keeps it.
    public var linear: String?
    /// A new favorite flag, nil to keep it.
    public var favorite: Bool?

    public init(session: String, rename: String? = nil, linear: String? = nil, favorite: Bool? = nil) {
        self.session = session
        self.rename = rename
        self.linear = linear
        self.favorite = favorite
    }
}

extension String {
    /// Text edited in place: characters appended, Backspace removes the last, a paste is appended whole.
    mutating func edit(with key: Key, multiline: Bool = false) -> Bool {
        switch key {
        case .backspace:
            if !isEmpty { removeLast() }
        case let .char(c):
            append(c)
        case let .paste(text):
            append(multiline ? text.replacingOccurrences(of: "\r\n", with: "\n") : text.replacingNewlines())
        case .ctrl("j") where multiline:
            append("\n")
        case .ctrl("u"):
            removeAll()
        default:
            return false
        }
        return true
    }
}

extension CaseIterable where Self: Equatable {
    /// The case `offset` places after this one, wrapping around (Tab / Shift+Tab through a form's fields).
    func cycled(by offset: Int) -> Self {
        let all = Array(Self.allCases)
        let position = all.firstIndex(of: self) ?? 0
        return all[((position + offset) % all.count + all.count) % all.count]
    }
}
