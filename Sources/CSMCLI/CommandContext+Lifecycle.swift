import CSMEngine
import CSMModel

extension CommandContext {
    /// The lifecycle operations (run, merge, archive, restore, rename) over the real drivers.
    func makeLifecycle() -> SessionLifecycle {
        SessionLifecycle(engine: makeEngine(), loader: loader)
    }

    /// Prints one line when an action starts and one when it ends, as `apply` does.
    func progressPrinter() -> @Sendable (ApplyEvent) -> Void {
        let out = output
        return { event in
            switch event {
            case let .started(action):
                out.line(out.style.bold("session.\(action.session)") + ": \(ApplyRunner.verb(action.kind).present)...")
            case let .finished(action, outcome, seconds):
                let took = String(format: "%.1fs", seconds)
                let noun = ApplyRunner.verb(action.kind).noun
                switch outcome {
                case .succeeded:
                    out.line(out.style.bold("session.\(action.session)") + ": \(noun) complete after \(took)")
                case .failed:
                    out.line(
                        out.style.bold("session.\(action.session)") + ": "
                            + out.style.red("\(noun) failed after \(took)"))
                case .skipped: break
                }
            }
        }
    }

    /// Refuses names that cannot be sessions before anything else runs.
    func checkName(_ name: String) throws {
        guard CSMName.isValid(name) else { throw CLIError.invalidName(name, what: "session") }
    }
}
