#!/usr/bin/env python3
"""Writes drive_hendon.nmea: a short, made-up 1 Hz drive in north London as a
receiver would send it (GGA + GSA + RMC per epoch), for gpsfake replay in the
capture tests. Deterministic; rerun to regenerate:

    python3 tests/capture/data/make_drive_log.py > tests/capture/data/drive_hendon.nmea

Timeline (UTC, 2026-11-23): 10:00:00-02 no fix (cold start), 10:00:03-22
driving east-north-east accelerating 8 -> 17.5 m/s with a gentle left curve,
10:00:23-24 no fix (under a bridge), 10:00:25-29 driving on.
"""
import math

LAT0, LON0 = 51.590000, -0.240000   # near Hendon
M_PER_DEG_LAT = 111_320.0
KNOTS_PER_MPS = 1.0 / 0.514444


def cksum(body):
    c = 0
    for ch in body:
        c ^= ord(ch)
    return "%02X" % c


def sentence(body):
    return "$%s*%s" % (body, cksum(body))


def ddmm(value, is_lat):
    hemi = ("N" if value >= 0 else "S") if is_lat else ("E" if value >= 0 else "W")
    v = abs(value)
    deg = int(v)
    minutes = (v - deg) * 60.0
    return ("%02d%08.5f" if is_lat else "%03d%08.5f") % (deg, minutes), hemi


def main():
    print("# Made-up drive for the ANPR capture tests (see make_drive_log.py). Public domain.")
    print("# 30 epochs at 1 Hz: 3 no fix, 20 fix, 2 no fix, 5 fix.")
    lat, lon = LAT0, LON0
    speed, track = 8.0, 60.0
    for i in range(30):
        hhmmss = "1000%02d.00" % i
        fix = 3 <= i <= 22 or i >= 25
        if i >= 3:
            # Move one second along the current track (flat-earth is fine at this scale).
            rad = math.radians(track)
            lat += speed * math.cos(rad) / M_PER_DEG_LAT
            lon += speed * math.sin(rad) / (M_PER_DEG_LAT * math.cos(math.radians(lat)))
            speed = min(17.5, speed + 0.5)
            track = (track - 1.5) % 360.0
        if fix:
            la, ns = ddmm(lat, True)
            lo, ew = ddmm(lon, False)
            alt = 60.0 + 0.1 * i
            print(sentence("GPGGA,%s,%s,%s,%s,%s,1,09,0.9,%.1f,M,45.8,M,," % (hhmmss, la, ns, lo, ew, alt)))
            print(sentence("GPGSA,A,3,02,05,07,09,13,15,20,24,30,,,,1.6,0.9,1.3"))
            print(sentence("GPRMC,%s,A,%s,%s,%s,%s,%.3f,%.1f,231126,,,A" % (
                hhmmss, la, ns, lo, ew, speed * KNOTS_PER_MPS, track)))
        else:
            print(sentence("GPGGA,%s,,,,,0,00,99.9,,,,,," % hhmmss))
            print(sentence("GPGSA,A,1,,,,,,,,,,,,,99.9,99.9,99.9"))
            print(sentence("GPRMC,%s,V,,,,,,,231126,,,N" % hhmmss))


if __name__ == "__main__":
    main()
