"""Draws the app icon (a coin with an arrow out of a tray) as PNGs, without image libraries.

Run: python3 assets/icons/make_icon.py  — writes assets/icons/icon-1024.png (then `bash dev.sh icons`).
"""
import struct, zlib, os, math

def png(path, size):
    s = size / 512.0
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            X, Y = x / s, y / s
            r = 96  # rounded square corner radius
            inside = True
            for cx, cy in ((r, r), (512 - r, r), (r, 512 - r), (512 - r, 512 - r)):
                if (X < r or X > 512 - r) and (Y < r or Y > 512 - r):
                    if math.hypot(X - (r if X < 256 else 512 - r), Y - (r if Y < 256 else 512 - r)) > r:
                        inside = False
            if not inside:
                row += bytes((0, 0, 0, 0)); continue
            col = (22, 128, 110, 255)  # jade green background
            # coin
            d = math.hypot(X - 256, Y - 220)
            if d < 130:
                col = (255, 214, 102, 255) if d < 112 else (240, 180, 60, 255)
                # yen mark: two diagonals, a stem and two bars
                if (abs((X - 256) - (Y - 220)) < 14 and Y < 225 and Y > 140) or \
                   (abs((X - 256) + (Y - 220)) < 14 and Y < 225 and Y > 140) or \
                   (abs(X - 256) < 13 and 215 < Y < 305) or \
                   (abs(Y - 240) < 9 and abs(X - 256) < 55) or (abs(Y - 272) < 9 and abs(X - 256) < 55):
                    col = (150, 90, 20, 255)
            # tray
            if 380 < Y < 410 and 110 < X < 402:
                col = (255, 255, 255, 255)
            if 330 < Y < 410 and (110 < X < 138 or 374 < X < 402):
                col = (255, 255, 255, 255)
            row += bytes(col)
        rows.append(bytes(row))
    raw = b"".join(rows)
    def chunk(t, d):
        c = struct.pack(">I", len(d)) + t + d
        return c + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)) \
        + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)

# The 1024 px master; `bash dev.sh icons` turns it into every size and format the bundles need
# (tauri icon: Linux PNGs 16–512, Windows .ico, macOS .icns).
png(os.path.join(os.path.dirname(__file__), "icon-1024.png"), 1024)
