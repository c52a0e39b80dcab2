import Testing

@testable import Gateway

/// The one canonical form of a request target (RFC 3986 §5.2.4 dot segments, §2.1 percent-encoding; RFC 9112
/// §3.2 request-target forms), and the spellings an attacker uses to make an auth layer and a backend disagree.
@Suite struct CanonicalTargetTests {
    /// Spellings of `/admin/secret.txt` that servers behind a gateway all read as that file.
    @Test(arguments: [
        "/admin/secret.txt", "/%61dmin/secret.txt", "/%61%64%6D%69%6E/secret.txt", "/%61%64%6d%69%6e/secret.txt",
        "//admin/secret.txt", "/admin//secret.txt", "///admin///secret.txt", "/./admin/secret.txt", "/admin/./secret.txt",
        "/x/../admin/secret.txt", "/admin/x/../secret.txt", "/%2e/admin/secret.txt", "/x/%2e%2e/admin/secret.txt",
        "/x/.%2e/admin/secret.txt", "/x/%2E%2E/admin/secret.txt", "http://127.0.0.1/admin/secret.txt",
        "HTTP://other.example:81/admin/secret.txt", "https://h/%61dmin//secret.txt", "/admin/secret%2Etxt",
    ])
    func spellingsOfOnePathBecomeIt(target: String) throws {
        let canonical = try CanonicalTarget(requestTarget: target)
        #expect(canonical.path == "/admin/secret.txt", "\(target)")
        #expect(canonical.target == "/admin/secret.txt", "\(target)")
    }

    /// Spellings that a backend could read as another path than the gateway: refused, never guessed.
    @Test(arguments: [
        ("/admin%2fsecret.txt", CanonicalTarget.Refusal.encodedSlash), ("/admin%2Fsecret.txt", .encodedSlash),
        ("/admin\\secret.txt", .backslash), ("/admin%5csecret.txt", .backslash), ("/admin%5Csecret.txt", .backslash),
        ("/admin;/secret.txt", .pathParameter), ("/admin/..;/admin/secret.txt", .pathParameter), ("/admin%3b/secret.txt", .pathParameter),
        ("/admin%00/secret.txt", .controlByte), ("/admin/secret.txt%00.png", .controlByte), ("/admin%09/x", .controlByte),
        ("/admin%0d%0aSet-Cookie:x", .controlByte), ("/admin%7f", .controlByte), ("/admin%1f/x", .controlByte),
        ("/%c0%afadmin", .notUTF8), ("/admin%ff", .notUTF8), ("/%e0%80%af", .notUTF8),
        ("/admin%", .malformedEscape), ("/admin%2", .malformedEscape), ("/admin%zz", .malformedEscape), ("/%%32%66", .malformedEscape),
        ("/..", .aboveRoot), ("/../admin/secret.txt", .aboveRoot), ("/admin/../../etc/passwd", .aboveRoot), ("/%2e%2e/etc/passwd", .aboveRoot),
        ("*", .notOriginForm), ("admin/secret.txt", .notOriginForm), ("127.0.0.1:80", .notOriginForm), ("ftp://h/admin", .notOriginForm),
        ("", .notOriginForm), ("/admin#frag", .fragment), ("/a?x=1\u{1}", .controlByte),
    ])
    func ambiguousSpellingsAreRefused(target: String, refusal: CanonicalTarget.Refusal) {
        #expect(throws: refusal, "\(target)") { try CanonicalTarget(requestTarget: target) }
    }

    @Test(arguments: [
        ("/", "/"), ("/admin", "/admin"), ("/admin/", "/admin/"), ("/admin/.", "/admin/"), ("/admin/x/..", "/admin/"),
        ("/admin/x/%2e%2e", "/admin/"), ("/a/..", "/"), ("/%7Euser/", "/~user/"), ("/caf%C3%A9", "/caf%C3%A9"),
        ("/caf\u{e9}", "/caf%C3%A9"), ("/a%25b", "/a%25b"), ("/100%25%20off", "/100%25%20off"), ("/a:b@c!$&'()*+,=", "/a:b@c!$&'()*+,="),
        ("/a%22b%3C", "/a%22b%3C"), ("http://h", "/"), ("http://h?x=1", "/?x=1"), ("/p?q=%2F..%5C;", "/p?q=%2F..%5C;"),
        ("/my%20file.pdf", "/my%20file.pdf"),
    ])
    func encodedPathKeepsWhatItMeansAndDecodesOnce(target: String, expected: String) throws {
        let canonical = try CanonicalTarget(requestTarget: target)
        #expect(canonical.target == expected, "\(target)")
        #expect(canonical.received == target)
    }

    /// `%25` is decoded once, to a literal `%`; when that `%` starts another escape the path is refused, since a
    /// server that decodes twice would read `/admin%252fsecret.txt` as `/admin/secret.txt`.
    @Test(arguments: ["/admin%252fsecret.txt", "/%2561dmin/secret.txt", "/%252e%252e/admin", "/a%25%32%66"])
    func anEscapeLeftAfterDecodingIsRefused(target: String) {
        #expect(throws: CanonicalTarget.Refusal.doubleEncoded, "\(target)") { try CanonicalTarget(requestTarget: target) }
    }

    /// Every byte, raw and percent-encoded, in the middle of a segment: the result is either a refusal or a path
    /// whose segments hold no `/`, `\`, `;` or control byte, and which is its own canonical form.
    @Test func everyByteRawOrEncodedIsRefusedOrCanonical() throws {
        for byte in UInt8.min...UInt8.max {
            let hex = String(byte, radix: 16, uppercase: byte % 2 == 0)
            let escaped = "/a" + "%" + (hex.count == 1 ? "0" + hex : hex) + "b/c"
            let raw = "/a" + String(decoding: [byte], as: UTF8.self) + "b/c"
            // A raw `/` or `?` is structure, not a byte inside a segment.
            for target in [escaped] + (byte == 0x2F || byte == 0x3F ? [] : [raw]) {
                guard let canonical = try? CanonicalTarget(requestTarget: target) else { continue }
                let segments = canonical.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
                #expect(segments.count == 2, "\(target) keeps two segments")
                #expect(!canonical.path.contains { $0 == "\\" || $0 == ";" || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } == true }, "\(target)")
                let again = try CanonicalTarget(requestTarget: canonical.target)
                #expect(again.path == canonical.path && again.target == canonical.target, "\(target) is idempotent")
            }
        }
    }
}
