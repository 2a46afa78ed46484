/**
 * Where the value map's quadrant labels sit, shared by the map (valueMap.ts) and the first
 * screen's preview of it (valueMapPreview.ts, which must not import the map's d3 code) so the two
 * lay out alike. Without d3.
 */

/** Label anchors inside a plot frame: top left, top right, bottom left, bottom right. */
export function quadrantCorners(frame: {
  left: number;
  right: number;
  top: number;
  bottom: number;
}): [number, number, 'start' | 'end'][] {
  return [
    [frame.left + 8, frame.top + 16, 'start'],
    [frame.right - 8, frame.top + 16, 'end'],
    [frame.left + 8, frame.bottom - 8, 'start'],
    [frame.right - 8, frame.bottom - 8, 'end'],
  ];
}
