import Foundation
import Synchronization

/// A file parsed once and parsed again when it changes, as nginx and Apache re-read user files, but without paying
/// a parse per request: the modification time and size are looked at most once a second (or at once after
/// ``reload()``, which SIGHUP calls). A file that fails to parse keeps the last good version and reports the error.
public final class ReloadingFile<Value: Sendable>: Sendable {
    private struct State {
        var value: Value
        var signature: FileSignature
        var checked: ContinuousClock.Instant
    }

    private struct FileSignature: Equatable {
        var modified: Date?
        var size: Int?
        var inode: Int?

        init(path: String) {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            modified = attributes?[.modificationDate] as? Date
            size = (attributes?[.size] as? NSNumber)?.intValue
            inode = (attributes?[.systemFileNumber] as? NSNumber)?.intValue
        }
    }

    public let path: String
    private let parse: @Sendable (String) throws -> Value
    private let onChange: @Sendable (Result<Value, any Error>) -> Void
    private let state: Mutex<State>

    /// Parses `path` now (throwing if it cannot), then on change.
    public init(
        path: String, parse: @escaping @Sendable (String) throws -> Value,
        onChange: @escaping @Sendable (Result<Value, any Error>) -> Void = { _ in }
    ) throws {
        self.path = path
        self.parse = parse
        self.onChange = onChange
        let signature = FileSignature(path: path)
        state = Mutex(State(value: try parse(path), signature: signature, checked: .now))
    }

    /// The current value, parsed again first when the file changed.
    public var value: Value {
        let now = ContinuousClock.now
        let due = state.withLock { state -> Bool in
            guard now - state.checked >= .seconds(1) else { return false }
            state.checked = now
            return true
        }
        if due { refreshIfChanged() }
        return state.withLock { $0.value }
    }

    /// Looks at the file now (SIGHUP).
    public func reload() {
        state.withLock { $0.checked = .now }
        refreshIfChanged(force: true)
    }

    private func refreshIfChanged(force: Bool = false) {
        let signature = FileSignature(path: path)
        guard force || state.withLock({ $0.signature != signature }) else { return }
        do {
            let value = try parse(path)
            state.withLock {
                $0.value = value
                $0.signature = signature
            }
            onChange(.success(value))
        } catch {
            state.withLock { $0.signature = signature }
            onChange(.failure(error))
        }
    }
}
