// Monaco is large: load it once, on first use, so the notebook shows before the editor is ready.
// Evaluating it holds the main thread for a while (about half a second on a 2-core machine), so
// editors that are only to be shown wait until the kernel is idle: a notebook opened from a link
// and run at once shows its first outputs without waiting for Monaco. An editor that must take the
// focus loads it at once.
import type * as Monaco from 'monaco-editor';
import { useWick } from '../store';

/** How long the kernel must have been idle (started, nothing queued or running) before Monaco loads for editors only shown. */
const IDLE_MS = 1000;
/** …and the longest such editors wait (a first run that takes long still gets editors while it runs). */
const MAX_WAIT_MS = 10_000;

let loading: Promise<typeof Monaco> | null = null;
let markLoaded: (monaco: typeof Monaco) => void = () => {};
const loaded = new Promise<typeof Monaco>((resolve) => (markLoaded = resolve));
let idle: Promise<void> | null = null;

/** Loads Monaco now (an editor must take the focus, or be used). */
export function loadMonaco(): Promise<typeof Monaco> {
  loading ??= import('./monaco-setup').then((module) => {
    markLoaded(module.monaco);
    return module.monaco;
  });
  return loading;
}

/** Monaco once something loaded it, without loading it. */
export function monacoLoaded(): Promise<typeof Monaco> {
  return loaded;
}

/** Loads Monaco once the kernel has been idle for IDLE_MS (or MAX_WAIT_MS have passed), or sooner if something else loads it. */
export function loadMonacoWhenIdle(): Promise<typeof Monaco> {
  idle ??= new Promise<void>((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = () => {
      clearTimeout(timer);
      clearTimeout(cap);
      unsubscribe();
      resolve();
    };
    const cap = setTimeout(done, MAX_WAIT_MS);
    const check = (status: string) => {
      clearTimeout(timer);
      if (status === 'idle' || status === 'failed') timer = setTimeout(done, IDLE_MS);
    };
    const unsubscribe = useWick.subscribe((state, previous) => {
      if (state.kernel.status !== previous.kernel.status) check(state.kernel.status);
    });
    check(useWick.getState().kernel.status);
  });
  return Promise.race([idle.then(loadMonaco), loaded]);
}
