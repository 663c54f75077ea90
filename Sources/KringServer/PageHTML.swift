import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Server-rendered HTML for the pages: every value goes through `escape`, every page through `document`, which
/// gives it the neutral title, the language, the viewport and the one style sheet. No script, no third-party byte.
enum PageHTML {
    /// Text made safe for an element's content or a quoted attribute value.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A whole page. The title is always "Kring": a screen glimpsed by someone else, a tab or a history entry
    /// names no group and no person. `csrf` adds the sign-out form.
    static func document(language: String, heading: String, body: String, csrf: String?, signOut: String?) -> String {
        var header = "<header><p class=\"brand\">Kring</p>"
        if let csrf, let signOut {
            header += "<form method=\"post\" action=\"/signout\">\(csrfField(csrf))"
            header += "<button type=\"submit\" class=\"quiet\">\(escape(signOut))</button></form>"
        }
        header += "</header>"
        return """
            <!doctype html>
            <html lang="\(escape(language))"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Kring</title><link rel="icon" href="/favicon.svg" type="image/svg+xml">
            <link rel="stylesheet" href="/pages.css"></head>
            <body>\(header)<main><h1>\(escape(heading))</h1>
            \(body)</main></body></html>
            """
    }

    static func csrfField(_ token: String) -> String {
        "<input type=\"hidden\" name=\"csrf\" value=\"\(escape(token))\">"
    }

    /// "di 12-01-2027" and "19:00" from an ISO 8601 time with the group's offset ("2027-01-12T19:00:00+01:00"):
    /// the local date and time are the text's own, so no time zone is needed here.
    static func localDateAndTime(_ iso: String, _ text: PageText) -> (date: String, time: String) {
        let characters = Array(iso)
        guard characters.count >= 16 else { return (iso, "") }
        let day = String(characters[0..<10])
        let time = String(characters[11..<16])
        let parts = day.split(separator: "-").compactMap { Int($0) }
        var weekday = ""
        if parts.count == 3 {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            if let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])) {
                // Calendar weekdays run Sunday = 1 … Saturday = 7; the names run Monday first.
                weekday = text.weekdays[(calendar.component(.weekday, from: date) + 5) % 7] + " "
            }
        }
        let shown = parts.count == 3 ? String(format: "%02d-%02d-%04d", parts[2], parts[1], parts[0]) : day
        return (weekday + shown, time)
    }

    /// The one style sheet: system fonts, high contrast, nothing wider than a small phone.
    static let styleSheet = """
        *{box-sizing:border-box}
        html{font-family:system-ui,sans-serif;font-size:100%;line-height:1.5;color:#1a1a1a;background:#fff}
        body{margin:0 auto;max-width:40rem;padding:0 1rem 2rem}
        header{display:flex;justify-content:space-between;align-items:center;border-bottom:1px solid #595959;
        margin-bottom:1rem}
        .brand{font-weight:700;margin:.5rem 0}
        h1{font-size:1.4rem;margin:.5rem 0 1rem}
        h2{font-size:1.15rem;margin:1.25rem 0 .5rem}
        a{color:#0b4f8a}
        ul.cards{list-style:none;padding:0;margin:0}
        ul.cards>li{border:1px solid #595959;border-radius:.4rem;padding:.75rem;margin:0 0 .75rem;overflow-wrap:anywhere}
        dl{margin:0}dt{font-weight:700}dd{margin:0 0 .4rem}
        .status{font-weight:700;color:#8a1c1c}
        form{margin:.25rem 0}
        button{font:inherit;min-height:2.75rem;min-width:2.75rem;padding:.4rem .8rem;margin:.15rem .25rem .15rem 0;
        border:2px solid #0b4f8a;border-radius:.4rem;background:#fff;color:#0b4f8a;cursor:pointer}
        button.primary{background:#0b4f8a;color:#fff}
        button.quiet{border-color:#595959;color:#1a1a1a}
        button[aria-pressed=true]{background:#0b4f8a;color:#fff}
        input{font:inherit;width:100%;max-width:100%;min-height:2.75rem;padding:.4rem;border:1px solid #595959;
        border-radius:.4rem}
        input.check{width:auto;min-height:auto;margin-right:.4rem}
        .note{background:#eef4fa;border-left:4px solid #0b4f8a;padding:.5rem .75rem}
        form.inline{display:inline}
        .qr svg{display:block;max-width:100%;height:auto}
        """

    /// A neutral mark for the tab: a ring, no letters.
    static let favicon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="5.5" fill="none" \
        stroke="#595959" stroke-width="3"/></svg>
        """

    /// The headers of every page: a strict policy (no script, no third party, no framing, forms only to this
    /// origin), plus what `PrivateHeadersMiddleware` adds to everything (no-store, no-referrer, nosniff).
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        + "base-uri 'none'"

    static func response(
        _ html: String, status: HTTPResponse.Status = .ok, extraHeaders: HTTPFields = [:]
    ) -> Response {
        var headers = extraHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xFrameOptions] = "DENY"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A 303 to `location` (after a form, so reloading the page sends nothing twice).
    static func redirect(_ location: String, extraHeaders: HTTPFields = [:]) -> Response {
        var headers = extraHeaders
        headers[.location] = location
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        return Response(status: .seeOther, headers: headers)
    }
}

extension HTTPField.Name {
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
}
