import CSMEngine
import Foundation

extension ListCommand {
    /// Below the table: why each blocked session is blocked, with the setup log's last lines.
    static func printSetupFailures(_ rows: [SessionRow], output: Output) {
        for row in rows {
            guard let failure = row.setupFailure else { continue }
            output.line()
            output.line(
                output.style.red("\(row.name): setup failed with exit status \(failure.exitStatus)")
                    + " (log: \(failure.logPath)); the agent is not started. Fix it, then 'csm apply --retry-setup'.")
            for line in failure.logTail.split(separator: "\n", omittingEmptySubsequences: false) {
                output.line("    | " + line)
            }
        }
    }
}
