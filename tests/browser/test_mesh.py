"""The Mesh tab in JupyterLab, on meshes written by torch's and tensorboardX's
``add_mesh`` and TF2's mesh summary (the shared corpus): each is drawn with the vertex
count written (read from plotly's data in the page), a point cloud as GL points (one
vertex each, on the screen in its colours, hovered for its coordinates), the step slider
moves (and the page says it waits while a training cell keeps the kernel busy), a live
step arrives, the camera resets, and a bad mesh says what is wrong."""

from __future__ import annotations

import io
import math
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Page
from tensorboard.compat.proto import event_pb2
from tensorboard.compat.proto.summary_pb2 import Summary
from tensorboard.util import tensor_util

from tbnb.board.feeds.meshes import PUSH_ELEMENTS
from tests.browser.jupyter import Hold, JupyterServer
from tests.browser.test_board_tabs import CORPUS, TAB_CODE_JS, Board, card, open_board
from tests.events.evhelpers import frame

torch = pytest.importorskip("torch")
from tensorboardX import SummaryWriter as TbxWriter  # noqa: E402
from torch.utils.tensorboard import SummaryWriter as TorchWriter  # noqa: E402

VERTS = np.array([[[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]]], np.float32)
FACES = np.array([[[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]]], np.int32)
COLORS = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0]]], np.uint8)
LARGE = PUSH_ELEMENTS + 1_000  # vertices of a cloud too large to be pushed

# every mesh card: what it says and what plotly holds
CARDS_JS = """
root => [...root.querySelectorAll('.tbnb-pane[data-tab=mesh] .tbnb-card')].map(c => {
  const gd = c.querySelector('.tbnb-mesh-plot');
  const t = gd && gd.data && gd.data[0];
  const msg = c.querySelector('.tbnb-image-loading, .tbnb-image-error');
  const scene = gd && gd._fullLayout && gd._fullLayout.scene && gd._fullLayout.scene._scene;
  const cam = scene ? scene.getCamera() : null;
  return {
    run: c.dataset.run, tag: c.dataset.tag, state: c.dataset.state || '',
    step: c.dataset.step || '', drawn: c.dataset.drawnStep || '',
    message: msg && !msg.hidden ? msg.textContent : '',
    counts: c.querySelector('.tbnb-mesh-counts').textContent,
    slider: !c.querySelector('.tbnb-image-slider-row').hidden,
    type: t ? t.type : null, vertices: t ? t.x.length : 0, faces: t && t.i ? t.i.length : 0,
    colors: t && t.vertexcolor ? t.vertexcolor.length : 0,
    // what the GL layer holds: one point a vertex for a point cloud (points3d.ts)
    points: scene ? scene.glplot.objects.reduce((n, o) => n + (o.pointCount || 0), 0) : 0,
    eye: cam ? [cam.eye.x, cam.eye.y, cam.eye.z] : null,
    projection: cam ? cam.projection.type : null,
  };
})
"""

# where vertex 1 of gd's first trace is on the page, as plotly's scene projects it
PROJECT_JS = """
const scene = gd._fullLayout.scene._scene, t = gd._fullData[0], s = scene.dataScale;
const p = [t.x[1] * s[0], t.y[1] * s[1], t.z[1] * s[2], 1];
const c = scene.glplot.cameraParams;
const mul = (m, v) => [0, 1, 2, 3].map(
  r => m[r] * v[0] + m[4 + r] * v[1] + m[8 + r] * v[2] + m[12 + r] * v[3]);
const q = mul(c.projection, mul(c.view, mul(c.model, p)));
const box = scene.container.getBoundingClientRect();
return [box.left + (0.5 + 0.5 * q[0] / q[3]) * box.width,
        box.top + (0.5 - 0.5 * q[1] / q[3]) * box.height];
"""


