import Foundation

/// Reads a curl command line as it was pasted (`gatehouse doctor -- curl -sSL -u a:b https://…`) into a
/// ``ClientRequest``: the flags that shape the request are kept, output flags (`-s -S -v -i -o …`) are ignored,
/// and a flag the doctor cannot honour is an error rather than silently dropped.
public enum CurlArguments {
    /// Flags that take a value and only shape curl's output or transport, so the doctor can ignore them.
    static let ignoredWithValue: Set<String> = ["-o", "--output", "-w", "--write-out", "-m", "--max-time", "--connect-timeout", "-A", "--user-agent", "-e", "--referer", "--retry"]
    /// Flags without a value that the doctor can ignore.
    static let ignored: Set<String> = [
        "-s", "--silent", "-S", "--show-error", "-v", "--verbose", "-i", "--include", "-f", "--fail", "--fail-with-body", "--compressed", "-g",
        "--globoff", "-#", "--progress-bar", "--http1.0", "--http1.1", "--http2", "-N", "--no-buffer", "-4", "--ipv4", "-6", "--ipv6",
    ]

    /// Flags of curl without a value that shape the request.
    static let withoutValue: Set<String> = ["--digest", "--ntlm", "--negotiate", "--basic", "--anyauth", "-L", "--location", "-k", "--insecure", "-I", "--head", "-G", "--get"]
    /// Flags of curl that take a value and shape the request.
    static let withValue: Set<String> = [
        "-u", "--user", "-H", "--header", "-X", "--request", "-d", "--data", "--data-raw", "--data-binary", "--data-ascii", "--data-urlencode",
        "-b", "--cookie", "-c", "--cookie-jar", "--oauth2-bearer", "--url", "-x", "--proxy", "-U", "--proxy-user",
    ]

