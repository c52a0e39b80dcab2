import AsyncHTTPClient
import Foundation
import HTTPAuth
import NIOCore
import NIOHTTP1
import NIOSSL

/// Sends one request and records it as an ``Exchange``: no redirect followed, no cookie kept, a bounded wait and a
/// bounded read (4 KiB kept, at most 64 KiB read), and its own `User-Agent`. It is the only part of the doctor that
/// touches the network.
public final class HTTPProbe: Sendable {
    static let userAgent = "gatehouse-doctor/0.1"
    let client: HTTPClient
    let timeout: TimeAmount
    let proxy: ProxySetting?
    static let keptBytes = 4096
    static let maximumBytes = 65536

    /// - Parameters:
    ///   - proxy: `-x`: every request goes through this HTTP proxy, with `Proxy-Authorization` from its credentials.
    ///   - timeout: the most one request may take, its body included.
    public init(insecure: Bool, proxy: ProxySetting? = nil, timeout: TimeAmount = .seconds(3)) {
        var configuration = HTTPClient.Configuration()
        if let proxy {
            let authorization = proxy.user.map { HTTPClient.Authorization.basic(username: $0, password: proxy.password ?? "") }
            configuration.proxy = .server(host: proxy.host, port: proxy.port, authorization: authorization)
        }
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: .seconds(2), read: timeout)
        // One connection attempt, as curl makes: a refused port is said at once, not after retries until the timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        if insecure {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            configuration.tlsConfiguration = tls
        }
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.timeout = timeout
        self.proxy = proxy
    }

    public func shutdown() async {
        try? await client.shutdown()
    }

    func send(purpose: String, method: String, url: URL, headers: [Exchange.Header], body: [UInt8]?) async -> Exchange {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = HTTPMethod(rawValue: method)
        var sent = headers
        if !sent.contains(where: { $0.name.caseInsensitiveCompare("User-Agent") == .orderedSame }) {
            sent.insert(Exchange.Header("User-Agent", Self.userAgent), at: 0)
        }
        for header in sent { request.headers.add(name: header.name, value: header.value) }
        if let body { request.body = .bytes(body) }
        let start = ContinuousClock.now
        var exchange = Exchange(purpose: purpose, method: method, url: url, requestHeaders: sent, status: nil, responseHeaders: [])
        do {
            if let proxy, url.scheme?.lowercased() == "http" {
                let headers = sent
                let response = try await Self.withDeadline(timeout) {
                    try await AbsoluteFormProxy.send(
                        proxy: proxy, method: method, url: url, headers: headers, body: body, maximumBytes: Self.maximumBytes, keptBytes: Self.keptBytes)
                }
                exchange.status = response.status
                exchange.responseHeaders = response.headers
                exchange.bodyPrefix = response.body
                exchange.elapsedMilliseconds = Self.milliseconds(since: start)
                return exchange
            }
            let response = try await client.execute(request, timeout: timeout)
            exchange.status = Int(response.status.code)
            exchange.responseHeaders = response.headers.map { Exchange.Header($0.name, $0.value) }
            var kept: [UInt8] = []
            var read = 0
            // A body that trickles in never trips the idle read timeout, so the whole read has its own deadline.
            let deadline = start + .nanoseconds(timeout.nanoseconds)
            for try await chunk in response.body {
                read += chunk.readableBytes
                if kept.count < Self.keptBytes { kept += chunk.readableBytesView.prefix(Self.keptBytes - kept.count) }
                if read >= Self.maximumBytes || ContinuousClock.now > deadline { break }
            }
            exchange.bodyPrefix = kept
        } catch let error as HTTPClientError where error == .proxyAuthenticationRequired {
            // The proxy refused the CONNECT tunnel of an https URL; AsyncHTTPClient keeps its headers to itself.
            exchange.status = 407
            exchange.error = "the proxy answered 407 Proxy Authentication Required to CONNECT"
        } catch {
            exchange.error = Self.describe(error)
        }
        exchange.elapsedMilliseconds = Self.milliseconds(since: start)
        return exchange
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        let elapsed = ContinuousClock.now - start
        return Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }

    /// The operation's result, or a `deadlineExceeded` error once `timeout` has passed.
    static func withDeadline<T: Sendable>(_ timeout: TimeAmount, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(timeout.nanoseconds))
                throw HTTPClientError.deadlineExceeded
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw HTTPClientError.deadlineExceeded }
            return first
        }
    }

    /// Why no response came, in words; the parser's own message for a response that is not HTTP.
    static func describe(_ error: any Error) -> String {
        if let parser = error as? HTTPParserError {
            if case .headerOverflow = parser { return "the response's header section is too large (over 80 KiB)" }
            return "the response is not valid HTTP/1.1 (\(parser))"
        }
        let text = "\(error)"
        if text.contains("deadlineExceeded") || text.contains("readTimeout") { return "no response within the time limit" }
        if text.contains("connectTimeout") { return "the connection could not be made within 2 s" }
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "the connection was refused" }
        return text
    }
}
