/// A QR code (ISO/IEC 18004) of a short text in byte mode at error-correction level M, versions 1 to 10: enough for
/// a feed URL, so a participant can scan their subscribe link from a computer screen. No dependency; the mask is
/// chosen by the standard's penalty rules unless one is given.
public struct QRCode: Sendable, Equatable {
    /// The version (1...10); the code is `17 + 4 * version` modules square.
    public let version: Int
    /// The mask pattern (0...7) applied to the data modules.
    public let mask: Int
    /// Row-major, `true` for a dark module; no quiet zone.
    public let modules: [[Bool]]

    public var size: Int { modules.count }

    /// Error-correction codewords per block and number of blocks at level M, by version (index 0 unused).
    private static let eccPerBlock = [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26]
    private static let blockCount = [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5]

    /// Encodes `text` (UTF-8) in the smallest version that holds it, or in `version` if given; nil when the text
    /// does not fit in version 10 (or in the version asked for).
    public init?(_ text: String, version requested: Int? = nil, mask requestedMask: Int? = nil) {
        let bytes = Array(text.utf8)
        let versions = requested.map { [$0] } ?? Array(1...10)
        guard let version = versions.first(where: { (1...10).contains($0) && Self.fits(bytes.count, in: $0) }) else {
            return nil
        }
        if let requestedMask, !(0...7).contains(requestedMask) { return nil }
        let codewords = Self.interleaved(Self.dataCodewords(bytes, version: version), version: version)
        var matrix = Matrix(version: version)
        matrix.drawCodewords(codewords)
        let masks = requestedMask.map { [$0] } ?? Array(0...7)
        // Each mask is scored before the format and version information are written (ISO/IEC 18004:2015 7.8,
        // then 7.9 and 7.10): their modules count as light, as segno and the reference encoder do.
        var best: (penalty: Int, mask: Int, matrix: Matrix)?
        for mask in masks {
            var candidate = matrix
            candidate.apply(mask: mask)
            let penalty = candidate.penalty()
            if best == nil || penalty < best!.penalty { best = (penalty, mask, candidate) }
        }
        var chosen = best!.matrix
        chosen.drawFormat(mask: best!.mask)
        chosen.drawVersion()
        self.version = version
        self.mask = best!.mask
        self.modules = chosen.modules
    }

    /// The code as inline SVG (a 4-module quiet zone, one path, no style attribute, no script).
    public func svg(pixels: Int, label: String) -> String {
        let side = size + 8
        var path = ""
        for (y, row) in modules.enumerated() {
            var x = 0
            while x < size {
                guard row[x] else {
                    x += 1
                    continue
                }
                let start = x
                while x < size && row[x] { x += 1 }
                path += "M\(start + 4) \(y + 4)h\(x - start)v1h-\(x - start)z"
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"\(label)\" width=\"\(pixels)\" "
            + "height=\"\(pixels)\" viewBox=\"0 0 \(side) \(side)\" shape-rendering=\"crispEdges\">"
            + "<rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/><path fill=\"#000\" d=\"\(path)\"/></svg>"
    }

    // MARK: - Capacity and data

    private static func rawDataModules(_ version: Int) -> Int {
        var result = (16 * version + 128) * version + 64
        if version >= 2 {
            let alignments = version / 7 + 2
            result -= (25 * alignments - 10) * alignments - 55
            if version >= 7 { result -= 36 }
        }
        return result
    }

    private static func dataCodewordCount(_ version: Int) -> Int {
        rawDataModules(version) / 8 - eccPerBlock[version] * blockCount[version]
    }

    private static func countBits(_ version: Int) -> Int { version < 10 ? 8 : 16 }

    private static func fits(_ byteCount: Int, in version: Int) -> Bool {
        4 + countBits(version) + 8 * byteCount <= dataCodewordCount(version) * 8
    }

    /// Mode indicator, count, the bytes, terminator, zero bits to a byte, then the 0xEC 0x11 pad bytes.
    private static func dataCodewords(_ bytes: [UInt8], version: Int) -> [UInt8] {
        var bits: [Bool] = []
        func append(_ value: Int, _ length: Int) {
            for index in stride(from: length - 1, through: 0, by: -1) { bits.append((value >> index) & 1 == 1) }
        }
        append(0b0100, 4)
        append(bytes.count, countBits(version))
        for byte in bytes { append(Int(byte), 8) }
        let capacity = dataCodewordCount(version) * 8
        append(0, min(4, capacity - bits.count))
        append(0, (8 - bits.count % 8) % 8)
        var result = stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<start + 8].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
        }
        var pad: UInt8 = 0xEC
        while result.count < capacity / 8 {
            result.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return result
    }

    /// Splits the data into blocks, adds each block's Reed-Solomon codewords and interleaves them.
    private static func interleaved(_ data: [UInt8], version: Int) -> [UInt8] {
        let blocks = blockCount[version]
        let eccLength = eccPerBlock[version]
        let raw = rawDataModules(version) / 8
        let shortBlocks = blocks - raw % blocks
        let shortLength = raw / blocks
        let divisor = ReedSolomon.divisor(degree: eccLength)
        var dataBlocks: [[UInt8]] = []
        var eccBlocks: [[UInt8]] = []
        var offset = 0
        for index in 0..<blocks {
            let length = shortLength - eccLength + (index < shortBlocks ? 0 : 1)
            let block = Array(data[offset..<offset + length])
            offset += length
            dataBlocks.append(block)
            eccBlocks.append(ReedSolomon.remainder(block, divisor: divisor))
        }
        var result: [UInt8] = []
        for column in 0..<(shortLength - eccLength + 1) {
            for block in dataBlocks where column < block.count { result.append(block[column]) }
        }
        for column in 0..<eccLength {
            for block in eccBlocks { result.append(block[column]) }
        }
        return result
    }
}

/// Reed-Solomon over GF(2^8) with the QR polynomial 0x11D.
private enum ReedSolomon {
    static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var z = 0
        for index in stride(from: 7, through: 0, by: -1) {
            z = (z << 1) ^ ((z >> 7) * 0x11D)
            z ^= ((Int(y) >> index) & 1) * Int(x)
        }
        return UInt8(z)
    }

