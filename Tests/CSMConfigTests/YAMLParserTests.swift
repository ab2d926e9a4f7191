import CSMConfig
import CSMModel
import CSMTestSupport
import Foundation
import Testing

@Suite("YAML layer")
struct YAMLParserTests {
    func root(_ text: String) throws -> YAMLNode {
        try #require(try YAMLParser.parse(text, file: "t.yaml"))
    }

    @Test("nodes carry 1-based lines and columns and byte offsets, also after non-ASCII text")
    func positions() throws {
        let text = "a: héllo\nb:\n  - x\n  - {k: v}\nc: |\n  line\n"
        let node = try root(text)
        let bytes = Array(text.utf8)
        let b = try #require(node.value(forKey: "b"))
        #expect(b.start == YAMLMark(line: 3, column: 3, offset: 15))
        let flow = try #require(b.items?.last)
        #expect(flow.isFlow)
        #expect(String(decoding: bytes[flow.start.offset..<flow.end.offset], as: UTF8.self) == "{k: v}")
        // A block collection ends where its last child ends, not after trailing blank lines.
        #expect(b.end == flow.end)
        let c = try #require(node.pair(forKey: "c"))
        #expect(c.key.start == YAMLMark(line: 5, column: 1, offset: 30))
        #expect(c.value.scalar == YAMLScalar(value: "line\n", style: .literal))
        let hello = try #require(node.value(forKey: "a"))
        #expect(String(decoding: bytes[hello.start.offset..<hello.end.offset], as: UTF8.self) == "héllo")
    }

    @Test("scalars keep their style and tag")
    func styles() throws {
        let node = try root("p: plain\ns: 'single'\nd: \"double\"\nf: >\n  folded\nt: !!str 12\n")
        #expect(node.value(forKey: "p")?.scalar?.style == .plain)
        #expect(node.value(forKey: "s")?.scalar?.style == .singleQuoted)
        #expect(node.value(forKey: "d")?.scalar?.style == .doubleQuoted)
        #expect(node.value(forKey: "f")?.scalar?.style == .folded)
        #expect(node.value(forKey: "t")?.scalar?.tag == "tag:yaml.org,2002:str")
    }

    @Test("aliases share the anchored node instead of copying it")
    func aliasesByReference() throws {
        let node = try root("a: &x {k: v}\nb: *x\n")
        #expect(node.value(forKey: "a") === node.value(forKey: "b"))
    }

    @Test("a billion-laughs document is rejected fast")
    func aliasBomb() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...30 {
            text +=
                "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
                + "]\n"
        }
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(throws: ConfigError.self) { try YAMLParser.parse(text, file: "t.yaml") }
        }
        #expect(elapsed < .seconds(1))
    }

    @Test("nesting deeper than 64 levels is an error, not a stack overflow")
    func deepNesting() {
        let text = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        do {
            _ = try YAMLParser.parse(text, file: "t.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.map(\.message) == ["collections nest deeper than 64 levels"])
        }
    }

    @Test("a merge key must name a mapping")
    func badMerge() {
        #expect(
            summaries("version: 1\nworkspace: w\ndefaults:\n  <<: 5\n")
                == ["4:7: a merge key '<<' needs a mapping or a list of mappings, found an integer"])
    }

    @Test("input over 4 MiB is refused before parsing")
    func sizeCap() {
        let text = "version: 1\n#" + String(repeating: "x", count: YAMLParser.maxInputBytes)
        #expect(summaries(text) == ["1:1: the file is 4194316 bytes; the limit is 4 MiB (4194304 bytes)"])
    }

    @Test("control characters are reported where they are")
    func controlCharacters() {
        #expect(
            summaries("version: 1\nworkspace: w\u{0}\n") == [
                "2:13: cannot read the file: control characters are not allowed"
            ])
    }

    @Test("a file that is not UTF-8 is reported at the first bad byte")
    func invalidUTF8() async throws {
        try await withTemporaryDirectory { folder in
            let path = folder.appendingPathComponent("csm.yaml").path
            var bytes = Array("version: 1\nworkspace: w".utf8)
            bytes += [0xC3, 0x28, 0x0A]
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do throws(ConfigError) {
                _ = try testLoader().load(file: path)
                Issue.record("expected an error")
            } catch {
                #expect(
                    error.diagnostics.map { "\($0.location.line):\($0.location.column): \($0.message)" }
                        == ["2:13: the file is not valid UTF-8 text (byte 23)"])
            }
        }
    }

    @Test("random bytes never crash the parser or the loader")
    func randomBytes() {
        var generator = SplitMix64(seed: 0x5EED)
        let alphabet = Array(
            "version: 1\nworkspace: w\n- [ ] { } : , & * ! | > ' \" % @ ` # ~ \t\r\n<<: ${X} héllo".utf8)
        for round in 0..<400 {
            let length = Int(generator.next() % 300)
            let bytes: [UInt8] = (0..<length).map { _ in
                round % 2 == 0
                    ? UInt8(truncatingIfNeeded: generator.next())
                    : alphabet[Int(generator.next() % UInt64(alphabet.count))]
            }
            let text = String(decoding: bytes, as: UTF8.self)
            _ = diagnostics(text)
            _ = try? ConfigEditor(text: text).addSession(name: "s", fields: ["repo": "r"])
        }
    }
}

/// A small seeded generator so the random-input test is reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
