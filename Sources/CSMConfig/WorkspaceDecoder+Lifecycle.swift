import CSMModel

/// Values of the session-lifecycle keys (`setup`, `scripts`): shell text that csm hands to `/bin/sh`.
///
/// Shell text is not `${VAR}`-interpolated: the shell expands variables when the command runs, with the
/// session's `env`, so `setup: echo ${HOME}` means what it says in a shell and an unset variable is not
/// a config error.
extension WorkspaceDecoder {
    /// `setup:` as a list of commands: one string (possibly several lines) or a list of strings.
    /// Null means "not set"; an empty list means "no setup".
    mutating func commands(_ node: YAMLNode?, path: String) -> [String]? {
        guard let node, !node.isNull else { return nil }
        if node.scalar != nil {
            guard let text = string(node, path: path, interpolate: false) else { return nil }
            return text.isEmpty ? [] : [text]
        }
        guard let items = node.items else {
            typeError(node, expected: "a command or a list of commands", path: path)
            return nil
        }
        var out: [String] = []
        for (index, item) in items.enumerated() {
            if let command = string(item, path: "\(path)[\(index)]", interpolate: false) { out.append(command) }
        }
        return out
    }

    /// `scripts:`: script names (validated like session names, they name files) to commands.
    mutating func scripts(_ node: YAMLNode?, path: String) -> [String: String]? {
        guard let node, !node.isNull else { return nil }
        guard let pairs = node.pairs else {
            typeError(node, expected: "a mapping of script names to commands", path: path)
            return nil
        }
        var out: [String: String] = [:]
        for pair in pairs {
            guard let key = pair.key.scalar?.value, CSMName.isValid(key) else {
                let shown = pair.key.scalar?.value ?? pair.key.kindDescription
                error(pair.key.start, "invalid script name '\(shown)' in '\(path)': use \(CSMName.ruleDescription)")
                continue
            }
            if let command = string(pair.value, path: "\(path).\(key)", interpolate: false) { out[key] = command }
        }
        return out
    }
}
