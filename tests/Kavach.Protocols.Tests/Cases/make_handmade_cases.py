#!/usr/bin/env python3
"""Writes the hand-made decoder cases (capture.bin + expected.json [+ error.txt]) from docs/protocols.md alone.

Independent of the C# encoders on purpose: a shared misreading of the spec would otherwise pass unnoticed.
Run from this folder: python3 make_handmade_cases.py. The real captures (copied from the team's capture archive)
are not touched.
"""
import json, math, os, random, struct

random.seed(20240611)


def write_case(fmt, name, data, expected, error=None):
    d = os.path.join(fmt, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "capture.bin"), "wb") as f:
        f.write(bytes(data))
    expected.setdefault("bytes", len(data))
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump(expected, f, indent=2)
        f.write("\n")
    p = os.path.join(d, "error.txt")
    if error:
        with open(p, "w") as f:
            f.write(error + "\n")
    elif os.path.exists(p):
        os.remove(p)


def garbage(n, avoid):
    return bytes(random.choice([b for b in range(256) if b not in avoid]) for _ in range(n))


# ---- tf-series (docs/protocols.md §1) ----
def tf(dist, strength, temp_raw=2448):
    b = bytes([0x59, 0x59]) + struct.pack("<HHH", dist, strength, temp_raw)
    return b + bytes([sum(b) & 0xFF])


def tf_expect(dist, strength, no_return, temp_c=50.0):
    e = {"DistanceRaw": dist, "Strength": strength, "NoReturn": no_return,
         "DistanceM": "NaN" if no_return else dist / 100}
    if temp_c is not None:
        e["TemperatureC"] = temp_c
    return e


vec = bytes.fromhex("59 59 2C 01 10 02 90 09 8A")
assert tf(300, 528) == vec
write_case("tf-series", "spec-vector", vec, {
    "options": {"variant": "tfmini-plus"}, "frames": 1, "noReturn": 0, "rejectedBytes": 0,
    "frameList": [tf_expect(300, 528, False)]})

g = [garbage(n, {0x59}) for n in (5, 3, 11, 2)]
data = g[0] + tf(120, 900) + g[1] + tf(121, 901) + g[2] + tf(122, 902) + g[3]
write_case("tf-series", "garbage-between-frames", data, {
    "options": {"variant": "tf-luna"}, "frames": 3, "noReturn": 0,
    "rejectedBytes": sum(len(x) for x in g), "rejects": {"bad-header": 4, "bad-checksum": 0},
    "frameList": [tf_expect(120 + i, 900 + i, False) for i in range(3)]})

bad = bytearray(tf(700, 300)); bad[8] ^= 0x55
write_case("tf-series", "bad-checksum", tf(600, 300) + bytes(bad) + tf(800, 300), {
    "options": {"variant": "tfmini-s"}, "frames": 2, "rejectedBytes": 9,
    "rejects": {"bad-checksum": 1, "bad-header": 0},
    "frameList": [tf_expect(600, 300, False), tf_expect(800, 300, False)]}, "bad-checksum")

f3 = tf(1500, 400)
cut = tf(1400, 400)[:5]
assert (sum(cut + f3[:3]) & 0xFF) != f3[3]
write_case("tf-series", "truncated-frame", tf(1300, 400) + cut + f3 + tf(1600, 400)[:4], {
    "options": {"variant": "tf02-pro"}, "frames": 2, "rejectedBytes": 5, "pendingBytes": 4,
    "rejects": {"bad-checksum": 1},
    "frameList": [tf_expect(1300, 400, False), tf_expect(1500, 400, False)]}, "bad-checksum")

