import CSMModel

/// Everything that can change the state: keys, resizes, data and the outcome of effects.
public enum TUIEvent: Sendable, Equatable {
    case key(Key)
    case resize(TerminalSize)
    case data(DataEvent)
    case effect(EffectResult)
}

/// Work the reducer asks for; the `EffectRunner` (or the app loop, for attach and quit) performs it.
public enum TUIEffect: Sendable, Equatable {
    /// Observe now instead of waiting for the next poll.
    case refresh
    /// Read the recent events of a session.
    case loadEvents(session: String)
    /// List the session's uncommitted and committed changes.
    case loadPreview(session: String)
    /// Read one changed file's diff.
    case loadDiff(session: String, file: ChangedFile)
    /// Leave the UI, attach the terminal to the session's window, come back when tmux detaches.
    case attach(session: String, window: AttachWindow)
    /// Remove the session from csm.yaml and destroy it, unless its worktree holds work.
    case kill(session: String)
    /// Add to or remove from `favorites:` in csm.yaml.
    case setFavorite(session: String, isFavorite: Bool)
    /// Plan again and apply; destroying only the sessions the user confirmed.
    case apply(confirmedDestroys: [String])
    /// Declare a session in csm.yaml and apply only it.
    case create(CreateRequest)
    /// Decide a pending tool request (`always` also adds the derived rule to csm.yaml).
    case approve(session: String, requestID: String, allow: Bool, always: Bool)
    /// Paste a message into the session's agent.
    case sendMessage(session: String, text: String)
    /// Restart the session's agent with `--continue`.
    case reconnect(session: String)
    /// Rename, set the Linear issue, (un)favorite.
    case edit(EditRequest)
    /// Run one of the session's scripts in its terminal window.
    case runScript(session: String, script: String)
    /// Read the branch's commit subjects to offer as the merge message.
    case loadMergeMessage(session: String)
    /// Merge the session's branch into its base.
    case merge(MergeRequest)
    /// Archive the session (declaration removed, worktree removed, branch kept).
    case archive(session: String)
    /// Reload my Linear issues.
    case loadIssues
    /// Read one issue's description.
    case loadIssue(id: String)
    /// Read the workflow states an issue can move to.
    case loadStates(issue: TaskIssue)
    /// Move an issue to another state.
    case setIssueState(issue: TaskIssue, state: TaskIssueState)
    /// Search Linear for the create form.
    case searchIssues(query: String)
    /// Open the issue's URL in a browser (or say where it is).
    case openURL(String)
    case quit
}

/// What a performed effect reports back.
public enum EffectResult: Sendable, Equatable {
    /// A progress line while the effect runs.
    case progress(String)
    /// The effect finished; the message is shown on the status line.
    case succeeded(String)
    /// The effect failed or was refused; the message says why and what to do.
    case failed(String)
    /// Reading events, changes or a diff failed: shown, but it neither ends a running action nor triggers
    /// another observation.
    case readFailed(String)
    /// A kill refused by the nothing-lost rule: the reason and the plan lines that show it.
    case killRefused(session: String, reason: String)
    /// The changes in a session's worktree, for the preview.
    case changes(session: String, uncommitted: [ChangedFile], committed: [ChangedFile])
    /// One file's diff, for the preview.
    case diff(session: String, file: ChangedFile, lines: [String])
    /// The terminal came back from an attach.
    case attachReturned(session: String, error: String?)
    /// A merge succeeded: the message, then the archive question.
    case merged(session: String, message: String)
    /// The merge form's default message (the branch's commit subjects).
    case mergeMessage(session: String, String)
}
