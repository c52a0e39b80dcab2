import Foundation
import HTTPAuth

/// Where a directive was written: the file and the line, as every config finding names it.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var description: String { "\(file):\(line)" }
}

/// One directive of an nginx or Apache configuration, with its arguments as written (quotes removed) and, for a
/// block (`server { … }`, `<Location /x> … </Location>`), the directives inside. `include`/`Include` are already
/// replaced by the directives of the files they name.
public struct ConfigDirective: Sendable, Hashable {
    /// As written; compare with ``is(_:)``, since Apache's names ignore case.
    public var name: String
    public var arguments: [String]
    public var location: SourceLocation
    public var children: [ConfigDirective]
    public var isBlock: Bool
    /// The comment lines written right above it (nginx), without their `#`.
    public var comment: String? = nil

    public func `is`(_ other: String) -> Bool { name.caseInsensitiveCompare(other) == .orderedSame }

    /// The children named `name`.
    public func all(_ name: String) -> [ConfigDirective] { children.filter { $0.is(name) } }

    /// The last child named `name` (the one that takes effect).
    public func last(_ name: String) -> ConfigDirective? { children.last { $0.is(name) } }
}

/// A configuration that cannot be read: the file, the line and why.
public struct ConfigReadError: Error, CustomStringConvertible, Sendable {
    public var location: SourceLocation
    public var message: String
    public var description: String { "\(location): \(message)" }
}

/// Shared by both readers: glob expansion for `include` with the paths sorted, as both servers include them.
enum ConfigFiles {
    static func expand(_ pattern: String) -> [String] {
        guard pattern.contains(where: { "*?[".contains($0) }) else { return [pattern] }
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }.sorted()
    }

    /// The text of a configuration file: a regular file of at most 16 MiB. An `include` of `/dev/zero`, a FIFO or a
    /// huge file in a stranger's configuration is said, not read until memory runs out.
    static func read(_ path: String, from location: SourceLocation?) throws -> String {
        let here = location ?? SourceLocation(file: path, line: 0)
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let attributes, attributes[.type] as? FileAttributeType == .typeRegular else {
            throw ConfigReadError(location: here, message: attributes == nil ? "cannot read \(path)" : "\(path) is not a regular file")
        }
        guard ((attributes[.size] as? NSNumber)?.intValue ?? 0) <= maximumSize else {
            throw ConfigReadError(location: here, message: "\(path) is larger than \(maximumSize >> 20) MiB: not a configuration file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigReadError(location: here, message: "cannot read \(path)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    static let maximumSize = 16 << 20

    /// `path` made absolute against `base` when it is relative.
    static func resolve(_ path: String, against base: String) -> String {
        path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path)
    }
}
