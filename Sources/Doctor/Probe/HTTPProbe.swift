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

    public init(insecure: Bool, timeout: TimeAmount = .seconds(3)) {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: .seconds(2), read: timeout)
        if insecure {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            configuration.tlsConfiguration = tls
        }
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.timeout = timeout
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
            let response = try await client.execute(request, timeout: timeout)
            exchange.status = Int(response.status.code)
            exchange.responseHeaders = response.headers.map { Exchange.Header($0.name, $0.value) }
            var kept: [UInt8] = []
            var read = 0
            for try await chunk in response.body {
                read += chunk.readableBytes
                if kept.count < 4096 { kept += chunk.readableBytesView.prefix(4096 - kept.count) }
                if read >= 65536 { break }
            }
            exchange.bodyPrefix = kept
        } catch {
            exchange.error = Self.describe(error)
        }
        let elapsed = ContinuousClock.now - start
        exchange.elapsedMilliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        return exchange
    }

    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("deadlineExceeded") || text.contains("readTimeout") { return "no response within the time limit" }
        if text.contains("connectTimeout") { return "the connection could not be made within 2 s" }
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "the connection was refused" }
        return text
    }
}
