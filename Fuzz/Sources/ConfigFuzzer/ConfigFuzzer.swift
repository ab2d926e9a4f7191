import CSMConfig

/// One fuzz input (handed to libFuzzer's driver in main.swift), as the bytes of a csm.yaml. The loader must answer every input
/// with a workspace or diagnostics, within its limits (4 MiB, 64 levels, 10,000 alias nodes), never
/// crash, hang or touch memory it does not own. Valid documents also go through the comment-keeping
/// editor, whose output must load again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: count)
    let text = String(decoding: bytes, as: UTF8.self)
    let loader = ConfigLoader(environment: ["HOME": "/home/fuzz", "USER": "fuzz", "TOKEN": "t"])
    guard let workspace = try? loader.parse(text, file: "csm.yaml", baseDirectory: "/work/fuzz") else { return 0 }
    // A document that loads must also survive an edit: add a session and remove the first one.
    guard let editor = try? ConfigEditor(text: text, file: "csm.yaml") else { return 0 }
    if let repo = workspace.repos.keys.sorted().first,
        let added = try? editor.addSession(
            name: "fuzz-added", fields: ["repo": .string(repo), "prompt": .string("p: \"q\"\n#x")])
    {
        _ = try? loader.parse(added, file: "csm.yaml", baseDirectory: "/work/fuzz")
    }
    if let first = workspace.sessions.keys.sorted().first, let removed = try? editor.removeSession(name: first) {
        _ = try? loader.parse(removed, file: "csm.yaml", baseDirectory: "/work/fuzz")
    }
    return 0
}