def write_meshes(logdir: Path) -> None:
    t = TorchWriter(str(logdir / "torch"))
    config = {"camera": {"cls": "PerspectiveCamera", "fov": 60, "position": [0, 0, 5]}}
    t.add_mesh("tetra", torch.as_tensor(VERTS), colors=torch.as_tensor(COLORS),
               faces=torch.as_tensor(FACES), config_dict=config, global_step=0)  # fmt: skip
    t.add_mesh("cloud", torch.as_tensor(VERTS * 2), global_step=0)
    t.close()
    x = TbxWriter(str(logdir / "tbx"))
    x.add_mesh("tetra", VERTS, colors=COLORS, faces=FACES, global_step=0)
    rng = np.random.default_rng(0)
    for step in range(4):  # step s: 10 (s + 1) points
        x.add_mesh("grow", rng.random((1, 10 * (step + 1), 3)), global_step=step)
    bad = FACES.copy()
    bad[0, 1] = [0, 1, 9]
    x.add_mesh("bad", VERTS, faces=bad, global_step=0)
    blue = np.tile(np.array([0, 0, 255], np.uint8), (1, LARGE, 1))  # the written colours
    x.add_mesh("large", rng.random((1, LARGE, 3)), colors=blue, global_step=0)
    x.close()
    shutil.copytree(CORPUS / "tf2_dashboards" / "mesh", logdir / "tf2")
    # a mesh tensor whose MeshPluginData is garbage
    value = Summary.Value(tag="g_VERTEX", tensor=tensor_util.make_tensor_proto(VERTS))
    value.metadata.plugin_data.plugin_name = "mesh"
    value.metadata.plugin_data.content = b"\xff\xff\xff"
    event = event_pb2.Event(wall_time=1.0e9, step=0, summary=Summary(value=[value]))
    (logdir / "garbled").mkdir()
    (logdir / "garbled" / "events.out.tfevents.1").write_bytes(frame(event.SerializeToString()))


def cards(b: Board) -> list[dict[str, Any]]:
    return list(b.eval(CARDS_JS))


def until_card(b: Board, run: str, tag: str, check: Any) -> dict[str, Any]:
    got = b.until(
        CARDS_JS, lambda cs: any(c["run"] == run and c["tag"] == tag and check(c) for c in cs)
    )
    return card(got, run, tag)


def blue_pixels(png: bytes) -> int:
    """How many pixels of a screenshot are blue (points of the colour written)."""
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    return int(((rgb[..., 2] - rgb[..., 0] > 60) & (rgb[..., 2] - rgb[..., 1] > 60)).sum())


def distance(eye: list[float]) -> float:
    return math.hypot(*eye)


