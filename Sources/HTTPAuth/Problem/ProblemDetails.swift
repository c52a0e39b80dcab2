import Foundation

/// A problem details object (RFC 9457), the body of an `application/problem+json` error response.
///
/// ``detail`` is what the client may read: it must not reveal whether a user exists or why exactly a credential
/// failed. Extension members go in ``extensions`` and are written beside the standard members.
/// https://www.rfc-editor.org/rfc/rfc9457.html#section-3
public struct ProblemDetails: Hashable, Sendable, Codable {
    /// The media type of the JSON form.
    public static let mediaType = "application/problem+json"

    /// A URI reference naming the problem type; `about:blank` when the status says it all.
    public var type: String
    public var title: String?
    public var status: Int?
    public var detail: String?
    public var instance: String?
    /// Extension members, such as `request_id`.
    public var extensions: [String: String]

    public init(
        type: String = "about:blank", title: String? = nil, status: Int? = nil, detail: String? = nil, instance: String? = nil,
        extensions: [String: String] = [:]
    ) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.instance = instance
        self.extensions = extensions
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private static let standardMembers: Set<String> = ["type", "title", "status", "detail", "instance"]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        type = try container.decodeIfPresent(String.self, forKey: Key("type")) ?? "about:blank"
        title = try container.decodeIfPresent(String.self, forKey: Key("title"))
        status = try container.decodeIfPresent(Int.self, forKey: Key("status"))
        detail = try container.decodeIfPresent(String.self, forKey: Key("detail"))
        instance = try container.decodeIfPresent(String.self, forKey: Key("instance"))
        extensions = [:]
        for key in container.allKeys where !Self.standardMembers.contains(key.stringValue) {
            if let value = try? container.decode(String.self, forKey: key) { extensions[key.stringValue] = value }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(type, forKey: Key("type"))
        try container.encodeIfPresent(title, forKey: Key("title"))
        try container.encodeIfPresent(status, forKey: Key("status"))
        try container.encodeIfPresent(detail, forKey: Key("detail"))
        try container.encodeIfPresent(instance, forKey: Key("instance"))
        for (key, value) in extensions where !Self.standardMembers.contains(key) {
            try container.encode(value, forKey: Key(key))
        }
    }

    /// The JSON body, keys sorted so that the output is stable.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
