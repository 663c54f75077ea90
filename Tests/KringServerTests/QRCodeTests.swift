import Foundation
import KringServer
import KringTestSupport
import Testing

/// Kring's own QR encoder (the subscribe page's code) against PyPI's `segno`, an independent implementation:
/// the same module matrix for every version from 1 to 10 and every mask, and the same version and mask chosen
/// when left to the encoder.
@Suite("QR code of the subscribe link")
struct QRCodeTests {
    static let python = MailServerSupport.python

    struct Case: Codable {
        let text: String
        let version: Int?
        let mask: Int?
    }

    struct Answer: Codable {
        let version: Int
        let mask: Int
        let rows: [String]
    }

    static let urls = [
        "webcal://k.be/f/1",
        "webcals://kring.example.org/feeds/kf_3nVq9yTzR2mB8wXc4LpD7sGh1JkE6aUo5iYt0rWn.ics",
        "webcal://127.0.0.1:8080/feeds/kf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdefg.ics",
        "https://gespreksgroepen.voorbeeld.be/feeds/kf_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz.ics?x=1",
    ]

    static func segno(_ cases: [Case]) throws -> [Answer] {
        let script = MailServerSupport.repositoryRoot.appendingPathComponent("Tests/ical-checks/qr_matrix.py")
        let input = String(decoding: try JSONEncoder().encode(cases), as: UTF8.self)
        let outcome = try ProcessRunner.run(URL(fileURLWithPath: python!), [script.path, input])
        #expect(outcome.status == 0, "\(String(decoding: outcome.stderr, as: UTF8.self))")
        return try JSONDecoder().decode([Answer].self, from: outcome.stdout)
    }

    static func rows(_ code: QRCode) -> [String] {
        code.modules.map { row in String(row.map { $0 ? "1" : "0" }) }
    }

    @Test(.enabled(if: python != nil, "needs KRING_PYTHON (make test) with segno"))
    func everyVersionAndMaskMatchesSegno() throws {
        var cases: [Case] = []
        for version in 1...10 {
            // A text that fills most of the version, and the feed URLs that fit in it.
            let filler = String(repeating: "kring/", count: 40).prefix(
                [0, 12, 24, 40, 60, 82, 104, 120, 150, 180, 210][version])
            let texts = [String(filler)] + Self.urls.filter { QRCode($0, version: version) != nil }
            for text in texts {
                for mask in 0...7 { cases.append(Case(text: text, version: version, mask: mask)) }
            }
        }
        let answers = try Self.segno(cases)
        try #require(answers.count == cases.count)
        for (index, check) in cases.enumerated() {
            let ours = try #require(QRCode(check.text, version: check.version, mask: check.mask), "\(check.text)")
            #expect(ours.version == answers[index].version && ours.mask == answers[index].mask)
            #expect(
                Self.rows(ours) == answers[index].rows, "version \(check.version!) mask \(check.mask!) \(check.text)")
        }
    }

    @Test(.enabled(if: python != nil, "needs KRING_PYTHON (make test) with segno"))
    func chosenVersionAndMaskMatchSegno() throws {
        let fillers = (1...200).filter { $0 % 7 == 3 }.map { String(repeating: "kring/", count: 40).prefix($0) }
        let cases = (Self.urls + fillers.map(String.init)).map { Case(text: $0, version: nil, mask: nil) }
        let answers = try Self.segno(cases)
        try #require(answers.count == cases.count)
        for (index, check) in cases.enumerated() {
            let ours = try #require(QRCode(check.text))
            #expect(ours.version == answers[index].version, "\(check.text)")
            #expect(ours.mask == answers[index].mask, "\(check.text)")
            #expect(Self.rows(ours) == answers[index].rows, "\(check.text)")
        }
    }

    @Test func tooLongForVersionTenIsRefused() {
        #expect(QRCode(String(repeating: "a", count: 214)) == nil)
        #expect(QRCode(String(repeating: "a", count: 213))?.version == 10)
        #expect(QRCode("webcal://k.be/f/1", version: 11) == nil)
        #expect(QRCode("webcal://k.be/f/1", mask: 8) == nil)
    }

    @Test func svgHasNoScriptNoStyleAndItsQuietZone() throws {
        let code = try #require(QRCode(Self.urls[1]))
        let svg = code.svg(pixels: 232, label: "QR")
        #expect(svg.hasPrefix("<svg ") && svg.hasSuffix("</svg>"))
        #expect(!svg.contains("script") && !svg.contains("style=") && !svg.contains("href"))
        #expect(svg.contains("viewBox=\"0 0 \(code.size + 8) \(code.size + 8)\""))
        #expect(svg.utf8.count < 20_000)
    }
}
