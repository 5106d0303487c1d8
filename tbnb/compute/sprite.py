"""Thumbnails in memory -> a sprite sheet PNG, laid out as TensorBoard's projector
expects (a square grid of cells, row-major, point i in cell i)."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import numpy.typing as npt


def to_rgba(images: npt.ArrayLike) -> npt.NDArray[np.uint8]:
    """``[n, h, w]``, ``[n, h, w, c]`` or ``[n, c, h, w]`` (c in 1, 3, 4), uint8 or
    floats in [0, 1] -> uint8 ``[n, h, w, 4]``."""
    a = np.asarray(images)
    if a.ndim == 3:
        a = a[..., None]
    if a.ndim != 4:
        raise ValueError(f"images must be [n, h, w] or [n, h, w, c], got shape {a.shape}")
    if a.shape[-1] not in (1, 3, 4) and a.shape[1] in (1, 3, 4):
        a = np.moveaxis(a, 1, -1)  # NCHW, as torch tensors are
    if a.shape[-1] not in (1, 3, 4):
        raise ValueError(f"images need 1, 3 or 4 channels, got shape {a.shape}")
    if a.dtype != np.uint8:
        f = np.nan_to_num(a.astype(np.float32))
        if f.size and f.max() > 1.0:  # 0..255 given as floats or ints
            f = f / 255.0
        a = (np.clip(f, 0, 1) * 255 + 0.5).astype(np.uint8)
    c = a.shape[-1]
    if c == 1:
        a = np.repeat(a, 3, axis=-1)
    if a.shape[-1] == 3:
        a = np.concatenate([a, np.full((*a.shape[:-1], 1), 255, np.uint8)], axis=-1)
    return np.ascontiguousarray(a)


def encode_png(rgba: npt.NDArray[np.uint8]) -> bytes:
    """A PNG of an ``[h, w, 4]`` uint8 image (no filtering, zlib level 6)."""
    h, w, _ = rgba.shape
    rows = np.concatenate([np.zeros((h, 1), np.uint8), rgba.reshape(h, w * 4)], axis=1)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows.tobytes(), 6))
        + chunk(b"IEND", b"")
    )


def make_sprite(images: npt.ArrayLike) -> tuple[bytes, tuple[int, int]]:
    """Sprite sheet PNG of the thumbnails and the (width, height) of one cell."""
    rgba = to_rgba(images)
    n, h, w, _ = rgba.shape
    side = max(1, int(np.ceil(np.sqrt(n))))
    sheet = np.zeros((side * h, side * w, 4), np.uint8)
    for i in range(n):
        r, c = divmod(i, side)
        sheet[r * h : (r + 1) * h, c * w : (c + 1) * w] = rgba[i]
    return encode_png(sheet), (w, h)
