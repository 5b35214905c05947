#!/usr/bin/env python3
"""Puts the OCR models where the build embeds them (`assets/ocr/models/`, git-ignored).

The PP-OCRv4 Chinese detection and recognition models ship inside the PyPI wheel
rapidocr-onnxruntime 1.4.4. This script (run by `bash dev.sh setup`, `run` and `test`):

1. downloads that wheel once with pip into the cache (`$XDG_CACHE_HOME/tixian/ocr`, default
   `~/.cache/tixian/ocr`) unless it is already there;
2. checks its SHA-256 against the one pinned below (a different file is refused and removed);
3. extracts the two models, and writes the recognition model's character dictionary — stored in
   the model's ONNX metadata (`character`), not as a file — one entry per line beside them.

Standard library only (the dictionary is read with a few lines of protobuf decoding, so the
`onnx` package is not needed). Nothing is downloaded when the models are already in place.
"""

import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL = "rapidocr_onnxruntime-1.4.4-py3-none-any.whl"
REQUIREMENT = "rapidocr-onnxruntime==1.4.4"
WHEEL_SHA256 = "971d7d5f223a7a808662229df1ef69893809d8457d834e6373d3854bc1782cbf"
MODELS = {
    "rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx": "ch_PP-OCRv4_det_infer.onnx",
    "rapidocr_onnxruntime/models/ch_PP-OCRv4_rec_infer.onnx": "ch_PP-OCRv4_rec_infer.onnx",
}
DICTIONARY = "ppocr_keys.txt"
DICTIONARY_ENTRIES = 6623
# What the extracted files must be; a file changed in place is extracted again.
EXTRACTED_SHA256 = {
    "ch_PP-OCRv4_det_infer.onnx": "d2a7720d45a54257208b1e13e36a8479894cb74155a5efe29462512d42f49da9",
    "ch_PP-OCRv4_rec_infer.onnx": "48fc40f24f6d2a207a2b1091d3437eb3cc3eb6b676dc3ef9c37384005483683b",
    DICTIONARY: "a1c84d9bdb9ab29043c58896224d32941783eb821629618416dcb08f12886492",
}
STAMP = "SOURCE"

HERE = Path(__file__).resolve().parent
OUT = HERE / "models"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tixian" / "ocr"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch_wheel() -> Path:
    wheel = cache_dir() / WHEEL
    if wheel.is_file() and sha256(wheel) == WHEEL_SHA256:
        return wheel
    wheel.parent.mkdir(parents=True, exist_ok=True)
    print(f"Downloading {REQUIREMENT} from PyPI (15 MB, once) …", flush=True)
    with tempfile.TemporaryDirectory(dir=wheel.parent) as tmp:
        # The wheel is pure Python (py3-none-any); --python-version lets any local Python fetch it
        # (the package itself declares Requires-Python < 3.13, which does not matter here).
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
             "--python-version", "3.11", "--dest", tmp, REQUIREMENT],
            check=True,
        )
        got = Path(tmp) / WHEEL
        if not got.is_file():
            sys.exit(f"error: pip did not produce {WHEEL}")
        digest = sha256(got)
        if digest != WHEEL_SHA256:
            sys.exit(f"error: {WHEEL} has SHA-256 {digest}, expected {WHEEL_SHA256}; refused")
        os.replace(got, wheel)
    return wheel


def varint(buf: bytes, i: int):
    shift = value = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, i
        shift += 7


def fields(buf: bytes):
    """Yields (field number, wire type, value) of one protobuf message, top level only."""
    i = 0
    while i < len(buf):
        key, i = varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(buf, i)
        elif wire == 1:
            value, i = buf[i:i + 8], i + 8
        elif wire == 2:
            n, i = varint(buf, i)
            value, i = buf[i:i + n], i + n
        elif wire == 5:
            value, i = buf[i:i + 4], i + 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        yield number, wire, value


def onnx_metadata(model: bytes) -> dict:
    """ModelProto.metadata_props (field 14): StringStringEntryProto {1: key, 2: value}."""
    props = {}
    for number, wire, value in fields(model):
        if number == 14 and wire == 2:
            entry = {n: v for n, w, v in fields(value) if w == 2}
            props[entry.get(1, b"").decode()] = entry.get(2, b"").decode()
    return props


def up_to_date() -> bool:
    stamp = OUT / STAMP
    return (
        stamp.is_file()
        and WHEEL_SHA256 in stamp.read_text()
        and all((OUT / name).is_file() and sha256(OUT / name) == digest
                for name, digest in EXTRACTED_SHA256.items())
    )


def write(path: Path, data: bytes):
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def main():
    if up_to_date():
        return
    wheel = fetch_wheel()
    OUT.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as z:
        for member, name in MODELS.items():
            write(OUT / name, z.read(member))
    rec = (OUT / MODELS["rapidocr_onnxruntime/models/ch_PP-OCRv4_rec_infer.onnx"]).read_bytes()
    characters = onnx_metadata(rec).get("character")
    if characters is None:
        sys.exit("error: the recognition model has no `character` metadata")
    entries = characters.split("\n")
    if len(entries) != DICTIONARY_ENTRIES:
        sys.exit(f"error: dictionary has {len(entries)} entries, expected {DICTIONARY_ENTRIES}")
    write(OUT / DICTIONARY, ("\n".join(entries) + "\n").encode())
    for name, digest in EXTRACTED_SHA256.items():
        if sha256(OUT / name) != digest:
            sys.exit(f"error: {name} extracted from {WHEEL} is not the expected file")
    write(OUT / STAMP, f"{REQUIREMENT}\nsha256 {WHEEL_SHA256}\n".encode())
    print(f"OCR models ready in {OUT}")


if __name__ == "__main__":
    main()
