#!/usr/bin/env python3
"""Writes the NMEA 0183 case folders (Cases/nmea/*) from sentences in published documents and by hand.

Sources (docs/protocols.md §8 cites them too):
- u-blox 8 / u-blox M8 Receiver Description including Protocol Specification (UBX-13003221), NMEA messages
  chapter: the example GGA, GLL, GSA, GSV, RMC, VTG and TXT sentences, copied with their checksums (all verify).
- The classic NMEA 0183 examples reproduced by gpsd's "NMEA Revealed" (gpsd.gitlab.io/gpsd/NMEA.html) and
  Dale DePriest's "NMEA data" pages: RMC/GGA/VTG of 1994, NMEA 2.0 (no mode field).
- Leica iCON GPS 160 manual (RMC with seven decimals of minutes, NMEA 4.x) and Cypress CTM200 message 82
  (NMEA 2.0 RMC, west longitude).
Hand-made sentences (no fix, corrupt streams) get their checksum computed here, independently of the C# encoder.
Run from this folder: python3 make_nmea_cases.py
"""
import json, os
from functools import reduce

def cs(body):
    return "%02X" % reduce(lambda a, c: a ^ ord(c), body, 0)

def s(body):
    return "$" + body + "*" + cs(body) + "\r\n"

def write(name, data, expected, error=None):
    d = os.path.join("nmea", name)
    os.makedirs(d, exist_ok=True)
    raw = data.encode("latin-1")
    with open(os.path.join(d, "capture.bin"), "wb") as f:
        f.write(raw)
    expected["bytes"] = len(raw)
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump(expected, f, indent=2)
        f.write("\n")
    if error:
        with open(os.path.join(d, "error.txt"), "w") as f:
            f.write(error + "\n")

ublox = [
    "$GPTXT,01,01,02,u-blox ag - www.u-blox.com*50\r\n",
    "$GPGGA,092725.00,4717.11399,N,00833.91590,E,1,08,1.01,499.6,M,48.0,M,,*5B\r\n",
    "$GPGLL,4717.11364,N,00833.91565,E,092321.00,A,A*60\r\n",
    "$GPGSA,A,3,23,29,07,08,09,18,26,28,,,,,1.94,1.18,1.54*0D\r\n",
    "$GPGSV,3,1,10,23,38,230,44,29,71,156,47,07,29,116,41,08,09,081,36*7F\r\n",
    "$GPRMC,083559.00,A,4717.11437,N,00833.91522,E,0.004,77.52,091202,,,A*57\r\n",
    "$GPVTG,77.52,T,,M,0.004,N,0.008,K,A*06\r\n",
]
write("ublox-m8-documented", "".join(ublox), {
    "frames": 3, "rejectedBytes": 0,
    "frameList": [
        {"Valid": True, "UtcTimeS": 9 * 3600 + 27 * 60 + 25, "FixQuality": 1, "Satellites": 8, "Hdop": 1.01, "AltitudeM": 499.6, "SpeedKnots": "NaN"},
        {"Valid": True, "UtcTimeS": 8 * 3600 + 35 * 60 + 59, "SpeedKnots": 0.004, "CourseTrueDeg": 77.52, "FixQuality": -1, "Satellites": -1},
        {"Valid": True, "UtcTimeS": "NaN", "SpeedKnots": 0.004, "SpeedKmh": 0.008, "CourseTrueDeg": 77.52, "LatitudeDeg": "NaN"},
    ],
})

reference = [
    "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A\r\n",
    "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47\r\n",
    "$GPVTG,054.7,T,034.4,M,005.5,N,010.2,K*48\r\n",
    "$GNRMC,154706.00,A,4724.5288205,N,00937.0842621,E,0.01,144.09,141114,0.00,E,A*10\r\n",
    "$GPRMC,001207.00,A,4911.2236,N,12254.4779,W,012.3,201.0,170109,,*2D\r\n",
]
write("nmea-reference-examples", "".join(reference), {
    "frames": 5, "rejectedBytes": 0,
    "frameList": [
        {"Valid": True, "UtcTimeS": 12 * 3600 + 35 * 60 + 19, "SpeedKnots": 22.4, "CourseTrueDeg": 84.4},
        {"Valid": True, "FixQuality": 1, "Satellites": 8, "Hdop": 0.9, "AltitudeM": 545.4},
        {"Valid": True, "SpeedKnots": 5.5, "SpeedKmh": 10.2, "CourseTrueDeg": 54.7},
        {"Valid": True, "SpeedKnots": 0.01, "CourseTrueDeg": 144.09},
        {"Valid": True, "SpeedKnots": 12.3, "CourseTrueDeg": 201.0},
    ],
})

# A u-blox receiver before its first fix (NMEA 4.10: RMC carries navStatus V): every field empty, Valid false.
nofix = s("GNRMC,,V,,,,,,,,,,N,V") + s("GNVTG,,,,,,,,,N") + s("GNGGA,,,,,,0,00,99.99,,,,,,") + s("GNGSA,A,1,,,,,,,,,,,,,99.99,99.99,99.99,1")
write("no-fix-cold-start", nofix, {
    "frames": 3, "rejectedBytes": 0,
    "counts": {"Valid": 0},
    "frameList": [
        {"Valid": False, "UtcTimeS": "NaN", "LatitudeDeg": "NaN", "SpeedKnots": "NaN", "SpeedKmh": "NaN", "CourseTrueDeg": "NaN"},
        {"Valid": False, "SpeedKnots": "NaN", "SpeedKmh": "NaN"},
        {"Valid": False, "FixQuality": 0, "Satellites": 0, "Hdop": 99.99, "AltitudeM": "NaN"},
    ],
})

good = s("GNRMC,101500.00,A,2836.50000,N,07712.30000,E,40.500,90.00,041226,,,A")
bad_sum = good[:-4] + ("00" if good[-4:-2] != "00" else "11") + "\r\n"
cut = "$GNVTG,90.00,T,,M,40.5"  # the next '$' arrives before this one ended
unknown_talker = s("IIRMC,101500.00,A,2836.50000,N,07712.30000,E,40.500,90.00,041226,,,A")
garbage = "\x00\xff noise \r\n"
data = garbage + good + bad_sum + cut + unknown_talker + good
write("garbage-bad-checksum-cut-short", data, {
    "frames": 2,
    "rejectedBytes": len(garbage) + len(bad_sum) + len(cut) + len(unknown_talker),
    "rejects": {"bad-header": 1, "bad-checksum": 1, "bad-length": 1, "unknown-sensor": 1},
    "frameList": [
        {"Valid": True, "SpeedKnots": 40.5, "CourseTrueDeg": 90.0, "UtcTimeS": 10 * 3600 + 15 * 60},
        {"Valid": True, "SpeedKnots": 40.5},
    ],
}, error="bad-checksum")
