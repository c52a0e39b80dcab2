import Foundation
import Synchronization

/// A progress bar on standard error, only when it is a terminal and the input is large (64 MiB or more); advanced
/// from several reading tasks at once.
final class ProgressBar: Sendable {
    private let total: Int
    private let state = Mutex<(done: Int, shownPercent: Int)>((0, -1))

    init?(total: Int) {
        guard total >= 64 << 20, isatty(STDERR_FILENO) == 1 else { return nil }
        self.total = total
    }

    func advance(_ bytes: Int) {
        let percent: Int? = state.withLock { state in
            state.done += bytes
            let percent = min(100, state.done * 100 / total)
            guard percent != state.shownPercent else { return nil }
            state.shownPercent = percent
            return percent
        }
        if let percent {
            let filled = String(repeating: "█", count: percent / 4) + String(repeating: "·", count: 25 - percent / 4)
            FileHandle.standardError.write(Data("\r\(filled) \(percent)%".utf8))
        }
    }

    func finish() {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
