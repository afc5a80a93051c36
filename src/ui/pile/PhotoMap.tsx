import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { ProjectRecord } from '../../store/projects';
import type { PhotoLibrary } from '../project/library';
import { percent } from './PileGrid';
import type { Suggestion } from './usePile';

interface Props {
  project: ProjectRecord;
  /** Positions from the pile worker (src/pile/photoMap.ts); undefined while it lays them out. */
  map: { hashes: string[]; positions: Float32Array } | undefined;
  library: PhotoLibrary;
  suggestionOf: ReadonlyMap<string, Suggestion>;
  /** A pile photo was chosen: it is shown in "Check these next". */
  onChoose(hash: string): void;
}

/** Tableau 10: distinct, and readable for the common colour-vision deficiencies. */
const palette = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
const unknown = '#8a8f99';
const size = 480;
const radius = 4;

interface Dot {
  hash: string;
  name: string;
  x: number;
  y: number;
  /** Class id it is shown with: its class, its acceptance or its suggestion. */
  classId: string | undefined;
  kind: 'class' | 'accepted' | 'suggested';
  confidence?: number;
}

/**
 * Every photo in 2-D, similar ones close together, on one canvas (5,000 photos are 5,000 arcs, not
 * 5,000 elements). Class photos are filled dots; unsorted ones are rings in the colour of their
 * suggestion (or grey). Hover or arrow keys show the photo; a click or Enter reviews a pile photo.
 */
