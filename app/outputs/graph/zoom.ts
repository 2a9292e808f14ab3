// The graph view's zoom and pan, as plain math: a view is a scale `k` and the offset (x, y) of the
// content's top-left corner in the box, in box pixels (content point p shows at p·k + (x, y)).

export interface View {
  k: number;
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

export const MIN_SCALE = 0.05;
export const MAX_SCALE = 4;
/** What one press of Zoom in (or out) multiplies (divides) the scale by. */
export const ZOOM_STEP = 1.25;

function clampScale(k: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, k));
}

/** Whether the content at scale 1 is larger than the box in either direction. */
export function overflows(content: Size, box: Size): boolean {
  return content.width > box.width + 0.5 || content.height > box.height + 0.5;
}

/** The whole content in the box, centred, never enlarged past 1:1. */
export function fitView(content: Size, box: Size): View {
  if (content.width <= 0 || content.height <= 0 || box.width <= 0 || box.height <= 0) return { k: 1, x: 0, y: 0 };
  const k = clampScale(Math.min(1, box.width / content.width, box.height / content.height));
  return { k, x: (box.width - content.width * k) / 2, y: (box.height - content.height * k) / 2 };
}

/** The view scaled by `factor` about `at` (a point in the box, which stays where it is). */
export function zoomAt(view: View, factor: number, at: { x: number; y: number }): View {
  const k = clampScale(view.k * factor);
  const ratio = k / view.k;
  return { k, x: at.x - (at.x - view.x) * ratio, y: at.y - (at.y - view.y) * ratio };
}

/** The scale factor for a wheel movement (deltaY in pixels; up zooms in). */
export function wheelFactor(deltaY: number): number {
  return Math.exp(-Math.max(-100, Math.min(100, deltaY)) * 0.005);
}
