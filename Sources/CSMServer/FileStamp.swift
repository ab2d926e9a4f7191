#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Who a file is and when it last changed (device, inode, size, modification and change times), read with
/// one `stat`: enough to tell that csm.yaml is unchanged without reading it.
///
/// File times tick with the kernel's coarse clock (a few milliseconds), so two same-sized writes inside one
/// tick look alike; like git's "racily clean" entries, a stamp vouches for the content only once its
/// modification time is `settle` seconds old.
struct FileStamp: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: timespec
    var changed: timespec

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = info.st_mtim
        changed = info.st_ctim
    }

    /// Whether the file last changed more than `settle` seconds before `now` (seconds since 1970).
    func isSettled(now: Double, settle: Double = 2) -> Bool {
        let latest = max(Double(modified.tv_sec) + Double(modified.tv_nsec) / 1e9,
                         Double(changed.tv_sec) + Double(changed.tv_nsec) / 1e9)
        return now - latest > settle
    }

    static func == (a: FileStamp, b: FileStamp) -> Bool {
        a.device == b.device && a.inode == b.inode && a.size == b.size
            && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
            && a.changed.tv_sec == b.changed.tv_sec && a.changed.tv_nsec == b.changed.tv_nsec
    }
}
