/// The login and logout pages of the `session` scheme: plain accessible HTML and CSS, no script, no external asset.
/// Every value put in the page is escaped (``HTMLText``).
enum LoginPage {
    static func login(realm: String, csrf: String, next: String, message: String?, isError: Bool) -> String {
        page(title: "Log in", body: """
            <h1>Log in to \(HTMLText.escape(realm))</h1>
            \(message.map { "<p class=\"\(isError ? "error" : "note")\" role=\"\(isError ? "alert" : "status")\">\(HTMLText.escape($0))</p>" } ?? "")
            <form method="post" action="\(SessionEndpoints.loginPath)">
              <input type="hidden" name="csrf" value="\(HTMLText.escape(csrf))">
              <input type="hidden" name="next" value="\(HTMLText.escape(next))">
              <label for="username">User name</label>
              <input id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus>
              <label for="password">Password</label>
              <input id="password" name="password" type="password" autocomplete="current-password" required>
              <button type="submit">Log in</button>
            </form>
            """)
    }

    static func logout(user: String, csrf: String) -> String {
        page(title: "Log out", body: """
            <h1>Log out</h1>
            <p>You are logged in as <strong>\(HTMLText.escape(user))</strong>.</p>
            <form method="post" action="\(SessionEndpoints.logoutPath)">
              <input type="hidden" name="csrf" value="\(HTMLText.escape(csrf))">
              <button type="submit">Log out</button>
            </form>
            """)
    }

    static func message(title: String, text: String, link: String) -> String {
        page(title: title, body: "<h1>\(HTMLText.escape(title))</h1>\n<p role=\"alert\">\(HTMLText.escape(text))</p>\n<p><a href=\"\(HTMLText.escape(link))\">Continue</a></p>")
    }

    private static func page(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title)</title>
        <style>
        body{font:16px/1.5 system-ui,sans-serif;background:#f6f8fa;color:#1b1f24;margin:0}
        main{max-width:24rem;margin:10vh auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 3px #0002}
        h1{font-size:1.4rem;margin-top:0}label{display:block;margin-top:1rem;font-weight:600}
        input{width:100%;box-sizing:border-box;padding:.5rem;font:inherit;border:1px solid #8c959f;border-radius:4px}
        input:focus,button:focus{outline:3px solid #0969da;outline-offset:1px}
        button{margin-top:1.5rem;padding:.6rem 1.2rem;font:inherit;font-weight:600;color:#fff;background:#0969da;border:0;border-radius:4px;cursor:pointer}
        .error{color:#a40e26;background:#ffebe9;padding:.5rem;border-radius:4px}.note{background:#ddf4ff;padding:.5rem;border-radius:4px}
        </style>
        </head>
        <body><main>
        \(body)
        </main></body>
        </html>

        """
    }
}
