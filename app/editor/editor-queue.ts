// Creating a Monaco editor takes a few milliseconds of main-thread time each: a notebook that
// opens with many cells near the screen creates them one per task, so the page stays responsive
// (typing, scrolling, the kernel's messages) while they come. An editor that must take the focus
// jumps the queue.
type Job = () => void;

const queue: Job[] = [];
let scheduled = false;

function runNext(): void {
  scheduled = false;
  const job = queue.shift();
  if (!job) return;
  job();
  schedule();
}

function schedule(): void {
  if (scheduled || queue.length === 0) return;
  scheduled = true;
  setTimeout(runNext, 0);
}

/** Runs `job` after the editors queued before it (first when `urgent`); returns a cancel function. */
export function queueEditorCreation(job: Job, urgent = false): () => void {
  if (urgent) queue.unshift(job);
  else queue.push(job);
  schedule();
  return () => {
    const at = queue.indexOf(job);
    if (at >= 0) queue.splice(at, 1);
  };
}
