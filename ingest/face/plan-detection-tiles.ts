/** Where the detector's tiles lie on a frame's tile view, and which of a tile's boxes are cut faces to leave to a neighbour. */
import type { DetectedFace } from './detect-faces.ts';

/** A tile of the tile view, in tile-view pixels; at most the detector's input size (smaller only where the view is). */
export interface DetectionTile {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Tiles of `tileSize` covering a `viewWidth`×`viewHeight` view, overlapping by at least half a
 * tile along each axis (evenly spread, the first and last flush with the view's edges). Half a
 * tile of overlap puts every face up to half a tile high and wide whole inside some tile, so a
 * face cut by one tile's edge is found whole by a neighbour; larger faces are the whole-frame
 * view's. A 640×360 view (1280×720 at scale 2) gets 3×2 tiles of 320×240.
 */
export function planDetectionTiles(
  viewWidth: number,
  viewHeight: number,
  tileSize: { width: number; height: number },
): DetectionTile[] {
  const xs = axisStarts(viewWidth, tileSize.width);
  const ys = axisStarts(viewHeight, tileSize.height);
  const width = Math.min(viewWidth, tileSize.width);
  const height = Math.min(viewHeight, tileSize.height);
  return ys.flatMap((y) => xs.map((x) => ({ x, y, width, height })));
}

function axisStarts(length: number, tile: number): number[] {
  if (length <= tile) return [0];
  const count = Math.ceil((length - tile) / (tile / 2)) + 1;
  return Array.from({ length: count }, (_, i) => Math.round((i * (length - tile)) / (count - 1)));
}

/**
 * Tile-view pixels from an inner tile edge within which a box counts as cut by it: the detector
 * puts the edge of a cut face's box on or just short of the tile border.
 */
const EDGE_MARGIN_PX = 3;

/**
 * Whether `box` (tile-view pixels) touches an edge of `tile` that is not an edge of the view,
 * while small enough (at most half a tile along that axis) to lie whole in the neighbouring tile:
 * then it is a cut face and the neighbour's whole box stands for it.
 */
export function isCutByTileEdge(
  box: DetectedFace,
  tile: DetectionTile,
  view: { width: number; height: number },
): boolean {
  const w = box.x2 - box.x1;
  const h = box.y2 - box.y1;
  const left = tile.x > 0 && box.x1 <= tile.x + EDGE_MARGIN_PX;
  const right = tile.x + tile.width < view.width && box.x2 >= tile.x + tile.width - EDGE_MARGIN_PX;
  const top = tile.y > 0 && box.y1 <= tile.y + EDGE_MARGIN_PX;
  const bottom = tile.y + tile.height < view.height && box.y2 >= tile.y + tile.height - EDGE_MARGIN_PX;
  return ((left || right) && w <= tile.width / 2) || ((top || bottom) && h <= tile.height / 2);
}

/**
 * The tile in which the point (tile-view pixels) lies furthest from every inner edge: a face
 * centred there, up to half a tile across, lies whole in it (the tiles overlap by half a tile).
 */
export function mostCentralTile(
  tiles: DetectionTile[],
  x: number,
  y: number,
  view: { width: number; height: number },
): number {
  let best = -1;
  let bestDepth = -Infinity;
  tiles.forEach((t, i) => {
    if (x < t.x || x >= t.x + t.width || y < t.y || y >= t.y + t.height) return;
    const depth = Math.min(
      t.x > 0 ? x - t.x : Infinity,
      t.x + t.width < view.width ? t.x + t.width - x : Infinity,
      t.y > 0 ? y - t.y : Infinity,
      t.y + t.height < view.height ? t.y + t.height - y : Infinity,
    );
    if (depth > bestDepth) {
      best = i;
      bestDepth = depth;
    }
  });
  return best;
}
