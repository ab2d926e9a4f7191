import CSMTestSupport
import Foundation
import HTTPTypes
import Synchronization
import Testing

@testable import CSMServer

@Suite("csm server's shutdown watchdog")
struct ShutdownWatchdogTests {
    @Test("past its timeout it reports the services and requests still running, and the steps already done")
    func expiryReport() async throws {
        let reports = Mutex<[String]>([])
        let watchdog = ShutdownWatchdog(timeout: .milliseconds(50)) { report in reports.withLock { $0.append(report) } }
        let release = AsyncStream<Void>.makeStream()
        let stuck = Task {
            await watchdog.tracking(service: "http server") {
                await watchdog.tracking(request: HTTPRequest(method: .post, scheme: nil, authority: nil, path: "/api/hooks/a")) {
                    for await _ in release.stream {}
                }
            }
        }
        #expect(await eventually { watchdog.report().contains("POST /api/hooks/a") })
        watchdog.step("ended 2 live stream(s)")
        watchdog.arm(reason: "SIGTERM")
        #expect(await eventually { !reports.withLock { $0.isEmpty } }, "the watchdog never fired")
        let report = try #require(reports.withLock { $0.first })
        #expect(report.contains("did not stop within 0.05 seconds of SIGTERM; exiting with status 70"), "\(report)")
        #expect(report.contains("services: http server"), "\(report)")
        #expect(report.contains("requests: POST /api/hooks/a (for "), "\(report)")
        #expect(report.contains("done so far: ended 2 live stream(s)"), "\(report)")
        release.continuation.finish()
        await stuck.value
        #expect(watchdog.report().contains("services: none") && watchdog.report().contains("requests: none"))
        #expect(reports.withLock { $0.count } == 1, "it fires once")
    }

    @Test("disarmed in time, it never fires; arming twice keeps the first clock")
    func disarm() async throws {
        let fired = Mutex(false)
        let watchdog = ShutdownWatchdog(timeout: .seconds(3600)) { _ in fired.withLock { $0 = true } }
        #expect(!watchdog.isShuttingDown)
        watchdog.arm(reason: "SIGTERM")
        watchdog.arm(reason: "SIGINT")
        #expect(watchdog.isShuttingDown)
        #expect(watchdog.report().contains("of SIGTERM"))
        watchdog.disarm()
        #expect(!fired.withLock { $0 })
    }
}
