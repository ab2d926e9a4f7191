import CSMTestSupport
import Foundation
import Testing

@testable import CSMTUI

@Suite("reducer and rendering under random input")
struct PropertyTests {
    static let keys: [Key] = [
        .up, .down, .left, .right, .enter, .tab, .backTab, .escape, .backspace, .home, .end, .pageUp, .pageDown,
        .char("j"), .char("k"), .char("a"), .char("t"), .char("c"), .char("K"), .char("f"), .char("P"), .char("A"),
        .char("/"), .char("r"), .char("?"), .char("p"), .char("d"), .char("y"), .char("n"), .char("x"), .char("m"),
        .char("日"), .char("😀"), .paste("pasted\ntext"), .char("-"), .char("z"),
    ]

    @Test("random keys, results and sizes never break the frame: exact height, never wider than the terminal")
    func randomSessions() {
        var random = SeededRandom(seed: 8)
        let snapshot = Fixture.snapshot
        for round in 0..<25 {
            var state = Fixture.state(
                columns: Int.random(in: 60...250, using: &random), rows: Int.random(in: 8...50, using: &random))
            for step in 0..<40 {
                let roll = Int.random(in: 0..<100, using: &random)
                let event: TUIEvent
                if roll < 80 {
                    event = .key(Self.keys.randomElement(using: &random)!)
                } else if roll < 88 {
                    event = .resize(
                        TerminalSize(
                            columns: Int.random(in: 20...250, using: &random),
                            rows: Int.random(in: 2...60, using: &random)))
                } else if roll < 94 {
                    event = .data(.snapshot(snapshot))
                } else {
                    event = .effect(
                        .failed(
                            "step \(step) failed with a long message that goes on and on about what happened and what to do"
                        ))
                }
                let effects = Reducer.reduce(&state, event)
                if effects.contains(.quit) { break }
                let frame = Screen.render(state)
                #expect(
                    frame.lines.count == max(1, min(max(4, state.size.rows), state.size.rows)),
                    "round \(round) step \(step)")
                #expect(
                    frame.lines.allSatisfy { $0.width <= state.size.columns }, "round \(round) step \(step): \(event)")
            }
        }
    }
}
