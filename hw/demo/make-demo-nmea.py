#!/usr/bin/env python3
"""Writes hw/demo/demo-drive.nmea: the simulated GPS drive that the demo
replays through gpsfake (RMC + GGA at 1 Hz, two sentences per epoch, so
`gpsfake -c 0.5` plays it in real time).

The drive: 20 s parked in a lay-by (the officer sees full hit details),
10 s accelerating to 13.4 m/s (30 mph), 60 s driving north-east (the
driver's screen switches to driving mode), 10 s braking, 20 s stopped.
Synthetic, so it can be shared and re-made: python3 hw/demo/make-demo-nmea.py
"""
import math
import os

START_LAT, START_LON = 51.60100, -0.23600  # north London
HEADING_DEG = 45.0
EPOCHS = 120


def speed_at(t):
    if t < 20:
        return 0.0
    if t < 30:
        return 13.4 * (t - 20) / 10
    if t < 90:
        return 13.4
    if t < 100:
        return 13.4 * (100 - t) / 10
    return 0.0


def nmea(body):
    c = 0
    for ch in body:
        c ^= ord(ch)
    return "$%s*%02X" % (body, c)


def fmt_lat(lat):
    d = int(abs(lat))
    return "%02d%07.4f,%s" % (d, (abs(lat) - d) * 60, "N" if lat >= 0 else "S")


def fmt_lon(lon):
    d = int(abs(lon))
    return "%03d%07.4f,%s" % (d, (abs(lon) - d) * 60, "E" if lon >= 0 else "W")


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "demo-drive.nmea")
    lat, lon = START_LAT, START_LON
    lines = ["# Synthetic demo drive for gpsfake, made by hw/demo/make-demo-nmea.py",
             "# 120 epochs at 1 Hz: parked 20 s, accelerate, 60 s at 13.4 m/s, brake, stopped."]
    for t in range(EPOCHS):
        v = speed_at(t)
        hh, mm, ss = 9, (t // 60) % 60, t % 60
        hms = "%02d%02d%02d.00" % (hh, mm, ss)
        knots = v / 0.514444
        course = HEADING_DEG if v > 0 else 0.0
        lines.append(nmea("GPRMC,%s,A,%s,%s,%.2f,%.1f,231126,,,A" %
                          (hms, fmt_lat(lat), fmt_lon(lon), knots, course)))
        lines.append(nmea("GPGGA,%s,%s,%s,1,09,0.9,48.0,M,47.0,M,," %
                          (hms, fmt_lat(lat), fmt_lon(lon))))
        # Advance the position by one second of travel.
        dn = v * math.cos(math.radians(HEADING_DEG))
        de = v * math.sin(math.radians(HEADING_DEG))
        lat += dn / 111320.0
        lon += de / (111320.0 * math.cos(math.radians(lat)))
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
