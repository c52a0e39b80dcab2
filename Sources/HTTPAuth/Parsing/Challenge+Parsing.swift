extension Challenge {
    /// Parses the challenges of one or more `WWW-Authenticate` / `Proxy-Authenticate` field values.
    ///
    /// Several values are one list, as repeated fields are (RFC 9110 §5.3). Empty list elements are skipped.
    /// - Throws: ``HTTPAuthError`` with the byte offset into the value that broke the grammar.
    public static func parseList(_ fieldValues: String..., maximumLength: Int = defaultMaximumLength) throws -> [Challenge] {
        try parseList(fieldValues, maximumLength: maximumLength)
    }

    /// Parses the challenges of repeated `WWW-Authenticate` / `Proxy-Authenticate` field values, in order.
    public static func parseList(_ fieldValues: [String], maximumLength: Int = defaultMaximumLength) throws -> [Challenge] {
        try fieldValues.flatMap { value in
            var parser = try AuthFieldParser(value, maximumLength: maximumLength)
            return try parser.parseChallengeList()
        }
    }

    /// The longest field value the parsers read unless told otherwise, in bytes.
    public static var defaultMaximumLength: Int { AuthFieldParser.defaultMaximumLength }
}

extension Credentials {
    /// Parses the value of an `Authorization` or `Proxy-Authorization` field.
    /// - Throws: ``HTTPAuthError`` with the byte offset into the value that broke the grammar.
    public init(parsing fieldValue: String, maximumLength: Int = Challenge.defaultMaximumLength) throws {
        var parser = try AuthFieldParser(fieldValue, maximumLength: maximumLength)
        self = try parser.parseCredentials()
    }
}

extension AuthenticationInfo {
    /// Parses the value of an `Authentication-Info` or `Proxy-Authentication-Info` field.
    /// - Throws: ``HTTPAuthError`` with the byte offset into the value that broke the grammar.
    public init(parsing fieldValue: String, maximumLength: Int = Challenge.defaultMaximumLength) throws {
        var parser = try AuthFieldParser(fieldValue, maximumLength: maximumLength)
        self.init(parameters: try parser.parseParameterList())
    }
}
