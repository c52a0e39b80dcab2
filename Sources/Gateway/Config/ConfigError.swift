/// A configuration that cannot be used, with the file, line and key that say where: `gatehouse.yaml:12:
/// routes[0].schemes[1]: unknown scheme 'basci' (expected basic, digest, bearer, api_key)`.
public struct ConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    public let file: String
    /// 1-based line, or nil when the problem is the whole file.
    public let line: Int?
    /// The key path, such as `routes[0].jwt.audience`.
    public let key: String
    public let message: String

    public init(file: String, line: Int?, key: String, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        return key.isEmpty ? "\(place): \(message)" : "\(place): \(key): \(message)"
    }
}
