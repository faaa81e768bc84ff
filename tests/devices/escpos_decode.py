"""An ESC/POS byte-stream decoder for tests, written from Epson's ESC/POS command reference
(not from python-escpos, whose output it checks): every command is split off by its own
parameter length, text is decoded in the code page ESC t selected, and an unknown command
fails the test instead of being printed as text.

It knows the receipt station and the slip station (ESC c 0) apart, and the character size
(ESC ! / GS !), so a test can measure each printed line in the columns it takes on paper.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ESC, GS, FS, DLE = 0x1B, 0x1D, 0x1C, 0x10
LF, CR, HT, FF = 0x0A, 0x0D, 0x09, 0x0C

# ESC t n: Epson's character code table numbers.
CODE_TABLES = {0: "cp437", 2: "cp850", 3: "cp860", 4: "cp863", 5: "cp865", 16: "cp1252",
               17: "cp866", 18: "cp852", 19: "cp858"}  # fmt: skip

# ESC x: how many parameter bytes follow (Epson ESC/POS Application Programming Guide).
ESC_PARAMS = {
    ord("@"): 0,  # initialise
    ord("t"): 1,  # character code table
    ord("!"): 1,  # print mode (bit 4 double height, bit 5 double width, bit 3 emphasis)
    ord("E"): 1,  # emphasis
    ord("G"): 1,  # double strike
    ord("-"): 1,  # underline
    ord("a"): 1,  # justification
    ord("d"): 1,  # print and feed n lines
    ord("e"): 1,  # print and reverse feed n lines
    ord("J"): 1,  # print and feed n dots
    ord("M"): 1,  # character font
    ord("V"): 1,  # 90 degree rotation
    ord("{"): 1,  # upside down
    ord("r"): 1,  # print colour
    ord("2"): 0,  # default line spacing
    ord("3"): 1,  # line spacing
    ord("p"): 3,  # drawer kick m t1 t2
    ord("c"): 2,  # ESC c 0 n (paper type), ESC c 3/4/5 n (sensors, panel keys)
    ord("f"): 2,  # cut sheet wait time
    ord("q"): 0,  # release paper (slip)
    ord("K"): 1,  # slip reverse feed n dots
    ord("$"): 2,  # absolute position
    ord("\\"): 2,  # relative position
    ord("R"): 1,  # international character set
    ord("S"): 0,  # standard mode
    ord("L"): 0,  # page mode
    ord("T"): 1,  # print direction in page mode
    ord("W"): 8,  # print area in page mode
}
GS_PARAMS = {
    ord("!"): 1,  # character size (high nibble width, low nibble height multiplier - 1)
    ord("B"): 1,  # reverse printing
    ord("a"): 1,  # automatic status back
    ord("h"): 1,  # bar code height
    ord("w"): 1,  # bar code module width
    ord("H"): 1,  # HRI position
    ord("f"): 1,  # HRI font
    ord("L"): 2,  # left margin
    ord("W"): 2,  # print area width
    ord("r"): 1,  # transmit status
}
VALID_CODE_PAGES = frozenset(CODE_TABLES)


class DecodeError(AssertionError):
    pass


@dataclass
class PrintedLine:
    station: str  # "receipt" or "slip"
    text: str
    scale: int  # horizontal magnification: 1, or 2 for double width
    bold: bool

    @property
    def columns(self) -> int:
        return len(self.text) * self.scale


@dataclass
class Decoded:
    lines: list[PrintedLine] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)  # e.g. "ESC t 19", "GS V 66 0"
    code_pages: set[str] = field(default_factory=set)

    def text(self, station: str = "receipt") -> str:
        return "\n".join(line.text for line in self.lines if line.station == station)


def decode(data: bytes) -> Decoded:
    out = Decoded()
    codec = "cp437"  # the power-on table
    station = "receipt"
    scale, bold = 1, False
    pending = bytearray()
    i = 0

    def flush() -> None:
        out.lines.append(PrintedLine(station, pending.decode(codec), scale, bold))
        pending.clear()

    def need(n: int) -> bytes:
        if i + n > len(data):
            raise DecodeError(f"command at byte {i} is cut short")
        return data[i : i + n]

    while i < len(data):
        b = data[i]
        if b == LF:
            flush()
            i += 1
        elif b == CR:
            i += 1
        elif b == FF:  # print and eject the slip (on the slip station)
            if pending:
                flush()
            out.commands.append("FF")
            i += 1
        elif b == ESC:
            op = need(2)[1]
            if op not in ESC_PARAMS:
                raise DecodeError(f"unknown command ESC 0x{op:02x} at byte {i}")
            params = need(2 + ESC_PARAMS[op])[2:]
            if pending and op in (ord("d"), ord("J"), ord("@")):
                flush()  # these print what is buffered
            out.commands.append(" ".join(["ESC", chr(op), *(str(p) for p in params)]))
            if op == ord("t"):
                if params[0] not in VALID_CODE_PAGES:
                    raise DecodeError(f"code table {params[0]} is not one this decoder knows")
                codec = CODE_TABLES[params[0]]
                out.code_pages.add(codec)
            elif op == ord("!"):
                scale = 2 if params[0] & 0x20 else 1
                bold = bool(params[0] & 0x08)
            elif op == ord("E"):
                bold = bool(params[0] & 1)
            elif op == ord("@"):
                codec, scale, bold = "cp437", 1, False
            elif op == ord("c") and params[0] in (0, ord("0")):
                # ESC c 0 n: bit 0/1 roll paper (receipt); bit 2/3 slip (or endorsement)
                station = "slip" if params[1] & 0x0C else "receipt"
            i += 2 + ESC_PARAMS[op]
        elif b == GS:
            op = need(2)[1]
            if op == ord("V"):  # cut: m, and n for the feed-and-cut functions
                m = need(3)[2]
                n = 1 if m in (0, 1, 48, 49) else 2
                params = need(2 + n)[2:]
                if pending:
                    flush()
                i += 2 + n
            elif op == ord("("):  # GS ( fn pL pH data…: length-prefixed
                head = need(5)
                size = head[3] + 256 * head[4]
                params = need(5 + size)[2:]
                i += 5 + size
            elif op == ord("k"):  # bar code
                m = need(3)[2]
                if m <= 6:
                    end = data.index(0, i + 3)
                    params = data[i + 2 : end + 1]
                    i = end + 1
                else:
                    n = need(4)[3]
                    params = need(4 + n)[2:]
                    i += 4 + n
            elif op in GS_PARAMS:
                params = need(2 + GS_PARAMS[op])[2:]
                if op == ord("!"):
                    scale = (params[0] >> 4) + 1
                i += 2 + GS_PARAMS[op]
            else:
                raise DecodeError(f"unknown command GS 0x{op:02x} at byte {i}")
            out.commands.append(" ".join(["GS", chr(op), *(str(p) for p in params)]))
        elif b in (FS, DLE):
            raise DecodeError(f"unexpected {'FS' if b == FS else 'DLE'} command at byte {i}")
        elif b < 0x20 or b == 0x7F:  # HT, NUL…: never part of a cashdesk line
            raise DecodeError(f"control byte 0x{b:02x} in text at byte {i}")
        else:
            pending.append(b)
            i += 1
    if pending:
        flush()
    return out
