import CSMModel

extension ConfigEditor {
    /// Renames session `oldName` to `newName` in place: the key under `sessions:` and its entries in
    /// `favorites:` are replaced byte for byte, so the entry keeps its fields, comments and position.
    public func renameSession(from oldName: String, to newName: String) throws(ConfigEditError) -> String {
        guard CSMName.isValid(newName) else { throw .invalidName(newName) }
        guard let sessions = explicitPair("sessions", in: root), let pair = explicitPair(oldName, in: sessions.value)
        else {
            throw .notFound(kind: "session", name: oldName)
        }
        if explicitPair(newName, in: sessions.value) != nil { throw .alreadyExists(kind: "session", name: newName) }
        let rendered = YAMLScalar.render(newName)
        var splices = [Splice(range: pair.key.start.offset..<pair.key.end.offset, text: rendered)]
        for item in explicitPair("favorites", in: root)?.value.items ?? [] where item.scalar?.value == oldName {
            splices.append(Splice(range: item.start.offset..<item.end.offset, text: rendered))
        }
        return try finish(splices.sorted { $0.range.lowerBound < $1.range.lowerBound })
    }
}
