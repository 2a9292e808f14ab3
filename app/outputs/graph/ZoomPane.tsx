// A box the graph is drawn in, with fit and zoom: Fit, Zoom in and Zoom out buttons, Ctrl (or ⌘)
// and the wheel to zoom about the pointer, and a drag to pan. A graph larger than the box opens
// fitted to it; a smaller one shows at 1:1. A drag never counts as a click on a node.
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type PointerEvent as ReactPointerEvent, type ReactNode } from 'react';
import { fitView, overflows, wheelFactor, ZOOM_STEP, zoomAt, type Size, type View } from './zoom';

/** The box's height at most; a shorter graph gets a box its own height. */
const MAX_HEIGHT = 520;
const DRAG_THRESHOLD = 4;

export function ZoomPane({ children, label }: { children: ReactNode; label: string }) {
  const boxRef = useRef<HTMLDivElement>(null);
  const contentRef = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<View>({ k: 1, x: 0, y: 0 });
  const [content, setContent] = useState<Size>({ width: 0, height: 0 });
  const drag = useRef<{ id: number; startX: number; startY: number; view: View; moved: boolean } | null>(null);

  const boxSize = useCallback((): Size => {
    const box = boxRef.current;
    return box ? { width: box.clientWidth, height: box.clientHeight } : { width: 0, height: 0 };
  }, []);

  const fit = useCallback(() => setView(fitView(content, boxSize())), [content, boxSize]);

  // The content's natural size (a transform does not change offsetWidth); a new graph opens fitted when it overflows.
  useLayoutEffect(() => {
    const inner = contentRef.current;
    if (!inner) return;
    const measure = () => {
      const size = { width: inner.offsetWidth, height: inner.offsetHeight };
      setContent((old) => (old.width === size.width && old.height === size.height ? old : size));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(inner);
    return () => observer.disconnect();
  }, []);
  useLayoutEffect(() => {
    const box = boxSize();
    setView(overflows(content, box) ? fitView(content, box) : { k: 1, x: 0, y: 0 });
  }, [content, boxSize]);

  // Ctrl/⌘ + wheel zooms about the pointer; a plain wheel scrolls the page as usual. (React's wheel
  // listener is passive, so this one is added by hand to be allowed to preventDefault.)
  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const onWheel = (e: WheelEvent) => {
      if (!e.ctrlKey && !e.metaKey) return;
      e.preventDefault();
      const rect = box.getBoundingClientRect();
      setView((v) => zoomAt(v, wheelFactor(e.deltaY), { x: e.clientX - rect.left, y: e.clientY - rect.top }));
    };
    box.addEventListener('wheel', onWheel, { passive: false });
    return () => box.removeEventListener('wheel', onWheel);
  }, []);

  const zoomCentre = (factor: number) => {
    const { width, height } = boxSize();
    setView((v) => zoomAt(v, factor, { x: width / 2, y: height / 2 }));
  };

  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    drag.current = { id: e.pointerId, startX: e.clientX, startY: e.clientY, view, moved: false };
  };
  const onPointerMove = (e: ReactPointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d || d.id !== e.pointerId) return;
    const dx = e.clientX - d.startX;
    const dy = e.clientY - d.startY;
    if (!d.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
    if (!d.moved) {
      d.moved = true;
      e.currentTarget.setPointerCapture(e.pointerId);
    }
    setView({ ...d.view, x: d.view.x + dx, y: d.view.y + dy });
  };
  const onPointerUp = (e: ReactPointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d || d.id !== e.pointerId) return;
    if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
    // The click that ends a drag is swallowed (below); a plain click goes through to the node.
    if (!d.moved) drag.current = null;
  };
  const onClickCapture = (e: React.MouseEvent) => {
    if (drag.current?.moved) {
      e.stopPropagation();
      e.preventDefault();
    }
    drag.current = null;
  };

  const height = Math.min(MAX_HEIGHT, Math.max(content.height, 40));
  return (
    <div className="zoom-pane">
      <div className="zoom-controls" role="toolbar" aria-label={`Zoom ${label}`}>
        <button type="button" onClick={fit}>
          Fit
        </button>
        <button type="button" aria-label="Zoom in" onClick={() => zoomCentre(ZOOM_STEP)}>
          +
        </button>
        <button type="button" aria-label="Zoom out" onClick={() => zoomCentre(1 / ZOOM_STEP)}>
          −
        </button>
        <span className="muted" data-testid="graph-zoom">
          {Math.round(view.k * 100)}%
        </span>
      </div>
      <div
        ref={boxRef}
        className="zoom-box"
        data-testid="graph-viewport"
        data-zoom={view.k.toFixed(3)}
        style={{ height }}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={() => (drag.current = null)}
        onClickCapture={onClickCapture}
      >
        <div ref={contentRef} className="zoom-content" style={{ transform: `translate(${view.x}px, ${view.y}px) scale(${view.k})` }}>
          {children}
        </div>
      </div>
    </div>
  );
}
