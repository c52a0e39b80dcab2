/// A Digest "quality of protection": `auth`, or `auth-int` (which also covers the message body).
/// https://www.rfc-editor.org/rfc/rfc7616.html#section-3.3
public struct DigestQOP: Hashable, Sendable, CustomStringConvertible {
    /// The value as written; matched without regard to case.
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let auth = DigestQOP("auth")
    public static let authInt = DigestQOP("auth-int")

    public static func == (lhs: DigestQOP, rhs: DigestQOP) -> Bool { lhs.rawValue.lowercased() == rhs.rawValue.lowercased() }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue.lowercased()) }
    public var description: String { rawValue }
}