rules = {
    "tf-luna": [(500, 50, True), (500, 0xFFFF, True), (500, 100, False), (790, 2000, False)],
    "tfmini-s": [(0xFFFF, 80, True), (0xFFFE, 3000, True), (0xFFFC, 3000, True), (1000, 300, False)],
    "tfmini-plus": [(0, 50, True), (500, 300, False)],
    "tf02-pro": [(4500, 30, True), (4500, 200, False), (2000, 59, True), (2000, 60, False)],
    "tf03": [(5000, 20, True), (18000, 500, True), (17999, 500, False), (5000, 40, False)],
}
for variant, rows in rules.items():
    data = b"".join(tf(d, s) for d, s, _ in rows)
    write_case("tf-series", "no-return-" + variant, data, {
        "options": {"variant": variant}, "frames": len(rows), "noReturn": sum(1 for r in rows if r[2]),
        "rejectedBytes": 0,
        "frameList": [tf_expect(d, s, n, None if variant == "tf03" else 50.0) for d, s, n in rows]})


# ---- ld06 (docs/protocols.md §3) ----
def crc8(data):
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = ((crc << 1) ^ 0x4D) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def ld06(speed, start, end, ts, points):
    assert len(points) == 12
    b = bytes([0x54, 0x2C]) + struct.pack("<HH", speed, start)
    for d, i in points:
        b += struct.pack("<HB", d, i)
    b += struct.pack("<HH", end, ts)
    return b + bytes([crc8(b)])


def angles(start, end):
    step = ((end - start + 36000) % 36000) / 11 / 100
    return [(start / 100 + i * step) % 360 for i in range(12)]


spec = ld06(3600, 10000, 10500, 1234, [(1000 + i, 0xC8) for i in range(12)])
assert spec[-1] == 0x06 and spec[:6] == bytes.fromhex("542C100E1027")
write_case("ld06", "spec-vector", spec, {
    "frames": 1, "noReturn": 0, "rejectedBytes": 0,
    "frameList": [{"SpeedDegPerS": 3600, "StartAngleDeg": 100.0, "EndAngleDeg": 105.0, "TimestampMs": 1234,
                   "HasCorridorPoints": True, "NoReturn": False, "NearestRangeM": 1.0, "NearestIntensity": 200,
                   "NearestAngleDeg": 100.0}],
    "firstPoints": [{"DistanceMm": 1000 + i, "Intensity": 200, "AngleDeg": a}
                    for i, a in enumerate(angles(10000, 10500))]})

pts = [(200, 200), (900, 200), (950, 200), (990, 200), (1200, 200), (1100, 200), (800, 200), (850, 10),
       (300, 200), (300, 200), (300, 200), (300, 200)]
a = angles(35500, 550)
write_case("ld06", "corridor-wrap", ld06(2160, 35500, 550, 100, pts), {
    "options": {"corridorStartDeg": 358.0, "corridorEndDeg": 2.0, "minIntensity": 50},
    "frames": 1, "noReturn": 0, "rejectedBytes": 0,
    "frameList": [{"HasCorridorPoints": True, "NoReturn": False, "NearestRangeM": 0.8, "NearestIntensity": 200,
                   "NearestAngleDeg": a[6], "StartAngleDeg": 355.0, "EndAngleDeg": 5.5}]})

write_case("ld06", "no-corridor-points", ld06(2160, 32427, 33470, 100, [(500, 200)] * 12), {
    "options": {"corridorStartDeg": 90.0, "corridorEndDeg": 100.0},
    "frames": 1, "noReturn": 0, "rejectedBytes": 0,
    "frameList": [{"HasCorridorPoints": False, "NoReturn": False, "NearestRangeM": "NaN", "NearestAngleDeg": "NaN",
                   "NearestIntensity": 0}]})

write_case("ld06", "no-return", ld06(2160, 0, 1000, 100, [(0, 200), (700, 20)] * 6), {
    "options": {"corridorStartDeg": 0.0, "corridorEndDeg": 20.0, "minIntensity": 100},
    "frames": 1, "noReturn": 1, "rejectedBytes": 0,
    "frameList": [{"HasCorridorPoints": True, "NoReturn": True, "NearestRangeM": "NaN"}]})

