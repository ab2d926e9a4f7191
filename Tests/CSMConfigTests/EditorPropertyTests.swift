import CSMConfig
import CSMModel
import Testing

/// Random files in many layouts and random edit sequences: every edit must give a file that loads to
/// exactly the state a simple model predicts, and must keep every comment.
@Suite("Editor properties")
struct EditorPropertyTests {
    struct Model {
        var sessions: [String] = []
        var favorites: [String] = []
        var rules: [ToolRule] = []
        var apiKey: String?
    }

    /// A random csm.yaml for `model`, in one of several layouts.
    func randomFile(_ model: Model, _ random: inout SplitMix64) -> (text: String, comments: [String]) {
        let unit = Bool.random(using: &random) ? 2 : 4
        let pad = String(repeating: " ", count: unit)
        // Lists are written indented or "indentless" (the dash under the key), both common.
        let dash = Bool.random(using: &random) ? pad : ""
        var comments: [String] = []
        var lines = ["version: 1", "workspace: w", "repos:", "\(pad)api:", "\(pad)\(pad)path: /src/api"]
        func comment(_ indent: String) {
            guard Int.random(in: 0..<3, using: &random) == 0 else { return }
            let text = "# note \(comments.count)"
            comments.append(text)
            lines.append(indent + text)
        }
        switch Int.random(in: 0..<4, using: &random) {
        case 0 where !model.sessions.isEmpty:
            lines.append("sessions: {" + model.sessions.map { "\($0): {model: m}" }.joined(separator: ", ") + "}")
        case 1 where model.sessions.isEmpty:
            lines.append("sessions: {}")
        case 2 where model.sessions.isEmpty:
            break
        default:
            lines.append("sessions:")
            for name in model.sessions {
                comment(pad)
                lines += ["\(pad)\(name):", "\(pad)\(pad)model: m"]
                comment(pad + pad)
            }
        }
        comment("")
        if !model.favorites.isEmpty || Bool.random(using: &random) {
            if Bool.random(using: &random) {
                lines.append("favorites: [" + model.favorites.joined(separator: ", ") + "]")
            } else if model.favorites.isEmpty {
                lines.append("favorites:")
            } else {
                lines.append("favorites:")
                lines += model.favorites.map { "\(dash)- \($0)" }
            }
        }
        if !model.rules.isEmpty {
            lines.append("rules:")
            lines += model.rules.map { "\(dash)- {tool: \($0.tool), action: \($0.action.rawValue)}" }
        }
        comment("")
        let newline = Bool.random(using: &random) ? "\r\n" : "\n"
        return (lines.joined(separator: newline) + newline, comments)
    }

    func comments(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            $0.hasPrefix("#")
        }
    }

    @Test("random edit sequences on random layouts load to the predicted state and keep comments")
    func randomEdits() throws {
        var random = SplitMix64(seed: 42)
        var edits = 0
        for _ in 0..<150 {
            var model = Model()
            for index in 0..<Int.random(in: 0..<4, using: &random) { model.sessions.append("s\(index)") }
            model.favorites = model.sessions.filter { _ in Bool.random(using: &random) }
            var (text, expectedComments) = randomFile(model, &random)
            for step in 0..<8 {
                let editor = try ConfigEditor(text: text)
                var removesComments = false
                edits += 1
                switch Int.random(in: 0..<7, using: &random) {
                case 0:
                    let name = "n\(step)"
                    text = try editor.addSession(name: name, fields: ["model": "m"])
                    model.sessions.append(name)
                case 1:
                    guard let name = model.sessions.randomElement(using: &random) else { continue }
                    text = try ConfigEditor(text: editor.removeFavorite(name)).removeSession(name: name)
                    removesComments = true
                    model.sessions.removeAll { $0 == name }
                    model.favorites.removeAll { $0 == name }
                case 2:
                    guard let name = model.sessions.randomElement(using: &random) else { continue }
                    removesComments = true  // an emptied favorites list can take a comment line above it
                    text = try editor.addFavorite(name)
                    if !model.favorites.contains(name) { model.favorites.append(name) }
                case 3:
                    guard let name = model.favorites.randomElement(using: &random) else { continue }
                    removesComments = true
                    text = try editor.removeFavorite(name)
                    model.favorites.removeAll { $0 == name }
                case 4:
                    let rule = ToolRule(
                        tool: "T\(step)", pattern: Bool.random(using: &random) ? "p *" : nil, action: .ask)
                    text = try editor.appendRule(rule)
                    model.rules.append(rule)
                case 5:
                    removesComments = true
                    let rules = model.rules.count > 1 ? Array(model.rules.dropFirst()) : []
                    text = try editor.replaceRules(rules)
                    model.rules = rules
                default:
                    let key = Bool.random(using: &random) ? "key\(step)" : nil
                    text = try editor.setScalar(path: ["integrations", "linear", "apiKey"], value: key)
                    model.apiKey = key
                }
                let workspace = try parse(text)
                #expect(workspace.sessions.keys.sorted() == model.sessions.sorted(), "\(text)")
                #expect(workspace.favorites == model.favorites, "\(text)")
                #expect(workspace.rules == model.rules, "\(text)")
                #expect(workspace.integrations.linearAPIKey == model.apiKey, "\(text)")
                // Removals take the comment lines directly above what they remove; other edits keep all.
                let now = comments(text)
                if removesComments {
                    #expect(Set(now).isSubset(of: Set(expectedComments)), "\(text)")
                } else {
                    #expect(now == expectedComments, "\(text)")
                }
                expectedComments = now
            }
        }
        #expect(edits > 1000)
    }
}
