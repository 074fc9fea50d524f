/**
 * Maps a line of a rendered template back to the line of its source, so errors found in the rendered
 * text point at what the user wrote. Rendering keeps most lines as they are; where `{{ if }}`, `{{- }}` or
 * `range` added or removed lines, lines are matched in order by their text.
 */
export type LineMap = (renderedLine: number) => number;

export function lineMapBetween(source: string, rendered: string): LineMap {
  const sourceLines = source.split('\n');
  const renderedLines = rendered.split('\n');
  if (sourceLines.length === renderedLines.length) return (line) => line;
  const mapped: number[] = [];
  let next = 0; // next source line index that may match
  for (const text of renderedLines) {
    const found = text.trim() === '' ? -1 : sourceLines.indexOf(text, next);
    if (found >= 0) {
      mapped.push(found + 1);
      next = found + 1;
    } else {
      // a line made by the template: attribute it to the first source line not yet matched
      mapped.push(Math.min(next + 1, sourceLines.length));
    }
  }
  return (line) => mapped[line - 1] ?? line;
}
