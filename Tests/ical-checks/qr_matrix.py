"""Prints segno's QR matrix for each case, so the tests compare Kring's own encoder with an independent one.

Input (argv[1]): JSON list of {"text": str, "version": int (optional), "mask": int (optional)}.
Output: JSON list of {"version": int, "mask": int, "rows": [str of 0/1 per row]} (no quiet zone),
always a QR Code (never Micro QR) in byte mode at error-correction level M, never boosted.
"""

import json
import sys

import segno
import segno.encoder


def _standard_padding_bits(buff, version, length):
    """ISO/IEC 18004:2015 7.4.10: zero bits only up to the next codeword boundary. segno 1.6.6 adds a whole 0x00
    codeword when the stream already ends on one (`8 - length % 8` gives 8), where the standard puts the 0xEC pad
    codeword; every byte-mode stream with a full terminator ends on a boundary. Readers decode both, but only this
    one is the standard's symbol, so the comparison uses it; everything else (Reed-Solomon, interleaving,
    placement, masks, format and version information, mask choice) is segno's own."""
    if version not in (segno.consts.VERSION_M1, segno.consts.VERSION_M3):
        buff.extend([0] * ((8 - length % 8) % 8))


segno.encoder.write_padding_bits = _standard_padding_bits


def main() -> None:
    cases = json.loads(sys.argv[1])
    answers = []
    for case in cases:
        code = segno.make(
            case["text"],
            error="m",
            mode="byte",
            version=case.get("version"),
            mask=case.get("mask"),
            boost_error=False,
            micro=False,
        )
        answers.append(
            {
                "version": code.version,
                "mask": code.mask,
                "rows": ["".join("1" if module else "0" for module in row) for row in code.matrix],
            }
        )
    print(json.dumps(answers))


if __name__ == "__main__":
    main()
