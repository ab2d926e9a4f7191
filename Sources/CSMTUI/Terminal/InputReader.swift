import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Reads the terminal on its own thread, blocked in `poll(2)` (no busy loop), and hands decoded keys to a
/// callback. `pause()` stops it from reading while another program (tmux attach) owns the terminal.
public final class InputReader: Sendable {
    private enum Mode { case running, paused, stopped }

    private let fd: Int32
    /// A self-pipe: writing a byte wakes the thread out of `poll` to notice a mode change.
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let mode = Mutex(Mode.running)
    /// Signalled by `resume()` and `stop()` while the thread waits in the paused state.
    private let resumed = DispatchSemaphore(value: 0)
    /// Signalled by the thread once it is parked (so `pause()` returns only when no read can happen).
    private let parked = DispatchSemaphore(value: 0)
    private let onKeys: @Sendable ([Key]) -> Void

    /// Starts the reader thread on `fd`.
    public init(fd: Int32 = STDIN_FILENO, onKeys: @escaping @Sendable ([Key]) -> Void) {
        self.fd = fd
        self.onKeys = onKeys
        var fds: [Int32] = [0, 0]
        _ = pipe(&fds)
        wakeRead = fds[0]
        wakeWrite = fds[1]
        let thread = Thread { [self] in self.loop() }
        thread.name = "csm.tui.input"
        thread.start()
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = Glibc.write(wakeWrite, &byte, 1)
    }

    /// Stops reading until `resume()`; returns once the reader thread is parked.
    public func pause() {
        mode.withLock { $0 = .paused }
        wake()
        parked.wait()
    }

    /// Starts reading again after `pause()`.
    public func resume() {
        mode.withLock { $0 = .running }
        resumed.signal()
    }

    /// Ends the reader thread for good.
    public func stop() {
        let wasPaused = mode.withLock { current -> Bool in
            defer { current = .stopped }
            return current == .paused
        }
        wake()
        if wasPaused { resumed.signal() }
    }

    private func loop() {
        var decoder = KeyDecoder()
        var buffer = [UInt8](repeating: 0, count: 4096)
        defer {
            close(wakeRead)
            close(wakeWrite)
        }
        while true {
            switch mode.withLock({ $0 }) {
            case .stopped:
                return
            case .paused:
                parked.signal()
                resumed.wait()
                decoder = KeyDecoder()
                continue
            case .running:
                break
            }
            var fds = [
                pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if fds[1].revents != 0 {
                var drain = [UInt8](repeating: 0, count: 64)
                _ = read(wakeRead, &drain, drain.count)
                continue
            }
            if fds[0].revents & Int16(POLLIN) != 0 {
                let count = read(fd, &buffer, buffer.count)
                if count <= 0 {
                    if count < 0, errno == EINTR || errno == EAGAIN { continue }
                    onKeys([.ctrl("d")])  // end of input: treated like the terminal going away
                    return
                }
                let keys = decoder.decode(Array(buffer[0..<count]))
                if !keys.isEmpty { onKeys(keys) }
            } else if fds[0].revents != 0 {
                onKeys([.ctrl("d")])
                return
            }
        }
    }
}
