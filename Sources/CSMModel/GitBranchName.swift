/// git's rules for branch names (`git check-ref-format --branch`), checked before csm.yaml is accepted so
/// a bad name is a config error with a position, not a git failure during apply.
public enum GitBranchName {
    /// Why `name` cannot be a branch name, or nil when it can.
    public static func problem(_ name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if name == "@" { return "'@' alone is not allowed" }
        if name.hasPrefix("-") { return "it starts with '-'" }
        if name.hasPrefix("/") || name.hasSuffix("/") { return "it starts or ends with '/'" }
        if name.hasSuffix(".") { return "it ends with '.'" }
        if name.contains("//") { return "it contains '//'" }
        if name.contains("..") { return "it contains '..'" }
        if name.contains("@{") { return "it contains '@{'" }
        for scalar in name.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F { return "it contains a control character" }
            if " ~^:?*[\\".unicodeScalars.contains(scalar) { return "it contains '\(scalar)'" }
        }
        for component in name.split(separator: "/") {
            if component.hasPrefix(".") { return "a part starts with '.'" }
            if component.hasSuffix(".lock") { return "a part ends with '.lock'" }
        }
        return nil
    }
}
