import Testing

@testable import CSMTUI

@Suite("terminal input and text width")
struct TerminalTests {
    @Test("arrows, Enter, Tab, Shift-Tab, Backspace, Esc and control keys decode")
    func specialKeys() {
        var decoder = KeyDecoder()
        #expect(
            decoder.decode(Array("\u{1B}[A\u{1B}[B\u{1B}OC\u{1B}[D\r\t\u{1B}[Z\u{7F}\u{03}\u{1B}[3~\u{1B}[5~".utf8))
                == [.up, .down, .right, .left, .enter, .tab, .backTab, .backspace, .ctrl("c"), .delete, .pageUp])
        #expect(decoder.decode([0x1B]) == [.escape])
        #expect(decoder.decode(Array("\u{1B}f".utf8)) == [.escape, .char("f")], "Esc typed right before a key")
        #expect(
            decoder.decode([0x0D, 0x0A]) == [.enter, .ctrl("j")], "raw mode keeps Enter (CR) apart from Ctrl-J (LF)")
    }

    @Test("UTF-8 text split across reads is kept whole")
    func utf8Across() {
        var decoder = KeyDecoder()
        let bytes = Array("a日é😀".utf8)
        #expect(decoder.decode(Array(bytes[0..<2])) == [.char("a")])
        #expect(decoder.decode(Array(bytes[2..<5])) == [.char("日")])
        #expect(decoder.decode(Array(bytes[5...])) == [.char("é"), .char("😀")])
    }

    @Test("bracketed paste arrives as one key, also across reads")
    func paste() {
        var decoder = KeyDecoder()
        #expect(decoder.decode(Array("\u{1B}[200~q line".utf8)) == [])
        #expect(decoder.decode(Array(" two\u{1B}[201~j".utf8)) == [.paste("q line two"), .char("j")])
    }

    @Test(
        "CJK and emoji are two columns, combining marks none",
        arguments: [
            ("abc", 3), ("日本語", 6), ("😀", 2), ("e\u{301}", 1), ("👩‍💻", 2), ("❤️", 2), ("", 0), ("ｈｉ", 4), ("\u{200B}", 0),
        ])
    func widths(text: String, width: Int) {
        #expect(DisplayWidth.of(text) == width)
    }

    @Test("truncation ends in an ellipsis and never splits a wide character")
    func truncation() {
        #expect(DisplayWidth.truncate("hello world", to: 8) == "hello w…")
        #expect(DisplayWidth.truncate("hello", to: 5) == "hello")
        #expect(DisplayWidth.truncate("日本語テキスト", to: 6) == "日本…")
        #expect(DisplayWidth.truncate("日本語テキスト", to: 5) == "日本…")
        #expect(DisplayWidth.of(DisplayWidth.truncate("日本語テキスト", to: 4)) <= 4)
        #expect(DisplayWidth.fit("ab", to: 4) == "ab  ")
        #expect(DisplayWidth.fitRight("ab", to: 4) == "  ab")
        #expect(DisplayWidth.truncate("abc", to: 0) == "")
    }

    @Test("a styled line is cut with an ellipsis across spans and padded to the width")
    func styledFit() {
        let line = StyledLine([Span("abc", .bold), Span("def", .dim)])
        #expect(line.fitted(to: 5).plainText == "abcd…")
        #expect(line.fitted(to: 3).plainText == "ab…")
        #expect(line.fitted(to: 6) == line)
        #expect(line.fitted(to: 8, pad: true).plainText == "abcdef  ")
        #expect(StyledLine("a\tb\u{1B}[2J").sanitized().plainText == "a b [2J")
    }

    @Test("only changed rows are redrawn; an unchanged frame writes nothing")
    func frameDiff() {
        var diff = FrameDiff()
        let first = Frame(lines: ["one", "two", "three"])
        #expect(diff.update(to: first).contains("\u{1B}[2J"))
        #expect(diff.update(to: first).isEmpty)
        let second = Frame(lines: ["one", "TWO", "three"])
        let bytes = diff.update(to: second)
        #expect(bytes == "\u{1B}[2;1H\u{1B}[2KTWO")
        diff.invalidate()
        #expect(diff.update(to: second).contains("one"))
    }
}