export function PhotoMap({ project, map, library, suggestionOf, onChoose }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [colourBy, setColourBy] = useState<'class' | 'suggestion'>('suggestion');
  const [pointed, setPointed] = useState<number>();
  const colourOf = useMemo(() => new Map(project.classes.map((c, i) => [c.id, palette[i % palette.length]])), [project.classes]);

  const dots = useMemo((): Dot[] => {
    if (!map) return [];
    const classOf = new Map(project.classes.flatMap((c) => c.photos.map((p) => [p.hash, { classId: c.id, name: p.name }] as const)));
    const pileItem = new Map(project.pile.map((item) => [item.hash, item]));
    return map.hashes.flatMap((hash, i): Dot[] => {
      const [x, y] = [map.positions[2 * i], map.positions[2 * i + 1]];
      const inClass = classOf.get(hash);
      if (inClass) return [{ hash, name: inClass.name, x, y, classId: inClass.classId, kind: 'class' }];
      const item = pileItem.get(hash);
      if (!item) return [];
      if (item.accepted)
        return [{ hash, name: item.name, x, y, classId: item.accepted.classId, kind: 'accepted', confidence: item.accepted.confidence }];
      const suggestion = suggestionOf.get(hash);
      return [{ hash, name: item.name, x, y, classId: suggestion?.classId, kind: 'suggested', confidence: suggestion?.confidence }];
    });
  }, [map, project, suggestionOf]);

  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    const scale = window.devicePixelRatio || 1;
    canvas.current!.width = size * scale;
    canvas.current!.height = size * scale;
    context.setTransform(scale, 0, 0, scale, 0, 0);
    context.clearRect(0, 0, size, size);
    context.lineWidth = 1.5;
    for (const [i, dot] of dots.entries()) {
      const shown = dot.kind === 'class' || colourBy === 'suggestion' ? dot.classId : undefined;
      const colour = (shown && colourOf.get(shown)) ?? unknown;
      context.beginPath();
      context.arc(...toCanvas(dot), i === pointed ? radius * 2 : radius, 0, 2 * Math.PI);
      if (dot.kind === 'suggested') {
        context.strokeStyle = colour;
        context.stroke();
      } else {
        context.fillStyle = colour;
        context.fill();
      }
    }
  }, [dots, colourBy, colourOf, pointed]);

  function nearest(x: number, y: number, within = 12): number | undefined {
    let best: number | undefined;
    let bestDistance = within * within;
    dots.forEach((dot, i) => {
      const [dx, dy] = toCanvas(dot);
      const distance = (dx - x) ** 2 + (dy - y) ** 2;
      if (distance < bestDistance) {
        bestDistance = distance;
        best = i;
      }
    });
    return best;
  }

  function pointAt(event: MouseEvent<HTMLCanvasElement>) {
    const box = event.currentTarget.getBoundingClientRect();
    return nearest(((event.clientX - box.left) / box.width) * size, ((event.clientY - box.top) / box.height) * size);
  }

  function choose(index: number | undefined) {
    const dot = index === undefined ? undefined : dots[index];
    if (dot && dot.kind !== 'class') onChoose(dot.hash);
  }

  /** Arrow keys go to the nearest photo in that direction. */
  function onKeyDown(event: KeyboardEvent) {
    const directions: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (event.key === 'Enter' || event.key === ' ') {
      choose(pointed);
      event.preventDefault();
      return;
    }
    const direction = directions[event.key];
    if (!direction || dots.length === 0) return;
    event.preventDefault();
    if (pointed === undefined) return setPointed(0);
    const [fx, fy] = toCanvas(dots[pointed]);
    let best: number | undefined;
    let bestScore = Infinity;
    dots.forEach((dot, i) => {
      const [dx, dy] = [toCanvas(dot)[0] - fx, toCanvas(dot)[1] - fy];
      const along = dx * direction[0] + dy * direction[1];
      if (i === pointed || along <= 0) return;
      // Straight ahead counts more than off to the side.
      const score = along + 2 * Math.abs(dx * direction[1] - dy * direction[0]);
      if (score < bestScore) {
        bestScore = score;
        best = i;
      }
    });
    if (best !== undefined) setPointed(best);
  }

  const dot = pointed === undefined ? undefined : dots[pointed];
  const nameOf = (id: string | undefined) => project.classes.find((c) => c.id === id)?.name;
  const description =
    dot &&
    `${dot.name}: ${
      dot.kind === 'class'
        ? `in “${nameOf(dot.classId)}”`
        : dot.kind === 'accepted'
          ? `accepted as “${nameOf(dot.classId)}”`
          : dot.classId
            ? `unsorted, suggested “${nameOf(dot.classId)}” (${percent(dot.confidence ?? 0)})`
            : 'unsorted'
    }`;

  return (
    <div className="photo-map" data-testid="photo-map">
      <fieldset className="map-colours">
        <legend>Colour the unsorted photos by</legend>
        <label>
          <input type="radio" name="map-colour" checked={colourBy === 'suggestion'} onChange={() => setColourBy('suggestion')} /> their
          suggestion
        </label>
        <label>
          <input type="radio" name="map-colour" checked={colourBy === 'class'} onChange={() => setColourBy('class')} /> nothing (classes
          only)
        </label>
      </fieldset>
      <ul className="map-legend" aria-label="Colours">
        {project.classes.map((c) => (
          <li key={c.id}>
            <span className="swatch" style={{ background: colourOf.get(c.id) }} aria-hidden="true" /> {c.name}
          </li>
        ))}
        <li>Filled dots: photos in a class; rings: unsorted photos.</li>
      </ul>
      {!map && <p className="status">Laying out the photos…</p>}
      <div className="map-area">
        <canvas
          ref={canvas}
          style={{ width: size, height: size }}
          tabIndex={0}
          aria-label={`Map of ${dots.length} photos, similar ones close together. Arrow keys go from photo to photo; Enter checks an unsorted one.`}
          aria-describedby="map-pointed"
          onMouseMove={(event) => setPointed(pointAt(event))}
          onMouseLeave={() => setPointed(undefined)}
          onClick={(event) => choose(pointAt(event))}
          onKeyDown={onKeyDown}
        />
        {dot && (
          <img
            className="map-thumb"
            src={library.thumbnailOf(dot.hash)}
            alt=""
            width={96}
            height={96}
            style={{ left: Math.min(size - 100, toCanvas(dot)[0] + 8), top: Math.min(size - 100, toCanvas(dot)[1] + 8) }}
          />
        )}
      </div>
      <p id="map-pointed" className="hint" aria-live="polite">
        {description ?? 'Point at a photo, or focus the map and use the arrow keys, to see it.'}
      </p>
    </div>
  );
}

/** Map positions are in [0, 1]; a margin keeps dots at the edge whole. */
function toCanvas(dot: { x: number; y: number }): [number, number] {
  const margin = 10;
  return [margin + dot.x * (size - 2 * margin), margin + dot.y * (size - 2 * margin)];
}
