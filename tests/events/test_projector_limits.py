"""Projector files that are hostile or broken: each is said (Logdir.problems), none
stalls the reader or empties the embedding (issue 12)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest

from tbnb.compute.sprite import encode_png
from tbnb.events import Logdir
from tbnb.events import projector as pj

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    return struct.pack(">I", len(body)) + kind + body + crc


def png_header_only(w: int, h: int, body: int = 0) -> bytes:
    """A PNG whose IHDR says w x h, followed by ``body`` bytes of (bogus) image data:
    what a small file that decodes to a huge image looks like before decoding."""
    ihdr = _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
    return PNG_MAGIC + ihdr + _chunk(b"IDAT", b"\0" * body) + _chunk(b"IEND", b"")


def jpeg_header_only(w: int, h: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0" + b"\1\1\0\0\1\0\1\0\0"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, h, w, 1) + b"\1\x11\0"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def write_embedding(
    root: Path,
    vectors: list[list[float]] | np.ndarray,
    *,
    sprite: bytes | None = None,
    dim: tuple[int, ...] = (),
    metadata: str | None = None,
) -> None:
    d = root / "00000" / "default"
    d.mkdir(parents=True, exist_ok=True)
    (d / "tensors.tsv").write_text(
        "".join("\t".join(repr(float(v)) for v in row) + "\n" for row in vectors)
    )
    entry = 'embeddings { tensor_name: "default:00000" tensor_path: "00000/default/tensors.tsv"'
    if metadata is not None:
        (d / "metadata.tsv").write_text(metadata)
        entry += ' metadata_path: "00000/default/metadata.tsv"'
    if sprite is not None:
        (d / "sprite.png").write_bytes(sprite)
        dims = " ".join(f"single_image_dim: {v}" for v in dim)
        entry += f' sprite {{ image_path: "00000/default/sprite.png" {dims} }}'
    (root / "projector_config.pbtxt").write_text(entry + " }\n")


def messages(ld: Logdir) -> list[str]:
    return [p.message for p in ld.problems]


# ---- the sprite's header ----------------------------------------------------------------


def test_image_size_reads_png_and_jpeg_headers() -> None:
    assert pj.image_size(encode_png(np.zeros((3, 5, 4), np.uint8))) == ("PNG", 5, 3)
    assert pj.image_size(png_header_only(20000, 20000)) == ("PNG", 20000, 20000)
    assert pj.image_size(jpeg_header_only(640, 480)) == ("JPEG", 640, 480)
    for junk in (b"", b"GIF89a" + b"\0" * 20, b"<svg/>", PNG_MAGIC, b"\xff\xd8\xff" + b"\0"):
        with pytest.raises(ValueError):
            pj.image_size(junk)


def test_a_sprite_that_decodes_huge_is_refused_from_its_header(logdir: Path) -> None:
    # 1.5 MB on disk, 20000 x 20000 once decoded (1.6 GB of RGBA in the browser)
    write_embedding(
        logdir, [[1, 2], [3, 4]], sprite=png_header_only(20000, 20000, 1_500_000), dim=(10, 10)
    )
    ld = Logdir(logdir)
    ld.reload()
    (emb,) = ld.embeddings(".")
    assert emb.vectors.shape == (2, 2)
    (msg,) = [m for m in messages(ld) if "sprite" in m]
    assert "20,000 x 20,000" in msg and "8,192" in msg and "without thumbnails" in msg


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"GIF89a" + b"\0" * 100, "not a PNG or JPEG"),
        (b"<html><script>alert(1)</script></html>", "not a PNG or JPEG"),
        (PNG_MAGIC + b"\0" * 4, "without its IHDR"),
    ],
)
def test_a_sprite_that_is_not_an_image_is_refused(logdir: Path, data: bytes, said: str) -> None:
    write_embedding(logdir, [[1, 2], [3, 4]], sprite=data, dim=(4, 4))
    ld = Logdir(logdir)
    ld.reload()
    assert len(ld.embeddings(".")) == 1
    assert any(said in m and "sprite" in m for m in messages(ld)), messages(ld)


@pytest.mark.parametrize(
    ("dim", "said"),
    [
        ((0, 0), "not a size"),
        ((0, 8), "not a size"),
        ((2**31 - 1, 2**31 - 1), "larger than the sprite"),
        ((8,), "no single_image_dim"),
        ((), "no single_image_dim"),
        ((8, 8), "holds 4 thumbnails of 8 x 8, fewer than the 5 points"),
    ],
)
def test_single_image_dim_is_checked(logdir: Path, dim: tuple[int, ...], said: str) -> None:
    sprite = encode_png(np.zeros((16, 16, 4), np.uint8))  # 2 x 2 cells of 8 x 8
    write_embedding(logdir, [[float(i), 1.0] for i in range(5)], sprite=sprite, dim=dim)
    ld = Logdir(logdir)
    ld.reload()
    (emb,) = ld.embeddings(".")
    assert emb.vectors.shape == (5, 2)  # the points still show, without thumbnails
    assert any(said in m for m in messages(ld)), messages(ld)


def test_a_good_sprite_is_no_problem(logdir: Path) -> None:
    sprite = encode_png(np.zeros((16, 16, 4), np.uint8))
    write_embedding(logdir, [[float(i), 1.0] for i in range(4)], sprite=sprite, dim=(8, 8))
    ld = Logdir(logdir)
    ld.reload()
    (emb,) = ld.embeddings(".")
    assert emb.sprite == sprite and emb.sprite_size == (8, 8) and ld.problems == []
    jpeg = jpeg_header_only(16, 16)
    assert pj.sprite_problem(jpeg, (8, 8), 4) is None


# ---- NaN and Inf in tensors.tsv --------------------------------------------------------


def test_nan_and_inf_in_tensors_are_counted(logdir: Path) -> None:
    x = np.arange(12, dtype=np.float32).reshape(6, 2)
    x[1, 0] = np.nan
    x[4] = [np.inf, -np.inf]
    write_embedding(logdir, x)
    ld = Logdir(logdir)
    ld.reload()
    (emb,) = ld.embeddings(".")
    assert emb.vectors.shape == (6, 2)  # the file as written; the board leaves them out
    (msg,) = messages(ld)
    assert "3 NaN or Inf values in 2 of 6 points" in msg and "left out" in msg


# ---- files too large to read ---------------------------------------------------------


def test_oversized_files_are_refused_not_read(
    logdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pj, "MAX_SPRITE_BYTES", 1000)
    monkeypatch.setattr(pj, "MAX_METADATA_BYTES", 100)
    meta = "".join(f"label {i}\n" for i in range(50))
    write_embedding(logdir, [[1, 2]] * 50, sprite=b"\0" * 2000, dim=(1, 1), metadata=meta)
    ld = Logdir(logdir)
    ld.reload()
    (emb,) = ld.embeddings(".")
    assert emb.sprite is None and emb.metadata is None
    said = " ".join(messages(ld))
    assert "cannot read sprite" in said and "cannot read metadata" in said
    monkeypatch.setattr(pj, "MAX_TENSOR_BYTES", 10)
    (logdir / "projector_config.pbtxt").write_text(
        'embeddings { tensor_name: "again" tensor_path: "00000/default/tensors.tsv" }\n'
    )
    ld.reload()
    assert ld.embeddings(".") == []
    assert "more than the 10 read" in messages(ld)[-1]


# ---- a config that failed to read ----------------------------------------------------


def test_a_config_that_failed_is_read_again_at_the_same_size(logdir: Path) -> None:
    write_embedding(logdir, [[1, 2], [3, 4]])
    cfg = logdir / "projector_config.pbtxt"
    good = cfg.read_bytes()
    cfg.write_bytes(b"\xff" * len(good))  # not UTF-8 (a writer half way, a bad copy)
    ld = Logdir(logdir)
    ld.reload()
    assert ld.tags(".")["embeddings"] == [] and len(ld.problems) == 1
    ld.reload()
    assert len(ld.problems) == 1  # retried, not said again
    cfg.write_bytes(good)  # fixed, same size: read again within a few reloads
    new_tags = [ld.reload().new_tags for _ in range(4)]
    assert {".": {"embeddings": ["default"]}} in new_tags
    assert len(ld.embeddings(".")) == 1 and len(ld.problems) == 1


def test_a_malformed_config_is_read_again_at_the_same_size(logdir: Path) -> None:
    write_embedding(logdir, [[1, 2], [3, 4]])
    cfg = logdir / "projector_config.pbtxt"
    good = cfg.read_text()
    cfg.write_text(good.replace("{", "[", 1))
    ld = Logdir(logdir)
    ld.reload()
    assert ld.tags(".")["embeddings"] == []
    cfg.write_text(good)
    ld.reload()  # the first retry is the next reload
    assert ld.tags(".")["embeddings"] == ["default"]


def test_a_config_that_keeps_failing_is_retried_less_often(
    logdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = logdir / "projector_config.pbtxt"
    cfg.write_text("embeddings { tensor_name: ")
    ld = Logdir(logdir)
    reads: list[str] = []
    original = ld._source.read_rel

    def counting(rel: str, max_bytes: int = 1 << 30) -> bytes:
        reads.append(rel)
        return original(rel, max_bytes)

    monkeypatch.setattr(ld._source, "read_rel", counting)
    for _ in range(40):
        ld.reload()
    assert 4 <= len(reads) <= 8  # 1, 2, 4, 8, 16, 32 reloads apart
    assert len(ld.problems) == 1


# ---- neighbours: a config of many entries, Windows line ends ---------------------------


def test_a_config_of_many_embeddings_offers_a_bounded_number(logdir: Path) -> None:
    write_embedding(logdir, [[1, 2]])
    entry = 'embeddings {{ tensor_name: "e{}" tensor_path: "00000/default/tensors.tsv" }}\n'
    (logdir / "projector_config.pbtxt").write_text("".join(entry.format(i) for i in range(5000)))
    ld = Logdir(logdir)
    ld.reload()
    assert len(ld.embedding_infos(".")) == pj.MAX_EMBEDDINGS == 1000
    assert any("lists 5,000 embeddings: the first 1,000" in m for m in messages(ld))


def test_metadata_with_windows_line_ends(logdir: Path) -> None:
    write_embedding(logdir, [[1, 2], [3, 4]], metadata="name\tkind\r\na\tx\r\nb\ty\r\n")
    ld = Logdir(logdir)
    ld.reload()
    (emb,) = ld.embeddings(".")
    assert emb.metadata_header == ["name", "kind"] and emb.metadata == [["a", "x"], ["b", "y"]]
