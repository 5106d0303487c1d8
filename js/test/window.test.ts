// The windowing arithmetic of long lists (window.ts): which rows are in the DOM, where
// the keyboard moves, how far to scroll to show a row.
import assert from "node:assert/strict";
import { test } from "node:test";
import { gridColumns, keyTarget, scrollToShow, sectionHeight, windowOf } from "../src/window";

test("the window is the rows in view and the overscan each side, within the list", () => {
  // 2,000 rows of 22 px, 440 px shown (20 rows) from the top
  assert.deepEqual(windowOf(2000, 22, 0, 440, 8), { first: 0, last: 28 });
  // scrolled to row 1,000 (22,000 px)
  assert.deepEqual(windowOf(2000, 22, 22000, 440, 8), { first: 992, last: 1028 });
  // a row cut at the top or bottom is in the window
  assert.deepEqual(windowOf(2000, 22, 11, 22, 0), { first: 0, last: 2 });
  // the end: no row past the last
  assert.deepEqual(windowOf(2000, 22, 2000 * 22 - 440, 440, 8), { first: 1972, last: 2000 });
  // scrolled past the end (the list shrank under a filter): the last rows, not none
  const past = windowOf(10, 22, 5000, 440, 8);
  assert.ok(past.last === 10 && past.first <= past.last);
});

test("an empty list, or nothing shown, has an empty or overscan-only window", () => {
  assert.deepEqual(windowOf(0, 22, 0, 440, 8), { first: 0, last: 0 });
  assert.deepEqual(windowOf(100, 22, 0, 0, 0), { first: 0, last: 0 });
  assert.deepEqual(windowOf(100, 22, -50, 44, 0), { first: 0, last: 2 });
});

test("keys move the focus by a row, a page, or to an end, and stay in the list", () => {
  assert.equal(keyTarget("ArrowDown", 5, 2000, 19), 6);
  assert.equal(keyTarget("ArrowUp", 5, 2000, 19), 4);
  assert.equal(keyTarget("ArrowUp", 0, 2000, 19), 0);
  assert.equal(keyTarget("ArrowDown", 1999, 2000, 19), 1999);
  assert.equal(keyTarget("PageDown", 5, 2000, 19), 24);
  assert.equal(keyTarget("PageUp", 5, 2000, 19), 0);
  assert.equal(keyTarget("PageDown", 5, 2000, 0), 6);
  assert.equal(keyTarget("Home", 500, 2000, 19), 0);
  assert.equal(keyTarget("End", 5, 2000, 19), 1999);
  assert.equal(keyTarget("a", 5, 2000, 19), null);
  assert.equal(keyTarget("Tab", 5, 2000, 19), null);
  assert.equal(keyTarget("End", 0, 0, 19), null);
});

test("scrolling to show a row moves as little as it can", () => {
  assert.equal(scrollToShow(10, 22, 0, 440), 0); // already whole in view
  assert.equal(scrollToShow(30, 22, 0, 440), 31 * 22 - 440); // below: to the bottom edge
  assert.equal(scrollToShow(3, 22, 200, 440), 66); // above: to the top edge
  assert.equal(scrollToShow(1999, 22, 0, 440), 2000 * 22 - 440);
  assert.equal(scrollToShow(19, 22, 0, 440), 0); // the last row fully shown
  assert.equal(scrollToShow(20, 22, 0, 440), 22);
});

test("a section's estimated height: rows of cards in the grid's columns", () => {
  assert.equal(gridColumns(1120, 0), 3); // 360 px cards, 8 px gaps: 3 x 360 + 2 x 8 = 1096
  assert.equal(gridColumns(1095, 0), 2);
  assert.equal(gridColumns(200, 0), 1); // narrower than a card: one column
  assert.equal(gridColumns(1000, 480), 2);
  assert.equal(sectionHeight(100, 2, 270), 30 + 50 * 270 + 49 * 8);
  assert.equal(sectionHeight(1, 3, 270), 30 + 270);
  assert.equal(sectionHeight(0, 3, 270), 30);
});
