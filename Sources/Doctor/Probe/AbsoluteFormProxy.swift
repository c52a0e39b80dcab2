import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Plain-http requests through an HTTP proxy in absolute form (`GET http://host/path HTTP/1.1` to the proxy), as
/// curl and browsers send them (RFC 9112 §3.2.2). AsyncHTTPClient tunnels every proxied request with CONNECT,
/// which many proxies allow to port 443 only, so http URLs take this path instead; https URLs still tunnel.
enum AbsoluteFormProxy {
    struct Response {
        var status: Int
        var headers: [Exchange.Header]
        var body: [UInt8]
    }

    /// One request on its own connection (`Connection: close`), reading at most `maximumBytes` of the body.
    static func send(
        proxy: ProxySetting, method: String, url: URL, headers: [Exchange.Header], body: [UInt8]?, maximumBytes: Int, keptBytes: Int
    ) async throws -> Response {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(2))
            .connect(host: proxy.host, port: proxy.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: absoluteTarget(url))
            head.headers.add(name: "Host", value: hostHeader(url))
            for header in headers { head.headers.add(name: header.name, value: header.value) }
            if let user = proxy.user {
                head.headers.add(name: "Proxy-Authorization", value: "Basic " + Data("\(user):\(proxy.password ?? "")".utf8).base64EncodedString())
            }
            head.headers.add(name: "Connection", value: "close")
            if let body { head.headers.add(name: "Content-Length", value: String(body.count)) }
            try await outbound.write(.head(head))
            if let body { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
            try await outbound.write(.end(nil))
            var response = Response(status: 0, headers: [], body: [])
            var read = 0
            for try await part in inbound {
                switch part {
                case .head(let responseHead):
                    response.status = Int(responseHead.status.code)
                    response.headers = responseHead.headers.map { Exchange.Header($0.name, $0.value) }
                case .body(let buffer):
                    read += buffer.readableBytes
                    if response.body.count < keptBytes { response.body += buffer.readableBytesView.prefix(keptBytes - response.body.count) }
                    if read >= maximumBytes { return response }
                case .end:
                    return response
                }
            }
            guard response.status != 0 else { throw ProxyError.closedWithoutResponse }
            return response
        }
    }

    /// The URL without user information, as it goes on the request line.
    static func absoluteTarget(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: true) else { return url.absoluteString }
        components.user = nil
        components.password = nil
        components.fragment = nil
        return components.string ?? url.absoluteString
    }

    static func hostHeader(_ url: URL) -> String {
        let name = url.host ?? ""
        let host = name.contains(":") ? "[\(name)]" : name
        return url.port.map { "\(host):\($0)" } ?? host
    }

    enum ProxyError: Error, CustomStringConvertible {
        case closedWithoutResponse
        var description: String { "the proxy closed the connection without a response" }
    }
}
