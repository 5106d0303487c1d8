"""The board's feeds: for each kind of data, what the browser holds of it and the deltas
that keep it current. One feed per kind, registered in `FEEDS` (the front end's table of
holders is js/src/store/; its views are the TABS of js/src/board.ts).

A feed takes the reader's changes (`FeedChange`: one series, from which of its rows it
changed) and answers with the message fields it fills: its deltas under its own field of
the UpdateMessage (js/src/protocol.ts), and any pushed data (images: ``image_data``).
See CONTRIBUTING.md, "How to add a dashboard".
"""

from __future__ import annotations

from tbnb.board.feeds.audio import AudioFeed
from tbnb.board.feeds.base import Feed, FeedChange, Fields, Offline
from tbnb.board.feeds.custom_scalars import CustomScalarsFeed
from tbnb.board.feeds.graphs import GraphFeed
from tbnb.board.feeds.histograms import HistogramFeed
from tbnb.board.feeds.hparams import HParamsFeed
from tbnb.board.feeds.images import ImageFeed
from tbnb.board.feeds.meshes import MeshFeed
from tbnb.board.feeds.pr_curves import PRCurveFeed
from tbnb.board.feeds.scalars import ScalarFeed
from tbnb.board.feeds.texts import TextFeed
from tbnb.events.kinds import Kind

# kind of data -> the feed that carries it to the browser
FEEDS: dict[Kind, type[Feed]] = {
    Kind.SCALARS: ScalarFeed,
    Kind.HISTOGRAMS: HistogramFeed,
    Kind.IMAGES: ImageFeed,
    Kind.TEXT: TextFeed,
    Kind.GRAPHS: GraphFeed,
    Kind.HPARAMS: HParamsFeed,
    Kind.PR_CURVES: PRCurveFeed,
    Kind.AUDIO: AudioFeed,
    Kind.MESH: MeshFeed,
    Kind.CUSTOM_SCALARS: CustomScalarsFeed,
}

__all__ = [
    "FEEDS",
    "AudioFeed",
    "CustomScalarsFeed",
    "Feed",
    "FeedChange",
    "Fields",
    "GraphFeed",
    "HParamsFeed",
    "HistogramFeed",
    "ImageFeed",
    "MeshFeed",
    "Offline",
    "PRCurveFeed",
    "ScalarFeed",
    "TextFeed",
]
