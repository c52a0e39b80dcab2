import Foundation

/// Why a log file, or part of it, could not be read. Reported with the file, and the offset where that applies;
/// what could be read is still analysed.
public enum LogError: Error, CustomStringConvertible, Sendable, Equatable {
    case unreadable(path: String, reason: String)
    case corrupt(path: String, offset: Int, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): cannot read: \(reason)"
        case .corrupt(let path, let offset, let reason): "\(path): at byte \(offset): \(reason)"
        }
    }
}
