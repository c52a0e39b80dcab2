import Foundation
import Yams

/// A YAML node with the file and key path it came from, so that every error names file, line and key.
///
/// Mappings are read key by key; ``finish()`` refuses keys nobody asked for, so a typo such as `schemse:` is an
/// error rather than a silently ignored line.
struct ConfigNode {
    let node: Node
    let file: String
    let path: String
    private var consumed: Set<String> = []

    init(node: Node, file: String, path: String) {
        self.node = node
        self.file = file
        self.path = path
    }

    var line: Int? { node.mark.map { $0.line } }

    func error(_ message: String) -> ConfigError {
        ConfigError(file: file, line: line, key: path, message: message)
    }

    private func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The value under `key` in this mapping, if present and not null.
    mutating func optional(_ key: String) throws -> ConfigNode? {
        guard let mapping = node.mapping else { throw error("expected a mapping of keys to values") }
        consumed.insert(key)
        guard let value = mapping[key] else { return nil }
        if value.null != nil { return nil }
        return ConfigNode(node: value, file: file, path: child(key))
    }

    mutating func required(_ key: String) throws -> ConfigNode {
        guard let value = try optional(key) else {
            throw ConfigError(file: file, line: line, key: child(key), message: "is required")
        }
        return value
    }

    /// Refuses keys this mapping has that were never read.
    func finish() throws {
        guard let mapping = node.mapping else { return }
        for (key, _) in mapping {
            let name = key.string ?? "?"
            if !consumed.contains(name) {
                let known = consumed.sorted().joined(separator: ", ")
                throw ConfigError(file: file, line: key.mark?.line, key: child(name), message: "unknown key (known here: \(known))")
            }
        }
    }

    func string() throws -> String {
        guard case .scalar(let scalar) = node else { throw error("expected a string") }
        return scalar.string
    }

    func bool() throws -> Bool {
        guard let value = node.bool else { throw error("expected true or false") }
        return value
    }

    func int(in range: ClosedRange<Int>) throws -> Int {
        guard let value = node.int, range.contains(value) else {
            throw error("expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A duration such as `30s`, `15m`, `2h`, `1d`, or a number of seconds.
    func duration() throws -> TimeInterval {
        guard let seconds = DurationText.seconds(try string()) else { throw error("expected a duration such as 30s, 15m, 2h or 1d") }
        return seconds
    }

    /// The items of a sequence; a single scalar is read as a one-item list.
    func list() throws -> [ConfigNode] {
        if case .scalar = node { return [self] }
        guard let sequence = node.sequence else { throw error("expected a list") }
        return sequence.enumerated().map { index, item in ConfigNode(node: item, file: file, path: "\(path)[\(index)]") }
    }

    func strings() throws -> [String] {
        try list().map { try $0.string() }
    }

    /// A path relative to the config file's folder, made absolute.
    func filePath(relativeTo base: String) throws -> String {
        let text = try string()
        if text.hasPrefix("/") { return text }
        return URL(fileURLWithPath: base).appendingPathComponent(text).standardizedFileURL.path
    }
}
