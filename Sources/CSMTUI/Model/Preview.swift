/// One file changed in a session's worktree, uncommitted or committed on the session's branch.
public struct ChangedFile: Sendable, Equatable, Hashable {
    /// The path relative to the worktree.
    public var path: String
    /// A one-letter git status: `M`, `A`, `D`, `R`, or `?` for untracked.
    public var status: String
    /// Lines added and removed, when git counts them (not for binary or untracked files).
    public var insertions: Int?
    public var deletions: Int?
    /// Whether the change is committed on the session's branch (else it is in the working tree).
    public var isCommitted: Bool

    public init(path: String, status: String, insertions: Int? = nil, deletions: Int? = nil, isCommitted: Bool) {
        self.path = path
        self.status = status
        self.insertions = insertions
        self.deletions = deletions
        self.isCommitted = isCommitted
    }
}

/// The `p` panel: the session's last message beside its git changes, and a file's diff on `d`.
public struct Preview: Sendable, Equatable {
    public var session: String
    public var uncommitted: [ChangedFile] = []
    public var committed: [ChangedFile] = []
    /// Until the first git answer arrives.
    public var isLoading = true
    /// Index into `files` (uncommitted first).
    public var selection = 0
    /// The open diff, if any.
    public var diff: DiffPane?

    public init(session: String) { self.session = session }

    /// Every file, uncommitted first, in the order the selection walks them.
    public var files: [ChangedFile] { uncommitted + committed }
}

/// A diff being read: its lines and how far it is scrolled.
public struct DiffPane: Sendable, Equatable {
    public var file: ChangedFile
    /// nil while loading.
    public var lines: [String]?
    public var scroll = 0

    public init(file: ChangedFile, lines: [String]? = nil) {
        self.file = file
        self.lines = lines
    }
}

/// The keys of the preview panel.
enum PreviewReducer {
    static func reduce(_ state: inout TUIState, _ preview: Preview, _ key: Key) -> [TUIEffect] {
        var preview = preview
        if var diff = preview.diff {
            let page = max(1, state.size.rows - 8)
            switch key {
            case .down, .char("j"): diff.scroll += 1
            case .up, .char("k"): diff.scroll = max(0, diff.scroll - 1)
            case .pageDown, .char(" "): diff.scroll += page
            case .pageUp: diff.scroll = max(0, diff.scroll - page)
            case .home: diff.scroll = 0
            case .escape, .left, .char("d"):
                preview.diff = nil
                state.mode = .preview(preview)
                return []
            case .char("q"): return Reducer.quit(&state)
            default: return []
            }
            diff.scroll = min(diff.scroll, max(0, (diff.lines?.count ?? 0) - 1))
            preview.diff = diff
            state.mode = .preview(preview)
            return []
        }
        switch key {
        case .down, .char("j"):
            preview.selection = min(max(0, preview.files.count - 1), preview.selection + 1)
        case .up, .char("k"):
            preview.selection = max(0, preview.selection - 1)
        case .enter, .right, .char("d"):
            guard preview.files.indices.contains(preview.selection) else { return [] }
            let file = preview.files[preview.selection]
            preview.diff = DiffPane(file: file)
            state.mode = .preview(preview)
            return [.loadDiff(session: preview.session, file: file)]
        case .escape, .left, .char("p"):
            state.mode = .list
            return []
        case .char("r"):
            preview.isLoading = true
            state.mode = .preview(preview)
            return [.loadPreview(session: preview.session), .loadEvents(session: preview.session)]
        case .char("q"):
            return Reducer.quit(&state)
        default:
            let item = state.snapshot?.sessions.first { $0.name == preview.session }
            return Reducer.sharedKey(&state, key, session: item)
        }
        state.mode = .preview(preview)
        return []
    }

    /// Opens the panel for `session` when it has a worktree to look at.
    static func open(_ state: inout TUIState, _ session: SessionItem?) -> [TUIEffect] {
        guard let session else { return Reducer.noSession(&state) }
        guard session.row.status != .unmanaged, session.row.createdAt != nil || session.row.status != .missing,
            session.row.worktree != nil
        else {
            state.status = StatusMessage(
                .warning, "'\(session.name)' has no worktree to preview yet; press A to apply.")
            return []
        }
        state.selected = session.name
        state.mode = .preview(Preview(session: session.name))
        return [.loadPreview(session: session.name), .loadEvents(session: session.name)]
    }

    /// Puts git's answer into the panel, keeping the selection on the same file when it is still there.
    static func received(_ state: inout TUIState, session: String, uncommitted: [ChangedFile], committed: [ChangedFile])
    {
        guard case var .preview(preview) = state.mode, preview.session == session else { return }
        let selected = preview.files.indices.contains(preview.selection) ? preview.files[preview.selection] : nil
        preview.uncommitted = uncommitted
        preview.committed = committed
        preview.isLoading = false
        preview.selection =
            selected.flatMap { file in
                preview.files.firstIndex { $0.path == file.path && $0.isCommitted == file.isCommitted }
            }
            ?? min(preview.selection, max(0, preview.files.count - 1))
        state.mode = .preview(preview)
    }

    static func receivedDiff(_ state: inout TUIState, session: String, file: ChangedFile, lines: [String]) {
        guard case var .preview(preview) = state.mode, preview.session == session, preview.diff?.file == file else {
            return
        }
        preview.diff?.lines = lines
        state.mode = .preview(preview)
    }
}
