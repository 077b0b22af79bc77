/** Geometry shared by the layout, the renderers and the webview. Pure data. */

export interface Point {
  x: number;
  y: number;
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface EdgeRoute {
  points: Point[];
  /** Draw as a smooth cubic curve through 4 points (cross-namespace edges) instead of a rounded polyline. */
  curve?: boolean;
  /** Where the edge label sits (centre). */
  label: Point;
  /** No free place for the label: the reason stays in the tooltip and the hover card. */
  hideLabel?: boolean;
}

export interface GroupBox extends Box {
  namespace: string;
  /** Header text, e.g. "namespace default". */
  title: string;
}

/** Which way the layers run: left to right (entry points on the left) or top to bottom. */
export type LayoutDirection = 'LR' | 'TB';

/** Where a bundle (src/core/graph/bundles.ts) is drawn: its junction, and each member's line to or from it. */
export interface BundleRoute extends Box {
  /** Source id → its line into the junction. */
  in: Record<string, Point[]>;
  /** Target id → the line from the junction to it. */
  out: Record<string, Point[]>;
}

export interface GraphLayout {
  nodes: Record<string, Box>;
  edges: Record<string, EdgeRoute>;
  /** By bundle id (absent when the graph has no bundles). */
  bundles?: Record<string, BundleRoute>;
  groups: GroupBox[];
  width: number;
  height: number;
  engine: string;
  direction: LayoutDirection;
}

/**
 * What a layout remembers to keep positions stable across small edits: where each connected
 * component sat inside its namespace, and which component each node belonged to. Plain JSON so the
 * webview can keep it in `setState` and send it to a restarted worker.
 */
export interface LayoutMemory {
  /** Component anchor → offset inside its namespace frame. */
  offsets: Record<string, Point>;
  /** Node id → anchor of the component it was in. */
  anchors: Record<string, string>;
  /** Node id → position inside its component (seeds the order of a re-layout). */
  positions: Record<string, Point>;
  /** The direction chosen for this view, kept so an edit never turns the picture round. */
  direction?: LayoutDirection;
}

export const EMPTY_MEMORY: LayoutMemory = { offsets: {}, anchors: {}, positions: {} };

/** One connected component handed to a layout engine. */
export interface ComponentInput {
  nodes: { id: string; width: number; height: number; first?: boolean }[];
  /** `bundle`: a line into (`in`) or out of a bundle's junction; the lines of one side share one track. */
  edges: { id: string; from: string; to: string; bundle?: { id: string; side: 'in' | 'out' } }[];
}

export interface ComponentOutput {
  /** Top-left corners, relative to the component. */
  nodes: Record<string, Point>;
  edges: Record<string, Point[]>;
  width: number;
  height: number;
}

/** A layered, left-to-right layout algorithm for one connected component. */
export interface LayoutEngine {
  readonly name: string;
  layoutComponent(input: ComponentInput): Promise<ComponentOutput>;
}

/** Card size; renderers and the layout agree on it. */
export const NODE_WIDTH = 256;
export const NODE_HEIGHT = 64;
/** One row of live-overlay chips under a card's text (chip height plus the gap to the next row). */
export const LIVE_ROW_HEIGHT = 22;
/** Room under the last row of chips, so a chip never touches the card's edge. */
export const LIVE_ROWS_PAD = 4;

/** A card's height with `rows` rows of live chips reserved under its text. */
export function cardHeight(rows: number): number {
  return rows > 0 ? NODE_HEIGHT + rows * LIVE_ROW_HEIGHT + LIVE_ROWS_PAD : NODE_HEIGHT;
}
/** Room between columns: enough for a short edge label such as "80 → 9696". */
export const LAYER_GAP = 128;
export const NODE_GAP = 22;
export const COMPONENT_GAP = 40;
export const GROUP_PADDING = 20;
export const GROUP_HEADER = 30;
export const GROUP_GAP = 28;
/** A bundle's junction: two lines of text ("40 Services → 40 Deployments", "1,600 connections"). */
export const BUNDLE_HEIGHT = 36;
export const BUNDLE_MAX_WIDTH = 300;