    static func divisor(degree: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for index in 0..<degree {
                result[index] = multiply(result[index], root)
                if index + 1 < degree { result[index] ^= result[index + 1] }
            }
            root = multiply(root, 0x02)
        }
        return result
    }

    static func remainder(_ data: [UInt8], divisor: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: divisor.count)
        for byte in data {
            let factor = byte ^ result[0]
            result.removeFirst()
            result.append(0)
            for index in result.indices { result[index] ^= multiply(divisor[index], factor) }
        }
        return result
    }
}

/// The module grid while it is built: which modules belong to function patterns, and their colours.
private struct Matrix {
    let version: Int
    let size: Int
    var modules: [[Bool]]
    var isFunction: [[Bool]]

    init(version: Int) {
        self.version = version
        size = 17 + 4 * version
        modules = Array(repeating: Array(repeating: false, count: size), count: size)
        isFunction = modules
        for index in 0..<size {
            set(x: 6, y: index, index % 2 == 0)
            set(x: index, y: 6, index % 2 == 0)
        }
        drawFinder(x: 3, y: 3)
        drawFinder(x: size - 4, y: 3)
        drawFinder(x: 3, y: size - 4)
        let positions = alignmentPositions()
        let last = positions.count - 1
        for (i, x) in positions.enumerated() {
            for (j, y) in positions.enumerated()
            where !((i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0)) {
                for dy in -2...2 {
                    for dx in -2...2 { set(x: x + dx, y: y + dy, max(abs(dx), abs(dy)) != 1) }
                }
            }
        }
        reserveFormatAndVersion()
    }

    mutating func set(x: Int, y: Int, _ dark: Bool) {
        modules[y][x] = dark
        isFunction[y][x] = true
    }

