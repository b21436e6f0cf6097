"""A QR code encoder for short ASCII links (byte mode, versions 1-10, ISO/IEC 18004).

Labels are printed by the thousand, and the general-purpose pure-Python encoders spend
3-6 ms per symbol, mostly in Reed-Solomon arithmetic and in scoring the eight masks
module by module. Here a whole symbol is packed into one Python int, so masking is one
XOR, the four penalty rules are a few dozen big-int operations (C speed), and the
Reed-Solomon remainder is a table-driven shift register: about 0.15 ms per label link.
Tests check every version, level and mask against reportlab's reference encoder.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache, reduce
from itertools import chain, zip_longest
from operator import getitem, or_

# Error-correction levels: the 2-bit code written into the format information.
LEVEL_BITS = {"L": 0b01, "M": 0b00, "Q": 0b11, "H": 0b10}

# ISO/IEC 18004 table 9, versions 1-10: per level, (block count, total, data codewords).
_BLOCKS: dict[tuple[int, str], tuple[tuple[int, int, int], ...]] = {
    (1, "L"): ((1, 26, 19),), (1, "M"): ((1, 26, 16),), (1, "Q"): ((1, 26, 13),), (1, "H"): ((1, 26, 9),),
    (2, "L"): ((1, 44, 34),), (2, "M"): ((1, 44, 28),), (2, "Q"): ((1, 44, 22),), (2, "H"): ((1, 44, 16),),
    (3, "L"): ((1, 70, 55),), (3, "M"): ((1, 70, 44),), (3, "Q"): ((2, 35, 17),), (3, "H"): ((2, 35, 13),),
    (4, "L"): ((1, 100, 80),), (4, "M"): ((2, 50, 32),), (4, "Q"): ((2, 50, 24),), (4, "H"): ((4, 25, 9),),
    (5, "L"): ((1, 134, 108),), (5, "M"): ((2, 67, 43),),
    (5, "Q"): ((2, 33, 15), (2, 34, 16)), (5, "H"): ((2, 33, 11), (2, 34, 12)),
    (6, "L"): ((2, 86, 68),), (6, "M"): ((4, 43, 27),), (6, "Q"): ((4, 43, 19),), (6, "H"): ((4, 43, 15),),
    (7, "L"): ((2, 98, 78),), (7, "M"): ((4, 49, 31),),
    (7, "Q"): ((2, 32, 14), (4, 33, 15)), (7, "H"): ((4, 39, 13), (1, 40, 14)),
    (8, "L"): ((2, 121, 97),), (8, "M"): ((2, 60, 38), (2, 61, 39)),
    (8, "Q"): ((4, 40, 18), (2, 41, 19)), (8, "H"): ((4, 40, 14), (2, 41, 15)),
    (9, "L"): ((2, 146, 116),), (9, "M"): ((3, 58, 36), (2, 59, 37)),
    (9, "Q"): ((4, 36, 16), (4, 37, 17)), (9, "H"): ((4, 36, 12), (4, 37, 13)),
    (10, "L"): ((2, 86, 68), (2, 87, 69)), (10, "M"): ((4, 69, 43), (1, 70, 44)),
    (10, "Q"): ((6, 43, 19), (2, 44, 20)), (10, "H"): ((6, 43, 15), (2, 44, 16)),
}
_ALIGNMENT = {1: (), 2: (6, 18), 3: (6, 22), 4: (6, 26), 5: (6, 30), 6: (6, 34),
              7: (6, 22, 38), 8: (6, 24, 42), 9: (6, 26, 46), 10: (6, 28, 50)}
MAX_VERSION = 10
_HEX = bytes.maketrans(b"0123456789abcdef", bytes(range(16)))

_MASKS = (
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i + j) % 2 + (i * j) % 3) % 2 == 0,
)


@dataclass(frozen=True)
class QrSymbol:
    """A QR symbol: `rows[r][c]` is '1' for a dark module; row 0 is the top."""

    version: int
    mask: int
    rows: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.rows)


def encode(text: str, level: str = "M", mask: int | None = None) -> QrSymbol:
    """Encode ASCII `text` in byte mode at the smallest version that holds it.

    The mask is chosen by the ISO penalty rules unless one is given (tests)."""
    data = text.encode("ascii")
    version = _version_for(len(data), level)
    layout = _layout(version)
    codewords = _codewords(data, version, level)
    nibbles = codewords.hex().encode().translate(_HEX)
    data_rows = reduce(or_, map(getitem, layout.row_nibbles, nibbles))
    data_cols = reduce(or_, map(getitem, layout.col_nibbles, nibbles))
    best: tuple[int, int, int] | None = None
    for m in (range(8) if mask is None else (mask,)):
        fmt_rows, fmt_cols = _format_bits(version, level, m)
        rows = layout.function_rows | (data_rows ^ layout.mask_rows[m]) | fmt_rows
        cols = layout.function_cols | (data_cols ^ layout.mask_cols[m]) | fmt_cols
        score = layout.penalty(rows, cols) if mask is None else 0
        if best is None or score < best[0]:
            best = (score, m, rows)
    assert best is not None
    return QrSymbol(version, best[1], layout.unpack(best[2]))


def capacity(version: int, level: str) -> int:
    """Bytes a byte-mode symbol of this version and level holds."""
    data_bits = 8 * sum(count * data for count, _total, data in _BLOCKS[version, level])
    return (data_bits - 4 - _count_bits(version)) // 8


def _version_for(length: int, level: str) -> int:
    for version in range(1, MAX_VERSION + 1):
        if length <= capacity(version, level):
            return version
    raise ValueError(f"{length} bytes do not fit a version-{MAX_VERSION} QR code at level {level}")


def _count_bits(version: int) -> int:
    return 8 if version <= 9 else 16


def _codewords(data: bytes, version: int, level: str) -> bytes:
    blocks = [(total, size) for count, total, size in _BLOCKS[version, level] for _ in range(count)]
    capacity_bits = 8 * sum(size for _total, size in blocks)
    count_bits = _count_bits(version)
    bits = (0b0100 << count_bits | len(data)) << (8 * len(data)) | int.from_bytes(data, "big")
    nbits = 4 + count_bits + 8 * len(data)
    pad = min(4, capacity_bits - nbits)  # terminator
    pad += -(nbits + pad) % 8  # to a whole byte
    bits <<= pad
    stream = bits.to_bytes((nbits + pad) // 8, "big")
    missing = capacity_bits // 8 - len(stream)
    stream += (b"\xec\x11" * (missing // 2 + 1))[:missing]  # pad codewords
    data_blocks, ec_blocks, offset = [], [], 0
    for total, size in blocks:
        block = stream[offset:offset + size]
        offset += size
        data_blocks.append(block)
        ec_blocks.append(_rs_remainder(block, total - size))
    # Interleave: the first codeword of every block, then the second, ...; longer blocks
    # (the second group) contribute their extra codeword last.
    data = bytes(b for column in zip_longest(*data_blocks) for b in column if b is not None)
    return data + bytes(chain.from_iterable(zip(*ec_blocks, strict=True)))


@cache
def _gf_tables() -> tuple[list[int], list[int]]:
    exp, log = [0] * 512, [0] * 256
    value = 1
    for i in range(255):
        exp[i], log[value] = value, i
        value <<= 1
        if value & 0x100:
            value ^= 0x11D
    for i in range(255, 512):
        exp[i] = exp[i - 255]
    return exp, log


@cache
def _rs_table(degree: int) -> tuple[int, ...]:
    """For each feedback byte f, the generator's coefficients times f, packed in an int."""
    exp, log = _gf_tables()
    generator = [1]
    for i in range(degree):
        nxt = [0] * (len(generator) + 1)
        for j, coef in enumerate(generator):
            nxt[j] ^= coef
            if coef:
                nxt[j + 1] ^= exp[log[coef] + i]
        generator = nxt
    coefficients = generator[1:]
    table = []
    for f in range(256):
        packed = 0
        for coef in coefficients:
            packed = packed << 8 | (exp[log[coef] + log[f]] if coef and f else 0)
        table.append(packed)
    return tuple(table)


