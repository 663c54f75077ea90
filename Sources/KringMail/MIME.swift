import Foundation

/// The few MIME encodings an iMIP message needs, written out so every line is CRLF-terminated and at most 76
/// octets: RFC 2047 encoded-words, quoted-printable (RFC 2045 6.7) and base64 (RFC 2045 6.8).
enum MIME {
    static let crlf = "\r\n"

    static func isPlainASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// A header line `name: value`, the value as RFC 2047 B encoded-words when it is not plain ASCII, folded so
    /// no line exceeds 76 octets. An encoded-word never splits a UTF-8 sequence (RFC 2047 5.3).
    static func header(_ name: String, _ value: String) -> String {
        if isPlainASCII(value) && name.utf8.count + 2 + value.utf8.count <= 76 { return "\(name): \(value)" }
        if isPlainASCII(value) { return "\(name): \(fold(value, firstLineUsed: name.utf8.count + 2))" }
        // "=?UTF-8?B?" + "?=" take 12 octets; the rest of a 76-octet line holds base64, 4 octets per 3 bytes.
        var words: [String] = []
        var chunk: [UInt8] = []
        var capacity = (76 - (name.utf8.count + 2) - 12) / 4 * 3
        for character in value {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > capacity, !chunk.isEmpty {
                words.append("=?UTF-8?B?\(base64(chunk))?=")
                chunk = []
                capacity = (76 - 1 - 12) / 4 * 3
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(base64(chunk))?=") }
        return "\(name): " + words.joined(separator: crlf + " ")
    }

    /// Folds a plain ASCII header value at spaces so lines stay within 76 octets where the words allow it.
    private static func fold(_ value: String, firstLineUsed: Int) -> String {
        let words = value.split(separator: " ", omittingEmptySubsequences: false)
        var lines: [String] = []
        var line = String(words[0])
        var used = firstLineUsed
        for word in words.dropFirst() {
            if used + line.utf8.count + 1 + word.utf8.count > 76 {
                lines.append(line)
                line = String(word)
                used = 1
            } else {
                line += " " + word
            }
        }
        lines.append(line)
        return lines.joined(separator: crlf + " ")
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func base64(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = bytes[index]
            let b1 = index + 1 < bytes.count ? bytes[index + 1] : 0
            let b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(index + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(index + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Base64 body: lines of 76 characters, CRLF after each.
    static func base64Body(_ bytes: [UInt8]) -> String {
        let encoded = Array(base64(bytes).utf8)
        var lines: [String] = []
        var index = 0
        while index < encoded.count {
            lines.append(String(decoding: encoded[index..<min(index + 76, encoded.count)], as: UTF8.self))
            index += 76
        }
        return lines.joined(separator: crlf) + crlf
    }

    /// Quoted-printable body of UTF-8 text whose lines are separated by `\n` (CR is dropped): hard breaks become
    /// CRLF, soft breaks keep each line at 76 octets, `=` and every byte outside printable ASCII are encoded, and
    /// so are a trailing space or tab and a leading dot (which some relays would otherwise double or strip).
    static func quotedPrintable(_ text: String) -> String {
        var out = ""
        let hex = Array("0123456789ABCDEF".utf8)
        for rawLine in text.replacingOccurrences(of: "\r", with: "").split(
            separator: "\n", omittingEmptySubsequences: false)
        {
            let bytes = Array(rawLine.utf8)
            var line: [UInt8] = []
            for (offset, byte) in bytes.enumerated() {
                let isLast = offset == bytes.count - 1
                var token: [UInt8]
                let literal =
                    (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
                    || ((byte == 0x20 || byte == 0x09) && !isLast)
                if literal && !(byte == UInt8(ascii: ".") && line.isEmpty) {
                    token = [byte]
                } else {
                    token = [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                }
                // Keep room for the soft break "=": 75 octets of content plus "=" make 76.
                if line.count + token.count > 75 {
                    out += String(decoding: line, as: UTF8.self) + "=" + crlf
                    line = []
                    if token == [UInt8(ascii: ".")] { token = Array("=2E".utf8) }
                }
                line += token
            }
            out += String(decoding: line, as: UTF8.self) + crlf
        }
        return out
    }
}
