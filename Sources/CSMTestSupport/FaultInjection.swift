import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Whether this process may mount a tmpfs (root on Linux): the disk-full tests need one.
public let canMountTmpfs: Bool = {
    #if os(Linux)
        return getuid() == 0
    #else
        return false
    #endif
}()

/// Runs `body` with a tmpfs of `kilobytes` mounted on a fresh folder, and unmounts and removes it
/// afterwards, also when `body` throws. Needs root (see `canMountTmpfs`).
public func withSmallTmpfs<T>(kilobytes: Int, _ body: (URL) async throws -> T) async throws -> T {
    let mountPoint = try makeTemporaryDirectory(prefix: "csm-tmpfs")
    defer { try? FileManager.default.removeItem(at: mountPoint) }
    try runTool("mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k,mode=0700", "tmpfs", mountPoint.path])
    defer { _ = try? runTool("umount", ["-l", mountPoint.path]) }
    return try await body(mountPoint)
}

/// Fills the file system holding `folder` with one file until a write fails with `ENOSPC`; returns that
/// file (delete it to give the space back).
@discardableResult
public func fillDisk(in folder: URL, name: String = "ballast") throws -> URL {
    let url = folder.appendingPathComponent(name)
    let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { throw ToolFailure(command: "open \(url.path)", status: errno, stderr: "") }
    defer { close(descriptor) }
    let chunk = [UInt8](repeating: 0x78, count: 4096)
    while true {
        let written = chunk.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if written < 0 {
            if errno == EINTR { continue }
            break
        }
        if written == 0 { break }
    }
    // Single bytes fill the last partial page.
    while write(descriptor, "x", 1) == 1 {}
    return url
}

/// The resident set size of a process in KiB (`VmRSS` of /proc/PID/status), nil when unknown.
public func residentKilobytes(of pid: Int32) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }
    return nil
}

/// The number of open file descriptors of a process (entries of /proc/PID/fd), nil when unknown.
public func openDescriptorCount(of pid: Int32) -> Int? {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count
}
