import Foundation
import HTTPAuth
import Testing

@testable import Doctor

/// A failing curl command line, as pasted after `gatehouse doctor --`, becomes the same request.
@Suite struct CurlArgumentsTests {
    /// Chrome's "Copy as cURL (bash)": single quotes, `$'…'` for a body with a quote, lines joined by backslashes.
    @Test func aCommandPastedAsOneStringIsSplitAsAShellWould() throws {
        let pasted = """
            curl 'https://api.test/items?page=2' \\
              -H 'accept: application/json' \\
              -H "authorization: Bearer abc.def.ghi" \\
              --data-raw $'{"name":"O\\'Brien","note":"a\\nb"}' \\
              --compressed
            """
        let words = try ShellWords.split(pasted)
        #expect(words == [
            "curl", "https://api.test/items?page=2", "-H", "accept: application/json", "-H", "authorization: Bearer abc.def.ghi",
            "--data-raw", "{\"name\":\"O'Brien\",\"note\":\"a\nb\"}", "--compressed",
        ])
        let request = try CurlArguments.parse(words)
        #expect(request.url.absoluteString == "https://api.test/items?page=2" && request.method == "POST")
        #expect(try ShellWords.split(#"a\ b "c \"d\"" e'f'g"#) == ["a b", #"c "d""#, "efg"])
        #expect(throws: ShellWords.UnterminatedQuote.self) { try ShellWords.split("curl -u 'alice:pw https://x") }
    }

    /// curl's man page ("URL"): a URL's `user:password@` is sent as Basic credentials, percent-decoded, and `-u`
    /// wins over it; the URL the request goes to has no userinfo.
    @Test func credentialsInTheURLAreSentDecoded() throws {
        let request = try CurlArguments.parse(["curl", "http://u%40d:1%3d2%3f@h.test/basic-auth"])
        #expect(request.user == "u@d" && request.password == "1=2?" && request.userFromURL)
        #expect(request.url.absoluteString == "http://h.test/basic-auth")
        let both = try CurlArguments.parse(["curl", "-u", "alice:pw", "http://bob:x@h.test/"])
        #expect(both.user == "alice" && both.password == "pw" && !both.userFromURL)
    }

    /// How curl builds a request from -I, -G, several -d and --data-urlencode (its man page, "-d" and "-G").
    @Test func headGetAndDataPiecesAsCurlBuildsThem() throws {
        #expect(try CurlArguments.parse(["curl", "-I", "-u", "a:b", "http://h.test/x"]).method == "HEAD")
        let joined = try CurlArguments.parse(["curl", "-d", "a=1", "--data-urlencode", "q=x y&z", "-d", "b=2", "http://h.test/x"])
        #expect(joined.method == "POST" && joined.body == Array("a=1&q=x%20y%26z&b=2".utf8))
        let query = try CurlArguments.parse(["curl", "-G", "--data-urlencode", "=a b", "-d", "k=v", "http://h.test/x?p=1"])
        #expect(query.method == "GET" && query.body == nil && query.url.absoluteString == "http://h.test/x?p=1&a%20b&k=v")
        #expect(throws: CurlError.self) { try CurlArguments.parse(["curl", "--data-urlencode", "@secret.txt", "http://h.test/"]) }
        #expect(try CurlArguments.parse(["curl", "--http2", "-4", "--fail-with-body", "https://h.test/"]).method == "GET")
    }

    /// curl takes a URL without a scheme as http://; a file-like path stays a path.
    @Test func aURLWithoutASchemeIsHTTPAsInCurl() throws {
        #expect(try CurlArguments.parse(["curl", "-u", "a:b", "localhost:8080/admin"]).url.absoluteString == "http://localhost:8080/admin")
        #expect(CurlArguments.withDefaultScheme("api.example/x?y=1") == "http://api.example/x?y=1")
        #expect(CurlArguments.withDefaultScheme("[::1]:8080/") == "http://[::1]:8080/")
        for path in ["/var/log/access.log", "./session.har", "logs/access.log", "https://h.test/"] {
            #expect(CurlArguments.withDefaultScheme(path) == path)
        }
    }

    @Test func readsTheFlagsThatShapeTheRequest() throws {
        let request = try CurlArguments.parse([
            "curl", "-sSL", "-uuser:p:w", "-H", "Accept: application/json", "-X", "PUT", "--data-raw", "{}", "--digest",
            "-o", "/dev/null", "https://api.test/x?y=1",
        ])
        #expect(request.url.absoluteString == "https://api.test/x?y=1")
        #expect(request.user == "user" && request.password == "p:w", "the password may contain ':'")
        #expect(request.method == "PUT" && request.body == Array("{}".utf8))
        #expect(request.followRedirects && request.digest)
        #expect(request.headers == [Exchange.Header("Accept", "application/json")])
    }

    @Test func dataMakesAPost() throws {
        #expect(try CurlArguments.parse(["curl", "-d", "a=1", "http://x.test/"]).method == "POST")
    }

    @Test func windowsAuthenticationFlags() throws {
        #expect(try CurlArguments.parse(["curl", "--ntlm", "-u", "CONTOSO\\alice:pw", "http://x.test/"]).windows == .ntlm)
        #expect(try CurlArguments.parse(["curl", "--negotiate", "-u", ":", "http://x.test/"]).windows == .negotiate)
    }

    @Test(arguments: [["curl", "--ntlm-wb", "http://x.test/"], ["curl", "-s"], ["curl", "-H"], ["curl", "ftp://x.test/"]])
    func refusesWhatItCannotHonour(words: [String]) {
        #expect(throws: CurlError.self) { try CurlArguments.parse(words) }
    }

    @Test func cookiesProxiesAndTheirCredentials() throws {
        let jar = FileManager.default.temporaryDirectory.appendingPathComponent("args-\(UUID().uuidString).txt").path
        try "x.test\tFALSE\t/\tFALSE\t0\tsid\tabc\n".write(toFile: jar, atomically: true, encoding: .utf8)
        let request = try CurlArguments.parse([
            "curl", "-b", "a=1", "-b", jar, "-c", "/tmp/out.txt", "-x", "proxy.test:3128", "-U", "pu:pp", "http://x.test/",
        ])
        #expect(request.cookie == "a=1", "a value with '=' is cookies, as in curl")
        #expect(request.cookieJar?.cookies.map(\.name) == ["sid"] && request.cookieFiles == [jar])
        #expect(request.cookieJarOutput == "/tmp/out.txt")
        #expect(request.proxy == ProxySetting(host: "proxy.test", port: 3128, user: "pu", password: "pp"))
        #expect(throws: CurlError.self) { try CurlArguments.parse(["curl", "--proxy-user", "a:b", "http://x.test/"]) }
        #expect(throws: CurlError.self) { try CurlArguments.parse(["curl", "-b", "/no/such/jar", "http://x.test/"]) }
    }
}
