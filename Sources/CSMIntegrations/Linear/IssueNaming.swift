import CSMModel
import Foundation

/// Session names and initial prompts derived from an issue (`csm create --linear ENG-123`).
public enum IssueNaming {
    /// The default prompt template; placeholders `{{identifier}}`, `{{title}}`, `{{url}}`, `{{state}}`,
    /// `{{description}}`.
    public static let defaultPromptTemplate = """
        Work on Linear issue {{identifier}}: {{title}}
        {{url}}

        {{description}}
        """

    /// `eng-123-fix-the-login-page`: the identifier and title lowercased, every run of other characters a
    /// single `-`, cut at a word boundary to at most `maxLength` (64, the name limit) characters.
    public static func sessionName(for issue: LinearIssue, maxLength: Int = 64) -> String {
        sessionName(identifier: issue.identifier, title: issue.title, maxLength: maxLength)
    }

    /// `sessionName(for:)` from an issue's key and title.
    public static func sessionName(identifier: String, title: String, maxLength: Int = 64) -> String {
        var name = slug(identifier)
        for word in slug(title).split(separator: "-") {
            guard name.count + 1 + word.count <= maxLength else { break }
            name += "-" + word
        }
        return String(name.prefix(maxLength))
    }

    /// Lowercase ASCII letters and digits, other runs collapsed into `-`, no leading or trailing `-`.
    public static func slug(_ text: String) -> String {
        var out = ""
        for scalar in text.lowercased().unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(Character(scalar)) {
                out.unicodeScalars.append(scalar)
            } else if !out.isEmpty, !out.hasSuffix("-") {
                out += "-"
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out
    }

    /// `template` with the issue's fields filled in; runs of more than one blank line are collapsed and
    /// trailing space trimmed, so an empty description leaves no gap.
    public static func prompt(for issue: LinearIssue, template: String?) -> String {
        let values = [
            "identifier": issue.identifier, "title": issue.title, "url": issue.url, "state": issue.state?.name ?? "",
            "description": issue.description ?? "",
        ]
        var text = template ?? defaultPromptTemplate
        for (key, value) in values {
            text = text.replacingOccurrences(of: "{{\(key)}}", with: value)
            text = text.replacingOccurrences(of: "{{ \(key) }}", with: value)
        }
        while text.contains("\n\n\n") { text = text.replacingOccurrences(of: "\n\n\n", with: "\n\n") }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// What the CLAUDE.md context section says about an issue.
    public static func context(for issue: LinearIssue) -> IssueContext {
        IssueContext(
            identifier: issue.identifier, title: issue.title, state: issue.state?.name, url: issue.url,
            description: issue.description)
    }
}