def test_mesh_tab(page: Page, jupyter: JupyterServer, tmp_path: Path, hold: Hold) -> None:
    logdir = tmp_path / "runs"
    write_meshes(logdir)
    nb, b = open_board(
        page,
        jupyter,
        "mesh.ipynb",
        [
            "%load_ext tbnb",
            f"%tbnb --logdir {logdir} --reload_interval 0.5",
            hold.code + "while held():\n    _time.sleep(0.05)\n",
        ],
    )
    # a training cell keeps the kernel busy: the tab works on what was pushed
    nb.run_cell(2, wait=False)
    hold.started()
    b.root.locator(".tbnb-tab[data-tab=mesh]").wait_for()
    # the Mesh tab's code is a chunk of its own (board.ts, lazy tabs): imported on idle
    # once the board has a mesh, before the tab is opened; no other lazy tab's is
    assert b.until(TAB_CODE_JS, lambda names: "mesh" in names) == ["mesh"]
    b.root.scroll_into_view_if_needed()
    b.tab("mesh")
    pane = b.pane("mesh")
    assert {(c["run"], c["tag"]) for c in b.until(CARDS_JS, lambda cs: len(cs) == 8)} == {
        ("torch", "tetra"), ("torch", "cloud"), ("tbx", "tetra"), ("tbx", "grow"),
        ("tbx", "bad"), ("tbx", "large"), ("tf2", "tetra"), ("garbled", "g_VERTEX"),
    }  # fmt: skip
    for i in range(pane.locator(".tbnb-card").count()):
        pane.locator(".tbnb-card").nth(i).scroll_into_view_if_needed()
        b.until(CARDS_JS, lambda cs, i=i: cs[i]["state"] in ("ready", "error", "waiting"))

    # meshes with faces, colours and the vertex count written, from each writer
    for run in ("torch", "tbx", "tf2"):
        c = until_card(b, run, "tetra", lambda c: c["state"] == "ready")
        assert (c["type"], c["vertices"], c["faces"], c["colors"]) == ("mesh3d", 4, 4, 4), run
        assert c["counts"] == "4 vertices · 4 faces · vertex colours"
    # config_dict: torch's camera from +z at fov 60, TF2's fov 75 (further back than 45)
    torch_eye = card(cards(b), "torch", "tetra")["eye"]
    assert torch_eye[0] == pytest.approx(0) and torch_eye[1] == pytest.approx(0)
    assert torch_eye[2] > 2.165
    assert distance(card(cards(b), "tf2", "tetra")["eye"]) > distance(torch_eye)
    assert distance(card(cards(b), "tbx", "tetra")["eye"]) == pytest.approx(2.165, abs=1e-3)
    # a point cloud: one GL point a vertex
    cloud = card(cards(b), "torch", "cloud")
    assert (cloud["type"], cloud["vertices"], cloud["points"], cloud["counts"]) == (
        "points3d",
        4,
        4,
        "4 vertices · point cloud",
    )
    # hovering a point gives its coordinates as written (VERTS * 2: vertex 1 is x 2)
    sel = '.tbnb-card[data-run="torch"][data-tag="cloud"] .tbnb-mesh-plot'
    pane.locator(sel).scroll_into_view_if_needed()
    xy = b.eval(f"root => {{ const gd = root.querySelector('{sel}'); {PROJECT_JS} }}")
    page.mouse.move(xy[0], xy[1])
    hover = pane.locator(f"{sel} .hovertext")
    hover.first.wait_for()
    assert "x 2" in (hover.first.text_content() or "")
    grow = card(cards(b), "tbx", "grow")
    assert (grow["step"], grow["vertices"], grow["slider"]) == ("3", 40, True)
    # a bad mesh says what is wrong
    bad = card(cards(b), "tbx", "bad")
    assert bad["state"] == "error" and bad["type"] is None
    assert bad["message"] == "face 1 uses vertices [0, 1, 9], but the mesh has 4 vertices (0 to 3)"
    garbled = card(cards(b), "garbled", "g_VERTEX")
    assert garbled["state"] == "error"
    assert garbled["message"] == "its MeshPluginData cannot be read (garbled metadata)"
    status = b.root.locator(".tbnb-problems-toggle").text_content() or ""
    assert status.startswith("1 problem"), status
    # too large to be pushed: asked for, and the kernel is busy
    large = card(cards(b), "tbx", "large")
    assert large["state"] == "waiting" and "waiting for the kernel" in large["message"]

    # the slider (from the keyboard) goes to step 0: asked for while the kernel is busy
    slider = pane.locator('.tbnb-card[data-run="tbx"][data-tag="grow"] input[aria-label=step]')
    slider.focus()
    page.keyboard.press("Home")
    c = until_card(b, "tbx", "grow", lambda c: c["step"] == "0")
    assert c["state"] == "waiting" and "waiting for the kernel" in c["message"]
    # a live step arrives: the slider moved, so the card stays where it was put
    x = TbxWriter(str(logdir / "tbx"), filename_suffix=".live")
    x.add_mesh("grow", np.random.default_rng(1).random((1, 50, 3)), global_step=4)
    x.close()
    b.until(
        "root => root.querySelector('.tbnb-pane[data-tab=mesh] [data-tag=grow] input').max",
        lambda m: m == "4",
    )
    assert card(cards(b), "tbx", "grow")["step"] == "0"

    # the cell ends: the kernel answers what was asked
    hold.release()
    nb.wait_done(2)
    c = until_card(b, "tbx", "grow", lambda c: c["state"] == "ready" and c["drawn"] == "0")
    assert c["vertices"] == 10
    large = until_card(b, "tbx", "large", lambda c: c["state"] == "ready")
    assert (large["type"], large["vertices"], large["points"]) == ("points3d", LARGE, LARGE)
    assert large["colors"] == LARGE
    # and the points are on the screen, in the colour written (their GL opacity was once
    # 0, which no count of plotly's data would see)
    shot = pane.locator('.tbnb-card[data-run="tbx"][data-tag="large"] .tbnb-mesh-plot')
    shot.scroll_into_view_if_needed()
    page.mouse.move(0, 0)  # no hover label (of the run's colour) on the shot
    shot.locator(".hovertext").wait_for(state="detached")
    deadline = time.monotonic() + 30  # the frame that draws them follows "ready"
    while (drawn := blue_pixels(shot.screenshot())) <= 2_000 and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert drawn > 2_000
    # back to the newest step: it follows again
    slider.focus()
    page.keyboard.press("End")
    c = until_card(b, "tbx", "grow", lambda c: c["state"] == "ready" and c["drawn"] == "4")
    assert c["vertices"] == 50

    # rotate with the mouse, then the labelled button puts the camera back
    plot = pane.locator('.tbnb-card[data-run="torch"][data-tag="tetra"] .tbnb-mesh-plot')
    plot.scroll_into_view_if_needed()
    box = plot.bounding_box()
    assert box is not None
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + 120, cy + 40, steps=8)
    page.mouse.up()
    moved = until_card(b, "torch", "tetra", lambda c: c["eye"] != torch_eye)
    assert moved["eye"] != pytest.approx(torch_eye)
    pane.locator(
        '.tbnb-card[data-run="torch"][data-tag="tetra"] button[aria-label="reset camera"]'
    ).click()
    back = until_card(b, "torch", "tetra", lambda c: c["eye"] == pytest.approx(torch_eye))
    assert back["projection"] == "perspective"