p1 = ld06(2160, 1000, 2000, 1, [(1500, 100)] * 12)
p2 = bytearray(ld06(2160, 2000, 3000, 2, [(1600, 100)] * 12)); p2[20] ^= 0x01
p3 = ld06(2160, 3000, 4000, 3, [(1700, 100)] * 12)
g1 = garbage(13, {0x54})
write_case("ld06", "bad-crc-and-garbage", g1 + p1 + bytes(p2) + p3, {
    "frames": 2, "rejectedBytes": 13 + 47, "rejects": {"bad-header": 1, "bad-checksum": 1},
    "frameList": [{"TimestampMs": 1, "NearestRangeM": 1.5}, {"TimestampMs": 3, "NearestRangeM": 1.7}]},
    "bad-checksum")

# ---- ti-mmwave (docs/protocols.md §2) ----
MAGIC = bytes([2, 1, 4, 3, 6, 5, 8, 7])


def pad32(b):
    return b + bytes((-len(b)) % 32)


def mmw(frame, points, side=None, version=0x03030002, platform=0xA6843):
    tlvs = b""
    n = 0
    if points:
        tlvs += struct.pack("<II", 1, 16 * len(points)) + b"".join(struct.pack("<ffff", *p) for p in points)
        n += 1
    if side:
        tlvs += struct.pack("<II", 7, 4 * len(side)) + b"".join(struct.pack("<hh", *s) for s in side)
        n += 1
    total = 40 + len(tlvs)
    total += (-total) % 32
    hdr = MAGIC + struct.pack("<8I", version, total, platform, frame, 123456, len(points), n, 0)
    return pad32(hdr + tlvs)


def nearest(points, side):
    r = [math.sqrt(x * x + y * y + z * z) for x, y, z, _ in points]
    i = r.index(min(r))
    return {"HasTarget": True, "TargetCount": len(points), "NearestRangeM": r[i], "ClosingSpeedMps": -points[i][3],
            "NearestSnrDb": side[i][0] / 10 if side else "NaN", "HasSideInfo": bool(side)}


P = [(0.5, 4.0, 0.1, -1.5), (-0.25, 2.5, 0.0, 0.75), (1.0, 9.0, 0.5, 0.0)]
S = [(123, 40), (215, 38), (87, 41)]
a1, a2, a3 = mmw(10, P, S), mmw(11, P[:2], S[:2]), mmw(12, P[1:], None)
write_case("ti-mmwave", "truncated-packet", a1 + a2[:30] + a3, {
    "frames": 2, "rejectedBytes": 30, "rejects": {"bad-length": 1, "bad-header": 0},
    "frameList": [dict(FrameNumber=10, **nearest(P, S)), dict(FrameNumber=12, **nearest(P[1:], None))]},
    "bad-length")

g1, g2 = garbage(21, {0x02}), garbage(7, {0x02})
write_case("ti-mmwave", "garbage-between-packets", g1 + a1 + g2 + a2, {
    "frames": 2, "rejectedBytes": 28, "rejects": {"bad-header": 2},
    "frameList": [dict(FrameNumber=10, **nearest(P, S)), dict(FrameNumber=11, **nearest(P[:2], S[:2]))]})

write_case("ti-mmwave", "no-targets", mmw(77, []) + mmw(78, P, S), {
    "frames": 2, "noReturn": 1, "rejectedBytes": 0,
    "frameList": [{"FrameNumber": 77, "HasTarget": False, "TargetCount": 0, "NearestRangeM": "NaN",
                   "ClosingSpeedMps": "NaN", "NearestSnrDb": "NaN", "PacketLength": 64},
                  dict(FrameNumber=78, **nearest(P, S))]})

# Legacy SDK 2.x on an IWR1443: 36-byte header (no subFrameNumber), Q-format 16-bit points.
q = 7
objs = [(10, -3, 500, 0, 5 * 128, 0), (4, 2, 900, 128, 256, 0)]
tlv = struct.pack("<II", 1, 4 + 12 * len(objs)) + struct.pack("<HH", len(objs), q) + \
      b"".join(struct.pack("<HhHhhh", *o) for o in objs)