    public static func parse(_ words: [String]) throws -> ClientRequest {
        let tokens = try pairs(words.first == "curl" ? Array(words.dropFirst()) : words)
        var url: URL?
        var request = ClientRequest(url: URL(string: "http://placeholder.invalid/")!)
        var explicitMethod: String?
        var proxyUser: String?
        var data: [String] = []
        var head = false
        var dataInQuery = false
        for (flag, value) in tokens {
            switch flag {
            case "-u", "--user":
                let parts = (value ?? "").split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                request.user = String(parts.first ?? "")
                request.password = parts.count > 1 ? String(parts[1]) : ""
            case "-H", "--header":
                let line = value ?? ""
                guard let colon = line.firstIndex(of: ":") else { throw CurlError("-H takes 'Name: value', got '\(line)'") }
                request.headers.append(Exchange.Header(String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " })))
            case "-X", "--request": explicitMethod = value
            // curl joins several data pieces with `&`.
            case "-d", "--data", "--data-raw", "--data-binary", "--data-ascii": data.append(value ?? "")
            case "--data-urlencode": data.append(try urlencoded(value ?? ""))
            case "-I", "--head": head = true
            case "-G", "--get": dataInQuery = true
            case "-b", "--cookie":
                // curl: a value with `=` is cookies; anything else is a cookie file to read.
                let text = value ?? ""
                if text.contains("=") {
                    request.cookie = request.cookie.map { $0 + "; " + text } ?? text
                } else {
                    let jar = try CookieJar.read(path: text)
                    request.cookieJar = CookieJar(cookies: (request.cookieJar?.cookies ?? []) + jar.cookies)
                    request.cookieFiles.append(text)
                }
            case "-c", "--cookie-jar":
                request.cookieJarOutput = value
                if request.cookieJar == nil { request.cookieJar = CookieJar() }
            case "-x", "--proxy": request.proxy = try ProxySetting.parse(value ?? "")
            case "-U", "--proxy-user": proxyUser = value
            case "--oauth2-bearer": request.bearer = value
            case "--digest": request.digest = true
            case "--ntlm": request.windows = .ntlm
            case "--negotiate": request.windows = .negotiate
            case "-L", "--location": request.followRedirects = true
            case "-k", "--insecure": request.insecure = true
            case "--url", "": url = URL(string: withDefaultScheme(value ?? ""))
            default: break
            }
        }
        guard var url, ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
            throw CurlError("the curl command names no http:// or https:// URL")
        }
        // curl sends a URL's `user:password@` as Basic credentials, percent-decoded (`-u` wins), and not in the URL.
        if var components = URLComponents(url: url, resolvingAgainstBaseURL: false), components.percentEncodedUser != nil {
            if request.user == nil {
                request.user = components.user ?? ""
                request.password = components.password ?? ""
                request.userFromURL = true
            }
            components.percentEncodedUser = nil
            components.percentEncodedPassword = nil
            url = components.url ?? url
        }
        if !data.isEmpty {
            let joined = data.joined(separator: "&")
            // -G: the data goes into the query of a GET, as curl does.
            if dataInQuery || head, let extended = URL(string: url.absoluteString + (url.query == nil ? "?" : "&") + joined) {
                url = extended
            } else {
                request.body = Array(joined.utf8)
            }
        }
        request.url = url
        if let proxyUser {
            guard request.proxy != nil else { throw CurlError("--proxy-user needs -x/--proxy") }
            let parts = proxyUser.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            request.proxy?.user = String(parts.first ?? "")
            request.proxy?.password = parts.count > 1 ? String(parts[1]) : ""
        }
        request.method = explicitMethod ?? (head ? "HEAD" : request.body == nil ? "GET" : "POST")
        return request
    }

    /// A URL without a scheme gets `http://`, as curl gives it, when what comes before the first `/` names a host
    /// (`localhost`, a dotted name or address, or a `:port`): `localhost:8080/admin`, `api.example/x`. Anything else
    /// is returned as it is.
    public static func withDefaultScheme(_ text: String) -> String {
        guard !text.contains("://"), let first = text.first, first != "/", first != "." else { return text }
        let host = text.prefix { $0 != "/" && $0 != "?" }
        let named = host == "localhost" || host.hasPrefix("localhost:") || host.contains(".") || host.contains(":") || host.hasPrefix("[")
        return named && !host.isEmpty ? "http://" + text : text
    }

    /// `--data-urlencode`: `content`, `=content` or `name=content`, the content percent-encoded as curl does
    /// (`@file` forms are refused: the doctor reads no files for a body).
    static func urlencoded(_ value: String) throws -> String {
        if value.hasPrefix("@") || (!value.contains("=") && value.contains("@")) {
            throw CurlError("the doctor does not read --data-urlencode from a file (\(value))")
        }
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~")
        func encode(_ text: Substring) -> String { text.addingPercentEncoding(withAllowedCharacters: allowed) ?? String(text) }
        guard let equals = value.firstIndex(of: "=") else { return encode(value[...]) }
        let name = value[..<equals]
        return (name.isEmpty ? "" : name + "=") + encode(value[value.index(after: equals)...])
    }

    /// The words as (flag, value) pairs; a bare word is the URL (flag ""). Unknown flags are refused.
    static func pairs(_ words: [String]) throws -> [(String, String?)] {
        var result: [(String, String?)] = []
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            guard word.hasPrefix("-"), word.count > 1 else {
                result.append(("", word))
                continue
            }
            let flags = expand(word)
            var position = 0
            while position < flags.count {
                let flag = flags[position]
                position += 1
                if withValue.contains(flag) || ignoredWithValue.contains(flag) {
                    if position < flags.count, flags[position].hasPrefix("\u{0}") {
                        result.append((flag, String(flags[position].dropFirst())))
                        position += 1
                    } else {
                        guard index < words.count else { throw CurlError("\(flag) needs a value") }
                        result.append((flag, words[index]))
                        index += 1
                    }
                } else if ignored.contains(flag) || withoutValue.contains(flag) {
                    result.append((flag, nil))
                } else {
                    throw CurlError("the doctor does not take curl's \(flag) yet")
                }
            }
        }
        return result
    }

    /// `-sSL` is `-s -S -L`; a short flag with its value attached (`-uuser:pw`) is split too.
    static func expand(_ word: String) -> [String] {
        guard word.hasPrefix("-"), !word.hasPrefix("--"), word.count > 2 else { return [word] }
        var flags: [String] = []
        var rest = word.dropFirst()
        while let letter = rest.first {
            rest = rest.dropFirst()
            let flag = "-" + String(letter)
            flags.append(flag)
            if withValue.contains(flag) || ignoredWithValue.contains(flag) {
                // An attached value (`-uuser:pw`) rides along, marked so it is not read as flags.
                if !rest.isEmpty { flags.append("\u{0}" + rest) }
                break
            }
        }
        return flags
    }
}

/// A curl command line the doctor cannot use, with why.
public struct CurlError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
