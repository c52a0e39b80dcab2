import Foundation
import HTTPTypes
import Hummingbird

/// The page the embedded default protects when no upstream is configured: it shows who signed in and how, so a
/// newcomer sees the whole exchange work.
enum DemoPage {
    static func response(user: String?, scheme: SchemeName?, requestID: String) -> Response {
        let who = user.map { "You are signed in as <strong>\(HTMLText.escape($0))</strong> with \(scheme?.rawValue ?? "a credential")." }
            ?? "This page is public."
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Gatehouse</title>
            <style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b}
            code{background:#f3f3f3;padding:.1rem .3rem;border-radius:3px}</style></head>
            <body><h1>Gatehouse</h1><p>\(who)</p>
            <p>Request id <code>\(HTMLText.escape(requestID))</code>. A refused request's id works with
            <code>gatehouse explain ID</code>, which says exactly why it was refused.</p></body></html>
            """
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "private, no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}