def _rs_remainder(block: bytes, degree: int) -> bytes:
    table, shift, keep = _rs_table(degree), 8 * (degree - 1), (1 << 8 * degree) - 1
    remainder = 0
    for byte in block:
        remainder = ((remainder << 8) & keep) ^ table[byte ^ (remainder >> shift)]
    return remainder.to_bytes(degree, "big")


class _Layout:
    """The fixed parts of one version's symbol, packed for whole-symbol bit arithmetic.

    A symbol packs into one int, one line (a row, or a column) per slot of n + 8 bits:
    4 light bits, the n modules, 4 light bits. The light margins are the quiet zone the
    finder-like rule looks for, and they stop a run from continuing into the next line.
    Written MSB first, slot i holds line i and module j sits at string index i*(n+8)+4+j.
    """

    def __init__(self, version: int) -> None:
        n = self.size = 17 + 4 * version
        self.slot = w = n + 8
        dark, reserved = _function_patterns(version, n)
        order = _data_order(n, reserved)
        stream_bits = 8 * sum(count * total for count, total, _d in _BLOCKS[version, "L"])
        top = n * w - 1  # string index i is bit top - i of the packed int
        places = [(1 << (top - (r * w + 4 + c)), 1 << (top - (c * w + 4 + r)))
                  for r, c in order[:stream_bits]]
        # Per half-byte of the codeword stream, its 16 values already placed: the data
        # modules of a symbol are then one OR per half-byte (run in C by reduce).
        self.row_nibbles: list[tuple[int, ...]] = []
        self.col_nibbles: list[tuple[int, ...]] = []
        for start in range(0, stream_bits, 4):
            quad = places[start:start + 4]
            for out, which in ((self.row_nibbles, 0), (self.col_nibbles, 1)):
                out.append(tuple(sum(quad[b][which] for b in range(4) if value >> (3 - b) & 1)
                                 for value in range(16)))
        self.function_rows, self.function_cols = self.pack(dark)
        self.mask_rows, self.mask_cols = zip(*(
            self.pack([[not reserved[r][c] and test(r, c) for c in range(n)] for r in range(n)])
            for test in _MASKS), strict=True)
        everywhere = [[True] * n for _ in range(n)]
        self.all = (1 << n * w) - 1
        self.line = self.pack(everywhere)[0]
        self.pairs = self.pack([[c > 0 for c in range(n)] for _ in range(n)])[0]
        self.blocks = self.pack([[r > 0 and c > 0 for c in range(n)] for r in range(n)])[0]

    def pack(self, cells: list[list[bool]]) -> tuple[int, int]:
        """(rows packed, columns packed) of an n x n grid of booleans."""
        rows = ["0000" + "".join("1" if v else "0" for v in line) + "0000" for line in cells]
        cols = ["0000" + "".join("1" if v else "0" for v in line) + "0000"
                for line in zip(*cells, strict=True)]
        return int("".join(rows), 2), int("".join(cols), 2)

    def unpack(self, rows: int) -> tuple[str, ...]:
        text, w, n = format(rows, f"0{self.size * self.slot}b"), self.slot, self.size
        return tuple(text[i * w + 4:i * w + 4 + n] for i in range(n))

    def penalty(self, rows: int, cols: int) -> int:
        """ISO/IEC 18004 §7.8.3 penalty score (N1=3, N2=3, N3=40, N4=10)."""
        score = self._lines(rows) + self._lines(cols)
        w, light = self.slot, ~rows & self.line
        dark_pairs, light_pairs = rows & (rows >> w), light & (light >> w)
        blocks = (dark_pairs & (dark_pairs >> 1)) | (light_pairs & (light_pairs >> 1))
        score += 3 * (blocks & self.blocks).bit_count()
        n = self.size
        score += 10 * (abs(rows.bit_count() * 100 // (n * n) - 50) // 5)
        return score

    def _lines(self, p: int) -> int:
        """Rules 1 (runs of five or more) and 3 (1:1:3:1:1 beside four light) along lines."""
        same = ~(p ^ (p >> 1)) & self.pairs
        five = same & (same >> 1) & (same >> 2) & (same >> 3)
        score = five.bit_count() + 2 * (five & ~(five >> 1)).bit_count()
        q = ~p & self.all
        core = p & (q >> 1) & (p >> 2) & (p >> 3) & (p >> 4) & (q >> 5) & (p >> 6)
        four_light = q & (q >> 1) & (q >> 2) & (q >> 3)
        score += 40 * ((core & (four_light >> 7)).bit_count() + (core & (four_light << 4)).bit_count())
        return score


@cache
def _layout(version: int) -> _Layout:
    return _Layout(version)


def _function_patterns(version: int, n: int) -> tuple[list[list[bool]], list[list[bool]]]:
    """Dark function modules, and every module not free for data (format areas included)."""
    dark = [[False] * n for _ in range(n)]
    reserved = [[False] * n for _ in range(n)]

    def put(r: int, c: int, value: bool) -> None:
        dark[r][c], reserved[r][c] = value, True

    for top, left in ((0, 0), (0, n - 7), (n - 7, 0)):
        for r in range(-1, 8):
            for c in range(-1, 8):
                if 0 <= top + r < n and 0 <= left + c < n:
                    ring = max(abs(r - 3), abs(c - 3))
                    put(top + r, left + c, ring not in (2, 4))
    for i in range(8, n - 8):
        put(6, i, i % 2 == 0)
        put(i, 6, i % 2 == 0)
    centres = _ALIGNMENT[version]
    first, last = (centres[0], centres[-1]) if centres else (0, 0)
    corners = {(first, first), (first, last), (last, first)}
    for r0 in centres:
        for c0 in centres:
            if (r0, c0) in corners:
                continue  # would overlap a finder pattern
            for r in range(-2, 3):
                for c in range(-2, 3):
                    put(r0 + r, c0 + c, max(abs(r), abs(c)) != 1)
    for i in range(9):  # format information, written per mask
        reserved[8][i] = reserved[i][8] = True
    for i in range(8):
        reserved[8][n - 1 - i] = reserved[n - 1 - i][8] = True
    put(n - 8, 8, True)  # the dark module
    if version >= 7:
        bits = _bch(version, 0x1F25, 12)
        for i in range(18):
            on = bool(bits >> i & 1)
            put(i // 3, n - 11 + i % 3, on)
            put(n - 11 + i % 3, i // 3, on)
    return dark, reserved


def _data_order(n: int, reserved: list[list[bool]]) -> list[tuple[int, int]]:
    """Data modules in placement order: two-column strips, zig-zagging from bottom right."""
    order, upward, right = [], True, n - 1
    while right > 0:
        if right == 6:
            right = 5  # skip the vertical timing pattern
        for r in (range(n - 1, -1, -1) if upward else range(n)):
            for c in (right, right - 1):
                if not reserved[r][c]:
                    order.append((r, c))
        upward, right = not upward, right - 2
    return order


def _bch(data: int, generator: int, shift: int) -> int:
    value = data << shift
    top = generator.bit_length()
    while value.bit_length() >= top:
        value ^= generator << (value.bit_length() - top)
    return data << shift | value


@cache
def _format_bits(version: int, level: str, mask: int) -> tuple[int, int]:
    """The format information for this level and mask, packed as rows and as columns."""
    n = 17 + 4 * version
    bits = _bch(LEVEL_BITS[level] << 3 | mask, 0x537, 10) ^ 0x5412
    cells = [[False] * n for _ in range(n)]
    for i in range(15):
        if not bits >> i & 1:
            continue
        cells[i if i < 6 else i + 1 if i < 8 else n - 15 + i][8] = True
        cells[8][n - 1 - i if i < 8 else 7 if i == 8 else 14 - i] = True
    return _layout(version).pack(cells)