    mutating func drawFinder(x: Int, y: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let distance = max(abs(dx), abs(dy))
                let (xx, yy) = (x + dx, y + dy)
                if (0..<size).contains(xx) && (0..<size).contains(yy) {
                    set(x: xx, y: yy, distance != 2 && distance != 4)
                }
            }
        }
    }

    func alignmentPositions() -> [Int] {
        guard version > 1 else { return [] }
        let count = version / 7 + 2
        let step = (version * 8 + count * 3 + 5) / (count * 4 - 4) * 2
        var result = [6]
        for index in stride(from: count - 2, through: 0, by: -1) { result.append(size - 7 - index * step) }
        return result
    }

    /// Marks the format and version modules (and the dark module) as function modules, light until written.
    mutating func reserveFormatAndVersion() {
        for index in 0..<9 where index != 6 {
            set(x: 8, y: index, false)
            set(x: index, y: 8, false)
        }
        for index in 0..<8 {
            set(x: size - 1 - index, y: 8, false)
            set(x: 8, y: size - 1 - index, false)
        }
        guard version >= 7 else { return }
        for index in 0..<18 {
            set(x: size - 11 + index % 3, y: index / 3, false)
            set(x: index / 3, y: size - 11 + index % 3, false)
        }
    }

    /// The 15 format bits (level M is 00) twice, and the dark module.
    mutating func drawFormat(mask: Int) {
        let data = 0 << 3 | mask
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        let bits = (data << 10 | remainder) ^ 0x5412
        func bit(_ index: Int) -> Bool { (bits >> index) & 1 == 1 }
        for index in 0...5 { set(x: 8, y: index, bit(index)) }
        set(x: 8, y: 7, bit(6))
        set(x: 8, y: 8, bit(7))
        set(x: 7, y: 8, bit(8))
        for index in 9..<15 { set(x: 14 - index, y: 8, bit(index)) }
        for index in 0..<8 { set(x: size - 1 - index, y: 8, bit(index)) }
        for index in 8..<15 { set(x: 8, y: size - 15 + index, bit(index)) }
        set(x: 8, y: size - 8, true)
    }

    /// The 18 version bits, from version 7.
    mutating func drawVersion() {
        guard version >= 7 else { return }
        var remainder = version
        for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
        let bits = version << 12 | remainder
        for index in 0..<18 {
            let dark = (bits >> index) & 1 == 1
            let (a, b) = (size - 11 + index % 3, index / 3)
            set(x: a, y: b, dark)
            set(x: b, y: a, dark)
        }
    }

    /// Places the codewords in the zigzag of two-module columns, from the bottom right.
    mutating func drawCodewords(_ codewords: [UInt8]) {
        var index = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            for vertical in 0..<size {
                for offset in 0..<2 {
                    let x = right - offset
                    let upward = (right + 1) & 2 == 0
                    let y = upward ? size - 1 - vertical : vertical
                    if !isFunction[y][x] && index < codewords.count * 8 {
                        modules[y][x] = (codewords[index >> 3] >> (7 - (index & 7))) & 1 == 1
                        index += 1
                    }
                }
            }
            right -= 2
        }
    }

    mutating func apply(mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y][x] {
                let invert =
                    switch mask {
                    case 0: (x + y) % 2 == 0
                    case 1: y % 2 == 0
                    case 2: x % 3 == 0
                    case 3: (x + y) % 3 == 0
                    case 4: (x / 3 + y / 2) % 2 == 0
                    case 5: x * y % 2 + x * y % 3 == 0
                    case 6: (x * y % 2 + x * y % 3) % 2 == 0
                    default: ((x + y) % 2 + x * y % 3) % 2 == 0
                    }
                if invert { modules[y][x].toggle() }
            }
        }
    }

    /// The four penalty rules: runs of five or more, 2x2 blocks, finder-like patterns, and dark/light balance.
    func penalty() -> Int {
        var result = 0
        for line in 0..<size {
            result += linePenalty((0..<size).map { modules[line][$0] })
            result += linePenalty((0..<size).map { modules[$0][line] })
        }
        for y in 0..<size - 1 {
            for x in 0..<size - 1 {
                let colour = modules[y][x]
                if colour == modules[y][x + 1] && colour == modules[y + 1][x] && colour == modules[y + 1][x + 1] {
                    result += 3
                }
            }
        }
        let dark = modules.reduce(0) { $0 + $1.filter { $0 }.count }
        let total = size * size
        // Rule 4: 10 points per full 5 % that the dark share is away from 50 %.
        return result + abs(dark * 20 - total * 10) / total * 10
    }

    /// Rule 1 (3 points for a run of five modules of one colour, 1 more per module beyond) and rule 3 (40 points
    /// per dark-light-dark-dark-dark-light-dark with four light modules before or after it, outside the symbol
    /// counting as light; the search goes on after a counted pattern, as segno's does).
    private func linePenalty(_ line: [Bool]) -> Int {
        var result = 0
        var runLength = 0
        for (index, module) in line.enumerated() {
            runLength = index > 0 && module == line[index - 1] ? runLength + 1 : 1
            if runLength == 5 { result += 3 } else if runLength > 5 { result += 1 }
        }
        let pattern = [true, false, true, true, true, false, true]
        func light(_ range: Range<Int>) -> Bool {
            range.allSatisfy { !(0..<size).contains($0) || !line[$0] }
        }
        var start = 0
        while start + 7 <= size {
            guard let found = (start...(size - 7)).first(where: { Array(line[$0..<$0 + 7]) == pattern }) else { break }
            if light(found - 4..<found) || light(found + 7..<found + 11) {
                result += 40
                start = found + 7
            } else {
                start = found + 4
            }
        }
        return result
    }
}