total = 36 + len(tlv); total += (-total) % 32
legacy = pad32(MAGIC + struct.pack("<7I", 0x02010004, total, 0xA1443, 5, 999, len(objs), 1) + tlv)
write_case("ti-mmwave", "legacy-sdk2-iwr1443", legacy, {
    "frames": 1, "noReturn": 0, "rejectedBytes": 0,
    "frameList": [{"FrameNumber": 5, "Version": 0x02010004, "Platform": 0xA1443, "SubFrameNumber": 0,
                   "TargetCount": 2, "HasTarget": True, "NearestRangeM": math.sqrt(5), "ClosingSpeedMps": "NaN",
                   "NearestSnrDb": "NaN", "HasSideInfo": False}],
    "firstPoints": [{"X": 0.0, "Y": 5.0, "Z": 0.0, "VelocityMps": "NaN"},
                    {"X": 1.0, "Y": 2.0, "Z": 0.0, "VelocityMps": "NaN"}]})

# ---- ops243 (docs/protocols.md §4) ----
lines = [
    b"1.25\r\n", b"-0.50\r\n", b"137.429, 3.60\r\n",
    b'{"speed":0.58, "direction":"outbound", "time":105, "tick":135}\r\n',
    b'{"range":3.40, "unit":"m"}\r\n', b'"mps",2.00\r\n', b"hello\r\n", b'{"speed":"fast"}\r\n',
    b"NaN\r\n", b'{"Product":"OPS243-C"}\r\n', b"\r\n", b'{"speed":1.5, "direction":"inbound"}\n',
]
rejected = len(b"hello\r") + len(b'{"speed":"fast"}\r') + len(b"NaN\r") + len(b'{"Product":"OPS243-C"}\r')
write_case("ops243", "mixed-lines", b"".join(lines), {
    "frames": 7, "rejectedBytes": rejected,
    "rejects": {"malformed": 1, "wrong-type": 1, "not-finite": 1, "missing-field": 1},
    "frameList": [
        {"HasSpeed": True, "ClosingSpeedMps": 1.25, "HasRange": False, "RangeM": "NaN", "SensorTimeS": "NaN"},
        {"HasSpeed": True, "ClosingSpeedMps": -0.5},
        {"HasSpeed": True, "ClosingSpeedMps": 3.6, "SensorTimeS": 137.429},
        {"HasSpeed": True, "ClosingSpeedMps": -0.58, "SensorTimeS": 105},
        {"HasSpeed": False, "ClosingSpeedMps": "NaN", "HasRange": True, "RangeM": 3.4},
        {"HasSpeed": True, "ClosingSpeedMps": 2.0},
        {"HasSpeed": True, "ClosingSpeedMps": 1.5}]})

write_case("ops243", "negative-is-approaching-kmh", b"-36.0\r\n18.0\r\n", {
    "options": {"positiveIsApproaching": False, "speedUnit": "KilometersPerHour"},
    "frames": 2, "rejectedBytes": 0,
    "frameList": [{"ClosingSpeedMps": 10.0}, {"ClosingSpeedMps": -5.0}]})

write_case("ops243", "range-only-cm", b"250\r\n1000, 75.5\r\n", {
    "options": {"plainValueIsRange": True, "rangeUnit": "Centimeters"},
    "frames": 2, "rejectedBytes": 0,
    "frameList": [{"HasRange": True, "RangeM": 2.5, "HasSpeed": False},
                  {"HasRange": True, "RangeM": 0.755, "SensorTimeS": 1000}]})

write_case("ops243", "too-long-line", b"x" * 300 + b"\n1.00\n", {
    "frames": 1, "rejectedBytes": 301, "rejects": {"too-long": 1},
    "frameList": [{"ClosingSpeedMps": 1.0}]}, "too-long")
print("ok")
